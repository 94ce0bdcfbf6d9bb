"""The ldap directory source against a real OpenLDAP slapd: listings, changes, joins and leaves, filters, faults.

A directory is where people join and leave: each test changes the tree the way an admin's tools would (an entry
added, modified, deleted, a group's members changed) and checks what the next pull reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.ldap import LdapConnector, LdapOptions
from contactsync.errors import AuthFailed, ConfigError, ConnectorError, Transient
from contactsync.model import Contact, EmailKind, Field, PhoneKind
from contactsync.registry import build_connector
from contactsync.settings import AccountMode, AccountSettings, BookSettings, Secret, frozen_mapping
from tests.directory_support import cards_by_email, run_sync
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

# a developer without slapd is told why these are skipped; CI installs it (.ci/run), so there they must run
pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

PHOTO = b"\xff\xd8\xff\xe0" + b"jpeg" * 50


_OPEN: list[LdapConnector] = []


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    while _OPEN:
        _OPEN.pop().close()  # a test that failed midway leaves no socket behind
    server.stop()


def connector(server: Slapd, **options: Any) -> LdapConnector:
    made = LdapConnector(
        "directory",
        LdapOptions(url=server.url, base_dn=PEOPLE, bind_dn=READER_DN, **options),
        READER_PASSWORD,
        region="BR",
    )
    _OPEN.append(made)
    return made


def by_email(result: Any) -> dict[str, Contact]:
    return {rc.contact.emails[0].address.lower(): rc.contact for rc in result.changed if rc.contact.emails}


def test_first_pull_maps_every_attribute_of_each_person(slapd: Slapd) -> None:
    slapd.add_person(
        "ana",
        cn="Ana Souza",
        givenName="Ana",
        sn="Souza",
        displayName="Ana Souza",
        mail=["Ana.Souza@Example.org"],
        telephoneNumber=["(11) 3333-4444"],
        mobile=["+55 11 98888-7777"],
        title="Engineer",
        o="Example",
        ou="Platform",
        l="São Paulo",
        jpegPhoto=PHOTO,
    )
    slapd.add_person("bia", mail=["bia@example.org"])
    c = connector(slapd)
    first = c.pull(None)
    assert first.full and len(first.changed) == 2 and first.present == {rc.ref.id for rc in first.changed}
    ana = by_email(first)["ana.souza@example.org"]
    assert (ana.name.given, ana.name.family, ana.display_name) == ("Ana", "Souza", "Ana Souza")
    assert ana.emails[0].kind is EmailKind.WORK
    assert {(p.number, p.kind) for p in ana.phones} == {
        ("+551133334444", PhoneKind.WORK),
        ("+5511988887777", PhoneKind.MOBILE),
    }
    assert (ana.job_title, ana.organization, ana.department) == ("Engineer", "Example", "Platform")
    assert ana.addresses[0].locality == "São Paulo"
    assert ana.photo is not None and ana.photo.data == PHOTO
    # ids are the directory's entryUUIDs: stable across renames, never the DN
    assert all(len(rc.ref.id) == 36 and "=" not in rc.ref.id for rc in first.changed)
    c.close()


def test_a_pull_reads_only_what_changed_and_sees_joins_and_leaves(slapd: Slapd) -> None:
    dns = slapd.add_people([f"p{i:02d}" for i in range(20)], mail=["x@example.org"])
    for i, dn in enumerate(dns):
        slapd.modify(dn, {"mail": [f"p{i:02d}@example.org"]})
    c = connector(slapd)
    first = c.pull(None)
    ids = {rc.contact.emails[0].address: rc.ref.id for rc in first.changed}
    assert len(ids) == 20

    same = c.pull(first.next_state)
    assert (list(same.changed), same.deleted) == ([], ())

    slapd.modify(dns[3], {"title": ["Manager"]})
    slapd.delete(dns[7])
    slapd.add_person("newcomer", mail=["newcomer@example.org"])
    before = c.operations
    after = c.pull(same.next_state)
    assert sorted(by_email(after)) == ["newcomer@example.org", "p03@example.org"]
    assert by_email(after)["p03@example.org"].job_title == "Manager"
    assert after.deleted == (ids["p07@example.org"],) and not after.full
    # one listing of ids and stamps, then one read per changed entry: not a read of all twenty
    assert c.operations - before == 3
    c.close()


def test_more_entries_than_the_server_answers_at_once_are_paged(slapd: Slapd) -> None:
    slapd.add_people([f"u{i:04d}" for i in range(1100)])  # the server's sizelimit is 1000
    c = connector(slapd)
    assert len(c.pull(None).changed) == 1100
    c.close()


def test_a_listing_cut_short_by_the_server_is_an_error_never_a_partial_scope(tmp_path: Path) -> None:
    server = Slapd(tmp_path / "strict", paged_total_unlimited=False).start()
    try:
        server.add_people([f"u{i:04d}" for i in range(1100)])
        c = connector(server)
        with pytest.raises(ConnectorError, match=r"size limit.*size\.prtotal"):
            c.pull(None)
    finally:
        while _OPEN:
            _OPEN.pop().close()
        server.stop()


def test_group_members_only_nested_groups_followed_and_membership_changes_seen(slapd: Slapd) -> None:
    ana, bia, caio = (slapd.add_person(u, mail=[f"{u}@example.org"]) for u in ("ana", "bia", "caio"))
    engineering = slapd.add_group("engineering", [bia])
    staff = slapd.add_group("staff", [ana, engineering])
    c = connector(slapd, group=staff)
    first = c.pull(None)
    assert sorted(by_email(first)) == ["ana@example.org", "bia@example.org"]

    # caio joins a nested group: his own entry did not change, the next pull still brings him
    slapd.modify(engineering, {"member": [bia, caio]})
    joined = c.pull(first.next_state)
    assert sorted(by_email(joined)) == ["caio@example.org"]
    # ana leaves the group: gone from the scope, reported deleted
    ana_id = next(rc.ref.id for rc in first.changed if rc.contact.emails[0].address == "ana@example.org")
    slapd.modify(staff, {"member": [engineering]})
    left = c.pull(joined.next_state)
    assert left.deleted == (ana_id,)
    c.close()


def test_disabled_and_hidden_entries_are_left_out_unless_asked(slapd: Slapd) -> None:
    slapd.add_person("ana", mail=["ana@example.org"])
    slapd.add_person("old", mail=["old@example.org"], employeeType=["disabled"])
    slapd.add_person("ghost", mail=["ghost@example.org"], employeeType=["hidden"])
    filters = {"disabled_filter": "(employeeType=disabled)", "hidden_filter": "(employeeType=hidden)"}
    assert sorted(by_email(connector(slapd, **filters).pull(None))) == ["ana@example.org"]
    everyone = connector(slapd, include_disabled=True, include_hidden=True, **filters).pull(None)
    assert sorted(by_email(everyone)) == ["ana@example.org", "ghost@example.org", "old@example.org"]
    only_staff = connector(slapd, filter="(|(uid=ana)(uid=old))", **filters).pull(None)
    assert sorted(by_email(only_staff)) == ["ana@example.org"]


def test_the_attribute_map_is_the_admins(slapd: Slapd) -> None:
    from contactsync.connectors.ldap import Slot

    slapd.add_person("ana", mail=["ana@example.org"], departmentNumber=["4711"], ou="Ignored")
    c = connector(slapd, attributes={Slot.DEPARTMENT: "departmentNumber"})
    assert by_email(c.pull(None))["ana@example.org"].department == "4711"


def test_faults_are_told_apart(slapd: Slapd) -> None:
    slapd.add_person("ana", mail=["ana@example.org"])
    wrong = LdapConnector("d", LdapOptions(url=slapd.url, base_dn=PEOPLE, bind_dn=READER_DN), "not-the-password")
    nowhere = LdapConnector(
        "d", LdapOptions(url=slapd.url, base_dn="ou=nowhere,dc=example,dc=org", bind_dn=READER_DN), READER_PASSWORD
    )
    _OPEN.extend([wrong, nowhere])
    with pytest.raises(AuthFailed, match="refused the bind DN"):
        wrong.pull(None)
    with pytest.raises(ConnectorError, match="ou=nowhere"):
        nowhere.pull(None)
    c = connector(slapd)
    state = c.pull(None).next_state
    c.close()
    slapd.stop()
    with pytest.raises(Transient):
        c.pull(state)


def test_the_directory_is_never_written_and_must_be_configured_pull_only(slapd: Slapd) -> None:
    slapd.add_person("ana", mail=["ana@example.org"])
    book = BookSettings(name="staff", accounts=())
    options = frozen_mapping({"url": slapd.url, "base_dn": PEOPLE, "bind_dn": READER_DN})
    two_way = AccountSettings(name="directory", type="ldap", options=options)
    with pytest.raises(ConfigError, match=r"directory\.mode.*pull-only"):
        build_connector(two_way, book)
    secrets = frozen_mapping({"password": Secret(READER_PASSWORD)})
    reader = AccountSettings(
        name="directory", type="ldap", mode=AccountMode.PULL_ONLY, options=options, secrets=secrets
    )
    c = build_connector(reader, book)
    listed = c.pull(None).changed[0]
    results = c.push([Change(ChangeKind.UPDATE, "cs-1", listed.contact, listed.ref)])
    assert not results[0].ok and "never writes" in str(results[0].error)
    assert c.capabilities.read_only and Field.TAGS not in c.capabilities.fields
    c.close()


def test_directory_to_a_folder_end_to_end_join_change_leave(slapd: Slapd, tmp_path: Path) -> None:
    """The whole product: `contactsync sync` carries the directory into a folder, then a change and a leave."""
    ana = slapd.add_person("ana", cn="Ana Souza", givenName="Ana", sn="Souza", mail=["ana@example.org"])
    slapd.add_person("bia", cn="Bia Reis", givenName="Bia", sn="Reis", mail=["bia@example.org"])
    folder = tmp_path / "phone"
    folder.mkdir()
    secret = tmp_path / "ldap-password"
    secret.write_text(READER_PASSWORD)
    os.chmod(secret, 0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""store:
  url: sqlite:///{tmp_path / "store.db"}
books:
  - name: directory
    brake: {{max_deletes: 5, max_delete_ratio: 0.9}}
    accounts:
      - name: company
        type: ldap
        mode: pull-only
        options:
          url: {slapd.url}
          base_dn: {PEOPLE}
          bind_dn: {READER_DN}
          password_file: {secret}
      - name: phone
        type: vdir
        options: {{path: {folder}}}
"""
    )
    run_sync(config)
    assert sorted(cards_by_email(folder)) == ["ana@example.org", "bia@example.org"]
    slapd.modify(ana, {"title": ["Head of Platform"]})
    slapd.add_person("caio", cn="Caio Lins", givenName="Caio", sn="Lins", mail=["caio@example.org"])
    run_sync(config)
    assert "Head of Platform" in cards_by_email(folder)["ana@example.org"]
    assert sorted(cards_by_email(folder)) == ["ana@example.org", "bia@example.org", "caio@example.org"]
    slapd.delete(ana)
    run_sync(config)
    assert sorted(cards_by_email(folder)) == ["bia@example.org", "caio@example.org"]
    trash = CliRunner().invoke(cli, ["--config", str(config), "status"], catch_exceptions=False)
    assert "1 in the trash" in trash.output
