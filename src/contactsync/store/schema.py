"""The store's tables. Changing them needs an Alembic migration in ``contactsync/migrations/versions``."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

UTCDateTime = sa.DateTime(timezone=True)

#: one row per real person (per book); ``data`` is the canonical contact as compact JSON (codec.contact_to_data)
contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False, index=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    #: set while the contact is in the trash; links stay until each remote delete is confirmed
    sa.Column("deleted_at", UTCDateTime, nullable=True),
    #: a person erased on request: no personal data left, kept so a lagging account cannot bring it back
    sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
)

#: where a contact lives on an account, and the base: the content as we last know the platform holds it
links = sa.Table(
    "links",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("remote_id", sa.String(1000), primary_key=True),
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("etag", sa.String(500), nullable=False),
    sa.Column("base", sa.Text, nullable=False),
    sa.Column("modified", UTCDateTime, nullable=True),
    #: the item carries our marker (the canonical id); items we only matched get it on their next write
    sa.Column("marked", sa.Boolean, nullable=False, server_default=sa.false()),
    #: a contact has one item per account; contact first, so that the one index also serves reading every
    #: account's link of a contact (the push phase, the merge, the cascade from contacts): one B-tree fewer to
    #: write per link than an index of each (migration 0011, #18)
    sa.Index("ix_links_contact", "contact_id", "account", unique=True),
)

#: writes still owed to an account (a durable outbox): survives crashes, retried every run until done
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # ChangeKind value
    sa.Column("queued_at", UTCDateTime, nullable=False),
    #: set just before a create is sent: the remote item may exist even if we never saw the answer
    sa.Column("attempted_at", UTCDateTime, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
)

#: normalized emails and E.164 phones → contact, for identity matching
identities = sa.Table(
    "identities",
    metadata,
    sa.Column("book", sa.String(100), primary_key=True),
    #: email, phone, or an erased person's erased-email / erased-phone (migration 0006 widened it to 20)
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(500), primary_key=True),
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_identities_contact", "contact_id"),
)

tags = sa.Table(
    "tags",
    metadata,
    sa.Column("book", sa.String(100), primary_key=True),
    sa.Column("key", sa.String(500), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
)

sync_state = sa.Table(
    "sync_state",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("token", sa.Text, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("full_at", UTCDateTime, nullable=True),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("book", sa.String(100), nullable=False, index=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("summary", sa.Text, nullable=True),
)

#: per-account health for ``status``: last result, the brake, quarantined items
account_status = sa.Table(
    "account_status",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("last_run_id", sa.Integer, nullable=True),
    sa.Column("last_result", sa.String(20), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_run_at", UTCDateTime, nullable=True),
    sa.Column("duration_s", sa.Float, nullable=True),
    sa.Column("brake_reason", sa.Text, nullable=True),
    sa.Column("brake_since", UTCDateTime, nullable=True),
    sa.Column("summary", sa.Text, nullable=True),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("remote_id", sa.String(1000), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("first_seen", UTCDateTime, nullable=False),
    sa.Column("last_seen", UTCDateTime, nullable=False),
)

journal = sa.Table(
    "journal",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    #: not indexed: no query reads the journal by run, and every journal row paid for the index (migration 0011)
    sa.Column("run_id", sa.Integer, nullable=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("account", sa.String(100), nullable=True),
    sa.Column("contact_id", sa.String(36), nullable=False, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("field", sa.String(30), nullable=True),
    sa.Column("before", sa.Text, nullable=True),
    sa.Column("after", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
)

trash = sa.Table(
    "trash",
    metadata,
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("trashed_at", UTCDateTime, nullable=False),
    sa.Column("purge_after", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
)

conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("field", sa.String(30), nullable=False),
    #: {"<account>": <field value as data>, ...} plus "store" for the canonical value
    sa.Column("candidates", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("resolved_at", UTCDateTime, nullable=True),
    sa.Column("resolution", sa.Text, nullable=True),
)

photos = sa.Table(
    "photos",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# --- the daemon (contactsync run): leases, circuit breaker, tag-count checks --------------------------------------

#: one row per book: who runs it now (a lease with an expiry, so a crashed instance's work is taken over) and
#: when it is next due. Several instances on one PostgreSQL store share books through it; a book is the unit
#: because one engine run reconciles all of a book's accounts together.
daemon_leases = sa.Table(
    "daemon_leases",
    metadata,
    sa.Column("book", sa.String(100), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("expires_at", UTCDateTime, nullable=True),
    #: the earliest time any instance may start the next run (set when a run ends: one run per slot)
    sa.Column("next_due_at", UTCDateTime, nullable=True),
    sa.Column("last_started_at", UTCDateTime, nullable=True),
    sa.Column("last_finished_at", UTCDateTime, nullable=True),
    sa.Column("last_owner", sa.String(200), nullable=True),
    #: bumped by every claim: a run's commits are fenced with the epoch its claim took (migration 0006)
    sa.Column("epoch", sa.Integer, nullable=False, server_default="0"),
)

#: one row per account: the lease a run of its book holds on it, taken, renewed, released and expiring together
#: with the book's (one transaction each). Account names are unique in a configuration, so one account is in
#: one book; but two instances may briefly run different configurations (one reloaded, one not) that put the
#: account in different books, and the account's own lease is what keeps them from writing it at once.
#: ``status`` shows who holds each account.
account_leases = sa.Table(
    "account_leases",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    #: the book whose run holds (or last held) the account
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("expires_at", UTCDateTime, nullable=True),
    sa.Column("last_started_at", UTCDateTime, nullable=True),
    sa.Column("last_owner", sa.String(200), nullable=True),
    #: bumped by every claim, like the book's (migration 0006)
    sa.Column("epoch", sa.Integer, nullable=False, server_default="0"),
)

#: per account: the circuit breaker and the last tag-count check
account_health = sa.Table(
    "account_health",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    #: CircuitState value: closed (runs normally), open (paused until retry_at)
    sa.Column("circuit", sa.String(10), nullable=False, server_default="closed"),
    sa.Column("opened_at", UTCDateTime, nullable=True),
    sa.Column("retry_at", UTCDateTime, nullable=True),
    sa.Column("last_failure", sa.Text, nullable=True),
    sa.Column("tags_checked_at", UTCDateTime, nullable=True),
    sa.Column("tags_error", sa.Text, nullable=True),
    #: set when a mismatch made us drop the account's sync state (a full comparison on the next run)
    sa.Column("repair_requested_at", UTCDateTime, nullable=True),
)

#: the last tag-count check, per account and tag: the platform's count next to the store's
tag_checks = sa.Table(
    "tag_checks",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("tag_key", sa.String(500), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("tag_name", sa.String(500), nullable=False),
    sa.Column("platform_count", sa.Integer, nullable=True),
    sa.Column("store_count", sa.Integer, nullable=False),
    #: TagVerdict value: ok, mismatch, pending (writes still owed), not_compared (a pull-only account)
    sa.Column("verdict", sa.String(20), nullable=False),
    sa.Column("checked_at", UTCDateTime, nullable=False),
)

#: contacts a book's data rules hold back from the other accounts, with why (field names, never values)
attention = sa.Table(
    "attention",
    metadata,
    sa.Column("book", sa.String(100), primary_key=True),
    sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("since", UTCDateTime, nullable=False),
)

#: the last version of each remote item a connector saw, compressed, kept so that a write need not read the item
#: first (see contactsync.copies). A cache: a copy is only used when its etag is the one being written over
remote_copies = sa.Table(
    "remote_copies",
    metadata,
    sa.Column("account", sa.String(100), primary_key=True),
    sa.Column("remote_id", sa.String(1000), primary_key=True),
    sa.Column("etag", sa.String(500), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)
