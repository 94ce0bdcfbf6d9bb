"""What the review of the trash purge, the restore refusal and the reset's refill found (ee11739, b014f43), through
the real CLI on vdir folders and a SQLite store: a purged person's copy put back is deleted again, not revived; a
reset after a purge keeps none of its values; a restore is refused for a shared email, not for a colleague's
switchboard number; a forced restore merged as advised keeps the live contact's values; a refilled item's stale
vCard line stays off the other accounts; the reset's mark survives a tag check's request for a full comparison."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner, Result

from contactsync.cli import cli
from contactsync.store import RESET_STATE, Store
from contactsync.store import schema as t


def card(uid: str, fn: str, *, email: str = "", tel: str = "", note: str = "", extra: tuple[str, ...] = ()) -> str:
    given, _, family = fn.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{family};{given};;;", f"FN:{fn}"]
    lines += [f"EMAIL;TYPE=WORK:{email}"] if email else []
    lines += [f"TEL;TYPE=CELL:{tel}"] if tel else []
    lines += [f"NOTE:{note}"] if note else []
    return "\r\n".join([*lines, *extra, "END:VCARD", ""])


class Book:
    def __init__(self, root: Path) -> None:
        self.url = f"sqlite:///{root / 'store.db'}"
        self.dirs = {a: root / a for a in ("office", "phone")}
        accounts = ""
        for name, folder in self.dirs.items():
            folder.mkdir()
            accounts += f"      - name: {name}\n        type: vdir\n        options: {{path: {folder}}}\n"
        self.config = root / "contactsync.yaml"
        self.config.write_text(
            f'store:\n  url: "{self.url}"\nbooks:\n  - name: staff\n    default_region: US\n    accounts:\n{accounts}'
        )
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self.cli(*args)
        assert result.exit_code == 0, result.output
        return result

    def due(self) -> None:
        with Store.open(self.url) as store, store.engine.begin() as conn:
            conn.execute(sa.update(t.trash).values(purge_after=datetime.now(UTC) - timedelta(days=1)))

    def sql(self, query: str, **params: object) -> list[sa.Row[object]]:
        with Store.open(self.url) as store, store.engine.begin() as conn:
            return list(conn.execute(sa.text(query), params).all())

    def texts(self, account: str) -> dict[str, str]:
        return {p.name: p.read_text() for p in sorted(self.dirs[account].glob("*.vcf"))}


def _purged_ana(book: Book) -> dict[str, str]:
    """Ana made on office, synced, deleted, purged; what phone held of her (its folder's files) before."""
    (book.dirs["office"] / "ana.vcf").write_text(
        card("ana-1", "Ana Souza", email="ana@example.org", tel="+14155550101", note="Allergic")
    )
    book.ok("sync")
    kept = book.texts("phone")
    (book.dirs["office"] / "ana.vcf").unlink()
    book.ok("sync", "--allow-deletes")
    book.due()
    book.ok("sync")
    return kept


def test_a_purged_person_s_copy_put_back_is_deleted_again_not_revived(tmp_path: Path) -> None:
    book = Book(tmp_path)
    kept = _purged_ana(book)
    for name, text in kept.items():  # a file-level restore of the phone's folder, our marker and all
        (book.dirs["phone"] / name).write_text(text)
    book.ok("sync")
    assert book.texts("office") == {} and book.texts("phone") == {}
    assert [r[0] for r in book.sql("select data from contacts")] == ["{}"]
    assert not any("Souza" in str(r) or "Allergic" in str(r) for r in book.sql("select before, after from journal"))


def test_a_reset_after_a_purge_keeps_none_of_the_person_s_values(tmp_path: Path) -> None:
    book = Book(tmp_path)
    kept = _purged_ana(book)
    for name, text in kept.items():
        (book.dirs["phone"] / name).write_text(text)
    book.ok("sync", "--reset-account", "phone")
    assert book.texts("office") == {}
    rows = book.sql("select data from contacts") + book.sql("select before, after, note from journal")
    assert not any(v in str(r) for r in rows for v in ("Souza", "ana@example.org", "Allergic", "555")), rows


def test_colleagues_of_one_switchboard_do_not_hold_a_restore_back_but_a_shared_email_does(tmp_path: Path) -> None:
    book = Book(tmp_path)
    board = "+14155550100"
    for i, name in enumerate(["Ana Souza", "Bo Chen", "Cy Diaz"]):
        (book.dirs["office"] / f"p{i}.vcf").write_text(card(f"p{i}", name, email=f"p{i}@acme.example", tel=board))
    book.ok("sync")
    (book.dirs["office"] / "p0.vcf").unlink()
    book.ok("sync", "--allow-deletes")
    (trashed,) = [r[0] for r in book.sql("select contact_id from trash")]
    book.ok("trash", "restore", trashed)  # Bo and Cy share only the number: no refusal, no "merge" of colleagues
    book.ok("sync")
    assert len(book.texts("office")) == len(book.texts("phone")) == 3
    # the same person entered again (her email) while she was in the trash: refused
    (book.dirs["office"] / "p1.vcf").unlink()
    book.ok("sync", "--allow-deletes")
    (bo,) = [r[0] for r in book.sql("select contact_id from trash")]
    (book.dirs["office"] / "bo-again.vcf").write_text(card("bo2", "Bo Chen", email="p1@acme.example"))
    book.ok("sync")
    refused = book.cli("trash", "restore", bo)
    assert refused.exit_code == 2 and "same email" in refused.output, refused.output


def test_a_forced_restore_merged_as_advised_keeps_the_live_contact_s_values(tmp_path: Path) -> None:
    book = Book(tmp_path)
    old = card("old", "Ana Souza", email="ana@example.org", note="OLD left 2019", extra=("ORG:OldCo",))
    (book.dirs["office"] / "old.vcf").write_text(old)
    (book.dirs["office"] / "filler.vcf").write_text(card("f", "Filler One", email="f@example.org"))
    book.ok("sync")
    (book.dirs["office"] / "old.vcf").unlink()
    book.ok("sync", "--allow-deletes")
    (trashed,) = [r[0] for r in book.sql("select contact_id from trash")]
    time.sleep(1.1)
    new = card("new", "Ana Souza", email="ana@example.org", note="CURRENT rejoined", extra=("ORG:NewCo",))
    (book.dirs["office"] / "new.vcf").write_text(new)
    book.ok("sync")
    (live,) = [r[0] for r in book.sql("select id from contacts where deleted_at is null and data like '%Souza%'")]
    assert book.cli("trash", "restore", trashed).exit_code == 2
    book.ok("trash", "restore", trashed, "--force")
    book.ok("merge", live, trashed)
    book.ok("sync")
    (ana,) = [text for text in book.texts("office").values() if "Souza" in text]
    assert "ORG:NewCo" in ana and "CURRENT rejoined" in ana and "OldCo" not in ana, ana


def test_a_refilled_item_s_stale_vcard_line_stays_off_the_other_accounts(tmp_path: Path) -> None:
    book = Book(tmp_path)
    (book.dirs["office"] / "ana.vcf").write_text(card("ana", "Ana Souza", email="ana@example.org", note="current"))
    (book.dirs["office"] / "filler.vcf").write_text(card("f", "Filler One", email="f@example.org"))
    book.ok("sync")
    (cid,) = [r[0] for r in book.sql("select id from contacts where data like '%Souza%'")]
    (name,) = [n for n, text in book.texts("phone").items() if "Souza" in text]
    restored = [
        "BEGIN:VCARD", "VERSION:3.0", f"UID:{cid}", f"X-CONTACTSYNC-ID:{cid}", "N:Souza;Ana;;;", "FN:Ana Souza",
        "EMAIL;TYPE=HOME:ana@example.org", "EMAIL;TYPE=WORK:ana.old@example.org", "NOTE:stale", "END:VCARD", "",
    ]  # fmt: skip
    (book.dirs["phone"] / name).write_text("\r\n".join(restored))
    book.ok("sync", "--reset-account", "phone")
    office = book.texts("office")["ana.vcf"]
    assert "NOTE:current" in office and "ana.old@example.org" in office, office
    assert "TYPE=HOME:ana@example.org" not in office, office
    assert json.loads(book.ok("sync", "--json").stdout)["writes"] == 0


def test_a_request_for_a_full_comparison_keeps_the_reset_s_mark(tmp_path: Path) -> None:
    book = Book(tmp_path)
    (book.dirs["office"] / "ana.vcf").write_text(card("ana", "Ana Souza", email="ana@example.org"))
    book.ok("sync")
    with Store.open(book.url) as store:
        with store.transaction() as tx:
            tx.reset_account("phone")
        store.request_full_comparison("phone")  # a daemon's tag check finding a count that differs
        store.request_full_comparison("office")
        assert store.states(["phone", "office"]) == {"phone": RESET_STATE, "office": None}
