"""A brake holds an account until the admin decides, and a push-only account's deletes are no deletes.

Through the real CLI on vdir folders. The brake released itself: account ``b`` wiped of its 10 people was braked,
the engine went on creating on ``b`` the 40 people added on ``a``, ``b``'s 10 deletes became 10 of 50 contacts
(under ``max_delete_ratio`` 0.2) and the next run deleted the 10 people on every account, nobody having approved
it. And a push-only account ("write, never take its changes") spread its deletes: a card deleted there deleted the
person everywhere, and a wiped push-only account tripped the brake, whose advice (approve it) deleted everyone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contactsync.cli import EXIT_BRAKE, EXIT_OK, EXIT_PARTIAL
from tests.brake_support import PEOPLE, ThreeFolders, card


class Book(ThreeFolders):
    """The three folders, ``a``'s ten people synced to the others."""

    def __init__(self, root: Path, b_mode: str = "two-way") -> None:
        super().__init__(root, b_mode)
        self.fill()

    def remove(self, account: str, people: range) -> None:
        for f in (self.root / account).glob("*.vcf"):
            if any(f"p{n}@" in f.read_text() for n in people):
                f.unlink()

    def add(self, account: str, people: range) -> None:
        for n in people:
            (self.root / account / f"p{n}.vcf").write_text(card(f"u{n}", n))

    def status(self, account: str) -> dict[str, object]:
        shown = self.cli("status", "--json")
        accounts: dict[str, dict[str, object]] = json.loads(shown.stdout)["books"]["staff"]["accounts"]
        return accounts[account]


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


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path)


def _wiped_b_diluted(book: Book) -> None:
    """b is wiped (braked), then 40 people come on a: created on b too, b's 10 deletes are 10 of 50 contacts."""
    book.remove("b", range(10))
    assert book.cli("sync").exit_code == EXIT_BRAKE
    book.add("a", range(100, 140))
    assert book.cli("sync").exit_code == EXIT_BRAKE
    assert len(book.people("b")) == 40


def test_creates_on_a_braked_account_do_not_dilute_its_deletes_under_the_limit(book: Book) -> None:
    _wiped_b_diluted(book)
    for _ in range(2):
        again = book.cli("sync")
        assert again.exit_code == EXIT_BRAKE, again.output
        assert "contactsync sync --allow-deletes-on b" in again.output
        assert set(PEOPLE) <= set(book.people("a")) and set(PEOPLE) <= set(book.people("c")), "nobody approved"
    assert book.status("b")["brake"]
    # the admin decides: the deletes were intended
    approved = book.cli("sync", "--allow-deletes-on", "b")
    assert approved.exit_code == EXIT_OK, approved.output
    assert book.people("a") == book.people("b") == book.people("c") == [f"p{n}@example.org" for n in range(100, 140)]
    assert book.cli("sync").exit_code == EXIT_OK
    assert book.status("b")["brake"] is None


def test_a_braked_account_whose_gone_people_come_back_is_released(book: Book) -> None:
    _wiped_b_diluted(book)
    book.add("b", range(10))  # put back from a backup, under their old UIDs
    back = book.cli("sync")
    assert back.exit_code == EXIT_OK, back.output
    everyone = sorted([*PEOPLE, *(f"p{n}@example.org" for n in range(100, 140))])
    assert book.people("a") == book.people("b") == book.people("c") == everyone
    assert book.status("b")["brake"] is None


def test_the_brake_outlives_a_run_where_the_account_cannot_be_listed(book: Book) -> None:
    """The brake's state is the account's last recorded run: a run whose listing of it failed recorded no brake,
    and the run after it, diluted, deleted the 10 people."""
    _wiped_b_diluted(book)
    (book.root / "b").rename(book.root / "b-away")
    failed = book.cli("sync")
    assert failed.exit_code in (EXIT_PARTIAL, EXIT_BRAKE), failed.output
    shown = book.status("b")
    assert shown["error"] and shown["brake"], shown
    (book.root / "b-away").rename(book.root / "b")
    again = book.cli("sync")
    assert again.exit_code == EXIT_BRAKE, again.output
    assert set(PEOPLE) <= set(book.people("a")) and set(PEOPLE) <= set(book.people("c"))


def test_a_dry_run_lists_no_delete_and_no_held_write_for_a_braked_account(book: Book) -> None:
    book.remove("b", range(5))  # b deletes half its people: braked
    assert book.cli("sync").exit_code == EXIT_BRAKE
    (book.root / "a" / "p3.vcf").write_text(card("u3", 3, name="Person3 Edited"))  # gone from b: held there
    (book.root / "a" / "p8.vcf").write_text(card("u8", 8, name="Person8 Edited"))  # still on b: written
    (book.root / "a" / "p9.vcf").unlink()  # one delete on a: goes to c, held on braked b
    dry = book.cli("sync", "--dry-run")
    assert dry.exit_code == EXIT_BRAKE, dry.output
    assert planned(dry.output, "c", "update") == 2 and planned(dry.output, "c", "delete") == 1, dry.output
    assert planned(dry.output, "b", "update") == 1, dry.output  # p8 only: p3's item there is gone, held
    assert planned(dry.output, "b", "delete") == 0 and planned(dry.output, "b", "create") == 0, dry.output
    # and the run does what the preview said
    run = book.cli("sync")
    assert run.exit_code == EXIT_BRAKE, run.output
    assert "Edited" in book.card_of("b", "p8@example.org") and "Edited" in book.card_of("c", "p3@example.org")
    assert book.people("b") == PEOPLE[5:] and book.people("c") == PEOPLE[:9]


@pytest.fixture
def push_only(tmp_path: Path) -> Book:
    return Book(tmp_path, b_mode="push-only")


def test_a_delete_on_a_push_only_account_is_written_again_not_spread(push_only: Book) -> None:
    push_only.remove("b", range(3, 4))
    run = push_only.cli("sync")
    assert run.exit_code == EXIT_OK, run.output
    assert push_only.people("a") == push_only.people("b") == push_only.people("c") == PEOPLE
    assert json.loads(push_only.cli("trash", "list", "--json").stdout) == []
    assert push_only.cli("sync").exit_code == EXIT_OK


def test_a_wiped_push_only_account_trips_no_brake_and_is_filled_again(push_only: Book) -> None:
    push_only.remove("b", range(10))
    (push_only.root / "a" / "p3.vcf").write_text(card("u3", 3, name="Person3 Edited"))
    run = push_only.cli("sync")
    assert run.exit_code == EXIT_OK, run.output
    assert "brake" not in run.output and "--allow-deletes" not in run.output
    assert push_only.people("a") == push_only.people("b") == push_only.people("c") == PEOPLE
    assert "Edited" in push_only.card_of("b", "p3@example.org")
    shown = push_only.status("b")
    assert shown["brake"] is None and shown["pending_writes"] == 0, shown
    # an approval (an admin following old advice) deletes nobody either
    approved = push_only.cli("sync", "--allow-deletes-on", "b")
    assert approved.exit_code == EXIT_OK, approved.output
    assert push_only.people("a") == push_only.people("c") == PEOPLE


def test_an_edit_on_a_push_only_account_is_not_taken_and_is_written_over(push_only: Book) -> None:
    path = next(f for f in (push_only.root / "b").glob("*.vcf") if "p1@" in f.read_text())
    path.write_text(path.read_text().replace("FN:Person1", "FN:Someone Else"))
    run = push_only.cli("sync")
    assert run.exit_code == EXIT_OK, run.output
    assert all("Someone Else" not in push_only.card_of(x, "p1@example.org") for x in "abc")


def test_a_restore_from_the_trash_says_a_braked_account_waits(book: Book) -> None:
    book.remove("b", range(10))  # b wiped: braked
    (book.root / "a" / "p9.vcf").unlink()  # a's one delete goes through: p9 to the trash
    assert book.cli("sync").exit_code == EXIT_BRAKE
    assert "p9@example.org" not in book.people("c")
    (trashed,) = json.loads(book.cli("trash", "list", "--json").stdout)
    restored = book.cli("trash", "restore", trashed["id"])
    assert restored.exit_code == EXIT_OK, restored.output
    assert "re-creates it on every account, but not on b" in restored.output
    assert "until you decide" in restored.output
    assert book.cli("sync").exit_code == EXIT_BRAKE
    assert book.people("a") == book.people("c") == PEOPLE and book.people("b") == []
