"""Distributions (``distribute:`` in the configuration, issue #17 part 3): one source pushed one way into a
container on many target accounts (tables ``distributions``, ``distribution_items``, ``distribution_targets``,
``distribution_links``, migration 0007).

The desired contacts themselves are canonical contacts in ``contacts`` under the pseudo-book
``distribute:<name>`` (a name no real book can have: book names allow no colon), so the trash, the journal, the
photo table and ``contactsync show`` work for them as for any contact. What this part adds:

* ``distributions``: per distribution, a *revision* counter bumped by every plan that changed something, the
  source's sync state, the brake, and how the source's last read went (migration 0014);
* ``distribution_items``: per desired contact, the source item it comes from, its content hash and the revision
  at which it last changed (joined, changed or left). A target at revision ``r`` needs only the items whose
  revision is above ``r``: a cycle where nothing changed reads nothing per target, whatever the directory's size;
* ``distribution_targets``: per target account, the revision it holds, its own listing state, the id of its
  container (migration 0009) and what its last run wrote without something the target cannot hold (0014);
* ``distribution_links``: where each desired contact lives on each target, with the hash of what was written. A
  row with no ``remote_id`` is a create that was sent but not confirmed (the outbox rule): the next listing finds
  the item by its marker instead of creating it twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from . import schema as t
from .base import StoreBase, aware, chunks, now, upsert
from .schema import UTCDateTime, metadata

distributions = sa.Table(
    "distributions",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("source_state", sa.Text, nullable=True),
    sa.Column("planned_at", UTCDateTime, nullable=True),
    #: why the last plan held the source's removals back (None: no brake)
    sa.Column("brake_reason", sa.Text, nullable=True),
    sa.Column("brake_since", UTCDateTime, nullable=True),
    #: how the source's last read went (migration 0014): when it was last read or tried, when it was last read
    #: whole, what failed (masked: no person's data; None: the last try read it) and since when the tries in a row
    #: have failed
    sa.Column("source_tried_at", UTCDateTime, nullable=True),
    sa.Column("source_read_at", UTCDateTime, nullable=True),
    sa.Column("source_error", sa.Text, nullable=True),
    sa.Column("source_failing_since", UTCDateTime, nullable=True),
)

distribution_items = sa.Table(
    "distribution_items",
    metadata,
    sa.Column("distribution", sa.String(100), primary_key=True),
    sa.Column("contact_id", sa.String(36), primary_key=True),
    sa.Column("source_id", sa.String(1000), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    #: the distribution's revision when this item last joined, changed or left
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("present", sa.Boolean, nullable=False),
    #: the person's email addresses, casefolded, one per line: a target leaves out its own owner's entry
    sa.Column("owner_keys", sa.Text, nullable=False, server_default=""),
    sa.Index("ix_distribution_items_revision", "distribution", "revision"),
    sa.Index("ix_distribution_items_source", "distribution", "source_id", unique=True),
)

distribution_targets = sa.Table(
    "distribution_targets",
    metadata,
    sa.Column("distribution", sa.String(100), primary_key=True),
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("state", sa.Text, nullable=True),
    sa.Column("last_run_at", UTCDateTime, nullable=True),
    sa.Column("last_result", sa.String(20), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    #: the container's id on the target (an Outlook folder's, a CardDAV book's URL), found or made once and kept
    #: behind what names it in the configuration: later runs skip its lookup (migration 0009)
    sa.Column("container_id", sa.Text, nullable=True),
    #: what the last run wrote without something the target cannot hold (migration 0014): how many contacts, and
    #: per field and reason how many (JSON: ``[[field, reason, contacts], …]``; None: nothing)
    sa.Column("not_carried_contacts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("not_carried", sa.Text, nullable=True),
)

distribution_links = sa.Table(
    "distribution_links",
    metadata,
    sa.Column("distribution", sa.String(100), primary_key=True),
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("contact_id", sa.String(36), primary_key=True),
    #: None: a create was sent and its answer not seen yet
    sa.Column("remote_id", sa.String(1000), nullable=True),
    sa.Column("etag", sa.String(500), nullable=False, server_default=""),
    sa.Column("hash", sa.String(64), nullable=False, server_default=""),
    sa.Index("ix_distribution_links_remote", "account", "remote_id"),
)


def content_hash(encoded: str) -> str:
    return hashlib.sha256(encoded.encode()).hexdigest()


def book_of(distribution: str) -> str:
    """The pseudo-book holding a distribution's desired contacts (a colon: never a real book's name)."""
    return f"distribute:{distribution}"


@dataclass(frozen=True, slots=True)
class DistributionState:
    name: str
    revision: int
    source_state: str | None
    planned_at: datetime | None
    brake_reason: str | None
    brake_since: datetime | None


@dataclass(frozen=True, slots=True)
class DesiredItem:
    contact_id: str
    source_id: str
    hash: str
    revision: int
    present: bool
    owner_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class SourceRead:
    """How the last read of a distribution's source went (:meth:`DistributionRecords.source_read`)."""

    #: when the source was last read or tried (None: never, or not since migration 0014)
    tried_at: datetime | None = None
    #: when it was last read whole
    read_at: datetime | None = None
    #: what the last try failed with, as stored and shown (masked: no person's data); None: it read the source
    error: str | None = None
    #: when the failing tries in a row began (None: the last try read the source)
    failing_since: datetime | None = None

    @property
    def tried(self) -> bool:
        return self.tried_at is not None

    @property
    def failing(self) -> bool:
        return self.failing_since is not None

    def after(self, at: datetime, error: str | None) -> SourceRead:
        """This read followed by a try at ``at`` that failed with ``error`` (None: that read the source).
        Failures in a row keep the first one's time: "failing since" is how long nothing was read."""
        if error is None:
            return SourceRead(at, at, None, None)
        return SourceRead(at, self.read_at, error, self.failing_since or at)


@dataclass(frozen=True, slots=True)
class NotCarriedCount:
    """How many contacts a target run wrote without one field, for one reason (the platform's)."""

    #: a :class:`contactsync.model.Field`'s value, as the journal's ``not-carried`` rows name it
    field: str
    reason: str
    contacts: int


@dataclass(frozen=True, slots=True)
class NotCarriedTally:
    """What a target run wrote without something the target cannot hold (issue #15: never in silence): how many
    contacts, and per field and reason how many (a contact short of two fields is counted under each)."""

    contacts: int = 0
    counts: tuple[NotCarriedCount, ...] = ()


#: a run that carried everything
CARRIED_WHOLE = NotCarriedTally()


@dataclass(frozen=True, slots=True)
class TargetState:
    distribution: str
    account: str
    revision: int
    state: str | None
    last_run_at: datetime | None
    last_result: str | None
    #: what failed in the last run (None: nothing)
    last_error: str | None
    #: what the last run wrote without something the target cannot hold (one that failed or wrote nothing: nothing)
    not_carried: NotCarriedTally = CARRIED_WHOLE


@dataclass(frozen=True, slots=True)
class TargetLink:
    contact_id: str
    remote_id: str | None
    etag: str
    hash: str


def _target_state(name: str, r: sa.Row[tuple[object, ...]]) -> TargetState:
    m = r._mapping
    return TargetState(
        name,
        str(m["account"]),
        int(m["revision"]),
        m["state"],
        aware(m["last_run_at"]),
        m["last_result"],
        m["last_error"],
        _not_carried(int(m["not_carried_contacts"] or 0), m["not_carried"]),
    )


def _not_carried(contacts: int, encoded: str | None) -> NotCarriedTally:
    if not contacts and not encoded:
        return CARRIED_WHOLE
    counts = tuple(NotCarriedCount(str(f), str(r), int(n)) for f, r, n in json.loads(encoded or "[]"))
    return NotCarriedTally(contacts, counts)


def _encoded(not_carried: NotCarriedTally) -> str | None:
    if not not_carried.counts:
        return None
    return json.dumps([[c.field, c.reason, c.contacts] for c in not_carried.counts], ensure_ascii=False)


def _item(r: sa.Row[tuple[object, ...]]) -> DesiredItem:
    m = r._mapping
    keys = str(m["owner_keys"] or "")
    return DesiredItem(
        str(m["contact_id"]),
        str(m["source_id"]),
        str(m["hash"]),
        int(m["revision"]),
        bool(m["present"]),
        frozenset(k for k in keys.split("\n") if k),
    )


class DistributionRecords(StoreBase):
    """The distribution tables. Each write method is one transaction (joining one open on this thread, so a plan's
    canonical contacts, journal rows and items commit together)."""

    # ------------------------------------------------------------------------------------------------ reads
    def distribution_state(self, name: str) -> DistributionState:
        with self._reading() as conn:
            r = conn.execute(sa.select(distributions).where(distributions.c.name == name)).first()
        if r is None:
            return DistributionState(name, 0, None, None, None, None)
        return DistributionState(
            name, int(r.revision), r.source_state, aware(r.planned_at), r.brake_reason, aware(r.brake_since)
        )

    def source_read(self, name: str) -> SourceRead:
        """How the last read of distribution ``name``'s source went (``tried_at`` None: no read is recorded)."""
        c = distributions.c
        with self._reading() as conn:
            r = conn.execute(
                sa.select(c.source_tried_at, c.source_read_at, c.source_error, c.source_failing_since).where(
                    c.name == name
                )
            ).first()
        if r is None:
            return SourceRead()
        return SourceRead(
            aware(r.source_tried_at), aware(r.source_read_at), r.source_error, aware(r.source_failing_since)
        )

    def desired_by_source(self, name: str, source_ids: Iterable[str]) -> dict[str, DesiredItem]:
        """source id → item, for these source ids (present or not)."""
        wanted = list(source_ids)
        out: dict[str, DesiredItem] = {}
        c = distribution_items.c
        with self._reading() as conn:
            for chunk in chunks(wanted):
                for r in conn.execute(
                    sa.select(distribution_items).where(c.distribution == name, c.source_id.in_(chunk))
                ):
                    item = _item(r)
                    out[item.source_id] = item
        return out

    def desired_items(self, name: str, *, above: int = -1, present_only: bool = False) -> list[DesiredItem]:
        """The items whose revision is above ``above`` (all with the default)."""
        c = distribution_items.c
        q = sa.select(distribution_items).where(c.distribution == name, c.revision > above)
        if present_only:
            q = q.where(c.present.is_(True))
        with self._reading() as conn:
            return [_item(r) for r in conn.execute(q)]

    def desired_items_by_id(self, name: str, contact_ids: Iterable[str]) -> dict[str, DesiredItem]:
        wanted = list(contact_ids)
        out: dict[str, DesiredItem] = {}
        c = distribution_items.c
        with self._reading() as conn:
            for chunk in chunks(wanted):
                for r in conn.execute(
                    sa.select(distribution_items).where(c.distribution == name, c.contact_id.in_(chunk))
                ):
                    out[str(r.contact_id)] = _item(r)
        return out

    def present_count(self, name: str) -> int:
        c = distribution_items.c
        q = sa.select(sa.func.count()).select_from(distribution_items).where(c.distribution == name, c.present)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    def target_state(self, name: str, account: str) -> TargetState:
        c = distribution_targets.c
        with self._reading() as conn:
            r = conn.execute(
                sa.select(distribution_targets).where(c.distribution == name, c.account == account)
            ).first()
        if r is None:
            return TargetState(name, account, 0, None, None, None, None)
        return _target_state(name, r)

    def target_states(self, name: str) -> dict[str, TargetState]:
        c = distribution_targets.c
        with self._reading() as conn:
            return {
                str(r.account): _target_state(name, r)
                for r in conn.execute(sa.select(distribution_targets).where(c.distribution == name))
            }

    def target_container(self, name: str, account: str) -> str | None:
        """The id of the container the target's items live in, as kept by :meth:`put_target_container`."""
        c = distribution_targets.c
        with self._reading() as conn:
            found = conn.execute(
                sa.select(c.container_id).where(c.distribution == name, c.account == account)
            ).scalar_one_or_none()
        return None if found is None else str(found)

    def target_links(self, name: str, account: str, contact_ids: Iterable[str] | None = None) -> dict[str, TargetLink]:
        """contact id → link on ``account`` (every link when ``contact_ids`` is None)."""
        c = distribution_links.c
        base = sa.select(distribution_links).where(c.distribution == name, c.account == account)
        out: dict[str, TargetLink] = {}
        with self._reading() as conn:
            if contact_ids is None:
                rows: Iterable[sa.Row[tuple[object, ...]]] = conn.execute(base)
                for r in rows:
                    out[str(r.contact_id)] = TargetLink(str(r.contact_id), r.remote_id, r.etag, r.hash)
                return out
            for chunk in chunks(list(contact_ids)):
                for r in conn.execute(base.where(c.contact_id.in_(chunk))):
                    out[str(r.contact_id)] = TargetLink(str(r.contact_id), r.remote_id, r.etag, r.hash)
        return out

    def target_links_by_remote(self, name: str, account: str, remote_ids: Iterable[str]) -> dict[str, TargetLink]:
        """remote id → link, for these remote ids."""
        c = distribution_links.c
        out: dict[str, TargetLink] = {}
        with self._reading() as conn:
            for chunk in chunks(list(remote_ids)):
                q = sa.select(distribution_links).where(
                    c.distribution == name, c.account == account, c.remote_id.in_(chunk)
                )
                for r in conn.execute(q):
                    out[str(r.remote_id)] = TargetLink(str(r.contact_id), r.remote_id, r.etag, r.hash)
        return out

    def target_link_count(self, name: str, account: str) -> int:
        c = distribution_links.c
        q = (
            sa.select(sa.func.count())
            .select_from(distribution_links)
            .where(c.distribution == name, c.account == account, c.remote_id.is_not(None))
        )
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    # ----------------------------------------------------------------------------------------------- writes
    def put_distribution_state(
        self,
        name: str,
        *,
        revision: int,
        source_state: str | None,
        brake_reason: str | None,
        brake_since: datetime | None,
    ) -> None:
        with self._writing() as conn:
            upsert(
                conn,
                distributions,
                [
                    {
                        "name": name,
                        "revision": revision,
                        "source_state": source_state,
                        "planned_at": now(),
                        "brake_reason": brake_reason,
                        "brake_since": brake_since,
                    }
                ],
                ["name"],
            )

    def put_source_read(self, name: str, read: SourceRead) -> None:
        """Record how the last read of distribution ``name``'s source went (the rest of its state is kept)."""
        with self._writing() as conn:
            upsert(
                conn,
                distributions,
                [
                    {
                        "name": name,
                        "source_tried_at": read.tried_at,
                        "source_read_at": read.read_at,
                        "source_error": read.error,
                        "source_failing_since": read.failing_since,
                    }
                ],
                ["name"],
            )

    def put_desired(self, name: str, items: Sequence[DesiredItem]) -> None:
        rows = [
            {
                "distribution": name,
                "contact_id": i.contact_id,
                "source_id": i.source_id,
                "hash": i.hash,
                "revision": i.revision,
                "present": i.present,
                "owner_keys": "\n".join(sorted(i.owner_keys)),
            }
            for i in items
        ]
        with self._writing() as conn:
            upsert(conn, distribution_items, rows, ["distribution", "contact_id"])

    def put_target_state(self, state: TargetState) -> None:
        with self._writing() as conn:
            upsert(
                conn,
                distribution_targets,
                [
                    {
                        "distribution": state.distribution,
                        "account": state.account,
                        "revision": state.revision,
                        "state": state.state,
                        "last_run_at": state.last_run_at,
                        "last_result": state.last_result,
                        "last_error": state.last_error,
                        "not_carried_contacts": state.not_carried.contacts,
                        "not_carried": _encoded(state.not_carried),
                    }
                ],
                ["distribution", "account"],
            )

    def put_target_container(self, name: str, account: str, container_id: str | None) -> None:
        """Keep the id of the target's container (None: forget it, the next run looks it up again)."""
        with self._writing() as conn:
            upsert(
                conn,
                distribution_targets,
                [{"distribution": name, "account": account, "container_id": container_id}],
                ["distribution", "account"],
            )

    def put_target_links(self, name: str, account: str, links: Sequence[TargetLink]) -> None:
        rows = [
            {
                "distribution": name,
                "account": account,
                "contact_id": lk.contact_id,
                "remote_id": lk.remote_id,
                "etag": lk.etag,
                "hash": lk.hash,
            }
            for lk in links
        ]
        with self._writing() as conn:
            upsert(conn, distribution_links, rows, ["distribution", "account", "contact_id"])

    def drop_target_links(self, name: str, account: str, contact_ids: Iterable[str]) -> None:
        c = distribution_links.c
        with self._writing() as conn:
            for chunk in chunks(list(contact_ids)):
                conn.execute(
                    sa.delete(distribution_links).where(
                        c.distribution == name, c.account == account, c.contact_id.in_(chunk)
                    )
                )

    def linked_anywhere(self, name: str, contact_ids: Iterable[str]) -> set[str]:
        """Those of ``contact_ids`` some target still holds (or may hold: a create not yet confirmed)."""
        c = distribution_links.c
        out: set[str] = set()
        with self._reading() as conn:
            for chunk in chunks(list(contact_ids)):
                q = sa.select(c.contact_id).where(c.distribution == name, c.contact_id.in_(chunk)).distinct()
                out.update(str(r[0]) for r in conn.execute(q))
        return out

    def target_summary(self, name: str) -> Mapping[str, int]:
        """account → confirmed items it holds, for ``status``."""
        c = distribution_links.c
        q = (
            sa.select(c.account, sa.func.count())
            .where(c.distribution == name, c.remote_id.is_not(None))
            .group_by(c.account)
        )
        with self._reading() as conn:
            return {str(a): int(n) for a, n in conn.execute(q)}

    def purge_distribution_trash(self, name: str) -> list[str]:
        """Empty the trash of people who left the distribution's source more than its ``trash_days`` ago and whom
        no target still holds, nor may hold (a delete not yet confirmed keeps its link). As a book's purge: the
        trash row and the identities go, the canonical row stays as the tombstone a returning person is restored
        from. Returns the purged ids."""
        linked = sa.select(distribution_links.c.contact_id).where(distribution_links.c.distribution == name)
        q = sa.select(t.trash.c.contact_id).where(
            t.trash.c.book == book_of(name), t.trash.c.purge_after < now(), t.trash.c.contact_id.not_in(linked)
        )
        with self._writing() as conn:
            ids = [str(r[0]) for r in conn.execute(q)]
            for chunk in chunks(ids):
                conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id.in_(chunk)))
                conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id.in_(chunk)))
        return ids
