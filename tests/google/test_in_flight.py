"""Google reads in flight (#18), through a real latency proxy (bench/netproxy.py) in front of the People API
emulator: a listing's labels and pages, and getBatchGet calls, overlap; mutations for the user never do (the
emulator refuses an overlapping one, as Google asks them to be sequential)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from contactsync.connectors.google import GoogleConnector
from contactsync.connectors.google.auth import GoogleAuth
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.engine import Engine
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from netproxy import LatencyProxy

USER = "ana@example.com"


def persons(n: int, offset: int = 0) -> list[dict[str, object]]:
    return [
        {
            "names": [{"givenName": f"P{i}", "familyName": "Flight"}],
            "emailAddresses": [{"value": f"p{i}@example.org", "type": "work"}],
        }
        for i in range(offset, offset + n)
    ]


@pytest.fixture
def far() -> Iterator[tuple[PeopleEmulator, LatencyProxy, str]]:
    with PeopleEmulator() as emulator:
        token = emulator.add_user(USER)
        proxy = LatencyProxy(emulator.url, rtt_ms=40, tls=False).start()
        try:
            yield emulator, proxy, token
        finally:
            proxy.stop()


def connector(proxy: LatencyProxy, token: str, **kwargs: int) -> GoogleConnector:
    return GoogleConnector(
        "google", GoogleAuth(Credentials(token), "", "test"), endpoint=proxy.url.rstrip("/") + "/", **kwargs
    )


def test_a_full_listing_reads_the_labels_alongside_its_pages_and_lists_everyone_once(
    far: tuple[PeopleEmulator, LatencyProxy, str],
) -> None:
    emulator, proxy, token = far
    emulator.seed(USER, persons(45))
    google = connector(proxy, token, page_size=10)
    try:
        proxy.reset()
        listed = google.pull(None)
    finally:
        google.close()
    assert sorted(rc.contact.emails[0].address for rc in listed.changed) == sorted(
        f"p{i}@example.org" for i in range(45)
    )
    assert listed.full and listed.next_state is not None
    assert emulator.requests[RequestKind.LIST_CONNECTIONS] == 5  # each page once, none asked for twice
    # the labels and the first page were in flight together; pages follow each other (a page token each)
    assert proxy.counters.peak_in_flight == 2


def test_batch_gets_overlap_and_find_every_person(far: tuple[PeopleEmulator, LatencyProxy, str]) -> None:
    emulator, proxy, token = far
    names = emulator.seed(USER, persons(450))
    google = connector(proxy, token)
    try:
        proxy.reset()
        found = google.read_persons([*names, "people/c0000000000000000000"])  # one gone: simply absent
    finally:
        google.close()
    assert sorted(found) == sorted(names)
    assert emulator.requests[RequestKind.BATCH_GET] == 3  # ⌈451/200⌉
    assert 2 <= proxy.counters.peak_in_flight <= 3


def test_a_first_sync_into_google_never_overlaps_two_mutations(
    far: tuple[PeopleEmulator, LatencyProxy, str], tmp_path: Path
) -> None:
    emulator, proxy, token = far
    scratch = emulator.add_user("scratch@example.com")
    emulator.seed("scratch@example.com", persons(450))
    reader = GoogleConnector("scratch", GoogleAuth(Credentials(scratch), "", "test"), endpoint=emulator.url)
    memory = MemoryBackend(name="mem")
    for remote in reader.pull(None).changed:
        memory.user_create(remote.contact)
    reader.close()
    google = connector(proxy, token)
    book = BookSettings("main", (AccountSettings("google", "google"), AccountSettings("mem", "memory")))
    try:
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            report = Engine(
                store, book, {"google": google, "mem": MemoryConnector("mem", memory)}, sleep=lambda _s: None
            ).run()
    finally:
        google.close()
    # an overlapping mutation would have been answered 409 ABORTED and left its creates owed
    assert report.accounts["google"].created == 450
    assert report.accounts["google"].error is None and report.accounts["google"].pending == 0
    assert len(emulator.persons(USER)) == 450
