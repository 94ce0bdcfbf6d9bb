"""The container a distribution writes into on a target, for connectors that look it up by name (an Outlook
folder by its path): found (or made) once, kept in the store per target, and handed to the connector on later
runs so that each run skips the lookup. Google's label needs none of this (the listing's state names it) and a
CardDAV book or vdir folder is its URL or path."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class OwnsContainer(Protocol):
    def container_id(self, *, create: bool = False, fresh: bool = False) -> str:
        """The container's id, looked up (``fresh``: again) and, with ``create``, made when missing. Raises
        ConnectorError naming what to create when it is missing and cannot be made."""
        ...

    def use_container(self, container_id: str) -> None:
        """Read and write the container ``container_id`` without looking it up; gone, it answers 404."""
        ...
