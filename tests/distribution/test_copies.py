"""A distribution hands each target's connector the account's copies of remote items (src/contactsync/copies.py),
as the engine does for a book: a change fanned out writes over what contactsync wrote without reading it first,
and our own writes coming back in the next listing are not read again. Counted on the Graph emulator (a mailbox's
budget is 10,000 requests per 10 minutes, docs/platform-notes.md) and the People API emulator, for a directory in
a real OpenLDAP; bench/distribution_bench.py measures the same at scale."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.google import RequestKind as GoogleKind
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook import RequestKind as GraphKind
from contactsync.store import Store
from tests.distribution.support import CONTAINER, cycle, directory_account, distribution, distributor
from tests.google.helpers import google_account
from tests.ldap.slapd import Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT
from tests.outlook.fixtures import account_settings

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

MAILBOX, USER = "ana@contoso.test", "bob@example.com"
PEOPLE = 30


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def test_a_change_fanned_out_reads_nothing_back_and_its_echo_costs_one_listing(slapd: Slapd, tmp_path: Path) -> None:
    dns = [
        slapd.add_person(
            f"p{i}", cn=f"Person {i}", mail=[f"p{i}@example.org"], telephoneNumber=[f"+55 11 3000-{i:04d}"]
        )
        for i in range(PEOPLE)
    ]
    with GraphEmulator(seed=3) as graph, PeopleEmulator() as google:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        graph.add_mailbox(TENANT, MAILBOX)
        graph.add_folder(MAILBOX, CONTAINER)
        google.add_user(USER)
        targets = [
            (account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER), None),
            (google_account(google, USER, "g-bob"), None),
        ]
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            dist = distributor(store, distribution(directory_account(slapd), targets))
            first = cycle(dist)
            assert sorted(t.created for t in first.targets) == [PEOPLE, PEOPLE]

            graph.reset_counters()
            google.reset_counters()
            cycle(dist)  # our own writes come back once in each listing: known by their etags, not read again
            echo_graph = {k: n for k, n in graph.requests.items() if k not in (GraphKind.TOKEN, GraphKind.DISCOVERY)}
            print(f"settling: graph {dict(graph.requests)}; google {dict(google.requests)}")
            assert echo_graph == {GraphKind.DELTA: 1}
            assert google.requests[GoogleKind.LIST_CONNECTIONS] == 1
            assert not any(kind.is_write or kind is GoogleKind.BATCH_GET for kind in google.requests)

            slapd.modify(dns[7], {"telephoneNumber": ["+55 11 99999-0000"]})
            graph.reset_counters()
            google.reset_counters()
            report = cycle(dist)
            assert [t.updated for t in report.targets] == [1, 1]
            print(f"one change: graph {dict(graph.requests)}; google {dict(google.requests)}")
            # written over the copy at the etag we wrote: no read of the item, nor of the mailbox's categories
            assert google.requests[GoogleKind.BATCH_GET] == 0
            assert google.requests[GoogleKind.BATCH_UPDATE] == 1
            assert graph.requests[GraphKind.GET] == 0
            assert graph.requests[GraphKind.CATEGORIES] == 0
            assert graph.requests[GraphKind.UPDATE] == 1
            phones = [
                p["value"]
                for person in google.persons(USER)
                for p in person.get("phoneNumbers", [])
                if person["emailAddresses"][0]["value"] == "p7@example.org"
            ]
            assert phones and all("99999" in p for p in phones)
