"""What went wrong with the store, told from the error a database driver or the OS raised.

The CLI needs this to give each fault its own exit code and a sentence saying what to do: a full disk, a store
that cannot be written, a damaged file and a store another process holds need four different actions, and "an
unexpected error" helps with none. Read from the driver's error codes (SQLite's extended result names, PostgreSQL's
SQLSTATE) and errno, never from message text a locale could change.
"""

from __future__ import annotations

import enum
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreLocked


class StoreFault(enum.Enum):
    BUSY = "busy"  # another process holds the store (a daemon, another sync)
    NO_SPACE = "no_space"  # the disk (or the database's quota) is full
    READ_ONLY = "read_only"  # the file, its folder or the database refuses writes
    CORRUPT = "corrupt"  # not a database, or a damaged one


#: SQLite primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte
_SQLITE: dict[int, StoreFault] = {
    sqlite3.SQLITE_BUSY: StoreFault.BUSY,
    sqlite3.SQLITE_LOCKED: StoreFault.BUSY,
    sqlite3.SQLITE_FULL: StoreFault.NO_SPACE,
    sqlite3.SQLITE_READONLY: StoreFault.READ_ONLY,
    sqlite3.SQLITE_PERM: StoreFault.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: StoreFault.READ_ONLY,
    sqlite3.SQLITE_CORRUPT: StoreFault.CORRUPT,
    sqlite3.SQLITE_NOTADB: StoreFault.CORRUPT,
}

#: PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_SQLSTATE: dict[str, StoreFault] = {
    "53100": StoreFault.NO_SPACE,  # disk_full
    "25006": StoreFault.READ_ONLY,  # read_only_sql_transaction (a hot standby, default_transaction_read_only)
    "42501": StoreFault.READ_ONLY,  # insufficient_privilege
    "XX001": StoreFault.CORRUPT,  # data_corrupted
    "XX002": StoreFault.CORRUPT,  # index_corrupted
    "55P03": StoreFault.BUSY,  # lock_not_available
}

_ERRNO: dict[int, StoreFault] = {
    errno.ENOSPC: StoreFault.NO_SPACE,
    errno.EDQUOT: StoreFault.NO_SPACE,
    errno.EROFS: StoreFault.READ_ONLY,
    errno.EACCES: StoreFault.READ_ONLY,
    errno.EPERM: StoreFault.READ_ONLY,
}


def _one(exc: BaseException) -> StoreFault | None:
    if isinstance(exc, StoreLocked):
        return StoreFault.BUSY
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE:
        return _SQLITE[code & 0xFF]
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str) and state in _SQLSTATE:
        return _SQLSTATE[state]
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    return None


def store_fault(exc: BaseException, folder: Path | None = None) -> StoreFault | None:
    """The fault behind ``exc`` or any exception it was raised from (SQLAlchemy wraps the driver's in ``orig``).

    SQLite reports a disk that filled up before the run as an I/O error (it cannot create its ``-shm`` file):
    with the store's ``folder`` given, an I/O error where the filesystem has no block left is a full disk."""
    found = _walk(exc)
    if found is None and folder is not None and _io_error(exc) and _no_space_left(folder):
        return StoreFault.NO_SPACE
    return found


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or wraps (SQLAlchemy's ``orig``), each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend([getattr(item, "orig", None), item.__cause__, item.__context__])


def _io_error(exc: BaseException) -> bool:
    for item in _chain(exc):
        code = getattr(item, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) == sqlite3.SQLITE_IOERR:
            return True
    return False


def _no_space_left(folder: Path) -> bool:
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def _walk(exc: BaseException) -> StoreFault | None:
    return next((found for item in _chain(exc) if (found := _one(item)) is not None), None)


__all__ = ["StoreFault", "store_fault"]
