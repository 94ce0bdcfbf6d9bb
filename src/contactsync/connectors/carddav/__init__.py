"""CardDAV address books (RFC 6352) as a contactsync connector, over ``caldav.DAVClient``.

Public names: :class:`CardDavConnector` (registered as ``carddav``), :func:`discover` and
:class:`AddressBookInfo`.
"""

from __future__ import annotations

from collections.abc import Sequence

from contactsync.registry import ConnectorType, Discovered, DiscoverRequest, Rate

from .connector import CardDavConnector, CardDavOptions
from .discovery import AddressBookInfo, discover
from .doctor import run_checks
from .groups import GroupStyle
from .transport import AuthType


def _discover(request: DiscoverRequest) -> Sequence[Discovered]:
    books = discover(request.url, request.username, request.password, verify=request.ca_bundle or True)
    return [Discovered(url=b.url, display_name=b.display_name) for b in books]


#: ``type: carddav``. CardDAV servers publish no quota: 5 calls/s (burst 10) is a polite default that a small
#: Radicale or a hosted server takes without throttling.
CONNECTOR_TYPE = ConnectorType(
    name="carddav",
    build=CardDavConnector.from_settings,
    options_schema=CardDavConnector.options_schema,
    default_rate=Rate(per_second=5.0, burst=10),
    # calls in flight per server across the daemon's books: as many as one book's own slots (#18)
    default_in_flight=8,
    discover=_discover,
    doctor=run_checks,
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
