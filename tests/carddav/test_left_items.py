"""Cards a CardDAV book cannot read the usual way, on real servers (Radicale, Xandikos) behind a loopback front
that makes one of their answers what a broken server sends (tests/carddav/relay.py).

- A listing that names a card under an href holding a raw "?" or "#" (a server that does not percent-encode its
  members' names; Radicale and Xandikos list ``q%3Fx.vcf`` and ``h%23x.vcf`` encoded, the front sends them raw):
  which card it means is a guess, and it was skipped in silence (a card synced before was taken for deleted). It
  is quarantined now under the id its name has encoded, with the reason, so the run report and ``status`` say so,
  a card linked under that id stays linked, and its quarantine ends when the card goes, or when the listing names
  it encoded again (the card is then read; sync-collection, which never names an unchanged card again, has each
  run ask the server about it).
- A server whose multiget answers 404 for every card has each card read with a GET of its own: those GETs go
  within the book's in-flight limit, a window at a time, like the multigets, and one cut off among others is sent
  again alone (as a multiget is) instead of failing the listing, whatever the limit has fallen to since.
- A GET of a card on a server with no login (or redirected before the login is settled, in a daemon) went
  through caldav's request, which warned "Unexpected content type" for the vCard and logged the card's text at
  INFO: neither happens now.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from contextlib import nullcontext
from pathlib import Path

import pytest

from contactsync.connectors.carddav import AuthType, CardDavConnector, CardDavOptions, hrefs
from contactsync.connectors.carddav.transport import DavTransport
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.engine.report import RunReport
from contactsync.settings import AccountSettings, BookSettings
from contactsync.sharing import ConnectionPools, Sharing
from contactsync.store import Store

from .conftest import DavServer
from .helpers import card
from .relay import DROP, Relay, hrefs_sent_raw, multiget_all_404

#: the people whose cards sit under names a listing sends raw: their names are in the file names, and must not
#: reach a log line, a quarantine reason or the run report
PEOPLE = {"ana.souza%3Fhome.vcf": ("Ana", "Souza"), "bo%23silva.vcf": ("Bo", "Silva")}


def connector(
    server: DavServer, url: str, *, sync: bool = True, in_flight: int = 8, chunk: int = 100
) -> CardDavConnector:
    options = CardDavOptions(
        url=url,
        username=server.username,
        auth=AuthType.BASIC if server.password is not None else AuthType.AUTO,
        timeout=20,
        use_sync_collection=sync,
        max_in_flight=in_flight,
        multiget_chunk=chunk,
    )
    return CardDavConnector(f"{server.kind}-left", options, server.password)


def seed(server: DavServer, book: str, cards: dict[str, tuple[str, str]]) -> None:
    """Cards written behind the connector's back (another client), at the file names given."""
    for n, (name, (given, family)) in enumerate(cards.items()):
        answer = server.put_raw(book + name, card(f"uid-left-{n}", given, family).encode())
        assert answer.status_code in (200, 201, 204), (name, answer.status_code)


def _run(store: Store, dav: CardDavConnector, phone: MemoryBackend) -> RunReport:
    settings = BookSettings("left", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    return Engine(store, settings, {"dav": dav, "phone": MemoryConnector("phone", phone)}).run()


def _personal(text: str) -> list[str]:
    return [part for person in PEOPLE.values() for part in person if part.casefold() in text.casefold()]


# --- an href with a raw "?" or "#" -------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False], ids=["sync-collection", "propfind"])
def test_a_card_listed_under_a_raw_question_mark_or_hash_is_quarantined_not_skipped(
    xandikos_server: DavServer, tmp_path: Path, caplog: pytest.LogCaptureFixture, sync: bool
) -> None:
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, {**PEOPLE, "plain.vcf": ("Cy", "Plain")})
    phone = MemoryBackend(name=f"left-phone-{sync}")
    caplog.set_level(logging.INFO)
    with (
        Relay(xandikos_server.base_url, rewrite=hrefs_sent_raw) as relay,
        Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store,
    ):
        dav = connector(xandikos_server, relay.proxied(book), sync=sync)
        try:
            first = _run(store, dav, phone)
            held = store.account_status()["dav"]["quarantined"]
            # another client deletes one of the two: its quarantine ends, the other's stays
            with xandikos_server.session() as session:
                assert session.delete(book + "bo%23silva.vcf", timeout=10).status_code in (200, 204)
            second = _run(store, dav, phone)
            left = store.account_status()["dav"]["quarantined"]
        finally:
            dav.close()
    report = first.accounts["dav"]
    assert report.error is None and report.pulled == 1 and report.quarantined == 2
    assert [c.name.given for c in phone.contacts().values()] == ["Cy"]  # the one card it could read, nothing else
    assert len(held) == 2
    for _remote_id, reason, _since in held:
        assert "percent-encode" in reason and not _personal(reason), reason
    assert second.accounts["dav"].error is None
    assert [rid for rid, _reason, _since in left] == [rid for rid, _reason, _since in held if "%3F" in rid]
    # the engine deleted nothing, and no line of ours names the people
    assert len(phone.contacts()) == 1
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("contactsync")]
    assert any("quarantined" in line for line in ours), ours
    assert not [line for line in ours if _personal(line)]


def test_a_raw_href_is_quarantined_by_the_connector_with_its_own_id(xandikos_server: DavServer) -> None:
    """At the connector: the card is quarantined under the id it has where its name is listed percent-encoded
    (a card linked under it stays linked, not deleted), and nothing is asked of the server for it."""
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, PEOPLE)
    own = hrefs.collection_path(book)
    with Relay(xandikos_server.base_url, rewrite=hrefs_sent_raw) as relay:
        dav = connector(xandikos_server, relay.proxied(book))
        try:
            result = dav.pull(None)
            multigets = dav.request_counts["REPORT"] - 1  # the sync-collection's
        finally:
            dav.close()
    assert result.changed == () and result.deleted == ()
    assert sorted(q.remote_id for q in result.quarantined) == [own + "ana.souza%3Fhome.vcf", own + "bo%23silva.vcf"]
    assert multigets == 0  # nothing was asked for under a name the server would read as another


def test_a_synced_card_the_listing_then_names_raw_stays_and_is_quarantined_not_deleted(
    xandikos_server: DavServer, tmp_path: Path
) -> None:
    """A card synced while the server listed its name encoded, then listed with a raw "?" (a server upgraded,
    moved behind another front): it is no card gone. Skipped, the listing lacked it and the engine deleted the
    person from every other account."""
    book = xandikos_server.new_addressbook()
    others = {f"p{n}.vcf": (f"P{n}", "Plain") for n in range(5)}
    seed(xandikos_server, book, {"ana.souza%3Fhome.vcf": ("Ana", "Souza"), **others})
    phone = MemoryBackend(name="left-phone-raw-later")
    with Relay(xandikos_server.base_url) as relay, Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:

        def run() -> RunReport:
            dav = connector(xandikos_server, relay.proxied(book), sync=False)
            try:
                return _run(store, dav, phone)
            finally:
                dav.close()

        first = run()
        synced = len(phone.contacts())
        relay.rewrite = hrefs_sent_raw
        second = run()
        # another client edits the card: listed with its new etag, still raw
        seed(xandikos_server, book, {"ana.souza%3Fhome.vcf": ("Ana", "Souza-Edited")})
        third = run()
        held = store.account_status()["dav"]["quarantined"]
    assert first.accounts["dav"].pulled == 6 and synced == 6
    for report in (second, third):
        assert report.accounts["dav"].error is None and report.accounts["phone"].deleted == 0
    assert third.accounts["dav"].quarantined == 1
    assert [rid for rid, _reason, _since in held] == [hrefs.collection_path(book) + "ana.souza%3Fhome.vcf"]
    # Ana is on the phone as she was synced: neither deleted nor changed by a card no one could read
    assert sorted(c.name.family for c in phone.contacts().values()) == ["Plain"] * 5 + ["Souza"]


@pytest.mark.parametrize("sync", [True, False], ids=["sync-collection", "propfind"])
def test_a_raw_listed_card_is_read_once_the_listing_names_it_encoded_and_its_quarantine_ends(
    xandikos_server: DavServer, tmp_path: Path, caplog: pytest.LogCaptureFixture, sync: bool
) -> None:
    """The listing fixed (the server encodes again, a proxy in front of it is fixed), the card itself unchanged:
    its quarantine ends and the card is synced. Its etag was kept in the listing's state (sync-collection never
    names an unchanged card again), so it stayed quarantined and unsynced for good. While the listing names it
    raw, it stays quarantined run after run, nothing read by its name and no second WARNING."""
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, {**PEOPLE, "plain.vcf": ("Cy", "Plain")})
    phone = MemoryBackend(name=f"left-phone-fixed-{sync}")
    caplog.set_level(logging.WARNING, logger="contactsync")
    with (
        Relay(xandikos_server.base_url, rewrite=hrefs_sent_raw) as relay,
        Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store,
    ):

        def run() -> tuple[RunReport, dict[str, int]]:
            dav = connector(xandikos_server, relay.proxied(book), sync=sync)
            try:
                return _run(store, dav, phone), dict(dav.request_counts)
            finally:
                dav.close()

        run()
        still, sent = run()  # the listing still names them raw
        held = store.account_status()["dav"]["quarantined"]
        relay.rewrite = None
        fixed, _ = run()
        left = store.account_status()["dav"]["quarantined"]
        after, _ = run()
    assert still.accounts["dav"].error is None and len(held) == 2
    assert sent["GET"] == 0 and sent["REPORT"] == (1 if sync else 0)  # no multiget: nothing read by a raw name
    warned = [r.getMessage() for r in caplog.records if "quarantined" in r.getMessage()]
    assert len(warned) == 2, warned  # once for each card, at the run that found it
    assert fixed.accounts["dav"].error is None and fixed.accounts["dav"].pulled == 2 and left == []
    assert sorted(c.name.family for c in phone.contacts().values()) == ["Plain", "Silva", "Souza"]
    assert after.accounts["dav"].pulled == 0 and store.account_status()["dav"]["quarantined"] == []


@pytest.mark.parametrize("sync", [True, False], ids=["sync-collection", "propfind"])
def test_a_synced_card_edited_while_listed_raw_gets_its_edit_through_once_the_listing_is_fixed(
    xandikos_server: DavServer, tmp_path: Path, sync: bool
) -> None:
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, {"ana.souza%3Fhome.vcf": ("Ana", "Souza"), "plain.vcf": ("Cy", "Plain")})
    phone = MemoryBackend(name=f"left-phone-edited-raw-{sync}")
    with Relay(xandikos_server.base_url) as relay, Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:

        def run() -> RunReport:
            dav = connector(xandikos_server, relay.proxied(book), sync=sync)
            try:
                return _run(store, dav, phone)
            finally:
                dav.close()

        run()
        relay.rewrite = hrefs_sent_raw
        seed(xandikos_server, book, {"ana.souza%3Fhome.vcf": ("Ana", "Souza-Edited")})
        quarantined = run()
        relay.rewrite = None
        fixed = run()
    assert quarantined.accounts["dav"].quarantined == 1
    assert sorted(c.name.family for c in phone.contacts().values()) == ["Plain", "Souza-Edited"]
    assert fixed.accounts["dav"].error is None and store.account_status()["dav"]["quarantined"] == []


def test_many_raw_listed_cards_are_looked_at_again_with_one_listing_not_one_request_each(
    xandikos_server: DavServer, tmp_path: Path
) -> None:
    """With sync-collection, an unchanged card is not listed again: each run looks again at the cards quarantined
    for a raw name. More of them than a window of requests in flight: one PROPFIND of the book, not one each."""
    book = xandikos_server.new_addressbook()
    raw = {f"p{n}%3Fhome.vcf": (f"P{n}", "Raw") for n in range(6)}
    seed(xandikos_server, book, raw)
    phone = MemoryBackend(name="left-phone-many-raw")
    with (
        Relay(xandikos_server.base_url, rewrite=hrefs_sent_raw) as relay,
        Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store,
    ):

        def run() -> tuple[RunReport, dict[str, int]]:
            dav = connector(xandikos_server, relay.proxied(book), in_flight=1)
            try:
                return _run(store, dav, phone), dict(dav.request_counts)
            finally:
                dav.close()

        first, _ = run()
        _, still = run()
        relay.rewrite = None
        fixed, sent = run()
    assert first.accounts["dav"].quarantined == 6
    assert still["PROPFIND"] == sent["PROPFIND"] == 1
    assert fixed.accounts["dav"].pulled == 6 and store.account_status()["dav"]["quarantined"] == []
    assert len(phone.contacts()) == 6


# --- a multiget that answers 404 for every card ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["radicale", "xandikos"])
def test_cards_every_multiget_leaves_out_are_read_within_the_in_flight_limit(
    request: pytest.FixtureRequest, kind: str
) -> None:
    """One GET per card, never more than ``max_in_flight`` at once, and more than one at once: not one round trip
    after another. Every card read, none taken for gone."""
    server: DavServer = request.getfixturevalue(f"{kind}_server")
    book = server.new_addressbook()
    cards = 30
    seed(server, book, {f"c{n}.vcf": (f"G{n}", "Left") for n in range(cards)})
    # the GETs answer a little late, so that any overlapping is seen by the front (the server's own answer)
    with Relay(server.base_url, rewrite=multiget_all_404, delay={"GET": 0.05}) as relay:
        dav = connector(server, relay.proxied(book), in_flight=4)
        try:
            result = dav.pull(None)
            gets = dav.request_counts["GET"]
        finally:
            dav.close()
    assert sorted(c.contact.name.given for c in result.changed) == sorted(f"G{n}" for n in range(cards))
    assert result.deleted == () and result.quarantined == ()
    assert gets == relay.requests["GET"] == cards
    assert 1 < relay.most_in_flight["GET"] <= 4


def test_a_get_cut_off_among_others_in_flight_is_sent_again_alone_not_failing_the_listing(
    radicale_server: DavServer,
) -> None:
    """As for a multiget: a GET cut off while others were in flight is the server falling behind, not the card;
    fewer go at once from then on and that one is sent again, and the listing completes."""
    book = radicale_server.new_addressbook()
    cards = 12
    seed(radicale_server, book, {f"c{n}.vcf": (f"G{n}", "Left") for n in range(cards)})
    cut = [2]

    def cut_two_gets(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
        if method == "GET" and cut[0] > 0:
            cut[0] -= 1
            return DROP
        return None

    with Relay(radicale_server.base_url, rewrite=multiget_all_404, refuse=cut_two_gets) as relay:
        dav = connector(radicale_server, relay.proxied(book), in_flight=4)
        try:
            result = dav.pull(None)
        finally:
            dav.close()
    assert sorted(c.contact.name.given for c in result.changed) == sorted(f"G{n}" for n in range(cards))
    assert result.deleted == () and result.quarantined == ()
    assert relay.refused["GET"] == 2 and relay.requests["GET"] == cards + 2


def test_gets_cut_off_after_the_limit_narrowed_are_each_sent_again_alone_not_failing_the_listing(
    radicale_server: DavServer,
) -> None:
    """Whether a GET cut off is sent again alone depends on how many were in flight when it was sent, not on
    how many may be now: six GETs of one window cut off, the limit falls, and the next one cut off (sent with
    eight in flight) failed the whole listing as if it had been alone."""
    book = radicale_server.new_addressbook()
    cards = 40
    seed(radicale_server, book, {f"c{n}.vcf": (f"G{n}", "Left") for n in range(cards)})
    cut = [6]
    lock = threading.Lock()

    def cut_six_gets(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
        with lock:
            if method == "GET" and cut[0] > 0:
                cut[0] -= 1
                return DROP
        return None

    with Relay(radicale_server.base_url, rewrite=multiget_all_404, refuse=cut_six_gets, delay={"GET": 0.05}) as relay:
        dav = connector(radicale_server, relay.proxied(book), in_flight=8)
        try:
            result = dav.pull(None)
        finally:
            dav.close()
    assert sorted(c.contact.name.given for c in result.changed) == sorted(f"G{n}" for n in range(cards))
    assert result.deleted == () and result.quarantined == ()
    assert relay.refused["GET"] == 6 and relay.requests["GET"] == cards + 6


def test_multigets_cut_off_after_the_limit_narrowed_are_each_sent_again_alone_not_failing_the_listing(
    radicale_server: DavServer,
) -> None:
    """The same for multigets: each one cut off among others is sent again alone, whatever the limit is by the
    time its outcome is looked at."""
    book = radicale_server.new_addressbook()
    cards = 40
    seed(radicale_server, book, {f"c{n}.vcf": (f"G{n}", "Left") for n in range(cards)})
    cut = [6]
    lock = threading.Lock()

    def cut_six_multigets(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
        with lock:
            if method == "REPORT" and b"addressbook-multiget" in body and cut[0] > 0:
                cut[0] -= 1
                return DROP
        return None

    with Relay(radicale_server.base_url, refuse=cut_six_multigets, delay={"REPORT": 0.05}) as relay:
        dav = connector(radicale_server, relay.proxied(book), in_flight=8, chunk=1)
        try:
            result = dav.pull(None)
        finally:
            dav.close()
    assert sorted(c.contact.name.given for c in result.changed) == sorted(f"G{n}" for n in range(cards))
    assert result.deleted == () and result.quarantined == ()
    assert relay.refused["REPORT"] == 6 and relay.requests["REPORT"] == 1 + cards + 6  # the sync-collection too


# --- a GET on a server with no login -----------------------------------------------------------------------


@pytest.mark.parametrize("password", [None, "never-asked-for"], ids=["no-login", "login-never-asked"])
def test_a_get_on_a_server_with_no_login_logs_no_warning_and_no_card(
    xandikos_server: DavServer, caplog: pytest.LogCaptureFixture, password: str | None
) -> None:
    """Xandikos asks for no login (with none given, or one it never asks for): the GET of a card the multiget
    left out is answered with the vCard. No WARNING for it (caldav's "Unexpected content type: text/vcard"),
    and the card's text in no line at any level (caldav logged it at INFO, as "Expected some valid XML")."""
    book = xandikos_server.new_addressbook()
    seed(xandikos_server, book, {"q%3Fx.vcf": ("Ana", "Souza"), "plain.vcf": ("Cy", "Plain")})
    options = CardDavOptions(url=book, username=xandikos_server.username, timeout=20)
    dav = CardDavConnector("xandikos-no-login", options, password)
    caplog.set_level(logging.DEBUG)
    try:
        result = dav.pull(None)
        gets = dav.request_counts["GET"]
    finally:
        dav.close()
    assert sorted(c.contact.name.family for c in result.changed) == ["Plain", "Souza"]
    assert gets == 1  # the card left out, read on its own
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.name for r in caplog.records if "Souza" in r.getMessage()] == []


def _moved_to_query(method: str, path: str) -> str | None:
    """A card's GET redirected (302) to its own name with a query the server ignores: the redirect is the point."""
    return f"{path}?moved=1" if method == "GET" and path.endswith(".vcf") else None


@pytest.mark.parametrize("kind", ["xandikos", "radicale"])
def test_a_get_redirected_before_the_login_is_settled_on_the_daemons_connections_logs_no_card(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """In a daemon (its connections lent), a request before the login is settled goes on those connections; a
    redirect is then sent again through the session, which follows it. That went through caldav's own request,
    whose answer object warned "Unexpected content type: text/vcard" and logged the card's text at INFO: on
    Xandikos (no login, never settled) for every redirected GET, on Radicale for a first request redirected
    before its 401 (the login then negotiated after the redirect, as caldav does)."""
    server: DavServer = request.getfixturevalue(f"{kind}_server")
    book = server.new_addressbook()
    seed(server, book, {"c.vcf": ("Ana", "Souza")})
    caplog.set_level(logging.DEBUG)
    pools = ConnectionPools()
    with Relay(server.base_url, redirect=_moved_to_query) as relay:
        transport = DavTransport(
            relay.proxied(book), server.username, server.password, timeout=20, sharing=Sharing(nullcontext, pools, 4)
        )
        try:
            first = transport.get(relay.proxied(book) + "c.vcf")
            again = transport.get(relay.proxied(book) + "c.vcf")
        finally:
            transport.close()
            pools.close()
    assert first.status == again.status == 200 and b"Souza" in first.body and b"Souza" in again.body
    assert relay.redirected["GET"] >= 2  # each GET was redirected
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.name for r in caplog.records if "Souza" in r.getMessage()] == []


def test_a_raw_href_is_read_as_the_member_its_name_would_be_encoded() -> None:
    book = "https://dav.example.com/alice/book/"
    assert hrefs.raw_member_id(book, "/alice/book/q?x.vcf") == "/alice/book/q%3Fx.vcf"
    assert hrefs.raw_member_id(book, "https://dav.example.com/alice/book/h#x.vcf") == "/alice/book/h%23x.vcf"
    # no raw "?" or "#": the href is a member's or no member's already (hrefs.member_id)
    assert hrefs.raw_member_id(book, "/alice/book/plain.vcf") is None
    # still no member: another host, deeper, or climbing out
    assert hrefs.raw_member_id(book, "https://evil.example/alice/book/q?x.vcf") is None
    assert hrefs.raw_member_id(book, "/alice/book/sub/q?x.vcf") is None
    assert hrefs.raw_member_id(book, "/alice/book/../other/q?x.vcf") is None
