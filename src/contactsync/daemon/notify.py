"""The systemd notify protocol (sd_notify(3)) in a few lines: one datagram to ``$NOTIFY_SOCKET`` per message.

No library: the protocol is a ``KEY=value`` text sent over an AF_UNIX datagram socket whose path (or abstract
name, written with a leading ``@``) systemd puts in the environment. Outside systemd the variable is absent and
every call is a no-op, so the daemon runs the same from a terminal.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("contactsync.daemon")


class Notifier:
    """Sends READY, STATUS, WATCHDOG, RELOADING and STOPPING messages to systemd when it listens."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address
        self.watchdog_s = self._watchdog_seconds(env)

    @staticmethod
    def _watchdog_seconds(env: Mapping[str, str]) -> float | None:
        """WatchdogSec= as seconds, when the watchdog is meant for this process (WATCHDOG_PID, if set, is us)."""
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
            return None
        return int(usec) / 1_000_000

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def send(self, **fields: str) -> bool:
        """Send ``KEY=value`` lines (``send(READY="1", STATUS="idle")``); False when nobody listens or it failed."""
        if not self._address:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(message)
        except OSError as exc:
            # systemd gone (a shutdown) or a wrong path: the daemon's work matters more than the message
            log.debug("sd_notify failed: %s", exc)
            return False
        return True

    def ready(self, status: str) -> bool:
        return self.send(READY="1", STATUS=status, MAINPID=str(os.getpid()))

    def status(self, status: str) -> bool:
        return self.send(STATUS=status)

    def watchdog(self) -> bool:
        return self.send(WATCHDOG="1")

    def reloading(self) -> bool:
        return self.send(RELOADING="1", STATUS="reloading the configuration")

    def stopping(self) -> bool:
        return self.send(STOPPING="1", STATUS="stopping: finishing the write in flight")
