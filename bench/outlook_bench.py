"""Outlook connector benchmark: N contacts in one emulated mailbox, synced with a memory account through the real
engine and a SQLite store. Prints wall time and Graph requests by kind for each run, next to the lower bounds.

    .venv/bin/python bench/outlook_bench.py            # N = 1000 and 50000
    .venv/bin/python bench/outlook_bench.py --sizes 1000
    .venv/bin/python bench/outlook_bench.py --first-to-outlook --sizes 10000 --rtt 0 40   # issue #18

``--first-to-outlook`` measures only a first sync *into* an empty mailbox (a memory account holds the N contacts:
N creates, in ``$batch`` calls), through bench/netproxy.py at each ``--rtt`` (round-trip time in ms, TLS, every
Graph and sign-in request crossing it). It prints the wall time, the HTTP requests and their peak in flight at the
proxy, the emulator's peak of concurrent requests for the app, and two bounds: the one the documented throttling
allows (requests x RTT / 4 in flight, plus the run at 0 ms: the server's and our own time), and the 10-minute
budget's (10,000 requests per app and mailbox, $batch members counted one by one).

Outlook admits 10,000 requests per 10 minutes per app and mailbox (each $batch member counts): a first sync of
50,000 contacts, which must write our marker on every one, cannot take less than about 40 minutes of waiting on a
real mailbox. The emulator's budget is raised here (``--budget``) so the figures show our own cost; the time the
budget alone imposes is printed next to them.

Runs: the first sync (the mailbox is full, the memory account empty: every contact is copied to memory and gets
our marker in Outlook), a run with no change anywhere, 1% of the contacts edited in Outlook, 1% edited on the
memory side (written to Outlook).
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

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions, mapping
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.engine import Engine
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from netproxy import LatencyProxy

TENANT, CLIENT_ID, SECRET, USER = "bench.test", "bench-app", "bench-secret", "bench@bench.test"
BATCH = 20
OUTLOOK_BUDGET = 10_000  # requests per 10 minutes per app per mailbox
OUTLOOK_IN_FLIGHT = 4  # concurrent requests per app (the stricter reading: across its mailboxes)


def people(n: int) -> list[dict[str, object]]:
    return [
        {
            "givenName": f"Given{i:06d}",
            "surname": "Bench",
            "companyName": "Acme",
            "emailAddresses": [{"address": f"p{i:06d}@bench.example"}],
            "businessPhones": [f"+1415{i % 10_000_000:07d}"],
            "categories": ["Team"] if i % 3 else [],
        }
        for i in range(n)
    ]


def run_once(
    emu: GraphEmulator, store_url: str, book: BookSettings, connectors: dict[str, object]
) -> tuple[float, Counter[RequestKind], int]:
    emu.reset_counters()
    t0 = time.perf_counter()
    with Store.open(store_url) as store:
        report = Engine(store, book, connectors).run()  # type: ignore[arg-type]
    wall = time.perf_counter() - t0
    return wall, Counter(emu.requests), report.writes


def show(label: str, wall: float, counts: Counter[RequestKind], writes: int, bound: str) -> None:
    kinds = ", ".join(
        f"{k.value}={v}"
        for k, v in sorted(counts.items(), key=lambda kv: kv[0].value)
        if k is not RequestKind.BATCH_MEMBER
    )
    members = counts.get(RequestKind.BATCH_MEMBER, 0)
    print(f"  {label:<26} {wall:8.2f} s  writes={writes:<6} requests: {kinds} (batch members {members})")
    print(f"  {'':<26} lower bound: {bound}")


def graph_operations(counts: Counter[RequestKind]) -> int:
    """What Outlook's budget counts: each request, each $batch member (counted under its own kind too) once."""
    skip = (RequestKind.BATCH, RequestKind.BATCH_MEMBER, RequestKind.TOKEN, RequestKind.DISCOVERY)
    return sum(v for k, v in counts.items() if k not in skip)


def budget_wait(members: int) -> str:
    windows = max(0, math.ceil(members / OUTLOOK_BUDGET) - 1)
    return f"{windows * 10} min" if windows else "none"


def bench(n: int, budget: int) -> None:
    with GraphEmulator(seed=1, requests_per_10min=budget) as emu, tempfile.TemporaryDirectory() as tmp:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        emu.seed(USER, people(n))
        options = OutlookOptions(
            tenant_id=TENANT,
            client_id=CLIENT_ID,
            client_secret=SECRET,
            mailbox=USER,
            authority_host=emu.base_url,
            graph_url=emu.graph_url,
            ca_bundle=emu.ca_file,
        )
        outlook = OutlookConnector("outlook", options)
        memory = MemoryBackend(name="memory")
        connectors: dict[str, object] = {"outlook": outlook, "memory": MemoryConnector("memory", memory)}
        book = BookSettings(
            "bench",
            (AccountSettings("outlook", "outlook"), AccountSettings("memory", "memory")),
        )
        store_url = f"sqlite:///{Path(tmp) / 'store.db'}"
        pages = math.ceil(n / 1000)
        k = max(1, n // 100)
        print(f"N = {n}")
        try:
            wall, counts, writes = run_once(emu, store_url, book, connectors)
            show(
                "first sync",
                wall,
                counts,
                writes,
                f"{pages} delta + 1 marker scan page (nothing marked yet), {math.ceil(n / BATCH)} $batch "
                "(our marker on every item)",
            )
            print(
                f"  {'':<26} waiting imposed by Outlook's budget on a real mailbox: "
                f"{budget_wait(graph_operations(counts))}"
            )
            # the run after our own writes lists them once; the second one is the steady state
            run_once(emu, store_url, book, connectors)
            wall, counts, writes = run_once(emu, store_url, book, connectors)
            show("no change", wall, counts, writes, "1 delta")

            ids = [c["id"] for c in emu.contacts(USER)[:k]]
            for i, item_id in enumerate(ids):
                emu.edit(USER, str(item_id), {"jobTitle": f"Edited {i}"})
            wall, counts, writes = run_once(emu, store_url, book, connectors)
            show(
                f"1% edited in Outlook (k={k})",
                wall,
                counts,
                writes,
                f"1 delta (+ markers: min({math.ceil(k / BATCH)} $batch, 1 count + {pages} scan pages))",
            )
            run_once(emu, store_url, book, connectors)

            for i, (item_id, contact) in enumerate(list(memory.contacts().items())[:k]):
                memory.user_edit(item_id, replace(contact, department=f"Dept {i}"))
            wall, counts, writes = run_once(emu, store_url, book, connectors)
            show(f"1% edited on memory (k={k})", wall, counts, writes, f"1 delta, {math.ceil(k / BATCH)} $batch")
        finally:
            outlook.close()


def first_to_outlook(n: int, rtts: list[float], budget: int) -> None:
    """A first sync of N contacts from a memory account into an empty mailbox, at each RTT."""
    base: float | None = None
    print(f"N = {n}, first sync into an empty mailbox")
    for rtt in rtts:
        with (
            GraphEmulator(seed=1, requests_per_10min=budget) as emu,
            tempfile.TemporaryDirectory() as tmp,
        ):
            proxy = LatencyProxy(emu.own_url, rtt_ms=rtt).start()
            try:
                emu.behind = proxy.url
                emu.add_tenant(TENANT)
                emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
                emu.add_mailbox(TENANT, USER)
                options = OutlookOptions(
                    tenant_id=TENANT,
                    client_id=CLIENT_ID,
                    client_secret=SECRET,
                    mailbox=USER,
                    authority_host=proxy.url,
                    graph_url=proxy.url + "/v1.0",
                    ca_bundle=str(proxy.write_ca(Path(tmp) / "proxy-ca.pem")),
                )
                outlook = OutlookConnector("outlook", options)
                # the process's limiter keeps Outlook's budget too: raised alike, so the figures show the RTT
                outlook._http.limit.limiter.per_window = budget  # type: ignore[attr-defined]
                memory = MemoryBackend(name="memory")
                for i, person in enumerate(people(n)):
                    memory.user_create(mapping.from_graph({"id": f"x{i}", **person}))
                connectors: dict[str, object] = {"outlook": outlook, "memory": MemoryConnector("memory", memory)}
                book = BookSettings(
                    "bench", (AccountSettings("outlook", "outlook"), AccountSettings("memory", "memory"))
                )
                store_url = f"sqlite:///{Path(tmp) / 'store.db'}"
                proxy.reset()
                wall, counts, writes = run_once(emu, store_url, book, connectors)
                seen = proxy.reset()
                peak_app = max(emu.limiter.peak.values(), default=0)
                members = graph_operations(counts)
                print(
                    f"  RTT {rtt:>4.0f} ms  {wall:8.2f} s  writes={writes}  HTTP requests={seen.requests} "
                    f"(batch={counts.get(RequestKind.BATCH, 0)}, members={counts.get(RequestKind.BATCH_MEMBER, 0)})"
                    f"  connections={seen.connections}  peak in flight: proxy {seen.peak_in_flight}, "
                    f"Graph slots of the app {peak_app}, Graph 429s {emu.limiter.refused}"
                )
                if len(emu.contacts(USER)) != n:
                    print(f"  !! the mailbox holds {len(emu.contacts(USER))} contacts, not {n}")
                if base is None:
                    base = wall
                else:
                    bound = seen.requests * rtt / 1000 / OUTLOOK_IN_FLIGHT + base
                    print(
                        f"  {'':<14} bound: {seen.requests} requests x {rtt:.0f} ms / {OUTLOOK_IN_FLIGHT} + "
                        f"{base:.2f} s (the run at 0 ms) = {bound:.2f} s; ratio {wall / bound:.2f}"
                    )
                windows = max(0, math.ceil(members / OUTLOOK_BUDGET) - 1)
                print(
                    f"  {'':<14} Outlook's budget: {members} operations; on a real mailbox "
                    f"{'they fit in one 10-minute window' if not windows else f'{windows} more window(s) of 10 min'}"
                )
                outlook.close()
            finally:
                proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50_000])
    parser.add_argument(
        "--budget",
        type=int,
        default=10_000_000,
        help="emulator requests per 10 minutes per mailbox (Outlook's is 10000)",
    )
    parser.add_argument("--first-to-outlook", action="store_true", help="only a first sync into an empty mailbox")
    parser.add_argument("--rtt", type=float, nargs="+", default=[0, 40], help="with --first-to-outlook: ms")
    args = parser.parse_args()
    for n in args.sizes:
        if args.first_to_outlook:
            first_to_outlook(n, sorted(args.rtt), args.budget)
        else:
            bench(n, args.budget)


if __name__ == "__main__":
    main()
