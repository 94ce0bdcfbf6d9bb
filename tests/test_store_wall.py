"""Only the store and its migrations speak SQL: no other module of the package imports a database library.

Everything else reaches the database through :class:`contactsync.store.Store` (see the store package's
docstring), so a new table, a new dialect or a change of driver touches ``store/`` and ``migrations/`` alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import contactsync

PACKAGE = Path(contactsync.__file__).parent
ALLOWED = ("store", "migrations")
#: the store's libraries. Not ``sqlite3``: the engine may spill a listing to a private temporary SQLite file,
#: which is not the store
DATABASE_LIBRARIES = ("sqlalchemy", "psycopg", "psycopg2", "alembic")


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):  # function-local imports count too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ALLOWED:
            continue
        for name in sorted(_imported(ast.parse(path.read_text(encoding="utf-8"), str(path)))):
            if name.split(".")[0] in DATABASE_LIBRARIES:
                found.append(f"{relative} imports {name}")
    return found


def test_only_the_store_and_migrations_import_database_libraries() -> None:
    assert offenders(PACKAGE) == []


def test_the_wall_check_sees_an_offender(tmp_path: Path) -> None:
    # the check itself must be able to fail: a module outside the store importing SQLAlchemy, even inside a
    # function, and psycopg through ``from ... import``
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "ok.py").write_text("import sqlalchemy\n")
    (tmp_path / "engine.py").write_text("def f():\n    import sqlalchemy as sa\n    return sa\n")
    (tmp_path / "cli.py").write_text("from psycopg import sql\n")
    assert offenders(tmp_path) == ["cli.py imports psycopg", "engine.py imports sqlalchemy"]
