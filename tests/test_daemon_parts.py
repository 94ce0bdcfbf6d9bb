"""The daemon's parts on their own: leases on SQLite and PostgreSQL, the circuit breaker, the rate limiter,
schedules, the notify protocol, the store lock, and the tag-count check with its repair."""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from contactsync.admin import build_connectors, run_book
from contactsync.cli import EXIT_ATTENTION, EXIT_BUSY, EXIT_OK, cli
from contactsync.cli.daemon import options_for
from contactsync.config import SCHEMA, load_settings, parse_settings
from contactsync.config.checks import parse_listen
from contactsync.daemon.circuit import CircuitPolicy, fresh_health
from contactsync.daemon.limits import RateLimiter, rate_for
from contactsync.daemon.lock import StoreLock
from contactsync.daemon.notify import Notifier
from contactsync.daemon.oneoff import LeaseLost, SyncLeases, run_leased
from contactsync.daemon.records import CircuitState, DaemonRecords, TagVerdict
from contactsync.daemon.service import DaemonOptions, triggers_for
from contactsync.daemon.tags import check_account
from contactsync.errors import ConfigError, StoreLocked
from contactsync.registry import Rate
from contactsync.settings import AccountSettings, BookSettings, DaemonSettings
from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import books_yaml, make_book, people

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# ------------------------------------------------------------------------------------------------------ leases
STAFF = BookSettings("staff", (AccountSettings("ana", "memory"), AccountSettings("bob", "memory")))
SALES = BookSettings("sales", (AccountSettings("cy", "memory"),))
ACCTS = ("ana", "bob")


def test_a_lease_is_held_by_one_owner_until_released_or_expired(store_url: str) -> None:
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books([STAFF])
        rec.ensure_books([STAFF])  # idempotent
        assert rec.claim("staff", ACCTS, "a", 60, at=T0)
        refused = rec.claim("staff", ACCTS, "b", 60, at=T0 + timedelta(seconds=30))
        assert not refused and (refused.holder, refused.held) == ("a", "book staff")
        assert rec.renew({"staff": ACCTS}, "a", 60) == set()
        assert rec.renew({"staff": ACCTS}, "b", 60) == {"staff"}  # b holds nothing
        # done: the book is next due at the next slot; nobody runs it again before, whoever asks
        rec.release("staff", "a", next_due_at=T0 + timedelta(minutes=15), finished=True)
        assert rec.claim("staff", ACCTS, "b", 60, at=T0 + timedelta(minutes=14)).not_due
        assert rec.claim("staff", ACCTS, "b", 60, at=T0 + timedelta(minutes=15))
        lease = rec.leases()["staff"]
        assert lease.owner == "b" and lease.last_owner == "b"


def test_an_expired_lease_is_taken_over_and_the_old_owner_learns_it_lost_it(store_url: str) -> None:
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books([STAFF, SALES])
        past = datetime.now(UTC) - timedelta(minutes=10)
        assert rec.claim("staff", ACCTS, "dead", 60, at=past)
        assert rec.orphaned() == ["staff"]
        taken = rec.claim("staff", ACCTS, "alive", 60)
        assert taken and taken.took_over_from == "dead"
        assert rec.orphaned() == []
        assert rec.renew({"staff": ACCTS}, "dead", 60) == {"staff"}
        assert {a: (al.owner, al.last_owner) for a, al in rec.account_leases().items() if a in ACCTS} == {
            "ana": ("alive", "alive"),
            "bob": ("alive", "alive"),
        }
        # a stop in the middle hands the book back still due: another instance takes it at once
        rec.release("staff", "alive", next_due_at=None, finished=False)
        claimed = rec.claim("staff", ACCTS, "other", 60)
        assert claimed and claimed.took_over_from is None


def test_an_instance_that_dies_after_its_run_is_done_leaves_the_slot_done(store_url: str) -> None:
    """Killed during the tag checks that follow a committed run: whoever finds its expired lease frees it and does
    not run the book again in that slot."""
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books([STAFF])
        past = datetime.now(UTC) - timedelta(minutes=10)
        assert rec.claim("staff", ACCTS, "dead", 60, at=past)
        rec.mark_done("staff", "dead", datetime.now(UTC) + timedelta(minutes=5))
        assert rec.orphaned() == ["staff"]
        assert rec.claim("staff", ACCTS, "alive", 60).not_due
        assert rec.orphaned() == [] and rec.leases()["staff"].owner is None
        assert all(al.owner is None for al in rec.account_leases().values())


def test_a_run_leases_its_book_and_every_account_together_or_not_at_all(store_url: str) -> None:
    """An account held elsewhere (another instance still running a configuration that has it in another book)
    keeps the whole book back: neither the book nor its other accounts are taken."""
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        moved = BookSettings("moved", (AccountSettings("bob", "memory"),))
        rec.ensure_books([STAFF, moved])
        assert rec.claim("moved", ["bob"], "old-config", 60)
        refused = rec.claim("staff", ACCTS, "new-config", 60)
        assert not refused and (refused.holder, refused.held) == ("old-config", "account bob")
        assert refused.until is not None
        leases, accounts = rec.leases(), rec.account_leases()
        assert leases["staff"].owner is None and accounts["ana"].owner is None  # nothing half taken
        assert (accounts["bob"].owner, accounts["bob"].book) == ("old-config", "moved")
        # renewed together: the book's expiry and its accounts' move as one
        assert rec.renew({"moved": ["bob"]}, "old-config", 600) == set()
        held = rec.account_leases()["bob"]
        assert held.expires_at == rec.leases()["moved"].expires_at
        # released together
        rec.release("moved", "old-config", next_due_at=None, finished=False)
        assert rec.account_leases()["bob"].owner is None
        taken = rec.claim("staff", ACCTS, "new-config", 60)
        assert taken
        accounts = rec.account_leases()
        assert {a: (accounts[a].owner, accounts[a].book) for a in ACCTS} == {
            "ana": ("new-config", "staff"),
            "bob": ("new-config", "staff"),
        }
        assert all(accounts[a].expires_at == rec.leases()["staff"].expires_at for a in ACCTS)
        # an account lost to another instance counts as the book lost: its run stops at a batch boundary
        with store.engine.begin() as conn:
            conn.execute(sa.update(t.account_leases).where(t.account_leases.c.account == "bob").values(owner="thief"))
        assert rec.renew({"staff": ACCTS}, "new-config", 60) == {"staff"}


def test_leases_expire_together_so_a_dead_instances_accounts_are_free_with_its_book(store_url: str) -> None:
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books([STAFF])
        past = datetime.now(UTC) - timedelta(minutes=10)
        assert rec.claim("staff", ACCTS, "dead", 60, at=past)
        at = datetime.now(UTC)
        assert all(al.holder(at) is None for al in rec.account_leases().values())
        assert rec.claim("staff", ACCTS, "alive", 60)
        assert {al.holder(datetime.now(UTC)) for al in rec.account_leases().values()} == {"alive"}


@pytest.mark.postgres
def test_two_claims_at_the_same_instant_never_wait_and_only_one_wins(pg_url: str) -> None:
    """FOR UPDATE SKIP LOCKED: while one transaction holds the book's row, a second claim sees it missing and
    gives up at once instead of waiting; the same for an account's row."""
    with Store.open(pg_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books([STAFF])
        for table, key, value in (
            (t.daemon_leases, t.daemon_leases.c.book, "staff"),
            (t.account_leases, t.account_leases.c.account, "bob"),
        ):
            with store.engine.connect() as holder, holder.begin():
                holder.execute(sa.select(table).where(key == value).with_for_update())
                started = datetime.now(UTC)
                refused = rec.claim("staff", ACCTS, "b", 60)
                assert not refused and refused.holder == ""
                assert datetime.now(UTC) - started < timedelta(seconds=5)
        assert rec.claim("staff", ACCTS, "b", 60)


def test_a_migrated_store_has_the_account_leases_table_as_the_schema_declares(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with Store.open(store_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert [d for d in diff if "account_leases" in repr(d)] == []


# ------------------------------------------------------------------------------------------ circuit breaker
def test_the_circuit_opens_after_the_threshold_doubles_its_pause_and_closes_on_success() -> None:
    policy = CircuitPolicy(threshold=3, pause_s=60, max_pause_s=200)
    h = fresh_health("a", "staff")
    for _ in range(2):
        h = policy.after_run(h, error="Transient: down", at=T0)
    assert h.circuit is CircuitState.CLOSED and h.failures == 2 and not h.paused(T0)
    h = policy.after_run(h, error="Transient: down", at=T0)
    assert h.circuit is CircuitState.OPEN and h.retry_at == T0 + timedelta(seconds=60)
    assert h.paused(T0 + timedelta(seconds=59)) and not h.paused(T0 + timedelta(seconds=60))
    probe_at = T0 + timedelta(seconds=61)
    h = policy.after_run(h, error="Transient: down", at=probe_at)  # the probe failed: twice as long
    assert h.retry_at == probe_at + timedelta(seconds=120) and h.opened_at == T0
    h = policy.after_run(h, error="Transient: down", at=probe_at)
    assert h.retry_at == probe_at + timedelta(seconds=200)  # capped
    h = policy.after_run(h, error=None, at=probe_at)
    assert h.circuit is CircuitState.CLOSED and h.failures == 0 and h.retry_at is None


# --------------------------------------------------------------------------------------------- rate limiter
def test_the_rate_limiter_lets_a_burst_through_then_spaces_calls() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        clock[0] += s

    limiter = RateLimiter(2.0, 3, clock=lambda: clock[0], sleep=sleep)
    waits = [limiter.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.5) and waits[4] == pytest.approx(0.5)
    clock[0] += 10  # idle: the bucket refills to the burst, no more
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire() == pytest.approx(0.5)


# ------------------------------------------------------------------------------------------------ schedules
def test_interval_slots_are_the_same_for_every_instance_whenever_it_started() -> None:
    fire, due = triggers_for("every 15m", jitter_s=30)
    early = due.get_next_fire_time(None, T0 + timedelta(minutes=1, seconds=7))
    late = due.get_next_fire_time(None, T0 + timedelta(minutes=9))
    assert early == late == T0 + timedelta(minutes=15)
    assert fire.jitter == 30
    _, short = triggers_for("every 20s", jitter_s=30)
    assert triggers_for("every 20s", jitter_s=30)[0].jitter == 5  # a quarter of the interval at most
    assert short.get_next_fire_time(None, T0 + timedelta(seconds=1)) == T0 + timedelta(seconds=20)


def test_cron_with_both_day_fields_fires_on_either_as_cron_does() -> None:
    _, due = triggers_for("0 9 1 * mon", jitter_s=0)
    tz = due.triggers[0].timezone
    start = datetime(2026, 3, 2, 10, 0, tzinfo=tz)  # a Monday, after 9:00
    fires = []
    at = start
    for _ in range(4):
        at = due.get_next_fire_time(None, at + timedelta(seconds=1))
        fires.append((at.day, at.strftime("%a")))
    assert fires == [(9, "Mon"), (16, "Mon"), (23, "Mon"), (30, "Mon")]
    nxt = due.get_next_fire_time(None, datetime(2026, 3, 31, 10, 0, tzinfo=tz))
    assert (nxt.month, nxt.day) == (4, 1)  # the 1st, a Wednesday


def test_metrics_listen_defaults_to_loopback() -> None:
    assert parse_listen("9464") == ("127.0.0.1", 9464)
    assert parse_listen("0.0.0.0:9464") == ("0.0.0.0", 9464)
    assert parse_listen("[::1]:9464") == ("::1", 9464)
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_listen("localhost:http")


# ------------------------------------------------------------------------------------------ notify, lock
@pytest.mark.parametrize("abstract", [False, True])
def test_notify_sends_datagrams_to_a_path_or_an_abstract_socket(tmp_path: Path, abstract: bool) -> None:
    name = f"@contactsync-test-{uuid.uuid4().hex}" if abstract else str(tmp_path / "n.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name[1:] if abstract else name)
        sock.settimeout(10)
        n = Notifier({"NOTIFY_SOCKET": name, "WATCHDOG_USEC": "3000000", "WATCHDOG_PID": str(os.getpid())})
        assert n.watchdog_s == 3.0
        assert n.ready("idle")
        assert sock.recv(1024).decode() == f"READY=1\nSTATUS=idle\nMAINPID={os.getpid()}"
        assert n.watchdog()
        assert sock.recv(1024) == b"WATCHDOG=1"
    assert Notifier({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"}).watchdog_s is None  # not ours
    assert not Notifier({}).ready("idle")  # outside systemd: nothing to do


def test_the_store_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    first, second = StoreLock.for_url(url), StoreLock.for_url(url)
    assert first is not None and second is not None
    first.acquire()
    with pytest.raises(StoreLocked, match=f"pid {os.getpid()}"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()
    assert StoreLock.for_url("postgresql+psycopg://u@h/db") is None


# --------------------------------------------------------------------------------------------- tag checks
def test_a_tag_mismatch_is_flagged_in_status_repaired_by_the_next_run_and_cleared(
    tmp_path: Path, store_url: str
) -> None:
    make_book(tmp_path, "staff", 4)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{store_url}'}}\n" + books_yaml(tmp_path, ["staff"]))
    settings = load_settings(config)
    book = settings.book("staff")
    runner = CliRunner()
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        run_book(store, book)
        # someone tags a contact on one platform between our runs (its file changes, our view does not yet)
        src = tmp_path / "staff" / "src" / "c0.vcf"
        src.write_text(src.read_text().replace("CATEGORIES:Team", "CATEGORIES:Team,Board"))
        connectors = build_connectors(book)
        outcome, health = check_account(
            store, rec, book, book.account("staff-src"), connectors["staff-src"], fresh_health("staff-src", "staff")
        )
        rec.put_health([health])
        assert outcome.mismatches == 1 and outcome.repair_requested
        board = next(c for c in outcome.checks if c.tag_key == "board")
        assert (board.platform_count, board.store_count, board.verdict) == (1, 0, TagVerdict.MISMATCH)
        assert store.state("staff-src") is None  # the next pull is a full comparison
        assert health.repair_requested_at is not None
        shown = runner.invoke(cli, ["-c", str(config), "status"])
        assert shown.exit_code == EXIT_ATTENTION, shown.output
        assert "1 / 0 !" in shown.output
        # asking again before the repair ran does not drop the state again
        again, health = check_account(store, rec, book, book.account("staff-src"), connectors["staff-src"], health)
        assert again.mismatches == 1 and not again.repair_requested
        run_book(store, book)
        for name in ("staff-src", "staff-dst"):
            h = replace(health, account=name)
            done, h = check_account(store, rec, book, book.account(name), connectors[name], h)
            rec.put_health([h])
            assert done.mismatches == 0 and h.repair_requested_at is None
            assert {c.tag_key: (c.platform_count, c.store_count) for c in done.checks} == {
                "board": (1, 1),
                "team": (4, 4),
            }
        for c in connectors.values():
            c.close()
    shown = runner.invoke(cli, ["-c", str(config), "status"])
    assert shown.exit_code == EXIT_OK, shown.output


def test_a_one_off_sync_and_a_daemon_never_write_one_sqlite_store_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    daemon, sync = StoreLock.for_url(url), StoreLock.for_url(url)
    assert daemon is not None and sync is not None
    daemon.acquire("daemon")
    with pytest.raises(StoreLocked, match="Stop the daemon first"):
        sync.acquire("sync")
    daemon.release()
    sync.acquire("sync")
    # a daemon starting meanwhile waits for the sync (here: gives up after its wait) instead of failing at once
    late = StoreLock.for_url(url)
    assert late is not None
    with pytest.raises(StoreLocked, match="wait for it to finish"):
        late.acquire("daemon", wait_for_sync_s=1.0)
    sync.release()
    late.acquire("daemon", wait_for_sync_s=1.0)
    late.release()


# ------------------------------------------------------------------------------------ the daemon: section
def test_daemon_settings_come_from_the_config_and_command_line_options_win() -> None:
    settings = parse_settings("""
daemon:
  jitter_seconds: 5
  lease_seconds: 45
  workers: 3
  pause_after_failures: 2
  pause_seconds: 60
  max_pause_seconds: 600
  rate_limits: {google: 0.5, carddav: 0}
  metrics_listen: "9464"
  stop_timeout_seconds: 20
books: [{name: staff, accounts: [{name: ana, type: memory, options: {backend: ana}}]}]
""")
    options = options_for(settings)
    assert (options.jitter_s, options.lease_s, options.workers, options.stop_timeout_s) == (5, 45, 3, 20)
    assert options.circuit == CircuitPolicy(threshold=2, pause_s=60, max_pause_s=600)
    assert options.metrics_listen == "9464"
    assert options.rates == {"google": Rate(0.5, 2), "carddav": None}  # carddav: off
    assert rate_for("outlook", options.rates) == Rate(10.0, 20)  # not given: the type's own rate
    given = options_for(
        settings,
        instance_id="east-1",
        lease_s=10,
        workers=1,
        pause_s=30,
        threshold=4,
        rates={"outlook": 0, "carddav": 2},
        metrics_listen="127.0.0.1:9500",
        jitter_s=0,
    )
    assert (given.instance, given.lease_s, given.workers, given.jitter_s) == ("east-1", 10, 1, 0)
    assert given.circuit == CircuitPolicy(threshold=4, pause_s=30, max_pause_s=600)
    assert given.rates == {"google": Rate(0.5, 2), "carddav": Rate(2.0, 10), "outlook": None}
    assert given.metrics_listen == "127.0.0.1:9500" and given.stop_timeout_s == 20
    # nothing in the file, nothing on the command line: the built-in defaults
    bare = "books: [{name: s, accounts: [{name: a, type: memory, options: {backend: a}}]}]"
    plain = options_for(parse_settings(bare))
    assert plain == replace(DaemonOptions(), instance=plain.instance)


def test_the_daemon_schema_defaults_are_the_daemons_own() -> None:
    keys = SCHEMA["properties"]["daemon"]["properties"]
    for name, value in vars(DaemonSettings()).items():
        if "default" in keys[name]:
            assert keys[name]["default"] == value, name
    defaults, circuit = DaemonOptions(), CircuitPolicy()
    d = DaemonSettings()
    assert (d.jitter_seconds, d.lease_seconds, d.workers, d.stop_timeout_seconds) == (
        defaults.jitter_s,
        defaults.lease_s,
        defaults.workers,
        defaults.stop_timeout_s,
    )
    assert (d.pause_after_failures, d.pause_seconds, d.max_pause_seconds) == (
        circuit.threshold,
        circuit.pause_s,
        circuit.max_pause_s,
    )


def test_a_bad_daemon_section_is_reported_with_every_other_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings("""
daemon: {lease_seconds: 0, metrics_listen: "localhost:http", pause_seconds: 600, max_pause_seconds: 60,
         rate_limits: {google: -1}, instance: x}
books: [{name: staff, accounts: [{name: ana, type: memory, options: {backend: ana}}]}]
""")
    found = {p.path: p.message for p in caught.value.problems}
    assert set(found) == {
        "daemon.lease_seconds",
        "daemon.metrics_listen",
        "daemon.max_pause_seconds",
        "daemon.rate_limits.google",
        "daemon.instance",
    }
    assert "HOST:PORT" in found["daemon.metrics_listen"]


# -------------------------------------------------------------------- a one-off sync beside daemons (PostgreSQL)
def _two_books(tmp_path: Path, url: str, wait: float) -> Path:
    for b in ("one", "two"):
        make_book(tmp_path, b, 2)
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: '{url}'}}\ndaemon: {{sync_wait_seconds: {wait}, lease_seconds: 30}}\n"
        + books_yaml(tmp_path, ["one", "two"])
    )
    return config


@pytest.mark.postgres
def test_a_one_off_sync_syncs_the_free_books_then_names_the_daemon_holding_the_other(
    tmp_path: Path, pg_url: str
) -> None:
    config = _two_books(tmp_path, pg_url, wait=1)
    settings = load_settings(config)
    with Store.open(pg_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books(settings.books)
        one = [a.name for a in settings.book("one").accounts]
        assert rec.claim("one", one, "east-1", 60)  # a daemon is running book one
        started = datetime.now(UTC)
        result = CliRunner().invoke(cli, ["-c", str(config), "sync"])
        assert result.exit_code == EXIT_BUSY, result.output  # the store's book is in use (#16)
        assert datetime.now(UTC) - started >= timedelta(seconds=1)  # it waited, a bounded time
        assert "book two: ok" in result.stdout and "book one" not in result.stdout
        assert "book one is being synced by the contactsync daemon east-1 (which holds it until" in result.stderr
        assert "after syncing the other books" in result.stderr
        assert people(tmp_path / "two" / "dst") == ["pc0@example.org", "pc1@example.org"]
        assert people(tmp_path / "one" / "dst") == []
        # the sync held book two and its accounts under its own name, and gave them back
        two = rec.account_leases()["two-src"]
        assert two.owner is None and two.last_owner is not None and two.last_owner.startswith("sync@")
        assert rec.leases()["one"].owner == "east-1"  # the daemon's lease untouched
        # an account held by an instance running another configuration keeps its book back just the same
        rec.release("one", "east-1", next_due_at=None, finished=False)
        rec.ensure_books([BookSettings("elsewhere", (AccountSettings("one-dst", "vdir"),))])
        assert rec.claim("elsewhere", ["one-dst"], "west-2", 60)
        held = CliRunner().invoke(cli, ["-c", str(config), "sync", "--book", "one"])
        assert held.exit_code == EXIT_BUSY
        assert "book one is being synced by the contactsync daemon west-2 (which holds account one-dst" in held.stderr
        assert "other books" not in held.stderr
        rec.release("elsewhere", "west-2", next_due_at=None, finished=False)
        # a daemon that died in the middle of book one's run: its lease ran out, the sync takes the book over
        # and records the dead run as abandoned
        past = datetime.now(UTC) - timedelta(minutes=10)
        assert rec.claim("one", one, "east-1", 60, at=past)
        with store.transaction() as tx:
            tx.start_run("one", dry_run=False)
        done = CliRunner().invoke(cli, ["-c", str(config), "sync", "--book", "one"])
        assert done.exit_code == EXIT_OK, done.output
        with store.engine.connect() as conn:
            assert conn.execute(
                sa.select(t.runs.c.status).where(t.runs.c.book == "one").order_by(t.runs.c.id)
            ).scalars().all() == ["abandoned", "ok"]
        assert people(tmp_path / "one" / "dst") == ["pc0@example.org", "pc1@example.org"]
        assert rec.leases()["one"].next_due_at is None  # a one-off sync leaves the daemons' schedule alone


@pytest.mark.postgres
def test_a_one_off_sync_waits_for_a_daemon_run_that_ends_within_the_wait(tmp_path: Path, pg_url: str) -> None:
    config = _two_books(tmp_path, pg_url, wait=60)
    settings = load_settings(config)
    with Store.open(pg_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books(settings.books)
        assert rec.claim("one", [a.name for a in settings.book("one").accounts], "east-1", 60)
        ends = threading.Timer(1.5, lambda: rec.release("one", "east-1", next_due_at=None, finished=True))
        ends.start()
        try:
            result = CliRunner().invoke(cli, ["-c", str(config), "sync"])
        finally:
            ends.join()
        assert result.exit_code == EXIT_OK, result.output
        # the free book first, then the one the daemon held once its run ended
        assert result.stdout.index("book two: ok") < result.stdout.index("book one: ok")
        assert people(tmp_path / "one" / "dst") == ["pc0@example.org", "pc1@example.org"]


@pytest.mark.postgres
def test_a_one_off_sync_whose_lease_is_taken_over_stops_at_a_batch_boundary(tmp_path: Path, pg_url: str) -> None:
    make_book(tmp_path, "big", 30)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{pg_url}'}}\n" + books_yaml(tmp_path, ["big"]))
    book = load_settings(config).book("big")
    with Store.open(pg_url) as store:
        leases = SyncLeases(store, lease_s=60, wait_s=0, owner="sync@test")
        with closing(leases.each([book])) as held:
            holding = next(held)
            assert DaemonRecords(store).account_leases()["big-dst"].owner == "sync@test"
            holding.lost = True  # what the renewal thread sets when another instance took the book over
            with pytest.raises(LeaseLost, match="taken over"):
                run_leased(store, holding)
        with store.engine.connect() as conn:
            assert conn.execute(sa.select(t.runs.c.status)).scalars().all() == ["interrupted"]
        assert DaemonRecords(store).account_leases()["big-dst"].owner is None


def test_status_shows_who_holds_each_account(tmp_path: Path, store_url: str) -> None:
    config = _two_books(tmp_path, store_url, wait=0)
    settings = load_settings(config)
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books(settings.books)
        assert rec.claim("one", ["one-src", "one-dst"], "east-1", 60)
        assert rec.claim("two", ["two-src", "two-dst"], "west-2", 60, at=datetime.now(UTC) - timedelta(hours=1))
    shown = CliRunner().invoke(cli, ["-c", str(config), "status", "--json"])
    books = json.loads(shown.stdout)["books"]
    lease = books["one"]["accounts"]["one-dst"]["lease"]
    assert lease["owner"] == "east-1" and lease["expires_at"] is not None and lease["last_owner"] == "east-1"
    expired = books["two"]["accounts"]["two-src"]["lease"]  # its holder died: nobody holds it now
    assert (expired["owner"], expired["expires_at"], expired["last_owner"]) == (None, None, "west-2")
    plain = CliRunner().invoke(cli, ["-c", str(config), "status"])
    lines = {line.split()[0]: line for line in plain.stdout.splitlines() if line.startswith("  ")}
    assert lines["one-src"].endswith("held by east-1") and "held by" not in lines["two-src"]
