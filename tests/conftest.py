"""Shared fixtures. ``store_url`` gives every store test a fresh database on SQLite and on PostgreSQL.

PostgreSQL is the machine's server on 127.0.0.1:5432 (trust auth, database ``test``); each test gets its own
schema, dropped afterwards. Where the server is unreachable (a laptop), the PostgreSQL cases skip and say why.
Set CONTACTSYNC_PG_URL to use another server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("CONTACTSYNC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# the umask the systemd units run contactsync with (UMask=0077): the secret files tests write are private, as an
# admin's are; a world-readable one is refused (secrets.allow_world_readable), tested on purpose in test_config
os.umask(0o077)


def _pg_reason() -> str | None:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({type(exc).__name__}); start it or set CONTACTSYNC_PG_URL"
    return None


_PG_SKIP = _pg_reason()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    yield from fresh_pg_schema()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema only (tests of what SQLite cannot do: several daemons sharing a store)."""
    yield from fresh_pg_schema()


_ADMIN: list[sa.Engine] = []


def _admin() -> sa.Engine:
    """One engine for every test's schema, its connection kept: a new engine per test connected anew each time
    (about 30 ms of the ~100 tests on PostgreSQL, 70 ms on a loaded machine)."""
    if not _ADMIN:
        _ADMIN.append(sa.create_engine(PG_URL, pool_size=1))
    return _ADMIN[0]


def fresh_pg_schema() -> Iterator[str]:
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    schema = f"cs_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))


@pytest.fixture
def vdir_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The card files every vdir connector of this test reads, in order (clear the list between steps)."""
    from contactsync.connectors.vdir import VdirConnector

    reads: list[str] = []
    real_read = VdirConnector._read

    def counted_read(self: VdirConnector, file_name: str) -> bytes | None:
        reads.append(file_name)
        return real_read(self, file_name)

    monkeypatch.setattr(VdirConnector, "_read", counted_read)
    return reads
