"""A directory in a real OpenLDAP pushed into Google users on the People API emulator: the container is a label
("Company directory") on each user's contacts. Join, change, leave; a contact the user deletes comes back; the
user's own contacts (outside the label) are never touched; a quiet cycle reads each user's changes once and writes
nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.store import Store
from tests.distribution.support import CONTAINER, cycle, directory_account, distribution, distributor
from tests.google.helpers import google_account
from tests.ldap.slapd import Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

USERS = ["ana@example.com", "bob@example.com"]


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


@pytest.fixture
def emulator() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as running:
        for user in USERS:
            running.add_user(user)
        yield running
        assert running.internal_errors == []


def emails(emulator: PeopleEmulator, user: str) -> dict[str, dict[str, Any]]:
    return {p["emailAddresses"][0]["value"].lower(): p for p in emulator.persons(user) if p.get("emailAddresses")}


def labelled(emulator: PeopleEmulator, user: str, person: dict[str, Any]) -> bool:
    label = next(g["resourceName"] for g in emulator.groups(user) if g.get("name") == CONTAINER)
    return any(
        m.get("contactGroupMembership", {}).get("contactGroupResourceName") == label
        for m in person.get("memberships", [])
    )


def test_google_users_get_the_directory_under_a_label_and_keep_their_own(
    slapd: Slapd, emulator: PeopleEmulator, tmp_path: Path
) -> None:
    dns = [slapd.add_person(f"p{i}", cn=f"Person {i}", mail=[f"p{i}@example.org"]) for i in range(6)]
    own = emulator.seed(
        USERS[0], [{"names": [{"givenName": "Mum"}], "emailAddresses": [{"value": "mum@example.net"}]}]
    )[0]
    targets = [(google_account(emulator, user, f"g-{user.split('@')[0]}"), user) for user in USERS]
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dist = distributor(store, distribution(directory_account(slapd), targets))
        cycle(dist)
        for user in USERS:
            people = emails(emulator, user)
            assert {f"p{i}@example.org" for i in range(6)} <= set(people)
            assert all(labelled(emulator, user, people[f"p{i}@example.org"]) for i in range(6))
        mum_before = emulator.person(USERS[0], own)

        slapd.modify(dns[0], {"title": ["CEO"]})
        slapd.delete(dns[1])
        slapd.add_person("p7", cn="Person 7", mail=["p7@example.org"])
        emulator.delete(USERS[1], emails(emulator, USERS[1])["p3@example.org"]["resourceName"])
        report = cycle(dist)
        assert {t.account: (t.created, t.updated, t.deleted) for t in report.targets} == {
            "g-ana": (1, 1, 1),
            "g-bob": (2, 1, 1),
        }
        for user in USERS:
            people = emails(emulator, user)
            assert "p1@example.org" not in people and {"p3@example.org", "p7@example.org"} <= set(people)
            assert people["p0@example.org"]["organizations"][0]["title"] == "CEO"
        assert emulator.person(USERS[0], own) == mum_before

        cycle(dist)  # our own writes come back once in each user's change feed
        emulator.reset_counters()
        quiet = cycle(dist)
        assert [(t.created, t.updated, t.deleted) for t in quiet.targets] == [(0, 0, 0)] * 2
        requests = emulator.requests
        print(f"quiet cycle, {len(USERS)} Google targets: {dict(requests)}")
        assert requests[RequestKind.LIST_CONNECTIONS] == len(USERS)
        assert not any(kind.is_write for kind in requests)
