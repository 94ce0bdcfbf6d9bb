"""Daemon benchmark: one full cycle of B books with 1, 2 and 3 ``contactsync run`` instances sharing a PostgreSQL
store; then the daemon's idle CPU and RSS between runs.

    .venv/bin/python bench/daemon_bench.py --books 100 --contacts 500 --idle 10     # 200 vdir accounts x 500
    .venv/bin/python bench/daemon_bench.py --books 20 --contacts 200 --platform emulators

Each book has two accounts, one holding C contacts and one empty. ``--platform vdir`` (the default): two vdir
folders, the least platform time, so the figure is the daemon's and the engine's cost. ``--platform emulators``: a
Google user on the People API emulator (filled) and an Outlook mailbox on the Graph emulator (empty), served from
this process: the real connectors, HTTP, tokens and the default rate limits in the figure, and the emulators'
own CPU on the same cores.

The cycle time is from the instances' start to the last book's finished run (the first sync: every contact
written to the empty account and marked in the full one). Every run leases its book and both accounts; the
figures show how the books and accounts spread over the instances. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import CONTACTSYNC, EmulatorBooks, books_yaml, make_book

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cycle(root: Path, books: int, contacts: int, instances: int, workers: int, idle_s: float, platform: str) -> None:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    work = root / f"i{instances}"
    names = [f"b{i:03d}" for i in range(books)]
    work.mkdir(parents=True, exist_ok=True)
    world: EmulatorBooks | None = None
    env = dict(os.environ)
    if platform == "emulators":
        world = EmulatorBooks(work, names)
        for name in names:
            world.add_people(name, "g", range(contacts))
        env.update(world.env)
        books_text = world.yaml(schedule="every 1h")
    else:
        for name in names:
            make_book(work, name, contacts)
        books_text = books_yaml(work, names, schedule="every 1h")
    config = work / "c.yaml"
    config.write_text(f"store: {{url: '{url}'}}\n" + books_text)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with Store.open(url) as store:
            started = time.monotonic()
            for i in range(instances):
                log = (work / f"inst{i}.log").open("wb")
                procs.append(
                    subprocess.Popen(
                        [
                            CONTACTSYNC,
                            "-c",
                            str(config),
                            "run",
                            "--jitter",
                            "0",
                            "--workers",
                            str(workers),
                            "--instance-id",
                            f"inst{i}",
                        ],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
            while True:
                with store.engine.connect() as conn:
                    done = conn.execute(
                        sa.select(sa.func.count()).select_from(t.runs).where(t.runs.c.status == "ok")
                    ).scalar_one()
                if done >= books:
                    break
                if any(p.poll() is not None for p in procs):
                    raise SystemExit(f"an instance exited; see {work}/inst*.log")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            with store.engine.connect() as conn:
                per_owner = dict(
                    conn.execute(
                        sa.select(t.daemon_leases.c.last_owner, sa.func.count()).group_by(t.daemon_leases.c.last_owner)
                    ).all()
                )
                accounts_per_owner = dict(
                    conn.execute(
                        sa.select(t.account_leases.c.last_owner, sa.func.count()).group_by(
                            t.account_leases.c.last_owner
                        )
                    ).all()
                )
        accounts = books * 2
        print(
            f"platform={platform} instances={instances} books={books} accounts={accounts} "
            f"contacts/account={contacts} cycle={elapsed:.1f}s ({books * contacts * 2 / elapsed:.0f} writes/s) "
            f"books per instance={dict(sorted(per_owner.items()))} "
            f"accounts per instance={dict(sorted(accounts_per_owner.items()))}",
            flush=True,
        )
        if idle_s:
            pid = procs[0].pid
            time.sleep(2)  # let the last run's tag checks and metrics settle
            c0, w0 = cpu_seconds(pid), time.monotonic()
            time.sleep(idle_s)
            c1, w1 = cpu_seconds(pid), time.monotonic()
            print(
                f"  idle: cpu {100 * (c1 - c0) / (w1 - w0):.2f}% of one core over {idle_s:.0f}s, "
                f"rss {rss_mib(pid):.0f} MiB (instance 0)",
                flush=True,
            )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(120)
        if world is not None:
            world.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=20, help="books (two accounts each)")
    parser.add_argument("--contacts", type=int, default=500, help="cards per filled account")
    parser.add_argument("--instances", default="1,2,3", help="instance counts to try, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="books run at once per instance")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measurement (0: skip)")
    parser.add_argument(
        "--platform",
        choices=("vdir", "emulators"),
        default="vdir",
        help="vdir folders, or a Google user and an Outlook mailbox on the emulators",
    )
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} store=PostgreSQL accounts={args.platform}", flush=True)
    with tempfile.TemporaryDirectory(prefix="daemon-bench-") as tmp:
        for n in (int(x) for x in args.instances.split(",")):
            cycle(Path(tmp), args.books, args.contacts, n, args.workers, args.idle if n == 1 else 0, args.platform)


if __name__ == "__main__":
    main()
