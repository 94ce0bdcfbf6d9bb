"""Writes the server refuses as locked, and cards whose file names a multiget mangles, on real servers.

Xandikos locks its git repository for each write and answers ``423 Locked`` to the writes that overlap it: with
eight writes in flight only 3 to 5 of 20 updates went through a run, and the rest waited for the next one (a bulk
edit of 500 cards took ~100 runs). A card named ``semi;colon.vcf`` (Radicale: a raw ";" starts path parameters)
or ``q?x.vcf`` (Xandikos answers a multiget of ``q%3Fx.vcf`` for ``q``) was left out of the multiget, taken for
deleted, and never synced, with the run saying "ok".
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions, hrefs
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.engine.report import RunReport
from contactsync.errors import ItemRejected, RateLimited
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from ..system.faultproxy import FaultProxy
from .conftest import DavServer
from .helpers import card, get_raw


def connector(server: DavServer, url: str, *, in_flight: int = 8) -> CardDavConnector:
    options = CardDavOptions(url=url, username=server.username, timeout=20, max_in_flight=in_flight)
    return CardDavConnector(f"{server.kind}-locks", options, server.password)


def person(n: int, note: str = "") -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"L{n}", family="Locked"), emails=(Email(f"l{n}@example.org", EmailKind.WORK),), note=note
        )
    )


def replace_note(contact: Contact, note: str) -> Contact:
    return replace(contact, note=note)


def seed(server: DavServer, book: str, names: list[str]) -> None:
    """Cards written one at a time behind the connector's back (another client), at the file names given."""
    for n, name in enumerate(names):
        answer = server.put_raw(book + name, card(f"uid-{n}", f"G{n}", "Seeded").encode())
        assert answer.status_code in (200, 201, 204), (name, answer.status_code)


# --- 423 Locked --------------------------------------------------------------------------------------------


def test_twenty_overlapping_updates_on_xandikos_all_land_in_one_push(xandikos_server: DavServer) -> None:
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, [f"c{n}.vcf" for n in range(20)])
    dav = connector(xandikos_server, book, in_flight=8)
    try:
        listed = dav.pull(None).changed
        assert len(listed) == 20
        updates = [
            Change(ChangeKind.UPDATE, f"cid-{n}", contact=replace_note(item.contact, "edited"), ref=item.ref)
            for n, item in enumerate(listed)
        ]
        results = dav.push(updates)
    finally:
        dav.close()
    assert [r.change for r in results] == updates
    assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok]
    for item in listed:
        assert "NOTE:edited" in get_raw(xandikos_server, hrefs.absolute(book, item.ref.id))


def test_the_engine_writes_twenty_edits_to_xandikos_in_one_run(xandikos_server: DavServer, tmp_path: Path) -> None:
    """The whole run: twenty people edited on a phone reach Xandikos in one run, with no account error."""
    book = xandikos_server.new_addressbook()
    phone = MemoryBackend(name="locks-phone")
    ids = [phone.user_create(person(n)) for n in range(20)]
    settings = BookSettings("locks", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:

        def run() -> Any:
            dav = connector(xandikos_server, book, in_flight=8)
            try:
                engine = Engine(store, settings, {"dav": dav, "phone": MemoryConnector("phone", phone)})
                return engine.run()
            finally:
                dav.close()

        first = run()
        assert all(a.error is None for a in first.accounts.values()), first.accounts
        for n, item_id in enumerate(ids):
            phone.user_edit(item_id, person(n, note="bulk edit"))
        second = run()
    assert all(a.error is None for a in second.accounts.values()), second.accounts
    assert second.accounts["dav"].updated == 20
    reader = connector(xandikos_server, book, in_flight=1)
    try:
        notes = sorted(c.contact.note for c in reader.pull(None).changed)
    finally:
        reader.close()
    assert notes == ["bulk edit"] * 20


def _run_with_a_phone(store: Store, dav: CardDavConnector, waits: list[float], phone_name: str) -> RunReport:
    """One engine run of a book of ``dav`` and a phone holding one person to create on it; the retry policy's
    waits go to ``waits`` instead of sleeping."""
    phone = MemoryBackend(name=phone_name)
    phone.user_create(person(1))
    settings = BookSettings("lock", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    connectors = {"dav": dav, "phone": MemoryConnector("phone", phone)}
    return Engine(store, settings, connectors, retry=RetryPolicy(sleep=waits.append)).run()


def test_a_lone_write_locked_by_someone_else_is_sent_again_by_the_retry_policy(
    radicale_server: DavServer, tmp_path: Path
) -> None:
    """A write that overlapped none of ours and was refused as locked is a rate limit: the connector does not
    resend it itself; the engine's retry policy waits and sends it again, in the same run."""
    book = radicale_server.new_addressbook()
    waits: list[float] = []
    with FaultProxy(radicale_server.base_url) as faults, Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dav = connector(radicale_server, faults.proxied(book), in_flight=8)
        try:
            # first the connector alone: one locked write comes back as a rate limit, sent once
            faults.fail_next(1, 423, method="PUT")
            alone = dav.push([Change(ChangeKind.CREATE, "cid-x", contact=person(9))])[0]
            assert isinstance(alone.error, RateLimited) and not alone.ok
            assert dav.request_counts["PUT"] == 1
            faults.fail_next(1, 423, method="PUT")
            report = _run_with_a_phone(store, dav, waits, "lock-phone")
        finally:
            dav.close()
    assert report.accounts["dav"].error is None and report.accounts["dav"].created == 1
    assert waits == [2.0]  # the policy's own wait: the 423 said no Retry-After


def test_a_real_409_conflict_is_not_sent_again(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    with FaultProxy(radicale_server.base_url) as faults:
        dav = connector(radicale_server, faults.proxied(book), in_flight=8)
        try:
            faults.fail_next(1, 409, method="PUT")
            results = dav.push([Change(ChangeKind.CREATE, f"cid-{n}", contact=person(n)) for n in range(4)])
            puts = dav.request_counts["PUT"]
        finally:
            dav.close()
    refused = [r.error for r in results if not r.ok]
    assert len(refused) == 1 and isinstance(refused[0], ItemRejected), refused
    assert puts == 4  # the conflict was not written again


# --- hrefs a multiget mangles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("radicale", ["semi%3Bcolon.vcf", "plain.vcf"]),
        ("xandikos", ["semi%3Bcolon.vcf", "q%3Fx.vcf", "h%23x.vcf", "plain.vcf"]),
    ],
)
def test_cards_whose_names_a_multiget_mangles_are_read_and_written(
    request: pytest.FixtureRequest, kind: str, names: list[str]
) -> None:
    server: DavServer = request.getfixturevalue(f"{kind}_server")
    book = server.new_addressbook()
    seed(server, book, names)
    own = hrefs.collection_path(book)
    dav = connector(server, book)
    try:
        first = dav.pull(None)
        assert first.quarantined == () and first.deleted == ()
        by_id = {c.ref.id: c for c in first.changed}
        assert sorted(by_id) == sorted(hrefs.member_id(book, own + name) for name in names)
        # written back to the same card, and an edit elsewhere read by the next incremental pull
        results = dav.push(
            [
                Change(ChangeKind.UPDATE, f"cid-{n}", contact=replace_note(c.contact, "ours"), ref=c.ref)
                for n, c in enumerate(by_id.values())
            ]
        )
        assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok]
        assert {r.ref.id for r in results if r.ref} == set(by_id)
        mid = dav.pull(first.next_state)  # our own writes come back, known at their etag: not read
        answer = server.put_raw(book + names[0], card("uid-0", "G0", "Rewritten").encode())  # another client
        assert answer.status_code in (200, 201, 204)
        later = dav.pull(mid.next_state)
    finally:
        dav.close()
    assert later.quarantined == () and later.deleted == ()
    assert [c.ref.id for c in later.changed] == [hrefs.member_id(book, own + names[0])]
    assert later.changed[0].contact.name.family == "Rewritten"


def test_a_card_the_multiget_leaves_out_is_read_with_a_get(xandikos_server: DavServer) -> None:
    """Xandikos answers a multiget of "q%3Fx.vcf" with a 404 for "q": the card is read on its own, and only then."""
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, ["q%3Fx.vcf", *(f"p{n}.vcf" for n in range(5))])
    wanted = hrefs.member_id(book, hrefs.collection_path(book) + "q%3Fx.vcf")
    assert wanted is not None
    dav = connector(xandikos_server, book)
    try:
        found = dav.fetch([wanted])
        gets = dav.request_counts["GET"]
    finally:
        dav.close()
    lister = connector(xandikos_server, book)  # a fresh process: nothing of the book known
    try:
        listed = lister.pull(None)
        gets_of_listing = lister.request_counts["GET"]
    finally:
        lister.close()
    assert list(found) == [wanted]
    assert found[wanted].contact.name.given == "G0"
    assert sorted(c.contact.name.given for c in listed.changed) == [f"G{n}" for n in range(6)]
    assert listed.quarantined == () and listed.deleted == ()
    assert gets == 1 and gets_of_listing == 1  # one GET for the card left out, none for the five read


def test_a_card_deleted_between_listing_and_multiget_is_gone_not_quarantined(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    seed(radicale_server, book, ["stays.vcf", "goes.vcf"])
    dav = connector(radicale_server, book)
    listed = dav._sync_collection

    def list_then_delete(token: str | None) -> Any:
        answer = listed(token)
        with radicale_server.session() as session:
            assert session.delete(book + "goes.vcf", timeout=10).status_code in (200, 204)
        return answer

    dav._sync_collection = list_then_delete  # type: ignore[method-assign]
    try:
        result = dav.pull(None)
    finally:
        dav.close()
    goes = hrefs.member_id(book, hrefs.collection_path(book) + "goes.vcf")
    assert [c.ref.id for c in result.changed] == [hrefs.member_id(book, hrefs.collection_path(book) + "stays.vcf")]
    assert result.deleted == (goes,)
    assert result.quarantined == ()


def test_an_href_with_a_query_or_fragment_names_no_member() -> None:
    book = "https://dav.example.com/alice/book/"
    assert hrefs.member_id(book, "/alice/book/q?x.vcf") is None
    assert hrefs.member_id(book, "/alice/book/h#x.vcf") is None
    assert hrefs.member_id(book, "/alice/book/q%3Fx.vcf") == "/alice/book/q%3Fx.vcf"
    # ";" keeps the remote id it always had (the store's links hold it), and is percent-encoded on the wire
    assert hrefs.member_id(book, "/alice/book/semi%3Bcolon.vcf") == "/alice/book/semi;colon.vcf"
    assert hrefs.absolute(book, "/alice/book/semi;colon.vcf") == "https://dav.example.com/alice/book/semi%3Bcolon.vcf"


def test_a_locked_write_waits_as_long_as_the_server_s_retry_after_asks(
    radicale_server: DavServer, tmp_path: Path
) -> None:
    """A 423 with Retry-After (RFC 9110 section 10.2.3): the retry policy waits what the server asked, not its own
    2 s, and the connector does not send it again at once."""
    book = radicale_server.new_addressbook()
    waits: list[float] = []
    with FaultProxy(radicale_server.base_url) as faults, Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dav = connector(radicale_server, faults.proxied(book), in_flight=8)
        try:
            faults.fail_next(1, 423, retry_after=7, method="PUT")
            report = _run_with_a_phone(store, dav, waits, "lock-phone-wait")
            puts = dav.request_counts["PUT"]
        finally:
            dav.close()
    assert report.accounts["dav"].error is None and report.accounts["dav"].created == 1
    assert waits == [7.0]
    assert puts == 2  # refused once, sent once more after the wait
