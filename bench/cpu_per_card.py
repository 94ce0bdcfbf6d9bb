"""Own CPU per card of a first sync, contactsync vs vdirsyncer on the same book (issue #18: ≤ 2× vdirsyncer's,
each card parsed and rendered once per account it touches). Figures are printed, never asserted.

    .venv/bin/python bench/cpu_per_card.py --vdirsyncer /path/to/bin/vdirsyncer            # 2,000 and 5,000
    .venv/bin/python bench/cpu_per_card.py --cards 2000 --scenario vdir --vdirsyncer ...
    .venv/bin/python bench/cpu_per_card.py --cards 500 --scenario to-carddav --runs 3 --vdirsyncer ...

Scenarios, each a book of two accounts synced by a new ``contactsync sync`` process (SQLite store):
``vdir``: a folder of N cards → an empty folder; ``carddav``: a Radicale book of N cards (loopback, no proxy;
the cards are written into Radicale's storage and its cache warmed first) → an empty folder; ``to-carddav``: a
folder of N cards → an empty Radicale book (Radicale takes tens of milliseconds per PUT: use a few hundred
cards). vdirsyncer syncs the same source into its own empty folder or book. CPU is the process's user+sys time
(``RUSAGE_CHILDREN`` around the run; Radicale's own CPU is not in it), with the no-change run's CPU (mostly
start-up) shown beside it. With ``--runs K`` each tool's first sync is repeated K times (fresh targets and
stores) and the median printed, contactsync's and vdirsyncer's runs interleaved. Radicale is reached through
bench/netproxy.py (plain HTTP, no delay) to count the HTTP requests of each run, the tag-count check after it
included. Then one more first sync, into a new store and target under cProfile, counts the vCard parses and
renders per card (``--profile-dir`` keeps its stats).

``--instructions`` counts instead of timing (the figures issue #18 is judged on; a shared machine's CPU seconds
move by ±15%, instructions by 0.2% at most: ``carddav``'s worker threads count a little more in a slower run)::

    .venv/bin/python bench/cpu_per_card.py --instructions --cards 2000 --scenario vdir carddav --vdirsyncer ...

Each tool's first sync of N cards, and the same first sync of an empty source (an empty folder, or an empty
Radicale book for ``carddav``) to subtract start-up, each into a new target and store, runs under ``valgrind
--tool=callgrind`` (all threads of the one process: Radicale, in its own process, is not counted), after one
uncounted warm-up of each so bytecode is cached (``PYTHONPYCACHEPREFIX`` in the bench's own folder,
``PYTHONDONTWRITEBYTECODE`` dropped), with ``PYTHONHASHSEED=0``; contactsync's state directory is new for every
run. Per card = (instructions at N − at 0) / N, for both tools, and their ratio; ``--callgrind-dir`` keeps the
callgrind files for ``callgrind_annotate``. About 2 minutes of CPU per tool and scenario at 2,000 cards (the
command above took 23 minutes on 2 busy cores).
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import niquests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import MKCOL, PASSWORD, USER, card, start_radicale
from netproxy import LatencyProxy

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
# what the ``contactsync`` script runs, given to python itself for --instructions: valgrind then counts python
# from its first instruction, not a launcher's
ENTRY = "import sys; from contactsync.cli import main; sys.argv[0] = 'contactsync'; sys.exit(main())"
# the real entry point under cProfile (the stats go to argv[1]); parse_card and render_card are counted on every
# thread into argv[2] (cProfile sees the calling thread only, and CardDAV writes run on the slots' threads)
PROFILED = """
import cProfile, json, sys, threading
out, calls_out = sys.argv[1], sys.argv[2]
sys.argv = ["contactsync", "sync"]
import contactsync.vcard as codec, contactsync.vcard.mapping as mapping
calls = {"parse": 0, "render": 0}
lock = threading.Lock()
def counted(label, function):
    def wrapper(*args, **kwargs):
        with lock:
            calls[label] += 1
        return function(*args, **kwargs)
    return wrapper
for label, name in (("parse", "parse_card"), ("render", "render_card")):
    wrapped = counted(label, getattr(mapping, name))
    setattr(mapping, name, wrapped)
    setattr(codec, name, wrapped)
from contactsync.cli import main
profile = cProfile.Profile()
try:
    profile.runcall(main)
except SystemExit:
    pass
profile.dump_stats(out)
with open(calls_out, "w") as handle:
    json.dump(calls, handle)
"""


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    code: int
    requests: int  # HTTP requests that crossed the proxy (CardDAV scenarios), 0 otherwise
    #: the user part of cpu_s: the sys part is mostly the kernel's work for fsync and file creation, which moves
    #: with whatever else writes to the same disk (up to 3× between rounds on a shared machine)
    user_s: float


@dataclass(frozen=True)
class Side:
    """One account of a scenario: how contactsync and vdirsyncer name it, and how many cards it holds now."""

    contactsync: str  # the account's YAML (flow style), without its name
    vdirsyncer: str  # the body of a vdirsyncer [storage] section
    held: Callable[[], int]


@dataclass
class Server:
    """Radicale behind the counting proxy; ``storage`` is its collection folder for ``USER``."""

    url: str  # the proxy's, ending without "/"
    storage: Path
    proxy: LatencyProxy
    session: niquests.Session

    def book(self, name: str, cards: int = 0) -> str:
        """A new book of ``cards`` cards (written into Radicale's storage, its cache then filled); its URL."""
        url = f"{self.url}/{USER}/{name}/"
        assert self.session.request("MKCOL", url, data=MKCOL.encode(), timeout=30).status_code == 201
        for i in range(cards):
            (self.storage / name / f"bench-{i}.vcf").write_bytes(card(i))
        if cards:
            self.session.request("PROPFIND", url, headers={"Depth": "1"}, timeout=600)  # Radicale's cache fill
        return url

    def held(self, name: str) -> Callable[[], int]:
        return lambda: len(list((self.storage / name).glob("*.vcf")))


def timed(cmd: list[str], env: dict[str, str], server: Server | None) -> Run:
    if server is not None:
        server.proxy.reset()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = done.returncode
    if code not in (0, 5):
        print(f"  ({Path(cmd[0]).name} exit {code}: {(done.stderr.strip().splitlines() or [''])[-1]})")
    user = after.ru_utime - before.ru_utime
    cpu = user + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, code, server.proxy.reset().requests if server is not None else 0, user)


def folder(work: Path, name: str, cards: int = 0) -> Side:
    path = work / name
    path.mkdir()
    for i in range(cards):
        (path / f"bench-{i}.vcf").write_bytes(card(i))
    return Side(
        f"{{type: vdir, options: {{path: {path}}}}}",
        f'type = "filesystem"\npath = "{path}"\nfileext = ".vcf"\n',
        lambda: len(list(path.glob("*.vcf"))),
    )


def book(server: Server, password_file: Path, name: str, cards: int = 0) -> Side:
    url = server.book(name, cards)
    return Side(
        f"{{type: carddav, options: {{url: '{url}', username: {USER}, password_file: {password_file}}}}}",
        f'type = "carddav"\nurl = "{url}"\nusername = "{USER}"\npassword = "{PASSWORD}"\n',
        server.held(name),
    )


def contactsync_config(work: Path, tag: str, source: Side, target: Side) -> Path:
    config = work / f"cs-{tag}.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{work / f'cs-{tag}.db'}\n"
        "books:\n  - name: bench\n    accounts:\n"
        f"      - {{name: source, {source.contactsync[1:]}\n"
        f"      - {{name: target, {target.contactsync[1:]}\n"
    )
    return config


def vdirsyncer_config(work: Path, tag: str, source: Side, target: Side) -> Path:
    config = work / f"vds-{tag}.conf"
    config.write_text(
        f'[general]\nstatus_path = "{work / f"vds-{tag}-status"}"\n\n'
        '[pair bench]\na = "bench_a"\nb = "bench_b"\ncollections = null\n\n'
        f"[storage bench_a]\n{source.vdirsyncer}\n"
        f"[storage bench_b]\n{target.vdirsyncer}"
    )
    return config


def counts(config: Path, cards: int, keep: Path | None) -> str:
    stats_file = config.with_suffix(".prof")
    calls_file = config.with_suffix(".calls")
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", PROFILED, str(stats_file), str(calls_file)], env=env, capture_output=True, text=True
    )
    if not calls_file.exists():
        return f"not counted: the profiled run failed ({(done.stderr.strip().splitlines() or [''])[-1]})"
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(stats_file, keep / f"{config.parent.name}.prof")
    found = json.loads(calls_file.read_text())
    return ", ".join(f"{label} {n / cards:.2f}/card ({n})" for label, n in found.items())


def median_run(runs: list[Run]) -> Run:
    cpu = statistics.median(r.cpu_s for r in runs)
    user = statistics.median(r.user_s for r in runs)
    return Run(statistics.median(r.wall_s for r in runs), cpu, max(r.code for r in runs), runs[0].requests, user)


def spread(runs: list[Run]) -> str:
    return "" if len(runs) < 2 else f" [{', '.join(f'{r.cpu_s:.2f}' for r in runs)}]"


def user_spread(runs: list[Run]) -> str:
    return "" if len(runs) < 2 else f" [{', '.join(f'{r.user_s:.2f}' for r in runs)}]"


def scenario(
    work: Path,
    kind: str,
    cards: int,
    make: Callable[[str, int], Side],
    runs: int,
    vdirsyncer: str | None,
    server: Server | None,
    keep: Path | None,
    count_calls: bool = True,
) -> None:
    """``make(name, cards)`` gives a new account of ``cards`` cards: the source once, then an empty target for
    each run of each tool."""
    print(f"\n== {kind}, {cards} cards, first sync ×{runs}")
    source = make("source", cards)
    ours: list[Run] = []
    theirs: list[Run] = []
    written = 0
    still: Run | None = None
    vstill: Run | None = None
    for k in range(runs):
        target = make(f"cs-target-{k}", 0)
        config = contactsync_config(work, f"timed-{k}", source, target)
        env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
        ours.append(timed([CONTACTSYNC, "sync"], env, server))
        written = target.held()
        if k == 0:
            timed([CONTACTSYNC, "sync"], env, server)  # settling: our own writes come back once
            still = timed([CONTACTSYNC, "sync"], env, server)
        if vdirsyncer:
            vconfig = vdirsyncer_config(work, str(k), source, make(f"vds-target-{k}", 0))
            vds = [vdirsyncer, "-c", str(vconfig)]
            subprocess.run([*vds, "discover"], input="y\n", text=True, check=True, capture_output=True)
            theirs.append(timed([*vds, "sync"], dict(os.environ), server))
            if k == 0:
                vstill = timed([*vds, "sync"], dict(os.environ), server)
    first = median_run(ours)
    assert still is not None
    asked = f", {first.requests} HTTP requests (no change: {still.requests})" if server else ""
    print(
        f"  contactsync  first {first.wall_s:6.2f} s wall {first.cpu_s:6.2f} s CPU{spread(ours)} "
        f"= {first.cpu_s / cards * 1000:5.2f} ms/card (exit {first.code}, {written} cards written{asked}); "
        f"no change {still.cpu_s:5.2f} s CPU   $ contactsync sync"
    )
    print(f"  contactsync  first, user CPU alone {first.user_s:6.2f} s{user_spread(ours)}")
    if count_calls:
        profiled = contactsync_config(work, "profiled", source, make("cs-profiled", 0))
        print(f"  contactsync  vCard calls in a first sync (cProfile): {counts(profiled, cards, keep)}")
    if theirs:
        vfirst = median_run(theirs)
        assert vstill is not None
        vasked = f", {vfirst.requests} HTTP requests (no change: {vstill.requests})" if server else ""
        print(
            f"  vdirsyncer   first {vfirst.wall_s:6.2f} s wall {vfirst.cpu_s:6.2f} s CPU{spread(theirs)} "
            f"= {vfirst.cpu_s / cards * 1000:5.2f} ms/card (exit {vfirst.code}{vasked}); "
            f"no change {vstill.cpu_s:5.2f} s CPU   $ vdirsyncer sync"
        )
        print(f"  vdirsyncer   first, user CPU alone {vfirst.user_s:6.2f} s{user_spread(theirs)}")
        print(
            f"  ratio of CPU per card on the first sync: {first.cpu_s / vfirst.cpu_s:5.2f}× "
            f"(user CPU alone: {first.user_s / vfirst.user_s:5.2f}×)"
        )


@dataclass(frozen=True)
class Counted:
    instructions: int  # 0 when callgrind wrote no count
    wall_s: float  # under callgrind: tens of times the plain run's
    code: int
    requests: int  # HTTP requests that crossed the proxy (CardDAV scenarios), 0 otherwise


def callgrind(cmd: list[str], env: dict[str, str], out: Path, server: Server | None) -> Counted:
    """``cmd`` run once under callgrind (its output file ``out``), its instructions counted over all its
    threads (callgrind's default: one file for all of them)."""
    if server is not None:
        server.proxy.reset()
    began = time.perf_counter()
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - began
    if done.returncode not in (0, 5):
        own = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("==")]
        print(f"  ({Path(cmd[0]).name} exit {done.returncode}: {(own or [''])[-1]})")
    total = 0
    if out.exists():
        for line in out.read_text().splitlines():
            if line.startswith(("totals:", "summary:")):
                total = int(line.split()[1])
                break
    return Counted(total, wall, done.returncode, server.proxy.reset().requests if server is not None else 0)


def instructions(
    work: Path,
    kind: str,
    cards: int,
    make: Callable[[str, int], Side],
    vdirsyncer: str | None,
    server: Server | None,
    keep: Path | None,
) -> None:
    """Instructions per card of each tool's first sync of ``cards`` cards, less those of the same first sync of an
    empty source: the start-up, the configuration and the listing of an empty account. Printed, never asserted.
    ``make`` as for :func:`scenario`; its ``"source-empty"`` is the empty source."""
    print(f"\n== {kind}, {cards} cards: instructions of a first sync (callgrind, all threads, PYTHONHASHSEED=0)")
    began = time.perf_counter()
    sources = {cards: make("source", cards), 0: make("source-empty", 0)}
    # PYTHONDONTWRITEBYTECODE (which the workplace sets) would leave every run compiling its imports
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONHASHSEED": "0", "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    # our tree's src on PYTHONPATH is nothing vdirsyncer imports, but every one of its imports would look there
    theirs_env = {name: value for name, value in env.items() if name != "PYTHONPATH"}
    out_dir = keep if keep is not None else work
    out_dir.mkdir(parents=True, exist_ok=True)

    def ours(tag: str, source: Side) -> tuple[list[str], dict[str, str], Side]:
        target = make(f"cs-{tag}", 0)
        state = work / f"cs-{tag}-state"  # the configuration's checks are kept here (config/checked.py): new each run
        state.mkdir()
        config = contactsync_config(work, tag, source, target)
        return (
            [sys.executable, "-c", ENTRY, "sync"],
            env | {"CONTACTSYNC_CONFIG": str(config), "STATE_DIRECTORY": str(state)},
            target,
        )

    def theirs(tag: str, source: Side) -> tuple[list[str], dict[str, str], Side]:
        assert vdirsyncer is not None
        target = make(f"vds-{tag}", 0)
        vds = [vdirsyncer, "-c", str(vdirsyncer_config(work, tag, source, target))]
        subprocess.run([*vds, "discover"], input="y\n", text=True, check=True, capture_output=True, env=theirs_env)
        return [*vds, "sync"], theirs_env, target

    tools: list[tuple[str, Callable[[str, Side], tuple[list[str], dict[str, str], Side]]]] = [("contactsync", ours)]
    if vdirsyncer:
        tools.append(("vdirsyncer", theirs))
    per_card: dict[str, float] = {}
    print(
        f"  {'tool':<12} {f'{cards} cards':>12} {'0 cards':>12} {'per card':>10}  {'written':>9}  {'exit':>5}"
        + (f"  {'HTTP req.':>9}" if server else "")
        + f"  {'callgrind wall':>14}"
    )
    for name, run in tools:
        for n, source in sources.items():  # warm-up: bytecode compiled and cached, not counted
            cmd, run_env, _ = run(f"warm-{n}", source)
            warm = subprocess.run(cmd, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if warm.returncode not in (0, 5):
                print(f"  ({name} warm-up of {n} cards, exit {warm.returncode}: {warm.stderr.strip()[-300:]})")
        counted: dict[int, Counted] = {}
        written: dict[int, int] = {}
        for n, source in sources.items():
            cmd, run_env, target = run(f"counted-{n}", source)
            counted[n] = callgrind(cmd, run_env, out_dir / f"{kind}-{cards}-{name}-{n}.callgrind", server)
            written[n] = target.held()
        full, empty = counted[cards], counted[0]
        per_card[name] = (full.instructions - empty.instructions) / cards
        print(
            f"  {name:<12} {full.instructions / 1e6:10,.1f} M {empty.instructions / 1e6:10,.1f} M "
            f"{per_card[name] / 1e6:8.3f} M  {written[cards]:>5}/{written[0]:<3}  {full.code:>2}/{empty.code:<2}"
            + (f"  {full.requests:>5}/{empty.requests:<3}" if server else "")
            + f"  {f'{full.wall_s:.0f} s/{empty.wall_s:.0f} s':>14}"
        )
    if "vdirsyncer" in per_card:
        ratio = per_card["contactsync"] / per_card["vdirsyncer"]
        print(f"  ratio of instructions per card, contactsync / vdirsyncer: {ratio:.2f}×")
    print(
        f"  (columns: the run of {cards} cards / the run of 0; the scenario took {time.perf_counter() - began:.0f} s"
        f"{f'; callgrind files in {out_dir}' if keep is not None else ''})"
    )


@contextmanager
def radicale_if(root: Path, wanted: bool) -> Iterator[Server | None]:
    """Radicale (its data under ``root``) behind the counting proxy, with a logged-in session, when ``wanted``;
    stopped on leaving. Shared by the benches that compare first syncs (this one, state_after_writes.py)."""
    if not wanted:
        yield None
        return
    (root / "radicale").mkdir()
    radicale, base = start_radicale(root / "radicale")
    server = None
    try:
        proxy = LatencyProxy(base, tls=False).start()
        session = niquests.Session()
        session.auth = (USER, PASSWORD)
        server = Server(proxy.url.rstrip("/"), root / "radicale" / "data" / "collection-root" / USER, proxy, session)
        yield server
    finally:
        if server is not None:
            server.proxy.stop()
            server.session.close()
        radicale.terminate()
        radicale.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--scenario", choices=["vdir", "carddav", "to-carddav"], nargs="+", default=["vdir", "carddav"])
    parser.add_argument("--runs", type=int, default=1, help="first syncs per tool; the median is printed")
    parser.add_argument("--vdirsyncer", help="path of a vdirsyncer command, to measure it side by side")
    parser.add_argument("--profile-dir", type=Path, help="keep the cProfile stats of each scenario here")
    parser.add_argument("--no-counts", action="store_true", help="skip the cProfiled run that counts vCard calls")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions per card under callgrind instead of timing"
    )
    parser.add_argument("--callgrind-dir", type=Path, help="with --instructions, keep the callgrind files here")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind on PATH")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory(prefix="cs-cpu-") as tmp:
        root = Path(tmp)
        password_file = root / "password"
        password_file.write_text(PASSWORD)
        password_file.chmod(0o600)
        with radicale_if(root, bool({"carddav", "to-carddav"} & set(args.scenario))) as server:
            for cards in args.cards:
                for kind in args.scenario:
                    work = root / f"{kind}-{cards}"
                    work.mkdir()
                    prefix = f"{kind}-{cards}-"

                    def make(name: str, n: int, kind: str = kind, work: Path = work, prefix: str = prefix) -> Side:
                        # a scenario's Radicale side ("source-empty" is the source of --instructions' 0-card run)
                        if kind != "vdir" and name.startswith("source") == (kind == "carddav"):
                            assert server is not None
                            return book(server, password_file, prefix + name, n)
                        return folder(work, name, n)

                    dav = server if kind != "vdir" else None
                    if args.instructions:
                        instructions(work, kind, cards, make, args.vdirsyncer, dav, args.callgrind_dir)
                    else:
                        scenario(
                            work,
                            kind,
                            cards,
                            make,
                            args.runs,
                            args.vdirsyncer,
                            dav,
                            args.profile_dir,
                            not args.no_counts,
                        )
                    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
