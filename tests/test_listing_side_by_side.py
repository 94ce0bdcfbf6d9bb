"""A book's accounts listed since a state are asked side by side (issue #18): a run waits for its slowest account's
listing, not for the sum of them. What they answered is still reduced one account after another, in the book's
order, so nothing else about the run changes: a failing account fails alone, a change on one reaches the others.

A real ``contactsync sync`` against a real Radicale behind the latency proxy (bench/netproxy.py), which counts the
requests in flight: a no-change run of three CardDAV accounts sends one listing each, so one at a time never has
more than one in flight. A first sync (no state: each listing may be large) still lists one account at a time. And
a listing thread writes under its run's lease fence: after another instance took the book over, the copies its
connector keeps are refused as the run's own thread's writes are (on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.connector import PullResult
from contactsync.copies import RemoteCopy
from contactsync.engine.listing import Lister, Spill
from contactsync.engine.report import AccountReport, RunReport
from contactsync.errors import SyncTokenExpired, Transient
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import LeaseLost, Store
from tests.daemon_support import CONTACTSYNC, wait_for
from tests.system.radicale import PASSWORD, USER, DavUser, Radicale, props

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import LatencyProxy, proxied

RTT_MS = 200  # long enough that listings asked one after another can never overlap, whatever the machine's load
ACCOUNTS = ("dav-a", "dav-b", "dav-c")


def _listing_threads_done() -> None:
    """No listing thread of an earlier run is alive (each holds one of the process's 4 permits while it lists)."""
    wait_for("the listing threads to end", lambda: not any(t.name == "listing" for t in threading.enumerate()))


@pytest.fixture(autouse=True)
def no_listing_left() -> Iterator[None]:
    _listing_threads_done()
    yield
    _listing_threads_done()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


@pytest.fixture
def proxy(radicale: Radicale) -> Iterator[LatencyProxy]:
    with proxied(radicale.base_url, rtt_ms=RTT_MS) as latency:
        yield latency


def _card(uid: str, email: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nN:{uid};;;;\r\nEMAIL:{email}\r\nEND:VCARD\r\n"


def _config(tmp_path: Path, proxy: LatencyProxy, *, wrong_password_for: str = "") -> Path:
    good, wrong = tmp_path / "pw", tmp_path / "wrong-pw"
    for path, text in ((good, PASSWORD), (wrong, "not-the-password")):
        path.write_text(text)
        path.chmod(0o600)
    ca = proxy.write_ca(tmp_path / "ca.pem")
    lines = [f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}", "books:", "  - name: team", "    accounts:"]
    for name in ACCOUNTS:
        secret = wrong if name == wrong_password_for else good
        lines.append(
            f"      - {{name: {name}, type: carddav, options: {{url: '{proxy.url}/{USER}/{name}/', username: {USER}, "
            f"password_file: '{secret}', ca_bundle: '{ca}'}}}}"
        )
    config = tmp_path / "c.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def _sync(tmp_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "STATE_DIRECTORY": str(tmp_path / "state")}
    env.pop("CONTACTSYNC_CONFIG", None)
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), "sync"], env=env, capture_output=True, text=True, timeout=180
    )


def _emails(radicale: Radicale, name: str) -> list[str]:
    user = DavUser(f"{radicale.base_url}/{USER}/{name}/")
    try:
        return sorted(e for _etag, text in user.cards().values() for e in props(text, "EMAIL"))
    finally:
        user.close()


def _three_books(radicale: Radicale) -> None:
    for i, name in enumerate(ACCOUNTS):
        url = radicale.new_book(name)
        user = DavUser(url)
        user.put(url + f"{name}.vcf", _card(name, f"p{i}@example.org"))
        user.close()


def test_the_listings_of_a_no_change_run_are_in_flight_together(
    tmp_path: Path, radicale: Radicale, proxy: LatencyProxy
) -> None:
    _three_books(radicale)
    config = _config(tmp_path, proxy)
    proxy.reset()
    first = _sync(tmp_path, config)
    assert first.returncode == 0, first.stderr
    everyone = ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(_emails(radicale, name) == everyone for name in ACCOUNTS)
    # a first sync lists each account in full, one after another (several could not be held in memory at once)
    assert proxy.counters.snapshot().peak_in_flight <= 8, proxy.counters.snapshot()

    proxy.reset()
    again = _sync(tmp_path, config)
    assert again.returncode == 0, again.stderr
    counted = proxy.counters.snapshot()
    # one listing an account (nothing changed, nothing written): asked one at a time, never two would be in flight
    assert counted.requests == len(ACCOUNTS), counted
    assert counted.peak_in_flight >= 2, counted


def test_a_change_on_one_account_reaches_the_others_and_a_failing_listing_fails_alone(
    tmp_path: Path, radicale: Radicale, proxy: LatencyProxy
) -> None:
    _three_books(radicale)
    assert _sync(tmp_path, _config(tmp_path, proxy)).returncode == 0
    url_b = f"{radicale.base_url}/{USER}/dav-b/"
    user = DavUser(url_b)
    user.put(url_b + "new.vcf", _card("new", "new@example.org"))
    user.close()

    proxy.reset()
    # dav-c's password is wrong now: its listing fails (HTTP 401) while the two others are in flight
    done = _sync(tmp_path, _config(tmp_path, proxy, wrong_password_for="dav-c"))
    assert done.returncode == 3, done.stderr
    assert "account dav-c: listing failed (AuthFailed)" in done.stderr, done.stderr
    assert proxy.counters.snapshot().peak_in_flight >= 2, proxy.counters.snapshot()
    everyone = ["new@example.org", "p0@example.org", "p1@example.org", "p2@example.org"]
    assert _emails(radicale, "dav-a") == everyone
    assert _emails(radicale, "dav-b") == everyone
    assert _emails(radicale, "dav-c") == everyone[1:]  # not listed: nothing written to it; the write stays owed
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        assert store.outbox_count("dav-c") == 1


def test_only_a_store_every_thread_sees_lists_side_by_side(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as on_disk:
        assert on_disk.shared_by_threads
    with Store.open("sqlite://") as in_memory:  # each thread would see a database of its own
        assert not in_memory.shared_by_threads


class KeepsACopy:
    """A listing with nothing changed whose connector keeps a copy in the store as it lists (as CardDAV keeps the
    cards it read and Outlook its markers), from whatever thread lists it."""

    def __init__(self, store: Store, name: str) -> None:
        self.store, self.name = store, name
        self.kept_on: list[str] = []

    def pull(self, state: str | None) -> PullResult:
        self.kept_on.append(threading.current_thread().name)
        self.store.copies(self.name).put({"item": RemoteCopy("e1", b"kept")})
        return PullResult(changed=[], deleted=(), next_state="s2", full=False)


def test_a_listing_thread_keeps_nothing_once_another_instance_took_the_book(store_url: str) -> None:
    names = ["first", "second", "third"]
    with Store.open(store_url) as store:
        store.ensure_leases({"b": names})
        stale = store.claim_lease("b", names, "i1", 60, start_run=True)
        assert stale and stale.fence is not None
        store.release_lease("b", "i1", next_due_at=None, finished=True)
        assert store.claim_lease("b", names, "i2", 60, start_run=True)  # another instance took the book over
        with store.transaction() as tx:
            tx.set_states((name, "s1", False) for name in names)
        book = BookSettings("b", tuple(AccountSettings(name, "memory") for name in names))
        connectors = {name: KeepsACopy(store, name) for name in names}
        connectors["first"].pull = lambda state: PullResult(changed=[], deleted=(), next_state="s2", full=False)  # type: ignore[method-assign]
        report = RunReport("b", False)
        for name in names:
            report.accounts[name] = AccountReport(name)
        lister = Lister(store, book, connectors, RetryPolicy(), Spill(), 1000)  # type: ignore[arg-type]
        # the first account is listed on this thread and keeps nothing; the two others on listing threads
        with store.fenced(stale.fence), pytest.raises(LeaseLost):
            lister.pull_all(report)
        _listing_threads_done()  # the third may still be at it when the second's refusal stops the run
        assert connectors["second"].kept_on == ["listing"]  # asked ahead, on a listing thread
        assert all(store.copies(name).get(["item"]) == {} for name in names)


class Expired:
    """A listing whose state expired: it lists everything instead, and notes on which thread it did."""

    def __init__(self) -> None:
        self.asked_on: list[str] = []

    def pull(self, state: str | None) -> PullResult:
        self.asked_on.append(threading.current_thread().name)
        if state is not None:
            raise SyncTokenExpired("the state expired")
        return PullResult(changed=[], deleted=(), next_state="s2", full=True)


def test_an_expired_state_is_listed_in_full_on_the_runs_own_thread(tmp_path: Path) -> None:
    # several full listings held side by side would not fit where one does: each waits for its account's turn
    names = ["first", "second", "third"]
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        with store.transaction() as tx:
            tx.set_states((name, "s1", False) for name in names)
        connectors = {name: Expired() for name in names}
        report = RunReport("b", False)
        for name in names:
            report.accounts[name] = AccountReport(name)
        book = BookSettings("b", tuple(AccountSettings(name, "memory") for name in names))
        pulled = Lister(store, book, connectors, RetryPolicy(), Spill(), 1000).pull_all(report)  # type: ignore[arg-type]
    assert all(pulled[name].full for name in names)
    here = threading.current_thread().name
    assert connectors["first"].asked_on == [here, here]
    for name in ("second", "third"):
        assert connectors[name].asked_on == ["listing", here], connectors[name].asked_on


class RefusesOnce:
    """A listing the server answers with a 503 first: the retry policy waits, then would send it again."""

    def __init__(self) -> None:
        self.calls = 0
        self.refused = threading.Event()

    def pull(self, state: str | None) -> PullResult:
        self.calls += 1
        if self.calls == 1:
            self.refused.set()
            raise Transient("503 from the server")
        return PullResult(changed=[], deleted=(), next_state="s2", full=False)


class LosesItsLease:
    """The run's own listing, which finds the book taken over once the other listing got its 503."""

    def __init__(self, other: RefusesOnce) -> None:
        self.other = other

    def pull(self, state: str | None) -> PullResult:
        assert self.other.refused.wait(30)
        raise LeaseLost("another instance took the book over")


def test_a_run_that_stops_sends_nothing_more_for_the_listings_it_asked_ahead(tmp_path: Path) -> None:
    # the run's thread stops at its first account (a lost lease) while the second's listing, asked ahead, waits to
    # send again after a 503: it gives up at the end of that wait instead of sending, and the run waits for it
    # (its connectors close next, and their transports go to the account's next run)
    names = ["first", "second"]
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        with store.transaction() as tx:
            tx.set_states((name, "s1", False) for name in names)
        slow = RefusesOnce()
        connectors = {"first": LosesItsLease(slow), "second": slow}
        report = RunReport("b", False)
        for name in names:
            report.accounts[name] = AccountReport(name)
        book = BookSettings("b", tuple(AccountSettings(name, "memory") for name in names))
        lister = Lister(store, book, connectors, RetryPolicy(backoff_s=1.0), Spill(), 1000)  # type: ignore[arg-type]
        with pytest.raises(LeaseLost):
            lister.pull_all(report)
        assert not any(t.name == "listing" for t in threading.enumerate()), "a listing outlived its run"
    assert slow.calls == 1
