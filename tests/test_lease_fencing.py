"""A daemon paused past its lease writes nothing when it resumes (docs/sync-invariants.md, invariant 16; the
fence is src/contactsync/store/leases.py).

Three ``contactsync run`` processes share one PostgreSQL store and one book of the platform emulators: a Google
user holding 60 people, an empty Outlook mailbox. The instance running the book is stopped with SIGSTOP in the
middle of its Outlook writes (as a frozen VM or a debugger would stop it), with a write batch in flight. Its
lease runs out, another instance takes the book over and finishes it. Then the paused one gets SIGCONT: it
resumes believing it still runs the book, and its commits are fenced by the lease epoch it claimed at, so it
stops with LeaseLost: no row of its run lands in the store after the takeover (journal, links, outbox, its run's
status), and it sends no write to either platform.

Only on PostgreSQL: several daemons never share a SQLite store (the second is refused, see
src/contactsync/daemon/lock.py and tests/test_daemon.py), so no other instance can take a SQLite book over; the
fence is still checked there (tests/test_store.py runs it on both).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from contactsync.emulators.outlook.graph import RequestKind as GraphRequest
from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import DaemonProcess, EmulatorBooks, stop_all, wait_for

pytestmark = pytest.mark.postgres

BOOK, COUNT = "big", 200  # three Outlook pushes (80, 80, 40), each sequential Graph batches of 20, 4 in flight
LEASE = 3  # seconds
GRAPH_WRITES = {GraphRequest.CREATE, GraphRequest.UPDATE, GraphRequest.DELETE}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[EmulatorBooks]:
    books = EmulatorBooks(tmp_path, [BOOK])
    try:
        yield books
    finally:
        books.close()
    assert books.google.internal_errors == []


def _writes(world: EmulatorBooks) -> dict[str, int]:
    return {
        "google": sum(n for kind, n in world.google.requests.items() if kind.is_write),
        "outlook": sum(n for kind, n in world.graph.requests.items() if kind in GRAPH_WRITES),
    }


def _store_rows(store: Store) -> dict[str, Any]:
    """What a run commits: its journal, the links, the outbox, the runs and their statuses."""
    with store.engine.connect() as conn:
        return {
            "journal": conn.execute(
                sa.select(t.journal.c.account, t.journal.c.action, sa.func.count())
                .group_by(t.journal.c.account, t.journal.c.action)
                .order_by(t.journal.c.account, t.journal.c.action)
            ).all(),
            "links": conn.execute(sa.select(sa.func.count()).select_from(t.links)).scalar_one(),
            "outbox": conn.execute(sa.select(t.outbox.c.account, t.outbox.c.contact_id).order_by("contact_id")).all(),
            "runs": conn.execute(sa.select(t.runs.c.id, t.runs.c.status).order_by(t.runs.c.id)).all(),
            "status": conn.execute(
                sa.select(t.account_status.c.account, t.account_status.c.last_run_id).order_by("account")
            ).all(),
        }


def _lease(store: Store) -> tuple[str | None, int]:
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.daemon_leases.c.owner, t.daemon_leases.c.epoch).where(t.daemon_leases.c.book == BOOK)
        ).one()
    return row.owner, int(row.epoch)


def test_a_daemon_paused_past_its_lease_commits_and_writes_nothing_when_it_resumes(
    tmp_path: Path, pg_url: str, world: EmulatorBooks
) -> None:
    world.add_people(BOOK, "g", range(COUNT))
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: '{pg_url}'}}\nlog: {{format: json}}\n"
        f"daemon: {{jitter_seconds: 0, lease_seconds: {LEASE}, workers: 2}}\n"
        + world.yaml(schedule="every 1h")  # one run at start, then nothing due while the test lasts
    )
    world.graph.latency = 0.2  # each Graph write takes a moment: a batch of 20 is in flight for a few seconds
    names = ["inst0", "inst1", "inst2"]
    with Store.open(pg_url) as store:
        daemons = {
            n: DaemonProcess(["-c", str(config), "run", "--instance-id", n], tmp_path / f"{n}.log", env=world.env)
            for n in names
        }
        stopped: DaemonProcess | None = None
        try:

            def first_batch_committed() -> tuple[str, int] | None:
                """(owner, run id) once the run committed one batch of Outlook creates and has more to send."""
                with store.engine.connect() as conn:
                    running = conn.execute(
                        sa.select(t.runs.c.id).where(t.runs.c.book == BOOK, t.runs.c.status == "running")
                    ).first()
                    if running is None:
                        return None
                    written = conn.execute(
                        sa.select(sa.func.count())
                        .select_from(t.journal)
                        .where(
                            t.journal.c.account == f"{BOOK}-outlook",
                            t.journal.c.action == "push-create",
                        )
                    ).scalar_one()
                owner, _epoch = _lease(store)
                return (owner, int(running.id)) if owner and 0 < written < COUNT else None

            victim, stale_run = wait_for("the run's first batch of Outlook creates", first_batch_committed, timeout=90)
            time.sleep(0.5)  # the next push is sent now: chains of 20 writes of 0.2 s each, in flight for seconds
            stopped = daemons[victim]
            stopped.signal(signal.SIGSTOP)
            paused_at = datetime.now(UTC)
            # the latency only had to catch a batch in flight (it still is: the emulator applies the rest of it
            # while the process is stopped); the takeover's writes need none, and would take seconds with it
            world.graph.latency = 0.0
            _owner, epoch = _lease(store)
            survivors = [n for n in names if n != victim]

            # --- its lease runs out; another instance takes the book over and finishes it -----------------------
            def taken_over_and_done() -> bool:
                owner, now_epoch = _lease(store)
                with store.engine.connect() as conn:
                    ok = conn.execute(
                        sa.select(sa.func.count())
                        .select_from(t.runs)
                        .where(t.runs.c.book == BOOK, t.runs.c.status == "ok", t.runs.c.started_at > paused_at)
                    ).scalar_one()
                return owner is None and now_epoch > epoch and ok == 1

            wait_for("another instance to take the book over and finish it", taken_over_and_done, timeout=120)
            expected = {
                "google": sorted(f"g{BOOK}-{n}@example.org" for n in range(COUNT)),
                "outlook": sorted(f"g{BOOK}-{n}@example.org" for n in range(COUNT)),
            }
            assert world.people(BOOK) == expected  # each person once on each side: the in-flight batch adopted
            rows, writes = _store_rows(store), _writes(world)
            assert (stale_run, "abandoned") in rows["runs"]
            assert rows["outbox"] == []

            # --- the paused instance resumes, still believing it runs the book ---------------------------------
            stopped.signal(signal.SIGCONT)
            wait_for(
                "the resumed instance to notice it lost the book",
                lambda: (
                    "was taken over by another instance" in stopped.output()
                    or "lease lost to another instance" in stopped.output()
                ),
                timeout=30,
            )
            # whatever it would still do after noticing (hand leases back, record health) has had time to happen
            wait_for("its lease handed back", lambda: _lease(store)[0] is None, timeout=30)
            time.sleep(LEASE)
            assert _store_rows(store) == rows  # not one row of the stale run: journal, links, outbox, run status
            assert _writes(world) == writes  # not one write to either platform
            assert world.people(BOOK) == expected
            assert all(daemons[n].proc.poll() is None for n in names)
        finally:
            if stopped is not None and stopped.proc.poll() is None:
                stopped.signal(signal.SIGCONT)
            running = [n for n, d in daemons.items() if d.proc.returncode is None]
            codes = dict(zip(running, stop_all(daemons[n] for n in running), strict=True))
        assert codes == dict.fromkeys(names, 0)
        stale_log = daemons[victim].output()
        assert "was taken over by another instance" in stale_log, stale_log[-3000:]
        assert "Traceback" not in stale_log
        assert all("Traceback" not in daemons[n].output() for n in survivors)
