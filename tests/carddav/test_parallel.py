"""Writes and multigets in flight together (issue #18): each change keeps its own outcome, in order, on at most
``max_in_flight`` connections kept alive.

Against Radicale served by waitress (HTTP/1.1 keep-alive, so connection reuse is visible; Radicale's own server
closes every connection) behind the TLS latency proxy of bench/netproxy.py, which counts connections, TLS
handshakes and the peak of requests in flight; and against Radicale behind tests/system/faultproxy.py, which
drops a write's connection after Radicale applied it (the answer lost mid-flight while other writes succeed).
Ordering is checked where a reordering would show: the lanes of src/contactsync/connectors/carddav/parallel.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import niquests
import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.parallel import Slots
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine, RunReport
from contactsync.errors import PreconditionFailed, Transient
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.ports import free_port

from ..system.faultproxy import FaultProxy
from .conftest import PASSWORD, USER, DavServer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from latency import SERVE  # bench/ is no package
from netproxy import LatencyProxy


@pytest.fixture(scope="module")
def keepalive_radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    """Radicale under waitress as bench/latency.py serves it: HTTP/1.1, connections kept alive."""
    root = tmp_path_factory.mktemp("radicale-waitress")
    (root / "htpasswd").write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(root), str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with niquests.Session() as session:
                    session.request("OPTIONS", base + "/", timeout=1)
                break
            except niquests.exceptions.RequestException:
                time.sleep(0.1)
        yield DavServer("radicale", base, USER, PASSWORD, f"/{USER}/", root / "data")
    finally:
        process.terminate()
        process.wait(10)


def person(n: int, note: str = "") -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"P{n}", family="Parallel"), emails=(Email(f"p{n}@example.org", EmailKind.WORK),), note=note
        )
    )


def connector(url: str, *, in_flight: int, verify: bool | str = True, chunk: int = 100) -> CardDavConnector:
    options = CardDavOptions(
        url=url, username=USER, timeout=20, verify=verify, max_in_flight=in_flight, multiget_chunk=chunk
    )
    return CardDavConnector("parallel-test", options, PASSWORD)


def creates(count: int, first: int = 0) -> list[Change]:
    return [Change(ChangeKind.CREATE, f"cid-{n}", contact=person(n)) for n in range(first, first + count)]


def test_writes_and_multigets_overlap_on_at_most_limit_connections(
    keepalive_radicale: DavServer, tmp_path: Path
) -> None:
    book = keepalive_radicale.new_addressbook()
    with LatencyProxy(keepalive_radicale.base_url, rtt_ms=20) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        dav = connector(book.replace(keepalive_radicale.base_url, proxy.url), in_flight=4, verify=ca, chunk=5)
        try:
            proxy.reset()
            changes = creates(40)
            results = dav.push(changes)
            pushed = proxy.reset()

        finally:
            dav.close()
        # a fresh connector (a new process) knows none of the cards: the listing reads them all
        reader = connector(book.replace(keepalive_radicale.base_url, proxy.url), in_flight=4, verify=ca, chunk=5)
        try:
            listed = reader.pull(None)
            pulled = proxy.reset()
        finally:
            reader.close()

    # one result per change, in the order given, each naming its own card
    assert [r.change for r in results] == changes
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    refs = [r.ref for r in results if r.ref is not None]
    assert len({ref.id for ref in refs}) == 40
    by_href = {c.ref.id: c for c in listed.changed}
    assert {ref.id for ref in refs} == set(by_href)
    for change, ref in zip(changes, refs, strict=True):
        assert by_href[ref.id].marker == change.contact_id
        assert by_href[ref.id].contact.name == person(int(change.contact_id[4:])).name

    # writes really overlapped, never more than the limit, each slot on one connection kept alive
    assert 1 < pushed.peak_in_flight <= 4
    # the 40 PUTs and the probe for the vCard version of new cards: over https every slot logs in with its first
    # request (tests/carddav/test_remembered_login.py), so no 401 at all
    assert pushed.requests == 40 + 1
    assert pushed.connections <= 4 and pushed.handshakes <= 4
    # the listing's 8 multigets (chunks of 5) overlapped too
    assert 1 < pulled.peak_in_flight <= 4
    assert pulled.requests == 8 + 2  # + the probe and the sync-collection REPORT
    assert pulled.connections <= 4 and pulled.handshakes <= 4


def test_a_412_or_a_lost_answer_touches_only_its_own_change(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    with FaultProxy(radicale_server.base_url) as faults:
        dav = connector(faults.proxied(book), in_flight=4)
        try:
            written = dav.push(creates(12))
            assert all(r.ok for r in written)
            # another client edits card 3 behind our back: our update of it must fail its If-Match, alone
            href3 = written[3].ref.id if written[3].ref else ""
            other = dav.fetch([href3])[href3]
            edited = replace(other.contact, note="edited elsewhere")
            assert dav.push([Change(ChangeKind.UPDATE, "cid-3", contact=edited, ref=other.ref)])[0].ok
            updates = [
                Change(ChangeKind.UPDATE, f"cid-{n}", contact=person(n, note="ours"), ref=r.ref)
                for n, r in enumerate(written)
            ]
            first = dav.push(updates)

            again = [
                Change(ChangeKind.UPDATE, f"cid-{n}", contact=person(n, note="again"), ref=r.ref)
                for n, r in enumerate(first)
                if n != 3
            ]
            faults.drop_after_write_next(1)  # one write applied by Radicale, its answer never arrives
            second = dav.push(again)
        finally:
            dav.close()

    assert [r.change for r in first] == updates
    failed = {n: r.error for n, r in enumerate(first) if not r.ok}
    assert list(failed) == [3] and isinstance(failed[3], PreconditionFailed), failed
    # exactly one write lost its answer: reported as passing trouble, every other write confirmed
    assert [r.change for r in second] == again
    lost = [r.error for r in second if not r.ok]
    assert len(lost) == 1 and isinstance(lost[0], Transient), lost

    with FaultProxy(radicale_server.base_url) as direct:
        reader = connector(direct.proxied(book), in_flight=1)
        try:
            final = {c.marker: c.contact for c in reader.pull(None).changed}
        finally:
            reader.close()
    assert len(final) == 12  # nothing lost, nothing duplicated
    assert final["cid-3"].note == "edited elsewhere"
    for n in set(range(12)) - {3}:
        assert final[f"cid-{n}"].note == "again"  # the write whose answer was lost landed too


def test_engine_runs_with_answers_lost_mid_flight_converge_without_duplicates(
    radicale_server: DavServer, tmp_path: Path
) -> None:
    """Thirty people from a phone to a book, eight writes in flight, three answers lost after Radicale applied the
    write: the engine must neither lose nor double anyone, and a settled book must write nothing more."""
    book = radicale_server.new_addressbook()
    phone = MemoryBackend(name="parallel-phone")
    for n in range(30):
        phone.user_create(person(n))
    settings = BookSettings("parallel", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    with FaultProxy(radicale_server.base_url) as faults, Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:

        def run() -> RunReport:
            dav = connector(faults.proxied(book), in_flight=8)
            try:
                return Engine(store, settings, {"dav": dav, "phone": MemoryConnector("phone", phone)}).run()
            finally:
                dav.close()

        faults.drop_after_write_next(3)
        run()
        assert faults.faults_served["drop"] == 3
        run()
        settled = run()
        reader = connector(faults.proxied(book), in_flight=1)
        try:
            cards = reader.pull(None).changed
        finally:
            reader.close()

    assert settled.writes == 0 and all(a.error is None for a in settled.accounts.values())
    emails = sorted(e.address for c in cards for e in c.contact.emails)
    assert emails == sorted(f"p{n}@example.org" for n in range(30))  # each person once on the server
    assert len({c.marker for c in cards}) == 30
    assert len(phone.contacts()) == 30  # and nobody came back to the phone twice


def test_writes_to_one_card_keep_their_order(radicale_server: DavServer) -> None:
    """An update then a delete of the same card, among other writes: the delete must meet the updated card
    (If-Match on the old etag fails), never run first and make the update find nothing."""
    book = radicale_server.new_addressbook()
    with FaultProxy(radicale_server.base_url) as faults:
        dav = connector(faults.proxied(book), in_flight=8)
        try:
            written = dav.push(creates(10))
            ref0 = written[0].ref
            assert ref0 is not None
            batch = [
                Change(ChangeKind.UPDATE, "cid-0", contact=person(0, note="first"), ref=ref0),
                # sent at once with the update if lanes did not hold it back
                Change(ChangeKind.DELETE, "cid-0", ref=ref0),
                *(
                    Change(ChangeKind.UPDATE, f"cid-{n}", contact=person(n, note="x"), ref=written[n].ref)
                    for n in range(1, 10)
                ),
            ]
            results = dav.push(batch)
            remaining = {c.marker: c.contact for c in dav.pull(None).changed}
        finally:
            dav.close()
    assert results[0].ok
    assert isinstance(results[1].error, PreconditionFailed) and not results[1].error.gone
    assert all(r.ok for r in results[2:])
    assert remaining["cid-0"].note == "first"


def test_tasks_sharing_a_key_run_in_order_and_others_overlap() -> None:
    """The lanes themselves: a slow first task must not be overtaken by a later one with the same key, while
    tasks with other keys run beside it. Each task keeps its own outcome, a failure included."""
    opened: list[object] = []

    class Transport:
        def close(self) -> None:
            return None

    def open_slot() -> Transport:
        transport = Transport()
        opened.append(transport)
        return transport

    slots: Slots[Transport] = Slots(open_slot, limit=4)
    order: list[str] = []
    running = 0
    peak = 0
    lock = threading.Lock()

    def task(name: str, pause: float) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(pause)
        with lock:
            running -= 1
            order.append(name)
        if name == "b2":
            raise ValueError("b2 fails alone")
        return name

    names = [("a1", 0.2), ("b1", 0.0), ("a2", 0.0), ("c1", 0.1), ("b2", 0.0), ("d1", 0.1), ("e1", 0.1)]
    keys = [{n[0]} for n, _ in names]
    outcomes = slots.run([lambda n=n, p=p: task(n, p) for n, p in names], keys)
    slots.close()

    assert [o.value for o in outcomes] == ["a1", "b1", "a2", "c1", None, "d1", "e1"]
    assert isinstance(outcomes[4].error, ValueError)
    assert order.index("a1") < order.index("a2") and order.index("b1") < order.index("b2")
    assert 1 < peak <= 4
    assert len(opened) <= 4
