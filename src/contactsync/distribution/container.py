"""The container a distribution writes into on a target, for connectors whose container may be missing or is
looked up by name: an Outlook folder (by its path in ``options.folder``) and a CardDAV address book (at
``options.url``). It is found, or made when missing, on the target's first run; its id is kept in the store per
target and handed to the connector on later runs, which skip the lookup. Google's label needs none of this (it
is made on the first write, and the listing's state names it); a vdir folder is its path, made by the admin."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class OwnsContainer(Protocol):
    def container_id(self, *, create: bool = False, fresh: bool = False, display_name: str | None = None) -> str:
        """The container's id, looked up (``fresh``: again) and, with ``create``, made when missing (named
        ``display_name`` where the platform takes a name apart from the address). Raises ConnectorError naming
        what to create when it is missing and cannot be made."""
        ...

    def use_container(self, container_id: str) -> None:
        """Read and write the container ``container_id`` without looking it up; gone, it answers 404."""
        ...
