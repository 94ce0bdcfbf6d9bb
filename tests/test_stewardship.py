"""Stewardship commands end to end through the CLI on two vdir folders: duplicates, merge and its undo, erasure,
backups. On SQLite and PostgreSQL: their statements are the store's (src/contactsync/store/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, EXIT_USAGE, cli
from contactsync.copies import RemoteCopy
from contactsync.store import Store
from contactsync.store import schema as t


def card(
    uid: str, fn: str, *, email: str = "", tel: str = "", org: str = "", tags: str = "", note: str = "", title: str = ""
) -> str:
    given, _, family = fn.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{family};{given};;;", f"FN:{fn}"]
    lines += [f"EMAIL;TYPE=WORK:{email}"] if email else []
    lines += [f"TEL;TYPE=CELL:{tel}"] if tel else []
    lines += [f"ORG:{org}"] if org else []
    lines += [f"TITLE:{title}"] if title else []
    lines += [f"CATEGORIES:{tags}"] if tags else []
    lines += [f"NOTE:{note}"] if note else []
    return "\r\n".join([*lines, "END:VCARD", ""])


class Book:
    """Two vdir accounts in one book, a store, and the CLI pointed at them."""

    def __init__(self, root: Path, url: str, *, extra: str = "") -> None:
        self.root = root
        self.url = url
        self.office, self.phone = root / "office", root / "phone"
        self.office.mkdir()
        self.phone.mkdir()
        self.config = root / "contactsync.yaml"
        self.config.write_text(f"""store:
  url: "{url}"
books:
  - name: staff
    default_region: US
    conflicts:
      default: newest
      fields: {{note: manual}}
{extra}    accounts:
      - name: office
        type: vdir
        options: {{path: {self.office}}}
      - name: phone
        type: vdir
        options: {{path: {self.phone}}}
""")
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self.cli(*args)
        assert result.exit_code == EXIT_OK, result.output
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json").stdout)

    def cards(self, folder: Path) -> list[str]:
        return sorted(f.read_text() for f in folder.glob("*.vcf"))

    def names(self, folder: Path) -> list[str]:
        return sorted(m.group(1) for text in self.cards(folder) if (m := re.search(r"^FN:(.*?)\r?$", text, re.M)))


@pytest.fixture
def book(tmp_path: Path, store_url: str) -> Book:
    return Book(tmp_path, store_url)


def test_duplicates_are_listed_with_their_reason_merged_everywhere_and_the_merge_undone(book: Book) -> None:
    (book.office / "a.vcf").write_text(
        card("a", "Fernanda Rocha", email="fernanda@supplier.example", org="Supplier Co", tags="Vendors", title="Buyer")
    )
    (book.office / "b.vcf").write_text(
        card("b", "Fernanda Rocha", email="f.rocha@mail.example", org="supplier co", tags="Friends")
    )
    (book.office / "c.vcf").write_text(card("c", "Joana Nunes", tel="415 555 0110"))
    (book.office / "d.vcf").write_text(card("d", "Jo Nunes", tel="(415) 555-0110", email="jo@nunes.example"))
    (book.office / "e.vcf").write_text(card("e", "Zeca Lima", email="zeca@example.org"))
    book.ok("sync")
    assert book.ok("duplicates").stdout.startswith("2 likely duplicates")
    found = book.json("duplicates")
    assert isinstance(found, list)
    assert [(d["reason"], sorted([d["first_name"], d["second_name"]])) for d in found] == [
        ("same phone", ["Jo Nunes", "Joana Nunes"]),
        ("similar name and same company", ["Fernanda Rocha", "Fernanda Rocha"]),
    ]
    fernanda = found[1]
    merged = book.ok("merge", fernanda["first"], fernanda["second"])
    journal_id = re.search(r"journal #(\d+)", merged.stdout).group(1)  # type: ignore[union-attr]
    book.ok("sync")
    for folder in (book.office, book.phone):
        assert book.names(folder) == ["Fernanda Rocha", "Jo Nunes", "Joana Nunes", "Zeca Lima"]
        text = next(t for t in book.cards(folder) if "Fernanda" in t)
        # the lists were united, the single values kept: one person with both addresses and both tags
        assert "fernanda@supplier.example" in text and "f.rocha@mail.example" in text
        assert "Vendors" in text and "Friends" in text and "TITLE:Buyer" in text
    assert [d["reason"] for d in book.json("duplicates")] == ["same phone"]  # type: ignore[union-attr]
    assert book.ok("sync", "--json").stdout and json.loads(book.ok("sync", "--json").stdout)["writes"] == 0

    book.ok("merge", "--undo", journal_id)
    book.ok("sync")
    for folder in (book.office, book.phone):
        assert book.names(folder) == ["Fernanda Rocha", "Fernanda Rocha", "Jo Nunes", "Joana Nunes", "Zeca Lima"]
        survivor = [t for t in book.cards(folder) if "fernanda@supplier.example" in t]
        assert len(survivor) == 1 and "f.rocha@mail.example" not in survivor[0] and "Friends" not in survivor[0]
    again = book.cli("merge", "--undo", journal_id)
    assert again.exit_code != EXIT_OK and "already undone" in again.output


def test_a_manual_field_that_disagrees_is_queued_as_a_conflict_and_bad_ids_are_refused(book: Book) -> None:
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org", note="Mornings"))
    (book.office / "b.vcf").write_text(
        card("b", "Ana Souza", email="ana.s@example.org", tel="4155550101", note="Evenings")
    )
    book.ok("sync")
    assert book.json("duplicates") == []  # no company, different emails: not proposed
    office = json.loads(book.ok("sync", "--json").stdout)
    assert office["writes"] == 0
    contacts = _contact_ids(book)
    merged = book.ok("merge", contacts[0], contacts[1])
    assert "note: the two disagree" in merged.stdout
    pending = book.json("conflicts", "list")
    assert [(c["field"], sorted(c["candidates"])) for c in pending] == [("note", ["merged", "store"])]  # type: ignore[index]
    assert book.cli("merge", contacts[0], contacts[0]).exit_code != EXIT_OK
    assert book.cli("merge", contacts[0], "no-such-id").exit_code == EXIT_USAGE
    assert book.cli("merge", contacts[0]).exit_code == EXIT_USAGE


def _contact_ids(book: Book) -> list[str]:
    """The active contacts, oldest first."""
    with Store.open(book.url) as store:
        records = store.contacts(store.active_contact_ids("staff"))
    return [r.id for r in sorted(records.values(), key=lambda r: (r.updated_at, r.id))]


def test_import_csv_with_a_mapping_creates_matches_and_rejects_with_reasons_then_export_round_trips(book: Book) -> None:
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org", tags="Staff"))
    book.ok("sync")
    source = book.root / "people.csv"
    source.write_text(
        "Vorname,Nachname,Mail,Handy,Firma,Gruppen\r\n"
        "Ana,Souza,ANA@example.org,,Acme,Board\r\n"  # matched by email: tag and company merged in
        "Bruno,Lima,bruno@example.org,(415) 555-0102,Acme,Staff ; Board\r\n"
        "Bruno,Lima,,+1 415 555 0102,,\r\n"  # the same person again, by phone: matched, not twice
        ",,,,,\r\n"  # nothing at all
        "Carla,Diaz,carla-at-example.org,,,\r\n"  # not an email
        "Davi,Costa,,12,,\r\n"
    )  # not a phone
    mapping = "Vorname=given,Nachname=family,Mail=email,Handy=phone,Firma=organization,Gruppen=tags"
    dry = book.cli("import", str(source), "--mapping", mapping, "--dry-run")
    assert "would create 1, matched 2 to contacts already there, rejected 3" in dry.stdout
    assert book.json("duplicates") == [] and book.names(book.phone) == ["Ana Souza"]
    result = book.cli("import", str(source), "--mapping", mapping)
    assert result.exit_code == 3, result.output
    assert "created 1, matched 2 to contacts already there, rejected 3" in result.stdout
    assert "line 5  no name, email, phone or company" in result.stdout
    # the line and the field, not the value as typed (personal data: `import --show-values` quotes it)
    assert "line 6  the email is not an email address" in result.stdout
    assert "line 7  the phone is not a phone number" in result.stdout
    assert "carla-at-example.org" not in result.stdout
    book.ok("sync")
    for folder in (book.office, book.phone):
        assert book.names(folder) == ["Ana Souza", "Bruno Lima"]
    exported = book.ok("export", "--format", "csv", "--tag", "board").stdout.splitlines()
    assert (
        exported[0] == "id,given,family,middle,display_name,nickname,emails,phones,organization,department,"
        "job_title,birthday,note,tags"
    )
    assert [line.split(",")[1:3] for line in exported[1:]] == [["Ana", "Souza"], ["Bruno", "Lima"]]
    assert "+14155550102" in exported[2] and "Board ; Staff" in exported[2]

    vcf = book.root / "board.vcf"
    book.ok("export", "--format", "vcf", "--tag", "Board", "-o", str(vcf))
    assert vcf.stat().st_mode & 0o077 == 0 and vcf.read_text().count("BEGIN:VCARD") == 2
    again = book.ok("import", str(vcf))  # everyone is already there: all matched, nothing created
    assert "created 0, matched 2 to contacts already there, rejected 0" in again.stdout
    assert json.loads(book.ok("sync", "--json").stdout)["writes"] == 0


def test_import_vcard_file_rejects_the_unreadable_card_and_csv_mapping_errors_name_the_problem(book: Book) -> None:
    source = book.root / "cards.vcf"
    source.write_text(card("x", "Eva Martins", email="eva@example.org") + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut\r\n")
    result = book.cli("import", str(source))
    assert "created 1, matched 0 to contacts already there, rejected 1" in result.stdout and "card 2" in result.stdout
    bad = book.cli("import", str(source.with_suffix(".csv")))
    assert bad.exit_code == 2
    csv_file = book.root / "x.csv"
    csv_file.write_text("A,B\r\n1,2\r\n")
    wrong = book.cli("import", str(csv_file), "--mapping", "A=shoe_size")
    assert wrong.exit_code == 1 and "shoe_size" in wrong.output
    missing = book.cli("import", str(csv_file), "--mapping", "C=given")
    assert "columns the file does not have: C" in missing.output


def test_person_show_lists_everything_and_erase_removes_it_everywhere_leaving_no_personal_data(book: Book) -> None:
    (book.office / "a.vcf").write_text(
        card("a", "Ana Souza", email="ana@example.org", tel="415 555 0101", note="Allergic to nuts")
    )
    (book.office / "z.vcf").write_text(card("z", "Zeca Lima", email="zeca@example.org"))
    book.ok("sync")
    shown = book.json("person", "show", "(415) 555-0101")
    assert isinstance(shown, list) and len(shown) == 1
    assert shown[0]["contact"]["note"] == "Allergic to nuts"
    assert sorted(a["account"] for a in shown[0]["accounts"]) == ["office", "phone"]
    assert "ana@example.org" in book.ok("person", "show", "ANA@Example.org").stdout
    # what a connector keeps of the person's items (a vdir keeps nothing; a Google account would) goes too
    with Store.open(book.url) as store, store.engine.connect() as conn:
        items = conn.execute(sa.select(t.links.c.account, t.links.c.remote_id)).all()
        for account, remote_id in items:
            store.copies(account).put({remote_id: RemoteCopy("e", b"a copy of the item")})
    book.ok("person", "erase", "ana@example.org", "--yes")
    with Store.open(book.url) as store:
        kept = {(account, rid) for account, rid in items if store.copies(account).get([rid])}
    assert len(items) == 4 and len(kept) == 2  # Zeca's two items keep theirs
    book.ok("sync")
    for folder in (book.office, book.phone):
        assert book.names(folder) == ["Zeca Lima"]
    assert book.ok("person", "show", "ana@example.org").stdout.startswith("nobody")
    with Store.open(book.url) as store, store.dump() as snapshot:  # every table but the copies (checked above)
        dump = "\n".join(json.dumps(row, default=str, ensure_ascii=False) for _table, row in snapshot.rows())
    assert "Allergic" not in dump and "ana@example.org" not in dump and "Souza" not in dump
    assert "+14155550101" not in dump
    assert "zeca@example.org" in dump  # only that person was erased
    # the card coming back from a lagging copy is not taken for a new person by its address: erased-* keys
    assert "erased-email" in dump


def test_backup_and_restore_refusing_a_newer_store_without_force(book: Book) -> None:
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org"))
    book.ok("sync")
    with Store.open(book.url) as store:
        store.copies("office").put({"a.vcf": RemoteCopy("e", b"a connector's copy")})
    snap = book.root / "snap.jsonl"
    assert "written to" in book.ok("backup", str(snap)).stdout
    assert snap.stat().st_mode & 0o077 == 0
    assert '"remote_copies"' not in snap.read_text()  # a cache: not in the backup, refilled by the next run
    book.ok("restore", str(snap))  # nothing changed since: fine
    with Store.open(book.url) as store:
        assert store.copies("office").get(["a.vcf"]) == {}
    (book.office / "b.vcf").write_text(card("b", "Bruno Lima", email="bruno@example.org"))
    book.ok("sync")
    refused = book.cli("restore", str(snap))
    assert refused.exit_code == 1 and "--force" in refused.output
    book.ok("restore", str(snap), "--force")
    assert [r["name"] for r in book.json("trash", "list")] == []  # type: ignore[union-attr]
    # the store is back to one person; the next sync sees Bruno as new on the folders again, and no duplicate
    result = json.loads(book.ok("sync", "--json").stdout)
    assert result["result"] == "ok"
    for folder in (book.office, book.phone):
        assert book.names(folder) == ["Ana Souza", "Bruno Lima"]
    assert book.json("duplicates") == []
    not_a_backup = book.root / "x.txt"
    not_a_backup.write_text("hello\n")
    assert "not a contactsync backup" in book.cli("restore", str(not_a_backup)).output
