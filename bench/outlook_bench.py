"""Outlook connector benchmark: N contacts in one emulated mailbox, synced with a memory account through the real
engine and a SQLite store. Prints wall time and Graph requests by kind for each run, next to the lower bounds.

    .venv/bin/python bench/outlook_bench.py            # N = 1000 and 50000
    .venv/bin/python bench/outlook_bench.py --sizes 1000

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
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.engine import Engine
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

TENANT, CLIENT_ID, SECRET, USER = "bench.test", "bench-app", "bench-secret", "bench@bench.test"
BATCH = 20
OUTLOOK_BUDGET = 10_000  # requests per 10 minutes per app per mailbox


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50_000])
    parser.add_argument(
        "--budget",
        type=int,
        default=10_000_000,
        help="emulator requests per 10 minutes per mailbox (Outlook's is 10000)",
    )
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.budget)


if __name__ == "__main__":
    main()
