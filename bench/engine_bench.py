"""Engine benchmark: three in-process memory accounts holding the same N people, a SQLite store on disk.

For each N: the first sync (matching everyone across the three accounts); the "echo run" right after it (each
account re-lists the items contactsync itself just wrote, once: they are compared by etag and nothing is
written); a run with 1% of the people edited on one account; and a run with no change at all. "servers" is the
RSS of the three in-process fake servers and the imports before the engine starts. Prints wall time (and the
process's CPU time for the first sync: on a busy machine it is the steadier figure), writes, and the peak RSS of
the process. Each N runs in
a fresh subprocess so the peak RSS is its own. Targets (issue #2): 100k × 3 first sync ≤ 60 s; the no-change run
does work proportional to the changes (≤ 2 s at 100k); peak RSS ≤ 400 MB at 100k.

    .venv/bin/python bench/engine_bench.py            # N = 10k and 100k
    .venv/bin/python bench/engine_bench.py 2000       # one N
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(n: int) -> dict[str, object]:
    from contactsync.connectors.memory import MemoryBackend, MemoryConnector
    from contactsync.engine import Engine
    from contactsync.model import Contact, Email, EmailKind, Field, Name, Phone, PhoneKind, Tag
    from contactsync.settings import AccountSettings, BookSettings
    from contactsync.store import Store

    tags = [Tag("Staff"), Tag("Sales"), Tag("Board"), Tag("Friends")]
    backends = {name: MemoryBackend(name=name) for name in ("a", "b", "c")}
    for i in range(n):
        base = Contact(
            name=Name(given=f"Given{i}", family=f"Family{i % 997}"),
            emails=(Email(f"person{i}@example.org", EmailKind.WORK),),
            phones=(Phone(f"+1415{i:07d}", PhoneKind.MOBILE),),
            organization="Acme" if i % 3 else "Globex",
            tags=frozenset({tags[i % 4]}),
        )
        backends["a"].user_create(base)
        # the same people elsewhere, with what each platform adds of its own
        backends["b"].user_create(base.with_field(Field.JOB_TITLE, "Engineer" if i % 2 else ""))
        backends["c"].user_create(base.with_field(Field.NOTE, f"note {i}" if i % 5 == 0 else ""))
    # what the three in-process fake servers and the imports cost before the engine does anything
    rss_before_engine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    book = BookSettings("bench", tuple(AccountSettings(name, "memory") for name in backends))
    connectors = {name: MemoryConnector(name, b, max_batch=200) for name, b in backends.items()}
    figures: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory() as tmp, Store.open(f"sqlite:///{Path(tmp) / 'bench.db'}") as store:

        def timed(label: str) -> None:
            t0, c0 = time.perf_counter(), time.process_time()
            report = Engine(store, book, connectors).run()
            figures[label] = {
                "seconds": round(time.perf_counter() - t0, 3),
                "cpu_seconds": round(time.process_time() - c0, 3),
                "writes": report.writes,
                "result": report.result.value,
            }

        timed("first_sync")
        timed("no_change")
        changed = list(backends["b"].items)[: max(1, n // 100)]
        for item_id in changed:
            c = backends["b"].items[item_id].contact
            backends["b"].user_edit(item_id, c.with_field(Field.NOTE, "changed on b"))
        timed("one_percent_changed")
        timed("no_change_after")
        figures["store_contacts"] = store.counts()["contacts"]
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["rss_before_engine_mb"] = round(rss_before_engine, 1)
    return figures


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(
        f"{'N':>8} {'first sync':>12} {'(CPU)':>8} {'echo run':>10} {'1% changed':>11} {'writes(1%)':>11} "
        f"{'no change':>10} {'peak RSS':>9} {'servers':>8}"
    )
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True, capture_output=True, text=True)
        f = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{n:>8} {f['first_sync']['seconds']:>11.2f}s {f['first_sync']['cpu_seconds']:>7.2f}s "
            f"{f['no_change']['seconds']:>9.2f}s "
            f"{f['one_percent_changed']['seconds']:>10.2f}s {f['one_percent_changed']['writes']:>11} "
            f"{f['no_change_after']['seconds']:>9.2f}s {f['peak_rss_mb']:>7.0f}MB "
            f"{f['rss_before_engine_mb']:>6.0f}MB"
        )
        print("   ", json.dumps(f))


if __name__ == "__main__":
    main()
