"""A person first seen on one account merges as the general path merges it, whatever fields the account gives:
the first-sync merge (issue #18) skips comparing the fields an account contributes and left as they were, and
must still compare those it does not contribute (a push-only account contributes none)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactsync.engine.merge import Side, _merge_sides, merge
from contactsync.model import ALL_FIELDS, Contact, Email, EmailKind, Field, Name, Tag
from contactsync.settings import ConflictSettings
from tests.fidelity import sample_contacts

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _people() -> list[Contact]:
    found = sample_contacts()
    assert found
    return [
        *found,
        Contact(name=Name("Ann", "Lee"), emails=(Email("a@x.com", EmailKind.HOME),), tags=frozenset({Tag("a")})),
        Contact(),
    ]


@pytest.mark.parametrize(
    "kept", [frozenset(), frozenset({Field.NAME}), frozenset({Field.EMAILS, Field.TAGS}), ALL_FIELDS]
)
def test_a_first_seen_person_merges_as_the_general_path(kept: frozenset[Field]) -> None:
    for person in _people():
        side = Side("a", None, person, WHEN, 1, kept)
        general = _merge_sides(Contact(), WHEN, [side], ConflictSettings(), 10_000, {})
        outcome = merge(Contact(), WHEN, [side], ConflictSettings())
        assert outcome == general
        # what the account does not contribute never reaches the store
        for f in Field:
            if f not in kept:
                assert outcome.contact.get(f) == Contact().get(f)
