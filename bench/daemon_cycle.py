"""A daemon cycle of 200 CardDAV accounts with nothing to do, 0 and 40 ms away (issue #18).

    .venv/bin/python bench/daemon_cycle.py                         # 200 accounts at 0 and 40 ms, budget 8
    .venv/bin/python bench/daemon_cycle.py --accounts 50 --rtt 40 --budget 4 16

Each of N books has a `vdir` folder of one card and a `carddav` account on its own Radicale book (served by
waitress with keep-alive, as in bench/latency.py) behind the TLS latency proxy (bench/netproxy.py), all on one
host: one budget (``daemon.max_in_flight: {carddav: B}``) for all N accounts. One `contactsync run` on a fresh
PostgreSQL schema makes the first sync of every book and is stopped; every book is then made due again and a
second `contactsync run` makes the measured cycle, in which nothing changed anywhere.

Printed per RTT and budget: the cycle's wall, from the store's run history: from the earliest ``started_at`` of the
cycle's runs (taken by the worker as it begins the run, before its claim) to the latest ``finished_at`` (stamped in
the run's last engine transaction; the tag check, health and lease hand-back that follow in one more commit are not
in it, for the last run only), so the daemon's start-up is not in it. Then HTTP requests and TCP connections opened
through the proxy in that cycle (one host; for the first cycle, the proxy counts the whole process up to the cycle's
end, and ``opened before the cycle's first run`` tells those the start-up opened), TLS handshakes and how many of
them resumed a session, the peak of requests in flight (the budget counts requests, so it is at most B), CPU
(user+sys) spent in that cycle per account run by the daemon, its PostgreSQL backends, Radicale and this process
(the proxy), sampled every 0.2 s around the cycle (the daemon is idle between cycles, so a sample before the first
run and one after the last bracket it; the daemon's own CPU every 10 ms, since its start-up ends just before its
first run), the PostgreSQL sessions opened meanwhile (the database's count: other work on the server adds to it) and
the daemon's backends started within the cycle (from their start times: exact, where the samples are 0.2 s apart),
the load average, and the bound: one listing's RTT × N ÷ B, with the wall's ratio to it (target ≤ 2) and to the
bound plus the same cycle's wall at 0 ms (the store's and the client's own time). Connections opened per cycle are
compared with B (target ≤ B per host). Figures are printed, never asserted.

That measured cycle is the second process's *first* cycle: it pays whatever the process does only once and has not
done before its first run (building each account's transport, and each server's connections where its connector type
does not open them in the start-up), and its sync answers carry the card the first sync wrote (our own write echoing
back). What the daemon does before its first cycle (importing its connector types' modules, opening its store's
connections and each server's, up to its budget) is in none of the cycles: the line ``start-up before first cycle``
gives it, from the process's spawn to its first run's start, so that work moved out of the first cycle into the
start-up shows there. With ``--steady`` the books are scheduled ``every 60s`` and the measured process is kept
running for one more cycle, on the next minute slot: a line labelled ``steady`` gives that later cycle of the same
process (modules loaded, connection pools and TLS sessions warm, empty sync answers): what a long-running daemon
shows cycle after cycle. It costs up to two minutes per RTT (waiting for the minute slots). With ``--settled`` a
process of its own runs every book once more between the first syncs and the measured process (then the third), so
that the first cycle's sync answers are as empty as a steady one's: the difference between the two is then what a
process does once, nothing of the first syncs' echo. The first-cycle line is printed either way. With ``--py-spy
FOLDER`` the measured process is recorded by py-spy (samples of the thread holding the GIL, collapsed stacks) from
its first cycle's end to its last (the steady cycle, with ``--steady``); with ``--py-spy-first`` too, from its
start-up to its first cycle's end instead. With ``--statements`` the measured process is started through
SQLAlchemy's cursor and commit events, and each cycle's statements and commits per run are printed, by kind (the
events cost the daemon CPU: its figures are not compared with a run without them).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter as Tally
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from carddav_bench import PASSWORD, USER, card
from latency import make_book, process_cpu, start_radicale
from netproxy import Counters, LatencyProxy

from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import CONTACTSYNC

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: (run id, status, started, finished) of finished runs, from the store's run history
Runs = list[tuple[int, str, float, float]]
#: what the CPU samples name: the daemon, its PostgreSQL backends, Radicale, this process (the proxy)
PARTS = ("daemon", "postgres", "radicale", "proxy")
SPY = str(Path(sys.executable).parent / "py-spy")
#: with --statements, the measured daemon is started through this: every statement its store sends (cursor
#: executions, what crosses to the database) and every commit, stamped, written to $DAEMON_CYCLE_STATEMENTS at exit
COUNTING = """
import atexit, json, os, sys, time
import sqlalchemy as sa
seen = []
sa.event.listen(sa.engine.Engine, "before_cursor_execute", lambda c, cur, text, *a: seen.append((time.time(), text)))
sa.event.listen(sa.engine.Engine, "commit", lambda c: seen.append((time.time(), "COMMIT")))
def dump():
    with open(os.environ["DAEMON_CYCLE_STATEMENTS"], "w") as out:
        json.dump(seen, out)
atexit.register(dump)
from contactsync.cli import main
sys.argv[0] = "contactsync"
sys.exit(main())
"""


@dataclass(frozen=True)
class Sample:
    at: float
    #: CPU seconds so far of each of PARTS (the backends: those alive at the sample; one that closed is not counted)
    cpu: tuple[float, ...]
    #: PostgreSQL sessions opened so far in the database (anyone's: other work on the server counts too)
    sessions: int


class CpuSampler:
    """CPU of the daemon and of what serves it, sampled as the bench polls the store (every 0.2 s)."""

    def __init__(self, radicale_pid: int, application: str) -> None:
        self.radicale_pid = radicale_pid
        self.application = application
        self.daemon_pid: int | None = None
        self.samples: list[Sample] = []
        self._backends: dict[int, float] = {}
        #: when each of the daemon's backends seen started (epoch seconds)
        self.backend_starts: dict[int, float] = {}
        #: (epoch seconds, the daemon's CPU seconds so far), every 10 ms while it runs (:meth:`follow`)
        self.daemon_fine: list[tuple[float, float]] = []
        #: with --statements: (epoch seconds, text) of each statement and commit ("COMMIT") the daemon's store sent
        self.statements: list[tuple[float, str]] = []

    def follow(self, pid: int, done: threading.Event) -> None:
        """Sample the daemon's CPU every 10 ms until ``done``: its start-up's CPU, and its cycles' to within
        10 ms (the samples of :meth:`sample`, 0.2 s apart, bracket a cycle with some of the start-up's CPU)."""
        while not done.wait(0.01):
            try:
                self.daemon_fine.append((time.time(), process_cpu(pid)))
            except OSError:
                return

    def daemon_cpu(self, start: float, end: float) -> float:
        """The daemon's CPU seconds from its last fine sample at or before ``start`` (0 before any: the process
        had not started) to its first at or after ``end``."""
        before = [cpu for at, cpu in self.daemon_fine if at <= start]
        after = [cpu for at, cpu in self.daemon_fine if at >= end]
        if not after:
            return float("nan")
        return after[0] - (before[-1] if before else 0.0)

    def sample(self, conn: sa.Connection) -> None:
        rows = conn.execute(
            sa.text("select pid, backend_start from pg_stat_activity where application_name = :app"),
            {"app": self.application},
        ).all()
        for pid, backend_start in rows:
            self.backend_starts[pid] = backend_start.timestamp()
            with contextlib.suppress(OSError):
                self._backends[pid] = process_cpu(pid)
        backends = sum(self._backends.values())  # a backend that closed keeps its last reading
        daemon = 0.0
        if self.daemon_pid is not None:
            with contextlib.suppress(OSError):
                daemon = process_cpu(self.daemon_pid)
        sessions = conn.execute(
            sa.text("select sessions from pg_stat_database where datname = current_database()")
        ).scalar_one()
        self.samples.append(
            Sample(time.time(), (daemon, backends, process_cpu(self.radicale_pid), time.process_time()), sessions)
        )

    def started_between(self, start: float, end: float) -> int:
        """The daemon's PostgreSQL backends that started from ``start`` to ``end`` (exactly, unlike the sessions
        between two samples; a backend that ended between two samples is not seen)."""
        return sum(1 for at in self.backend_starts.values() if start <= at <= end)

    def between(self, start: float, end: float) -> tuple[tuple[float, ...], int]:
        """CPU of each part, and PostgreSQL sessions opened, from the last sample at or before ``start`` to the
        first at or after ``end``."""
        before = [s for s in self.samples if s.at <= start]
        after = [s for s in self.samples if s.at >= end]
        if not before or not after:
            return tuple(float("nan") for _ in PARTS), -1
        cpu = tuple(b - a for a, b in zip(before[-1].cpu, after[0].cpu, strict=True))
        if self.daemon_fine:
            cpu = (self.daemon_cpu(start, end), *cpu[1:])
        return cpu, after[0].sessions - before[-1].sessions


@dataclass(frozen=True)
class Cycle:
    label: str
    rtt_ms: float
    budget: int
    accounts: int
    wall_s: float
    counted: Counters
    ok: int
    #: the runs' own durations summed: ÷ wall, how many books ran at once on average
    busy_s: float
    #: CPU seconds in the cycle of each of PARTS
    cpu: tuple[float, ...]
    #: PostgreSQL sessions opened in the database during the cycle (the daemon's, and any other work's)
    sessions: int
    #: the daemon's PostgreSQL backends started from the cycle's first run's start to its last run's end
    backends_started: int
    #: the 1-minute load average at the cycle's end
    load: float
    #: the first cycle's only: from the process's spawn to its first run's start (interpreter, imports,
    #: configuration, store, and whatever the daemon prepares before its first cycle)
    startup_s: float | None = None
    #: the daemon's CPU seconds over ``startup_s``
    startup_cpu_s: float | None = None
    #: of ``counted.connections``, those opened before the cycle's first run started (in the start-up, for the
    #: first cycle: the proxy's counts of a first cycle cover the whole process up to it)
    opened_before: int = 0
    #: with --statements: the daemon's statements and commits from the cycle's first run's start to 1 s after its
    #: last run's end (the last run's hand-back commits after it), by kind (their first words)
    statements: Tally[str] | None = None

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
    config: Path,
    store: Store,
    books: int,
    after_id: int,
    log: Path,
    sampler: CpuSampler,
    *,
    cycles: int = 1,
    py_spy: Path | None = None,
    spy_first: bool = False,
    statements: Path | None = None,
) -> tuple[float, list[Runs]]:
    """One `contactsync run` until every book has ``cycles`` more finished runs; then SIGTERM. When the process
    was started (epoch seconds), and the runs of each cycle, in order (a book's run of a later cycle starts after
    every run of the earlier one ended: the cycles are a minute apart and one takes seconds). With ``py_spy``, the
    daemon is recorded from its first cycle's end to the last; with ``spy_first`` too, from its start-up (as soon
    as it runs) to its first cycle's end. With ``statements`` (a file), the statements the daemon's store sent are
    read into ``sampler.statements`` once it has stopped."""
    started = time.time()
    command = [CONTACTSYNC, "-c", str(config), "run"]
    env = dict(os.environ)
    if statements is not None:
        command[:1] = [sys.executable, "-c", COUNTING]
        env["DAEMON_CYCLE_STATEMENTS"] = str(statements)
    with log.open("ab") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    sampler.daemon_pid = proc.pid
    sampler.daemon_fine = []
    followed = threading.Event()
    threading.Thread(target=sampler.follow, args=(proc.pid, followed), daemon=True).start()
    spy: subprocess.Popen[bytes] | None = None

    def record() -> subprocess.Popen[bytes]:
        # the thread holding the GIL: in a daemon bound by one interpreter's GIL, what the cycle waits on
        assert py_spy is not None
        args = ["record", "--gil", "--threads", "--format", "raw", "--rate", "250", "-o", str(py_spy)]
        return subprocess.Popen(
            [SPY, *args, "--pid", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(spy: subprocess.Popen[bytes]) -> None:
        spy.send_signal(signal.SIGINT)
        spy.wait(60)

    first_over = False
    try:
        if py_spy is not None and spy_first:
            spy = record()
        while True:
            runs = sorted(_finished_runs(store, after_id))
            with store.engine.connect() as conn:
                sampler.sample(conn)
            if not first_over and len(runs) >= books:
                first_over = True
                if spy is not None:
                    stop(spy)
                    spy = None
                elif py_spy is not None:
                    spy = record()
            if len(runs) >= books * cycles:
                return started, [runs[i * books : (i + 1) * books] for i in range(cycles)]
            if proc.poll() is not None:
                raise SystemExit(f"the daemon exited ({proc.returncode}); see {log}")
            time.sleep(0.2)
    finally:
        followed.set()
        if spy is not None:
            stop(spy)
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        sampler.daemon_pid = None
        if statements is not None:
            sampler.statements = [(at, text) for at, text in json.loads(statements.read_text())]


def _after_minute_slot() -> None:
    """Wait, if need be, for the start of a minute: a cycle begun in the first half of a minute ends (seconds
    later) before the next ``every 60s`` slot, so that slot's cycle is a whole cycle of its own."""
    into = time.time() % 60
    if into > 30:
        time.sleep(60 - into + 0.5)


def _measured(
    label: str,
    runs: Runs,
    counted: Counters,
    run_dir: Path,
    sampler: CpuSampler,
    *,
    rtt_ms: float,
    budget: int,
    spawned: float | None,
) -> Cycle:
    start, end = min(r[2] for r in runs), max(r[3] for r in runs)
    wall = end - start
    statuses = Tally(r[1] for r in runs)
    if set(statuses) != {"ok"}:
        # a figure over failed runs says nothing: show why they failed
        problems = [x for x in (run_dir / "daemon.log").read_text().splitlines() if "ERROR" in x or "WARN" in x]
        print(f"   ! runs of the {label} cycle: {dict(statuses)}; {len(problems)} problem lines, e.g.:")
        for line in problems[-5:]:
            print("     " + line[:300])
    busy = sum(r[3] - r[2] for r in runs)
    load = os.getloadavg()[0]
    ok = sum(1 for r in runs if r[1] == "ok")
    cpu, sessions = sampler.between(start, end)
    startup = start - spawned if spawned is not None else None
    startup_cpu = sampler.daemon_cpu(0.0, start) if spawned is not None else None
    started = sampler.started_between(start, end)
    before = sum(1 for at in counted.opened_at if at < start)
    statements = None
    if sampler.statements:
        statements = Tally(_kind(text) for at, text in sampler.statements if start <= at <= end + 1.0)
    return Cycle(
        label,
        rtt_ms,
        budget,
        len(runs),
        wall,
        counted,
        ok,
        busy,
        cpu,
        sessions,
        started,
        load,
        startup,
        startup_cpu,
        before,
        statements,
    )


def _kind(text: str) -> str:
    """A statement's kind: its first words and the table it names, enough to tell the run's statements apart."""
    words = " ".join(text.split())
    for cut in (" WHERE ", " where ", " VALUES ", " values ", " SET ", " set "):
        words = words.split(cut)[0]
    return words[:90]


def cycle(
    work: Path,
    base: str,
    radicale_pid: int,
    *,
    accounts: int,
    rtt_ms: float,
    budget: int,
    steady: bool = False,
    settled: bool = False,
    py_spy: Path | None = None,
    spy_first: bool = False,
    count_statements: bool = False,
) -> list[Cycle]:
    """The second process's first cycle; with ``steady``, then its next cycle too."""
    radicale_root = work
    schema = f"daemon_cycle_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    # the daemon's backends carry the schema's name: their CPU is told from other work's on the same server
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    sampler = CpuSampler(radicale_pid, f"{schema}-daemon")
    run_dir = work / f"rtt{rtt_ms:g}-b{budget}"
    run_dir.mkdir()
    (run_dir / "password").write_text(PASSWORD)
    os.chmod(run_dir / "password", 0o600)
    proxy = LatencyProxy(base, rtt_ms=rtt_ms).start()
    try:
        ca = proxy.write_ca(run_dir / "ca.pem")
        lines = [
            f"store: {{url: '{url}&application_name={sampler.application}'}}",
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
                f"    schedule: {'every 60s' if steady else 'every 1h'}",
                "    accounts:",
                f"      - {{name: {name}-dir, type: vdir, options: {{path: '{folder}'}}}}",
                f"      - {{name: {name}-dav, type: carddav, options: {dav}}}",
            ]
        config = run_dir / "c.yaml"
        config.write_text("\n".join(lines) + "\n")
        with Store.open(url) as store:
            if steady:
                _after_minute_slot()  # the first syncs too, so that no book runs twice in the first process
            first = _run_daemon(config, store, accounts, 0, run_dir / "daemon.log", sampler)[1][0]
            if settled:
                # one more cycle, in a process of its own, takes our own writes' echo in: the measured process's
                # sync answers are then as empty in its first cycle as in any later one
                with store.engine.begin() as conn:
                    conn.execute(sa.update(t.daemon_leases).values(next_due_at=None))
                if steady:
                    _after_minute_slot()
                last_first = max(r[0] for r in first)
                first = _run_daemon(config, store, accounts, last_first, run_dir / "daemon.log", sampler)[1][0]
            # every book due again now: the measured cycle is the next one, with nothing changed anywhere
            with store.engine.begin() as conn:
                conn.execute(sa.update(t.daemon_leases).values(next_due_at=None))
            proxy.reset()
            if steady:
                _after_minute_slot()
                # the proxy's counts of the first cycle are taken when the second begins (books run only on slots)
                counts: list[Counters] = []

                def split() -> None:
                    while len(_finished_runs(store, last)) < accounts:
                        time.sleep(0.2)
                    counts.append(proxy.reset())

                last = max(r[0] for r in first)
                splitter = threading.Thread(target=split, daemon=True)
                splitter.start()
                spawned, cycles = _run_daemon(
                    config,
                    store,
                    accounts,
                    last,
                    run_dir / "daemon.log",
                    sampler,
                    cycles=2,
                    py_spy=py_spy,
                    spy_first=spy_first,
                    statements=run_dir / "statements.json" if count_statements else None,
                )
                splitter.join()
                counts.append(proxy.reset())
                labels: tuple[str, ...] = ("first", "steady")
            else:
                after = max(r[0] for r in first)
                spawned, cycles = _run_daemon(
                    config,
                    store,
                    accounts,
                    after,
                    run_dir / "daemon.log",
                    sampler,
                    py_spy=py_spy,
                    spy_first=spy_first,
                    statements=run_dir / "statements.json" if count_statements else None,
                )
                counts = [proxy.reset()]
                labels = ("first",)
        return [
            _measured(
                label,
                runs,
                n,
                run_dir,
                sampler,
                rtt_ms=rtt_ms,
                budget=budget,
                spawned=spawned if label == "first" else None,
            )
            for label, runs, n in zip(labels, cycles, counts, strict=True)
        ]
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
    parser.add_argument(
        "--steady",
        action="store_true",
        help="also measure the next cycle of the same daemon process (schedule every 60s; up to 2 min per RTT)",
    )
    parser.add_argument(
        "--settled",
        action="store_true",
        help="run every book once more before the measured process: its first cycle's sync answers are empty too",
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="FOLDER",
        help="record the measured process with py-spy (the GIL holder's stacks) into FOLDER, one file per RTT",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="count the measured daemon's statements and commits per run (SQLAlchemy's cursor events; costs CPU)",
    )
    parser.add_argument(
        "--py-spy-first",
        action="store_true",
        help="with --py-spy: record the measured process's start-up and first cycle instead of the later ones",
    )
    args = parser.parse_args()
    if args.py_spy:
        args.py_spy.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="daemon-cycle-"))
    radicale, base = start_radicale(work)
    try:
        at_zero: dict[tuple[str, int], float] = {}
        for budget in args.budget:
            for rtt in sorted(args.rtt):
                spy = args.py_spy / f"daemon-rtt{rtt:g}-b{budget}.txt" if args.py_spy else None
                measured = cycle(
                    work,
                    base,
                    radicale.pid,
                    accounts=args.accounts,
                    rtt_ms=rtt,
                    budget=budget,
                    steady=args.steady,
                    settled=args.settled,
                    py_spy=spy,
                    spy_first=args.py_spy_first,
                    count_statements=args.statements,
                )
                for c in measured:
                    if c.startup_s is not None:
                        # what the daemon does before its first cycle is not in that cycle's wall: shown here,
                        # so that work moved out of the cycle into the start-up is seen, not hidden
                        assert c.startup_cpu_s is not None
                        print(
                            f"start-up before first cycle: {c.startup_s:.2f} s, daemon CPU {c.startup_cpu_s:.2f} s "
                            f"(rtt={rtt:g}ms; spawn to first run; with the first cycle: "
                            f"{c.startup_s + c.wall_s:.2f} s, daemon CPU {c.startup_cpu_s + c.cpu[0]:.2f} s)",
                            flush=True,
                        )
                    n = c.counted
                    per_run = " ".join(
                        f"{part}={cpu / c.accounts * 1000:.1f}" for part, cpu in zip(PARTS, c.cpu, strict=True)
                    )
                    line = (
                        f"{c.label:6} rtt={rtt:g}ms budget={budget} accounts={c.accounts} ok={c.ok} "
                        f"wall={c.wall_s:.2f}s requests={n.requests} ({n.requests / c.accounts:.1f}/account) "
                        f"connections={n.connections} (limit per host {budget}: "
                        f"{'met' if n.connections <= budget else 'NOT met'}; opened before the cycle's first run: "
                        f"{c.opened_before}) handshakes={n.handshakes} "
                        f"resumed={n.resumed} peak_in_flight={n.peak_in_flight} "
                        f"run={c.busy_s / c.accounts:.2f}s/book books_at_once={c.busy_s / c.wall_s:.1f} "
                        f"cpu_ms/run: {per_run} pg_sessions={c.sessions} "
                        f"pg_backends_started={c.backends_started} load={c.load:.1f}"
                    )
                    if rtt == 0:
                        at_zero[(c.label, budget)] = c.wall_s
                    else:
                        line += f" bound={c.bound_s:.2f}s wall/bound={c.wall_s / c.bound_s:.2f} (target <= 2)"
                        if (c.label, budget) in at_zero:
                            line += f" wall/(bound+0ms wall)={c.wall_s / (c.bound_s + at_zero[(c.label, budget)]):.2f}"
                    print(line, flush=True)
                    if c.statements is not None:
                        commits = c.statements.pop("COMMIT", 0)
                        total = sum(c.statements.values())
                        print(
                            f"   statements/run={total / c.accounts:.2f} commits/run={commits / c.accounts:.2f}",
                            flush=True,
                        )
                        for kind, n in c.statements.most_common():
                            print(f"     {n / c.accounts:5.2f}  {kind}", flush=True)
    finally:
        radicale.terminate()
        radicale.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
