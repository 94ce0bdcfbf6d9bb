"""A sign-in name a book template put into an option (``path: /srv/vdir/{username}``) is shown by its pseudonym in a
log line's path, whatever characters it holds, and nowhere else: a login that is also a word ("max", "jobs") or one
of the file's names (a book "hr") never rewrites the rest of a line."""

from __future__ import annotations

import errno
import logging
import time
from pathlib import Path

from contactsync.config import load_settings
from contactsync.connectors.directory import DirectoryPerson
from contactsync.logs import HumanFormatter, mask_personal, pseudonymize, safe_error_text, shown_item
from contactsync.settings import Settings
from contactsync.templates import with_template_books

LOGINS = ["Ana.Silva", "josé.silva", "João", "ana silva", "o'brien", "max", "jobs"]


def _settings(root: Path) -> Settings:
    (root / "config.yaml").write_text(
        f"""\
store: {{url: "sqlite:///{root}/store.db"}}
books:
  - name: hr
    accounts:
      - {{name: hr-a, type: vdir, options: {{path: "{root}/hr-a"}}}}
      - {{name: hr-b, type: vdir, options: {{path: "{root}/hr-b"}}}}
templates:
  - name: staff
    source: directory
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org"}}
    book:
      name: "book-{{id}}"
      accounts:
        - {{name: "a-{{id}}", type: vdir, options: {{path: "{root}/a/{{username}}"}}}}
"""
    )
    return load_settings(root / "config.yaml")


def _line(msg: str, *args: object) -> str:
    record = logging.LogRecord("contactsync.engine", logging.ERROR, __file__, 1, msg, args, None)
    return HumanFormatter(journald=False, personal_data=False).format(record).split(" ", 1)[1]


def test_a_login_with_an_accent_a_space_or_an_apostrophe_is_not_shown_in_a_folders_error(tmp_path: Path) -> None:
    people = [DirectoryPerson(f"id-{i}", f"p{i}@example.org", u, "X") for i, u in enumerate(LOGINS)]
    expanded, _ = with_template_books(_settings(tmp_path), {"staff": people})
    for i, login in enumerate(LOGINS):
        folder = next(a for b in expanded.books for a in b.accounts if a.name == f"a-id-{i}").options["path"]
        denied = PermissionError(errno.EACCES, "Permission denied", folder)
        line = _line("account %s: %s", f"a-id-{i}", safe_error_text(denied))
        assert login not in line, line
        assert f"Permission denied: {tmp_path}/a/~" in line, line
    # a login in a server's path, where it is also an email's local part
    assert "Ana.Silva" not in pseudonymize("PROPFIND /dav/Ana.Silva@example.org/ failed")


def test_a_login_that_is_a_word_or_a_books_name_does_not_rewrite_a_line(tmp_path: Path) -> None:
    people = [DirectoryPerson(f"id-{i}", f"p{i}@example.org", u, "X") for i, u in enumerate([*LOGINS, "hr", "1042"])]
    with_template_books(_settings(tmp_path), {"staff": people})
    told = "HTTP 429: retry later (max 5 per minute); 1042 cards left"
    assert _line("book %s: %s", "staff", told).endswith(f"book staff: {told}")
    assert _line("distribution %s: %s", "staff", "3 jobs queued").endswith("distribution staff: 3 jobs queued")
    # the static book hr keeps its name in log lines (and so in the systemd status line and status)
    line = _line("book %s: run failed: %s", "hr", "account hr-a: 3 cards quarantined")
    assert line.endswith("book hr: run failed: account hr-a: 3 cards quarantined"), line
    assert pseudonymize("hr") == "hr" and pseudonymize(f"{tmp_path}/hr-a") == f"{tmp_path}/hr-a"


def test_a_phone_number_whose_digits_look_like_a_date_is_masked() -> None:
    # the date look-ahead once ended the number after "+49 30", before it had 7 digits: nothing was masked
    for phone in ("+49 30 2012-05-06", "+49 89 1998-03-15"):
        assert mask_personal(f"card {phone} refused") == "card … refused", phone
    assert mask_personal("+4915112345678 2026-12-06T18:00") == "… 2026-12-06T18:00"
    # still one pass over a hostile text of 400,000 characters (a backtracking pattern would not finish)
    assert mask_personal("+1" + " 2012-05-06" * 36_000) == "…" + " 2012-05-06" * 35_999


def test_a_long_item_id_is_read_once() -> None:
    # the card file's pattern was tried from each character of the id: 200,000 characters took 140 s
    started = time.perf_counter()
    assert shown_item("x" * 200_000) == "x" * 200_000
    assert shown_item("x" * 200_000 + ".vcf") == "…"
    assert shown_item("a/" * 100_000 + "Ana Silva.vcf") == "a/" * 100_000 + "…"
    assert time.perf_counter() - started < 2.0


def test_an_argument_whose_text_fails_does_not_print_the_arguments() -> None:
    # logging once printed "--- Logging error ---" and the record's raw arguments (the names in them) to stderr
    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no text")

    line = _line("book %s: %s", "ana.silva", Broken())
    assert line.endswith("book ana.silva: <Broken: text unavailable>"), line
