"""A new store made at the migrations' head at once (``contactsync.migrations.create_at_head``, #18) is the store
the migrations make, on SQLite and on PostgreSQL: the same tables, columns, keys, indexes and constraints, the
same recorded revision, and a migration added later applies to both alike."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from contactsync import migrations
from contactsync import store as store_module
from contactsync.errors import StoreError
from contactsync.migrations import create_at_head
from contactsync.store import Store
from tests.conftest import _PG_SKIP, PG_URL

HEAD = sorted(p.stem.split("_")[0] for p in (Path(migrations.__file__).parent / "versions").glob("0*.py"))[-1]

#: a migration added after this version: a column, an index and a table, as a later release might add
LATER = '''
"""later"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("later", sa.Text(), nullable=True))
    op.create_index("ix_contacts_later", "contacts", ["updated_at"])
    op.create_table("later", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    pass
'''


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty databases of one kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}", f"sqlite:///{tmp_path / 'created.db'}"
        return
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    schemas = [f"cs_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield tuple(f"{PG_URL}?options=-csearch_path%3D{s}" for s in schemas)  # type: ignore[misc]
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def alembic_upgrade(url: str, script_location: str = "contactsync:migrations") -> None:
    """What the store did for every new database before: Alembic's upgrade to head."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", script_location)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def created(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            return create_at_head(conn, HEAD)
    finally:
        engine.dispose()


def described(url: str) -> dict[str, Any]:
    """Everything the database says of its schema, in a form two databases can be compared by."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            out: dict[str, Any] = {}
            for table in sorted(inspector.get_table_names()):
                out[table] = {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], str(c.get("default")), c.get("autoincrement"))
                        for c in inspector.get_columns(table)
                    ],
                    "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
                    "foreign keys": sorted(
                        (
                            tuple(fk["constrained_columns"]),
                            fk["referred_table"],
                            tuple(fk["referred_columns"]),
                            str(sorted(fk.get("options", {}).items())),
                        )
                        for fk in inspector.get_foreign_keys(table)
                    ),
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)
                    ),
                    "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
                    "checks": sorted(str(c["sqltext"]) for c in inspector.get_check_constraints(table)),
                }
            out["revision"] = MigrationContext.configure(conn).get_current_revision()
            return out
    finally:
        engine.dispose()


def as_created(migrated: dict[str, Any], url: str) -> dict[str, Any]:
    """The migrated store's description with the one difference SQLite cannot see: migration 0006 widened
    ``identities.kind`` to VARCHAR(20) on PostgreSQL only (SQLite enforces no length: both are TEXT there), and
    a store created at head declares the schema's 20."""
    if not url.startswith("sqlite"):
        return migrated
    columns = migrated["identities"]["columns"]
    assert ("kind", "VARCHAR(10)", False, "None", None) in columns
    migrated["identities"]["columns"] = [("kind", "VARCHAR(20)", *c[2:]) if c[0] == "kind" else c for c in columns]
    return migrated


def test_the_head_is_the_newest_migration() -> None:
    assert store_module._head_revision() == HEAD


def test_a_store_created_at_head_is_the_migrated_store(two_databases: tuple[str, str]) -> None:
    migrated, fresh = two_databases
    alembic_upgrade(migrated)
    assert created(fresh)
    assert described(fresh) == as_created(described(migrated), migrated)
    assert described(fresh)["revision"] == HEAD


def test_a_database_with_tables_is_left_to_the_migrations(two_databases: tuple[str, str]) -> None:
    url, _ = two_databases
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("create table someone_elses (id integer)"))
    finally:
        engine.dispose()
    assert not created(url)
    assert set(described(url)) == {"someone_elses", "revision"}


def test_a_later_migration_applies_to_a_store_created_at_head(two_databases: tuple[str, str], tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(Path(migrations.__file__).parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_later.py").write_text(LATER.format(head=HEAD))
    migrated, fresh = two_databases
    alembic_upgrade(migrated)
    assert created(fresh)
    alembic_upgrade(migrated, str(scripts))
    alembic_upgrade(fresh, str(scripts))
    after = described(fresh)
    assert after == as_created(described(migrated), migrated)
    assert after["revision"] == "9999" and "later" in after
    assert "later" in [c[0] for c in after["links"]["columns"]]


def test_a_store_created_at_head_opens_without_a_migration(two_databases: tuple[str, str]) -> None:
    _, fresh = two_databases
    assert created(fresh)
    before = described(fresh)
    Store.open(fresh).close()  # at head: nothing to migrate
    assert described(fresh) == before


# ------------------------------------------------ a first start killed while it creates the store (SQLite, #18)
#: opens a new store in a process that kills itself with SIGKILL at ``sys.argv[2]``: after the schema's n-th table
#: is created ("table:<n>"), or between the last table and the stamp ("stamp")
KILLED_WHILE_CREATING = r"""
import os, signal, sys
import sqlalchemy as sa
import contactsync.migrations as migrations
from contactsync.store import Store
from contactsync.store.schema import metadata

where = sys.argv[2]
def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if where == "stamp":
    migrations._VERSION_TABLE.create = die
else:
    sa.event.listen(metadata.sorted_tables[int(where.partition(":")[2])], "after_create", die)
Store.open(sys.argv[1])
"""


@pytest.mark.parametrize("where", ["table:0", "table:5", "stamp"])
def test_a_first_start_killed_while_creating_the_store_is_undone_by_the_next(tmp_path: Path, where: str) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_CREATING, url, where], capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = described(url)
    assert left["revision"] is None and "alembic_version" not in left  # some of the tables, no stamp
    Store.open(url).close()  # before: "table ... already exists" on every start from then on
    assert described(url) == described_created(tmp_path)


def test_a_stopped_creation_holding_a_row_is_never_dropped(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    subprocess.run([sys.executable, "-c", KILLED_WHILE_CREATING, url, "stamp"], capture_output=True)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("insert into account_health (account, book) values ('someone', 'staff')"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError):
        Store.open(url)  # not ours to guess at: a row is data, and nothing drops it
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select account from account_health")).scalars().all() == ["someone"]
    finally:
        engine.dispose()


def described_created(tmp_path: Path) -> dict[str, Any]:
    """A store created at head in one go, described."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    assert created(url)
    return described(url)
