"""The one retry policy (contactsync/retry.py), counted in requests that really reach a server.

Transports send once; the engine's policy decides whether to send again: at most ``attempts`` sends per call,
the wait the platform asked for (or Google's quota minute when it did not say), never a wait beyond its budget.
Each test runs the real engine against an emulator (or Radicale behind the fault proxy) with a real fault, and
counts what the server saw. Sleeping is recorded instead of done, on the emulator's clock where it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from contactsync.connector import Connector
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.google.auth import credentials_for
from contactsync.connectors.google.connector import GoogleConnector
from contactsync.connectors.memory import MemoryBackend
from contactsync.connectors.outlook import mapping as graph_mapping
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.google.control import RequestKind as GoogleRequest
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook.graph import RequestKind as GraphRequest
from contactsync.engine import Engine, RunReport
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from .google.helpers import clock_sleep, google_account
from .outlook.conftest import CLIENT_ID, SECRET, TENANT
from .outlook.conftest import USER as MAILBOX
from .outlook.fixtures import Waits, outlook
from .outlook.test_faults import HookedMemory
from .system.faultproxy import FaultProxy
from .system.radicale import PASSWORD, USER, DavUser, Radicale
from .test_whole_system import radicale  # noqa: F401  (the module's Radicale server, a fixture)

ATTEMPTS = RetryPolicy().attempts
GOOGLE_USER = "alice@example.com"


def person(n: int) -> Contact:
    return normalize_contact(
        Contact(name=Name(given=f"P{n}", family="Test"), emails=(Email(f"p{n}@example.org", EmailKind.WORK),))
    )


class Book:
    """One platform account and a memory account in a book, run by the real engine on a SQLite store."""

    def __init__(
        self, tmp: Path, platform: str, connect: Callable[[], Connector], sleep: Callable[[float], None]
    ) -> None:
        self.memory = MemoryBackend(name="mem")
        self.mem = HookedMemory("mem", self.memory)
        self.platform = platform
        self.connect = connect
        self.sleep = sleep
        self.book = BookSettings("book", (AccountSettings(platform, platform), AccountSettings("mem", "memory")))
        self.url = f"sqlite:///{tmp / 'store.db'}"

    def run(self) -> RunReport:
        connector = self.connect()
        try:
            with Store.open(self.url) as store:
                return Engine(store, self.book, {self.platform: connector, "mem": self.mem}, sleep=self.sleep).run()
        finally:
            connector.close()


# ---------------------------------------------------------------------------------------------- Google
@pytest.fixture
def google() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as emu:
        emu.add_user(GOOGLE_USER)
        yield emu
        assert emu.internal_errors == []


def google_book(emu: PeopleEmulator, tmp: Path, waits: list[float]) -> Book:
    account = google_account(emu, GOOGLE_USER, "google")

    def connect() -> GoogleConnector:
        return GoogleConnector("google", credentials_for(account, token_uri=emu.token_uri), endpoint=emu.url)

    return Book(tmp, "google", connect, clock_sleep(emu, waits))


def test_one_failing_google_read_is_sent_attempts_times_not_twelve(google: PeopleEmulator, tmp_path: Path) -> None:
    waits: list[float] = []
    book = google_book(google, tmp_path, waits)
    google.faults.fail_next(100, status=503, path_contains="/connections")
    report = book.run()
    # before: the engine tried 3 times, each a Google transport retrying 4 times: 12 requests for one read
    assert google.requests[GoogleRequest.LIST_CONNECTIONS] == ATTEMPTS == 4
    assert waits == [2.0, 4.0, 8.0]
    assert report.accounts["google"].error_kind == "Transient"
    google.faults.clear()
    assert book.run().accounts["google"].error is None


def test_a_google_quota_429_without_retry_after_waits_the_quota_minute(google: PeopleEmulator, tmp_path: Path) -> None:
    waits: list[float] = []
    book = google_book(google, tmp_path, waits)
    book.memory.user_create(person(1))
    # Google's per-minute quotas may answer 429 without Retry-After: 1-2-4 s would only spend the next minute's
    # requests, so the policy waits the quota's window, once for the read and once for the write
    google.faults.fail_next(1, status=429, path_contains="/connections")
    google.faults.fail_next(1, status=429, path_contains="batchCreateContacts")
    report = book.run()
    assert waits == [60.0, 60.0]
    assert report.result.value == "ok" and report.accounts["google"].created == 1
    assert google.requests[GoogleRequest.BATCH_CREATE] == 2  # refused once (nothing applied), then sent again
    assert [p["emailAddresses"][0]["value"] for p in google.persons(GOOGLE_USER)] == ["p1@example.org"]


def test_google_quota_waits_what_retry_after_says(tmp_path: Path) -> None:
    with PeopleEmulator(reads_per_minute=2) as limited:
        limited.add_user(GOOGLE_USER)
        limited.seed(GOOGLE_USER, [{"names": [{"givenName": "Ann"}]}])
        waits: list[float] = []
        book = google_book(limited, tmp_path, waits)
        assert book.run().accounts["google"].pulled == 1
        report = book.run()  # the quota's remaining reads are spent: 429 with Retry-After, then let through
    assert report.accounts["google"].error is None
    assert waits and all(1 <= w <= 60 for w in waits)


def test_a_lost_google_create_answer_is_never_sent_again(google: PeopleEmulator, tmp_path: Path) -> None:
    waits: list[float] = []
    book = google_book(google, tmp_path, waits)
    book.memory.user_create(person(1))
    google.faults.drop_after_write_next(1, path_contains="batchCreateContacts")
    first = book.run()
    assert google.requests[GoogleRequest.BATCH_CREATE] == 1 and waits == []
    assert first.accounts["google"].created == 0 and first.accounts["google"].pending == 1


# ---------------------------------------------------------------------------------------------- Graph
@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, MAILBOX)
        yield emu


def graph_book(emu: GraphEmulator, tmp: Path, waits: Waits) -> Book:
    return Book(tmp, "outlook", lambda: outlook(emu), waits)


def test_graph_throttling_waits_what_retry_after_says(graph: GraphEmulator, tmp_path: Path) -> None:
    graph.seed(MAILBOX, [{"givenName": f"G{i}"} for i in range(3)])
    waits = Waits()
    book = graph_book(graph, tmp_path, waits)
    graph.throttle_next(3, retry_after=7)
    report = book.run()
    assert waits.asked == [7.0, 7.0, 7.0]
    assert report.accounts["outlook"].error is None and report.accounts["outlook"].pulled == 3


def test_endless_graph_throttling_is_sent_attempts_times_then_left_for_the_next_run(
    graph: GraphEmulator, tmp_path: Path
) -> None:
    waits = Waits()
    book = graph_book(graph, tmp_path, waits)
    graph.throttle_next(50, retry_after=9)
    report = book.run()
    assert waits.asked == [9.0] * (ATTEMPTS - 1)
    assert report.accounts["outlook"].error_kind == "RateLimited"
    # before: the Graph client's 5 tries inside each of the engine's 3, 15 requests
    sent = {kind: n for kind, n in graph.requests.items() if kind not in (GraphRequest.TOKEN, GraphRequest.DISCOVERY)}
    assert sum(sent.values()) == ATTEMPTS, sent


def test_throttled_batch_members_are_sent_again_after_their_wait(graph: GraphEmulator, tmp_path: Path) -> None:
    waits = Waits()
    book = graph_book(graph, tmp_path, waits)
    for n in range(5):
        book.memory.user_create(person(n))
    # armed once Outlook is listed: the first member of the (sequential) $batch of creates is throttled, so Graph
    # runs none of the others (424): all five are sent again after the wait (Graph counts members)

    def arm() -> None:
        graph.reset_counters()
        graph.throttle_next(1, retry_after=3)

    book.mem.during_pull = arm
    report = book.run()
    assert waits.asked == [3.0]
    assert graph.requests[GraphRequest.BATCH] == 2  # the first envelope, then one for the five not run
    assert report.accounts["outlook"].created == 5 and report.accounts["outlook"].pending == 0
    markers = {graph_mapping.marker_of(c) for c in graph.contacts(MAILBOX)}
    assert len(markers) == 5 and None not in markers  # five people, each created once


def test_a_wait_longer_than_the_budget_is_not_slept_and_the_writes_stay_owed(
    graph: GraphEmulator, tmp_path: Path
) -> None:
    waits = Waits()
    book = graph_book(graph, tmp_path, waits)
    for n in range(3):
        book.memory.user_create(person(n))
    # the chain's first member is throttled; Graph runs none of the others (sequential $batch): all three wait
    book.mem.during_pull = lambda: graph.throttle_next(1, retry_after=3600)
    first = book.run()
    assert waits.asked == []  # an hour is past the policy's budget: not slept on, not sent early either
    assert first.accounts["outlook"].created == 0 and first.accounts["outlook"].pending == 3
    second = book.run()
    assert second.accounts["outlook"].created == 3 and second.accounts["outlook"].pending == 0
    assert len(graph.contacts(MAILBOX)) == 3


# ---------------------------------------------------------------------------------------------- CardDAV
def test_carddav_faults_are_retried_by_the_policy(radicale: Radicale, tmp_path: Path) -> None:  # noqa: F811
    book_url = radicale.new_book()
    user = DavUser(book_url)
    waits = Waits()
    with FaultProxy(radicale.base_url) as proxy:
        made: list[CardDavConnector] = []

        def connect() -> CardDavConnector:
            made.append(
                CardDavConnector(
                    "dav", CardDavOptions(url=proxy.proxied(book_url), username=USER, timeout=30), PASSWORD
                )
            )
            return made[-1]

        book = Book(tmp_path, "dav", connect, waits)
        book.memory.user_create(person(1))
        proxy.fail_next(2, 503)  # no Retry-After: the policy's own backoff
        report = book.run()
        try:
            assert waits.asked == [2.0, 4.0]
            assert report.accounts["dav"].error is None and report.accounts["dav"].created == 1
            assert len(user.cards()) == 1
        finally:
            user.close()
