"""An item someone else created on a push-only account is not ours: left as it is, unless it is a person's.

Through the real CLI on vdir folders. A push-only account ("write, never take its changes") gave a card created
there by hand a person of its own, whose values, none taken, were empty: the card was written over as ``N:;;;;``,
its name and email lost. Such a card matches nobody we write, so it is left exactly as it is (not written, not
deleted, not copied elsewhere) and counted in the log; a card sure to be a person's (their marker, or an email no
other person has) is taken as that person's item, and shows their values, as everything on a push-only account.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli

PEOPLE = [f"p{n}@example.org" for n in range(5)]


def card(uid: str, email: str, name: str, *, tel: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{name};;;;", f"FN:{name}"]
    lines += [f"EMAIL:{email}"] if email else []
    lines += [f"TEL:{tel}"] if tel else []
    return "\r\n".join([*lines, "END:VCARD", ""])


class Book:
    """One book of vdir folders: ``b`` push-only, ``a`` and ``c`` two-way (in ``order``); ``a`` holds five
    people, synced to the others."""

    def __init__(self, root: Path, order: str = "abc") -> None:
        self.root = root
        text = f"store:\n  url: sqlite:///{root / 'store.db'}\nbooks:\n  - name: staff\n    accounts:\n"
        for name in order:
            (root / name).mkdir()
            mode = "push-only" if name == "b" else "two-way"
            text += f"      - name: {name}\n        type: vdir\n        mode: {mode}\n"
            text += f"        options: {{path: {root / name}}}\n"
        self.config = root / "contactsync.yaml"
        self.config.write_text(text)
        for n, email in enumerate(PEOPLE):
            (root / "a" / f"p{n}.vcf").write_text(card(f"u{n}", email, f"Person{n}"))

    def sync(self, *args: str) -> Result:
        """``sync`` with ``args``, its log at INFO on its stderr."""
        run = CliRunner().invoke(cli, ["-v", "--config", str(self.config), "sync", *args], catch_exceptions=False)
        assert run.exit_code == EXIT_OK, run.output
        return run

    def files(self, account: str) -> dict[str, str]:
        return {f.name: f.read_text() for f in sorted((self.root / account).glob("*.vcf"))}

    def emails(self, account: str) -> list[str]:
        found = [line for t in self.files(account).values() for line in t.splitlines() if line.startswith("EMAIL")]
        return sorted(line.split(":", 1)[1] for line in found)

    def cards_of(self, account: str, email: str) -> list[str]:
        return [t for t in self.files(account).values() if email in t]


@pytest.fixture
def book(tmp_path: Path) -> Book:
    made = Book(tmp_path)
    made.sync()
    assert made.emails("b") == made.emails("c") == PEOPLE
    return made


def test_a_card_created_on_a_push_only_account_is_left_as_it_is(book: Book) -> None:
    typed = card("by-hand", "sam@example.org", "Stranger Sam")
    (book.root / "b" / "by-hand.vcf").write_text(typed)
    dry = book.sync("--dry-run")
    assert "would" not in dry.output, dry.output
    run = book.sync()
    assert (book.root / "b" / "by-hand.vcf").read_bytes() == typed.encode(), "not written over"
    assert book.emails("a") == book.emails("c") == PEOPLE, "not copied to the other accounts"
    assert book.emails("b") == sorted([*PEOPLE, "sam@example.org"])
    told = [line for line in run.stderr.splitlines() if "push-only" in line]
    assert len(told) == 1 and told[0].endswith("account b (push-only): 1 item matches no contact; left as it is")
    assert "sam" not in run.stderr.casefold() and "by-hand" not in run.stderr, "counts only: no personal data"
    # and so it stays, run after run: never taken, never deleted, told once (not listed again)
    again = book.sync()
    assert "push-only" not in again.stderr, again.stderr
    assert (book.root / "b" / "by-hand.vcf").read_bytes() == typed.encode()
    assert book.emails("a") == book.emails("c") == PEOPLE


def test_a_card_re_created_by_hand_for_a_person_is_taken_over_with_their_values(book: Book) -> None:
    """Someone deleted the card we wrote for p3 and typed it again: the same person, one card, their values."""
    ours = next(f for f in (book.root / "b").glob("*.vcf") if "p3@" in f.read_text())
    ours.unlink()
    (book.root / "b" / "again.vcf").write_text(card("again", "p3@example.org", "Typed Again"))
    book.sync()
    assert book.emails("a") == book.emails("b") == book.emails("c") == PEOPLE, "no duplicate, no delete"
    (again,) = book.cards_of("b", "p3@example.org")
    assert "Person3" in again and "Typed Again" not in again
    assert all("Typed Again" not in t for x in "ac" for t in book.files(x).values())


def test_a_second_card_for_a_person_already_on_the_account_is_left_as_it_is(book: Book) -> None:
    typed = card("twice", "p2@example.org", "Second Card")
    (book.root / "b" / "twice.vcf").write_text(typed)
    book.sync()
    assert (book.root / "b" / "twice.vcf").read_bytes() == typed.encode()
    assert len(book.cards_of("b", "p2@example.org")) == 2, "ours stays too: nothing deleted"
    assert book.emails("a") == book.emails("c") == PEOPLE


def test_a_card_sharing_only_a_phone_with_a_person_is_left_as_it_is(book: Book) -> None:
    """A phone is no sure match (a switchboard): a card sharing one with a person is not taken for theirs."""
    (book.root / "a" / "desk.vcf").write_text(card("desk", "", "Front Desk", tel="+1 202 555 0100"))
    book.sync()
    ours = next(f for f in (book.root / "b").glob("*.vcf") if "Front Desk" in f.read_text())
    ours.unlink()
    typed = card("reception", "", "Reception Typed", tel="+1 202 555 0100")
    (book.root / "b" / "reception.vcf").write_text(typed)
    book.sync()
    assert (book.root / "b" / "reception.vcf").read_bytes() == typed.encode()
    assert all("Reception Typed" not in t for x in "ac" for t in book.files(x).values())


def test_a_push_only_account_first_synced_keeps_its_strangers_and_takes_its_people(tmp_path: Path) -> None:
    """An account that already holds cards, listed before the others: the person's card is taken (not doubled),
    the stranger's is left as it is."""
    book = Book(tmp_path, order="bac")
    (tmp_path / "b" / "p1.vcf").write_text(card("old-p1", "p1@example.org", "Old Name"))
    stranger = card("stranger", "sam@example.org", "Stranger Sam")
    (tmp_path / "b" / "stranger.vcf").write_text(stranger)
    book.sync()
    assert book.emails("a") == book.emails("c") == PEOPLE
    assert book.emails("b") == sorted([*PEOPLE, "sam@example.org"])
    (p1,) = book.cards_of("b", "p1@example.org")
    assert "Person1" in p1 and "Old Name" not in p1
    assert (tmp_path / "b" / "stranger.vcf").read_bytes() == stranger.encode()
    book.sync()
    assert (tmp_path / "b" / "stranger.vcf").read_bytes() == stranger.encode()
    assert book.emails("b") == sorted([*PEOPLE, "sam@example.org"])


def test_a_card_with_an_email_two_people_share_is_left_as_it_is(book: Book) -> None:
    """Two people share family@: a card typed with it, where one of them has no item, may be either's."""
    for who in ("Ana Family", "Bo Family"):
        (book.root / "a" / f"{who[:2]}.vcf").write_text(card(who[:2], "family@example.org", who))
    book.sync()
    assert len(book.cards_of("b", "family@example.org")) == 2
    next(f for f in (book.root / "b").glob("*.vcf") if "Bo Family" in f.read_text()).unlink()
    typed = card("typed", "family@example.org", "Typed Family")
    (book.root / "b" / "typed.vcf").write_text(typed)
    book.sync()
    assert (book.root / "b" / "typed.vcf").read_bytes() == typed.encode()
    assert len(book.cards_of("b", "family@example.org")) == 3, "Bo's written again beside it"
    assert all("Typed Family" not in t for x in "ac" for t in book.files(x).values())
