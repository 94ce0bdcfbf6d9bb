"""``sync --dry-run`` changes nothing: not the platforms, not the store, and it creates no store either.

The engine's dry run plans without applying, but connectors that keep copies of remote items (Google, CardDAV)
put every person or card they list into the store's copies, and opening a store creates and migrates it. So a
dry run reads the store through :class:`ReadOnlyStore`: copies stay in memory for the run, and any write the
engine would make is refused loudly (:class:`DryRunWrite`) rather than made. Where no store exists yet, it plans
against an empty in-memory one: exactly what a first sync would find.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..copies import RemoteCopy
from ..errors import ContactSyncError
from ..store import Store, sqlite_file


class DryRunWrite(ContactSyncError):
    """The engine tried to write the store during a dry run (a bug: nothing was written)."""


class _CopiesInMemory:
    """An account's stored copies as read, with what the run would keep held in memory only."""

    def __init__(self, stored: Any) -> None:
        self._stored = stored
        self._kept: dict[str, RemoteCopy] = {}
        self._dropped: set[str] = set()

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        wanted = list(ids)
        found = {i: c for i, c in self._stored.get([i for i in wanted if i not in self._kept]).items()}
        found = {i: c for i, c in found.items() if i not in self._dropped}
        found.update({i: self._kept[i] for i in wanted if i in self._kept})
        return found

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        self._kept.update(copies)
        self._dropped.difference_update(copies)

    def drop(self, ids: Iterable[str]) -> None:
        for i in ids:
            self._kept.pop(i, None)
            self._dropped.add(i)


class ReadOnlyStore:
    """A :class:`Store` for a dry run: reads pass through, copies stay in memory, transactions are refused."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def copies(self, account: str) -> _CopiesInMemory:
        return _CopiesInMemory(self._store.copies(account))

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        raise DryRunWrite("a dry run tried to write the store; nothing was written (please report this)")
        yield  # pragma: no cover

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> ReadOnlyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_for_dry_run(url: str) -> ReadOnlyStore:
    """The store at ``url`` read-only, or an empty in-memory one when a SQLite store does not exist yet."""
    from . import collector

    collector.resume()  # the store and SQLAlchemy are loaded: what follows is the run's own (#18)
    database = sqlite_file(url)
    if database is not None and not database.exists():
        return ReadOnlyStore(Store.open("sqlite://"))
    return ReadOnlyStore(Store.open(url, upgrade=False))


__all__ = ["DryRunWrite", "ReadOnlyStore", "open_for_dry_run"]
