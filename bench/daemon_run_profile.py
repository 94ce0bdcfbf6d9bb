"""What one daemon run of a CardDAV book with nothing to do costs on PostgreSQL: SQL statements, transactions, CPU.

    .venv/bin/python bench/daemon_run_profile.py                      # 40 books, 20 measured no-change runs
    .venv/bin/python bench/daemon_run_profile.py --books 200 --profile /tmp/run.prof

The daemon's own code path in one process (no scheduler): N books of a `vdir` folder of one card and a `carddav`
account on its own Radicale book (waitress, no proxy), a fresh PostgreSQL schema; every book is run once (its
first sync), then ``--runs`` books are run again with nothing changed, one after another, through
``Daemon._run_book`` (lease claim, fenced engine run, health, tag check, lease release). Printed: per no-change
run, the median of SQL statements, transactions (commits), this process's CPU (user+sys) and wall, and the
mean CPU per run of the store's PostgreSQL backends (this process's connections) and of Radicale; with
``--profile``, a cProfile (CPU time) of the measured runs. The first no-change run of a book still gets the card its
first sync wrote back in its sync answer (our own write echoing); with ``--steady`` every book is run once more
before the measured runs, whose sync answers are then empty: a daemon's run cycle after cycle. With ``--fresh``
the measured runs are made by a new ``Daemon`` (and store) object, so each is its book's first in that daemon, as
in a new process's first cycle (the modules stay imported: the daemon imports them before that cycle). The store
holds all N books, so costs that grow with the store (a per-run read of every account's rows) show as N grows. Figures
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from carddav_bench import PASSWORD, USER, card
from latency import make_book, process_cpu, start_radicale

from contactsync.cli.daemon import options_for
from contactsync.config import load_settings
from contactsync.daemon import Daemon
from contactsync.daemon.records import DaemonRecords
from contactsync.store import Store
from contactsync.store import schema as t

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Counted:
    def __init__(self) -> None:
        self.statements = 0
        self.commits = 0
        self.lock = threading.Lock()
        #: the text of each statement, when asked (--show)
        self.texts: list[str] | None = None

    def statement(self, _conn: object, _cursor: object, text: str, *_args: object) -> None:
        with self.lock:
            self.statements += 1
            if self.texts is not None:
                self.texts.append(" ".join(text.split())[:150])

    def commit(self, *_args: object) -> None:
        with self.lock:
            self.commits += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=40)
    parser.add_argument("--runs", type=int, default=20, help="no-change runs measured (at most --books)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the measured runs here")
    parser.add_argument("--show", action="store_true", help="print the statements of the last measured run")
    parser.add_argument(
        "--steady", action="store_true", help="run every book once more first: measured runs get empty sync answers"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="measure each book's first run in a new daemon object (as a new process's first cycle: its kept "
        "transports, connections and state empty) rather than in the one that made the first syncs",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="daemon-run-profile-"))
    radicale, base = start_radicale(work)
    schema = f"daemon_run_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    daemon: Daemon | None = None
    try:
        (work / "password").write_text(PASSWORD)
        os.chmod(work / "password", 0o600)
        lines = [f"store: {{url: '{url}'}}", "daemon: {jitter_seconds: 0, max_in_flight: {carddav: 8}}", "books:"]
        names = []
        for i in range(args.books):
            name = f"p{i:03d}"
            names.append(name)
            make_book(base, work, name, 0)
            folder = work / f"dir-{name}"
            folder.mkdir()
            (folder / "one.vcf").write_bytes(card(i))
            dav = f"{{url: '{base}/{USER}/{name}/', username: {USER}, password_file: '{work / 'password'}'}}"
            lines += [
                f"  - name: {name}",
                "    schedule: every 1h",
                "    accounts:",
                f"      - {{name: {name}-dir, type: vdir, options: {{path: '{folder}'}}}}",
                f"      - {{name: {name}-dav, type: carddav, options: {dav}}}",
            ]
        config = work / "c.yaml"
        config.write_text("\n".join(lines) + "\n")
        settings = load_settings(config)
        daemon = Daemon(settings, options_for(settings), load=lambda: load_settings(config))
        daemon.store = Store.open(url)
        daemon.records = DaemonRecords(daemon.store)
        daemon.records.ensure_books(settings.books)
        store = daemon.store
        for name in names:
            daemon._run_book(name)  # the first sync
        due_now = sa.update(t.daemon_leases).values(next_due_at=None)
        if args.steady:
            with store.engine.begin() as conn:
                conn.execute(due_now)
            for name in names:
                daemon._run_book(name)  # takes in the first sync's own writes echoing back
        with store.engine.begin() as conn:
            conn.execute(due_now)
        if args.fresh:
            # what a new process's first cycle starts from: nothing of the daemon that made the first syncs
            # (its kept transports, its HTTP connections, the connectors' state) but the store; the modules stay
            # imported, as the daemon imports them before its first cycle
            store.close()
            daemon = Daemon(settings, options_for(settings), load=lambda: load_settings(config))
            daemon.store = Store.open(url)
            daemon.records = DaemonRecords(daemon.store)
            daemon.records.ensure_books(settings.books)
            store = daemon.store
        # the PostgreSQL backend of every connection the store's pool holds (or opens from now on)
        backends: set[int] = set()

        def backend(dbapi_conn: object, _record: object) -> None:
            with dbapi_conn.cursor() as cur:  # type: ignore[attr-defined]
                cur.execute("select pg_backend_pid()")
                backends.add(int(cur.fetchone()[0]))

        sa.event.listen(store.engine, "connect", backend)
        store.engine.pool.dispose()  # reconnect: every backend from now on is seen
        counted = Counted()
        sa.event.listen(store.engine, "before_cursor_execute", counted.statement)
        sa.event.listen(store.engine, "commit", counted.commit)
        statements, commits, cpus, walls = [], [], [], []
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        daemon._run_book(
            names[-1]
        )  # a warm-up run that opens the pool's connections (measured only if --runs = --books)
        others0 = {pid: _cpu(pid) for pid in backends | {radicale.pid}}
        for name in names[: args.runs]:
            s0, c0 = counted.statements, counted.commits
            if args.show:
                counted.texts = []
            cpu0, wall0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            daemon._run_book(name)
            if profiler:
                profiler.disable()
            cpus.append(time.process_time() - cpu0)
            walls.append(time.perf_counter() - wall0)
            statements.append(counted.statements - s0)
            commits.append(counted.commits - c0)
        others = {pid: _cpu(pid) - others0.get(pid, 0.0) for pid in backends | {radicale.pid}}
        runs = len(cpus)
        pg_cpu = sum(v for pid, v in others.items() if pid != radicale.pid) / runs
        radicale_cpu = others[radicale.pid] / runs
        with store.engine.connect() as conn:
            statuses = conn.execute(sa.select(t.runs.c.status, sa.func.count()).group_by(t.runs.c.status)).all()
        print(
            f"{'steady ' if args.steady else ''}{'fresh ' if args.fresh else ''}books={args.books} runs={len(cpus)} "
            f"statements/run={statistics.median(statements):g} "
            f"(min {min(statements)}, max {max(statements)}) commits/run={statistics.median(commits):g} "
            f"cpu/run={statistics.median(cpus) * 1000:.1f}ms wall/run={statistics.median(walls) * 1000:.1f}ms "
            f"postgres_cpu/run={pg_cpu * 1000:.1f}ms radicale_cpu/run={radicale_cpu * 1000:.1f}ms "
            f"runs by status={dict((s, n) for s, n in statuses)} load={os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for text in counted.texts or []:
            print("  " + text)
        if profiler and args.profile:
            profiler.dump_stats(args.profile)
    finally:
        if daemon is not None and daemon.store is not None:
            daemon.store.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()
        radicale.terminate()
        radicale.wait(30)
        shutil.rmtree(work, ignore_errors=True)


def _cpu(pid: int) -> float:
    try:
        return process_cpu(pid)
    except OSError:  # a backend closed meanwhile: its CPU is not counted
        return 0.0


if __name__ == "__main__":
    main()
