"""A free loopback port for a server a test starts: taken from below the kernel's ephemeral range.

The usual way (bind port 0, read the port, close, let the server bind it) hands out a port from the ephemeral
range, the same range every outgoing connection of the machine takes its source port from: between the close and
the server's bind, any client (a PostgreSQL connection, a daemon's HTTP request) may be given it, and the server
then fails to start. No outgoing connection takes a port below the range, so only a server of our own could take
one there, and the bind check below makes that unlikely too.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

#: used when the range cannot be read, or starts too low to leave room under it
_EPHEMERAL_LOW = 32768
#: its own generator: a test that seeds ``random`` (or a plugin seeding every test alike) does not make two
#: processes pick the same ports in the same order
_RANDOM = random.SystemRandom()
#: the lowest port handed out: above every service port this workplace runs (PostgreSQL 5432, Redis 6379, ...)
_LOWEST = 10000


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _EPHEMERAL_LOW


def free_port() -> int:
    """A loopback port nothing listens on now, below the ephemeral range where there is room; else any free one."""
    high = _ephemeral_low()
    for _ in range(50) if high - _LOWEST >= 1000 else ():
        port = _RANDOM.randrange(_LOWEST, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
