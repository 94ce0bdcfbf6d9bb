"""A phone's extension is part of the phone: one canonical form for every spelling, never dropped.

E.164 has no extension: ``+1 212-555-0101 ext. 123`` was read as +12125550101 on every copy (the desk behind the
switchboard lost), and two extensions of one line became one phone. The canonical form is now the E.164 number,
`` ext. `` and the extension's digits (``+12125550101 ext. 123``): every spelling of one extension is one phone,
and two extensions are two. A number dialable only locally (``555-0199`` in US) became +15550199, which is no
number anywhere: it is kept as written.
"""

from __future__ import annotations

import pytest

from contactsync.model import Contact, Phone, PhoneKind
from contactsync.normalize import national_format, normalize_contact, phone_number
from contactsync.rules import as_written
from contactsync.settings import DataRules, PhoneFormat


@pytest.mark.parametrize(
    ("raw", "region", "canonical"),
    [
        ("+1 212-555-0101 ext. 123", "US", "+12125550101 ext. 123"),
        ("+1 (212) 555-0101 x123", "US", "+12125550101 ext. 123"),
        ("212 555 0101 ext 123", "US", "+12125550101 ext. 123"),
        ("(212) 555-0101 x123", "US", "+12125550101 ext. 123"),
        ("+12125550101;ext=123", "US", "+12125550101 ext. 123"),
        ("tel:+1-212-555-0101;ext=123", "US", "+12125550101 ext. 123"),  # a vCard 4.0 tel: URI
        ("+1 212 555 0101 #123", "DE", "+12125550101 ext. 123"),
        ("+12125550101 ext. 0123", "US", "+12125550101 ext. 0123"),  # a leading zero is a digit dialled
        ("+1 646 555 0100 x77", "US", "+16465550100 ext. 77"),
        ("+44 20 7946 0958 ext 12", "US", "+442079460958 ext. 12"),
        ("020 7946 0958 x12", "GB", "+442079460958 ext. 12"),
    ],
)
def test_every_spelling_of_an_extension_is_one_canonical_form(raw: str, region: str, canonical: str) -> None:
    assert phone_number(raw, region) == canonical
    assert phone_number(canonical, region) == canonical  # idempotent: a copy read back is the same value
    assert phone_number(canonical, "FR") == canonical  # and in any book's region


def test_the_three_spellings_of_one_desk_are_one_phone() -> None:
    contact = normalize_contact(
        Contact(
            phones=(
                Phone("+1 212-555-0101 ext. 123", PhoneKind.WORK),
                Phone("+1 (212) 555-0101 x123", PhoneKind.HOME),
                Phone("212 555 0101 ext 123", PhoneKind.OTHER),
            )
        ),
        "US",
    )
    assert contact.phones == (Phone("+12125550101 ext. 123", PhoneKind.WORK),)


def test_two_extensions_of_one_line_and_the_line_itself_are_three_phones() -> None:
    contact = normalize_contact(
        Contact(
            phones=(
                Phone("+1 212 555 0100 ext. 101", PhoneKind.WORK),
                Phone("+1 212 555 0100 ext. 202", PhoneKind.WORK),
                Phone("+1 212 555 0100", PhoneKind.MAIN),
            )
        )
    )
    assert [p.number for p in contact.phones] == ["+12125550100 ext. 101", "+12125550100 ext. 202", "+12125550100"]
    assert len({p.key for p in contact.phones}) == 3


@pytest.mark.parametrize(
    ("raw", "region", "kept"),
    [
        ("555-0199", "US", "555-0199"),  # seven digits: a number only within its (unwritten) area code
        ("5550199", "US", "555-0199"),  # in its national spelling, one form for every way it is written
        ("555-0199 x12", "US", "555-0199 ext. 12"),  # with an extension too: still no area code to give it
    ],
)
def test_a_local_only_number_keeps_its_national_spelling(raw: str, region: str, kept: str) -> None:
    assert phone_number(raw, region) == kept
    assert phone_number(kept, region) == kept


def test_a_local_only_number_an_earlier_version_stored_is_read_as_it_is() -> None:
    # +15550199 is what an earlier version made of "555-0199": no change made to it by reading it again
    assert phone_number("+15550199", "US") == "+15550199"


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(212) 555-0101", "US", "+12125550101"),
        ("+1 212-555-0101", "US", "+12125550101"),
        ("030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 1234567", "US", "+49301234567"),
        ("+44 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_numbers_without_an_extension_are_e164_as_before(raw: str, region: str, e164: str) -> None:
    assert phone_number(raw, region) == e164


@pytest.mark.parametrize(
    ("canonical", "national"),
    [
        ("+12125550101 ext. 123", "(212) 555-0101 ext. 123"),
        ("+16465550100 ext. 77", "(646) 555-0100 ext. 77"),
        ("+12125550101", "(212) 555-0101"),
    ],
)
def test_national_format_keeps_the_extension_and_reads_back_the_same(canonical: str, national: str) -> None:
    assert national_format(canonical) == national
    assert phone_number(national, "US") == canonical


@pytest.mark.parametrize("kept", ["555-0199", "+15550199", "555-0199 x12"])
def test_national_format_leaves_a_local_number_as_it_reads(kept: str) -> None:
    assert phone_number(national_format(kept), "US") == phone_number(kept, "US")


def test_a_book_writing_numbers_nationally_keeps_the_extension() -> None:
    contact = normalize_contact(Contact(phones=(Phone("+1 212-555-0101 ext. 123", PhoneKind.WORK),)))
    written = as_written(contact, DataRules(phone_format=PhoneFormat.NATIONAL), "US")
    assert [p.number for p in written.phones] == ["(212) 555-0101 ext. 123"]
    assert normalize_contact(written, "US") == contact


def test_a_local_number_s_spellings_are_one_phone() -> None:
    """Kept as written, "555-0199" on Google and "(555) 0199" on a card were two phones on every account, and the
    upgrade's re-read made them so by itself (review of 854d8d6): a local number is its national spelling."""
    from contactsync.normalize import phone_number

    spellings = ["555-0199", "(555) 0199", "5550199", "555 0199"]
    assert {phone_number(s, "US") for s in spellings} == {"555-0199"}
    assert phone_number("555 0199 x12", "US") == "555-0199 ext. 12"
    for s in ("555-0199", "555-0199 ext. 12"):
        assert phone_number(s, "US") == s
