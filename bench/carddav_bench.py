"""CardDAV connector benchmark against a real Radicale on loopback (a script that prints figures, not a test).

    .venv/bin/python bench/carddav_bench.py            # 1,000 cards
    .venv/bin/python bench/carddav_bench.py --full     # 1,000 and 20,000 cards

For each size: the first pull (sync-collection + multigets), a pull with no change, a pull after 1% of the cards
changed; wall time and HTTP requests per method. A bare sync-collection REPORT of the whole book (no parsing, no
multiget) is timed in the same run, to show what the connector adds over the cheapest possible listing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import niquests

from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.davxml import mkcol_addressbook_body, sync_collection_body
from contactsync.connectors.carddav.state import PullState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for its free port (tests/ports.py)
from tests.ports import free_port  # bench/latency.py and tests start Radicale on it too

USER, PASSWORD = "bench", "bench"
MKCOL = mkcol_addressbook_body()


def start_radicale(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    (root / "htpasswd").write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(root / "htpasswd"),
            "--auth-htpasswd-encryption",
            "plain",
            "--storage-filesystem-folder",
            str(root / "data"),
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return wait_until_up(process, f"http://127.0.0.1:{port}", "radicale")


def wait_until_up(process: subprocess.Popen[bytes], base: str, what: str) -> tuple[subprocess.Popen[bytes], str]:
    """``process`` and ``base`` once the server there answers (30 s at most); else it is killed and the bench
    stops, naming ``what`` did not start."""
    for _ in range(300):
        try:
            with niquests.Session() as session:
                session.request("OPTIONS", base + "/", timeout=1)
            return process, base
        except niquests.exceptions.RequestException:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{what} did not start")


def card(i: int, revision: int = 0) -> bytes:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:Person {i} r{revision}\r\n"
        f"N:{i};Person;;;\r\nEMAIL;TYPE=WORK:person{i}@example.org\r\nTEL;TYPE=CELL:+1415555{i % 10000:04d}\r\n"
        f"ORG:Bench Inc\r\nCATEGORIES:Bench,Team{i % 7}\r\nEND:VCARD\r\n"
    ).encode()


def fill(session: niquests.Session, book: str, folder: Path, count: int) -> None:
    """Make the book over HTTP, then write the cards straight into Radicale's storage folder: a PUT costs
    Radicale ~40 ms, which would make the 20,000-card run take a quarter of an hour before measuring anything."""
    assert session.request("MKCOL", book, data=MKCOL.encode(), timeout=30).status_code == 201
    for i in range(count):
        (folder / f"bench-{i}.vcf").write_bytes(card(i))


def delta(after: Mapping[str, int], before: Mapping[str, int]) -> str:
    parts = [
        f"{m} {after[m] - before[m]}" for m in ("REPORT", "PROPFIND", "PUT", "DELETE", "GET") if after[m] - before[m]
    ]
    return ", ".join(parts) or "none"


def run(base: str, storage: Path, count: int) -> None:
    book = f"{base}/{USER}/book-{count}/"
    session = niquests.Session()
    session.auth = (USER, PASSWORD)
    started = time.perf_counter()
    fill(session, book, storage / "collection-root" / USER / f"book-{count}", count)
    print(f"\n== {count} cards in Radicale (filled in {time.perf_counter() - started:.1f}s)")

    # Radicale reads and caches cards it did not write on first access: warm it up so both timings below
    # measure steady-state serving, not its cache fill
    started = time.perf_counter()
    session.request(
        "REPORT",
        book,
        data=sync_collection_body(None).encode(),
        timeout=600,
        headers={"Depth": "1", "Content-Type": "application/xml"},
    )
    print(f"(server cache warm-up {time.perf_counter() - started:.1f}s)")
    started = time.perf_counter()
    bare = session.request(
        "REPORT",
        book,
        data=sync_collection_body(None).encode(),
        timeout=300,
        headers={"Depth": "1", "Content-Type": "application/xml"},
    )
    bare_seconds = time.perf_counter() - started
    assert bare.status_code == 207

    connector = CardDavConnector("bench", CardDavOptions(url=book, username=USER, timeout=300), PASSWORD)
    before = dict(connector.request_counts)
    started = time.perf_counter()
    first = connector.pull(None)
    first_seconds = time.perf_counter() - started
    assert len(first.changed) == count, len(first.changed)
    print(f"first pull      {first_seconds:7.2f}s  requests: {delta(connector.request_counts, before)}")

    # the target compares a no-change pull with a bare incremental REPORT carrying the same token (median of 5)
    assert first.next_state is not None
    token = PullState.decode(first.next_state).sync_token
    bare_inc: list[float] = []
    no_change: list[float] = []
    for _ in range(5):
        started = time.perf_counter()
        answer = session.request(
            "REPORT",
            book,
            data=sync_collection_body(token).encode(),
            timeout=300,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        bare_inc.append(time.perf_counter() - started)
        assert answer.status_code == 207
        before = dict(connector.request_counts)
        started = time.perf_counter()
        same = connector.pull(first.next_state)
        no_change.append(time.perf_counter() - started)
    bare_med, same_med = statistics.median(bare_inc), statistics.median(no_change)
    print(
        f"no-change pull  {same_med:7.3f}s  requests: {delta(connector.request_counts, before)}  "
        f"(changed {len(same.changed)}); bare incremental REPORT {bare_med:.3f}s; "
        f"ratio {same_med / bare_med:.2f}x (median of 5)"
    )

    changed = max(1, count // 100)
    for i in range(changed):
        session.put(
            f"{book}bench-{i * 97 % count}.vcf",
            data=card(i * 97 % count, 1),
            timeout=30,
            headers={"Content-Type": "text/vcard"},
        )
    before = dict(connector.request_counts)
    started = time.perf_counter()
    incremental = connector.pull(same.next_state)
    print(
        f"1% changed pull {time.perf_counter() - started:7.2f}s  requests: "
        f"{delta(connector.request_counts, before)}  (changed {len(incremental.changed)})"
    )
    print(
        f"bare sync-collection REPORT of all {count}: {bare_seconds:.2f}s; "
        f"first pull / bare REPORT = {first_seconds / bare_seconds:.1f}x"
    )
    connector.close()
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run with 20,000 cards (takes minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, base = start_radicale(Path(tmp))
        try:
            for count in (1000, 20000) if args.full else (1000,):
                run(base, Path(tmp) / "data", count)
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
