"""The brake approved one account at a time, through the real CLI (and daemon) on vdir folders.

``sync --allow-deletes`` lets every account's deletes through: an admin who read last run's brake report on
account ``a`` and approved it also let through the wipe of account ``b`` that came up since, and ``b``'s wipe
deleted everyone everywhere. ``--allow-deletes-on ACCOUNT`` approves the one account, and every brake's advice
(sync's report, ``status``, the log a daemon writes) names it. And while a brake holds an account's deletes, a
write owed to one of its gone items (a person edited elsewhere) waits with the brake: ``status`` showed it as a
failed write ("gone while updating"), and the next run put the person back on the braked account without the
admin's decision.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contactsync.cli import EXIT_BRAKE, EXIT_OK, EXIT_USAGE
from tests.brake_support import PEOPLE, ThreeFolders, card
from tests.daemon_support import DaemonProcess, wait_for

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))


class Book(ThreeFolders):
    """The three folders, driven also as processes of their own."""

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The installed command in a process of its own: its log lines on stderr."""
        return subprocess.run(
            [CONTACTSYNC, "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ),
        )

    def wipe(self, account: str) -> None:
        for f in (self.root / account).glob("*.vcf"):
            f.unlink()

    def files(self) -> dict[Path, bytes]:
        return {f: f.read_bytes() for f in self.root.rglob("*.vcf")}


@pytest.fixture
def book(tmp_path: Path) -> Book:
    b = Book(tmp_path)
    b.fill()
    return b


def _a_deletes_six(book: Book) -> None:
    """Account a deletes six of its ten people: the brake holds them (6 of 10 is over max_delete_ratio)."""
    for n in range(6):
        (book.root / "a" / f"p{n}.vcf").unlink()
    braked = book.cli("sync")
    assert braked.exit_code == EXIT_BRAKE, braked.output
    assert book.people("c") == PEOPLE


def test_approving_one_account_lets_its_deletes_through_and_still_brakes_another_account_s_wipe(book: Book) -> None:
    _a_deletes_six(book)
    book.wipe("b")  # meanwhile, after the admin read the report: b now lists nothing
    approved = book.cli("sync", "--allow-deletes-on", "a")
    assert approved.exit_code == EXIT_BRAKE, approved.output  # b's wipe is held
    kept = PEOPLE[6:]
    assert book.people("c") == kept, "a's six deletes went through, b's wipe deleted nobody"
    assert book.people("a") == kept
    assert "contactsync sync --allow-deletes-on b" in approved.output
    # the next run still holds b's wipe: nothing approved it
    again = book.cli("sync")
    assert again.exit_code == EXIT_BRAKE, again.output
    assert book.people("c") == kept


def test_an_unknown_account_to_approve_is_a_usage_error_naming_the_option(book: Book) -> None:
    _a_deletes_six(book)
    before = book.files()
    for dry in ((), ("--dry-run",)):
        refused = book.cli("sync", *dry, "--allow-deletes-on", "nosuch")
        assert refused.exit_code == EXIT_USAGE, refused.output
        assert "--allow-deletes-on nosuch" in refused.output
    assert book.files() == before


def test_the_brake_s_advice_names_the_account_in_sync_s_report_its_log_and_status(book: Book) -> None:
    _a_deletes_six(book)
    run = book.run("sync")
    assert run.returncode == EXIT_BRAKE, run.stderr
    advice = "contactsync sync --allow-deletes-on a"
    assert advice in run.stdout  # the report
    assert advice in run.stderr  # the log line a daemon writes too
    status = book.cli("status")
    assert status.exit_code == EXIT_BRAKE, status.output
    assert advice in status.output
    assert "contactsync sync --allow-deletes`" not in run.stdout + status.output, "no advice to approve all"


def planned(output: str, account: str, kind: str) -> int:
    """How many writes of ``kind`` a dry run's report says ``account`` would get."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {account} "))
    count = 0
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        count += line.startswith(f"    would {kind} ")
    return count


def test_a_dry_run_previews_the_approved_deletes_and_changes_nothing(book: Book) -> None:
    _a_deletes_six(book)
    book.wipe("b")
    before = book.files()
    one = book.cli("sync", "--dry-run", "--allow-deletes-on", "a")
    assert one.exit_code == EXIT_BRAKE, one.output  # b is still braked in the preview
    assert planned(one.output, "c", "delete") == 6, one.output
    assert "contactsync sync --allow-deletes-on b" in one.output
    assert book.files() == before, "a dry run changes nothing"


def test_a_dry_run_with_allow_deletes_previews_every_account_s_deletes(book: Book) -> None:
    """It was ignored: the preview showed every brake on, and not what the run with the flag would delete."""
    _a_deletes_six(book)
    book.wipe("b")
    before = book.files()
    every = book.cli("sync", "--dry-run", "--allow-deletes")
    assert every.exit_code == EXIT_OK, every.output
    assert "brake:" not in every.output
    assert planned(every.output, "c", "delete") == 10, every.output
    assert book.files() == before, "a dry run changes nothing"


def test_a_write_held_by_the_brake_is_no_failed_write_and_waits_for_the_admin(book: Book) -> None:
    book.wipe("b")
    braked = book.cli("sync")
    assert braked.exit_code == EXIT_BRAKE, braked.output
    # a person edited on a while b's wipe is held: b's item of them is one of the gone ones
    (book.root / "a" / "p3.vcf").write_text(card("u3", 3, name="Person3 Edited"))
    edited = book.cli("sync")
    assert edited.exit_code == EXIT_BRAKE, edited.output
    assert "Edited" in book.card_of("c", "p3@example.org")
    status = book.cli("status", "--json")
    assert status.exit_code == EXIT_BRAKE, status.output
    b = json.loads(status.stdout)["books"]["staff"]["accounts"]["b"]
    assert b["failed_writes"] == 0 and b["error"] is None, b
    assert b["result"] == "braked" and b["brake"]
    shown = book.cli("status")
    assert "failed write" not in shown.output and "error:" not in shown.output, shown.output
    assert "contactsync sync --allow-deletes-on b" in shown.output
    # the next run keeps it held: b is not refilled one edited person at a time behind the admin's back
    again = book.cli("sync")
    assert again.exit_code == EXIT_BRAKE, again.output
    assert book.people("b") == []
    # the admin decides: b's deletes were intended; the edited person lives (edit beats delete) and only they
    approved = book.cli("sync", "--allow-deletes-on", "b")
    assert approved.exit_code == EXIT_OK, approved.output
    assert book.people("a") == book.people("b") == book.people("c") == ["p3@example.org"]
    assert "Edited" in book.card_of("b", "p3@example.org")
    after = json.loads(book.cli("status", "--json").stdout)["books"]["staff"]["accounts"]["b"]
    assert after["pending_writes"] == 0 and after["failed_writes"] == 0 and after["brake"] is None


def test_a_daemon_s_log_names_the_braked_account_to_approve(book: Book, tmp_path: Path) -> None:
    """The daemon has no approval of its own: its log says which one-off sync lets the deletes through."""
    _a_deletes_six(book)
    daemon = DaemonProcess(["--config", str(book.config), "run"], tmp_path / "daemon.log")
    try:
        wait_for("the daemon's brake line", lambda: "brake engaged" in daemon.output(), explain=daemon.output)
    finally:
        daemon.stop()
    line = next(t for t in daemon.output().splitlines() if "brake engaged" in t)
    assert "account a" in line and "contactsync sync --allow-deletes-on a" in line, line
    assert book.people("c") == PEOPLE


def test_an_approval_lets_the_deletes_through_without_strangers_passing_for_the_people_deleted(tmp_path: Path) -> None:
    """Ten people wiped from b and ten strangers who share their switchboard number put there: approved, the ten
    deletes go through (to the trash, restorable) and the strangers are new people. Before, the approval also
    loosened the matching: each stranger took a wiped person over, whose contact was overwritten with the
    stranger's name everywhere, and nothing of the person was left in the trash."""
    board = "TEL;TYPE=WORK:+49 30 1234567"
    book = Book(tmp_path)
    for n in range(10):
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:u{n}", f"N:Person{n};;;;", f"FN:Person{n}", board, "END:VCARD"]
        (tmp_path / "a" / f"p{n}.vcf").write_text("\r\n".join([*lines, ""]))
    assert book.cli("sync").exit_code == EXIT_OK
    book.wipe("b")
    for n in range(10):
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:v{n}", f"N:Other{n};;;;", f"FN:Other{n}", board, "END:VCARD"]
        (tmp_path / "b" / f"q{n}.vcf").write_text("\r\n".join([*lines, ""]))
    approved = book.cli("sync", "--allow-deletes")
    assert approved.exit_code == EXIT_OK, approved.output
    trashed = json.loads(book.cli("trash", "list", "--json").stdout)
    assert sorted(t["name"] for t in trashed) == [f"Person{n}" for n in range(10)]
    shown = sorted(
        line[3:] for f in (tmp_path / "c").glob("*.vcf") for line in f.read_text().splitlines() if line[:3] == "FN:"
    )
    assert shown == [f"Other{n}" for n in range(10)]
