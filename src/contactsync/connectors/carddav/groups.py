"""Group cards: how tags are held when ``group_style`` is ``kind-group`` (vCard 4) or ``apple-group`` (3.0).

A group card names its members by ``urn:uuid:<UID>``. Only the member list and the name are ours to change;
everything else on an existing group card (the admin's or another client's properties) is kept as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import vobject

from .options import GroupStyle as GroupStyle  # defined with the options; still importable from here

_URN = "urn:uuid:"


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
        card = vobject.readOne(original)
        for prop in ("member", "x-addressbookserver-member"):
            while prop in card.contents:
                card.remove(card.contents[prop][0])
    else:
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
