"""A group card's members that are not contactsync's are written back as they were (``render_group``).

RFC 6350 6.6.5 lets a group name any URI (``MEMBER:mailto:…``, ``sip:``, ``tel:``, ``urn:…``), not only the
``urn:uuid:`` of a card. Such a member names no card of ours: it was rewritten as ``urn:uuid:mailto:…`` whenever
contactsync changed the group's members (a tag added or removed elsewhere), silently altered on the server and
unresolvable by every other client. Likewise a ``urn:uuid:`` member naming no card of the book, or one written
with parameters or in upper case, is kept as it was: only the members contactsync adds or drops change.
"""

from __future__ import annotations

import pytest

from contactsync.connectors.carddav.groups import GroupStyle, member_uid, render_group
from contactsync.vcard import parse_card

#: the members that are not contactsync's, each line as another client wrote it
KIND_FOREIGN = [
    "MEMBER:mailto:outside@example.org",
    "MEMBER;PID=1.1:sip:alice@example.org;transport=tcp",
    "MEMBER;VALUE=uri:tel:+1-555-555-0100",
    "MEMBER:urn:isbn:0-395-36341-1",
    "MEMBER:http://example.org/people/bob,jr",
    "MEMBER:urn:uuid:uid-not-here",
    "MEMBER:URN:UUID:Kept-Upper",
]
APPLE_FOREIGN = [
    "X-ADDRESSBOOKSERVER-MEMBER:mailto:outside@example.org",
    "X-ADDRESSBOOKSERVER-MEMBER;X-ABLABEL=Desk:tel:+1-555-555-0100",
    "X-ADDRESSBOOKSERVER-MEMBER:sip:alice@example.org;transport=tcp",
    "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:uid-not-here",
]

STYLES = [(GroupStyle.KIND_GROUP, KIND_FOREIGN), (GroupStyle.APPLE_GROUP, APPLE_FOREIGN)]


def _group(style: GroupStyle, foreign: list[str]) -> str:
    prop = style.member_property
    head = ["BEGIN:VCARD", f"VERSION:{style.version}", "UID:grp-1", "FN:Team"]
    if style is GroupStyle.KIND_GROUP:
        head += ["KIND:group"]
    else:
        head += ["N:Team;;;;", "X-ADDRESSBOOKSERVER-KIND:group"]
    lines = [*head, "NOTE:kept\\, as written", f"{prop}:urn:uuid:uid-0", *foreign, "X-OTHER;A=b:c,d", "END:VCARD"]
    return "\r\n".join(lines) + "\r\n"


def _members(text: str) -> frozenset[str]:
    return frozenset(member_uid(m) for m in parse_card(text).members)


@pytest.mark.parametrize(("style", "foreign"), STYLES)
def test_a_tag_added_keeps_every_member_that_is_not_ours_as_it_was(style: GroupStyle, foreign: list[str]) -> None:
    original = _group(style, foreign)
    before = _members(original)
    assert "mailto:outside@example.org" in before and "uid-not-here" in before

    text = render_group(style, uid="grp-1", name="Team", members=before | {"uid-1"}, original=original)

    lines = text.split("\r\n")
    for line in foreign:
        assert lines.count(line) == 1, (line, text)
    assert f"{style.member_property}:urn:uuid:uid-1" in lines
    assert f"{style.member_property}:urn:uuid:uid-0" in lines
    assert "urn:uuid:mailto" not in text.lower() and "urn:uuid:sip" not in text.lower()
    assert "urn:uuid:tel" not in text.lower() and "urn:uuid:urn" not in text.lower()
    assert _members(text) == before | {"uid-1"}


@pytest.mark.parametrize(("style", "foreign"), STYLES)
def test_a_tag_removed_drops_only_that_member_line(style: GroupStyle, foreign: list[str]) -> None:
    original = _group(style, foreign)
    before = _members(original)

    text = render_group(style, uid="grp-1", name="Team", members=before - {"uid-0"}, original=original)

    # the card as it was, but for the one line of the member contactsync dropped
    assert text == original.replace(f"{style.member_property}:urn:uuid:uid-0\r\n", "")
    assert _members(text) == before - {"uid-0"}


def test_members_kept_even_when_the_caller_no_longer_lists_them() -> None:
    # a member that is not a urn:uuid is never contactsync's to drop: no contact of the book carries that name
    original = _group(GroupStyle.KIND_GROUP, KIND_FOREIGN)
    text = render_group(GroupStyle.KIND_GROUP, uid="grp-1", name="Team", members={"uid-0", "uid-2"}, original=original)
    lines = text.split("\r\n")
    for line in KIND_FOREIGN[:5]:
        assert lines.count(line) == 1, (line, text)
    assert "MEMBER:urn:uuid:uid-2" in lines


def test_a_new_group_card_names_its_members_by_urn_uuid() -> None:
    text = render_group(GroupStyle.KIND_GROUP, uid="g", name="Team", members={"b", "a"})
    assert [line for line in text.split("\r\n") if line.startswith("MEMBER")] == [
        "MEMBER:urn:uuid:a",
        "MEMBER:urn:uuid:b",
    ]
    assert parse_card(text).is_group
