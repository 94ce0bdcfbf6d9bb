"""A first-seen person's merge without its plain changes takes the item as it is when the long way would (issue
#18): the same contact, the very object when the long way gives it, and the keyed checks it relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactsync.engine.merge import Side, _as_dict, _keyed, _keyed_as_merged, _merge_new
from contactsync.model import ALL_FIELDS, MULTI_VALUED, Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import normalize_contact
from tests.fidelity import sample_contacts

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _people() -> list[Contact]:
    found = sample_contacts()
    odd = [
        Contact(name=Name("Ann", "Lee"), emails=(Email("a@x.com", EmailKind.HOME), Email("A@X.COM", EmailKind.WORK))),
        Contact(custom=(("a", "1"), ("a", "2"))),  # one key twice, in order
        Contact(custom=(("b", "1"), ("a", "2"))),  # out of order
        Contact(vcard_lines=("X-A:1", "X-A:1")),
        Contact(vcard_lines=("X-B:1", "X-A:2")),
        Contact(vcard_lines=("X-A:1", "X-B:2", "X-C:3")),
        Contact(tags=frozenset({Tag("b"), Tag("A")})),
        Contact(nicknames=("Annie", "Annie")),
    ]
    return [*found, *(normalize_contact(c) for c in found), *odd, Contact()]


@pytest.mark.parametrize("kept", [ALL_FIELDS, frozenset({Field.NAME, Field.EMAILS, Field.TAGS}), frozenset()])
def test_the_short_way_of_a_first_seen_merge_is_the_long_way(kept: frozenset[Field]) -> None:
    for person in _people():
        side = Side("a", None, person, WHEN, 1, kept)
        long_way = _merge_new(Contact.EMPTY, Side("a", None, person, WHEN, 1, kept), True)
        short = _merge_new(Contact.EMPTY, side, False)
        assert short.contact == long_way.contact
        assert (short.contact is person) == (long_way.contact is person)
        assert short.decisions == ()


def test_a_field_is_keyed_as_merged_exactly_when_keying_it_again_leaves_it() -> None:
    for person in _people():
        for f in MULTI_VALUED:
            value = person.get(f)
            again = _keyed(f, _as_dict(value))
            assert _keyed_as_merged(f, value) == (again == value and type(again) is type(value)), (f, value)
