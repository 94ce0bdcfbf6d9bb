"""What an account cannot hold of a contact written to it: never dropped in silence (issue #15).

When the engine writes a contact to an account, the connector's ``fit`` says what the account will hold. Every
field the contact has a value in that the fitted contact lacks (or holds only part of) is *not carried*: a photo
over the cap, tags on an account without tags, the vCard lines Google or Outlook cannot hold, a fourth email on
Outlook. Each one is journaled for the contact (``contactsync person show``) and counted per account and reason in
the run's summary and in ``status``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .connector import Capabilities, Notice
from .model import Contact, Field, element_key

#: fields whose fitted value is the account's spelling of the same thing, not a loss of part of it
_DERIVED = frozenset({Field.DISPLAY_NAME})


@dataclass(frozen=True, slots=True)
class NotCarried:
    """One field of a contact an account does not hold (all of it, or some of its elements)."""

    field: Field
    reason: str


def not_carried(contact: Contact, fitted: Contact, capabilities: Capabilities) -> tuple[NotCarried, ...]:
    """The fields of ``contact`` that ``fitted`` (the account's ``fit`` of it) does not hold, with the reason the
    account declares (``Capabilities.lossy``), else "not held" / "held in part"."""
    out: list[NotCarried] = []
    for f in contact.differing(fitted):
        value = contact.get(f)
        if not value or f in _DERIVED:
            continue  # nothing to lose, or the account writes the same thing its own way
        if f is Field.TAGS and not capabilities.holds_tags:
            out.append(NotCarried(f, "the account holds no tags"))
            continue
        held = fitted.get(f)
        if f.multi_valued and held:
            kept = {element_key(e) for e in held}
            if all(element_key(e) in kept for e in value):
                continue  # every element is there (its spelling or kind may be the account's own)
        if f is Field.VCARD_LINES and f in capabilities.fields:
            continue  # a vCard account drops only lines that labelled a value since removed
        if f in capabilities.lossy:
            out.append(NotCarried(f, capabilities.lossy[f]))
        elif f not in capabilities.fields:
            out.append(NotCarried(f, "the account does not hold it"))
        elif not held:
            out.append(NotCarried(f, "the account could not hold this value"))
        else:
            out.append(NotCarried(f, "the account holds only part of it"))
    return tuple(out)


def photo_left_behind(photo_max_bytes: int) -> tuple[tuple[str, str], ...]:
    """What a vCard item whose photo is over the cap holds that no other account gets (``RemoteContact``): a
    photo over it, or a further photo of the card past what the cap allows its further photos together."""
    return (
        (
            "photo",
            f"over photo_max_bytes ({photo_max_bytes} bytes), or a further photo past what it allows the card's "
            "further photos together: it stays on this card and is not carried to the other accounts",
        ),
    )


def skipped_notices(group_cards: int, photos_over_cap: int, photo_max_bytes: int) -> tuple[Notice, ...]:
    """What a vCard account's listing read but does not carry (shown by ``status`` with the run's summary).

    A group card is a list of people, not a person: there is no contact to show it under, so the account's
    notice with its count is where it is reported, by design. A photo over the cap belongs to a person, but the
    listing hands the engine counts only, so it is an account notice too for now (issue #15 item 3 asks for it per
    contact)."""
    notices = []
    if group_cards:
        notices.append(
            Notice(
                "group-cards-skipped",
                f"{group_cards} group card(s) (KIND:group) read are lists of people, not people: they are not "
                "synced, and this count is where they are reported (no person shows them); set group_style to "
                "kind-group or apple-group to sync them as tags",
            )
        )
    if photos_over_cap:
        notices.append(
            Notice(
                "photos-over-cap",
                f"{photos_over_cap} photo(s) over photo_max_bytes ({photo_max_bytes} bytes) stay on their cards "
                "but are not carried to other accounts; raise photo_max_bytes to carry them",
            )
        )
    return tuple(notices)


__all__ = ["NotCarried", "not_carried", "photo_left_behind", "skipped_notices"]
