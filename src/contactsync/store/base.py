"""What every part of the store shares: time, chunking, upserts, and how a method finds its connection.

The store is one :class:`~contactsync.store.Store` (reads, and writes that are a transaction of their own) and one
:class:`~contactsync.store.Transaction` (writes inside a caller's transaction), each assembled from a part per
table family (``contacts``, ``links``, ``outbox``, ``journal``, ``runs``, ``leases``, ``health``, ``copies``,
``dump``). A part is a mixin over :class:`StoreBase` or :class:`TxBase`: it adds methods, never state.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

CHUNK = 500  # rows per IN (...) query: well under SQLite's and PostgreSQL's parameter limits


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def aware_at(value: datetime) -> datetime:
    """:func:`aware` for a column that is never NULL."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


#: one encoder for every row: ``json.dumps`` with options builds a new encoder per call, 300k times in a first sync
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dumps(data: Any) -> str:
    return _ENCODER.encode(data)


def dialect_insert(dialect: str, table: sa.Table) -> Any:
    """The dialect's own INSERT, which has ON CONFLICT. PostgreSQL's dialect module is imported only on PostgreSQL:
    it costs a SQLite store's every command a tenth of a second of start-up (#18)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


#: (dialect, table, keys, updated columns) → its upsert statement: built once, not once per call (#18)
_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert_statement(dialect: str, table: sa.Table, keys: Sequence[str], updated: Sequence[str]) -> Any:
    """The dialect's INSERT of ``table`` that replaces the ``updated`` columns where a row with the same ``keys``
    exists (none: existing rows are left alone); built once per shape."""
    cache_key = (dialect, table.name, tuple(keys), tuple(updated))
    stmt = _UPSERTS.get(cache_key)
    if stmt is None:
        ins = dialect_insert(dialect, table)
        stmt = (
            ins.on_conflict_do_update(index_elements=list(keys), set_={c: ins.excluded[c] for c in updated})
            if updated
            else ins.on_conflict_do_nothing(index_elements=list(keys))
        )
        _UPSERTS[cache_key] = stmt
    return stmt


def upsert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Insert ``rows``, replacing the columns they carry where a row with the same ``keys`` exists (a table with
    only key columns: existing rows are left alone)."""
    if not rows:
        return
    updated = tuple(c.name for c in table.columns if c.name not in keys and c.name in rows[0])
    stmt = upsert_statement(conn.dialect.name, table, keys, updated)
    for chunk in chunks(rows, 1000):
        conn.execute(stmt, list(chunk))


def in_values(dialect: str, column: sa.ColumnElement[Any], name: str) -> sa.ColumnElement[bool]:
    """``column`` is one of the strings bound as ``name`` (by :func:`values_param`), as one parameter whatever
    their number: an expanding ``IN`` names, renders and binds each value in Python at every execution (#18:
    28,000 of them on a 2,000-card first sync). SQLite: the elements of a JSON array (``json_each``);
    PostgreSQL: ``= ANY`` of an array."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=sa.ARRAY(sa.String)))
    each = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
    return column.in_(sa.select(each.c.value))


def values_param(dialect: str, values: Iterable[str]) -> Any:
    """``values`` as :func:`in_values` binds them."""
    return list(values) if dialect == "postgresql" else json.dumps(list(values), ensure_ascii=False)


class ByDialect(Generic[T]):
    """What ``build`` makes for a dialect's name (a statement whose SQL differs: :func:`in_values`), built once."""

    __slots__ = ("_build", "_built")

    def __init__(self, build: Callable[[str], T]) -> None:
        self._build = build
        self._built: dict[str, T] = {}

    def __call__(self, dialect: str) -> T:
        built = self._built.get(dialect)
        if built is None:
            built = self._built[dialect] = self._build(dialect)
        return built


class RowInsert:
    """An INSERT (or upsert) of fixed columns, compiled once per dialect and run with one tuple of values per row.

    For the rows a first sync writes per card (identities, links, journal, contacts, outbox): Core's executemany
    builds every row's parameters anew (a dict per row, each value through its type's bind processor), which cost
    a 2,000-card first sync more than SQLite's own work on those rows (#18). Here the values still go through the
    very bind processors Core applies (SQLite's datetimes as text, its booleans as 0/1), once per distinct value
    object in a column (a stamp every row shares is formatted once), and the rows reach the driver's executemany
    through ``exec_driver_sql``: SQLAlchemy's events, error translation and ``hide_parameters`` still apply."""

    __slots__ = ("_build", "_compiled", "columns")

    def __init__(self, columns: Sequence[str], build: Callable[[str], Any]) -> None:
        """``build``: the statement for a dialect name; its parameters must be exactly ``columns`` (a column
        with a Python-side default left out would need Core's own execution)."""
        self.columns = tuple(columns)
        self._build = build
        #: dialect name → (SQL, (position, bind processor) per column that has one, whether rows go as dicts)
        self._compiled: dict[str, tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...], bool]] = {}

    @classmethod
    def of(cls, table: sa.Table, columns: Sequence[str]) -> RowInsert:
        """A plain INSERT of ``columns`` into ``table``."""
        return cls(columns, lambda _dialect: sa.insert(table))

    def _compile(self, dialect: sa.Dialect) -> tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...], bool]:
        if dialect.name == "sqlite":
            _sqlite_binds_null_directly()
        compiled = self._build(dialect.name).compile(
            dialect=dialect, column_keys=list(self.columns), for_executemany=True
        )
        order = tuple(compiled.positiontup or ()) if dialect.positional else tuple(compiled.binds)
        if (order if dialect.positional else tuple(sorted(order))) != (
            self.columns if dialect.positional else tuple(sorted(self.columns))
        ):
            raise ValueError(f"the statement's parameters {order} are not the columns {self.columns}")
        processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(self.columns):
            processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors.append((i, processor))
        entry = (compiled.string, tuple(processors), not dialect.positional)
        self._compiled[dialect.name] = entry
        return entry

    def run(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows``, each a tuple of values in the order of ``columns``, as Core would have."""
        if not rows:
            return
        sql, processors, named = self._compiled.get(conn.dialect.name) or self._compile(conn.dialect)
        params: list[Any] = list(rows)
        if processors:
            columns: list[Sequence[Any]] = list(zip(*params, strict=True))
            for i, processor in processors:
                columns[i] = _processed(columns[i], processor)
            params = list(zip(*columns, strict=True))
        if named:
            params = [dict(zip(self.columns, row, strict=True)) for row in params]
        conn.exec_driver_sql(sql, params)


def _sqlite_binds_null_directly() -> None:
    """Let Python's sqlite3 bind a None (NULL) without looking for a way to adapt it. It adapts every value that is
    not exactly an int, float, str or bytearray: for a None it found no adapter registered, then asked the
    protocol for ``__adapt__`` and the value for ``__conform__``, each a failed attribute lookup; 3,300
    instructions a None, and a first sync binds a dozen a card (the journal's empty columns, the outbox's). With
    an adapter registered for None (``{}.get``, which gives None back, from C) it costs a dictionary lookup and
    one call: the same NULL is bound (#18). Process-wide, as sqlite3's registry is; registering it again changes
    nothing."""
    import sqlite3

    sqlite3.register_adapter(type(None), _NULL_AS_IS)


#: what sqlite3 adapts a None to: ``{}.get(None)`` is None (a C call, no Python frame)
_NULL_AS_IS: Callable[[Any], Any] = {}.get


def _processed(values: Sequence[Any], processor: Callable[[Any], Any]) -> list[Any]:
    """``processor`` applied to each of ``values``, once per run of the same object (a shared stamp, None)."""
    out: list[Any] = []
    last: Any = out  # no value is this list
    done: Any = None
    for value in values:
        if value is not last:
            last, done = value, processor(value)
        out.append(done)
    return out


def insert_missing(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Insert those of ``rows`` whose ``keys`` are not in the table yet."""
    if not rows:
        return
    ins = dialect_insert(conn.dialect.name, table)
    conn.execute(ins.on_conflict_do_nothing(index_elements=list(keys)), list(rows))


class StoreBase:
    """The engine and how a read or a write of :class:`~contactsync.store.Store` gets its connection."""

    engine: Engine
    #: what reads outside a transaction connect with: on PostgreSQL the same pool in autocommit (a read is one
    #: statement, or several that READ COMMITTED never made one snapshot anyway), so it costs no BEGIN and no
    #: ROLLBACK round trip (#18: a daemon's run made 14 of them); on SQLite the engine itself (a read transaction
    #: there is one snapshot, which multi-statement reads rely on)
    _read_engine: Engine
    dialect: str
    _local: threading.local

    @contextmanager
    def _on_thread(self, *, write: bool) -> Iterator[Connection]:
        """The transaction open on this thread (reads see its writes; an in-memory SQLite store is not rolled
        back under it), else a connection of its own: a short transaction for ``write``. Writes that may come at
        any moment of a run (a connector keeping copies while the engine's chunk transaction is open) join it: on
        SQLite a second connection would wait for the engine's lock, and such rows may share its fate."""
        active: Connection | None = getattr(self._local, "active", None)
        if active is not None:
            yield active
            return
        if write:
            with self._begin() as conn:
                yield conn
        else:
            with self._read_engine.connect() as conn:
                yield conn

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A write transaction of its own; :meth:`_before_commit` runs in it just before it commits."""
        with self.engine.begin() as conn:
            yield conn
            self._before_commit(conn)

    def _before_commit(self, conn: Connection) -> None:
        """Overridden by the ``leases`` part: a fenced run's transaction checks its lease here."""

    def _reading(self) -> AbstractContextManager[Connection]:
        return self._on_thread(write=False)

    def _writing(self) -> AbstractContextManager[Connection]:
        return self._on_thread(write=True)


class TxBase:
    """The connection of one open transaction, for :class:`~contactsync.store.Transaction`'s parts."""

    conn: Connection
    dialect: str

    def _upsert(self, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
        upsert(self.conn, table, rows, keys)
