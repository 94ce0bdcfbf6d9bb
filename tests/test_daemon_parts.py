"""The daemon's parts on their own: leases on SQLite and PostgreSQL, the circuit breaker, the rate limiter,
schedules, the notify protocol, the store lock, and the tag-count check with its repair."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.admin import build_connectors, run_book
from contactsync.cli import EXIT_ATTENTION, EXIT_OK, cli
from contactsync.config import load_settings
from contactsync.daemon.circuit import CircuitPolicy, fresh_health
from contactsync.daemon.limits import RateLimiter
from contactsync.daemon.lock import StoreLock
from contactsync.daemon.metrics import parse_listen
from contactsync.daemon.notify import Notifier
from contactsync.daemon.records import CircuitState, DaemonRecords, TagVerdict
from contactsync.daemon.service import triggers_for
from contactsync.daemon.tags import check_account
from contactsync.errors import StoreLocked
from contactsync.store import Store
from tests.daemon_support import books_yaml, make_book

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# ------------------------------------------------------------------------------------------------------ leases
def test_a_lease_is_held_by_one_owner_until_released_or_expired(store_url: str) -> None:
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books(["staff"])
        rec.ensure_books(["staff"])  # idempotent
        assert rec.claim("staff", "a", 60, at=T0)
        assert not rec.claim("staff", "b", 60, at=T0 + timedelta(seconds=30))
        assert rec.renew(["staff"], "a", 60) == set()
        assert rec.renew(["staff"], "b", 60) == {"staff"}  # b holds nothing
        # done: the book is next due at the next slot; nobody runs it again before, whoever asks
        rec.release("staff", "a", next_due_at=T0 + timedelta(minutes=15), finished=True)
        assert not rec.claim("staff", "b", 60, at=T0 + timedelta(minutes=14))
        assert rec.claim("staff", "b", 60, at=T0 + timedelta(minutes=15))
        lease = rec.leases()["staff"]
        assert lease.owner == "b" and lease.last_owner == "b"


def test_an_expired_lease_is_taken_over_and_the_old_owner_learns_it_lost_it(store_url: str) -> None:
    with Store.open(store_url) as store:
        rec = DaemonRecords(store)
        rec.ensure_books(["staff", "sales"])
        past = datetime.now(UTC) - timedelta(minutes=10)
        assert rec.claim("staff", "dead", 60, at=past)
        assert rec.orphaned() == ["staff"]
        assert rec.claim("staff", "alive", 60)
        assert rec.orphaned() == []
        assert rec.renew(["staff"], "dead", 60) == {"staff"}
        # a stop in the middle hands the book back still due: another instance takes it at once
        rec.release("staff", "alive", next_due_at=None, finished=False)
        assert rec.claim("staff", "other", 60)


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
        tmp_path: Path, store_url: str) -> None:
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
        outcome, health = check_account(store, rec, book, book.account("staff-src"), connectors["staff-src"],
                                        fresh_health("staff-src", "staff"))
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
        again, health = check_account(store, rec, book, book.account("staff-src"), connectors["staff-src"],
                                      health)
        assert again.mismatches == 1 and not again.repair_requested
        run_book(store, book)
        for name in ("staff-src", "staff-dst"):
            h = replace(health, account=name)
            done, h = check_account(store, rec, book, book.account(name), connectors[name], h)
            rec.put_health([h])
            assert done.mismatches == 0 and h.repair_requested_at is None
            assert {c.tag_key: (c.platform_count, c.store_count) for c in done.checks} == {
                "board": (1, 1), "team": (4, 4)}
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
