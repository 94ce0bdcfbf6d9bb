"""One daemon per SQLite store: an exclusive ``flock`` on a file next to the database.

SQLite has no row locks to lease books with, and two daemons writing one file would only wait on each other's
transactions (or time out mid-run), so a second daemon is refused with a clear message instead. The lock goes
with the process: a crashed daemon leaves no stale lock behind (the kernel drops it), so no pid-file cleanup.
"""

from __future__ import annotations

import fcntl
import os
import time
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

    def acquire(self, kind: str = "daemon", *, wait_for_sync_s: float = 0.0) -> None:
        """Take the lock or raise StoreLocked naming the process that holds it.

        ``kind`` is what this process is ("daemon" or "sync"): the holder's kind is written in the file, so a
        daemon starting while an admin's one-off ``contactsync sync`` finishes waits for it (up to
        ``wait_for_sync_s``) instead of failing, and a ``sync`` is refused while a daemon owns the store (two
        writers on one store could send the same owed write twice).
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + wait_for_sync_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                os.lseek(fd, 0, os.SEEK_SET)
                pid, _, holder_kind = os.read(fd, 64).decode(errors="replace").strip().partition(" ")
                holder_kind = holder_kind or "daemon"
                if holder_kind == "sync" and time.monotonic() < deadline:
                    time.sleep(0.5)
                    continue
                os.close(fd)
                raise StoreLocked(self._refusal(kind, holder_kind, pid or "unknown")) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {kind}".encode())
        self._fd = fd

    def _refusal(self, kind: str, holder_kind: str, pid: str) -> str:
        store = self.path.with_suffix("")
        if holder_kind == "daemon" and kind == "daemon":
            return (
                f"another contactsync daemon (pid {pid}) already runs on the store {store}: stop it first, or "
                "give this one its own store.url (several daemons can share a PostgreSQL store)"
            )
        if holder_kind == "daemon":
            return (
                f"the contactsync daemon (pid {pid}) runs on the store {store} and syncs every book on its "
                "schedule; a one-off sync would compete with it. Stop the daemon first "
                "(systemctl stop contactsync) or wait for its next run"
            )
        return f"a `contactsync sync` (pid {pid}) is running on the store {store}: wait for it to finish"

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
