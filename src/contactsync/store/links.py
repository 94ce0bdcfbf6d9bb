"""Links: where a contact lives on an account (remote id, etag) and its base, the content as we last know the
platform holds it. Forgetting an account as a whole (``reset_account``) is here too."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..codec import contact_from_data
from ..model import Contact
from . import schema as t
from .base import ByDialect, RowInsert, StoreBase, TxBase, aware, chunks, in_values, now, values_param
from .contacts import encode_contact

#: the sync state of an account reset (``sync --reset-account``) and not listed since: no connector's token
RESET_STATE = "contactsync:reset"


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


#: Link's own constructor, kept for the test that compares it with the one below
_dataclass_link_init = Link.__init__
_LINK_FIELDS = ("account", "remote_id", "contact_id", "etag", "base", "modified", "marked", "base_text")
if [f.name for f in fields(Link)] != list(_LINK_FIELDS):  # not an assert: -O would misplace a value
    raise ImportError("Link's fields changed: update its constructor")
_set_account, _set_remote_id, _set_contact_id, _set_etag, _set_base, _set_modified, _set_marked, _set_text = (
    vars(Link)[f].__set__ for f in _LINK_FIELDS
)


def _link_init(
    self: Link,
    account: str,
    remote_id: str,
    contact_id: str,
    etag: str,
    base: Contact,
    modified: datetime | None = None,
    marked: bool = False,
    base_text: str | None = None,
) -> None:
    """Link's constructor without the frozen dataclass's ``object.__setattr__`` call a field, as the model's (a
    first sync makes two a card, #18)."""
    _set_account(self, account)
    _set_remote_id(self, remote_id)
    _set_contact_id(self, contact_id)
    _set_etag(self, etag)
    _set_base(self, base)
    _set_modified(self, modified)
    _set_marked(self, marked)
    _set_text(self, base_text)


Link.__init__ = _link_init  # type: ignore[method-assign]


def _link(r: Any) -> Link:
    return Link(
        r.account,
        r.remote_id,
        r.contact_id,
        r.etag,
        contact_from_data(json.loads(r.base)),
        aware(r.modified),
        r.marked,
    )


#: links as tuples, in this order (#18: see RowInsert)
_INSERT_LINKS = RowInsert.of(t.links, ("account", "remote_id", "contact_id", "etag", "base", "modified", "marked"))


def _link_tuple(lk: Link) -> tuple[Any, ...]:
    """A link's row, its values in the order of ``_INSERT_LINKS.columns``."""
    base = lk.base_text if lk.base_text is not None else encode_contact(lk.base)
    return (lk.account, lk.remote_id, lk.contact_id, lk.etag, base, lk.modified, lk.marked)


def _link_row(lk: Link) -> dict[str, Any]:
    return dict(zip(_INSERT_LINKS.columns, _link_tuple(lk), strict=True))


#: built once per dialect, the ids bound as one parameter (#18: in_values): put_links clears both sides of every
#: link it writes, link_etags reads every listed item's
_CLEAR_BY_CONTACT = ByDialect(
    lambda dialect: sa.delete(t.links).where(
        t.links.c.account == sa.bindparam("account"), in_values(dialect, t.links.c.contact_id, "ids")
    )
)
_CLEAR_BY_ITEM = ByDialect(
    lambda dialect: sa.delete(t.links).where(
        t.links.c.account == sa.bindparam("account"), in_values(dialect, t.links.c.remote_id, "ids")
    )
)
_LINK_ETAGS = ByDialect(
    lambda dialect: sa.select(t.links.c.remote_id, t.links.c.etag).where(
        t.links.c.account == sa.bindparam("account"), in_values(dialect, t.links.c.remote_id, "ids")
    )
)


#: links with their bases, by item or by contact: built once per dialect, the ids bound as one parameter (#18:
#: in_values; the listing's items, the plan's and the push's contacts, each chunk of a first sync)
_BY_ITEM = ByDialect(
    lambda dialect: sa.select(t.links).where(
        t.links.c.account == sa.bindparam("account"), in_values(dialect, t.links.c.remote_id, "ids")
    )
)
_OF_ACCOUNT_BY_CONTACT = ByDialect(
    lambda dialect: sa.select(t.links).where(
        t.links.c.account == sa.bindparam("account"), in_values(dialect, t.links.c.contact_id, "ids")
    )
)
_BY_CONTACT = ByDialect(lambda dialect: sa.select(t.links).where(in_values(dialect, t.links.c.contact_id, "ids")))


#: built once: read in every run of every account (#18)
_LINK_INDEX = sa.select(t.links.c.remote_id, t.links.c.contact_id, t.links.c.etag).where(
    t.links.c.account == sa.bindparam("account")
)


class LinkReads(StoreBase):
    def link_index(self, account: str) -> dict[str, tuple[str, str]]:
        """remote id → (contact id, etag) for every link of the account (no bases: cheap enough for 100k)."""
        with self._reading() as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute(_LINK_INDEX, {"account": account})}

    def link_etags(self, account: str, remote_ids: Iterable[str]) -> dict[str, str]:
        """remote id → etag for those of ``remote_ids`` that are linked."""
        ids = list(remote_ids)
        out: dict[str, str] = {}
        if not ids:
            return out
        with self._reading() as conn:
            for chunk in chunks(ids):
                params = {"account": account, "ids": values_param(self.dialect, chunk)}
                out.update((r[0], r[1]) for r in conn.execute(_LINK_ETAGS(self.dialect), params))
        return out

    def link_count(self, account: str) -> int:
        q = sa.select(sa.func.count()).select_from(t.links).where(t.links.c.account == account)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    def link_counts(self) -> Mapping[str, int]:
        """Linked contacts per account (the metrics' contacts gauge, ``status``)."""
        q = sa.select(t.links.c.account, sa.func.count()).group_by(t.links.c.account)
        with self._reading() as conn:
            return {str(a): int(n) for a, n in conn.execute(q)}

    def links_by_remote(self, account: str, remote_ids: Iterable[str]) -> dict[str, Link]:
        ids = list(remote_ids)
        out: dict[str, Link] = {}
        if not ids:
            return out
        with self._reading() as conn:
            for chunk in chunks(ids):
                params = {"account": account, "ids": values_param(self.dialect, chunk)}
                for r in conn.execute(_BY_ITEM(self.dialect), params):
                    out[r.remote_id] = _link(r)
        return out

    def account_links(self, account: str, contact_ids: Iterable[str]) -> dict[str, Link]:
        """contact id → its link on ``account`` (only that account's bases are decoded)."""
        ids = list(contact_ids)
        out: dict[str, Link] = {}
        if not ids:
            return out
        with self._reading() as conn:
            for chunk in chunks(ids):
                params = {"account": account, "ids": values_param(self.dialect, chunk)}
                for r in conn.execute(_OF_ACCOUNT_BY_CONTACT(self.dialect), params):
                    out[r.contact_id] = _link(r)
        return out

    def links_by_contact(self, contact_ids: Iterable[str]) -> dict[str, dict[str, Link]]:
        """contact id → account → link."""
        ids = list(contact_ids)
        out: dict[str, dict[str, Link]] = {}
        if not ids:
            return out
        with self._reading() as conn:
            for chunk in chunks(ids):
                for r in conn.execute(_BY_CONTACT(self.dialect), {"ids": values_param(self.dialect, chunk)}):
                    out.setdefault(r.contact_id, {})[r.account] = _link(r)
        return out


class LinkWrites(TxBase):
    def put_links(self, links: Iterable[Link]) -> None:
        links = list(links)
        # a contact has at most one item per account, and an item one contact: clear both sides, then insert
        by_account: dict[str, list[Link]] = {}
        for lk in links:
            by_account.setdefault(lk.account, []).append(lk)
        for account, group in by_account.items():
            for chunk in chunks(group):
                by_contact = values_param(self.dialect, (lk.contact_id for lk in chunk))
                by_item = values_param(self.dialect, (lk.remote_id for lk in chunk))
                self.conn.execute(_CLEAR_BY_CONTACT(self.dialect), {"account": account, "ids": by_contact})
                self.conn.execute(_CLEAR_BY_ITEM(self.dialect), {"account": account, "ids": by_item})
        self.insert_links(links)

    def insert_links(self, links: Sequence[Link]) -> None:
        """Links of items linked to nobody, for contacts with no link on that account: nothing to clear first (a
        first sync makes 300k of them; put_links would issue two deletes per 500)."""
        _INSERT_LINKS.run(self.conn, [_link_tuple(lk) for lk in links])

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

    def delete_link(self, account: str, remote_id: str) -> None:
        self.conn.execute(sa.delete(t.links).where(t.links.c.account == account, t.links.c.remote_id == remote_id))

    def reset_account(self, account: str) -> None:
        """Forget everything we know of an account (links, state, owed writes, copies): the next run lists it in full
        and matches or re-creates every contact there. For a server that was wiped or replaced.

        Its state becomes :data:`RESET_STATE` until a run records a listing's: that run fills the account from the
        store (its items are as old as a wipe or a backup left them, engine/plan.py), and so does the next one if
        that run is stopped or braked first. An account listed for the first time is no reset: its items compete
        under the book's rules."""
        for table in (t.links, t.sync_state, t.outbox, t.quarantine, t.remote_copies):
            self.conn.execute(sa.delete(table).where(table.c.account == account))
        self.conn.execute(sa.insert(t.sync_state).values(account=account, token=RESET_STATE, updated_at=now()))
        self.conn.execute(
            sa.update(t.account_status)
            .where(t.account_status.c.account == account)
            .values(brake_reason=None, brake_since=None)
        )
