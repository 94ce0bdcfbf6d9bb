"""Distribution at scale (issue #17 section 4): a directory in a real OpenLDAP pushed into U target accounts,
half Google users on the People API emulator, half Microsoft 365 mailboxes on the Graph emulator (a "Company
directory" folder each), by the real ``contactsync`` processes on a PostgreSQL store.

    .venv/bin/python bench/distribution_bench.py --users 100 --people 100
    .venv/bin/python bench/distribution_bench.py --users 500 --people 500        # the issue's 250,000 items
    .venv/bin/python bench/distribution_bench.py --users 30 --people 200 --daemons 3 --only-daemons

Single-daemon runs (each a fresh ``contactsync distribute company`` process, as a timer-started run would be,
the emulators and slapd serving from elsewhere): the first distribution, the settling cycle (our own writes come
back once in each target's incremental listing), a cycle with nothing changed, one person's phone changed, one
person leaving, ten people joining (each of the last three followed by its settling cycle). Per run: requests per
platform (HTTP requests; sign-in excluded; a Graph ``$batch`` is one) against the lower bound (one listing per
target plus the writes batched as each API allows: Google 200 a batch call, Graph 20 a ``$batch``), wall, CPU
(user+sys of the process) and peak RSS (its ``VmHWM``, polled: ``ru_maxrss`` would carry this parent's RSS in
through exec), and the store's size (PostgreSQL relations of the run's schema).

``--daemons N``: N ``contactsync run`` daemons on a fresh schema share a first distribution; the first is killed
(SIGKILL) once it has finished a target and holds the next; the others finish its targets. Printed: how many
target runs each daemon logged, and each target's content checked on the platform: every person exactly once in
the container, none missing (a duplicate or a missed target is printed as FAIL).

Prints figures; asserts nothing about time. The emulators run in this process (their CPU is on the same cores
as the daemon's, so wall includes them; the CPU figure is the daemon's alone).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ldap3
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.google import RequestKind as GoogleKind
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook import RequestKind as GraphKind
from tests.daemon_support import CONTACTSYNC
from tests.google.helpers import service_account_key
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TENANT, CLIENT_ID, CLIENT_SECRET = "contoso.test", "11111111-2222-3333-4444-555555555555", "s3cret"
CONTAINER = "Company directory"
GOOGLE_BATCH, GRAPH_BATCH = 200, 20


@dataclass(frozen=True)
class Measured:
    run: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    exit_code: int
    google: int
    outlook: int
    google_detail: dict[str, int]
    outlook_detail: dict[str, int]
    bound_google: int
    bound_outlook: int
    store_mb: float


class World:
    """slapd with the directory, both emulators with the targets, a config file on a fresh PostgreSQL schema."""

    def __init__(self, root: Path, users: int, people: int, *, lease_s: int = 30, workers: int = 0) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.slapd = Slapd(root / "slapd").start()
        self.google = PeopleEmulator(max_contacts=max(25_000, people + 100))
        # Graph's documented budget is 10,000 requests per 10 minutes per mailbox, and 4 concurrent per app and
        # mailbox: the emulator enforces both; a first distribution of 500 people is 25 $batch of 20 members
        self.graph = GraphEmulator(seed=1)
        self.google.start()
        self.graph.start()
        self.graph.add_tenant(TENANT)
        self.graph.add_app(TENANT, CLIENT_ID, secret=CLIENT_SECRET)
        self.key = root / "google-key.json"
        self.key.write_text(service_account_key(self.google))
        self.key.chmod(0o600)
        self.google_users = [f"g{i:05d}@example.com" for i in range(users - users // 2)]
        self.mailboxes = [f"o{i:05d}@{TENANT}" for i in range(users // 2)]
        self.folders: dict[str, str] = {}
        for u in self.google_users:
            self.google.add_user(u)
        for m in self.mailboxes:
            self.graph.add_mailbox(TENANT, m)
            self.folders[m] = self.graph.add_folder(m, CONTAINER)
        self.next_person = 0
        self.dns: list[str] = []
        self.add_people(people)
        (root / "reader-password").write_text(READER_PASSWORD)
        (root / "reader-password").chmod(0o600)
        self.schema = f"bench_{uuid.uuid4().hex[:10]}"
        with sa.create_engine(PG_URL).begin() as conn:
            conn.execute(sa.text(f'create schema "{self.schema}"'))
        self.url = f"{PG_URL}?options=-csearch_path%3D{self.schema}"
        (root / "idle-a").mkdir()
        (root / "idle-b").mkdir()
        self.config = root / "config.yaml"
        self.config.write_text(self.yaml(lease_s, workers))
        self.env = {**os.environ, "GRAPH_CLIENT_SECRET": CLIENT_SECRET}

    @property
    def targets(self) -> int:
        return len(self.google_users) + len(self.mailboxes)

    def add_people(self, n: int) -> None:
        with self.slapd.admin() as c:
            for _ in range(n):
                i = self.next_person
                self.next_person += 1
                dn = f"uid=p{i},{PEOPLE}"
                c.add(  # type: ignore[no-untyped-call]  # ldap3 ships no annotations
                    dn,
                    ["inetOrgPerson"],
                    {
                        "cn": f"Person {i}",
                        "sn": f"Person{i}",
                        "givenName": "Test",
                        "mail": f"p{i}@example.org",
                        "telephoneNumber": f"+55 11 3{i:07d}",
                        "title": "Engineer",
                        "ou": "R&D",
                    },
                )
                self.dns.append(dn)

    def change_phone(self, index: int) -> None:
        with self.slapd.admin() as c:
            phone = [(ldap3.MODIFY_REPLACE, ["+55 11 99999-0000"])]
            c.modify(self.dns[index], {"telephoneNumber": phone})  # type: ignore[no-untyped-call]

    def remove(self, index: int) -> None:
        self.slapd.delete(self.dns[index])

    def yaml(self, lease_s: int, workers: int) -> str:
        lines = [
            f'store: {{url: "{self.url}"}}',
            # workers 0: as many targets at once as the daemon takes by default (from the per-platform budgets)
            f"daemon: {{lease_seconds: {lease_s}, jitter_seconds: 0, workers: {workers}}}",
            # a configuration needs a book: two empty folders (the daemon syncs them once, at no cost)
            "books:",
            "  - name: idle",
            "    schedule: every 24h",
            "    accounts:",
            f"      - {{name: idle-a, type: vdir, options: {{path: {self.root / 'idle-a'}}}}}",
            f"      - {{name: idle-b, type: vdir, options: {{path: {self.root / 'idle-b'}}}}}",
            "distribute:",
            "  - name: company",
            "    source: directory",
            f"    container: {CONTAINER}",
            "    schedule: every 1h",
            "    default_region: BR",
            "    brake: {max_deletes: 20, max_delete_ratio: 0.1}",
            "    targets:",
        ]
        names = [f"dir-{u.split('@')[0]}" for u in self.google_users + self.mailboxes]
        owners = self.google_users + self.mailboxes
        lines += [f"      - {{account: {n}, owner: {o}}}" for n, o in zip(names, owners, strict=True)]
        lines += [
            "    accounts:",
            "      - name: directory",
            "        type: ldap",
            "        mode: pull-only",
            f'        options: {{url: "{self.slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", '
            "password_file: reader-password}",
        ]
        for u in self.google_users:
            lines += [
                f"      - name: dir-{u.split('@')[0]}",
                "        type: google",
                f"        options: {{subject: {u}, service_account_file: {self.key}, endpoint: {self.google.url}, "
                f"token_uri: {self.google.token_uri}}}",
            ]
        for m in self.mailboxes:
            lines += [
                f"      - name: dir-{m.split('@')[0]}",
                "        type: outlook",
                "        options:",
                f"          tenant_id: {TENANT}",
                f"          client_id: {CLIENT_ID}",
                "          client_secret: ${GRAPH_CLIENT_SECRET}",
                f"          mailbox: {m}",
                f"          folder: {CONTAINER}",
                f"          authority_host: {self.graph.base_url}",
                f"          graph_url: {self.graph.graph_url}",
                f"          ca_bundle: {self.graph.ca_file}",
            ]
        return "\n".join(lines) + "\n"

    def store_mb(self) -> float:
        with sa.create_engine(PG_URL).connect() as conn:
            size = conn.execute(
                sa.text(
                    "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c "
                    "join pg_namespace n on n.oid = c.relnamespace where n.nspname = :s and c.relkind = 'r'"
                ),
                {"s": self.schema},
            ).scalar_one()
        return int(size) / 2**20

    def contents(self) -> dict[str, Counter[str]]:
        """target → how many times each person's email is in its container (the user's own contacts aside)."""
        out: dict[str, Counter[str]] = {}
        for u in self.google_users:
            label = next((g["resourceName"] for g in self.google.groups(u) if g.get("name") == CONTAINER), None)
            out[u] = Counter(
                e["value"].lower()
                for p in self.google.persons(u)
                if any(
                    m.get("contactGroupMembership", {}).get("contactGroupResourceName") == label
                    for m in p.get("memberships", [])
                )
                for e in p.get("emailAddresses", [])[:1]
            )
        for m in self.mailboxes:
            out[m] = Counter(
                c["emailAddresses"][0]["address"].lower()
                for c in self.graph.contacts(m, self.folders[m])
                if c.get("emailAddresses")
            )
        return out

    def close(self) -> None:
        self.google.stop()
        self.graph.stop()
        self.slapd.stop()
        with sa.create_engine(PG_URL).begin() as conn:
            conn.execute(sa.text(f'drop schema "{self.schema}" cascade'))


class Watched:
    """A child process with its peak RSS (VmHWM) polled until it exits, and its CPU from wait4."""

    def __init__(self, args: Sequence[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log = log.open("wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.peak_kb = 0
        self.cpu_s = 0.0
        self.wall_s = 0.0
        self.code: int | None = None
        self._poller = threading.Thread(target=self._poll, daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        status = Path(f"/proc/{self.proc.pid}/status")
        while self.proc.returncode is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                return
            time.sleep(0.05)

    def alive(self) -> bool:
        """Without reaping it (Popen.poll would, and wait4 would then find no child to read the CPU of)."""
        try:
            state = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    def wait(self) -> int:
        if self.code is not None:
            return self.code
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.wall_s = time.monotonic() - self.started
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_s = usage.ru_utime + usage.ru_stime
        self.code = self.proc.returncode
        self.log.close()
        return self.code

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)


def google_requests(counts: Counter[GoogleKind]) -> int:
    # an HTTP batch envelope's parts are counted under their own kinds; tokens are not API calls
    return sum(v for k, v in counts.items() if k not in (GoogleKind.TOKEN, GoogleKind.HTTP_BATCH))


def graph_requests(counts: Counter[GraphKind]) -> int:
    # a $batch member is counted under its own kind as well as batch_member: HTTP requests are the kinds minus
    # the members; sign-in is not a Graph call
    skip = (GraphKind.BATCH_MEMBER, GraphKind.TOKEN, GraphKind.DISCOVERY)
    return sum(v for k, v in counts.items() if k not in skip) - counts.get(GraphKind.BATCH_MEMBER, 0)


def run_once(world: World, label: str, writes_per_target: int, *, first: bool = False) -> Measured:
    """One ``contactsync distribute company`` process. ``writes_per_target``: items each target must receive
    (the lower bound is one listing plus those writes batched; a first run also creates Google's label)."""
    world.google.reset_counters()
    world.graph.reset_counters()
    child = Watched(
        [CONTACTSYNC, "-c", str(world.config), "distribute", "company", "--json"],
        world.env,
        world.root / f"{label.replace(' ', '-')}.log",
        world.root,
    )
    code = child.wait()
    g, o = Counter(world.google.requests), Counter(world.graph.requests)
    ng, no = len(world.google_users), len(world.mailboxes)
    bound_g = ng * (1 + math.ceil(writes_per_target / GOOGLE_BATCH) + (1 if first else 0))
    bound_o = no * (1 + math.ceil(writes_per_target / GRAPH_BATCH))
    return Measured(
        label,
        child.wall_s,
        child.cpu_s,
        child.peak_kb / 1024,
        code,
        google_requests(g),
        graph_requests(o),
        {k.value: v for k, v in sorted(g.items(), key=lambda kv: kv[0].value) if v},
        {k.value: v for k, v in sorted(o.items(), key=lambda kv: kv[0].value) if v},
        bound_g,
        bound_o,
        world.store_mb(),
    )


def show(m: Measured, items: int) -> None:
    per_item = f"  {m.cpu_s / items * 1000:.2f} ms CPU/item" if items else ""
    print(
        f"  {m.run:<22} exit {m.exit_code}  wall {m.wall_s:7.1f}s  cpu {m.cpu_s:7.1f}s  rss {m.peak_rss_mb:5.0f}MB  "
        f"google {m.google:>6}/{m.bound_google:<6} outlook {m.outlook:>6}/{m.bound_outlook:<6} "
        f"store {m.store_mb:6.1f}MB{per_item}",
        flush=True,
    )


def single(users: int, people: int, root: Path, *, quick: bool = False, workers: int = 0) -> list[dict[str, Any]]:
    print(
        f"{users} targets x {people} people ({users * people:,} target items), one daemon process per run, "
        f"workers {workers or 'default'}"
    )
    world = World(root, users, people, workers=workers)
    rows: list[Measured] = []
    try:
        t = world.targets

        def step(label: str, writes: int, *, first: bool = False) -> None:
            m = run_once(world, label, writes, first=first)
            rows.append(m)
            show(m, writes * t)
            if m.exit_code != 0:
                log = world.root / f"{label.replace(' ', '-')}.log"
                raise SystemExit(f"contactsync exited {m.exit_code}:\n{log.read_text(errors='replace')[-3000:]}")

        step("first distribution", people, first=True)
        step("settling", 0)
        step("no change", 0)
        step("no change (again)", 0)
        world.change_phone(people // 2)
        step("one phone changed", 1)
        step("settling", 0)
        expected = people
        if not quick:
            world.remove(people // 3)
            step("one person left", 1)
            step("settling", 0)
            world.add_people(10)
            step("ten joined", 10)
            step("settling", 0)
            expected = people - 1 + 10
        contents = world.contents()
        # every target holds everyone: the targets' owners are not people of the directory here
        bad = {u: c for u, c in contents.items() if sum(c.values()) != expected or max(c.values()) != 1}
        print(
            f"  content check: {len(contents) - len(bad)} of {len(contents)} targets hold {expected} people once"
            + (f"; FAIL on {sorted(bad)[:5]}" if bad else "")
        )
        print("  request detail of the last runs:")
        for m in rows[-6:]:
            print(f"    {m.run}: google {m.google_detail}; outlook {m.outlook_detail}")
    finally:
        world.close()
    return [m.__dict__ for m in rows]


def daemons(users: int, people: int, count: int, root: Path) -> dict[str, Any]:
    print(f"{count} daemons on PostgreSQL, {users} targets x {people} people; the first killed mid-way")
    world = World(root, users, people, lease_s=5)
    procs: list[Watched] = []
    try:
        world.google.reset_counters()
        world.graph.reset_counters()
        started = time.monotonic()
        for i in range(count):
            procs.append(
                Watched(
                    [CONTACTSYNC, "-c", str(world.config), "run", "--jitter", "0", "--instance-id", f"d{i}"],
                    world.env,
                    root / f"daemon{i}.log",
                    root,
                )
            )
        done_line = re.compile(r"distribution company: target (\S+) at revision (\d+)")
        killed_at: float | None = None
        killed_done: list[str] = []
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            logs = [(root / f"daemon{i}.log").read_text(errors="replace") for i in range(count)]
            if killed_at is None and len(done_line.findall(logs[0])) >= max(1, users // (3 * count)):
                procs[0].kill()
                killed_at = time.monotonic() - started
                killed_done = [a for a, r in done_line.findall(logs[0]) if r != "0"]
            if not all(p.alive() for p in procs[1:]):
                raise SystemExit(f"a daemon exited:\n{logs[1][-3000:]}\n{logs[2 % count][-3000:]}")
            finished = {a for text in logs for a, r in done_line.findall(text) if r != "0"}
            if killed_at is not None and len(finished) >= world.targets:
                break
            time.sleep(0.5)
        wall = time.monotonic() - started
        logs = [(root / f"daemon{i}.log").read_text(errors="replace") for i in range(count)]
        split = {f"d{i}": len([a for a, r in done_line.findall(text) if r != "0"]) for i, text in enumerate(logs)}
        takeovers = sum(text.count("taking it over") for text in logs)
        rss = {}
        for i, p in enumerate(procs):
            rss[f"d{i}"] = round(p.peak_kb / 1024)
            if p.alive():
                p.proc.send_signal(signal.SIGTERM)
            p.wait()
        contents = world.contents()
        bad = {u: c for u, c in contents.items() if sum(c.values()) != people or max(c.values(), default=0) != 1}
        g, o = Counter(world.google.requests), Counter(world.graph.requests)
        out = {
            "wall_s": round(wall, 1),
            "killed_at_s": round(killed_at or 0, 1),
            "killed_had_done": len(killed_done),
            "target_runs_per_daemon": split,
            "takeovers_logged": takeovers,
            "cpu_s": {f"d{i}": round(p.cpu_s, 1) for i, p in enumerate(procs)},
            "peak_rss_mb": rss,
            "google_requests": google_requests(g),
            "outlook_requests": graph_requests(o),
            "targets_ok": len(contents) - len(bad),
            "targets": len(contents),
            "store_mb": round(world.store_mb(), 1),
        }
        print("  " + json.dumps(out))
        if bad:
            worst = {u: (sum(c.values()), max(c.values(), default=0)) for u, c in list(bad.items())[:5]}
            print(f"  FAIL: {len(bad)} targets wrong (items, max copies): {worst}")
        return out
    finally:
        for p in procs:
            if p.code is None:
                p.kill()
                p.wait()
        world.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100, help="target accounts (half Google, half Outlook)")
    parser.add_argument("--people", type=int, default=100, help="people in the directory")
    parser.add_argument("--daemons", type=int, default=0, help="also run N daemons sharing a first distribution")
    parser.add_argument("--only-daemons", action="store_true")
    parser.add_argument("--quick", action="store_true", help="stop after the one-change run (large sizes)")
    parser.add_argument(
        "--workers", type=int, default=0, help="daemon.workers: targets at once (0: the daemon's default)"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"users": args.users, "people": args.people, "workers": args.workers}
    with tempfile.TemporaryDirectory(prefix="distbench") as tmp:
        if not args.only_daemons:
            results["single"] = single(
                args.users, args.people, Path(tmp) / "single", quick=args.quick, workers=args.workers
            )
        if args.daemons:
            results["daemons"] = daemons(args.users, args.people, args.daemons, Path(tmp) / "daemons")
    out = Path(__file__).parent / "results" / f"distribution-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
