"""CardDAV address books (RFC 6352) as a contactsync connector, over ``caldav.DAVClient``.

Public names: :class:`CardDavConnector` (registered as ``carddav``), :func:`discover` and
:class:`AddressBookInfo`.
"""

from __future__ import annotations

from .discovery import AddressBookInfo, discover

__all__ = ["AddressBookInfo", "discover"]
