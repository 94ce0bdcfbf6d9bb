"""A daemon imports what its connector types need before its first cycle (``ConnectorType.preload``, #18): the
first cycle then costs what any cycle costs, and a type that cannot be loaded stops nothing but its own accounts.

Each daemon runs in a fresh interpreter, so that what is imported when its first run starts is the daemon's doing,
not another test's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.daemon_support import make_book

#: runs the daemon on the configuration in argv[1] until every book has run once (argv[2] "all") or its first run
#: has started ("first"), and prints which of the modules in argv[3:] were imported when the first run started, the
#: books' finished runs, and the daemon's warnings and errors
FIRST_CYCLE = """
    import json, logging, sys, time
    import sqlalchemy as sa
    from contactsync.config import load_settings
    from contactsync.daemon.service import Daemon, DaemonOptions
    from contactsync.store import schema as t

    config, until, watched = sys.argv[1], sys.argv[2], sys.argv[3:]
    problems = []

    class Problems(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                cause = f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})" if record.exc_info else ""
                problems.append(f"{record.levelname} {record.getMessage()}{cause}")

    logging.getLogger("contactsync").addHandler(Problems())
    settings = load_settings(__import__("pathlib").Path(config))
    seen = {}
    real = Daemon.run_once

    def run_once(self, book, active):
        # the first run of the first cycle: what the daemon imported before it
        if not seen:
            seen.update({m: m in sys.modules for m in watched})
        return real(self, book, active)

    Daemon.run_once = run_once
    daemon = Daemon(settings, DaemonOptions(jitter_s=0), load=lambda: settings)
    daemon.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with daemon.store.engine.connect() as conn:
                runs = conn.execute(
                    sa.select(t.runs.c.book, t.runs.c.status).where(t.runs.c.finished_at.is_not(None))
                ).all()
            # a run that failed before the engine began is not recorded finished: its error line is enough
            failed = {p.split()[2].rstrip(":") for p in problems if p.startswith("ERROR book ")}
            if {book for book, _ in runs} | failed >= {b.name for b in settings.books} or (until == "first" and seen):
                break
            time.sleep(0.05)
    finally:
        daemon.shutdown()
    print(json.dumps({"seen": seen, "runs": sorted(map(list, runs)), "problems": problems}))
"""


def first_cycle(config: Path, watched: list[str], *, path: Path | None = None, whole: bool = True) -> dict:  # type: ignore[type-arg]
    """What a daemon on ``config`` had imported of ``watched`` when its first run started, and its books' runs
    (``whole``: every book run; else the daemon stops once the first run started). ``path`` is added to sys.path
    (a third-party connector's distribution)."""
    env = dict(os.environ)
    env.pop("CONTACTSYNC_CONFIG", None)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FIRST_CYCLE), str(config), "all" if whole else "first", *watched],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout.splitlines()[-1])  # type: ignore[type-arg]
    return result


def third_party_type(root: Path, name: str, preload: tuple[str, ...]) -> None:
    """A connector type ``name`` installed as pip would (an entry point in a distribution's metadata), storing in a
    folder as ``vdir`` does, its build importing its SDK ``{name}_sdk`` and naming ``preload``."""
    info = root / f"contactsync_{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: contactsync-{name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[contactsync.connectors]\n{name} = {name}_connector:CONNECTOR_TYPE\n")
    (root / f"{name}_connector.py").write_text(
        textwrap.dedent(f"""
            from contactsync.connectors.vdir import CONNECTOR_TYPE as VDIR
            from contactsync.registry import ConnectorType

            def build(account, book):
                import {name}_sdk  # the platform's SDK: heavy, imported when an account is built
                return VDIR.build(account, book)

            CONNECTOR_TYPE = ConnectorType("{name}", build=build, preload={preload!r})
        """)
    )


def config_with(tmp_path: Path, books: dict[str, str]) -> Path:
    """A SQLite store and one book per entry of ``books`` (name → its second account's type), each with a vdir
    account and an account of that type on folders of one card."""
    lines = [f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}", "books:"]
    for book, kind in books.items():
        make_book(tmp_path, f"{book}-a", 1)
        make_book(tmp_path, f"{book}-b", 0)
        options = (
            "{url: 'https://127.0.0.1:9/dav/book/', username: u}"
            if kind == "carddav"
            else f"{{path: '{tmp_path / f'{book}-b'}'}}"
        )
        lines += [
            f"  - name: {book}",
            "    schedule: every 1h",
            "    accounts:",
            f"      - {{name: {book}-a, type: vdir, options: {{path: '{tmp_path / f'{book}-a'}'}}}}",
            f"      - {{name: {book}-b, type: {kind}, options: {options}}}",
        ]
    config = tmp_path / "config.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


CARDDAV_STACK = ["contactsync.connectors.carddav", "caldav", "niquests", "urllib3", "lxml.etree"]


def test_a_types_modules_are_imported_before_the_first_cycle_begins(tmp_path: Path) -> None:
    plugins = tmp_path / "site"
    plugins.mkdir()
    third_party_type(plugins, "acme", preload=("acme_sdk",))
    (plugins / "acme_sdk.py").write_text("LOADED = True\n")
    config = config_with(tmp_path, {"staff": "acme"})
    done = first_cycle(config, ["acme_sdk", "contactsync.connectors.vdir.connector"], path=plugins)
    assert done["seen"]["acme_sdk"] is True  # imported by the start-up, not by the run's build
    assert done["runs"] == [["staff", "ok"]]
    assert done["problems"] == []


def test_a_vdir_only_daemon_imports_nothing_of_the_carddav_stack(tmp_path: Path) -> None:
    config = config_with(tmp_path, {"staff": "vdir", "sales": "vdir"})
    done = first_cycle(config, CARDDAV_STACK)
    assert done["seen"] == dict.fromkeys(CARDDAV_STACK, False)
    assert done["runs"] == [["sales", "ok"], ["staff", "ok"]]


def test_a_type_that_cannot_be_preloaded_fails_its_own_accounts_at_their_runs_and_the_others_run(
    tmp_path: Path,
) -> None:
    # a plugin whose optional SDK is not installed: the daemon starts, says so, and runs every other book
    plugins = tmp_path / "site"
    plugins.mkdir()
    third_party_type(plugins, "acme", preload=("acme_sdk",))
    config = config_with(tmp_path, {"staff": "vdir", "sales": "acme"})
    done = first_cycle(config, ["acme_sdk"], path=plugins)
    assert done["seen"] == {"acme_sdk": False}
    said, failed = done["problems"]
    assert said.startswith("WARNING the connector 'acme' cannot load acme_sdk (ModuleNotFoundError")
    # as without the preload: building the account fails at its run, where its build meets the missing SDK
    assert failed.startswith("ERROR book sales: run failed") and "No module named 'acme_sdk'" in failed
    assert done["runs"] == [["staff", "ok"]]


def test_a_carddav_daemon_has_the_connector_and_its_http_stack_imported_before_its_first_run(tmp_path: Path) -> None:
    # built-in types name their modules too: the first runs of a CardDAV daemon import nothing (#18)
    config = config_with(tmp_path, {"staff": "carddav"})
    watched = [*CARDDAV_STACK, "contactsync.connectors.carddav.connector", "contactsync.connectors.vdir.connector"]
    done = first_cycle(config, watched, whole=False)  # the server is nowhere: only the start matters
    assert done["seen"] == dict.fromkeys(watched, True)
