"""A TCP port for a server a test, drill or benchmark is about to start.

Asking the kernel for port 0 and closing the socket hands back a port from the ephemeral range
(32768-60999 on Linux), the same range the kernel draws from for every outgoing connection:
under a parallel suite that opens thousands of client connections (PostgreSQL, the fakes), the
port can be taken by some client socket before the child server binds it, and the child fails
with "address already in use". Ports are therefore drawn at random below that range, where the
kernel never assigns client ports, and checked free by binding them.
"""

from __future__ import annotations

import random
import socket

LOW, HIGH = 20000, 32000  # below Linux's default ip_local_port_range (32768-60999)
TRIES = 200


def ephemeral_range() -> tuple[int, int]:
    """This machine's ephemeral port range (Linux); 32768-60999 when unknown."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as handle:
            low, high = (int(part) for part in handle.read().split()[:2])
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _candidates() -> range:
    """Ports to draw from: below the ephemeral range, or above it where a tuned machine
    starts that range at 1024 (an empty range: the kernel chooses)."""
    low, high = ephemeral_range()
    if low > LOW:
        return range(LOW, min(HIGH, low))
    return range(high + 1, 65536)


def _binds(port: int) -> bool:
    """Whether 127.0.0.1:`port` can be bound right now."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody uses now, outside the kernel's ephemeral range."""
    candidates = _candidates()
    picker = random.SystemRandom()
    for _ in range(TRIES if candidates else 0):
        port = picker.choice(candidates)
        if _binds(port):
            return port
    with socket.socket() as sock:  # a crowded range: let the kernel choose
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
