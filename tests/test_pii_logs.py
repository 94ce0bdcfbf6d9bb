"""The last net in contactsync.logs: an email or a phone number left in one of our own messages is masked in log
lines and in ``status`` (the connectors mask what they know to be personal first; this catches what one forgot),
and an OSError about a card file does not name the file (its UID, which another client may have made an email)."""

from __future__ import annotations

import errno

from contactsync.errors import PreconditionFailed, StoreError, Transient
from contactsync.logs import account_error, mask_personal, safe_error_text

EMAIL = "ana.silva@example.com"


def test_an_email_or_phone_in_our_own_message_is_masked_in_logs_and_status() -> None:
    forgot = Transient(f"PROPFIND /dav/{EMAIL}/ on dav.example.org:443 failed; call +55 11 98765-4321")
    for shown in (safe_error_text(forgot), account_error(forgot)):
        assert "ana.silva" not in shown and "98765" not in shown, shown
        assert "dav.example.org:443" in shown and "PROPFIND /dav/…/" in shown, shown
    encoded = PreconditionFailed("ana.silva%40example.com.vcf no longer exists")
    assert "ana.silva" not in account_error(encoded)
    # vdir names a card's file after its UID, made fit for a file name
    vdir = PreconditionFailed("ana.silva_example.com-7bda2560ce1b.vcf no longer exists")
    assert account_error(vdir) == "… no longer exists"
    # with log.personal_data: true a log line says everything; status stays masked (it is stored, whatever it says)
    assert EMAIL in safe_error_text(forgot, personal_data=True)


def test_counts_limits_and_keys_are_left_alone() -> None:
    text = "account dav: the server's answer exceeds the 52428800-byte limit (1200 cards, key books[0].accounts[1])"
    assert mask_personal(text) == text
    assert safe_error_text(StoreError("store at /var/lib/contactsync/contactsync.db is locked")).endswith(
        "/var/lib/contactsync/contactsync.db is locked"
    )


def test_a_card_files_name_is_not_shown() -> None:
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "/srv/cards/ana.silva_example.com-1a2b.vcf")
    shown = safe_error_text(missing)
    assert shown == "FileNotFoundError: No such file or directory: /srv/cards/…", shown
    folder = PermissionError(errno.EACCES, "Permission denied", "/srv/cards")
    assert safe_error_text(folder).endswith(": /srv/cards")


def test_a_huge_answer_quoted_in_an_error_is_masked_in_one_pass() -> None:
    # a broken or hostile server's answer quoted in an error (an XML root element's name, a 400's body): the patterns
    # once restarted at every character of a long token without "@", quadratic (32,000 characters: 8 s with the GIL
    # held, the whole daemon frozen). Without the fix this test does not finish; it is not a timed assertion
    token = "x" * 200_000
    masked = account_error(Transient(f"the answer's root element <{token}> is not DAV; card {token}.vcf"))
    assert masked.startswith("the answer's root element <" + token)
    assert masked.endswith("is not DAV; card …")


def test_a_date_or_time_after_a_phone_number_is_kept() -> None:
    # the mask once ran on through a space and a date: "+4915112345678 2026-12-06T18:00" became "…T18:00"
    assert mask_personal("call +4915112345678 2026-12-06T18:00 failed") == "call … 2026-12-06T18:00 failed"
    assert mask_personal("+49 151 1234 5678 18:00") == "… 18:00"
    for phone in ("+55 11 98765-4321", "+1 (555) 123-4567", "+4915112345678"):
        assert mask_personal(f"card {phone} refused") == "card … refused"


def test_a_huge_run_of_digits_and_separators_is_masked_in_one_pass() -> None:
    # each digit is matched one way only: a hostile answer of 400,000 characters of digits and separators is read
    # once (a backtracking pattern would not finish); not a timed assertion
    masked = mask_personal("+" + "1 " * 200_000 + "x " + "+1 (" * 100_000)
    assert masked.startswith("… x ")
