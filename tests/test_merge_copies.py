"""A first sync never lets one platform's poorer copy of a detail overwrite the others (#15).

Outlook keeps no email types: a person typed "work" on Google and on a CardDAV card comes back from Outlook with an
untyped ("other") address. On a first sync none of the three items has a base, so each field is decided by the
book's rule; before, when the Outlook item was the newest, "other" won and every Google person and CardDAV card
was rewritten with it (seen in bench/suite.py). Outlook's value is Outlook's fit of theirs, not a change of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contactsync.connectors.outlook import mapping as outlook
from contactsync.engine.merge import Side, merge
from contactsync.model import Contact, Email, EmailKind, Field, Name, Phone, PhoneKind
from contactsync.normalize import normalize_contact
from contactsync.settings import ConflictRule, ConflictSettings

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ANA = normalize_contact(
    Contact(
        name=Name(given="Ana", family="Lima"),
        emails=(Email("ana@example.org", EmailKind.WORK),),
        phones=(Phone("+14155550100", PhoneKind.MOBILE),),
    )
)


def outlook_fit(contact: Contact) -> Contact:
    return outlook.fit(contact)


#: the accounts' fits, as the plan hands them to merge
FITS = {"outlook": outlook_fit}


def first_seen(account: str, remote: Contact, minutes: int, rank: int) -> Side:
    return Side(account, None, remote, T0 + timedelta(minutes=minutes), rank, frozenset(Field))


@pytest.mark.parametrize("rule", [ConflictRule.NEWEST, ConflictRule.PRIORITY])
def test_outlook_s_untyped_copy_of_an_email_does_not_win_a_first_sync(rule: ConflictRule) -> None:
    held = outlook_fit(ANA)
    assert held.emails != ANA.emails  # the premise: Outlook cannot hold the type
    sides = [
        first_seen("google", ANA, 0, 2),
        first_seen("dav", ANA, 1, 3),
        first_seen("outlook", held, 9, 1),  # the newest, and first by priority
    ]
    merged = merge(Contact(), T0, sides, ConflictSettings(default=rule), fits=FITS).contact
    assert merged.emails == ANA.emails
    assert outlook_fit(merged) == held  # nothing to write to Outlook either


def test_without_its_fit_the_newest_copy_wins_as_before() -> None:
    held = outlook_fit(ANA)
    sides = [first_seen("google", ANA, 0, 2), first_seen("outlook", held, 9, 1)]
    merged = merge(Contact(), T0, sides, ConflictSettings(default=ConflictRule.NEWEST)).contact
    assert merged.emails == held.emails


def test_a_real_difference_on_the_first_seen_side_still_competes() -> None:
    theirs = ANA.with_field(Field.JOB_TITLE, "CTO")
    ours = outlook_fit(ANA.with_field(Field.JOB_TITLE, "CEO"))
    sides = [first_seen("google", theirs, 0, 2), first_seen("outlook", ours, 9, 1)]
    merged = merge(Contact(), T0, sides, ConflictSettings(default=ConflictRule.NEWEST), fits=FITS).contact
    assert merged.job_title == "CEO"  # Outlook's own value, the newest: it wins as before
    assert merged.emails == ANA.emails  # while its untyped copy of the email still does not


@pytest.mark.parametrize("minutes", [-60, 60])
def test_an_outlook_account_added_to_a_book_does_not_untype_its_people(minutes: int) -> None:
    """The store holds Ana typed "work"; an Outlook account added to the book lists her untyped, whether its item
    is older or newer than the store's record: the store's value stays, and Outlook is owed nothing."""
    held = outlook_fit(ANA)
    outcome = merge(
        ANA, T0, [first_seen("outlook", held, minutes, 1)], ConflictSettings(default=ConflictRule.NEWEST), fits=FITS
    )
    assert outcome.contact == ANA
    assert not [d for d in outcome.decisions if d.field is Field.EMAILS]
    # what Outlook really changed still counts
    edited = outlook_fit(ANA.with_field(Field.JOB_TITLE, "CEO"))
    merged = merge(ANA, T0, [first_seen("outlook", edited, 60, 1)], ConflictSettings(), fits=FITS).contact
    assert merged.job_title == "CEO" and merged.emails == ANA.emails
