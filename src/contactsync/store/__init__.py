"""The canonical store: SQLAlchemy Core over SQLite (default) or PostgreSQL, migrated by Alembic.

Reads are plain methods; every write goes through :meth:`Store.transaction`, one transaction per confirmed step,
so a crash leaves the store at the last confirmed step and never records a write that did not happen.

Only this package and the migrations speak SQL (``tests/test_store_wall.py`` holds the rest of the code to it).
:class:`Store` and :class:`Transaction` are assembled from one part per table family, each a module here:

    contacts   canonical contacts, identities, tags, photos, the trash, attention, erasure
    links      where each contact lives on each account, and its base
    outbox     writes owed to an account
    journal    what changed, and conflicts waiting for the admin
    runs       runs, sync state, account status, quarantine
    leases     which instance runs a book and holds its accounts
    health     the circuit breaker and tag-count checks
    copies     the connectors' copies of remote items
    distribution  one source pushed into a container on many targets (``distribute:``)
    templates  books expanded from book templates, active and retired (``templates:``)
    secrets    keys the store makes once and keeps (the quarantine handles')
    dump       every table at once, for backups
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from ..migrations import create_at_head
from .base import TxBase, now
from .contacts import (
    CanonicalRecord,
    ContactReads,
    ContactWrites,
    decode_contact,
    encode_contact,
    identity_tombstone,
    remember_encoded,
)
from .copies import CopyReads, StoredCopies
from .distribution import DistributionRecords
from .dump import DumpReads, DumpWrites, StoreDump
from .health import CircuitState, Health, HealthRecords, TagCheck, TagVerdict
from .journal import Conflict, JournalEntry, JournalReads, JournalWrites
from .leases import AccountLease, Claim, Fence, Lease, LeaseLost, Leases, LeaseWrites
from .links import RESET_STATE, Link, LinkReads, LinkWrites
from .outbox import OutboxEntry, OutboxReads, OutboxWrites
from .runs import AccountStatus, RunReads, RunWrites
from .secrets import StoreKeys
from .templates import ExpandedPerson, ExpansionChanges, TemplateBookRecord, TemplateRecords

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "RESET_STATE",
    "AccountLease",
    "AccountStatus",
    "CanonicalRecord",
    "CircuitState",
    "Claim",
    "Conflict",
    "ExpandedPerson",
    "ExpansionChanges",
    "Fence",
    "Health",
    "JournalEntry",
    "Lease",
    "LeaseLost",
    "Link",
    "OutboxEntry",
    "Store",
    "StoreDump",
    "StoredCopies",
    "TagCheck",
    "TagVerdict",
    "TemplateBookRecord",
    "Transaction",
    "decode_contact",
    "driver_message",
    "encode_contact",
    "identity_tombstone",
    "now",
    "raised_by_the_database",
    "remember_encoded",
    "shown_url",
    "sqlite_file",
]

#: any constant, ours alone: PostgreSQL instances starting together take it so only one runs a migration
_MIGRATION_LOCK = 7274301


#: where the migrations are, for reading their revisions without Alembic (see _head_revision)
_VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision = \"([^\"]+)\"$", re.M)
_DOWN_REVISION = re.compile(r"^down_revision = (None|\"([^\"]+)\")$", re.M)


def _alembic_config() -> Config:
    # Alembic is imported only where a migration runs: it costs a third of a second of every command's start-up,
    # and a store at this version's schema (every run but the first after an update) needs none of it (#18)
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "contactsync:migrations")
    return cfg


@cache
def _head_revision() -> str | None:
    """The newest migration's revision, read from the migration files' ``revision``/``down_revision`` lines
    without importing Alembic; None when they do not spell out one chain with one head in that plain form (or
    are not files on disk): the caller then asks Alembic, which stays the authority."""
    try:
        # every module there, whatever its name (Alembic's own names start with a hex revision): one missed
        # would make an old store look current
        sources = [f.read_text() for f in _VERSIONS.glob("*.py") if f.name != "__init__.py"]
    except OSError:
        return None
    revisions: set[str] = set()
    downs: set[str] = set()
    for text in sources:
        rev, down = _REVISION.findall(text), _DOWN_REVISION.findall(text)
        if len(rev) != 1 or len(down) != 1:
            return None
        revisions.add(rev[0])
        if down[0][1]:
            downs.add(down[0][1])
    heads = revisions - downs
    if len(heads) != 1 or len(revisions) != len(sources) or not downs <= revisions:
        return None
    return heads.pop()


def _current_revision(conn: Connection) -> str | None:
    """The schema revision the database records, read with plain SQL (Alembic's own ``alembic_version`` table);
    None when it records none (a new database)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(sa.text("select version_num from alembic_version")).scalars().all()
    if len(rows) > 1:  # branches: never ours; Alembic's own reading says what is wrong
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def _newest_revision() -> str | None:
    head = _head_revision()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-backed SQLite store URL; None for PostgreSQL or an in-memory SQLite.
    Raises StoreError when ``url`` is not a database URL."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"store.url is not a database URL: {exc}") from exc
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def raised_by_the_database(exc: BaseException) -> bool:
    """Whether ``exc`` is the store's database's own error (SQLAlchemy's DBAPIError: only the store uses it), not a
    file's or another SQLite's (the engine's spill): what the daemon may blame on the store (see cli.faults)."""
    return isinstance(exc, sa.exc.DBAPIError)


def shown_url(url: str) -> str:
    """``url`` as it may be shown (to an admin, in a log): the password hidden; "" if it is not a database URL."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return ""


def driver_message(exc: BaseException) -> str | None:
    """The first line of a database driver's own message under ``exc`` (``Type: text``), never the statement or
    its parameters (they hold names and addresses); None when ``exc`` is not a database error. For the log's
    redaction and the CLI's advice, which must not import SQLAlchemy."""
    if isinstance(exc, sa.exc.StatementError):
        orig = exc.orig
        return type(exc).__name__ if orig is None else f"{type(orig).__name__}: {_first_line(orig)}"
    if (type(exc).__module__ or "").startswith(("sqlite3", "psycopg", "psycopg2")):
        return f"{type(exc).__name__}: {_first_line(exc)}"
    return None


def _first_line(exc: BaseException) -> str:
    # PostgreSQL: 'duplicate key value violates unique constraint "x"\nDETAIL:  Key (value)=(ana@…) already exists'
    return (str(exc).strip().splitlines() or [""])[0]


def _prepare_sqlite_file(url: sa.URL) -> None:
    """Create the SQLite file (and its folder) private to the service user before SQLite does it with 0644."""
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (status) never block the daemon's writes
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable against process crashes, much faster
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Transaction(ContactWrites, LinkWrites, OutboxWrites, JournalWrites, RunWrites, DumpWrites, LeaseWrites, TxBase):
    """Writes within one database transaction (committed when the ``with`` block ends without error)."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect


class Store(
    ContactReads,
    LinkReads,
    OutboxReads,
    JournalReads,
    RunReads,
    Leases,
    HealthRecords,
    CopyReads,
    DumpReads,
    DistributionRecords,
    TemplateRecords,
    StoreKeys,
):
    """Open with :meth:`open`; close with :meth:`close` (or use as a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._read_engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if self.dialect == "postgresql" else engine
        )
        self._local = threading.local()

    # --- lifecycle ------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, upgrade: bool = True, pool_size: int | None = None) -> Store:
        """Open the store at ``url`` and bring its schema up to date. Raises StoreError with the reason.

        ``pool_size``: connections kept open for reuse (a server's store; SQLAlchemy's default, 5, if None). A
        process whose threads hold more connections at once than its pool keeps (a daemon's workers) opens and
        closes one per checkout beyond it: a PostgreSQL backend started and torn down each time (#18)."""
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"store.url is not a database URL: {exc}") from exc
        # a driver error repeats its statement's parameters (names, emails) in its text: never in ours (#16)
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if parsed.get_backend_name() == "sqlite":
            _prepare_sqlite_file(parsed)
            kwargs["connect_args"] = {"timeout": 30}
        elif pool_size is not None:
            kwargs["pool_size"] = pool_size
        try:
            engine = sa.create_engine(parsed, **kwargs)
        except Exception as exc:  # a missing driver, a bad option: say which
            raise StoreError(f"cannot use the store at {parsed.render_as_string(hide_password=True)}: {exc}") from exc
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        if upgrade:
            store.upgrade()
        return store

    @classmethod
    def open_immutable(cls, database: Path) -> Store:
        """A SQLite store file read as immutable, never migrated: for a read-only file or filesystem, where SQLite
        cannot make its WAL index next to the file and nobody can change it either
        (https://www.sqlite.org/uri.html#uriimmutable)."""
        engine = sa.create_engine(
            f"sqlite:///file:{quote(str(database))}?mode=ro&immutable=1&uri=true", hide_parameters=True
        )
        return cls(engine)

    @property
    def shared_by_threads(self) -> bool:
        """Whether threads of this process see one database through it: not an in-memory SQLite store, whose
        pool gives each thread a database of its own (SingletonThreadPool), nor a pool of one connection."""
        return not isinstance(self.engine.pool, (sa.pool.SingletonThreadPool, sa.pool.StaticPool))

    def upgrade(self) -> None:
        """Apply every pending migration. Raises StoreError if the database cannot be reached or migrated.
        On PostgreSQL under an advisory lock, so instances starting together do not run one migration twice."""
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    # transaction-scoped: released by the commit that ends the migration
                    conn.execute(sa.text(f"select pg_advisory_xact_lock({_MIGRATION_LOCK})"))
                head = _head_revision()
                if head is not None:
                    current = _current_revision(conn)
                    if current == head:
                        return  # already at this version's schema: nothing to migrate, Alembic never imported
                    if current is None and create_at_head(conn, head):
                        return  # a new, empty database: made at head at once, stamped as Alembic would (#18)
                from alembic import command

                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the store: {exc.orig}") from exc

    def schema_revision(self) -> tuple[str | None, str | None]:
        """(current revision, newest known revision). Raises StoreError when the database cannot be read."""
        try:
            with self._reading() as conn:
                current = _current_revision(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store: {driver_message(exc)}") from exc
        return current, _newest_revision()

    def open_connections(self, count: int) -> None:
        """Open ``count`` connections of the pool now and leave them there: a daemon's workers keep them for its
        life, and its first runs then do not each wait for a PostgreSQL backend to start (#18). Raises
        StoreError when one cannot be opened (those opened stay in the pool)."""
        try:
            with ExitStack() as held:
                for _ in range(count):
                    held.enter_context(self.engine.connect())
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store's connections: {driver_message(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._begin() as conn:
            # reads made while this transaction is open (the engine plans and writes chunk by chunk) go through
            # it: they see its own writes, and an in-memory SQLite store is not rolled back under it
            self._local.active = conn
            try:
                yield Transaction(conn, self.dialect)
            finally:
                self._local.active = None
