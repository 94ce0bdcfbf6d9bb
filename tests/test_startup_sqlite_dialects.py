"""A no-change ``sync`` and ``status`` on a SQLite store load only what they use (#18): not SQLAlchemy's async and
encrypted SQLite dialects (its SQLite package imports them with the one it uses; cli/deferred.py stands in for
them), not the configuration's did-you-mean matcher nor its temporary files while the file is unchanged, not the
dry run's, the book templates' nor the distributions' code. A store URL naming one of those dialects still gets
the real one. Asserted on what the real command leaves in ``sys.modules``, never on time (the figures are
bench/startup.py's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .daemon_support import books_yaml, make_book, people

# runs the real `contactsync` entry point, then writes the modules it really imported (a stand-in is not one)
PROBE = """
import atexit, json, sys
out = sys.argv[1]
def real():
    return sorted(n for n, m in list(sys.modules.items()) if type(m).__name__ != "_Deferred")
atexit.register(lambda: open(out, "w").write(json.dumps(real())))
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""
# imported by SQLAlchemy's aiosqlite and pysqlcipher modules alone
ASYNC_OR_ENCRYPTED = (
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.sqlite.pysqlcipher",
    "sqlalchemy.connectors.asyncio",
)


def run_real(tmp_path: Path, config: Path, *args: str) -> tuple[int, set[str]]:
    """(exit code, modules really imported) of the real command, with a state directory as systemd gives it."""
    modules = tmp_path / "modules.json"
    modules.unlink(missing_ok=True)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config), "STATE_DIRECTORY": str(tmp_path / "state")}
    env["HOME"] = str(tmp_path / "home")  # nothing of the user running the tests is read or written
    (tmp_path / "state").mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert modules.exists(), done.stderr
    return done.returncode, set(json.loads(modules.read_text()))


def test_a_no_change_sync_and_status_import_only_what_a_sqlite_store_and_an_unchanged_file_need(
    tmp_path: Path,
) -> None:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    code, first = run_real(tmp_path, config, "sync")
    assert code == 0
    assert len(people(tmp_path / "team" / "dst")) == 3
    assert "tempfile" in first  # the file's checks were kept, written atomically
    for command in ("sync", "status"):
        code, modules = run_real(tmp_path, config, command)
        assert code == 0, command
        for name in (*ASYNC_OR_ENCRYPTED, "difflib", "tempfile"):
            assert name not in modules, f"`contactsync {command}` imported {name}"
        assert "sqlalchemy.dialects.sqlite.pysqlite" in modules  # the dialect it does use
        if command == "sync":  # what only a dry run or a file with book templates needs
            assert "contactsync.cli.dryrun" not in modules and "contactsync.cli.templates" not in modules
        else:  # what only a file with distributions needs
            assert "contactsync.cli.distribution_status" not in modules


def test_a_dry_run_still_plans_against_the_store_and_changes_nothing(tmp_path: Path) -> None:
    make_book(tmp_path, "team", 2)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    code, modules = run_real(tmp_path, config, "sync", "--dry-run")
    assert code == 0
    assert "contactsync.cli.dryrun" in modules
    assert people(tmp_path / "team" / "dst") == []


REAL_DIALECTS = r"""
import sys
from contactsync.cli.deferred import defer_unused
defer_unused()
import sqlalchemy as sa
from sqlalchemy.dialects import registry
assert type(sys.modules["sqlalchemy.dialects.sqlite.aiosqlite"]).__name__ == "_Deferred"
print(registry.load("sqlite.aiosqlite").__name__, registry.load("sqlite.pysqlcipher").__name__)
from sqlalchemy.dialects.sqlite import aiosqlite, pysqlcipher
print(aiosqlite.SQLiteDialect_aiosqlite.__name__, pysqlcipher.dialect.__name__)
assert type(sys.modules["sqlalchemy.dialects.sqlite.aiosqlite"]).__name__ == "module"
assert "sqlalchemy.connectors.asyncio" in sys.modules
with sa.create_engine("sqlite://").connect() as conn:
    print(conn.execute(sa.text("select 1")).scalar())
"""


def test_a_url_naming_sqlites_async_or_encrypted_dialect_still_gets_the_real_one() -> None:
    done = subprocess.run([sys.executable, "-c", REAL_DIALECTS], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "SQLiteDialect_aiosqlite",
        "SQLiteDialect_pysqlcipher",
        "SQLiteDialect_aiosqlite",
        "SQLiteDialect_pysqlcipher",
        "1",
    ]
