"""A fresh card gets its UID, marker and REV by place when it has none of them yet (issue #18,
``mapping._STAMPS``): the same card as the walks of ``_set`` make, whatever lines the contact carries."""

from __future__ import annotations

import pytest

from contactsync.model import Contact, Email, EmailKind
from contactsync.vcard import MARKER_PROPERTY, mapping, render_card
from tests.fidelity import sample_contacts


class _Everything:
    """A set every name is in: render_card then always stamps the long way."""

    def __contains__(self, item: object) -> bool:
        return True


def _contacts() -> list[Contact]:
    carried = (
        "UID:carried-uid",
        "REV:19990101T000000Z",
        f"{MARKER_PROPERTY}:old-marker",
        "item1.UID:grouped",
        "X-OTHER:kept",
    )
    return [
        *sample_contacts(),
        Contact(display_name="Ann", emails=(Email("ann@example.org", EmailKind.WORK),)),
        Contact(display_name="Ann", vcard_lines=carried),
        Contact(display_name="Ann", vcard_lines=carried[1:2]),
        Contact(display_name="Ann", vcard_lines=carried[2:3]),
        Contact(display_name="Ann", vcard_lines=carried[3:]),
        Contact(),
    ]


def _rendered(contacts: list[Contact]) -> list[str]:
    return [
        render_card(contact, uid="u-1", marker=marker, version=version)
        for contact in contacts
        for version in ("2.1", "3.0", "4.0")
        for marker in (None, "m;1")
    ]


def test_fresh_cards_are_stamped_as_the_walks_stamp_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapping, "_now_rev", lambda: "20261206T000000Z")
    contacts = _contacts()
    assert len(contacts) > 10
    by_place = _rendered(contacts)
    monkeypatch.setattr(mapping, "_STAMPS", _Everything())
    assert _rendered(contacts) == by_place
    assert any("UID:carried-uid" not in text and "UID:u-1" in text for text in by_place)
