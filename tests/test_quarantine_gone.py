"""A quarantined item that is gone from its platform is no longer reported: ``status`` must never lie.

A card contactsync cannot read is quarantined: left untouched and listed by ``status`` (exit code 5) until it can
be read. When the admin deletes it (or its file), as the status advice leads them to, the platform says it is gone:
a delete in an incremental listing (a vdir file no longer there, a CardDAV sync-collection 404). Its quarantine
ended only with a full listing before, so ``status`` kept it, and exit 5, for good; only ``sync --reset-account``
cleared it, and monitoring stuck at "attention" hid any new problem. A quarantined item that is merely unchanged
(not listed again by an incremental pull) stays quarantined. Asserted on the real ``sync`` and ``status``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from tests.carddav.conftest import DavServer, radicale_server  # noqa: F401  # the session's Radicale


def _card(uid: str, given: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{given} Doe\r\nN:Doe;{given};;;\r\nEND:VCARD\r\n"


def _run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def _sync(config: Path) -> str:
    code, out = _run(config, "sync")
    assert code == 0, out
    return out


def _status(config: Path, account: str) -> tuple[int, list[dict[str, Any]], str]:
    """``status``'s exit code, the account's quarantined items as ``status --json`` lists them, and the text."""
    code, out = _run(config, "status", "--json")
    items = json.loads(out)["books"]["team"]["accounts"][account]["quarantined"]
    text_code, text = _run(config, "status")
    assert text_code == code, (code, text)
    return code, items, text


def _sync_line(out: str, account: str) -> str:
    (line,) = [line for line in out.splitlines() if line.split()[:1] == [account]]
    return line


def _vdir_book(tmp_path: Path) -> tuple[Path, Path]:
    office, phone = tmp_path / "office", tmp_path / "phone"
    office.mkdir()
    phone.mkdir()
    # ten cards: one of them deleted stays under the mass-delete brake's ratio (0.2)
    for i in range(1, 11):
        (office / f"c{i}.vcf").write_text(_card(f"c{i}", f"Jo{i}"))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: team\n    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: '{office}'}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: '{phone}'}}}}\n"
    )
    return config, office


def test_deleted_quarantined_files_are_no_longer_reported(tmp_path: Path) -> None:
    config, office = _vdir_book(tmp_path)
    _sync(config)
    (office / "broken.vcf").write_text("not a card\n")  # a broken file appears
    (office / "c1.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Ana Doe\r\n")  # a card truncated
    assert "quarantined   2" in _sync_line(_sync(config), "office")
    code, items, text = _status(config, "office")
    assert code == 5 and len(items) == 2, text

    # the admin deletes both bad files, as the status advice leads them to
    (office / "broken.vcf").unlink()
    (office / "c1.vcf").unlink()
    for _ in range(2):  # the run that sees them gone, and the one after
        assert "quarantined   0" in _sync_line(_sync(config), "office")
        code, items, text = _status(config, "office")
        assert items == [], text
        assert "quarantined" not in text, text
        assert code == 0, text


def test_an_unchanged_quarantined_file_stays_reported_across_incremental_syncs(tmp_path: Path) -> None:
    config, office = _vdir_book(tmp_path)
    (office / "broken.vcf").write_text("not a card\n")
    _sync(config)
    code, items, _ = _status(config, "office")
    assert code == 5 and len(items) == 1
    since = items[0]["since"]

    # other files change and go; the broken one is not touched: still quarantined, since the same time
    (office / "c2.vcf").unlink()
    (office / "c3.vcf").write_text(_card("c3", "Carlota"))
    for _ in range(2):
        assert "quarantined   1" in _sync_line(_sync(config), "office")
        code, again, text = _status(config, "office")
        assert code == 5, text
        assert [(q["id"], q["since"]) for q in again] == [(items[0]["id"], since)], text


def test_a_quarantined_file_that_stops_being_a_contact_card_is_no_longer_reported(tmp_path: Path) -> None:
    config, office = _vdir_book(tmp_path)
    (office / "broken.vcf").write_text("not a card\n")
    _sync(config)
    assert _status(config, "office")[0] == 5
    # the admin makes it a group card: not a contact, nothing left to read or to report
    (office / "broken.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:g1\r\nKIND:group\r\nFN:Staff\r\nMEMBER:urn:uuid:c2\r\nEND:VCARD\r\n"
    )
    _sync(config)
    code, items, text = _status(config, "office")
    assert items == [] and code == 0, text


# ---------------------------------------------------------------------------------------------------- CardDAV

#: a card over the account's 10 KB answer limit (``max_response_mb``): the server cannot send it, so it is
#: quarantined, never fatal (Radicale refuses any card contactsync could not parse)
BIG = _card("big", "Big").replace("END:VCARD", "NOTE:" + "x" * 20_000 + "\r\nEND:VCARD")


def _dav_book(tmp_path: Path, server: DavServer) -> tuple[Path, str]:
    url = server.new_addressbook()
    phone = tmp_path / "phone"
    phone.mkdir()
    (tmp_path / "pw").write_text(str(server.password))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: team\n    accounts:\n"
        f"      - {{name: dav, type: carddav, options: {{url: '{url}', username: {server.username}, "
        f"password_file: '{tmp_path / 'pw'}', auth: basic, max_response_mb: 0.01, timeout: 10}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: '{phone}'}}}}\n"
    )
    for uid, given in (("ana", "Ana"), ("bruno", "Bruno")):
        assert server.put_raw(f"{url}{uid}.vcf", _card(uid, given).encode()).status_code == 201
    assert server.put_raw(f"{url}big.vcf", BIG.encode()).status_code == 201
    return config, url


def test_a_card_quarantined_on_the_server_and_deleted_there_is_no_longer_reported(
    tmp_path: Path,
    radicale_server: DavServer,  # noqa: F811  # the fixture imported above
) -> None:
    config, url = _dav_book(tmp_path, radicale_server)
    _sync(config)
    code, items, text = _status(config, "dav")
    assert code == 5 and len(items) == 1 and "cannot send this card" in items[0]["reason"], text

    # an incremental sync that does not list it again (unchanged): still quarantined
    (tmp_path / "phone" / "carla.vcf").write_text(_card("carla", "Carla"))
    assert "quarantined   1" in _sync_line(_sync(config), "dav")
    code, again, text = _status(config, "dav")
    assert code == 5 and [q["id"] for q in again] == [items[0]["id"]], text

    # deleted on the server: the next incremental sync (sync-collection reports it gone) ends its quarantine
    with radicale_server.session() as session:
        assert session.delete(f"{url}big.vcf", timeout=10).status_code in (200, 204)
    assert "quarantined   0" in _sync_line(_sync(config), "dav")
    code, items, text = _status(config, "dav")
    assert items == [], text
    assert "quarantined" not in text, text
    assert code == 0, text


# ------------------------------------------------------------------------------------ the Google directory


def test_a_directory_person_quarantined_then_deleted_is_reported_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A person of Google's directory that contactsync cannot read is quarantined; unchanged, the next
    (incremental) pull neither lists nor deletes them; deleted, the next pull says they are gone, which ends the
    quarantine (they were kept out of the state before, so their deletion was never reported)."""
    import contactsync.connectors.google_directory.connector as directory
    from contactsync.connectors.google.mapping import MappingError
    from contactsync.emulators.google import PeopleEmulator
    from tests.directory.test_google import _OPEN, DIRECTORY_SCOPE, READER, SERVICE_ACCOUNT, connector, entry, profile

    read = directory.contact_from_person

    def unreadable_odd(person: Any, *args: Any) -> Any:
        # the emulator holds only persons of the documented shape, which the mapping reads: one is made odd here
        if person.get("resourceName") == odd:
            raise MappingError("unexpected person structure (TypeError)")
        return read(person, *args)

    monkeypatch.setattr(directory, "contact_from_person", unreadable_odd)
    with PeopleEmulator() as emu:
        emu.add_user(READER)
        emu.add_service_account(SERVICE_ACCOUNT, scopes=(DIRECTORY_SCOPE,))
        ana, odd = profile(emu, "Ana", "Souza"), profile(emu, "Odd", "One")
        c = connector(emu)
        try:
            first = c.pull(None)
            assert [rc.ref.id for rc in first.changed] == [ana]
            assert [q.remote_id for q in first.quarantined] == [odd]
            quiet = c.pull(first.next_state)
            assert quiet.changed == [] and quiet.deleted == () and quiet.quarantined == ()
            emu.workspace.delete(entry(odd))
            gone = c.pull(quiet.next_state)
            assert gone.deleted == (odd,) and gone.quarantined == ()
        finally:
            _OPEN.remove(c)
            c.close()


# ------------------------------------------------------------------------------------ the Entra directory


def test_an_org_contact_quarantined_then_deleted_is_reported_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Org contacts are listed whole each pull, so an unreadable one is quarantined again each pull; once deleted
    in Entra the pull says it is gone, which ends its quarantine (it was kept out of the state before, so its
    deletion was never reported)."""
    import contactsync.connectors.entra_directory.connector as entra
    from contactsync.emulators.outlook import GraphEmulator
    from tests.directory.test_entra import _OPEN, ALL, CLIENT_ID, SECRET, TENANT, connector, tenant

    read = entra.org_contact_to_contact

    def unreadable_odd(item: Any) -> Any:
        # the emulator holds only org contacts the mapping reads: one is made unreadable here
        if item.get("id") == odd:
            raise ValueError("an unexpected value")
        return read(item)

    monkeypatch.setattr(entra, "org_contact_to_contact", unreadable_odd)
    with GraphEmulator(seed=3) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET, permissions=ALL)
        carl = emu.entra.add_org_contact(tenant(emu), displayName="Carl Supplier", mail="carl@fabrikam.example")
        odd = emu.entra.add_org_contact(tenant(emu), displayName="Odd One", mail="odd@partner.example")
        c = connector(emu)
        try:
            first = c.pull(None)
            assert [rc.ref.id for rc in first.changed] == [carl]
            assert [q.remote_id for q in first.quarantined] == [odd]
            quiet = c.pull(first.next_state)
            assert quiet.changed == [] and quiet.deleted == () and [q.remote_id for q in quiet.quarantined] == [odd]
            emu.entra.remove(odd)
            gone = c.pull(quiet.next_state)
            assert gone.deleted == (odd,) and gone.quarantined == ()
        finally:
            _OPEN.remove(c)
            c.close()
