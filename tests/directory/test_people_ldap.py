"""``people()`` of the ldap source against a real OpenLDAP slapd: the identity attributes book templates expand."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.connectors.directory import DirectoryPerson, DirectorySource
from contactsync.connectors.ldap import LdapConnector, LdapOptions
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def test_people_lists_uid_mail_and_display_name_of_the_group_members(slapd: Slapd) -> None:
    ana = slapd.add_person("ana", displayName="Ana Souza", mail=["ana@example.org"])
    slapd.add_person("bia", displayName="Bia Reis", mail=["bia@example.org"])
    slapd.add_person("nomail", displayName="No Mail")
    group = slapd.add_group("staff", [ana, f"uid=nomail,{PEOPLE}"])
    c = LdapConnector("directory", LdapOptions(url=slapd.url, base_dn=PEOPLE, bind_dn=READER_DN), READER_PASSWORD)
    try:
        everyone = c.people()
        assert isinstance(c, DirectorySource)
        assert sorted((p.username, p.email, p.display_name) for p in everyone) == [
            ("ana", "ana@example.org", "Ana Souza"),
            ("bia", "bia@example.org", "Bia Reis"),
            ("nomail", "", "No Mail"),
        ]
        # the ids are the ids pull gives the same people's contacts
        assert {p.id for p in everyone} == {rc.ref.id for rc in c.pull(None).changed}
        assert [p.id for p in everyone] == sorted(p.id for p in everyone)
    finally:
        c.close()
    members = LdapConnector(
        "directory", LdapOptions(url=slapd.url, base_dn=PEOPLE, bind_dn=READER_DN, group=group), READER_PASSWORD
    )
    try:
        assert {p.username for p in members.people()} == {"ana", "nomail"}
        assert all(isinstance(p, DirectoryPerson) for p in members.people())
    finally:
        members.close()
