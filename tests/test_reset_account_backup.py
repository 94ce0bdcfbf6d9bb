"""`sync --reset-account` after an account was restored from an old backup: it is filled again from the store.

The README names "a restored backup" as a case for a reset, which "fills it again from the store". Before, a reset
item carrying contactsync's marker got the stored contact as its base, so every stale value of the backup counted
as the account's own new edit (and an item without a marker had every field taken as new): the backup's old note
replaced the current one on every account, exit 0, nothing said. Now the store's values win for what the store
holds, and what only the restored item holds (a field the store has empty, an email it never had) is kept: nothing
on the restored account is dropped in silence either. Each replaced value is in the contact's history.

Through the real CLI, on vdir folders and a SQLite store, as an admin would do it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli


def card(uid: str, given: str, email: str, *, note: str = "", extra: tuple[str, ...] = ()) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid}",
        f"N:Lima;{given};;;",
        f"FN:{given} Lima",
        f"EMAIL;TYPE=WORK:{email}",
        "CATEGORIES:Team",
    ]
    if note:
        lines.append(f"NOTE:{note}")
    return "\r\n".join([*lines, *extra, "END:VCARD", ""])


class Book:
    """Two vdir accounts, ``a`` and ``b``, of one book; ``rule`` is the book's default conflict rule."""

    def __init__(self, root: Path, rule: str = "newest") -> None:
        self.root = root
        self.dirs = {n: root / n for n in ("a", "b")}
        for d in self.dirs.values():
            d.mkdir()
        accounts = "".join(
            f"      - name: {n}\n        type: vdir\n        options: {{path: {d}}}\n" for n, d in self.dirs.items()
        )
        self.config = root / "contactsync.yaml"
        self.config.write_text(
            f"store:\n  url: sqlite:///{root / 'store.db'}\nbooks:\n  - name: staff\n"
            f"    conflicts: {{default: {rule}}}\n    priority: [b, a]\n    accounts:\n{accounts}"
        )
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def sync(self, *args: str) -> Result:
        result = self.cli("sync", *args)
        assert result.exit_code == EXIT_OK, result.output
        return result

    def texts(self, account: str) -> list[str]:
        return [f.read_text() for f in sorted(self.dirs[account].glob("*.vcf"))]

    def notes(self, account: str) -> list[str]:
        return sorted(n for t in self.texts(account) for n in re.findall(r"^NOTE:(.*?)\r?$", t, re.M))

    def emails(self, account: str) -> list[str]:
        return sorted(e.lower() for t in self.texts(account) for e in re.findall(r"^EMAIL[^:]*:(.+?)\r?$", t, re.M))

    def card_of(self, account: str, email: str) -> str:
        (found,) = [t for t in self.texts(account) if email in t]
        return found

    def restore(self, backup: Path, *, fresh_times: bool = False) -> None:
        """b's server restored from ``backup``; with ``fresh_times`` its files are as new as the restore (a copy
        that does not keep their times), which makes them the newest items."""
        shutil.rmtree(self.dirs["b"])
        shutil.copytree(backup, self.dirs["b"])
        if fresh_times:
            later = time.time() + 60
            for f in self.dirs["b"].glob("*.vcf"):
                os.utime(f, (later, later))


def _people(book: Book, folder: str, n: int = 4) -> None:
    for i in range(n):
        (book.dirs[folder] / f"p{i}.vcf").write_text(card(f"u{i}", f"P{i}", f"p{i}@example.org", note="v1"))


def _edit_notes(book: Book, account: str, note: str) -> None:
    for f in book.dirs[account].glob("*.vcf"):
        f.write_text(re.sub(r"NOTE:\S+", f"NOTE:{note}", f.read_text()))


def _writes(book: Book) -> int:
    result = book.cli("sync", "--json")
    assert result.exit_code == EXIT_OK, result.output
    return int(json.loads(result.stdout)["writes"])


@pytest.mark.parametrize("rule", ["newest", "priority"])
def test_a_restored_backup_s_old_note_does_not_replace_the_current_one(tmp_path: Path, rule: str) -> None:
    book = Book(tmp_path, rule)
    _people(book, "a", 5)
    book.sync()
    backup = tmp_path / "b-backup"
    shutil.copytree(book.dirs["b"], backup)  # b's cards now: contactsync wrote them, marker and all
    _edit_notes(book, "a", "v2-current")
    (gone,) = [f for f in book.dirs["a"].glob("*.vcf") if "p4@example.org" in f.read_text()]
    gone.unlink()  # and one person deleted meanwhile: in the trash
    book.sync()
    book.restore(backup, fresh_times=True)

    book.sync("--reset-account", "b")

    for account in ("a", "b"):
        assert book.notes(account) == ["v2-current"] * 4, account
        assert "p4@example.org" not in book.emails(account), "the backup brings no deleted person back"
    assert _writes(book) == 0
    # the replaced value is kept: the history names it, on the account it came from
    cid = re.search(r"^X-CONTACTSYNC-ID:(\S+?)\r?$", book.card_of("b", "p0@example.org"), re.M)
    assert cid is not None
    history = json.loads(book.cli("history", cid.group(1), "--json").stdout)
    lost = [h for h in history if h["action"] == "conflict-lost" and h["account"] == "b" and h["field"] == "note"]
    assert [(h["before"], h["after"]) for h in lost] == [("v1", "v2-current")]


def test_a_restored_backup_without_our_marker_loses_to_the_store_too(tmp_path: Path) -> None:
    """b's people made on b and never rewritten carry no marker: matched by email, the restored cards were taken as
    wholly new, and as the newest items (restored without their times) their old note won."""
    book = Book(tmp_path)
    _people(book, "b")
    book.sync()
    backup = tmp_path / "b-backup"
    shutil.copytree(book.dirs["b"], backup)
    assert not any("X-CONTACTSYNC-ID" in t for t in book.texts("b")), "the premise: cards of b's own, unmarked"
    _edit_notes(book, "a", "v2-current")
    book.sync()
    book.restore(backup, fresh_times=True)

    book.sync("--reset-account", "b")

    assert book.notes("a") == book.notes("b") == ["v2-current"] * 4
    assert book.emails("a") == book.emails("b") == [f"p{i}@example.org" for i in range(4)]
    assert _writes(book) == 0


def test_what_only_the_backup_holds_is_kept_on_every_account(tmp_path: Path) -> None:
    book = Book(tmp_path)
    _people(book, "a", 3)
    book.sync()
    backup = tmp_path / "b-backup"
    shutil.copytree(book.dirs["b"], backup)
    _edit_notes(book, "a", "v2-current")
    book.sync()
    # what b held that the store never got (typed on b just before its server failed): a job title, a second email
    (kept,) = [f for f in backup.glob("*.vcf") if "p0@example.org" in f.read_text()]
    kept.write_text(
        kept.read_text().replace("END:VCARD", "TITLE:Engineer\r\nEMAIL;TYPE=HOME:p0.home@example.org\r\nEND:VCARD")
    )
    book.restore(backup, fresh_times=True)

    book.sync("--reset-account", "b")

    for account in ("a", "b"):
        ana = book.card_of(account, "p0@example.org")
        assert "TITLE:Engineer" in ana and "p0.home@example.org" in ana, account
        assert book.notes(account) == ["v2-current"] * 3, account
        assert len(book.texts(account)) == 3, account
    assert _writes(book) == 0


def test_an_emptied_folder_is_filled_again_without_duplicates(tmp_path: Path) -> None:
    book = Book(tmp_path)
    _people(book, "a")
    book.sync()
    _edit_notes(book, "a", "v2-current")
    book.sync()
    for f in book.dirs["b"].glob("*.vcf"):
        f.unlink()

    book.sync("--reset-account", "b")

    expected = [f"p{i}@example.org" for i in range(4)]
    assert book.emails("a") == book.emails("b") == expected
    assert book.notes("b") == ["v2-current"] * 4
    assert _writes(book) == 0


def test_a_reset_stopped_before_its_listing_was_recorded_is_still_a_reset(tmp_path: Path) -> None:
    """The reset is the store's (its state says so until a listing is recorded), not the command line's: a run
    stopped after `--reset-account` forgot the account leaves the next plain `sync` to fill it from the store."""
    from contactsync.admin import reset_account
    from contactsync.store import Store

    book = Book(tmp_path)
    _people(book, "a")
    book.sync()
    backup = tmp_path / "b-backup"
    shutil.copytree(book.dirs["b"], backup)
    _edit_notes(book, "a", "v2-current")
    book.sync()
    book.restore(backup, fresh_times=True)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        reset_account(store, "b")  # what `sync --reset-account b` does first; its run never came

    book.sync()

    assert book.notes("a") == book.notes("b") == ["v2-current"] * 4
    assert _writes(book) == 0


def test_an_account_new_to_the_book_is_no_reset_its_edits_compete_under_the_rules(tmp_path: Path) -> None:
    """An account listed for the first time holds what its user typed there, not a stale copy: matched to people
    the store holds, its newer values win under `newest`, as before (review of the reset fix)."""
    book = Book(tmp_path)
    _people(book, "a")
    book.sync()
    phone = tmp_path / "phone"
    phone.mkdir()
    for i in range(4):
        (phone / f"x{i}.vcf").write_text(card(f"x{i}", f"P{i}", f"p{i}@example.org", note="typed-on-the-phone"))
    later = time.time() + 60
    for f in phone.glob("*.vcf"):
        os.utime(f, (later, later))
    book.config.write_text(
        book.config.read_text() + f"      - name: phone\n        type: vdir\n        options: {{path: {phone}}}\n"
    )

    book.sync()

    assert book.notes("a") == book.notes("b") == ["typed-on-the-phone"] * 4
    assert len(book.texts("a")) == 4
