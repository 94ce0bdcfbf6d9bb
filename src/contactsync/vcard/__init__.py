"""The vCard ↔ Contact mapping, shared by the ``vdir`` and ``carddav`` connectors.

parse_card(text, *, region, photo_max_bytes) -> ParsedCard     raises CardError
render_card(contact, *, uid, marker, version, original, categories) -> str
card_uid(text) -> str | None
decode_card_bytes(data) -> str          a file's or a server's bytes → text for parse_card
fit_contact(contact) -> Contact         what a card holds after a write and a re-read
"""

from .lines import decode_card_bytes
from .mapping import (
    DEFAULT_PHOTO_MAX_BYTES,
    MARKER_PROPERTY,
    VCARD_FIELDS,
    CardError,
    ParsedCard,
    card_uid,
    derived_display_name,
    fit_contact,
    parse_card,
    render_card,
)

__all__ = [
    "DEFAULT_PHOTO_MAX_BYTES",
    "MARKER_PROPERTY",
    "VCARD_FIELDS",
    "CardError",
    "ParsedCard",
    "card_uid",
    "decode_card_bytes",
    "derived_display_name",
    "fit_contact",
    "parse_card",
    "render_card",
]
