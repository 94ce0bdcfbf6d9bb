"""CardDAV address books (RFC 6352) as a contactsync connector, over ``caldav.DAVClient``.

Public names: :class:`CardDavConnector` (registered as ``carddav``), :func:`discover` and
:class:`AddressBookInfo`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from contactsync.checks import CheckResult, DoctorContext
from contactsync.connector import Connector
from contactsync.registry import ConnectorType, Discovered, DiscoverRequest, Rate
from contactsync.settings import AccountSettings, BookSettings

from .options import OPTIONS_SCHEMA, AuthType, GroupStyle

if TYPE_CHECKING:
    from .connector import CardDavConnector, CardDavOptions
    from .discovery import AddressBookInfo, discover

# This registration is what checking a configuration loads (every status and sync): it names the connector's
# parts without importing them, so the HTTP and DAV libraries (niquests, caldav) and vobject load only when an
# account is built, a server discovered or the doctor run (#18: start-up imports only what the command needs)


def _build(account: AccountSettings, book: BookSettings) -> Connector:
    from .connector import CardDavConnector

    return CardDavConnector.from_settings(account, book)


def _discover(request: DiscoverRequest) -> Sequence[Discovered]:
    from .discovery import discover

    books = discover(request.url, request.username, request.password, verify=request.ca_bundle or True)
    return [Discovered(url=b.url, display_name=b.display_name) for b in books]


def _doctor(context: DoctorContext) -> Iterable[CheckResult]:
    from .doctor import run_checks

    return run_checks(context)


#: ``type: carddav``. CardDAV servers publish no quota: 5 calls/s (burst 10) is a polite default that a small
#: Radicale or a hosted server takes without throttling.
CONNECTOR_TYPE = ConnectorType(
    name="carddav",
    build=_build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=5.0, burst=10),
    # calls in flight per server across the daemon's books: as many as one book's own slots (#18)
    default_in_flight=8,
    discover=_discover,
    doctor=_doctor,
    # what _build imports: the connector, its HTTP and DAV libraries (niquests, urllib3-future, caldav, lxml) and
    # the vCard codec; a daemon imports them before its first cycle instead of in its first runs (#18)
    preload=("contactsync.connectors.carddav.connector",),
)

__all__ = [
    "CONNECTOR_TYPE",
    "AddressBookInfo",
    "AuthType",
    "CardDavConnector",
    "CardDavOptions",
    "GroupStyle",
    "discover",
]
_WHERE = {
    "CardDavConnector": ".connector",
    "CardDavOptions": ".connector",
    "AddressBookInfo": ".discovery",
    "discover": ".discovery",
}


def __getattr__(name: str) -> object:
    """The public names of the connector's modules, imported on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
