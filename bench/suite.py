"""The benchmark suite: N people shared by a Google account (People emulator), an Outlook mailbox (Graph emulator)
and a Radicale address book, synced by the real engine into a SQLite store.

    .venv/bin/python bench/suite.py                       # N = 1000 and 10000
    .venv/bin/python bench/suite.py --sizes 1000 10000 50000
    .venv/bin/python bench/suite.py --sizes 1000 --radicale-fsync   # Radicale syncing every write to disk
    .venv/bin/python bench/suite.py --sizes 1000 --radicale-stock   # Radicale's storage as shipped (O(N) per PUT)

For each N, the same N people are on all three platforms before the first sync (the emulators are seeded
through their control APIs, Radicale's storage folder is written directly). Radicale runs its own filesystem
storage with the sweep of expired history throttled to once a minute (``bench/radicale_storage.py``: as
shipped, every PUT stats every card of the collection, which makes a first sync O(N²) on Radicale's side) and
without fsync; neither changes an answer.
Runs, each measured in its own process (a fresh ``python`` that builds the connectors and runs the engine, so
CPU time and peak RSS are contactsync's alone, not the emulators'):

- first sync: every person matched across the three platforms by email, our marker written on every item;
- settling run: our own writes come back once in the incremental listings (shown, not a target);
- no change: nothing changed anywhere;
- 1% changed, 10% changed: k = N/100 (N/10) people edited, a third on each platform, through the platform's
  own API; each platform then receives the edits made on the other two.

Requests are counted per platform (the emulators' counters; the CardDAV connector's own counts) and printed
next to the issue's lower bound for k changed people: Google ⌈listed/1000⌉ list calls + ⌈k/200⌉ batch calls;
Graph ⌈listed/1000⌉ delta pages + ⌈k/20⌉ $batch; CardDAV 1 REPORT + ⌈k/chunk⌉ multigets + k_in PUTs (the
issue says k PUTs; k_in, what the platform must receive, is tighter). "listed" is what the platform's listing
holds (N for a full listing, k_out = the people changed there for an incremental one). The JSON also keeps the
tighter split bound (``bounds_tight``: batch calls and $batch for k_in only, multigets for k_out only) and the
re-reads a safe write needs (``rereads``, see bench/README.md). The table is printed and the figures are
written as JSON to ``bench/results/suite-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import niquests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for its free port (tests/ports.py)
from tests.ports import free_port  # noqa: E402

GOOGLE_USER = "bench@example.com"
TENANT, CLIENT_ID, SECRET, MAILBOX = "bench.test", "bench-app", "bench-secret", "bench@bench.test"
DAV_USER, DAV_PASSWORD = "bench", "bench"
TAGS = [f"Team{i}" for i in range(7)]
MULTIGET_CHUNK = 100
REPORT_ALL = (
    '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1'
    "</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"
)
REPORT_SINCE = (
    '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token>'
    "<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"
)


# ------------------------------------------------------------------------------------------ the child process


def child(spec_json: str) -> None:
    """One engine run in this process; prints one JSON line with its own wall, CPU and peak RSS."""
    spec = json.loads(spec_json)
    started_wall, started_cpu = time.perf_counter(), _cpu()
    from google.oauth2.credentials import Credentials

    from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
    from contactsync.connectors.google import GoogleConnector
    from contactsync.connectors.google.auth import GoogleAuth
    from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
    from contactsync.engine import Engine
    from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
    from contactsync.store import Store

    imported_wall, imported_cpu = time.perf_counter(), _cpu()
    google = GoogleConnector(
        "google", GoogleAuth(Credentials(spec["google_token"]), "", "bench"), endpoint=spec["google_url"]
    )
    outlook = OutlookConnector(
        "outlook",
        OutlookOptions(
            tenant_id=TENANT,
            client_id=CLIENT_ID,
            client_secret=SECRET,
            mailbox=MAILBOX,
            authority_host=spec["graph_base"],
            graph_url=spec["graph_url"],
            ca_bundle=spec["ca_file"],
        ),
    )
    dav = CardDavConnector(
        "dav",
        CardDavOptions(url=spec["dav_url"], username=DAV_USER, timeout=600, multiget_chunk=MULTIGET_CHUNK),
        DAV_PASSWORD,
    )
    book = BookSettings(
        "bench",
        tuple(AccountSettings(n, n) for n in ("google", "outlook", "dav")),
        brake=BrakeSettings(max_deletes=10**9, max_delete_ratio=1.0),
    )
    try:
        with Store.open(spec["store_url"]) as store:
            engine = Engine(store, book, {"google": google, "outlook": outlook, "dav": dav})
            profile_dir = os.environ.get("CONTACTSYNC_BENCH_PROFILE")
            if profile_dir:  # where the CPU goes, run by run (the figures printed then include cProfile's cost)
                import cProfile

                with cProfile.Profile() as profiler:
                    report = engine.run()
                profiler.dump_stats(Path(profile_dir) / f"run-{time.time_ns()}.prof")
            else:
                report = engine.run()
        dav_counts = dict(dav.request_counts)
    finally:
        for c in (google, outlook, dav):
            c.close()
    wall, cpu = time.perf_counter(), _cpu()
    print(
        json.dumps(
            {
                "wall_s": wall - imported_wall,
                "cpu_s": cpu - imported_cpu,
                "import_s": imported_wall - started_wall,
                "import_cpu_s": imported_cpu - started_cpu,
                "peak_rss_mb": _peak_rss_mb(),
                "writes": report.writes,
                "result": report.result.value,
                "dav_requests": dav_counts,
                "errors": {n: a.error for n, a in report.accounts.items() if a.error},
                "pending": {n: a.pending for n, a in report.accounts.items() if a.pending},
            }
        )
    )


def _peak_rss_mb() -> float:
    """This program's peak RSS. Not ``ru_maxrss``: Linux carries the parent's RSS at spawn time into the child's
    ``ru_maxrss`` through exec, so a child of a parent holding 50,000 contacts in its emulators would report the
    parent's size. ``VmHWM`` is the high-water mark of this program's own memory."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------------------ the parent


def start_radicale(root: Path, fsync: bool, stock: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    (root / "htpasswd").write_text(f"{DAV_USER}:{DAV_PASSWORD}\n")
    (root / "config").write_text(
        "[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\nhtpasswd_filename = {pw}\n"
        "htpasswd_encryption = plain\n[storage]\nfilesystem_folder = {data}\ntype = {storage}\n"
        "[logging]\nlevel = error\n".format(
            port=(port := free_port()),
            pw=root / "htpasswd",
            data=root / "data",
            storage="multifilesystem" if stock else "radicale_storage",
        )
    )
    # fsync is a private option Radicale takes only from a privileged source: set it through its own API;
    # bench/ goes on the path for the storage plugin (bench/radicale_storage.py)
    launcher = (
        "import sys; sys.path.insert(0, sys.argv[3]); import radicale.config as c, radicale.server as s; "
        "conf = c.load([(sys.argv[1], False)]); "
        "conf.update({'storage': {'_filesystem_fsync': sys.argv[2]}}, 'bench', privileged=True); "
        "s.serve(conf)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", launcher, str(root / "config"), str(fsync), str(HERE)],
        stdout=subprocess.DEVNULL,
        stderr=(root / "radicale.log").open("wb"),
    )
    # imported here, not at the top: the measured child loads this module too, and carddav_bench imports contactsync
    from carddav_bench import wait_until_up

    return wait_until_up(process, f"http://127.0.0.1:{port}", "radicale")


def vcard(i: int, note: str = "") -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:bench-{i}",
        f"FN:Given{i:06d} Bench",
        f"N:Bench;Given{i:06d};;;",
        f"EMAIL;TYPE=WORK:p{i:06d}@bench.example",
        f"TEL;TYPE=CELL:+1415{i % 10_000_000:07d}",
        f"CATEGORIES:{TAGS[i % 7]}",
    ]
    if note:
        lines.append(f"NOTE:{note}")
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


@dataclass
class Row:
    n: int
    run: str
    k: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    writes: int
    requests: dict[str, int]
    bounds: dict[str, int]
    detail: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: str = ""
    #: the bound split by direction (batch calls for k_in only, multigets for k_out only): tighter than the issue's
    bounds_tight: dict[str, int] = field(default_factory=dict)
    #: no-change run: seconds Radicale takes to answer a bare incremental REPORT with nothing new (its own cost,
    #: the bulk of that run's wall time at large N); 0 for other runs
    server_s: float = 0.0
    #: requests that read the current remote item before writing it (Google, CardDAV) or our marker on an item
    #: changed there (Graph)
    rereads: dict[str, int] = field(default_factory=dict)


class Suite:
    def __init__(self, n: int, tmp: Path, fsync: bool, stock_radicale: bool = False) -> None:
        from contactsync.emulators.google import PeopleEmulator
        from contactsync.emulators.outlook import GraphEmulator

        self.n = n
        self.tmp = tmp
        self.google = PeopleEmulator()
        self.google.start()
        self.google_token = self.google.add_user(GOOGLE_USER)
        self.graph = GraphEmulator(seed=1, requests_per_10min=10**9, max_concurrent=64)
        self.graph.start()
        self.graph.add_tenant(TENANT)
        self.graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        self.graph.add_mailbox(TENANT, MAILBOX)
        self.radicale, self.dav_base = start_radicale(tmp, fsync, stock_radicale)
        self.dav_url = f"{self.dav_base}/{DAV_USER}/book/"
        self.http = niquests.Session()
        self.http.auth = (DAV_USER, DAV_PASSWORD)
        self.rows: list[Row] = []

    def close(self) -> None:
        self.http.close()
        self.radicale.terminate()
        self.radicale.wait(timeout=30)
        self.graph.stop()
        self.google.stop()

    def seed(self) -> float:
        from contactsync.emulators.google import EmulatorError

        t0 = time.perf_counter()
        groups = {t: self.google.create_group(GOOGLE_USER, t) for t in TAGS}
        people = [
            {
                "names": [{"givenName": f"Given{i:06d}", "familyName": "Bench"}],
                "emailAddresses": [{"value": f"p{i:06d}@bench.example", "type": "work"}],
                "phoneNumbers": [{"value": f"+1415{i % 10_000_000:07d}", "type": "mobile"}],
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": groups[TAGS[i % 7]]}}],
            }
            for i in range(self.n)
        ]
        try:
            self.google.seed(GOOGLE_USER, people)
        except EmulatorError as exc:
            raise SystemExit(f"seeding Google failed: {exc}") from exc
        self.graph.seed(
            MAILBOX,
            [
                {
                    "givenName": f"Given{i:06d}",
                    "surname": "Bench",
                    "displayName": f"Given{i:06d} Bench",
                    "emailAddresses": [{"address": f"p{i:06d}@bench.example"}],
                    "mobilePhone": f"+1415{i % 10_000_000:07d}",
                    "categories": [TAGS[i % 7]],
                }
                for i in range(self.n)
            ],
        )
        from contactsync.connectors.carddav.davxml import mkcol_addressbook_body

        body = mkcol_addressbook_body().encode()
        assert self.http.request("MKCOL", self.dav_url, data=body, timeout=60).status_code == 201
        folder = self.tmp / "data" / "collection-root" / DAV_USER / "book"
        for i in range(self.n):
            (folder / f"bench-{i}.vcf").write_text(vcard(i))
        # Radicale reads and caches cards it did not write on first access: warm it up outside the measurements
        self.http.request(
            "REPORT",
            self.dav_url,
            data=REPORT_ALL.encode(),
            timeout=3600,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        return time.perf_counter() - t0

    def run(
        self,
        label: str,
        k: int,
        k_changed: dict[str, int],
        k_in: dict[str, int],
        listed: dict[str, int],
        notes: str = "",
        repeat: int = 1,
    ) -> Row:
        """One engine run in a child process (``repeat`` > 1: that many, the one with the median wall time kept;
        only for runs that change nothing, so each sees the same world)."""
        spec = {
            "google_token": self.google_token,
            "google_url": self.google.url,
            "graph_base": self.graph.base_url,
            "graph_url": self.graph.graph_url,
            "ca_file": self.graph.ca_file,
            "dav_url": self.dav_url,
            "store_url": f"sqlite:///{self.tmp / 'store.db'}",
        }
        runs = []
        for _ in range(repeat):
            self.google.reset_counters()
            self.graph.reset_counters()
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            if done.returncode != 0:
                raise SystemExit(f"the engine run failed:\n{done.stderr[-4000:]}")
            runs.append(
                (
                    json.loads(done.stdout.strip().splitlines()[-1]),
                    Counter(self.google.requests),
                    Counter(self.graph.requests),
                )
            )
        runs.sort(key=lambda r: float(r[0]["wall_s"]))
        out, google_requests, graph_requests = runs[len(runs) // 2]
        if repeat > 1:
            notes = (notes + f" (median of {repeat} runs)").strip()
        if out["errors"] or out["pending"]:
            notes = (notes + f" errors={out['errors']} pending={out['pending']}").strip()
        g = {k_.value: v for k_, v in google_requests.items() if v}
        o = {k_.value: v for k_, v in graph_requests.items() if v}
        d = {m: v for m, v in out["dav_requests"].items() if v}
        # an HTTP batch envelope's parts are counted under their own kinds; tokens are not API calls
        requests = {
            "google": sum(v for kind, v in google_requests.items() if kind.value not in ("token", "http_batch")),
            # a $batch member is counted under its own kind as well as batch_member: HTTP requests are
            # the kinds minus the members (sign-in requests are not Graph calls)
            "outlook": sum(
                v for kind, v in graph_requests.items() if kind.value not in ("batch_member", "token", "discovery")
            )
            - o.get("batch_member", 0),
            "dav": sum(d.values()),
        }
        # the bound: k people changed, each costs a batch slot (Google 200, Graph 20) and a multiget slot
        bounds = {
            "google": math.ceil(max(1, listed["google"]) / 1000) + math.ceil(k / 200),
            "outlook": math.ceil(max(1, listed["outlook"]) / 1000) + math.ceil(k / 20),
            "dav": 1 + math.ceil(k / MULTIGET_CHUNK) + k_in["dav"],
        }
        tight = {
            "google": math.ceil(max(1, listed["google"]) / 1000) + math.ceil(k_in["google"] / 200),
            "outlook": math.ceil(max(1, listed["outlook"]) / 1000) + math.ceil(k_in["outlook"] / 20),
            "dav": 1 + math.ceil(k_changed["dav"] / MULTIGET_CHUNK) + k_in["dav"],
        }
        # reads the formula has no slot for: Google batchGet of the persons to update, Graph the $batch GETs of our
        # marker on items changed there (20 a $batch), CardDAV multigets of the original cards to update
        rereads = {
            "google": g.get("batch_get", 0),
            "outlook": math.ceil(o.get("get", 0) / 20),
            "dav": max(0, d.get("REPORT", 0) - 1 - math.ceil(k_changed["dav"] / MULTIGET_CHUNK)),
        }
        row = Row(
            self.n,
            label,
            k,
            out["wall_s"],
            out["cpu_s"],
            out["peak_rss_mb"],
            out["writes"],
            requests,
            bounds,
            {"google": g, "outlook": o, "dav": d},
            notes,
            bounds_tight=tight,
            rereads=rereads,
        )
        self.rows.append(row)
        show(row)
        return row

    def edit(self, k: int, revision: int) -> dict[str, int]:
        """k people edited, a third on each platform (different people on each), through each one's own API."""
        per = {"google": k // 3, "outlook": k // 3, "dav": k - 2 * (k // 3)}
        google_people = {p["emailAddresses"][0]["value"]: p["resourceName"] for p in self.google.persons(GOOGLE_USER)}
        outlook_people = {c["emailAddresses"][0]["address"]: c["id"] for c in self.graph.contacts(MAILBOX)}
        step = max(1, self.n // max(1, k))
        chosen = [i * step % self.n for i in range(k)]
        for j, i in enumerate(chosen):
            email = f"p{i:06d}@bench.example"
            note = f"edit {revision}-{j}"
            if j < per["google"]:
                self.google.edit(GOOGLE_USER, google_people[email], {"biographies": [{"value": note}]})
            elif j < per["google"] + per["outlook"]:
                self.graph.edit(MAILBOX, outlook_people[email], {"personalNotes": note})
            else:
                href = self._href_of(i)
                etag, text = self._get(href)
                lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln and not ln.startswith("NOTE")]
                end = lines.index("END:VCARD")
                body = "\r\n".join([*lines[:end], f"NOTE:{note}", *lines[end:]]) + "\r\n"
                answer = self.http.put(
                    href, data=body.encode(), timeout=60, headers={"Content-Type": "text/vcard", "If-Match": etag}
                )
                assert answer.status_code in (201, 204), answer.status_code
        return per

    def bare_report_s(self) -> float:
        """Median of three bare sync-collection REPORTs on the current token: what Radicale itself takes to say
        "nothing new" to the no-change run (the same request the connector sends)."""
        headers = {"Depth": "1", "Content-Type": "application/xml"}
        full = self.http.request("REPORT", self.dav_url, data=REPORT_ALL.encode(), timeout=3600, headers=headers)
        match = re.search(rb"<(?:\w+:)?sync-token>([^<]+)</", full.content or b"")
        assert match is not None, "no sync-token in Radicale's answer"
        body = REPORT_SINCE.format(token=match.group(1).decode()).encode()
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            answer = self.http.request("REPORT", self.dav_url, data=body, timeout=3600, headers=headers)
            times.append(time.perf_counter() - t0)
            assert answer.status_code == 207, answer.status_code
        return sorted(times)[1]

    def _href_of(self, i: int) -> str:
        return f"{self.dav_url}bench-{i}.vcf"

    def _get(self, href: str) -> tuple[str, str]:
        answer = self.http.get(href, timeout=60)
        assert answer.status_code == 200, answer.status_code
        return answer.headers["ETag"], answer.text or ""

    def play(self) -> None:
        n = self.n
        seconds = self.seed()
        print(f"\nN = {n}: seeded the three platforms in {seconds:.1f}s")
        everyone = {"google": n, "outlook": n, "dav": n}
        none = {"google": 0, "outlook": 0, "dav": 0}
        self.run("first sync", n, everyone, everyone, everyone, "every item matched by email and given our marker")
        self.run("settling run", 0, none, none, everyone, "our own marker writes listed once (not a target)")
        quiet = self.run("no change", 0, none, none, none, repeat=3)
        quiet.server_s = self.bare_report_s()
        print(
            f"  {'':<22} Radicale alone answers that incremental REPORT in {quiet.server_s:.2f}s: contactsync's "
            f"own wall time is {quiet.wall_s - quiet.server_s:.2f}s"
        )
        for label, k, revision in (("1% changed", max(3, n // 100), 1), ("10% changed", max(3, n // 10), 2)):
            per = self.edit(k, revision)
            k_in = {p: k - per[p] for p in per}
            self.run(label, k, per, k_in, per)
            self.run(f"after {label}", 0, none, none, k_in, "our own writes listed once (not a target)")


def show(row: Row) -> None:
    reqs = "  ".join(f"{p} {row.requests[p]:>5}/{row.bounds[p]:<5}" for p in ("google", "outlook", "dav"))
    print(
        f"  {row.run:<22} k={row.k:<6} wall {row.wall_s:8.2f}s  cpu {row.cpu_s:8.2f}s  "
        f"rss {row.peak_rss_mb:6.0f}MB  writes {row.writes:<6} requests/bound: {reqs}  {row.notes}"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 10_000],
        help="numbers of people (default: 1000 10000; the full suite adds 50000)",
    )
    parser.add_argument(
        "--radicale-fsync",
        action="store_true",
        help="let Radicale fsync every write (its default; ~40 ms per PUT instead of a few)",
    )
    parser.add_argument(
        "--radicale-stock",
        action="store_true",
        help="Radicale's storage as shipped: its history sweep stats every card on every PUT, so "
        "a PUT costs ~5 µs per card in the book (over 3 hours of PUTs for 50,000)",
    )
    args = parser.parse_args()
    rows: list[Row] = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"suite-{n}-") as tmp:
            suite = Suite(n, Path(tmp), args.radicale_fsync, args.radicale_stock)
            try:
                suite.play()
            finally:
                suite.close()
            rows += suite.rows
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    out = results / f"suite-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "sizes": args.sizes,
                "radicale_fsync": args.radicale_fsync,
                "radicale_storage": "multifilesystem" if args.radicale_stock else "radicale_storage",
                "python": sys.version.split()[0],
                "cpus": os.cpu_count(),
                "rows": [asdict(r) for r in rows],
            },
            indent=2,
        )
    )
    print(f"\nwrote {out.relative_to(HERE.parent)}")
    by = {(r.n, r.run): r for r in rows}
    quiet = [(n, by[(n, "no change")]) for n in args.sizes if (n, "no change") in by]
    if len(quiet) > 1:
        first, last = quiet[0][1], quiet[-1][1]
        print(
            "no-change wall time by N: "
            + ", ".join(f"{n}: {r.wall_s:.2f}s" for n, r in quiet)
            + f"  (largest / smallest = {last.wall_s / first.wall_s:.2f}x); without Radicale's own REPORT time: "
            + ", ".join(f"{n}: {r.wall_s - r.server_s:.2f}s" for n, r in quiet)
            + f" ({(last.wall_s - last.server_s) / (first.wall_s - first.server_s):.2f}x)"
        )
    counter: Counter[str] = Counter()
    for r in rows:
        for p in r.requests:
            if r.bounds[p] and r.requests[p] > 1.1 * r.bounds[p] and not r.run.startswith(("settling", "after")):
                counter[p] += 1
                print(
                    f"over 1.1x the lower bound: N={r.n} {r.run} {p}: {r.requests[p]} vs {r.bounds[p]} "
                    f"({r.requests[p] / r.bounds[p]:.2f}x; {r.rereads[p]} of them re-reads before writing) "
                    f"{r.detail[p]}"
                )


if __name__ == "__main__":
    main()
