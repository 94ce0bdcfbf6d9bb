"""Start-up time of the ``contactsync`` command, side by side with vdirsyncer (issue #18: ≤ 0.25 s for ``sync``
and ``status``). Figures are printed, never asserted.

    .venv/bin/python bench/startup.py                                  # 10 runs of each command
    .venv/bin/python bench/startup.py --runs 20 --vdirsyncer /path/to/bin/vdirsyncer
    git worktree add --detach /tmp/cs-before REV                       # an earlier revision, side by side:
    .venv/bin/python bench/startup.py --before /tmp/cs-before          # its src/ first on PYTHONPATH
    .venv/bin/python bench/startup.py --before /tmp/cs-before --after /tmp/cs-after   # two checkouts
    .venv/bin/python bench/startup.py --runs 7 --instructions                # and instructions (valgrind)

One book of two vdir accounts (``--cards`` cards in one folder, the other empty) on a SQLite store, synced once
so the timed ``sync`` is a no-change run. Timed, each as a new process the way a timer or an admin starts it:
``python -c pass`` (the interpreter alone), ``contactsync --help``, ``contactsync status``, ``contactsync sync``;
with ``--vdirsyncer``, ``vdirsyncer --help`` and a no-change ``vdirsyncer sync`` of the same two folders. Each
row is the median wall time of ``--runs`` runs, with the command. Then, per contactsync command, what
``python -X importtime`` counts for importing it and which heavy libraries it loaded: what a command does not
need should not be imported (tests/test_startup.py pins that).

As installed: ``pip install`` compiles every module to bytecode, so the timed runs read cached bytecode (kept in a
``PYTHONPYCACHEPREFIX`` folder of the bench's own, filled by the settling runs, whatever PYTHONDONTWRITEBYTECODE
says); ``--no-bytecode`` times compiling contactsync's modules on every start instead (an editable checkout with
PYTHONDONTWRITEBYTECODE set). The state directory is the bench's folder (systemd's ``StateDirectory=``), where the
checked configuration is remembered. With ``--before DIR`` each command also runs from that checkout's ``src/``,
alternating run by run with this one so both see the same load.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
HEAVY = (
    "sqlalchemy",
    "alembic",
    "mako",
    "jsonschema",
    "googleapiclient",
    "google",
    "msal",
    "caldav",
    "niquests",
    "requests",
    "rich",
    "apscheduler",
    "prometheus_client",
    "ldap3",
    "vobject",
    "asyncio",
    "importlib.metadata",
    "phonenumbers",
    "email_validator",
    "contactsync.vcard.mapping",
    "contactsync.engine",
    "contactsync.engine.merge",
    "sqlalchemy.dialects.sqlite.aiosqlite",
)
#: a module whose name alone may be a stand-in (status and sync defer asyncio, importlib.metadata and SQLite's
#: async dialect, contactsync/cli/deferred.py): loaded when this module is
LOADED_WHEN = {
    "asyncio": "asyncio.base_events",
    "importlib.metadata": "importlib.metadata._meta",
    "sqlalchemy.dialects.sqlite.aiosqlite": "sqlalchemy.connectors.asyncio",
}
# runs ``contactsync`` in-process, then names the heavy top-level packages it imported (on stderr, last line)
PROBE = (
    "import sys, atexit\n"
    "heavy = {heavy!r}\n"
    "when = {when!r}\n"
    "atexit.register(lambda: print('loaded:', ' '.join(h for h in heavy if when.get(h, h) in sys.modules), "
    "file=sys.stderr))\n"
    "from contactsync.cli import main\n"
    "sys.argv = ['contactsync'] + {args!r}\n"
    "main()\n"
)


def card(n: int) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:start-{n}",
            f"N:Person{n};Test;;;",
            f"FN:Test Person{n}",
            f"EMAIL;TYPE=WORK:p{n}@example.org",
            f"TEL;TYPE=CELL:+4930{n:07d}",
            "END:VCARD",
            "",
        ]
    )


def medians(cmd: list[str], envs: list[dict[str, str]], runs: int) -> list[tuple[float, float, int]]:
    """Per environment: (median wall, median CPU (user+sys), last exit code) of ``runs`` runs, the environments
    taking turns run by run. On a shared machine the CPU time is the steadier figure: waiting for a core adds to
    the wall time only."""
    walls: list[list[float]] = [[] for _ in envs]
    cpus: list[list[float]] = [[] for _ in envs]
    codes = [0 for _ in envs]
    for _ in range(runs):
        for i, env in enumerate(envs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            codes[i] = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            walls[i].append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [(statistics.median(w), statistics.median(c), code) for w, c, code in zip(walls, cpus, codes, strict=True)]


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions one run of ``cmd`` executes, as valgrind's callgrind counts them; None without valgrind. Unlike
    CPU time, the count hardly moves with the machine's load (the same run gives the same count with a fixed
    PYTHONHASHSEED), so a change is measured to a fraction of a percent on a shared machine."""
    try:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
            env={**env, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def import_profile(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(seconds ``-X importtime`` counts for all imports, the heavy packages loaded) for one command."""
    code = PROBE.format(heavy=HEAVY, when=LOADED_WHEN, args=args)
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, check=False
    )
    total_us = 0
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if m and not m.group(2).startswith(" "):  # a top-level import: its cumulative time counts once
            total_us += int(m.group(1))
    loaded = next((ln[len("loaded: ") :] for ln in reversed(done.stderr.splitlines()) if ln.startswith("loaded:")), "")
    return total_us / 1e6, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--vdirsyncer", help="path of a vdirsyncer command, to measure it side by side")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, timed side by side")
    parser.add_argument(
        "--after",
        type=Path,
        help="the checkout timed as 'now' (default: the one the contactsync command imports); with --before, a "
        "change measured alone while others change the working tree",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions under valgrind (one run each, slow: about 50x)",
    )
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile contactsync's modules on every start (no cached bytecode)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cs-startup-") as tmp:
        root = Path(tmp)
        src, vds_dst = root / "src", root / "vds-dst"
        for folder in (src, vds_dst):
            folder.mkdir()
        for n in range(args.cards):
            (src / f"c{n}.vcf").write_text(card(n))
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
        if args.no_bytecode:
            base["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            base["PYTHONPYCACHEPREFIX"] = str(root / "bytecode")

        def variant(name: str) -> dict[str, str]:
            """Its own store, state directory and second folder: two revisions may differ in schema."""
            own = root / name
            (own / "dst").mkdir(parents=True)
            (own / "state").mkdir()
            config = own / "config.yaml"
            config.write_text(
                f"store:\n  url: sqlite:///{own / 'store.db'}\n"
                "books:\n  - name: team\n    accounts:\n"
                f"      - {{name: office, type: vdir, options: {{path: {src}}}}}\n"
                f"      - {{name: phones, type: vdir, options: {{path: {own / 'dst'}}}}}\n"
            )
            return {**base, "CONTACTSYNC_CONFIG": str(config), "STATE_DIRECTORY": str(own / "state")}

        env = variant("now")
        if args.after:
            env["PYTHONPATH"] = str(args.after.resolve() / "src")
        variants = [("now", env)]
        if args.before:
            variants.insert(0, ("before", {**variant("before"), "PYTHONPATH": str(args.before.resolve() / "src")}))
        for _, variant_env in variants:
            for _ in range(2):  # the first sync, then the settling run: the timed runs change nothing
                subprocess.run([CONTACTSYNC, "sync"], env=variant_env, check=True, capture_output=True)
            for warm in (["--help"], ["status"]):  # their bytecode too
                subprocess.run([CONTACTSYNC, *warm], env=variant_env, check=False, capture_output=True)

        commands: list[tuple[str, list[str]]] = [
            ("python -c pass", [PYTHON, "-c", "pass"]),
            ("contactsync --help", [CONTACTSYNC, "--help"]),
            ("contactsync status", [CONTACTSYNC, "status"]),
            ("contactsync sync (no change)", [CONTACTSYNC, "sync"]),
        ]
        if args.vdirsyncer:
            vconfig = root / "vdirsyncer.conf"
            vconfig.write_text(
                f'[general]\nstatus_path = "{root / "vds-status"}"\n\n'
                '[pair team]\na = "team_a"\nb = "team_b"\ncollections = null\n\n'
                f'[storage team_a]\ntype = "filesystem"\npath = "{src}"\nfileext = ".vcf"\n\n'
                f'[storage team_b]\ntype = "filesystem"\npath = "{vds_dst}"\nfileext = ".vcf"\n'
            )
            vds = [args.vdirsyncer, "-c", str(vconfig)]
            subprocess.run([*vds, "discover"], input="y\n", text=True, check=True, capture_output=True)
            subprocess.run([*vds, "sync"], check=True, capture_output=True)
            commands += [("vdirsyncer --help", [*vds, "--help"]), ("vdirsyncer sync (no change)", [*vds, "sync"])]

        bytecode = "compiled on every start" if args.no_bytecode else "cached, as installed"
        print(
            f"start-up, medians of {args.runs} runs ({args.cards} cards, SQLite store, 2 vdir folders, bytecode "
            f"{bytecode}; load average at start {os.getloadavg()[0]:.2f})"
        )
        if args.before:
            now = args.after or Path(__file__).resolve().parent.parent
            print(f"  before: {args.before}/src first on PYTHONPATH; now: {now}")
        for label, cmd in commands:
            own = not label.startswith(("python", "vdirsyncer"))
            results = medians(cmd, [e for _, e in variants] if own else [env], args.runs)
            shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))
            names = [n for n, _ in variants] if own else [""]
            for name, (wall, cpu, code) in zip(names, results, strict=True):
                print(f"  {label:<30} {name:<6} {wall:6.3f} s wall  {cpu:6.3f} s CPU   exit {code}   $ {shown}")

        if args.instructions:
            print("instructions, as valgrind's callgrind counts them (PYTHONHASHSEED=0), one run each")
            for label, cmd in commands:
                own = not label.startswith(("python", "vdirsyncer"))
                for name, variant_env in variants if own else [("", env)]:
                    count = instructions(cmd, variant_env)
                    shown = "valgrind not found" if count is None else f"{count / 1e6:7.0f} M"
                    print(f"  {label:<30} {name:<6} {shown}")

        print("imports, as python -X importtime counts them (inflated by its own bookkeeping), one run each")
        for name, variant_env in variants:
            for args_ in (["--help"], ["status"], ["sync"]):
                total, loaded = import_profile(args_, variant_env)
                print(
                    f"  contactsync {' '.join(args_):<10} {name:<6} {total:6.3f} s   heavy packages loaded: "
                    f"{loaded or 'none'}"
                )


if __name__ == "__main__":
    main()
