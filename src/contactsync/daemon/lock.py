"""One daemon per SQLite store: an exclusive ``flock`` on a file next to the database.

SQLite has no row locks to lease books with, and two daemons writing one file would only wait on each other's
transactions (or time out mid-run), so a second daemon is refused with a clear message instead. The lock goes
with the process: a crashed daemon leaves no stale lock behind (the kernel drops it), so no pid-file cleanup.
"""

from __future__ import annotations

import fcntl
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from ..errors import StoreLocked
from ..store import sqlite_file


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; a folder created here gets mode 0700 whatever the umask
    (its parents are left to the umask: ~/.local/state is the user's own)."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        return
    os.chmod(path, 0o700)


class StoreLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_url(cls, url: str) -> StoreLock | None:
        """The lock for a file-backed SQLite store; None for PostgreSQL (leases share it) or in-memory SQLite."""
        database = sqlite_file(url)
        return cls(Path(f"{database}.daemon-lock")) if database is not None else None

    def acquire(self, kind: str = "daemon", *, wait_for_sync_s: float = 0.0) -> None:
        """Take the lock or raise StoreLocked naming the process that holds it.

        ``kind`` is what this process is ("daemon" or "sync"): the holder's kind is written in the file, so a
        daemon starting while an admin's one-off ``contactsync sync`` finishes waits for it (up to
        ``wait_for_sync_s``) instead of failing, and a ``sync`` is refused while a daemon owns the store (two
        writers on one store could send the same owed write twice).
        """
        # the state directory may not exist yet (a first run with the default ~/.local/state/contactsync): made
        # private to the service user, as the store's file is
        make_private_dir(self.path.parent)
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
                "schedule; a one-off sync would compete with it, so none runs while the daemon does. Stop the "
                "daemon first (systemctl stop contactsync), or leave the syncing to it: its next run comes on "
                "schedule"
            )
        return f"a `contactsync sync` (pid {pid}) is running on the store {store}: wait for it to finish"

    def holder(self) -> str | None:
        """Who holds the lock now ("daemon 1234", "sync 99"), or None: read without creating or taking anything,
        so ``status`` can tell a run still going from one whose process died (the kernel dropped its lock)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None  # no lock file: nothing ever held it
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                pid, _, kind = os.read(fd, 64).decode(errors="replace").strip().partition(" ")
                return f"{kind or 'daemon'} {pid or '?'}"
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def daemon_holds(self) -> bool | None:
        """Whether a daemon holds the lock now; None when this process cannot tell (the lock file exists but it
        may not read it: an admin's ``status`` beside a daemon running as another user)."""
        try:
            os.close(os.open(self.path, os.O_RDONLY | os.O_CLOEXEC))
        except FileNotFoundError:
            return False
        except OSError:
            return None
        return (self.holder() or "").startswith("daemon ")

    def held_since(self) -> datetime | None:
        """When the process holding the lock took it (the file is written then, and only then); None when nobody
        holds it or the file cannot be read. `status` counts a live daemon's missed slots from its start, not from
        a slot that passed while no daemon ran."""
        if self.holder() is None:
            return None
        try:
            return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)
        except OSError:
            return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
