"""The shortcuts a first sync takes (issue #18) give what the general paths give: a new person's merge, a plain
email address, and the store's encoding of a contact decoded from its own text."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from contactsync import normalize
from contactsync.codec import contact_to_data
from contactsync.engine.merge import Side, _merge_new, _merge_sides, merge
from contactsync.model import ALL_FIELDS, Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import _validated, email_address, normalize_contact
from contactsync.settings import ConflictSettings
from contactsync.store import decode_contact, encode_contact
from contactsync.store.contacts import _CONTACT_ENCODER
from tests.fidelity import sample_contacts

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _people() -> list[Contact]:
    found = sample_contacts()
    assert len(found) >= 5
    raw = Contact(
        name=Name("Ann", "Lee"),
        emails=(Email("a@x.com", EmailKind.HOME), Email("A@X.COM", EmailKind.WORK)),  # one key twice
        tags=frozenset({Tag("b"), Tag("a")}),
        custom=(("z", "1"), ("a", "2")),  # not sorted: not normalized
        vcard_lines=("X-B:1", "X-A:2"),
    )
    return [*found, normalize_contact(found[0]), raw, Contact()]


@pytest.mark.parametrize("kept", [ALL_FIELDS, frozenset({Field.NAME, Field.EMAILS, Field.TAGS})])
def test_a_new_persons_merge_is_the_general_merge(kept: frozenset[Field]) -> None:
    for person in _people():
        side = Side("a", None, person, WHEN, 1, kept)
        fast = _merge_new(Contact(), side)
        general = _merge_sides(Contact(), WHEN, [side], ConflictSettings(), 10_000, {})
        assert fast == general
        assert merge(Contact(), WHEN, [side], ConflictSettings()) == general
        if fast.contact == person:
            assert fast.contact is person  # the store reuses the item's encoded text


def test_a_plain_address_normalizes_as_email_validator_leaves_it() -> None:
    samples = [
        "John.Doe@Example.COM", "a+b@x.io", "a..b@x.com", ".a@x.com", "a.@x.com", "a@x", "a@-x.com", "a@x-.com",
        "a@x.c", "a@x.123", "a_b%c@x.co.uk", "a@xn--bcher-kva.ch", "a@XN--BCHER-KVA.ch", "a@xn--zz.com",
        "a@" + "x" * 64 + ".com", "x" * 65 + "@x.com", "a@x.com.", "a@localhost.localdomain", "a@test.local",
        "a@x.arpa", "a@1.2.3.4", "A@B@c.com", "mailto:Q@W.ORG", "%@x.com", "-@x.com", "a@.x.com", "a@x..com",
        "a@EXAMPLE.museum", "a@e.xn--p1ai", "Postmaster@Example.org", "ABUSE@x.com", "Info@x.com", "WWW@x.com",
    ]  # fmt: skip
    for raw in samples:
        value = raw[7:] if raw.startswith("mailto:") else raw
        assert email_address(raw) == _validated(value), raw
    # what the shortcut does not take still goes through email-validator
    assert email_address("a@bücher.ch") == "a@xn--bcher-kva.ch"
    # RFC 2142's mailbox names are lower-cased by email-validator: the shortcut knows the same list
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

    assert set(CASE_INSENSITIVE_MAILBOX_NAMES) == normalize._CASE_INSENSITIVE_LOCAL
    assert email_address("Postmaster@Example.org") == "postmaster@example.org"


def test_a_decoded_contact_encodes_to_its_own_text() -> None:
    for person in _people():
        text = encode_contact(person)
        back = decode_contact(text)
        assert back == replace(person, photo=back.photo)
        assert encode_contact(back) == text == _CONTACT_ENCODER.encode(contact_to_data(back))
        changed = replace(back, note=back.note + "!")
        assert encode_contact(changed) != text  # the memo is by identity, never by a look-alike


def test_plain_addresses_never_import_email_validator() -> None:
    # its import is ~20 ms of a run's start-up; a run whose addresses are all plain does without it
    probe = (
        "import sys; from contactsync.normalize import email_address; "
        "assert email_address('Ann.Lee@Example.org') == 'Ann.Lee@example.org'; "
        "print('email_validator' in sys.modules); email_address('a@bücher.ch'); print('email_validator' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
