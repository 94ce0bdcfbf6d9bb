"""What Google's sync-token lifetime costs: a daily sync of N contacts (25,000 by default: Google's limit per
account) over eight days on the People emulator, with a memory account through the real engine and a SQLite store.

Google's sync tokens "expire 7 days after the full sync" that began their chain, however often they were renewed
since (people.connections.list reference); the emulator models that. So a daemon that syncs every day without a
change pays one forced full listing a week: ⌈N/1000⌉ list calls and the labels read once, where the other days
cost one list call. Prints each day's wall time and People API requests by kind, then the week's totals.

    .venv/bin/python bench/google_weekly_bench.py              # N = 25000
    .venv/bin/python bench/google_weekly_bench.py --size 5000

Figures, not assertions: wall time depends on the machine (the emulator runs in this process).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from google.oauth2.credentials import Credentials

from contactsync.connectors.google import GoogleConnector
from contactsync.connectors.google.auth import GoogleAuth
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.engine import Engine
from contactsync.engine.report import RunReport
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

USER = "bench@example.com"


def seed_people(n: int) -> list[dict[str, object]]:
    return [
        {
            "names": [{"givenName": f"Given{i:06d}", "familyName": "Weekly"}],
            "emailAddresses": [{"value": f"w{i:06d}@bench.example", "type": "work"}],
            "phoneNumbers": [{"value": f"+1202{i % 10_000_000:07d}", "type": "mobile"}],
            "organizations": [{"name": "Acme", "title": "Staff"}],
        }
        for i in range(n)
    ]


def sync(emulator: PeopleEmulator, db: Path, memory: MemoryBackend, token: str) -> tuple[RunReport, float]:
    book = BookSettings("weekly", (AccountSettings("google", "google"), AccountSettings("mem", "memory")))
    google = GoogleConnector("google", GoogleAuth(Credentials(token), "", "bench"), endpoint=emulator.url)
    emulator.reset_counters()
    started = time.perf_counter()
    try:
        with Store.open(f"sqlite:///{db}") as store:
            report = Engine(store, book, {"google": google, "mem": MemoryConnector("mem", memory, max_batch=500)}).run()
    finally:
        google.close()
    return report, time.perf_counter() - started


def show(label: str, report: RunReport, wall: float, counts: Counter[RequestKind]) -> None:
    kinds = ", ".join(f"{k.value}={v}" for k, v in sorted(counts.items(), key=lambda kv: kv[0].value) if v)
    full = "full listing" if report.accounts["google"].full_listing else "incremental"
    print(f"{label:<22} {wall:7.2f}s  {full:<13} requests={sum(counts.values()):<5} [{kinds}]", flush=True)


def bench(n: int) -> None:
    with PeopleEmulator() as emulator, tempfile.TemporaryDirectory() as tmp:
        token = emulator.add_user(USER)
        t0 = time.perf_counter()
        emulator.seed(USER, seed_people(n))
        print(
            f"N={n}: seeded in {time.perf_counter() - t0:.1f}s; lower bound of a full listing: "
            f"{math.ceil(n / 1000)} list calls + 1 labels read",
            flush=True,
        )
        db = Path(tmp) / "store.db"
        memory = MemoryBackend(name="mem")
        for label in ("first sync", "settling run"):
            report, wall = sync(emulator, db, memory, token)
            show(label, report, wall, Counter(emulator.requests))
        week_requests = 0
        week_wall = 0.0
        forced: list[tuple[float, int]] = []
        for day in range(1, 9):
            emulator.clock.advance(timedelta(days=1))
            report, wall = sync(emulator, db, memory, token)
            counts = Counter(emulator.requests)
            assert report.writes == 0, report.writes
            show(f"day {day}, no change", report, wall, counts)
            if day <= 7:
                week_requests += sum(counts.values())
                week_wall += wall
            if report.accounts["google"].full_listing:
                forced.append((wall, sum(counts.values())))
        print(
            f"one week of daily syncs without a change: {week_requests} requests, {week_wall:.2f}s in all; "
            f"the forced full listing: {', '.join(f'{r} requests in {w:.2f}s' for w, r in forced)} "
            f"(an incremental day: 1 request)",
            flush=True,
        )
        assert emulator.internal_errors == []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=25_000)
    bench(parser.parse_args().size)


if __name__ == "__main__":
    main()
