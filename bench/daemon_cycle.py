"""A daemon cycle of 200 CardDAV accounts with nothing to do, 0 and 40 ms away (issue #18).

    .venv/bin/python bench/daemon_cycle.py                         # 200 accounts at 0 and 40 ms, budget 8
    .venv/bin/python bench/daemon_cycle.py --accounts 50 --rtt 40 --budget 4 16

Each of N books has a `vdir` folder of one card and a `carddav` account on its own Radicale book (served by
waitress with keep-alive, as in bench/latency.py) behind the TLS latency proxy (bench/netproxy.py), all on one
host: one budget (``daemon.max_in_flight: {carddav: B}``) for all N accounts. One `contactsync run` on a fresh
PostgreSQL schema makes the first sync of every book and is stopped; every book is then made due again and a
second `contactsync run` makes the measured cycle, in which nothing changed anywhere.

Printed per RTT and budget: the cycle's wall (first run started to last run finished, from the store's run
history, so the daemon's start-up is not in it), HTTP requests and TCP connections opened through the proxy in
that cycle (one host), TLS handshakes and how many of them resumed a session, the peak of requests in flight
(the budget counts requests, so it is at most B), and the bound: one listing's RTT × N ÷ B,
with the wall's ratio to it (target ≤ 2) and to the bound plus the same cycle's wall at 0 ms (the store's and the
client's own time). Connections opened per cycle are compared with B (target ≤ B per host). Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter as Tally
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from carddav_bench import PASSWORD, USER, card
from latency import make_book, start_radicale
from netproxy import Counters, LatencyProxy

from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import CONTACTSYNC

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: (run id, status, started, finished) of finished runs, from the store's run history
Runs = list[tuple[int, str, float, float]]


@dataclass(frozen=True)
class Cycle:
    rtt_ms: float
    budget: int
    accounts: int
    wall_s: float
    counted: Counters
    ok: int
    #: the runs' own durations summed: ÷ wall, how many books ran at once on average
    busy_s: float

    @property
    def bound_s(self) -> float:
        """One listing's round trip per account, ``budget`` accounts' listings at once."""
        return self.rtt_ms / 1000 * self.accounts / self.budget


def _finished_runs(store: Store, after_id: int) -> Runs:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.runs.c.id, t.runs.c.status, t.runs.c.started_at, t.runs.c.finished_at).where(
                t.runs.c.id > after_id, t.runs.c.finished_at.is_not(None)
            )
        ).all()
    return [(r.id, r.status, r.started_at.timestamp(), r.finished_at.timestamp()) for r in rows]


def _run_daemon(
    config: Path, store: Store, books: int, after_id: int, log: Path
) -> list[tuple[int, str, float, float]]:
    """One `contactsync run` until every book has one more finished run; then SIGTERM."""
    with log.open("ab") as out:
        proc = subprocess.Popen([CONTACTSYNC, "-c", str(config), "run"], stdout=out, stderr=subprocess.STDOUT)
    try:
        while True:
            runs = _finished_runs(store, after_id)
            if len(runs) >= books:
                return runs
            if proc.poll() is not None:
                raise SystemExit(f"the daemon exited ({proc.returncode}); see {log}")
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)


def cycle(work: Path, base: str, radicale_root: Path, *, accounts: int, rtt_ms: float, budget: int) -> Cycle:
    schema = f"daemon_cycle_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    run_dir = work / f"rtt{rtt_ms:g}-b{budget}"
    run_dir.mkdir()
    (run_dir / "password").write_text(PASSWORD)
    os.chmod(run_dir / "password", 0o600)
    proxy = LatencyProxy(base, rtt_ms=rtt_ms).start()
    try:
        ca = proxy.write_ca(run_dir / "ca.pem")
        lines = [
            f"store: {{url: '{url}'}}",
            f"daemon: {{jitter_seconds: 0, stop_timeout_seconds: 30, max_in_flight: {{carddav: {budget}}}}}",
            "books:",
        ]
        for i in range(accounts):
            name = f"r{rtt_ms:g}b{budget}n{i:03d}"
            make_book(base, radicale_root, name, 0)
            folder = run_dir / name
            folder.mkdir()
            (folder / "one.vcf").write_bytes(card(i))
            dav = (
                f"{{url: '{proxy.url}/{USER}/{name}/', username: {USER}, password_file: '{run_dir / 'password'}', "
                f"ca_bundle: '{ca}'}}"
            )
            lines += [
                f"  - name: {name}",
                "    schedule: every 1h",
                "    accounts:",
                f"      - {{name: {name}-dir, type: vdir, options: {{path: '{folder}'}}}}",
                f"      - {{name: {name}-dav, type: carddav, options: {dav}}}",
            ]
        config = run_dir / "c.yaml"
        config.write_text("\n".join(lines) + "\n")
        with Store.open(url) as store:
            first = _run_daemon(config, store, accounts, 0, run_dir / "daemon.log")
            # every book due again now: the measured cycle is the next one, with nothing changed anywhere
            with store.engine.begin() as conn:
                conn.execute(sa.update(t.daemon_leases).values(next_due_at=None))
            proxy.reset()
            second = _run_daemon(config, store, accounts, max(r[0] for r in first), run_dir / "daemon.log")
            counted = proxy.reset()
        wall = max(r[3] for r in second) - min(r[2] for r in second)
        statuses = Tally(r[1] for r in second)
        if set(statuses) != {"ok"}:
            # a figure over failed runs says nothing: show why they failed
            problems = [x for x in (run_dir / "daemon.log").read_text().splitlines() if "ERROR" in x or "WARN" in x]
            print(f"   ! runs of the measured cycle: {dict(statuses)}; {len(problems)} problem lines, e.g.:")
            for line in problems[-5:]:
                print("     " + line[:300])
        busy = sum(r[3] - r[2] for r in second)
        return Cycle(rtt_ms, budget, accounts, wall, counted, sum(1 for r in second if r[1] == "ok"), busy)
    finally:
        proxy.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200, help="CardDAV accounts (one book each)")
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.0, 40.0], help="round trips to measure, ms")
    parser.add_argument("--budget", type=int, nargs="+", default=[8], help="daemon.max_in_flight for carddav")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="daemon-cycle-"))
    radicale, base = start_radicale(work)
    try:
        at_zero: dict[int, float] = {}
        for budget in args.budget:
            for rtt in sorted(args.rtt):
                c = cycle(work, base, work, accounts=args.accounts, rtt_ms=rtt, budget=budget)
                n = c.counted
                line = (
                    f"rtt={rtt:g}ms budget={budget} accounts={c.accounts} ok={c.ok} wall={c.wall_s:.2f}s "
                    f"requests={n.requests} ({n.requests / c.accounts:.1f}/account) connections={n.connections} "
                    f"(limit per host {budget}: {'met' if n.connections <= budget else 'NOT met'}) "
                    f"handshakes={n.handshakes} resumed={n.resumed} peak_in_flight={n.peak_in_flight} "
                    f"run={c.busy_s / c.accounts:.2f}s/book books_at_once={c.busy_s / c.wall_s:.1f}"
                )
                if rtt == 0:
                    at_zero[budget] = c.wall_s
                else:
                    line += f" bound={c.bound_s:.2f}s wall/bound={c.wall_s / c.bound_s:.2f} (target <= 2)"
                    if budget in at_zero:
                        line += f" wall/(bound+0ms wall)={c.wall_s / (c.bound_s + at_zero[budget]):.2f}"
                print(line, flush=True)
    finally:
        radicale.terminate()
        radicale.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
