"""The last net in contactsync.logs: an email or a phone number left in one of our own messages is masked in log
lines and in ``status`` (the connectors mask what they know to be personal first; this catches what one forgot),
and an OSError about a card file does not name the file (its UID, which another client may have made an email)."""

from __future__ import annotations

import errno
import logging

import pytest

from contactsync.errors import PreconditionFailed, StoreError, SyncAborted, Transient
from contactsync.logs import (
    HumanFormatter,
    JsonFormatter,
    account_error,
    mask_personal,
    pseudonymize,
    register_pseudonyms,
    safe_error_text,
)
from contactsync.store.leases import LeaseLost

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
    # nor is one of digits and of dates that are none (month 13), the look-ahead tried at each space, nor of "/"
    assert mask_personal("+1" + " 2026-13-01 1" * 40_000) == "…"
    assert mask_personal("+1" + " / 1" * 100_000) == "…"


def test_a_phone_number_in_4_2_2_groups_is_masked_not_taken_for_a_date() -> None:
    # the look-ahead for a date once took any \d{4}-\d\d-\d\d: "1234-56-78" ended the number before it, unmasked
    for phone in ("+49 30 1234-56-78", "+7 495 1234-56-78", "+46 8 1234-56-78"):
        assert mask_personal(f"card {phone} refused") == "card … refused", phone
    # a "/" between the area code and the number (German style) was not a separator: nothing was masked
    for phone in ("+4930/1234567", "+49 30 / 1234567"):
        assert mask_personal(f"card {phone} refused") == "card … refused", phone
    # a real date or time of day still ends a number
    assert mask_personal("+49 30 1234 5678 2026-12-06 x") == "… 2026-12-06 x"
    assert mask_personal("+49 30 1234 5678 23:59 x") == "… 23:59 x"
    assert mask_personal("+1 555 123 4567 9:05") == "… 9:05"


def _line(formatter: logging.Formatter, msg: str, *args: object) -> str:
    record = logging.LogRecord("contactsync.daemon", logging.WARNING, __file__, 1, msg, args, None)
    return formatter.format(record)


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_an_exception_logged_as_it_is_shows_the_pseudonym_not_the_name(fmt: str) -> None:
    register_pseudonyms({"pl-ana.silva": "pl-~3f9a1c2e7b04", "pl-b-ana.silva": "pl-b-~3f9a1c2e7b04"})
    formatter: logging.Formatter = (
        HumanFormatter(journald=False, personal_data=False) if fmt == "human" else JsonFormatter(personal_data=False)
    )
    # the daemon's log.warning("%s", exc): the exception's text names the book and the account
    lost = LeaseLost("book pl-ana.silva: account pl-b-ana.silva was taken over")
    line = _line(formatter, "%s", lost)
    assert "ana.silva" not in line, line
    assert "book pl-~3f9a1c2e7b04: account pl-b-~3f9a1c2e7b04 was taken over" in line, line
    aborted = SyncAborted("distribution staff: target pl-b-ana.silva stopped at a batch boundary")
    line = _line(formatter, "distribution %s: stopped (%s); %d left", "staff", aborted, 3)
    assert "target pl-b-~3f9a1c2e7b04 stopped" in line and "; 3 left" in line, line
    assert "ana.silva" not in _line(formatter, "%r", lost)
    # with log.personal_data: true the name is shown
    open_formatter: logging.Formatter = (
        HumanFormatter(journald=False, personal_data=True) if fmt == "human" else JsonFormatter(personal_data=True)
    )
    assert "book pl-ana.silva:" in _line(open_formatter, "%s", lost)


def test_a_login_that_is_an_ordinary_word_does_not_rewrite_a_line() -> None:
    # a role mailbox's login ("contacts", "info") made a book's name: replacing the word wherever it stood broke a
    # server's path and our advice
    register_pseudonyms({"contacts": "~1c0ffee1c0ff", "info": "~2b4dd00d2b4d", "Support": "~3b4dd00d2b4d"})
    text = "HTTP 404 for /remote.php/dav/addressbooks/users/…/contacts/ (check options.url); see -v for info"
    line = _line(HumanFormatter(journald=False, personal_data=False), "book %s: run failed: %s", "sales", text)
    assert line.endswith(f"book sales: run failed: {text}"), line
    assert pseudonymize("Support contacts info") == "Support contacts info"
    # nor a first name that is a word of our messages
    register_pseudonyms({"will": "~4b4dd00d2b4d", "may": "~5b4dd00d2b4d"})
    assert pseudonymize("the next run will retry; it may take 5 min") == "the next run will retry; it may take 5 min"
