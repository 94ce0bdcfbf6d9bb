"""The daemon's in-flight budget per platform and app (issue #18, contactsync/daemon/budget.py).

- The budget itself, with real threads: a key's calls never exceed its limit, the calls over it wait and then
  all run, another key is never held back, and a stopping daemon gives up waiting instead of taking a slot.
- A real ``contactsync run`` on PostgreSQL: ten CardDAV books on one Radicale (behind the latency proxy, which
  counts requests in flight) and one book whose CardDAV server answers one byte a second. The ten finish while the
  slow one is still stuck, and no more than the budget's requests ever reach Radicale at once, though each book
  alone may send 8 (the budget counts CardDAV's requests, not its calls: tests/test_daemon_sharing.py has more).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.daemon.budget import BudgetKey, InFlightBudget, Usage, budget_key, default_workers, limit_for
from contactsync.daemon.limits import GuardedConnector
from contactsync.errors import SyncAborted
from contactsync.settings import AccountSettings
from contactsync.store import Store
from contactsync.store import schema as t
from tests.carddav.conftest import DavServer, radicale_server  # noqa: F401  # the session's Radicale
from tests.daemon_support import DaemonProcess, fill, wait_for
from tests.test_net_edges import SlowServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import LatencyProxy, proxied

HOST = BudgetKey("carddav", "dav.example.org")


def _account(type_name: str, **options: object) -> AccountSettings:
    return AccountSettings(name="a", type=type_name, options=options)


class Holders:
    """``count`` threads that each take a slot of ``key`` and hold it until released."""

    def __init__(self, budget: InFlightBudget, key: BudgetKey, count: int) -> None:
        self.release = threading.Event()
        self.done: list[int] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._hold, args=(budget, key, i)) for i in range(count)]
        for thread in self._threads:
            thread.start()

    def _hold(self, budget: InFlightBudget, key: BudgetKey, i: int) -> None:
        with budget.slot(key):
            self.release.wait(30)
        with self._lock:
            self.done.append(i)

    def join(self) -> None:
        self.release.set()
        for thread in self._threads:
            thread.join(30)


def test_a_keys_calls_never_exceed_its_limit_and_those_over_it_wait_then_run() -> None:
    budget = InFlightBudget(lambda key: 3)
    holders = Holders(budget, HOST, 7)
    try:
        # three hold a slot, the four others wait for one
        wait_for("three in flight, four waiting", lambda: budget.usage().get(HOST) == Usage(3, 3, 3, 4))
        assert holders.done == []
    finally:
        holders.join()
    assert sorted(holders.done) == list(range(7))
    assert budget.usage()[HOST] == Usage(limit=3, in_flight=0, peak=3, waited=4)


def test_another_server_is_never_held_back_by_a_full_budget() -> None:
    budget = InFlightBudget(lambda key: 2)
    holders = Holders(budget, HOST, 2)
    try:
        wait_for("the first server's budget full", lambda: budget.usage().get(HOST) == Usage(2, 2, 2, 0))
        other = BudgetKey("carddav", "other.example.org")
        with budget.slot(other):  # taken at once, on this very thread, while the first server's calls hang
            assert budget.usage()[other].in_flight == 1
    finally:
        holders.join()


def test_no_limit_lets_every_call_through_at_once() -> None:
    budget = InFlightBudget(lambda key: None)
    holders = Holders(budget, HOST, 12)
    try:
        wait_for("all twelve in flight", lambda: budget.usage().get(HOST) == Usage(None, 12, 12, 0))
    finally:
        holders.join()


def test_a_stopping_daemon_gives_up_waiting_for_a_slot_and_never_takes_one() -> None:
    budget = InFlightBudget(lambda key: 1)
    holders = Holders(budget, HOST, 1)
    stopping = threading.Event()
    outcome: list[BaseException] = []

    def check() -> None:
        if stopping.is_set():
            raise SyncAborted("stopping")

    def wait_for_slot() -> None:
        try:
            with budget.slot(HOST, check=check):
                outcome.append(AssertionError("a slot was taken while the daemon stops"))
        except SyncAborted as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait_for_slot)
    try:
        wait_for("the slot held", lambda: budget.usage().get(HOST) == Usage(1, 1, 1, 0))
        waiter.start()
        wait_for("a call waiting", lambda: budget.usage()[HOST].waited == 1)
        stopping.set()
        waiter.join(30)
        assert [type(e) for e in outcome] == [SyncAborted]
        assert budget.usage()[HOST].in_flight == 1  # only the holder's
    finally:
        holders.join()


def test_a_call_waiting_for_its_servers_budget_is_held_back_and_its_wait_is_counted() -> None:
    budget = InFlightBudget(lambda key: 1)
    guarded = GuardedConnector(MemoryConnector("a", MemoryBackend()), None, slot=partial(budget.slot, HOST))
    holders = Holders(budget, HOST, 1)
    pulled: list[object] = []
    caller = threading.Thread(target=lambda: pulled.append(guarded.pull(None)))
    try:
        wait_for("the slot held", lambda: budget.usage().get(HOST) == Usage(1, 1, 1, 0))
        caller.start()
        wait_for("the call waiting", lambda: budget.usage()[HOST].waited == 1)
        assert pulled == [] and guarded.counts.total == 0  # not sent while the other book holds the slot
    finally:
        holders.join()
    caller.join(30)
    assert len(pulled) == 1 and guarded.counts.by_status == {"ok": 1}
    assert guarded.slot_wait_s > 0  # what the run's summary line reports as budget_wait_s


def test_accounts_share_a_budget_per_server_and_per_graph_app() -> None:
    a = budget_key(_account("carddav", url="https://DAV.example.org/dav/ana/contacts/"))
    b = budget_key(_account("carddav", url="https://dav.example.org/dav/bob/contacts/"))
    c = budget_key(_account("carddav", url="https://dav.example.org:8443/dav/bob/contacts/"))
    assert a == b == BudgetKey("carddav", "dav.example.org") and c != a
    graph = "https://graph.microsoft.com/v1.0"
    one = budget_key(_account("outlook", tenant_id="t", client_id="app-1", mailbox="ana@x", graph_url=graph))
    two = budget_key(_account("outlook", tenant_id="t", client_id="app-1", mailbox="bob@x", graph_url=graph))
    other_app = budget_key(_account("outlook", tenant_id="t", client_id="app-2", mailbox="ana@x", graph_url=graph))
    assert one == two != other_app
    assert budget_key(_account("outlook", tenant_id="t", client_id="app-1")) == BudgetKey("outlook", "/app-1")
    assert budget_key(_account("vdir", path="/srv/a")) == BudgetKey("vdir", "")


def test_limits_are_the_platforms_unless_the_admin_sets_them() -> None:
    assert limit_for("carddav", {}) == 8
    assert limit_for("outlook", {}) == 4  # Graph: 4 concurrent requests per app
    assert limit_for("google", {}) == 8
    assert limit_for("vdir", {}) is None  # a folder on disk has no server to spare
    assert limit_for("carddav", {"carddav": 16}) == 16
    assert limit_for("carddav", {"carddav": 0}) is None
    assert limit_for("no-such-type", {}) is None


def test_workers_fill_the_budgets_in_use_with_room_for_slow_servers() -> None:
    assert default_workers("sqlite", {HOST: 8}) == 1
    assert default_workers("postgresql", {HOST: 4}) == 8
    assert default_workers("postgresql", {HOST: 2, BudgetKey("outlook", "/app"): 4}) == 12
    assert default_workers("postgresql", {BudgetKey("vdir", ""): None}) == 4
    # never more than the store's connection pool serves without making a run wait for a connection
    assert default_workers("postgresql", {BudgetKey("carddav", f"h{i}"): 8 for i in range(10)}) == 12


# --- a real daemon ---------------------------------------------------------------------------------------------

FAST = [f"f{i:02d}" for i in range(10)]
BUDGET = 2


@pytest.fixture
def proxy(radicale_server: DavServer) -> Iterator[LatencyProxy]:  # noqa: F811  # the fixture imported above
    # 80 ms away: calls of several books overlap only if the daemon lets them. At 20 ms a loaded CI machine ran the
    # ten books' 50 requests without two ever in flight at once (each book's CPU between its requests outlasted
    # the round trip), and the test's "the books did run together" failed: the test's timing, not the budget
    with proxied(radicale_server.base_url, rtt_ms=80) as running:
        yield running


def _finished(store: Store) -> dict[str, str]:
    """book → status of its last finished run."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.runs.c.book, t.runs.c.status).where(t.runs.c.finished_at.is_not(None)).order_by(t.runs.c.id)
        )
        return {r.book: r.status for r in rows}


def _all_finished(store: Store, daemon: DaemonProcess) -> dict[str, str] | None:
    assert daemon.proc.poll() is None, daemon.output()
    finished = _finished(store)
    return finished if set(FAST) <= set(finished) else None


@pytest.mark.postgres
def test_one_slow_server_never_holds_the_others_back_and_one_server_gets_no_more_than_its_budget(
    tmp_path: Path,
    pg_url: str,
    radicale_server: DavServer,  # noqa: F811  # the fixture imported above
    proxy: LatencyProxy,
) -> None:
    ca = proxy.write_ca(tmp_path / "ca.pem")
    lines = ["books:"]
    with SlowServer() as slow:
        for name in ["slow", *FAST]:
            fill(tmp_path / name, 3, prefix=name)
            if name == "slow":
                # a server answering one byte a second: each request ends only at its 60 s deadline
                dav = f"{{url: '{slow.url}/dav/', timeout: 60}}"
            else:
                url = proxy.url + radicale_server.new_addressbook().removeprefix(radicale_server.base_url)
                # each book may send 8 requests at once (the default): the daemon's budget still holds them
                dav = (
                    f"{{url: '{url}', username: {radicale_server.username}, password: '${{DAV_PW}}', "
                    f"ca_bundle: '{ca}'}}"
                )
            lines += [
                f"  - name: {name}",
                "    schedule: every 1h",
                "    accounts:",
                f"      - {{name: {name}-dir, type: vdir, options: {{path: '{tmp_path / name}'}}}}",
                f"      - {{name: {name}-dav, type: carddav, options: {dav}}}",
            ]
        config = tmp_path / "c.yaml"
        config.write_text(
            f"store: {{url: '{pg_url}'}}\n"
            "daemon: {jitter_seconds: 0, workers: 6, stop_timeout_seconds: 2, "
            f"max_in_flight: {{carddav: {BUDGET}}}}}\n" + "\n".join(lines) + "\n"
        )
        env = {"DAV_PW": str(radicale_server.password)}
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log", env=env)
        try:
            with Store.open(pg_url) as store:
                try:
                    done = wait_for(
                        "every fast book's first run over",
                        lambda: _all_finished(store, daemon),
                        timeout=120,
                    )
                except AssertionError as exc:
                    raise AssertionError(f"{exc}; runs: {_finished(store)}\n{daemon.output()[-4000:]}") from None
                # the order a user sees: all ten synced while the slow server has not answered yet
                assert "slow" not in done, daemon.output()
                assert {done[b] for b in FAST} == {"ok"}, (done, daemon.output())
                assert slow.connections >= 1  # the slow book did start: it was held back by its own server only
                # each account's summary line says how long it queued for the budget
                assert "account=f00-dav" in daemon.output() and "budget_wait_s=" in daemon.output()
        finally:
            daemon.kill()
    counted = proxy.counters.snapshot()
    # every card of the ten books reached Radicale, never more than the budget's requests at once, and more than
    # one at once: the books did run together
    assert counted.requests >= len(FAST) * 3
    assert counted.peak_in_flight == BUDGET, counted
