"""A book of several CardDAV accounts, far away: how long its everyday run (nothing changed) waits for the listings
(issue #18: "one slow account never holds the others back"). Figures are printed, never asserted.

    .venv/bin/python bench/book_listing.py                                # 3 accounts of 200 cards, 0 and 40 ms
    .venv/bin/python bench/book_listing.py --accounts 2 3 5 --rtt 40 150 --runs 7
    git worktree add --detach /tmp/cs-before REV                          # an earlier revision, side by side:
    .venv/bin/python bench/book_listing.py --before /tmp/cs-before        # its src/ first on PYTHONPATH

One Radicale (waitress, as in bench/latency.py) behind the TLS proxy of bench/netproxy.py; for each account count K,
one contactsync book of K CardDAV accounts, each its own Radicale book of ``--cards`` cards. A first sync, then
``--runs`` no-change ``contactsync sync`` processes, each timed whole (start-up included). Printed per RTT and K: the
median wall and CPU (user+sys of the process), each run's wall, the requests and the peak of requests in flight the
proxy counted. With ``--before`` each run alternates with the same run from that checkout, on its own store.

Since 810b27f a run asks the accounts that have a sync state side by side (engine/listing.py); before, K accounts
cost K listings' round trips. bench/README.md ("The session of 2026-12-07, fifth part") has the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import PASSWORD, USER
from latency import make_book, start_radicale
from netproxy import LatencyProxy, proxied

CONTACTSYNC = str(Path(sys.executable).parent / "contactsync")


def write_config(work: Path, proxy: LatencyProxy, ca: Path, books: list[str]) -> Path:
    (work / "password").write_text(PASSWORD)
    os.chmod(work / "password", 0o600)
    lines = [f"store: {{url: 'sqlite:///{work / 'store.db'}'}}", "books:", "  - name: bench", "    accounts:"]
    for name in books:
        lines.append(
            f"      - {{name: {name}, type: carddav, options: {{url: '{proxy.url}/{USER}/{name}/', username: {USER}, "
            f"password_file: '{work / 'password'}', ca_bundle: '{ca}'}}}}"
        )
    config = work / "config.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def one_run(config: Path, work: Path, source: Path | None, proxy: LatencyProxy) -> tuple[float, int, int, float]:
    """(wall seconds, requests, peak in flight, CPU seconds) of one ``contactsync sync``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "REQUESTS_CA_BUNDLE")}
    env["STATE_DIRECTORY"] = str(work / "state")
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    proxy.reset()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([CONTACTSYNC, "--config", str(config), "sync"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    counted = proxy.counters.snapshot()
    if done.returncode != 0:
        print(f"   ! exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return wall, counted.requests, counted.peak_in_flight, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, nargs="+", default=[3])
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.0, 40.0], help="round-trip times in ms")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, timed side by side")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cs-book-listing-") as tmp:
        root = Path(tmp)
        (root / "radicale").mkdir()
        process, base = start_radicale(root / "radicale")
        try:
            books = [f"account-{i}" for i in range(max(args.accounts))]
            for name in books:
                make_book(base, root / "radicale", name, args.cards)
            trees: list[tuple[str, Path | None]] = [("now", None)]
            if args.before is not None:
                trees.append(("before", args.before))
            print(f"a book of K CardDAV accounts of {args.cards} cards each, no-change `contactsync sync`, medians")
            for rtt in args.rtt:
                with proxied(base, rtt_ms=rtt) as proxy:
                    ca = proxy.write_ca(root / f"ca-{rtt:g}.pem")
                    for k in args.accounts:
                        works = {}
                        for label, source in trees:
                            work = root / f"{label}-{rtt:g}-{k}"
                            (work / "state").mkdir(parents=True)
                            config = write_config(work, proxy, ca, books[:k])
                            first = one_run(config, work, source, proxy)  # the first sync: every card listed
                            works[label] = (config, work, source, first)
                        timed: dict[str, list[tuple[float, int, int, float]]] = {label: [] for label, _ in trees}
                        for _ in range(args.runs):
                            for label, (config, work, source, _first) in works.items():
                                timed[label].append(one_run(config, work, source, proxy))
                        for label, runs in timed.items():
                            wall = statistics.median(r[0] for r in runs)
                            cpu = statistics.median(r[3] for r in runs)
                            requests = max(r[1] for r in runs)
                            peak = max(r[2] for r in runs)
                            print(
                                f"  RTT {rtt:5.0f} ms  K {k}  {label:<6}  wall {wall:6.3f} s  CPU {cpu:6.3f} s "
                                f"(runs {', '.join(f'{r[0]:.3f}' for r in runs)})  requests {requests}  "
                                f"peak in flight {peak}"
                            )
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
