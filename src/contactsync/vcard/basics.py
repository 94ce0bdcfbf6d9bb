"""What names the vCard codec without running it: its error, its constants and the fields a card holds.

Kept apart from :mod:`.mapping` so that code which only catches :class:`CardError` or reads a constant (the vdir
connector's ``except`` clauses, :mod:`contactsync.properties`) does not import the codec: a no-change ``sync``
parses no card and so never needs it (#18). :mod:`.mapping` imports these same objects.
"""

from __future__ import annotations

from contactsync.model import ALL_FIELDS

MARKER_PROPERTY = "X-CONTACTSYNC-ID"
DEFAULT_PHOTO_MAX_BYTES = 1_000_000

#: what a vCard holds of a contact: every field (custom values as X- properties, see :mod:`.mapping`)
VCARD_FIELDS = ALL_FIELDS


class CardError(Exception):
    """A card that cannot be read at all. The message says why and never quotes the card's content."""
