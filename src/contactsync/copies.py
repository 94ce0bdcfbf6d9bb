"""Copies of remote items that a connector keeps between runs, so that writing an item need not read it first.

A write must keep what contactsync does not map (a Google person's other fields, a vCard's unknown properties):
a connector renders its write over the item as the platform holds it. Reading every item before writing it
doubles the requests of a small change run; a connector that implements :class:`KeepsCopies` is given a
:class:`RemoteCopies` for its account and keeps there the last version it saw of each item, with its etag.

A copy is only a cache. It is used only when its etag is the one the write is checked against (the etag the
engine holds for the item, which the platform checks again): a copy that is stale, missing or lost in a crash
costs one read, never a wrong write. The engine hands the copies over and knows nothing of what they hold; the
store keeps them (table ``remote_copies``) and erasing a person erases the copies of its items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class RemoteCopy:
    """One item's body as the platform held it at ``etag`` (bytes in the connector's own format)."""

    etag: str
    body: bytes


class RemoteCopies(Protocol):
    """One account's copies, keyed by the item's remote id."""

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        """The copies held for these ids (ids without one are absent)."""
        ...

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        """Keep these copies, replacing older ones of the same ids."""
        ...

    def drop(self, ids: Iterable[str]) -> None:
        """Forget the copies of these ids (items deleted, or known to have changed)."""
        ...


class NoCopies:
    """Keeps nothing: a connector used without a store (tests, one-off tools) reads before it writes."""

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        return {}

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        return None

    def drop(self, ids: Iterable[str]) -> None:
        return None


@runtime_checkable
class KeepsCopies(Protocol):
    """A connector that can use copies; the engine gives it its account's before a run."""

    def keep_copies(self, copies: RemoteCopies) -> None:
        ...
