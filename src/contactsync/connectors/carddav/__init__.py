"""CardDAV address books (RFC 6352) as a contactsync connector, over ``caldav.DAVClient``.

Public names: :class:`CardDavConnector` (registered as ``carddav``), :func:`discover` and
:class:`AddressBookInfo`.
"""

from __future__ import annotations

from .connector import CardDavConnector, CardDavOptions
from .discovery import AddressBookInfo, discover
from .groups import GroupStyle
from .transport import AuthType

__all__ = ["AddressBookInfo", "AuthType", "CardDavConnector", "CardDavOptions", "GroupStyle", "discover"]
