"""Group cards: how tags are held when ``group_style`` is ``kind-group`` (vCard 4) or ``apple-group`` (3.0).

A group card names its members by ``urn:uuid:<UID>``. Only the member list and the name are ours to change;
everything else on an existing group card (the admin's or another client's properties) is kept as it was.
A group may also name any other URI (RFC 6350 6.6.5: ``MEMBER:mailto:…``, ``sip:``, ``tel:``, ``urn:…``): such a
member names no card of ours and its line is written back exactly as it was, as is the line of every
``urn:uuid:`` member the group keeps (one naming no card of the book included): only the member lines of the
contacts joining or leaving the group change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import vobject

from .options import GroupStyle as GroupStyle  # defined with the options; still importable from here

_URN = "urn:uuid:"
#: the properties a group card names its members with (vCard 4 and Apple's), as the codec reads them
_MEMBER_PROPERTIES = frozenset({"MEMBER", "X-ADDRESSBOOKSERVER-MEMBER"})


def member_uid(value: str) -> str:
    """``urn:uuid:abc`` → ``abc`` (other forms, e.g. mailto:, are kept whole: they name no card of ours)."""
    value = value.strip()
    return value[len(_URN) :] if value.lower().startswith(_URN) else value


@dataclass(frozen=True, slots=True)
class GroupCard:
    """A group as read from the server: where it is, its name (the tag) and the UIDs it names."""

    href: str
    etag: str
    uid: str
    name: str
    members: frozenset[str]
    text: str


def new_group_uid(name: str) -> str:
    # deterministic, so two runs creating the same group race on the same href (If-None-Match) instead of
    # creating two groups of the same name
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"contactsync-group:{name.casefold()}"))


def render_group(style: GroupStyle, *, uid: str, name: str, members: Iterable[str], original: str | None = None) -> str:
    """A group card with exactly ``members``; built on ``original`` when given, so its other properties
    stay."""
    if original is not None:
        return _with_members(style, original, frozenset(members))
    card = vobject.vCard()
    card.add("version").value = style.version
    card.add("uid").value = uid
    card.add("fn").value = name
    # vCard 3.0 requires N; a group has no person's name, so the group name goes in the family part
    card.add("n").value = vobject.vcard.Name(family=name)
    card.add(style.kind_property.lower()).value = "group"
    for member in sorted(set(members)):
        card.add(style.member_property.lower()).value = _URN + member
    text: str = card.serialize()
    return text


def _with_members(style: GroupStyle, original: str, members: frozenset[str]) -> str:
    """``original`` naming ``members``, edited line by line: every line is written back as read (folds,
    parameters and value as they were) but the ``urn:uuid:`` member lines of UIDs no longer in ``members``;
    the members it does not name yet are added before its END. A member line that is not a ``urn:uuid:`` is
    never ours to drop (no contact of the book is named so). Not through vobject: its round trip re-escapes
    (``sip:a@b;transport=tcp`` became ``…\\;transport=tcp``) and cuts values at commas."""
    from contactsync.vcard.lines import ContentLine, read_card_lines, write_lines  # the codec, as the connector has

    lines = read_card_lines(original)
    kept: list[ContentLine] = []
    named: set[str] = set()
    depth = 0
    end: int | None = None  # where the card's own END:VCARD line is, in kept
    for line in lines:
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
            if depth == 0 and end is None:
                end = len(kept)
        elif depth == 1 and line.name in _MEMBER_PROPERTIES:
            value = line.value.strip()
            member = member_uid(value)
            if value.lower().startswith(_URN) and member not in members:
                continue  # a contact that left the group: its line goes
            named.add(member)
        kept.append(line)
    added = [ContentLine(style.member_property, _URN + m) for m in sorted(members - named)]
    if end is None:
        end = len(kept)
    return write_lines([*kept[:end], *added, *kept[end:]])
