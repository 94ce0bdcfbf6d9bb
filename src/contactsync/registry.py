"""Maps a config ``type:`` to a connector class through the ``contactsync.connectors`` entry points.

Loaded lazily: naming a type imports only that connector, so an unused platform SDK is never imported.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from .errors import ContactSyncError

GROUP = "contactsync.connectors"


class UnknownConnector(ContactSyncError):
    pass


@cache
def available_types() -> tuple[str, ...]:
    return tuple(sorted(ep.name for ep in entry_points(group=GROUP)))


def connector_class(type_name: str) -> Any:
    """The connector class registered as ``type_name``. Raises UnknownConnector naming the known types."""
    for ep in entry_points(group=GROUP, name=type_name):
        try:
            return ep.load()
        except (ImportError, AttributeError) as exc:
            # a registered connector whose package is missing or broken: say which, do not crash the config check
            raise UnknownConnector(f"the connector {type_name!r} is registered but cannot be loaded: {exc}") from exc
    known = ", ".join(available_types()) or "none"
    raise UnknownConnector(f"no connector of type {type_name!r} is installed (known: {known})")
