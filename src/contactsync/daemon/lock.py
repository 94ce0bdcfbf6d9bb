"""One daemon per SQLite store: an exclusive ``flock`` on a file next to the database.

SQLite has no row locks to lease books with, and two daemons writing one file would only wait on each other's
transactions (or time out mid-run), so a second daemon is refused with a clear message instead. The lock goes
with the process: a crashed daemon leaves no stale lock behind (the kernel drops it), so no pid-file cleanup.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import sqlalchemy as sa

from ..errors import StoreLocked


class StoreLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_url(cls, url: str) -> StoreLock | None:
        """The lock for a file-backed SQLite store; None for PostgreSQL (leases share it) or in-memory SQLite."""
        parsed = sa.make_url(url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return cls(Path(f"{parsed.database}.daemon-lock"))

    def acquire(self) -> None:
        """Take the lock or raise StoreLocked naming the process that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise StoreLocked(
                f"another contactsync daemon (pid {holder}) already runs on the store "
                f"{self.path.with_suffix('')}: stop it first, or give this one its own store.url "
                "(several daemons can share a PostgreSQL store)") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
