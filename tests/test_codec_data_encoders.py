"""contact_to_data's encoder per attribute (issue #18: no chain of tests per field) gives what field_to_data, the
general encoder (and the journal's), gives for every field of every sample contact."""

from __future__ import annotations

from dataclasses import replace

from contactsync.codec import _FIELDS, contact_to_data, field_to_data
from contactsync.model import Contact
from tests.fidelity import sample_contacts


def test_each_attribute_encodes_as_field_to_data() -> None:
    people = sample_contacts()
    lined = replace(people[0], vcard_lines=("X-B:1", "X-A:2"), nicknames=("Al", "Bo"), languages=("en", "fr"))
    seen = set()
    for person in [*people, lined, Contact()]:
        data = contact_to_data(person)
        for f, attr in _FIELDS:
            value = getattr(person, attr)
            if not value or not field_to_data(f, value):
                assert attr not in data
                continue
            assert data[attr] == field_to_data(f, value), attr
            seen.add(attr)
    assert {"vcard_lines", "nicknames", "languages", "emails", "phones", "name", "tags"} <= seen
