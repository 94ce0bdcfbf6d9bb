"""The no-change run right after a run that wrote: what it reads and parses again of its own writes (issue #18).

    .venv/bin/python bench/state_after_writes.py --cards 2000 --runs 3 --before /tmp/state-before
    .venv/bin/python bench/state_after_writes.py --cards 2000 --runs 3 --before /tmp/a --after /tmp/b

Each trial makes a fresh target (and store) per tree, runs a first sync (``contactsync sync`` in its own process),
then the next run with nothing changed anywhere, in a process that counts the vCard parses (a counting wrapper
around ``parse_card``, on every thread; no profiler, so its CPU is the run's own) and whose user+sys CPU is read
with ``RUSAGE_CHILDREN``; then one more run (the settled no-change run, for comparison). HTTP requests are counted
at bench/netproxy.py in front of Radicale. ``--before`` names a worktree of another commit: its runs use
``PYTHONPATH=<tree>/src`` and alternate with this tree's (or ``--after``'s), trial after trial. Figures are
printed, never asserted.

Scenarios (a book of two accounts): ``vdir``: a folder of N cards → an empty folder; ``carddav``: a Radicale book
of N cards → an empty folder; ``to-carddav``: a folder of N cards → an empty Radicale book.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import PASSWORD
from cpu_per_card import Server, Side, book, contactsync_config, folder, radicale_if

#: ``contactsync sync`` with every parse_card call counted into argv[1] (the codec's and the mapping's name: the
#: connectors import it from the codec when they load, after this wrapper is in place)
COUNTED = """
import json, sys, threading
out = sys.argv[1]
sys.argv = ["contactsync", "sync"]
import contactsync.vcard as codec, contactsync.vcard.mapping as mapping
calls = {"parse": 0}
lock = threading.Lock()
original = mapping.parse_card
def parse_card(*args, **kwargs):
    with lock:
        calls["parse"] += 1
    return original(*args, **kwargs)
mapping.parse_card = codec.parse_card = parse_card
from contactsync.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(out, "w") as handle:
    json.dump(calls, handle)
sys.exit(code)
"""


@dataclass(frozen=True)
class Measured:
    cpu_s: float
    parses: int
    requests: int
    code: int


def run_sync(env: dict[str, str], server: Server | None, counted: Path) -> Measured:
    """One ``contactsync sync`` process: its CPU, parses (counted into the file ``counted``), requests."""
    if server is not None:
        server.proxy.reset()
    cmd = [sys.executable, "-c", COUNTED, str(counted)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 5):
        print(f"  (exit {done.returncode}: {(done.stderr.strip().splitlines() or [''])[-1]})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    parses = json.loads(counted.read_text())["parse"] if counted.exists() else -1
    requests = server.proxy.reset().requests if server is not None else 0
    return Measured(cpu, parses, requests, done.returncode)


def trial(
    work: Path, tag: str, source: Side, target: Side, tree: Path | None, server: Server | None
) -> tuple[Measured, Measured, Measured]:
    """First sync, the next run, the one after it; each a process of ``tree`` (None: this one)."""
    config = contactsync_config(work, tag, source, target)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "src")
    first = run_sync(env, server, work / f"{tag}-first.json")
    after = run_sync(env, server, work / f"{tag}-next.json")
    settled = run_sync(env, server, work / f"{tag}-settled.json")
    return first, after, settled


def line(label: str, runs: list[Measured]) -> str:
    cpu = statistics.median(r.cpu_s for r in runs)
    each = ", ".join(f"{r.cpu_s:.2f}" for r in runs)
    parses = sorted({r.parses for r in runs})
    requests = sorted({r.requests for r in runs})
    return f"{label:>9}: CPU median {cpu:5.2f} s [{each}], parses {parses}, requests {requests}"


def scenario(
    work: Path,
    kind: str,
    cards: int,
    make: Callable[[str, int], Side],
    runs: int,
    before: Path | None,
    server: Server | None,
    after: Path | None = None,
) -> None:
    print(f"\n== {kind}, {cards} cards: first sync, then the no-change run after it, ×{runs}", flush=True)
    source = make("source", cards)
    trees: list[tuple[str, Path | None]] = [("after", after)]
    if before is not None:
        trees.insert(0, ("before", before))
    found: dict[str, list[tuple[Measured, Measured, Measured]]] = {name: [] for name, _ in trees}
    for k in range(runs):
        order = trees if k % 2 == 0 else list(reversed(trees))
        for name, tree in order:
            target = make(f"{name}-target-{k}", 0)
            found[name].append(trial(work, f"{name}-{k}", source, target, tree, server))
            print(f"  trial {k} {name}: next run {found[name][-1][1]}", flush=True)
    for name, _tree in trees:
        got = found[name]
        print(f"  {name}")
        print("  " + line("first", [g[0] for g in got]))
        print("  " + line("next", [g[1] for g in got]))
        print("  " + line("settled", [g[2] for g in got]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument(
        "--scenario", choices=["vdir", "carddav", "to-carddav"], nargs="+", default=["vdir", "carddav", "to-carddav"]
    )
    parser.add_argument("--runs", type=int, default=3, help="trials per tree, alternating")
    parser.add_argument("--before", type=Path, help="a worktree of the commit to compare with")
    parser.add_argument("--after", type=Path, help="a worktree to measure instead of this tree")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cs-state-") as tmp:
        root = Path(tmp)
        password_file = root / "password"
        password_file.write_text(PASSWORD)
        password_file.chmod(0o600)
        with radicale_if(root, bool({"carddav", "to-carddav"} & set(args.scenario))) as server:
            for kind in args.scenario:
                work = root / kind
                work.mkdir()

                def make(name: str, n: int, kind: str = kind, work: Path = work) -> Side:
                    if kind != "vdir" and (name == "source") == (kind == "carddav"):  # the scenario's Radicale side
                        assert server is not None
                        return book(server, password_file, f"{kind}-{name}", n)
                    return folder(work, name, n)

                scenario(
                    work, kind, args.cards, make, args.runs, args.before, server if kind != "vdir" else None, args.after
                )
                shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
