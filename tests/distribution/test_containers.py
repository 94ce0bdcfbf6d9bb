"""The container of a target (issue #17). Outlook: the folder named in ``options.folder`` is made when missing, its
id kept per target so that later runs skip the lookup, and a folder the user deleted is made again and filled;
nothing is ever written into another folder (on the Graph emulator, which enforces the documented permissions:
POST contactFolders needs Contacts.ReadWrite). CardDAV: a book missing at ``options.url`` is made with an extended
MKCOL on a real Radicale; one the server will not make is named in the error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from contactsync.connectors.outlook.graph import BatchRequest
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook import RequestKind as GraphKind
from contactsync.registry import build_connector
from contactsync.settings import AccountSettings, BookSettings, Secret, frozen_mapping
from contactsync.store import Store
from tests.distribution.support import CONTAINER, cycle, directory_account, distribution, distributor
from tests.ldap.slapd import Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT
from tests.outlook.fixtures import account_settings
from tests.system.radicale import PASSWORD as DAV_PASSWORD
from tests.system.radicale import USER as DAV_USER
from tests.system.radicale import DavUser, Radicale

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

MAILBOX = "ana@contoso.test"
PEOPLE = 12


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def directory(server: Slapd) -> list[str]:
    return [server.add_person(f"p{i}", cn=f"Person {i}", mail=[f"p{i}@example.org"]) for i in range(PEOPLE)]


def folders_named(graph: GraphEmulator, name: str) -> list[str]:
    root = graph.default_folder_id(MAILBOX)
    mailbox = graph._mailbox(MAILBOX)  # the emulator's own view: what Outlook would show the user
    return [f.id for f in mailbox.children(root) if f.display_name == name]


def emails_in(graph: GraphEmulator, folder_id: str | None) -> list[str]:
    return sorted(
        c["emailAddresses"][0]["address"] for c in graph.contacts(MAILBOX, folder_id) if c.get("emailAddresses")
    )


def test_a_missing_folder_is_made_its_id_kept_and_a_deleted_one_made_again(slapd: Slapd, tmp_path: Path) -> None:
    dns = directory(slapd)
    with GraphEmulator(seed=5) as graph:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        graph.add_mailbox(TENANT, MAILBOX)
        graph.seed(MAILBOX, [{"givenName": "Own", "emailAddresses": [{"address": "own@example.net"}]}])
        target = account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER)
        assert folders_named(graph, CONTAINER) == []
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            dist = distributor(store, distribution(directory_account(slapd), [(target, None)]))
            first = cycle(dist)
            assert [t.created for t in first.targets] == [PEOPLE]
            [made] = folders_named(graph, CONTAINER)
            assert len(emails_in(graph, made)) == PEOPLE
            assert (store.target_container("company", "o-ana") or "").endswith(f":{made}")

            # later runs take the kept id: a change costs the listing and the write, no folder lookup
            slapd.modify(dns[3], {"telephoneNumber": ["+55 11 99999-0000"]})
            graph.reset_counters()
            report = cycle(dist)
            assert [t.updated for t in report.targets] == [1]
            assert graph.requests[GraphKind.FOLDERS] == 0
            assert graph.requests[GraphKind.DELTA] == 1 and graph.requests[GraphKind.BATCH] == 1

            # the user deletes the folder (with our contacts in it): the next cycle makes it again and fills it
            connector = build_connector(target, BookSettings("x", (target,)))
            try:
                answer = connector.graph.batch(  # type: ignore[attr-defined]
                    [BatchRequest("1", "DELETE", f"/users/{MAILBOX}/contactFolders/{made}")], writes=True
                )
                assert answer["1"].ok
            finally:
                connector.close()
            assert folders_named(graph, CONTAINER) == []
            again = cycle(dist)
            assert [t.ok for t in again.targets] == [True]
            [remade] = folders_named(graph, CONTAINER)
            assert remade != made
            assert (store.target_container("company", "o-ana") or "").endswith(f":{remade}")
            assert emails_in(graph, remade) == sorted(f"p{i}@example.org" for i in range(PEOPLE))
            # nothing of ours anywhere else: the default folder holds only the user's own contact
            assert emails_in(graph, None) == ["own@example.net"]


def test_a_target_pointed_at_another_folder_fills_that_one(slapd: Slapd, tmp_path: Path) -> None:
    directory(slapd)
    with GraphEmulator(seed=7) as graph:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        graph.add_mailbox(TENANT, MAILBOX)
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            before = account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER)
            cycle(distributor(store, distribution(directory_account(slapd), [(before, None)])))
            [old] = folders_named(graph, CONTAINER)
            assert len(emails_in(graph, old)) == PEOPLE
            # the admin renames the folder in the configuration: the kept id is the old folder's, never used for it
            after = account_settings(graph, name="o-ana", mailbox=MAILBOX, folder="Colleagues")
            report = cycle(distributor(store, distribution(directory_account(slapd), [(after, None)])))
            assert [(t.created, t.error) for t in report.targets] == [(PEOPLE, None)]
            [new] = folders_named(graph, "Colleagues")
            assert emails_in(graph, new) == sorted(f"p{i}@example.org" for i in range(PEOPLE))
            assert len(emails_in(graph, old)) == PEOPLE  # the old folder is left as it was: nothing written there
            assert (store.target_container("company", "o-ana") or "").endswith(f":{new}")


def test_a_folder_that_cannot_be_made_is_named_in_the_error(slapd: Slapd, tmp_path: Path) -> None:
    directory(slapd)
    with GraphEmulator(seed=6) as graph:
        graph.add_tenant(TENANT)
        # read-only: POST contactFolders needs Contacts.ReadWrite (user-post-contactfolders)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET, permissions=["Contacts.Read", "MailboxSettings.Read"])
        graph.add_mailbox(TENANT, MAILBOX)
        target = account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER)
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            dist = distributor(store, distribution(directory_account(slapd), [(target, None)]))
            report = cycle(dist)
            [failed] = report.targets
            assert failed.error is not None
            assert "create it in Outlook" in failed.error and "Contacts.ReadWrite" in failed.error
            assert folders_named(graph, CONTAINER) == []
            assert store.target_container("company", "o-ana") is None
            assert "create it" in (store.target_state("company", "o-ana").last_error or "")


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


def dav_account(name: str, url: str) -> AccountSettings:
    return AccountSettings(
        name,
        "carddav",
        options=frozen_mapping({"url": url, "username": DAV_USER}),
        secrets=frozen_mapping({"password": Secret(DAV_PASSWORD, "test")}),
    )


def book_props(radicale: Radicale, url: str) -> str:
    """The book's resource type and display name, as another client reads them (PROPFIND, depth 0)."""
    body = (
        '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:displayname/></D:prop>'
        "</D:propfind>"
    )
    with radicale.session() as session:
        answer = session.request("PROPFIND", url, data=body.encode(), headers={"Depth": "0"}, timeout=30)
    assert answer.status_code == 207, answer.status_code
    return answer.text or ""


def test_a_missing_carddav_book_is_made_with_an_extended_mkcol(
    slapd: Slapd, radicale: Radicale, tmp_path: Path
) -> None:
    directory(slapd)
    url = f"{radicale.base_url}/{DAV_USER}/company-directory/"
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dist = distributor(store, distribution(directory_account(slapd), [(dav_account("dav", url), None)]))
        report = cycle(dist)
        assert [(t.created, t.error) for t in report.targets] == [(PEOPLE, None)]
        props = book_props(radicale, url)
        assert "addressbook" in props and f">{CONTAINER}<" in props
        user = DavUser(url)
        try:
            assert len(user.cards()) == PEOPLE
        finally:
            user.close()
        assert cycle(dist).targets[0].ok  # the book is there now: nothing made twice, nothing refused


def test_a_book_the_server_will_not_make_is_named_in_the_error(
    slapd: Slapd, radicale: Radicale, tmp_path: Path
) -> None:
    directory(slapd)
    # a book inside a collection that does not exist: Radicale refuses the MKCOL (403; RFC 4918 section 9.3.1
    # says 409), as a server that lets nobody make books would
    url = f"{radicale.base_url}/{DAV_USER}/no-such-parent/company-directory/"
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dist = distributor(store, distribution(directory_account(slapd), [(dav_account("dav", url), None)]))
        [failed] = cycle(dist).targets
        assert failed.error is not None
        assert f"create the address book '{CONTAINER}' there" in failed.error
        # where, without the login its path holds (log.personal_data: false; the error is stored and shown as is)
        assert f"(/…/…/…/ on {urlsplit(url).netloc})" in failed.error
        assert DAV_USER not in failed.error
        assert "forbids access" in failed.error  # the server's answer, said


def test_throttled_writes_are_sent_again_within_the_run(slapd: Slapd, tmp_path: Path) -> None:
    """Several daemons' targets share an app's 4 requests in flight: Graph answers 429 with Retry-After. Those
    requests are sent again under the retry policy after the wait asked for, not left for the next cycle."""
    dns = directory(slapd)
    with GraphEmulator(seed=8) as graph:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        graph.add_mailbox(TENANT, MAILBOX)
        target = account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER)
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            dist = distributor(store, distribution(directory_account(slapd), [(target, None)]))
            graph.throttle_next(2, retry_after=1)  # the folder's lookup, twice
            first = cycle(dist)
            assert [(t.created, t.failed, t.error) for t in first.targets] == [(PEOPLE, 0, None)]
            for dn in dns:
                slapd.modify(dn, {"telephoneNumber": ["+55 11 99999-0000"]})
            graph.throttle_next(3, retry_after=1)  # the delta listing once, then two members of the $batch
            report = cycle(dist)
            assert [(t.updated, t.failed, t.error) for t in report.targets] == [(PEOPLE, 0, None)]
            assert store.target_state("company", "o-ana").revision == 2
            [folder] = folders_named(graph, CONTAINER)
            phones = [c.get("businessPhones") or c.get("homePhones") or [] for c in graph.contacts(MAILBOX, folder)]
            assert len(phones) == PEOPLE and all(any("99999" in p for p in ps) for ps in phones)
