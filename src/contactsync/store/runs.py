"""Runs and what they leave for ``status``: the runs table, each account's sync state (token), last result and
brake, and its quarantined items."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..errors import StoreError
from . import schema as t
from .base import ByDialect, StoreBase, TxBase, aware, chunks, dumps, in_values, now, upsert_statement, values_param
from .links import RESET_STATE
from .secrets import HANDLE_KEY, make_key

#: built once: these run in every run of every book (#18)
_STATES = sa.select(t.sync_state.c.account, t.sync_state.c.token).where(
    t.sync_state.c.account.in_(sa.bindparam("accounts", expanding=True))
)
_OWED = sa.union_all(
    sa.select(sa.literal_column("'outbox'").label("kind"), t.outbox.c.account, sa.func.count().label("n"))
    .where(t.outbox.c.account.in_(sa.bindparam("outbox_accounts", expanding=True)))
    .group_by(t.outbox.c.account),
    sa.select(sa.literal_column("'quarantine'"), t.quarantine.c.account, sa.func.count())
    .where(t.quarantine.c.account.in_(sa.bindparam("quarantine_accounts", expanding=True)))
    .group_by(t.quarantine.c.account),
)

_FINISH_RUN = (
    sa.update(t.runs)
    .where(t.runs.c.id == sa.bindparam("run_id"))
    .values(finished_at=sa.bindparam("finished"), status=sa.bindparam("status_"), summary=sa.bindparam("summary_"))
)
#: the ids bound as one parameter (#18: in_values)
_UNQUARANTINE = ByDialect(
    lambda dialect: sa.delete(t.quarantine).where(
        t.quarantine.c.account == sa.bindparam("account"), in_values(dialect, t.quarantine.c.remote_id, "ids")
    )
)


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """One account's last run, as ``status`` shows it (table ``account_status``)."""

    account: str
    book: str
    run_id: int
    result: str
    error: str | None
    duration_s: float
    brake_reason: str | None
    summary: Mapping[str, Any]


class RunReads(StoreBase):
    def state(self, account: str) -> str | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(t.sync_state.c.token).where(t.sync_state.c.account == account)).first()
        return row[0] if row else None

    def states(self, accounts: Iterable[str]) -> dict[str, str | None]:
        """Each account's sync state (token) in one read; an account without one is absent."""
        names = list(accounts)
        if not names:
            return {}
        with self._reading() as conn:
            return {str(a): tok for a, tok in conn.execute(_STATES, {"accounts": names})}

    def owed_counts(self, accounts: Iterable[str]) -> dict[str, tuple[int, int]]:
        """account → (writes still owed to it, items of it in quarantine), every account of ``accounts`` (zeros
        included), in one read (what :meth:`outbox_count` and :meth:`quarantine_count` count)."""
        names = list(accounts)
        counts = {a: [0, 0] for a in names}
        if names:
            with self._reading() as conn:
                for kind, account, n in conn.execute(_OWED, {"outbox_accounts": names, "quarantine_accounts": names}):
                    counts[account][0 if kind == "outbox" else 1] = int(n)
        return {a: (o, q) for a, (o, q) in counts.items()}

    def runs(self, book: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        q = sa.select(t.runs).order_by(t.runs.c.id.desc()).limit(limit)
        if book is not None:
            q = q.where(t.runs.c.book == book)
        with self._reading() as conn:
            return [
                {
                    "id": r.id,
                    "book": r.book,
                    "started_at": aware(r.started_at),
                    "finished_at": aware(r.finished_at),
                    "status": r.status,
                    "dry_run": r.dry_run,
                    "summary": json.loads(r.summary) if r.summary else {},
                }
                for r in conn.execute(q)
            ]

    def account_status(self) -> dict[str, dict[str, Any]]:
        with self._reading() as conn:
            rows = list(conn.execute(sa.select(t.account_status)))
            quarantined: dict[str, list[tuple[str, str, datetime | None]]] = {}
            for q in conn.execute(sa.select(t.quarantine).order_by(t.quarantine.c.remote_id)):
                quarantined.setdefault(q.account, []).append((q.remote_id, q.reason, aware(q.first_seen)))
            states = {r.account: (aware(r.updated_at), aware(r.full_at)) for r in conn.execute(sa.select(t.sync_state))}
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
                "last_run_at": aware(r.last_run_at),
                "duration_s": r.duration_s,
                "brake_reason": r.brake_reason,
                "brake_since": aware(r.brake_since),
                "summary": json.loads(r.summary) if r.summary else {},
                "quarantined": quarantined.get(r.account, []),
                "state_updated_at": states.get(r.account, (None, None))[0],
                "full_listing_at": states.get(r.account, (None, None))[1],
                "contacts": int(counts.get(r.account, 0)),
                "pending_writes": int(pending.get(r.account, 0)),
            }
        return out

    def quarantine_count(self, account: str) -> int:
        q = sa.select(sa.func.count()).select_from(t.quarantine).where(t.quarantine.c.account == account)
        with self._reading() as conn:
            return int(conn.execute(q).scalar_one())

    # --- writes that are a transaction of their own (the daemon's, between runs) --------------------------------
    def interrupt_open_runs(self, book: str, since: datetime | None, *, status: str = "interrupted") -> None:
        """Mark the book's runs stopped mid-way (SIGTERM, a lost lease: "interrupted"; an instance that died:
        "abandoned") as ended, not forever running. What they did is recorded; what they still owed is in the
        outbox for the next run."""
        q = sa.update(t.runs).where(t.runs.c.book == book, t.runs.c.finished_at.is_(None))
        if since is not None:
            q = q.where(t.runs.c.started_at >= since)
        with self._begin() as conn:  # fenced, under a lease: a stale run cannot end the run that replaced it
            conn.execute(q.values(finished_at=now(), status=status))

    def request_full_comparison(self, account: str) -> None:
        """Drop the account's sync token: its next pull is a full listing compared against the bases."""
        with self._begin() as conn:
            # an account reset and not listed since keeps its mark: its next listing is full and fills it anyway
            conn.execute(
                sa.update(t.sync_state)
                .where(t.sync_state.c.account == account, t.sync_state.c.token != RESET_STATE)
                .values(token=None)
            )


class RunWrites(TxBase):
    def set_state(self, account: str, token: str | None, *, full: bool) -> None:
        self.set_states([(account, token, full)])

    def set_states(self, states: Iterable[tuple[str, str | None, bool]]) -> None:
        """Each (account, token, full listing) as :meth:`set_state` records it, in one statement per kind."""
        stamp = now()
        rows: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for account, token, full in states:
            row: dict[str, Any] = {"account": account, "token": token, "updated_at": stamp}
            if full:
                row["full_at"] = stamp
            # else full_at is left out: the upsert keeps the row's own (a new row's is NULL), no read first
            rows[full].append(row)
        for kind in rows.values():
            self._upsert(t.sync_state, kind, ["account"])

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
            _FINISH_RUN, {"run_id": run_id, "finished": now(), "status_": status, "summary_": dumps(summary)}
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
        self.set_account_statuses(
            [
                AccountStatus(
                    account,
                    book,
                    run_id=run_id,
                    result=result,
                    error=error,
                    duration_s=duration_s,
                    brake_reason=brake_reason,
                    summary=summary,
                )
            ]
        )

    def set_account_statuses(self, statuses: Iterable[AccountStatus]) -> None:
        """Each account's last run, as :meth:`set_account_status` records it, in one statement."""
        stamp = now()
        rows = []
        for s in statuses:
            since = None
            if s.brake_reason:
                # a brake still on keeps the time it first came on; read only then (most runs carry no brake)
                existing = self.conn.execute(
                    sa.select(t.account_status.c.brake_reason, t.account_status.c.brake_since).where(
                        t.account_status.c.account == s.account
                    )
                ).first()
                since = existing[1] if existing and existing[0] else stamp
            rows.append(
                {
                    "account": s.account,
                    "book": s.book,
                    "last_run_id": s.run_id,
                    "last_result": s.result,
                    "last_error": s.error,
                    "last_run_at": stamp,
                    "duration_s": s.duration_s,
                    "brake_reason": s.brake_reason,
                    "brake_since": since,
                    "summary": dumps(s.summary),
                }
            )
        self._upsert(t.account_status, rows, ["account"])

    def set_quarantine(self, account: str, items: Mapping[str, str], *, full: bool) -> None:
        """Record the items that could not be read; a full listing replaces the account's list, an incremental
        one adds to it (the engine then ends, with :meth:`clear_quarantine`, the quarantine of items it listed
        again and of those the listing says are gone)."""
        stamp = now()
        if full:
            self.conn.execute(
                sa.delete(t.quarantine).where(
                    t.quarantine.c.account == account, t.quarantine.c.remote_id.not_in(list(items))
                )
            )
        if not items:
            return
        # status shows a quarantined item with a handle keyed by the store's own key: made with the first item
        make_key(self.conn, self.dialect, HANDLE_KEY, at=stamp)
        # an item still unreadable keeps when it was first seen so: status says since when it has been stuck
        stmt = upsert_statement(self.dialect, t.quarantine, ("account", "remote_id"), ("reason", "last_seen"))
        rows = [
            {"account": account, "remote_id": rid, "reason": reason, "first_seen": stamp, "last_seen": stamp}
            for rid, reason in items.items()
        ]
        for chunk in chunks(rows, 1000):
            self.conn.execute(stmt, list(chunk))

    def clear_quarantine(self, account: str, remote_ids: Iterable[str]) -> None:
        """End the quarantine of ``remote_ids`` (read again, or gone from the platform)."""
        for chunk in chunks(list(remote_ids)):
            self.conn.execute(
                _UNQUARANTINE(self.dialect), {"account": account, "ids": values_param(self.dialect, chunk)}
            )
