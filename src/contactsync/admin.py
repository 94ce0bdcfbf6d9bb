"""What the admin does between runs: open the store, build connectors, resolve conflicts, restore from the trash.

Everything here changes the store only; the writes it makes owed to the platforms go through the outbox and
reach them on the next run, like any other change.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from .codec import field_from_data, field_to_data
from .connector import ChangeKind, Connector, PullResult
from .engine import Checkpoints, Engine, RunReport
from .errors import ConnectorError, ContactSyncError, NotFound
from .model import Contact, Field, Tag
from .registry import build_connector
from .settings import BookSettings, Settings
from .store import CanonicalRecord, Fence, Store, now
from .store.contacts import PURGE_ACTION


class ConflictChoiceError(ContactSyncError):
    pass


class RestoreRefused(ContactSyncError):
    """A restore that would make a duplicate: the admin decides (merge, or restore anyway)."""


class UnavailableConnector:
    """Stands in for an account whose connector could not even be built: its run fails, the others go on."""

    def __init__(self, name: str, error: ConnectorError) -> None:
        from .connector import Capabilities

        self.name = name
        self.error = error
        self.capabilities = Capabilities()

    def pull(self, state: str | None) -> PullResult:
        raise self.error

    def fetch(self, ids: Sequence[str]) -> Mapping[str, Any]:
        raise self.error

    def push(self, changes: Sequence[Any]) -> Sequence[Any]:
        raise self.error

    def fit(self, contact: Contact) -> Contact:
        return contact

    def tag_counts(self) -> Mapping[Tag, int]:
        raise self.error

    def close(self) -> None:
        return None


def open_store(settings: Settings) -> Store:
    return Store.open(settings.store_url)


def build_connectors(book: BookSettings) -> dict[str, Connector]:
    connectors: dict[str, Connector] = {}
    for account in book.accounts:
        try:
            connectors[account.name] = build_connector(account, book)
        except ConnectorError as exc:
            connectors[account.name] = UnavailableConnector(account.name, exc)
        except (OSError, ValueError, KeyError) as exc:
            connectors[account.name] = UnavailableConnector(
                account.name, ConnectorError(f"cannot set up account {account.name}: {exc}")
            )
    return connectors


#: wraps the connectors for one run and yields those the engine uses (the CLI's progress display, the daemon's
#: rate limits and circuit breaker); whatever it yields is closed through the connectors it was given
Wrap = Callable[[dict[str, Connector]], AbstractContextManager[Mapping[str, Connector]]]


def run_book(
    store: Store,
    book: BookSettings,
    *,
    dry_run: bool = False,
    allow_deletes: bool = False,
    allow_deletes_on: Collection[str] = (),
    show_values: bool = False,
    connectors: Mapping[str, Connector] | None = None,
    checkpoints: Checkpoints | None = None,
    sleep: Callable[[float], None] = time.sleep,
    fence: Fence | None = None,
    wrap: Wrap | None = None,
    then: Callable[[RunReport, Mapping[str, Connector]], object] | None = None,
    run_id: int | None = None,
    purge_trash: bool = True,
) -> RunReport:
    """Run ``book`` once: the one way the CLI, a leased one-off sync and the daemon run a book.

    Builds the book's connectors unless ``connectors`` are given, runs the engine over them (through ``wrap``)
    with ``checkpoints`` and ``sleep``, every commit fenced with ``fence`` if given (see contactsync.store.leases),
    then calls ``then`` with the report and the unwrapped connectors while they are still open (the tag-count
    checks, outside ``fence``); closes the connectors it built, also when the run raises. ``allow_deletes`` lets
    every account's deletes through the brake, ``allow_deletes_on`` these accounts' only (the daemon passes
    neither: only an admin approves deletes). ``run_id``: the run as the caller recorded it started (the daemon,
    in its claim's transaction). ``purge_trash``: the run's end forgets the book's trashed contacts past their date
    (always, but in a daemon: at most hourly there)."""
    built = dict(connectors) if connectors is not None else build_connectors(book)
    try:
        # no fence given leaves the caller's in place (the daemon fences its whole run, the tag checks included)
        fenced = store.fenced(fence) if fence is not None else nullcontext()
        with fenced, wrap(built) if wrap is not None else nullcontext(built) as used:
            engine = Engine(store, book, used, hooks=checkpoints, sleep=sleep)
            report = engine.run(
                dry_run=dry_run,
                allow_deletes=allow_deletes,
                allow_deletes_on=allow_deletes_on,
                show_values=show_values,
                run_id=run_id,
                purge_trash=purge_trash,
            )
        if then is not None:
            then(report, built)
        return report
    finally:
        if connectors is None:
            for c in built.values():
                c.close()


def _queue_everywhere(store: Store, book: BookSettings, contact_id: str) -> None:
    links = store.links_by_contact([contact_id]).get(contact_id, {})
    with store.transaction() as tx:
        for account in book.accounts:
            if account.writable:
                kind = ChangeKind.UPDATE if account.name in links else ChangeKind.CREATE
                tx.queue(account.name, [contact_id], kind)


def resolve_conflict(
    store: Store, settings: Settings, conflict_id: int, *, take: str | None = None, value_json: str | None = None
) -> dict[str, Any]:
    """Settle a queued conflict with one candidate's value (``take``: an account or "store") or a new value."""
    conflict = store.conflict(conflict_id)
    if conflict.resolved_at is not None:
        raise ConflictChoiceError(f"conflict {conflict_id} was already resolved ({conflict.resolution})")
    book = settings.book(conflict.book)
    fld = Field.named(conflict.field)
    if (take is None) == (value_json is None):
        raise ConflictChoiceError("say either --take ACCOUNT (or store) or --value JSON")
    if take is not None:
        if take not in conflict.candidates:
            known = ", ".join(sorted(conflict.candidates))
            raise ConflictChoiceError(f"{take!r} is not a candidate of conflict {conflict_id} (candidates: {known})")
        data = conflict.candidates[take]
        how = f"took {take}"
    else:
        assert value_json is not None
        try:
            data = json.loads(value_json)
            field_from_data(fld, data)
        except (ValueError, TypeError) as exc:
            raise ConflictChoiceError(f"--value is not a valid {fld.value} value: {exc}") from exc
        how = "set by the admin"
    record = store.contact(conflict.contact_id)
    new_value = field_from_data(fld, data)
    updated = record.contact.with_field(fld, new_value)
    with store.transaction() as tx:
        tx.put_contacts(book.name, {record.id: updated})
        tx.resolve_conflict(conflict_id, how)
        tx.journal(
            [
                {
                    "book": book.name,
                    "contact_id": record.id,
                    "action": "resolve",
                    "field": fld.value,
                    "before": field_to_data(fld, record.contact.get(fld)),
                    "after": data,
                    "note": f"conflict {conflict_id}: {how}",
                }
            ]
        )
    _queue_everywhere(store, book, record.id)
    return {"conflict": conflict_id, "contact_id": record.id, "field": fld.value, "resolution": how}


def restore_from_trash(store: Store, settings: Settings, contact_id: str, *, force: bool = False) -> str:
    """Bring a trashed contact back; the next run re-creates it on every account. Returns its book.

    Raises NotFound for a contact that is not in the trash (never was, restored already, purged or erased: a
    purged or erased contact has no data left to restore, and re-creating an empty contact everywhere helps
    nobody), and RestoreRefused when a live contact holds one of its emails or phones (the person was entered
    again since: restoring would put them twice on every account) unless ``force``."""
    record = store.contact(contact_id)
    if record.erased:
        raise NotFound(f"contact {contact_id} is not in the trash: it was erased on request and cannot come back")
    if not store.in_trash(contact_id):
        if record.deleted_at is None:
            raise NotFound(f"contact {contact_id} is not in the trash")
        purged = [e.at for e in store.history(contact_id) if e.action == PURGE_ACTION]
        when = f"on {purged[-1].isoformat(timespec='seconds')}" if purged else "once its trash_days were over"
        raise NotFound(f"contact {contact_id} is not in the trash: purged {when}, nothing of it is left to restore")
    book = settings.book(record.book)
    if not force:
        _refuse_a_duplicate(store, record)
    with store.transaction() as tx:
        # forced past a live contact, it keeps its own time: the merge the refusal advises then takes, under the
        # `newest` rule, the live contact's values over the trashed one's older ones
        tx.restore_contact(contact_id, keep_time=force)
        tx.journal(
            [
                {
                    "book": book.name,
                    "contact_id": contact_id,
                    "action": "restore",
                    "note": f"restored from the trash at {now().isoformat(timespec='seconds')}",
                }
            ]
        )
    _queue_everywhere(store, book, contact_id)
    return book.name


def _refuse_a_duplicate(store: Store, record: CanonicalRecord) -> None:
    """Raise RestoreRefused if a live contact of the book shares an email or phone with ``record``.

    The engine matches only the items it lists: a restored contact is queued as a create on every account, so a
    person entered again while the old one was in the trash would be there twice. Said with ids and which kind of
    value is shared, never the value (the message ends up in logs and tickets)."""
    shared: dict[str, set[str]] = {}
    for kind, values in (
        ("email", record.contact.identity_emails()),
        ("phone", record.contact.identity_phones()),
    ):
        for ids in store.match_identities(record.book, kind, values).values():
            for cid in ids - {record.id}:
                shared.setdefault(cid, set()).add(kind)
    has_email = bool(record.contact.identity_emails())
    live = {
        cid: shared[cid]
        for cid, r in store.contacts(shared).items()
        if r.deleted_at is None
        and not r.erased
        and r.book == record.book
        # a shared office number is not a person, as the engine matches (identity.py): a phone tells two people
        # apart only when one of them has no email ("merge" two colleagues of one switchboard would be wrong)
        and ("email" in shared[cid] or not has_email or not r.contact.emails)
    }
    if not live:
        return
    first = min(live)
    which = " and ".join(f"contact {cid} (same {' and '.join(sorted(live[cid]))})" for cid in sorted(live))
    raise RestoreRefused(
        f"contact {record.id} was not restored: the person was entered again since, as {which}; restoring would "
        f"put them twice on every account. To keep one contact with both's data: "
        f"`contactsync trash restore {record.id} --force`, then `contactsync merge {first} {record.id}`"
    )


def reset_account(store: Store, account: str) -> None:
    with store.transaction() as tx:
        tx.reset_account(account)
