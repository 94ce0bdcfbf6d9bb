"""Google connector benchmark: N contacts in one emulated Google account, synced with a memory account through the
real engine and a SQLite store. Prints wall time and People API requests by kind for each run, next to the lower
bounds.

    .venv/bin/python bench/google_bench.py            # N = 1000 and 50000
    .venv/bin/python bench/google_bench.py --sizes 1000
    .venv/bin/python bench/google_bench.py --first --sizes 10000 --rtt 0 40   # issue #18

``--first`` measures only the two first syncs, from Google (N persons into an empty memory account) and to
Google (N contacts of a memory account into an empty Google account), through bench/netproxy.py at each
``--rtt`` (ms; plain HTTP, as the emulator serves, so no TLS handshake is added). It prints the wall time, the
requests, their peak in flight at the proxy, and the sequential bound: requests x RTT plus the same run at 0 ms.

Runs: the first sync (Google full, memory empty: every contact is copied to memory and gets our marker in
Google), the settling run (our own marker writes come back once in the incremental listing), a run with no
change anywhere, 1% of the contacts edited in Google, 1% edited on the memory side (written to Google).
Then labels and merges: a tag given to 1% on the memory side (one label made), that tag renamed (the contacts
move to a new label, the emptied one is deleted), the tag removed (its label deleted), and m pairs of contacts
merged in Google (the survivors keep the links, the merged-away people go from memory).

Lower bounds: a full listing is ⌈N/1000⌉ list calls; k updates are ⌈k/200⌉ batchUpdateContacts calls; a run
with no change is one list call whatever N is; k updates need no read first (the persons' copies kept in the
store are at the right etag). The labels are read at most once per run (groups_list<=1: when a push carries a
tag that no label the state names has, when Google refuses a write naming a label deleted since, or when the
listing names a label the state does not know); a label made or deleted is one groups_mutate; each push that
takes contacts out of a label checks its member count (groups_get, one per push).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from google.oauth2.credentials import Credentials

from contactsync.connectors.google import GoogleConnector
from contactsync.connectors.google.auth import GoogleAuth
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.engine import Engine
from contactsync.model import Tag
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from netproxy import LatencyProxy

USER = "bench@example.com"


def seed_people(n: int) -> list[dict[str, object]]:
    return [
        {
            "names": [{"givenName": f"Given{i:06d}", "familyName": "Bench"}],
            "emailAddresses": [{"value": f"p{i:06d}@bench.example", "type": "work"}],
            "phoneNumbers": [{"value": f"+1202{i % 10_000_000:07d}", "type": "mobile"}],
            "organizations": [{"name": "Acme", "title": "Staff"}],
        }
        for i in range(n)
    ]


def run(emulator: PeopleEmulator, db: Path, memory: MemoryBackend, token: str, label: str, n: int, bound: str) -> None:
    # the merge run deletes m people from memory: the brake would hold that back at the default 50
    book = BookSettings(
        "bench",
        (AccountSettings("google", "google"), AccountSettings("mem", "memory")),
        brake=BrakeSettings(max_deletes=n, max_delete_ratio=0.5),
    )
    google = GoogleConnector("google", GoogleAuth(Credentials(token), "", "bench"), endpoint=emulator.url)
    emulator.reset_counters()
    started = time.perf_counter()
    try:
        with Store.open(f"sqlite:///{db}") as store:
            report = Engine(
                store,
                book,
                {"google": google, "mem": MemoryConnector("mem", memory, max_batch=500)},
                sleep=lambda _s: None,
            ).run()
    finally:
        google.close()
    wall = time.perf_counter() - started
    counts: Counter[RequestKind] = Counter({k: v for k, v in emulator.requests.items() if v})
    kinds = ", ".join(f"{k.value}={v}" for k, v in sorted(counts.items(), key=lambda kv: kv[0].value))
    print(
        f"N={n:>6} {label:<22} {wall:7.2f}s  writes={report.writes:<6} requests={sum(counts.values()):<4} "
        f"[{kinds}]  lower bound: {bound}"
    )


def bench(n: int) -> None:
    with PeopleEmulator() as emulator, tempfile.TemporaryDirectory() as tmp:
        token = emulator.add_user(USER)
        t0 = time.perf_counter()
        names = emulator.seed(USER, seed_people(n))
        print(f"N={n:>6} seeded in {time.perf_counter() - t0:.1f}s")
        db = Path(tmp) / "store.db"
        memory = MemoryBackend(name="mem")
        pages = math.ceil(n / 1000)
        run(
            emulator,
            db,
            memory,
            token,
            "first sync",
            n,
            f"list={pages}, batch_update={math.ceil(n / 200)} (marker on each)",
        )
        run(emulator, db, memory, token, "settling run", n, f"list={pages} (our own {n} writes listed once)")
        run(emulator, db, memory, token, "no change", n, "list=1")

        k = max(1, n // 100)
        for name in names[:k]:
            emulator.edit(USER, name, {"nicknames": [{"value": "edited"}]})
        run(emulator, db, memory, token, "1% edited in Google", n, f"list={math.ceil(k / 1000)}")

        ids = list(memory.items)[k : 2 * k]
        for item_id in ids:
            memory.user_edit(item_id, replace(memory.items[item_id].contact, job_title="Lead"))
        run(emulator, db, memory, token, "1% edited in memory", n, f"list=1, batch_update={math.ceil(k / 200)}")
        run(emulator, db, memory, token, "no change", n, "list=1")

        tagged = list(memory.items)[2 * k : 3 * k]
        pushes = math.ceil(k / 200)
        for tag in ("Bench Team", "Bench Crew", None):
            for item_id in tagged:
                tags = frozenset({Tag(tag)}) if tag else frozenset()
                memory.user_edit(item_id, replace(memory.items[item_id].contact, tags=tags))
            what = {"Bench Team": "1% tagged in memory", "Bench Crew": "tag renamed in memory"}.get(
                tag or "", "tag removed in memory"
            )
            mutate = {"Bench Team": 1, "Bench Crew": 2}.get(tag or "", 1)
            checks = f", groups_get={pushes}" if what != "1% tagged in memory" else ""
            run(
                emulator,
                db,
                memory,
                token,
                what,
                n,
                f"list=1, groups_list<=1, groups_mutate={mutate}, batch_update={pushes}{checks}",
            )
        run(emulator, db, memory, token, "settling run", n, "list=1 (our own writes listed once)")

        m = min(25, k // 2)
        survivors = names[3 * k : 3 * k + 2 * m : 2]
        for keep, gone in zip(survivors, names[3 * k + 1 : 3 * k + 2 * m : 2], strict=True):
            emulator.merge_contacts(USER, keep, gone)
        run(emulator, db, memory, token, f"{m} pairs merged in G.", n, "list=1 (memory: m deletes, m updates)")
        assert len(memory.items) == n - m, len(memory.items)
        run(emulator, db, memory, token, "no change", n, "list=1")
        assert emulator.internal_errors == []


def first_syncs(n: int, rtts: list[float]) -> None:
    """The first sync from Google and the first sync to Google of N contacts, at each RTT."""
    base: dict[str, float] = {}
    for direction in ("from Google", "to Google"):
        for rtt in rtts:
            with PeopleEmulator() as emulator, tempfile.TemporaryDirectory() as tmp:
                proxy = LatencyProxy(emulator.url, rtt_ms=rtt, tls=False).start()
                try:
                    token = emulator.add_user(USER)
                    memory = MemoryBackend(name="mem")
                    if direction == "from Google":
                        emulator.seed(USER, seed_people(n))
                    else:
                        # the same persons, read as contacts from a scratch account, fill memory; USER starts empty
                        scratch = emulator.add_user("scratch@example.com")
                        emulator.seed("scratch@example.com", seed_people(n))
                        reader = GoogleConnector(
                            "scratch", GoogleAuth(Credentials(scratch), "", "bench"), endpoint=emulator.url
                        )
                        for remote in reader.pull(None).changed:
                            memory.user_create(remote.contact)
                        reader.close()
                    book = BookSettings(
                        "bench", (AccountSettings("google", "google"), AccountSettings("mem", "memory"))
                    )
                    google = GoogleConnector(
                        "google", GoogleAuth(Credentials(token), "", "bench"), endpoint=proxy.url.rstrip("/") + "/"
                    )
                    emulator.reset_counters()
                    proxy.reset()
                    started = time.perf_counter()
                    try:
                        with Store.open(f"sqlite:///{Path(tmp) / 'store.db'}") as store:
                            report = Engine(
                                store,
                                book,
                                {"google": google, "mem": MemoryConnector("mem", memory, max_batch=500)},
                                sleep=lambda _s: None,
                            ).run()
                    finally:
                        google.close()
                    wall = time.perf_counter() - started
                    seen = proxy.reset()
                    counts = {k.value: v for k, v in emulator.requests.items() if v}
                    print(
                        f"N={n} first sync {direction:<11} RTT {rtt:>3.0f} ms {wall:7.2f} s  writes={report.writes} "
                        f"HTTP requests={seen.requests} {counts} peak in flight {seen.peak_in_flight}"
                    )
                    if rtt == 0:
                        base[direction] = wall
                    elif direction in base:
                        bound = seen.requests * rtt / 1000 + base[direction]
                        print(
                            f"  {'':<30} sequential bound {seen.requests} x {rtt:.0f} ms + {base[direction]:.2f} s "
                            f"= {bound:.2f} s; ratio {wall / bound:.2f}"
                        )
                finally:
                    proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50_000])
    parser.add_argument("--first", action="store_true", help="only the first syncs, through the latency proxy")
    parser.add_argument("--rtt", type=float, nargs="+", default=[0, 40], help="with --first: ms")
    args = parser.parse_args()
    for n in args.sizes:
        if args.first:
            first_syncs(n, sorted(args.rtt))
        else:
            bench(n)


if __name__ == "__main__":
    main()
