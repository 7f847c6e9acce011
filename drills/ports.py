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


def _ephemeral_low() -> int:
    """Where this machine's ephemeral range starts (Linux); 32768 when unknown."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


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
    high = min(HIGH, _ephemeral_low())
    picker = random.SystemRandom()
    for _ in range(TRIES):
        port = picker.randrange(LOW, high)
        if _binds(port):
            return port
    with socket.socket() as sock:  # a crowded range: let the kernel choose
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
