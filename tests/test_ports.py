"""Ports for the servers tests start are drawn outside the kernel's ephemeral range."""

from __future__ import annotations

import socket

from drills.ports import LOW, ephemeral_range, free_port


def test_a_port_is_below_the_ephemeral_range_and_can_be_bound() -> None:
    ports = {free_port() for _ in range(50)}
    low, high = ephemeral_range()
    outside = (lambda port: LOW <= port < low) if low > LOW else (lambda port: port > high)
    assert all(outside(port) for port in ports), sorted(ports)
    assert len(ports) > 1  # drawn at random, not one fixed port for every process
    for port in list(ports)[:5]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_in_use_is_never_handed_out() -> None:
    held = []
    try:
        for _ in range(30):
            port = free_port()
            sock = socket.socket()
            sock.bind(("127.0.0.1", port))
            sock.listen()
            held.append(sock)
        assert len({sock.getsockname()[1] for sock in held}) == len(held)
    finally:
        for sock in held:
            sock.close()
