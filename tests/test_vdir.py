"""The vdir connector on real folders: listings, incremental pulls, quarantine, guarded writes, hostile ids."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contactsync.connector import Change, ChangeKind, Connector, RemoteRef
from contactsync.connectors.vdir import VdirConnector
from contactsync.errors import ConfigError, ItemRejected, PreconditionFailed, SyncTokenExpired
from contactsync.model import Contact, Email, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.registry import connector_type
from contactsync.settings import AccountSettings, BookSettings, frozen_mapping
from contactsync.vcard import parse_card
from tests.contract import ConnectorContract, ContractFaults, sample_contact

SAMPLES = Path(__file__).parent / "data" / "vcards"


class VdirFaults(ContractFaults):
    """A folder's faults are files: a broken one dropped in, a connector told to only read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def plant_unreadable(self) -> str:
        (self.folder / "broken.vcf").write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n")
        return "broken.vcf"

    def exists(self, remote_id: str) -> bool:
        return (self.folder / remote_id).exists()

    def refuse_next_write(self) -> None:
        pytest.skip("a folder has no rule that refuses one card; the OS's refusals are the read-only case")

    def read_only(self) -> Connector:
        return VdirConnector("vdir-read-only", self.folder, read_only=True)

    def lose_next_write_answer(self) -> None:
        pytest.skip("a local file write has no answer to lose: it returns or raises")

    def edit_elsewhere(self, remote_id: str) -> None:
        # another content of the same size, at the same modification time: only reading the file can tell
        path = self.folder / remote_id
        stat = path.stat()
        data = path.read_bytes()
        edited = data.replace(b"TITLE:Manager", b"TITLE:Mangoes")
        assert edited != data and len(edited) == len(data)
        path.write_bytes(edited)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


class TestVdirContract(ConnectorContract):
    @pytest.fixture
    def connector(self, tmp_path: Path) -> Iterator[VdirConnector]:
        c = VdirConnector("vdir", tmp_path)
        yield c
        c.close()

    @pytest.fixture
    def faults(self, tmp_path: Path) -> ContractFaults:
        return VdirFaults(tmp_path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("apple.vcf", "google.vcf", "outlook-21.vcf", "group-40.vcf", "broken-no-end.vcf"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def contact(given: str, email: str) -> Contact:
    return normalize_contact(Contact(name=Name(given=given, family="Test"), emails=(Email(email),)))


def test_first_listing_returns_contacts_skips_groups_and_quarantines_broken_files(folder: Path) -> None:
    result = VdirConnector("v", folder).pull(None)
    assert result.full
    assert sorted(rc.ref.id for rc in result.changed) == ["apple.vcf", "google.vcf", "outlook-21.vcf"]
    assert [q.remote_id for q in result.quarantined] == ["broken-no-end.vcf"]
    assert "END:VCARD" in result.quarantined[0].reason
    apple = next(rc for rc in result.changed if rc.ref.id == "apple.vcf")
    assert apple.contact.display_name == "Johnny Appleseed"
    assert apple.modified is not None and apple.modified.utcoffset() is not None
    assert (folder / "broken-no-end.vcf").exists()  # never deleted


def test_incremental_pull_reports_changes_new_files_and_deletions_only(folder: Path) -> None:
    vdir = VdirConnector("v", folder)
    state = vdir.pull(None).next_state
    assert state is not None
    os.utime(folder / "google.vcf")  # a touch is no change: the etag is the content's
    (folder / "apple.vcf").write_text((folder / "apple.vcf").read_text().replace("Engineer", "Architect"))
    (folder / "google.vcf").unlink()
    shutil.copy(SAMPLES / "nextcloud.vcf", folder / "new.vcf")
    result = vdir.pull(state)
    assert not result.full
    assert sorted(rc.ref.id for rc in result.changed) == ["apple.vcf", "new.vcf"]
    assert result.deleted == ("google.vcf",)
    assert [q.remote_id for q in result.quarantined] == ["broken-no-end.vcf"]
    again = vdir.pull(result.next_state)
    assert again.changed == () and again.deleted == ()


def test_touch_without_change_is_no_change(folder: Path) -> None:
    vdir = VdirConnector("v", folder)
    state = vdir.pull(None).next_state
    stat = (folder / "google.vcf").stat()
    os.utime(folder / "google.vcf", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    result = vdir.pull(state)
    assert result.changed == () and result.deleted == ()


def test_a_contact_that_becomes_unreadable_is_quarantined_not_deleted(folder: Path) -> None:
    vdir = VdirConnector("v", folder)
    state = vdir.pull(None).next_state
    (folder / "apple.vcf").write_text("BEGIN:VCARD\r\nFN:cut off")
    result = vdir.pull(state)
    assert result.deleted == ()
    assert "apple.vcf" in {q.remote_id for q in result.quarantined}


def test_files_unchanged_by_stat_are_not_read(folder: Path, vdir_reads: list[str]) -> None:
    vdir = VdirConnector("v", folder)
    state = vdir.pull(None).next_state
    vdir_reads.clear()
    assert vdir.pull(state).changed == () and vdir_reads == []
    path = folder / "google.vcf"
    stat = path.stat()
    # same size, same mtime, other content (cp -p, rsync -t, a coarse clock): the ctime moved, so it is read
    path.write_bytes(path.read_bytes().replace(b"Directora", b"Directrix"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [rc.contact.job_title for rc in vdir.pull(state).changed] == ["Directrix"]
    assert vdir_reads == ["google.vcf"]


def test_unreadable_state_asks_for_a_full_listing(folder: Path) -> None:
    with pytest.raises(SyncTokenExpired):
        VdirConnector("v", folder).pull("vdir1:not-base64!")


def test_update_keeps_unknown_properties_version_and_writes_the_marker(folder: Path) -> None:
    vdir = VdirConnector("v", folder, version="4.0")
    apple = vdir.fetch(["apple.vcf"])["apple.vcf"]
    edited = replace(apple.contact, job_title="Chief", tags=apple.contact.tags | {Tag("VIP")})
    (result,) = vdir.push([Change(ChangeKind.UPDATE, "cid-apple", contact=edited, ref=apple.ref)])
    assert result.ok and result.ref is not None and result.ref.etag != apple.ref.etag
    text = (folder / "apple.vcf").read_text()
    assert "VERSION:3.0" in text  # an existing card keeps its version
    for kept in (
        "X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE",
        "item1.X-ABLabel:_$!<Other>!$_",  # as it was spelled
        "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
    ):
        assert kept in text
    parsed = parse_card(text)
    assert parsed.marker == "cid-apple" and parsed.uid == "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE"
    assert result.stored == parsed.contact == vdir.fit(edited)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_writes_check_the_etag(folder: Path) -> None:
    vdir = VdirConnector("v", folder)
    google = vdir.fetch(["google.vcf"])["google.vcf"]
    (folder / "google.vcf").write_text((folder / "google.vcf").read_text().replace("Directora", "CEO"))
    before = (folder / "google.vcf").read_bytes()
    update, delete = vdir.push(
        [
            Change(ChangeKind.UPDATE, "cid-g", contact=google.contact, ref=google.ref),
            Change(ChangeKind.DELETE, "cid-g", ref=google.ref),
        ]
    )
    assert isinstance(update.error, PreconditionFailed) and not update.error.gone
    assert isinstance(delete.error, PreconditionFailed)
    assert (folder / "google.vcf").read_bytes() == before
    (folder / "google.vcf").unlink()
    (gone,) = vdir.push([Change(ChangeKind.UPDATE, "cid-g", contact=google.contact, ref=google.ref)])
    assert isinstance(gone.error, PreconditionFailed) and gone.error.gone


def test_create_never_overwrites_and_a_retry_finds_the_first(tmp_path: Path) -> None:
    vdir = VdirConnector("v", tmp_path, version="3.0")
    change = Change(ChangeKind.CREATE, "cid-1", contact=contact("Ana", "ana@example.org"))
    (first,) = vdir.push([change])
    (retry,) = vdir.push([replace(change, contact=contact("Other", "other@example.org"))])
    assert first.ok and first.ref is not None
    assert isinstance(retry.error, PreconditionFailed)
    files = [p.name for p in tmp_path.iterdir()]
    assert files == [first.ref.id]
    assert parse_card((tmp_path / first.ref.id).read_text()).contact.emails == (Email("ana@example.org"),)
    assert "VERSION:3.0" in (tmp_path / first.ref.id).read_text()


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "a/b", "x" * 5000, "..", ".hidden", "é/\\:*?\x00"])
def test_hostile_uids_never_escape_the_folder(tmp_path: Path, hostile: str) -> None:
    inside = tmp_path / "book"
    inside.mkdir()
    vdir = VdirConnector("v", inside)
    (result,) = vdir.push([Change(ChangeKind.CREATE, hostile, contact=contact("H", "h@example.org"))])
    assert result.ok and result.ref is not None
    assert [p.name for p in tmp_path.iterdir()] == ["book"]
    (created,) = inside.iterdir()
    assert created.name == result.ref.id and len(created.name) < 200 and not created.name.startswith(".")
    assert set(created.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
    assert parse_card(created.read_text()).marker == hostile.replace("\x00", "")


def test_hostile_ids_in_writes_are_rejected(tmp_path: Path) -> None:
    inside = tmp_path / "book"
    inside.mkdir()
    outside = tmp_path / "outside.vcf"
    shutil.copy(SAMPLES / "google.vcf", outside)
    vdir = VdirConnector("v", inside)
    (result,) = vdir.push([Change(ChangeKind.DELETE, "x", ref=RemoteRef("../outside.vcf", "etag"))])
    assert isinstance(result.error, ItemRejected)
    assert outside.exists()
    assert vdir.fetch(["../outside.vcf"]) == {}


def test_read_only_folder_refuses_writes(folder: Path) -> None:
    vdir = VdirConnector("v", folder, read_only=True)
    (result,) = vdir.push([Change(ChangeKind.CREATE, "cid", contact=contact("A", "a@example.org"))])
    assert isinstance(result.error, ItemRejected)
    assert not (folder / "cid.vcf").exists()


def test_tag_counts_come_from_categories(folder: Path) -> None:
    counts = {t.key: n for t, n in VdirConnector("v", folder).tag_counts().items()}
    assert counts == {"friends": 1, "work, inc": 1, "mycontacts": 1, "clientes": 1}


def test_fit_drops_what_a_card_cannot_hold() -> None:
    vdir = VdirConnector("v", Path("/nonexistent"), photo_max_bytes=10)
    c = replace(sample_contact(), custom=(("k", "v"),), display_name="")
    fitted = vdir.fit(c)
    # a custom value is held (an X-CUSTOM;X-KEY=k line, issue #15); the missing display name is filled in
    assert fitted.custom == (("k", "v"),) and fitted.display_name == "Ana1 M Souza"
    assert vdir.fit(fitted) == fitted


def test_from_settings_and_registry(tmp_path: Path) -> None:
    vdir_type = connector_type("vdir")
    assert vdir_type.default_rate is None and vdir_type.options_schema is VdirConnector.options_schema
    account = AccountSettings("files", "vdir", options=frozen_mapping({"path": str(tmp_path), "version": "3.0"}))
    book = BookSettings("main", (account,), default_region="DE", photo_max_bytes=5000)
    built = vdir_type.build(account, book)
    assert isinstance(built, VdirConnector) and (built.path, built.version) == (tmp_path, "3.0")
    vdir = VdirConnector.from_settings(account, book)
    assert (vdir.path, vdir.version, vdir.region, vdir.photo_max_bytes) == (tmp_path, "3.0", "DE", 5000)
    assert not vdir.capabilities.read_only
    with pytest.raises(ConfigError) as info:
        VdirConnector.from_settings(replace(account, options=frozen_mapping({"version": "2.1"})), book)
    assert {p.path.rsplit(".", 1)[1] for p in info.value.problems} == {"path", "version"}
    for key, schema in VdirConnector.options_schema["properties"].items():
        assert schema["description"] and schema["examples"], key


def test_personal_data_is_kept_out_of_errors(folder: Path) -> None:
    vdir = VdirConnector("v", folder)
    google = vdir.fetch(["google.vcf"])["google.vcf"]
    (result,) = vdir.push(
        [Change(ChangeKind.UPDATE, "c", contact=google.contact, ref=RemoteRef("google.vcf", "stale"))]
    )
    assert result.error is not None and "María" not in str(result.error)


def _two_folders_book(tmp_path: Path) -> tuple[Path, Path, BookSettings]:
    from contactsync.settings import BrakeSettings

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    accounts = (AccountSettings("a", "vdir"), AccountSettings("b", "vdir"))
    return a, b, BookSettings("pair", accounts, brake=BrakeSettings(max_delete_ratio=1.0))


def test_a_first_sync_from_a_folder_rewrites_none_of_its_files(tmp_path: Path) -> None:
    """Issue #15: a file's name is its identity; no file is rewritten to carry our marker."""
    from contactsync.engine import Engine
    from contactsync.store import Store

    a, b, book = _two_folders_book(tmp_path)
    for sample in ("apple.vcf", "google.vcf", "outlook-21.vcf", "nextcloud.vcf", "no-fn-no-uid.vcf"):
        shutil.copy(SAMPLES / sample, a / sample)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in a.iterdir()}
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        for _ in range(2):
            connectors = {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}
            report = Engine(store, book, connectors).run()
            assert report.accounts["a"].updated == 0 and report.accounts["a"].created == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in a.iterdir()} == before
    assert len(list(b.iterdir())) == len(before)


def test_the_run_summary_counts_the_quarantine_status_lists(tmp_path: Path) -> None:
    """Issue #15: an incremental run lists only what changed; its summary still says how many items sit in
    quarantine (it said 0 while status listed them)."""
    from contactsync.engine import Engine
    from contactsync.store import Store

    a, b, book = _two_folders_book(tmp_path)
    shutil.copy(SAMPLES / "apple.vcf", a / "apple.vcf")
    shutil.copy(SAMPLES / "broken-no-end.vcf", a / "broken.vcf")
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        counts = []
        for _ in range(2):
            connectors = {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}
            counts.append(Engine(store, book, connectors).run().accounts["a"].quarantined)
        assert counts == [1, 1] and store.quarantine_count("a") == 1


def _write_big_photo_card(folder: Path) -> None:
    """big.vcf: big@example.org with a 4,003-byte photo, over a 1,000-byte cap."""
    import base64

    photo = base64.b64encode(b"\xff\xd8\xff" + bytes(4000)).decode()
    (folder / "big.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big\r\nFN:Big Photo\r\nN:Photo;Big;;;\r\nEMAIL:big@example.org\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
    )


def test_what_an_account_cannot_hold_is_counted_per_reason_and_journaled_per_contact(tmp_path: Path) -> None:
    """Issue #15: a photo over the target's cap is not carried; the run says so per account and reason (status
    shows the summary's notices), and the contact's history says which field and why."""
    from contactsync.engine import Engine
    from contactsync.settings import Settings
    from contactsync.stewardship.person import find_person
    from contactsync.store import Store

    a, b, book = _two_folders_book(tmp_path)
    _write_big_photo_card(a)
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        connectors = {"a": VdirConnector("a", a), "b": VdirConnector("b", b, photo_max_bytes=1000)}
        report = Engine(store, book, connectors).run()
        rep = report.accounts["b"].as_dict()
        assert rep["not_carried"] == {"photo: photos over 1000 bytes are dropped": 1}
        assert {
            "code": "not-carried",
            "message": "1 contact(s) written without their photo: photos over 1000 bytes are dropped",
        } in rep["notices"]
        assert report.accounts["a"].as_dict()["not_carried"] == {}
        settings = Settings(books=(book,), store_url="sqlite://")
        (cid,) = find_person(store, settings, "big@example.org")
        rows = [(e.action, e.account, e.field, e.note) for e in store.history(cid) if e.action == "not-carried"]
        assert rows == [("not-carried", "b", "photo", "photos over 1000 bytes are dropped")]


def test_every_journal_row_of_a_run_names_that_run(tmp_path: Path) -> None:
    """The journal says which run made each change: the writes the push confirmed and what an account could not
    hold too (they said "run -" in ``contactsync journal``, so a run's writes could not be told from another's)."""
    from contactsync.engine import Engine
    from contactsync.settings import Settings
    from contactsync.stewardship.person import find_person
    from contactsync.store import Store

    a, b, book = _two_folders_book(tmp_path)
    _write_big_photo_card(a)
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        connectors = {"a": VdirConnector("a", a), "b": VdirConnector("b", b, photo_max_bytes=1000)}
        first = Engine(store, book, connectors).run()
        (cid,) = find_person(store, Settings(books=(book,), store_url="sqlite://"), "big@example.org")
        (a / "big.vcf").write_text((a / "big.vcf").read_text().replace("FN:Big Photo", "FN:Big Photo Two"))
        second = Engine(store, book, {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}).run()
        rows = [(e.action, e.run_id) for e in store.history(cid)]
    assert first.run_id is not None and second.run_id is not None and first.run_id != second.run_id
    assert ("push-create", first.run_id) in rows and ("not-carried", first.run_id) in rows
    assert ("push-update", second.run_id) in rows
    assert all(run_id in (first.run_id, second.run_id) for _, run_id in rows), rows


def test_group_cards_and_photos_over_the_cap_are_said_in_the_summary(tmp_path: Path) -> None:
    """Issue #15: a KIND:group card is no contact and a photo over the cap is not read; both said per account
    (the summary's notices, which status shows), on incremental runs too."""
    from contactsync.engine import Engine
    from contactsync.store import Store

    a, b, book = _two_folders_book(tmp_path)
    shutil.copy(SAMPLES / "group-40.vcf", a / "group.vcf")
    shutil.copy(SAMPLES / "apple.vcf", a / "apple.vcf")
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        for _ in range(2):
            connectors = {"a": VdirConnector("a", a, photo_max_bytes=10), "b": VdirConnector("b", b)}
            codes = [n["code"] for n in Engine(store, book, connectors).run().accounts["a"].as_dict()["notices"]]
            assert "group-cards-skipped" in codes
    connectors = {"a": VdirConnector("a", a, photo_max_bytes=10), "b": VdirConnector("b", b)}
    assert [n.code for n in connectors["a"].pull(None).notices] == ["group-cards-skipped", "photos-over-cap"]


def test_a_photo_over_the_cap_on_the_source_is_said_for_the_contact_once(tmp_path: Path) -> None:
    """Issue #15: a photo the source card holds over the book's cap stays on that card and reaches no other account;
    `person show` says so for the contact (journaled when the card is listed changed, not on every run)."""
    from click.testing import CliRunner

    from contactsync.cli import cli

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    _write_big_photo_card(a)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: pair\n    photo_max_bytes: 1000\n    accounts:\n"
        f"      - {{name: a, type: vdir, options: {{path: {a}}}}}\n"
        f"      - {{name: b, type: vdir, options: {{path: {b}}}}}\n"
    )
    runner = CliRunner()
    for _ in range(2):  # the second run lists nothing changed: no second record
        result = runner.invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    (copy,) = b.iterdir()
    assert "PHOTO" not in copy.read_text()  # not carried, as the line below says
    shown = runner.invoke(cli, ["--config", str(config), "person", "show", "big@example.org"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    assert "held on one account only, not carried to the others: a: photo" in shown.output
    assert shown.output.count("left-on-account") == 1
