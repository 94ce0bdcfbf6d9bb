"""A directory in a real OpenLDAP pushed into Microsoft 365 mailboxes on the Graph emulator: the container is a
contact folder "Company directory" (``options.folder``) in each mailbox, its contacts also under the category of
the same name. Join, change, leave; a contact the user deletes comes back; the contacts in the user's default
folder are never touched; a quiet cycle costs one delta request per mailbox and no write."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.store import Store
from tests.distribution.support import CONTAINER, cycle, directory_account, distribution, distributor
from tests.ldap.slapd import Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT
from tests.outlook.fixtures import account_settings

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

MAILBOXES = ["ana@contoso.test", "bob@contoso.test"]


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        for mailbox in MAILBOXES:
            emu.add_mailbox(TENANT, mailbox)
        yield emu


def by_email(contacts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["emailAddresses"][0]["address"].lower(): c for c in contacts if c.get("emailAddresses")}


def test_mailboxes_get_the_directory_in_their_folder_and_keep_their_own(
    slapd: Slapd, graph: GraphEmulator, tmp_path: Path
) -> None:
    dns = [slapd.add_person(f"p{i}", cn=f"Person {i}", mail=[f"p{i}@example.org"]) for i in range(6)]
    folders = {m: graph.add_folder(m, CONTAINER) for m in MAILBOXES}
    graph.seed(MAILBOXES[0], [{"givenName": "Mum", "emailAddresses": [{"address": "mum@example.net"}]}])
    own_before = graph.contacts(MAILBOXES[0])
    targets = [
        (account_settings(graph, name=f"o-{m.split('@')[0]}", mailbox=m, folder=CONTAINER), m) for m in MAILBOXES
    ]
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dist = distributor(store, distribution(directory_account(slapd), targets))
        cycle(dist)
        for m in MAILBOXES:
            people = by_email(graph.contacts(m, folders[m]))
            assert set(people) == {f"p{i}@example.org" for i in range(6)}
            assert all(CONTAINER in c.get("categories", []) for c in people.values())

        slapd.modify(dns[0], {"title": ["CEO"]})
        slapd.delete(dns[1])
        slapd.add_person("p7", cn="Person 7", mail=["p7@example.org"])
        graph.delete(
            MAILBOXES[1], by_email(graph.contacts(MAILBOXES[1], folders[MAILBOXES[1]]))["p3@example.org"]["id"]
        )
        report = cycle(dist)
        assert {t.account: (t.created, t.updated, t.deleted) for t in report.targets} == {
            "o-ana": (1, 1, 1),
            "o-bob": (2, 1, 1),
        }
        for m in MAILBOXES:
            people = by_email(graph.contacts(m, folders[m]))
            assert set(people) == {f"p{i}@example.org" for i in (0, 2, 3, 4, 5, 7)}
            assert people["p0@example.org"]["jobTitle"] == "CEO"
        assert graph.contacts(MAILBOXES[0]) == own_before  # the default folder: untouched

        cycle(dist)  # our own writes come back once in each folder's delta
        graph.reset_counters()
        quiet = cycle(dist)
        assert [(t.created, t.updated, t.deleted) for t in quiet.targets] == [(0, 0, 0)] * 2
        print(f"quiet cycle, {len(MAILBOXES)} Graph targets: {dict(graph.requests)}")
        # sign-in aside (a token and the authority's discovery per connector), one delta request per mailbox
        listing = {k: n for k, n in graph.requests.items() if k.value not in ("token", "discovery")}
        assert listing == {RequestKind.DELTA: len(MAILBOXES)}
