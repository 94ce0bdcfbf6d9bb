"""Outlook writes in flight (#18): sequential `$batch` chains of 20, four at once per app, through a real latency
proxy (bench/netproxy.py) in front of the Graph emulator; a lost answer, a stale changeKey and a throttled member
inside a chain each touch only what they must, and nobody is lost or doubled."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind, PullResult
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions, mapping
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.engine import Engine, RunReport
from contactsync.errors import PreconditionFailed
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from .conftest import CLIENT_ID, SECRET, TENANT, USER

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from netproxy import LatencyProxy


def person(n: int) -> Contact:
    return normalize_contact(
        Contact(name=Name(given=f"P{n}", family="Flight"), emails=(Email(f"p{n}@example.org", EmailKind.WORK),))
    )


class Hooked(MemoryConnector):
    """The memory account, listed after Outlook: a hook here lands between the listings and the writes."""

    def __init__(self, name: str, backend: MemoryBackend, hook: Callable[[], None] | None) -> None:
        super().__init__(name, backend)
        self._hook = hook

    def pull(self, state: str | None) -> PullResult:
        listed = super().pull(state)
        if self._hook is not None:
            self._hook()
        return listed


class Far:
    """The emulator 40 ms away behind the TLS proxy, an Outlook connector reaching it there, a memory account and
    a SQLite store: the engine syncs the two."""

    def __init__(self, emu: GraphEmulator, proxy: LatencyProxy, tmp: Path) -> None:
        self.emu, self.proxy = emu, proxy
        emu.behind = proxy.url
        ca = str(proxy.write_ca(tmp / "proxy-ca.pem"))
        options = OutlookOptions(tenant_id=TENANT, client_id=CLIENT_ID, client_secret=SECRET, mailbox=USER,
                                 authority_host=proxy.url, graph_url=proxy.url + "/v1.0", ca_bundle=ca)  # fmt: skip
        self.outlook = OutlookConnector("outlook", options)
        self.memory = MemoryBackend(name="mem")
        self.book = BookSettings("main", (AccountSettings("outlook", "outlook"), AccountSettings("mem", "memory")))
        self.url = f"sqlite:///{tmp / 'store.db'}"

    def run(self, *, after_listing: Callable[[], None] | None = None) -> RunReport:
        """``after_listing`` runs once both accounts are listed, before any write."""
        connectors: dict[str, Any] = {"outlook": self.outlook, "mem": Hooked("mem", self.memory, after_listing)}
        with Store.open(self.url) as store:
            return Engine(store, self.book, connectors, sleep=lambda _s: None).run()

    def outlook_emails(self) -> list[str]:
        return sorted(e["address"] for c in self.emu.contacts(USER) for e in c["emailAddresses"])

    def memory_emails(self) -> list[str]:
        return sorted(e.address for c in self.memory.contacts().values() for e in c.emails)


@pytest.fixture
def far(tmp_path: Path) -> Iterator[Far]:
    with GraphEmulator(seed=11) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        proxy = LatencyProxy(emu.own_url, rtt_ms=40).start()
        world = Far(emu, proxy, tmp_path)
        try:
            yield world
        finally:
            world.outlook.close()
            proxy.stop()


def test_eighty_creates_go_as_four_chains_in_flight_and_graph_never_throttles(far: Far) -> None:
    for n in range(80):
        far.memory.user_create(person(n))
    far.proxy.reset()
    far.emu.reset_counters()
    report = far.run()
    assert report.accounts["outlook"].created == 80
    assert far.outlook_emails() == far.memory_emails()
    assert far.emu.requests[RequestKind.BATCH] == 4  # one push of 80: four $batch of 20
    assert far.emu.requests[RequestKind.CREATE] == 80
    # the four chains overlapped on the wire, and Graph's four slots per app were never exceeded nor refused
    assert 2 <= far.proxy.counters.peak_in_flight <= 4
    assert max(far.emu.limiter.peak.values()) <= 4
    assert far.emu.limiter.refused == 0


def test_a_lost_answer_among_four_batches_in_flight_neither_loses_nor_doubles(far: Far) -> None:
    for n in range(80):
        far.memory.user_create(person(n))
    # the first create Graph applies is followed by a dropped connection: its chain's answer is lost mid-flight
    # while the three other chains are answered
    far.emu.drop_after_write_next(1)
    first = far.run()
    assert first.accounts["outlook"].created == 60
    assert first.accounts["outlook"].pending == 20  # the lost chain: outcome unknown, never sent again blindly
    assert len(far.emu.contacts(USER)) == 61  # the applied create of the lost chain is there, once
    second = far.run()
    assert second.accounts["outlook"].created == 19  # the one applied is adopted by its marker, not created again
    third = far.run()
    assert third.writes == 0
    assert far.outlook_emails() == far.memory_emails() == sorted(f"p{n}@example.org" for n in range(80))
    assert len({mapping.marker_of(c) for c in far.emu.contacts(USER)}) == 80


def test_a_stale_change_key_mid_chain_fails_alone_and_the_rest_of_its_chain_is_sent_again(far: Far) -> None:
    created = far.outlook.push([Change(ChangeKind.CREATE, f"c{n}", contact=person(n)) for n in range(5)])
    refs = [r.ref for r in created]
    assert all(r.ok for r in created) and all(refs)
    far.emu.edit(USER, refs[1].id, {"jobTitle": "Edited in Outlook"})  # changes its changeKey
    far.emu.reset_counters()
    updates = [
        Change(
            ChangeKind.UPDATE,
            f"c{n}",
            contact=replace(person(n), job_title=f"Title {n}"),
            ref=refs[n],
            previous=person(n),
        )
        for n in range(5)
    ]
    results = far.outlook.push(updates)
    assert [r.ok for r in results] == [True, False, True, True, True]
    assert isinstance(results[1].error, PreconditionFailed)
    # Graph ran the chain up to the 412 and answered 424 for the rest: those went again in a second chain
    assert far.emu.requests[RequestKind.BATCH] == 2
    assert far.emu.requests[RequestKind.UPDATE] == 5  # each ran once: 0 and 1 in the first chain, 2-4 in the second
    titles = {c["id"]: c.get("jobTitle") for c in far.emu.contacts(USER)}
    assert [titles[refs[n].id] for n in range(5)] == ["Title 0", "Edited in Outlook", "Title 2", "Title 3", "Title 4"]


def test_a_throttled_member_stops_its_chain_and_the_engine_sends_the_rest_once(far: Far) -> None:
    for n in range(30):
        far.memory.user_create(person(n))
    report = far.run(after_listing=lambda: far.emu.throttle_next(1, retry_after=1))
    assert report.accounts["outlook"].created == 30
    assert far.emu.requests[RequestKind.CREATE] == 30 + 1  # the throttled one was refused, then sent once more
    assert far.outlook_emails() == far.memory_emails()
    assert len({mapping.marker_of(c) for c in far.emu.contacts(USER)}) == 30


def test_graph_refuses_a_batch_neither_fully_sequential_nor_fully_parallel(far: Far) -> None:
    members = [
        BatchMember("1"),
        {**BatchMember("2"), "dependsOn": ["1"]},
        BatchMember("3"),  # independent of the chain: Graph answers 400 for the whole batch
    ]
    answer = far.outlook.graph.http.post(
        far.proxy.url + "/v1.0/$batch",
        json={"requests": members},
        headers={"Authorization": f"Bearer {far.outlook.graph.tokens.token(fresh=False)}"},
    )
    assert answer.status_code == 400
    assert "fully sequential or fully parallel" in answer.json()["error"]["message"]
    assert far.emu.contacts(USER) == []


def BatchMember(member_id: str) -> dict[str, Any]:
    return {"id": member_id, "method": "POST", "url": f"/users/{USER}/contacts",
            "headers": {"Content-Type": "application/json"}, "body": {"givenName": f"B{member_id}"}}  # fmt: skip


def test_two_mailboxes_of_one_app_share_its_four_slots(far: Far, tmp_path: Path) -> None:
    other = "bo@contoso.test"
    far.emu.add_mailbox(TENANT, other)
    ca = str(far.proxy.write_ca(tmp_path / "proxy-ca-2.pem"))
    options = OutlookOptions(tenant_id=TENANT, client_id=CLIENT_ID, client_secret=SECRET, mailbox=other,
                             authority_host=far.proxy.url, graph_url=far.proxy.url + "/v1.0", ca_bundle=ca)  # fmt: skip
    second = OutlookConnector("second", options)
    try:
        results: dict[str, list[bool]] = {}

        def push(name: str, connector: OutlookConnector) -> None:
            changes = [Change(ChangeKind.CREATE, f"{name}{n}", contact=person(n)) for n in range(80)]
            results[name] = [r.ok for r in connector.push(changes)]

        # two daemon workers, one mailbox each, writing at the same time through the one app
        workers = [threading.Thread(target=push, args=(n, c)) for n, c in (("a", far.outlook), ("b", second))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        shared = second._http.limit.limiter  # type: ignore[attr-defined]
    finally:
        second.close()
    assert shared is far.outlook._http.limit.limiter  # type: ignore[attr-defined]
    assert shared.peak <= 4  # never more than the app's four slots held, whichever mailbox they served
    assert results == {"a": [True] * 80, "b": [True] * 80}
    assert len(far.emu.contacts(USER)) == len(far.emu.contacts(other)) == 80
    # 8 chains wanted to run; the process's limiter for the app let 4 at a time reach Graph, which refused none
    assert max(far.emu.limiter.peak.values()) <= 4
    assert far.emu.limiter.refused == 0


def test_a_full_listing_scans_the_markers_alongside_the_delta(far: Far, monkeypatch: pytest.MonkeyPatch) -> None:
    marked = {n: f"canonical-{n}" for n in range(0, 2500, 100)}
    far.emu.seed(
        USER,
        [
            {"givenName": f"P{n}", **({mapping.EXTENDED: mapping.marker_property(marked[n])} if n in marked else {})}
            for n in range(2500)
        ],
    )
    # Graph holds the second delta page until a scan page is asked for: a connector that scanned only after the
    # delta would wait 10 s here and show one request in flight; one that scans alongside shows two, whatever
    # the machine's load (unheld, a loaded CI machine once parsed the first page for longer than the whole scan)
    scan_asked, deltas = threading.Event(), []
    count = far.emu._graph.count

    def held(kind: RequestKind) -> None:
        count(kind)
        if kind is RequestKind.LIST:
            scan_asked.set()
        elif kind is RequestKind.DELTA:
            deltas.append(kind)
            if len(deltas) == 2:
                scan_asked.wait(10)

    monkeypatch.setattr(far.emu._graph, "count", held)
    far.proxy.reset()
    listed = far.outlook.pull(None)
    assert scan_asked.is_set()
    assert len(listed.changed) == 2500
    assert {rc.marker for rc in listed.changed if rc.marker} == set(marked.values())
    assert far.emu.requests[RequestKind.DELTA] == 3 and far.emu.requests[RequestKind.LIST] == 3
    assert far.proxy.counters.peak_in_flight == 2  # a delta page and a scan page at a time, never more
