"""Own CPU per card of a first sync, contactsync vs vdirsyncer on the same book (issue #18: ≤ 2× vdirsyncer's,
each card parsed and rendered once per account it touches). Figures are printed, never asserted.

    .venv/bin/python bench/cpu_per_card.py --vdirsyncer /path/to/bin/vdirsyncer            # 2,000 and 5,000
    .venv/bin/python bench/cpu_per_card.py --cards 2000 --scenario vdir --vdirsyncer ...

Scenarios, each a book of two accounts synced by a new ``contactsync sync`` process (SQLite store):
``vdir``: a folder of N cards → an empty folder; ``carddav``: a Radicale book of N cards (loopback, no proxy;
the cards are written into Radicale's storage and its cache warmed first) → an empty folder. vdirsyncer syncs
the same source into its own empty folder. CPU is the process's user+sys time (``RUSAGE_CHILDREN`` around the
run; Radicale's own CPU is not in it), with the no-change run's CPU (mostly start-up) shown beside it. Then one
more first sync, into a new store and folder under cProfile, counts the vCard parses and renders per card.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import niquests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import MKCOL, PASSWORD, USER, card, start_radicale

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
# the real entry point under cProfile; the stats go to argv[1]
PROFILED = """
import cProfile, sys
out = sys.argv[1]
sys.argv = ["contactsync", "sync"]
from contactsync.cli import main
profile = cProfile.Profile()
try:
    profile.runcall(main)
except SystemExit:
    pass
profile.dump_stats(out)
"""
COUNTED = {"parse": ("vcard/mapping.py", "parse_card"), "render": ("vcard/mapping.py", "render_card")}


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    code: int


def timed(cmd: list[str], env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = done.returncode
    if code not in (0, 5):
        print(f"  ({Path(cmd[0]).name} exit {code}: {(done.stderr.strip().splitlines() or [''])[-1]})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, code)


def source_yaml(kind: str, where: str, password_file: Path) -> str:
    if kind == "vdir":
        return f"{{name: source, type: vdir, options: {{path: {where}}}}}"
    return (
        f"{{name: source, type: carddav, options: {{url: '{where}', username: {USER}, "
        f"password_file: {password_file}}}}}"
    )


def contactsync_config(work: Path, tag: str, kind: str, where: str, password_file: Path) -> tuple[Path, Path]:
    folder = work / f"cs-{tag}"
    folder.mkdir()
    config = work / f"cs-{tag}.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{work / f'cs-{tag}.db'}\n"
        "books:\n  - name: bench\n    accounts:\n"
        f"      - {source_yaml(kind, where, password_file)}\n"
        f"      - {{name: folder, type: vdir, options: {{path: {folder}}}}}\n"
    )
    return config, folder


def vdirsyncer_config(work: Path, kind: str, where: str) -> Path:
    folder = work / "vds-folder"
    folder.mkdir()
    if kind == "vdir":
        source = f'type = "filesystem"\npath = "{where}"\nfileext = ".vcf"\n'
    else:
        source = f'type = "carddav"\nurl = "{where}"\nusername = "{USER}"\npassword = "{PASSWORD}"\n'
    config = work / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{work / "vds-status"}"\n\n'
        '[pair bench]\na = "bench_a"\nb = "bench_b"\ncollections = null\n\n'
        f"[storage bench_a]\n{source}\n"
        f'[storage bench_b]\ntype = "filesystem"\npath = "{folder}"\nfileext = ".vcf"\n'
    )
    return config


def counts(work: Path, kind: str, where: str, password_file: Path, cards: int) -> str:
    config, _ = contactsync_config(work, "profiled", kind, where, password_file)
    stats_file = work / "sync.prof"
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
    subprocess.run([sys.executable, "-c", PROFILED, str(stats_file)], env=env, check=False, capture_output=True)
    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    found = {label: 0 for label in COUNTED}
    for (file, _line, function), (_cc, calls, *_rest) in stats.items():
        for label, (tail, name) in COUNTED.items():
            if function == name and file.endswith(tail):
                found[label] += calls
    return ", ".join(f"{label} {n / cards:.2f}/card ({n})" for label, n in found.items())


def scenario(work: Path, kind: str, where: str, password_file: Path, cards: int, vdirsyncer: str | None) -> None:
    print(f"\n== {kind} → empty folder, {cards} cards")
    config, folder = contactsync_config(work, "timed", kind, where, password_file)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
    first = timed([CONTACTSYNC, "sync"], env)
    copied = len(list(folder.glob("*.vcf")))
    timed([CONTACTSYNC, "sync"], env)  # settling: our own writes come back once
    still = timed([CONTACTSYNC, "sync"], env)
    print(
        f"  contactsync  first {first.wall_s:6.2f} s wall {first.cpu_s:6.2f} s CPU "
        f"= {first.cpu_s / cards * 1000:5.2f} ms/card (exit {first.code}, {copied} cards written); "
        f"no change {still.cpu_s:5.2f} s CPU   $ contactsync sync"
    )
    print(f"  contactsync  vCard calls in a first sync (cProfile): {counts(work, kind, where, password_file, cards)}")
    if vdirsyncer:
        vconfig = vdirsyncer_config(work, kind, where)
        vds = [vdirsyncer, "-c", str(vconfig)]
        subprocess.run([*vds, "discover"], input="y\n", text=True, check=True, capture_output=True)
        vfirst = timed([*vds, "sync"], dict(os.environ))
        vstill = timed([*vds, "sync"], dict(os.environ))
        print(
            f"  vdirsyncer   first {vfirst.wall_s:6.2f} s wall {vfirst.cpu_s:6.2f} s CPU "
            f"= {vfirst.cpu_s / cards * 1000:5.2f} ms/card (exit {vfirst.code}); "
            f"no change {vstill.cpu_s:5.2f} s CPU   $ vdirsyncer sync"
        )
        print(f"  ratio of CPU per card on the first sync: {first.cpu_s / vfirst.cpu_s:5.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--scenario", choices=["vdir", "carddav"], nargs="+", default=["vdir", "carddav"])
    parser.add_argument("--vdirsyncer", help="path of a vdirsyncer command, to measure it side by side")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cs-cpu-") as tmp:
        root = Path(tmp)
        password_file = root / "password"
        password_file.write_text(PASSWORD)
        password_file.chmod(0o600)
        radicale = None
        try:
            if "carddav" in args.scenario:
                (root / "radicale").mkdir()
                radicale, base = start_radicale(root / "radicale")
                session = niquests.Session()
                session.auth = (USER, PASSWORD)
            for cards in args.cards:
                for kind in args.scenario:
                    work = root / f"{kind}-{cards}"
                    work.mkdir()
                    if kind == "vdir":
                        where = work / "source"
                        where.mkdir()
                        for i in range(cards):
                            (where / f"bench-{i}.vcf").write_bytes(card(i))
                        scenario(work, kind, str(where), password_file, cards, args.vdirsyncer)
                        continue
                    book = f"{base}/{USER}/cpu-{cards}/"
                    assert session.request("MKCOL", book, data=MKCOL.encode(), timeout=30).status_code == 201
                    storage = root / "radicale" / "data" / "collection-root" / USER / f"cpu-{cards}"
                    for i in range(cards):
                        (storage / f"bench-{i}.vcf").write_bytes(card(i))
                    session.request("PROPFIND", book, headers={"Depth": "1"}, timeout=600)  # Radicale's cache fill
                    scenario(work, kind, book, password_file, cards, args.vdirsyncer)
                    shutil.rmtree(work, ignore_errors=True)
        finally:
            if radicale is not None:
                radicale.terminate()
                radicale.wait()


if __name__ == "__main__":
    main()
