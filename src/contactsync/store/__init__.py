"""The canonical store: SQLAlchemy Core over SQLite (default) or PostgreSQL, migrated by Alembic.

Reads are plain methods; every write goes through :meth:`Store.transaction`, one transaction per confirmed step,
so a crash leaves the store at the last confirmed step and never records a write that did not happen.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..codec import contact_from_data, contact_to_data
from ..connector import ChangeKind
from ..copies import RemoteCopy
from ..errors import NotFound, StoreError
from ..model import Contact, Field
from . import schema as t

__all__ = [
    "CanonicalRecord",
    "Link",
    "OutboxEntry",
    "Store",
    "StoredCopies",
    "Transaction",
    "encode_contact",
    "identity_tombstone",
    "now",
]

_CHUNK = 500  # rows per IN (...) query: well under SQLite's and PostgreSQL's parameter limits


def now() -> datetime:
    return datetime.now(UTC)


def identity_tombstone(book: str, kind: str, value: str) -> str:
    """What an erased person's email or phone is kept as: a hash salted with the book, never the value."""
    return hashlib.sha256(f"{book}\x00{kind}\x00{value}".encode()).hexdigest()


#: one encoder for every row: ``json.dumps`` with options builds a new encoder per call, 300k times in a first sync
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _dumps(data: Any) -> str:
    return _ENCODER.encode(data)


#: contacts: contact_to_data already emits its keys in one fixed order, so no sorting is needed to be canonical
_CONTACT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_contact(contact: Contact) -> str:
    """A contact as the store keeps it (canonical rows and bases): compact and canonical, so equal contacts encode
    to equal text."""
    return _CONTACT_ENCODER.encode(contact_to_data(contact))


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    id: str
    book: str
    contact: Contact
    updated_at: datetime
    deleted_at: datetime | None
    erased: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    account: str
    remote_id: str
    contact_id: str
    etag: str
    base: Contact
    modified: datetime | None = None
    marked: bool = False
    #: ``base`` as :func:`encode_contact` writes it, when the caller holds it already (a listed item arrives as
    #: that text): a first sync of 100k people × 3 accounts need not encode 300k bases a second time
    base_text: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    account: str
    contact_id: str
    kind: ChangeKind
    attempted: bool
    attempts: int
    last_error: str | None


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "contactsync:migrations")
    return cfg


def _prepare_sqlite_file(url: sa.URL) -> None:
    """Create the SQLite file (and its folder) private to the service user before SQLite does it with 0644."""
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class Store:
    """Open with :meth:`open`; close with :meth:`close` (or use as a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._local = threading.local()

    # --- lifecycle ------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Open the store at ``url`` and bring its schema up to date. Raises StoreError with the reason."""
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreError(f"store.url is not a database URL: {exc}") from exc
        kwargs: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            _prepare_sqlite_file(parsed)
            kwargs["connect_args"] = {"timeout": 30}
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

    def upgrade(self) -> None:
        """Apply every pending migration. Raises StoreError if the database cannot be reached or migrated."""
        try:
            with self.engine.begin() as conn:
                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the store: {exc.orig}") from exc

    def schema_revision(self) -> tuple[str | None, str | None]:
        """(current revision, newest known revision)."""
        with self._reading() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        return current, head

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self.engine.begin() as conn:
            # reads made while this transaction is open (the engine plans and writes chunk by chunk) go through
            # it: they see its own writes, and an in-memory SQLite store is not rolled back under it
            self._local.active = conn
            try:
                yield Transaction(conn, self.dialect)
            finally:
                self._local.active = None

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
        with self.engine.begin() if write else self.engine.connect() as conn:
            yield conn

    def _reading(self) -> AbstractContextManager[Connection]:
        return self._on_thread(write=False)

    def _writing(self) -> AbstractContextManager[Connection]:
        return self._on_thread(write=True)

    def copies(self, account: str) -> StoredCopies:
        """The remote copies kept for ``account`` (see :mod:`contactsync.copies`)."""
        return StoredCopies(self, account)

    # --- reads ----------------------------------------------------------------------------------------------
    def state(self, account: str) -> str | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.sync_state.c.token).where(t.sync_state.c.account == account)).first()
        return row[0] if row else None

    def link_index(self, account: str) -> dict[str, tuple[str, str]]:
        """remote id → (contact id, etag) for every link of the account (no bases: cheap enough for 100k)."""
        q = sa.select(t.links.c.remote_id, t.links.c.contact_id, t.links.c.etag).where(t.links.c.account == account)
        with self._reading() as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute(q)}

    def link_etags(self, account: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """remote id → etag for those of ``remote_ids`` that are linked."""
        ids = list(remote_ids)
        out: dict[str, str] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                q = sa.select(t.links.c.remote_id, t.links.c.etag).where(
                    t.links.c.account == account, t.links.c.remote_id.in_(chunk)
                )
                out.update((r[0], r[1]) for r in conn.execute(q))
        return out

    def link_count(self, account: str) -> int:
        q = sa.select(sa.func.count()).select_from(t.links).where(t.links.c.account == account)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    def links_by_remote(self, account: str, remote_ids: Iterable[str]) -> dict[str, Link]:
        ids = list(remote_ids)
        out: dict[str, Link] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                q = sa.select(t.links).where(t.links.c.account == account, t.links.c.remote_id.in_(chunk))
                for r in conn.execute(q):
                    out[r.remote_id] = self._link(r)
        return out

    def account_links(self, account: str, contact_ids: Iterable[str]) -> dict[str, Link]:
        """contact id → its link on ``account`` (only that account's bases are decoded)."""
        ids = list(contact_ids)
        out: dict[str, Link] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                q = sa.select(t.links).where(t.links.c.account == account, t.links.c.contact_id.in_(chunk))
                for r in conn.execute(q):
                    out[r.contact_id] = self._link(r)
        return out

    def links_by_contact(self, contact_ids: Iterable[str]) -> dict[str, dict[str, Link]]:
        """contact id → account → link."""
        ids = list(contact_ids)
        out: dict[str, dict[str, Link]] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                for r in conn.execute(sa.select(t.links).where(t.links.c.contact_id.in_(chunk))):
                    out.setdefault(r.contact_id, {})[r.account] = self._link(r)
        return out

    def _link(self, r: Any) -> Link:
        return Link(
            r.account,
            r.remote_id,
            r.contact_id,
            r.etag,
            contact_from_data(json.loads(r.base)),
            _aware(r.modified),
            r.marked,
        )

    def contacts(self, ids: Iterable[str]) -> dict[str, CanonicalRecord]:
        wanted = list(ids)
        out: dict[str, CanonicalRecord] = {}
        with self._reading() as conn:
            resolver = self._photo_resolver(conn)
            for chunk in _chunks(wanted):
                for r in conn.execute(sa.select(t.contacts).where(t.contacts.c.id.in_(chunk))):
                    out[r.id] = CanonicalRecord(
                        r.id,
                        r.book,
                        contact_from_data(json.loads(r.data), resolver),
                        _aware(r.updated_at) or now(),
                        _aware(r.deleted_at),
                        r.erased,
                    )
        return out

    def contact(self, contact_id: str) -> CanonicalRecord:
        found = self.contacts([contact_id])
        if contact_id not in found:
            raise NotFound(f"no contact with id {contact_id}")
        return found[contact_id]

    def _photo_resolver(self, conn: Connection) -> Any:
        def resolve(digest: str) -> bytes | None:
            row = conn.execute(sa.select(t.photos.c.data).where(t.photos.c.digest == digest)).first()
            return bytes(row[0]) if row else None

        return resolve

    def active_contact_ids(self, book: str) -> list[str]:
        q = sa.select(t.contacts.c.id).where(t.contacts.c.book == book, t.contacts.c.deleted_at.is_(None))
        with self._reading() as conn:
            return [r[0] for r in conn.execute(q)]

    def unlinked_contact_ids(self, book: str, account: str) -> list[str]:
        """Active contacts of the book with no link (and nothing queued) on ``account``."""
        linked = sa.select(t.links.c.contact_id).where(t.links.c.account == account)
        queued = sa.select(t.outbox.c.contact_id).where(t.outbox.c.account == account)
        q = sa.select(t.contacts.c.id).where(
            t.contacts.c.book == book,
            t.contacts.c.deleted_at.is_(None),
            t.contacts.c.erased.is_(False),
            t.contacts.c.id.not_in(linked),
            t.contacts.c.id.not_in(queued),
        )
        with self._reading() as conn:
            return [r[0] for r in conn.execute(q)]

    def match_identities(self, book: str, kind: str, values: Iterable[str]) -> dict[str, set[str]]:
        """value → contact ids (active or trashed) sharing that normalized email or phone."""
        vals = list(set(values))
        out: dict[str, set[str]] = {}
        with self._reading() as conn:
            for chunk in _chunks(vals):
                q = sa.select(t.identities.c.value, t.identities.c.contact_id).where(
                    t.identities.c.book == book, t.identities.c.kind == kind, t.identities.c.value.in_(chunk)
                )
                for value, cid in conn.execute(q):
                    out.setdefault(value, set()).add(cid)
        return out

    def attention(self, book: str | None = None) -> list[tuple[str, str, str]]:
        """(book, contact id, reason) of every contact a data rule holds back."""
        q = sa.select(t.attention.c.book, t.attention.c.contact_id, t.attention.c.reason).order_by(
            t.attention.c.book, t.attention.c.since
        )
        if book is not None:
            q = q.where(t.attention.c.book == book)
        with self._reading() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(q)]

    def erased_identities(self, book: str, kind: str, values: Iterable[str]) -> set[str]:
        """Those of ``values`` (normalized emails or phones) that belonged to a person erased on request."""
        found: set[str] = set()
        with self._reading() as conn:
            anyone = conn.execute(
                sa.select(t.identities.c.value)
                .where(t.identities.c.book == book, t.identities.c.kind == f"erased-{kind}")
                .limit(1)
            ).first()
            if anyone is None:
                return found  # nobody was ever erased: no need to hash 100k values of a first sync
            for chunk in _chunks(list(set(values))):
                by_hash = {identity_tombstone(book, kind, v): v for v in chunk}
                q = sa.select(t.identities.c.value).where(
                    t.identities.c.book == book,
                    t.identities.c.kind == f"erased-{kind}",
                    t.identities.c.value.in_(list(by_hash)),
                )
                found.update(by_hash[r[0]] for r in conn.execute(q))
        return found

    def outbox(self, account: str) -> list[OutboxEntry]:
        q = sa.select(t.outbox).where(t.outbox.c.account == account).order_by(t.outbox.c.queued_at)
        with self._reading() as conn:
            return [_outbox_entry(r) for r in conn.execute(q)]

    def outbox_for(self, account: str, contact_ids: Sequence[str]) -> list[OutboxEntry]:
        """The writes the account is owed for these contacts, oldest first."""
        out: list[tuple[datetime, OutboxEntry]] = []
        with self._reading() as conn:
            for chunk in _chunks(list(contact_ids)):
                q = sa.select(t.outbox).where(t.outbox.c.account == account, t.outbox.c.contact_id.in_(chunk))
                out.extend((r.queued_at, _outbox_entry(r)) for r in conn.execute(q))
        out.sort(key=lambda pair: pair[0])
        return [entry for _at, entry in out]

    def outbox_count(self, account: str) -> int:
        """How many writes the account is still owed."""
        q = sa.select(sa.func.count()).select_from(t.outbox).where(t.outbox.c.account == account)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    def outbox_contact_ids(self, accounts: Sequence[str]) -> set[str]:
        q = sa.select(t.outbox.c.contact_id).where(t.outbox.c.account.in_(accounts))
        with self._reading() as conn:
            return {r[0] for r in conn.execute(q)}

    def trashed(self, book: str | None = None) -> list[tuple[CanonicalRecord, datetime]]:
        q = sa.select(t.trash.c.contact_id, t.trash.c.purge_after).order_by(t.trash.c.trashed_at)
        if book is not None:
            q = q.where(t.trash.c.book == book)
        with self._reading() as conn:
            rows = list(conn.execute(q))
        records = self.contacts(r[0] for r in rows)
        return [(records[r[0]], _aware(r[1]) or now()) for r in rows if r[0] in records]

    def open_conflicts(self, book: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(t.conflicts).where(t.conflicts.c.resolved_at.is_(None)).order_by(t.conflicts.c.id)
        if book is not None:
            q = q.where(t.conflicts.c.book == book)
        with self._reading() as conn:
            return [
                {
                    "id": r.id,
                    "book": r.book,
                    "contact_id": r.contact_id,
                    "field": r.field,
                    "candidates": json.loads(r.candidates),
                    "created_at": _aware(r.created_at),
                }
                for r in conn.execute(q)
            ]

    def open_conflict_fields(self, contact_ids: Iterable[str]) -> dict[str, set[Field]]:
        """contact id → fields with a conflict waiting for the admin."""
        ids = list(contact_ids)
        out: dict[str, set[Field]] = {}
        with self._reading() as conn:
            for chunk in _chunks(ids):
                q = sa.select(t.conflicts.c.contact_id, t.conflicts.c.field).where(
                    t.conflicts.c.contact_id.in_(chunk), t.conflicts.c.resolved_at.is_(None)
                )
                for cid, fname in conn.execute(q):
                    out.setdefault(cid, set()).add(Field(fname))
        return out

    def conflict(self, conflict_id: int) -> dict[str, Any]:
        with self._reading() as conn:
            r = conn.execute(sa.select(t.conflicts).where(t.conflicts.c.id == conflict_id)).first()
        if r is None:
            raise NotFound(f"no conflict with id {conflict_id}")
        return {
            "id": r.id,
            "book": r.book,
            "contact_id": r.contact_id,
            "field": r.field,
            "candidates": json.loads(r.candidates),
            "resolved_at": _aware(r.resolved_at),
            "resolution": r.resolution,
        }

    def history(self, contact_id: str) -> list[dict[str, Any]]:
        q = sa.select(t.journal).where(t.journal.c.contact_id == contact_id).order_by(t.journal.c.id)
        with self._reading() as conn:
            return [
                {
                    "id": r.id,
                    "run_id": r.run_id,
                    "at": _aware(r.at),
                    "account": r.account,
                    "action": r.action,
                    "field": r.field,
                    "before": json.loads(r.before) if r.before else None,
                    "after": json.loads(r.after) if r.after else None,
                    "note": r.note,
                }
                for r in conn.execute(q)
            ]

    def account_status(self) -> dict[str, dict[str, Any]]:
        with self._reading() as conn:
            rows = list(conn.execute(sa.select(t.account_status)))
            quarantined: dict[str, list[tuple[str, str]]] = {}
            for q in conn.execute(sa.select(t.quarantine).order_by(t.quarantine.c.remote_id)):
                quarantined.setdefault(q.account, []).append((q.remote_id, q.reason))
            states = {
                r.account: (_aware(r.updated_at), _aware(r.full_at)) for r in conn.execute(sa.select(t.sync_state))
            }
            counts = {
                str(a): int(n)
                for a, n in conn.execute(sa.select(t.links.c.account, sa.func.count()).group_by(t.links.c.account))
            }
            pending = {
                str(a): int(n)
                for a, n in conn.execute(sa.select(t.outbox.c.account, sa.func.count()).group_by(t.outbox.c.account))
            }
        out: dict[str, dict[str, Any]] = {}
        for r in rows:
            out[r.account] = {
                "book": r.book,
                "last_result": r.last_result,
                "last_error": r.last_error,
                "last_run_at": _aware(r.last_run_at),
                "duration_s": r.duration_s,
                "brake_reason": r.brake_reason,
                "brake_since": _aware(r.brake_since),
                "summary": json.loads(r.summary) if r.summary else {},
                "quarantined": quarantined.get(r.account, []),
                "state_updated_at": states.get(r.account, (None, None))[0],
                "full_listing_at": states.get(r.account, (None, None))[1],
                "contacts": int(counts.get(r.account, 0)),
                "pending_writes": int(pending.get(r.account, 0)),
            }
        return out

    def brake(self, account: str) -> str | None:
        with self._reading() as conn:
            row = conn.execute(
                sa.select(t.account_status.c.brake_reason).where(t.account_status.c.account == account)
            ).first()
        return row[0] if row else None

    def tag_counts(self, book: str) -> dict[str, tuple[str, int]]:
        """tag key → (display name, number of active contacts carrying it), from the canonical contacts."""
        counts: dict[str, tuple[str, int]] = {}
        q = sa.select(t.contacts.c.data).where(t.contacts.c.book == book, t.contacts.c.deleted_at.is_(None))
        with self._reading() as conn:
            for (data,) in conn.execute(q):
                for name in json.loads(data).get("tags", ()):
                    key = name.casefold()
                    shown, n = counts.get(key, (name, 0))
                    counts[key] = (shown, n + 1)
        return counts

    def runs(self, book: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        q = sa.select(t.runs).order_by(t.runs.c.id.desc()).limit(limit)
        if book is not None:
            q = q.where(t.runs.c.book == book)
        with self._reading() as conn:
            return [
                {
                    "id": r.id,
                    "book": r.book,
                    "started_at": _aware(r.started_at),
                    "finished_at": _aware(r.finished_at),
                    "status": r.status,
                    "dry_run": r.dry_run,
                    "summary": json.loads(r.summary) if r.summary else {},
                }
                for r in conn.execute(q)
            ]

    def counts(self) -> dict[str, int]:
        """Row counts per table (tests and ``status --json``)."""
        with self._reading() as conn:
            return {
                name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                for name, table in t.metadata.tables.items()
            }


def _link_row(lk: Link) -> dict[str, Any]:
    return {
        "account": lk.account,
        "remote_id": lk.remote_id,
        "contact_id": lk.contact_id,
        "etag": lk.etag,
        "base": lk.base_text if lk.base_text is not None else encode_contact(lk.base),
        "modified": lk.modified,
        "marked": lk.marked,
    }


def _outbox_entry(r: Any) -> OutboxEntry:
    return OutboxEntry(
        r.account, r.contact_id, ChangeKind(r.kind), r.attempted_at is not None, r.attempts, r.last_error
    )


class StoredCopies:
    """One account's remote copies in the store, compressed (a Google person of ~2 KB keeps in ~500 bytes)."""

    def __init__(self, store: Store, account: str) -> None:
        self._store = store
        self._account = account

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        wanted = list(dict.fromkeys(ids))
        c = t.remote_copies.c
        out: dict[str, RemoteCopy] = {}
        with self._store._reading() as conn:
            for chunk in _chunks(wanted):
                rows = conn.execute(
                    sa.select(c.remote_id, c.etag, c.body).where(c.account == self._account, c.remote_id.in_(chunk))
                )
                for remote_id, etag, body in rows:
                    out[remote_id] = RemoteCopy(etag, zlib.decompress(body))
        return out

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        if not copies:
            return
        # within the columns' sizes (as links are): on PostgreSQL a refused row would abort the engine's
        # transaction these rows may be joining; an item without a copy is simply read before its write
        rows = [
            {"account": self._account, "remote_id": rid, "etag": copy.etag, "body": zlib.compress(copy.body, 1)}
            for rid, copy in copies.items()
            if len(rid) <= 1000 and len(copy.etag) <= 500
        ]
        if not rows:
            return
        with self._store._writing() as conn:
            Transaction(conn, self._store.dialect)._upsert(t.remote_copies, rows, ("account", "remote_id"))

    def drop(self, ids: Iterable[str]) -> None:
        gone = list(dict.fromkeys(ids))
        if not gone:
            return
        c = t.remote_copies.c
        with self._store._writing() as conn:
            for chunk in _chunks(gone):
                conn.execute(sa.delete(t.remote_copies).where(c.account == self._account, c.remote_id.in_(chunk)))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (status) never block the daemon's writes
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable against process crashes, much faster
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Transaction:
    """Writes within one database transaction (committed when the ``with`` block ends without error)."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    def _upsert(self, table: sa.Table, rows: list[dict[str, Any]], keys: Sequence[str]) -> None:
        if not rows:
            return
        ins: Any = postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)
        update_cols = {c.name: ins.excluded[c.name] for c in table.columns if c.name not in keys}
        stmt = (
            ins.on_conflict_do_update(index_elements=list(keys), set_=update_cols)
            if update_cols
            else ins.on_conflict_do_nothing(index_elements=list(keys))
        )
        for chunk in _chunks(rows, 1000):
            self.conn.execute(stmt, list(chunk))

    # --- contacts ---------------------------------------------------------------------------------------------
    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def put_contacts(
        self, book: str, contacts: Mapping[str, Contact], *, at: datetime | None = None, new: bool = False
    ) -> None:
        """Insert or replace canonical contacts (and their identity rows, tags and photos). ``new``: none of them
        is in the store yet, so there are no identity rows to clear."""
        if not contacts:
            return
        stamp = at or now()
        rows = [
            {
                "id": cid,
                "book": book,
                "data": encode_contact(c),
                "version": 1,
                "updated_at": stamp,
                "deleted_at": None,
                "erased": False,
            }
            for cid, c in contacts.items()
        ]
        self._upsert(t.contacts, rows, ["id"])
        for chunk in _chunks([] if new else list(contacts)):
            self.conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id.in_(chunk)))
        ident: list[dict[str, Any]] = []
        tag_rows: dict[str, str] = {}
        photo_rows: list[dict[str, Any]] = []
        for cid, c in contacts.items():
            ident.extend(
                {"book": book, "kind": "email", "value": v, "contact_id": cid} for v in set(c.identity_emails())
            )
            ident.extend(
                {"book": book, "kind": "phone", "value": v, "contact_id": cid} for v in set(c.identity_phones())
            )
            for tag in c.tags:
                tag_rows.setdefault(tag.key, tag.name)
            if c.photo is not None and c.photo.data:
                photo_rows.append({"digest": c.photo.digest, "media_type": c.photo.media_type, "data": c.photo.data})
        if ident:
            for chunk in _chunks(ident, 1000):
                self.conn.execute(sa.insert(t.identities), list(chunk))
        self._upsert(t.tags, [{"book": book, "key": k, "name": n} for k, n in tag_rows.items()], ["book", "key"])
        self._upsert(t.photos, photo_rows, ["digest"])

    def trash_contact(self, book: str, contact_id: str, *, days: int, reason: str) -> None:
        stamp = now()
        self.conn.execute(sa.update(t.contacts).where(t.contacts.c.id == contact_id).values(deleted_at=stamp))
        self._upsert(
            t.trash,
            [
                {
                    "contact_id": contact_id,
                    "book": book,
                    "trashed_at": stamp,
                    "purge_after": stamp + timedelta(days=days),
                    "reason": reason,
                }
            ],
            ["contact_id"],
        )

    def restore_contact(self, contact_id: str) -> None:
        self.conn.execute(
            sa.update(t.contacts).where(t.contacts.c.id == contact_id).values(deleted_at=None, updated_at=now())
        )
        self.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == contact_id))

    def purge_trash(self, book: str) -> list[str]:
        """Forget trashed contacts past their date that no account still holds. Returns their ids."""
        q = sa.select(t.trash.c.contact_id).where(
            t.trash.c.book == book,
            t.trash.c.purge_after < now(),
            t.trash.c.contact_id.not_in(sa.select(t.links.c.contact_id)),
        )
        ids = [r[0] for r in self.conn.execute(q)]
        for chunk in _chunks(ids):
            self.conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id.in_(chunk)))
            self.conn.execute(sa.delete(t.outbox).where(t.outbox.c.contact_id.in_(chunk)))
            self.conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id.in_(chunk)))
        return ids

    def set_attention(self, book: str, held: Mapping[str, str], cleared: Iterable[str]) -> None:
        """Record the contacts a data rule holds back (id → reason) and forget those that now pass."""
        gone = list(cleared)
        for chunk in _chunks(gone):
            self.conn.execute(
                sa.delete(t.attention).where(t.attention.c.book == book, t.attention.c.contact_id.in_(chunk))
            )
        if held:
            existing = {
                r[0]
                for r in self.conn.execute(
                    sa.select(t.attention.c.contact_id).where(
                        t.attention.c.book == book, t.attention.c.contact_id.in_(list(held))
                    )
                )
            }
            stamp = now()
            self._upsert(
                t.attention,
                [
                    {"book": book, "contact_id": cid, "reason": why, "since": stamp}
                    for cid, why in held.items()
                    if cid not in existing
                ],
                ["book", "contact_id"],
            )

    # --- links ------------------------------------------------------------------------------------------------
    def put_links(self, links: Iterable[Link]) -> None:
        links = list(links)
        # a contact has at most one item per account, and an item one contact: clear both sides, then insert
        by_account: dict[str, list[Link]] = {}
        for lk in links:
            by_account.setdefault(lk.account, []).append(lk)
        for account, group in by_account.items():
            for chunk in _chunks(group):
                self.conn.execute(
                    sa.delete(t.links).where(
                        t.links.c.account == account, t.links.c.contact_id.in_([lk.contact_id for lk in chunk])
                    )
                )
                self.conn.execute(
                    sa.delete(t.links).where(
                        t.links.c.account == account, t.links.c.remote_id.in_([lk.remote_id for lk in chunk])
                    )
                )
        self.insert_links(links)

    def insert_links(self, links: Sequence[Link]) -> None:
        """Links of items linked to nobody, for contacts with no link on that account: nothing to clear first (a
        first sync makes 300k of them; put_links would issue two deletes per 500)."""
        rows = [_link_row(lk) for lk in links]
        for chunk in _chunks(rows, 1000):
            self.conn.execute(sa.insert(t.links), list(chunk))

    def update_links(self, links: Sequence[Link]) -> None:
        """Links that exist already, for the same item and contact: only their etag, base, time and marker
        change. One UPDATE per link instead of put_links' clearing and re-inserting (a first sync updates 300k)."""
        # the key columns are bound under other names: an UPDATE's SET and WHERE cannot share parameter names
        rows = [
            {f"b_{k}" if k in ("account", "remote_id", "contact_id") else k: v for k, v in _link_row(lk).items()}
            for lk in links
        ]
        if not rows:
            return
        stmt = (
            sa.update(t.links)
            .where(
                t.links.c.account == sa.bindparam("b_account"),
                t.links.c.remote_id == sa.bindparam("b_remote_id"),
                t.links.c.contact_id == sa.bindparam("b_contact_id"),
            )
            .values(
                etag=sa.bindparam("etag"),
                base=sa.bindparam("base"),
                modified=sa.bindparam("modified"),
                marked=sa.bindparam("marked"),
            )
        )
        if not self.conn.dialect.supports_sane_multi_rowcount:
            self.put_links(links)  # a driver that cannot tell how many rows an executemany changed
            return
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            result = self.conn.execute(stmt, chunk)
            if result.rowcount != len(chunk):
                # a link moved meanwhile (it should not, under the book's lease): the full path for this chunk
                self.put_links(links[start : start + 1000])

    def set_etag(self, account: str, remote_id: str, etag: str) -> None:
        self.conn.execute(
            sa.update(t.links).where(t.links.c.account == account, t.links.c.remote_id == remote_id).values(etag=etag)
        )

    def delete_link(self, account: str, remote_id: str) -> None:
        self.conn.execute(sa.delete(t.links).where(t.links.c.account == account, t.links.c.remote_id == remote_id))

    def reset_account(self, account: str) -> None:
        """Forget everything we know of an account (links, state, owed writes, copies): the next run lists it in full
        and matches or re-creates every contact there. For a server that was wiped or replaced."""
        for table in (t.links, t.sync_state, t.outbox, t.quarantine, t.remote_copies):
            self.conn.execute(sa.delete(table).where(table.c.account == account))
        self.conn.execute(
            sa.update(t.account_status)
            .where(t.account_status.c.account == account)
            .values(brake_reason=None, brake_since=None)
        )

    # --- outbox -----------------------------------------------------------------------------------------------
    def queue(self, account: str, contact_ids: Iterable[str], kind: ChangeKind) -> None:
        stamp = now()
        rows = [
            {
                "account": account,
                "contact_id": cid,
                "kind": kind.value,
                "queued_at": stamp,
                "attempted_at": None,
                "attempts": 0,
                "last_error": None,
            }
            for cid in contact_ids
        ]
        if not rows:
            return
        ins: Any = postgresql.insert(t.outbox) if self.dialect == "postgresql" else sqlite.insert(t.outbox)
        # re-queueing keeps the attempt marker: a create that may have happened must still be looked for
        stmt = ins.on_conflict_do_update(index_elements=["account", "contact_id"], set_={"kind": ins.excluded.kind})
        for chunk in _chunks(rows, 1000):
            self.conn.execute(stmt, list(chunk))

    def mark_attempt(self, account: str, contact_ids: Sequence[str]) -> None:
        for chunk in _chunks(list(contact_ids)):
            self.conn.execute(
                sa.update(t.outbox)
                .where(t.outbox.c.account == account, t.outbox.c.contact_id.in_(chunk))
                .values(attempted_at=now(), attempts=t.outbox.c.attempts + 1)
            )

    def fail(self, account: str, contact_id: str, error: str) -> None:
        self.conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.account == account, t.outbox.c.contact_id == contact_id)
            .values(last_error=error)
        )

    def dequeue(self, account: str, contact_ids: Iterable[str]) -> None:
        for chunk in _chunks(list(contact_ids)):
            self.conn.execute(
                sa.delete(t.outbox).where(t.outbox.c.account == account, t.outbox.c.contact_id.in_(chunk))
            )

    # --- runs, state, status ----------------------------------------------------------------------------------
    def set_state(self, account: str, token: str | None, *, full: bool) -> None:
        stamp = now()
        row: dict[str, Any] = {"account": account, "token": token, "updated_at": stamp}
        if full:
            row["full_at"] = stamp
            self._upsert(t.sync_state, [row], ["account"])
        else:
            existing = self.conn.execute(
                sa.select(t.sync_state.c.full_at).where(t.sync_state.c.account == account)
            ).first()
            row["full_at"] = existing[0] if existing else None
            self._upsert(t.sync_state, [row], ["account"])

    def start_run(self, book: str, *, dry_run: bool) -> int:
        result = self.conn.execute(
            sa.insert(t.runs).values(book=book, started_at=now(), status="running", dry_run=dry_run)
        )
        pk = result.inserted_primary_key
        if pk is None:
            raise StoreError("could not record the run")
        return int(pk[0])

    def finish_run(self, run_id: int, status: str, summary: Mapping[str, Any]) -> None:
        self.conn.execute(
            sa.update(t.runs)
            .where(t.runs.c.id == run_id)
            .values(finished_at=now(), status=status, summary=_dumps(summary))
        )

    def set_account_status(
        self,
        account: str,
        book: str,
        *,
        run_id: int,
        result: str,
        error: str | None,
        duration_s: float,
        brake_reason: str | None,
        summary: Mapping[str, Any],
    ) -> None:
        existing = self.conn.execute(
            sa.select(t.account_status.c.brake_reason, t.account_status.c.brake_since).where(
                t.account_status.c.account == account
            )
        ).first()
        since = existing[1] if existing and existing[0] and brake_reason else (now() if brake_reason else None)
        self._upsert(
            t.account_status,
            [
                {
                    "account": account,
                    "book": book,
                    "last_run_id": run_id,
                    "last_result": result,
                    "last_error": error,
                    "last_run_at": now(),
                    "duration_s": duration_s,
                    "brake_reason": brake_reason,
                    "brake_since": since,
                    "summary": _dumps(summary),
                }
            ],
            ["account"],
        )

    def set_quarantine(self, account: str, items: Mapping[str, str], *, full: bool) -> None:
        """Record the items that could not be read; a full listing replaces the account's list."""
        stamp = now()
        if full:
            self.conn.execute(
                sa.delete(t.quarantine).where(
                    t.quarantine.c.account == account, t.quarantine.c.remote_id.not_in(list(items))
                )
            )
        self._upsert(
            t.quarantine,
            [
                {"account": account, "remote_id": rid, "reason": reason, "first_seen": stamp, "last_seen": stamp}
                for rid, reason in items.items()
            ],
            ["account", "remote_id"],
        )

    def clear_quarantine(self, account: str, remote_ids: Iterable[str]) -> None:
        for chunk in _chunks(list(remote_ids)):
            self.conn.execute(
                sa.delete(t.quarantine).where(t.quarantine.c.account == account, t.quarantine.c.remote_id.in_(chunk))
            )

    # --- journal and conflicts --------------------------------------------------------------------------------
    def journal(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows with keys run_id, book, account, contact_id, action, field, before, after, note (data, not JSON)."""
        if not rows:
            return
        stamp = now()
        prepared = [
            {
                "run_id": r.get("run_id"),
                "at": stamp,
                "book": r["book"],
                "account": r.get("account"),
                "contact_id": r["contact_id"],
                "action": r["action"],
                "field": r.get("field"),
                "before": _dumps(r["before"]) if r.get("before") is not None else None,
                "after": _dumps(r["after"]) if r.get("after") is not None else None,
                "note": r.get("note"),
            }
            for r in rows
        ]
        for chunk in _chunks(prepared, 1000):
            self.conn.execute(sa.insert(t.journal), list(chunk))

    def add_conflict(self, book: str, contact_id: str, field: str, candidates: Mapping[str, Any]) -> int:
        # one open conflict per contact and field: a newer disagreement replaces the older one
        self.conn.execute(
            sa.delete(t.conflicts).where(
                t.conflicts.c.contact_id == contact_id,
                t.conflicts.c.field == field,
                t.conflicts.c.resolved_at.is_(None),
            )
        )
        result = self.conn.execute(
            sa.insert(t.conflicts).values(
                book=book, contact_id=contact_id, field=field, candidates=_dumps(candidates), created_at=now()
            )
        )
        pk = result.inserted_primary_key
        return int(pk[0]) if pk else 0

    def resolve_conflict(self, conflict_id: int, resolution: str) -> None:
        self.conn.execute(
            sa.update(t.conflicts)
            .where(t.conflicts.c.id == conflict_id)
            .values(resolved_at=now(), resolution=resolution)
        )
