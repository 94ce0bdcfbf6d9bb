"""The vCard ↔ Contact mapping, shared by the ``vdir`` and ``carddav`` connectors.

parse_card(text, *, region, photo_max_bytes) -> ParsedCard     raises CardError
render_card(contact, *, uid, marker, version, original, categories) -> str
card_uid(text) -> str | None
decode_card_bytes(data) -> str          a file's or a server's bytes → text for parse_card
fit_contact(contact) -> Contact         what a card holds after a write and a re-read

The codec (:mod:`.mapping`, :mod:`.lines`) is imported when one of its names is first asked for, not with this
package: a no-change ``sync`` of vdir books parses no card, and the vdir connector needs only :class:`CardError`
to name in its ``except`` clauses (#18). :class:`CardError` and the constants come from :mod:`.basics`, which
imports nothing of the codec. Every name below is importable from here as before.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .basics import DEFAULT_PHOTO_MAX_BYTES, MARKER_PROPERTY, VCARD_FIELDS, CardError

if TYPE_CHECKING:
    from .lines import decode_card_bytes
    from .mapping import ParsedCard, card_uid, derived_display_name, fit_contact, parse_card, render_card

#: the codec's names, by the module that defines them (imported on first use, then kept in this module)
_LAZY = {
    "decode_card_bytes": ".lines",
    "ParsedCard": ".mapping",
    "card_uid": ".mapping",
    "derived_display_name": ".mapping",
    "fit_contact": ".mapping",
    "parse_card": ".mapping",
    "render_card": ".mapping",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
