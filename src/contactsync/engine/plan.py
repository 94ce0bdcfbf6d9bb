"""Phase 2b, the plan: merge each touched contact three-way against every account's base, decide deletes and
data-rule holds, and the writes each account is owed.

A run plans a chunk of contacts at a time (:class:`Plan` holds one chunk until it is flushed into the absorb
transaction). What every contact's plan in a run shares is one frozen :class:`PlanContext`; what is particular to
one contact is a :class:`ContactToPlan`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any

from ..codec import field_to_data
from ..connector import ChangeKind, Connector
from ..model import Contact, Field, element_key
from ..rules import broken_rules
from ..settings import BookSettings, DeletePolicy
from ..store import CanonicalRecord, Link, Transaction, now
from .listing import Listed
from .report import PlannedWrite, RunReport

if TYPE_CHECKING:
    from .merge import FieldDecision, Side  # the merge itself is imported by the first contact planned (#18)

#: contacts as the store holds them once their chunk is absorbed (contact id → record and links by account): the
#: push of that chunk reads them from here instead of the store
Known = dict[str, tuple[CanonicalRecord, dict[str, Link]]]
#: an Enum class member read is a Python-level lookup (~970 instructions on 3.11): a create is owed once a card
#: of a first sync (#18)
_CREATE = ChangeKind.CREATE


@dataclass
class Plan:
    """What a run does, one chunk of contacts at a time (flushed into the absorb transaction, or only described
    in a dry run)."""

    contacts: dict[str, Contact] = field(default_factory=dict)  # canonical contacts to write
    new_ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    new_links: list[Link] = field(default_factory=list)  # items and contacts with no link on that account yet
    dropped_links: list[tuple[str, str]] = field(default_factory=list)  # (account, remote id)
    trash: list[str] = field(default_factory=list)
    restore: list[str] = field(default_factory=list)
    queue: dict[str, dict[str, ChangeKind]] = field(default_factory=dict)  # account → contact → kind
    journal: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    planned: list[PlannedWrite] = field(default_factory=list)
    describe: bool = False
    held_back: dict[str, str] = field(default_factory=dict)  # contact → why a data rule holds it back
    passing: list[str] = field(default_factory=list)  # contacts that pass the rules (again)

    def owe(self, account: str, contact_id: str, kind: ChangeKind) -> None:
        self.queue.setdefault(account, {})[contact_id] = kind

    def flush(self, tx: Transaction, book: BookSettings, run_id: int | None) -> None:
        """Write this chunk's part of the plan into the absorb transaction, then forget it."""
        new = {cid: c for cid, c in self.contacts.items() if cid in self.new_ids}
        changed = {cid: c for cid, c in self.contacts.items() if cid not in self.new_ids}
        tx.put_contacts(book.name, new, new=True)
        tx.put_contacts(book.name, changed)
        for cid in self.restore:
            tx.restore_contact(cid)
        for account, rid in self.dropped_links:
            tx.delete_link(account, rid)
        tx.put_links(self.links)
        tx.insert_links(self.new_links)
        for cid in self.trash:
            tx.trash_contact(book.name, cid, days=book.trash_days, reason="deleted on a platform")
        for account, owed in self.queue.items():
            by_kind: dict[ChangeKind, list[str]] = {}
            for cid, kind in owed.items():
                by_kind.setdefault(kind, []).append(cid)
            for kind, ids in by_kind.items():
                tx.queue(account, ids, kind)
        tx.journal([{**row, "run_id": run_id} for row in self.journal])
        for cid, fname, candidates in self.conflicts:
            tx.add_conflict(book.name, cid, fname, candidates)
        tx.set_attention(book.name, self.held_back, self.passing)
        for part in (
            self.contacts,
            self.links,
            self.new_links,
            self.dropped_links,
            self.trash,
            self.restore,
            self.queue,
            self.journal,
            self.conflicts,
            self.new_ids,
            self.held_back,
            self.passing,
        ):
            part.clear()


@dataclass(frozen=True)
class PlanContext:
    """What every contact's plan in one run shares: the book and its connectors, each account's rank and fields,
    the links before the run, and where the plan's results go."""

    book: BookSettings
    connectors: Mapping[str, Connector]
    ranks: Mapping[str, int]
    fields_of: Mapping[str, frozenset[Field]]  # empty for a push-only account: it never contributes a change
    fits: Mapping[str, Callable[[Contact], Contact]]  # each account's connector's fit, for the merge
    link_of: Mapping[tuple[str, str], Link]  # (account, contact) → link before this run
    show_values: bool  # a dry run names the people and shows the values (``--show-values``)
    plan: Plan
    report: RunReport
    #: filled with each planned contact as the store will hold it once absorbed (None: a dry run absorbs nothing)
    known: Known | None
    #: the accounts reset and listed since (``sync --reset-account``): filled from the store (:func:`_refilled`)
    refilling: frozenset[str] = frozenset()
    #: the push-only accounts ("write, never take its changes"): an item gone there is no delete, it is written again
    push_only: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ContactToPlan:
    """One contact touched by the run: its canonical record, what each account listed or deleted of it."""

    id: str
    record: CanonicalRecord | None
    fresh: bool  # first seen in this run: no canonical record yet
    listed: Sequence[Listed]
    deleted_by: Sequence[str]  # accounts that deleted it (a push-only one: its item is gone, written again)
    links_before: Mapping[str, Link]  # account → link before this run


#: ContactToPlan's own constructor, kept for the test that compares it with the one below
_dataclass_to_plan_init = ContactToPlan.__init__
_TO_PLAN_FIELDS = ("id", "record", "fresh", "listed", "deleted_by", "links_before")
if [f.name for f in dataclass_fields(ContactToPlan)] != list(_TO_PLAN_FIELDS):  # not an assert (-O)
    raise ImportError("ContactToPlan's fields changed: update its constructor")
_set_id, _set_record, _set_fresh, _set_listed, _set_deleted_by, _set_links_before = (
    vars(ContactToPlan)[f].__set__ for f in _TO_PLAN_FIELDS
)


def _to_plan_init(
    self: ContactToPlan,
    id: str,
    record: CanonicalRecord | None,
    fresh: bool,
    listed: Sequence[Listed],
    deleted_by: Sequence[str],
    links_before: Mapping[str, Link],
) -> None:
    """ContactToPlan's constructor without the frozen dataclass's ``object.__setattr__`` call a field (as the
    model's Contact and Email): a run makes one a contact planned (#18). The object stays frozen;
    tests/test_engine_speed4.py compares it with the dataclass's."""
    _set_id(self, id)
    _set_record(self, record)
    _set_fresh(self, fresh)
    _set_listed(self, listed)
    _set_deleted_by(self, deleted_by)
    _set_links_before(self, links_before)


ContactToPlan.__init__ = _to_plan_init  # type: ignore[method-assign]


def desired(connector: Connector, contact: Contact, link: Link | None, held: set[Field]) -> Contact:
    """What an account should hold: the canonical contact as it fits there, except fields under a manual
    conflict, which keep the account's own value until the admin decides."""
    wanted = connector.fit(contact)
    if link is not None:
        for f in held:
            wanted = wanted.with_field(f, link.base.get(f))
    return wanted


def needs_update(wanted: Contact, base: Contact) -> bool:
    """Whether a linked item must be written: it differs from what the account should hold. An item without our
    marker is not written for the marker alone: every platform keeps an item's id stable (CardDAV href and UID,
    a vdir file, a Google resourceName, a Graph id), which is how the link finds it again, so a first sync
    rewrites nothing nobody changed (issue #15); the marker goes on when the item is next written for its content.
    The plan, the push and the stale-etag retry all decide here."""
    return wanted is not base and wanted != base  # often the item itself: a contact's == walks every field


def plan_contact(ctx: PlanContext, c: ContactToPlan, held: set[Field]) -> None:
    """Merge one contact, decide whether it lives, and owe every writable account what it lacks.

    ``held`` are the fields under an open manual conflict (those queued by this merge are added)."""
    # here: a run that plans no contact merges nothing (#18); absolute, since a relative import resolves its
    # package at every call (2.2 µs against 0.7, once per contact planned)
    from contactsync.engine.merge import STORE, Side, merge

    book, plan, report, cid = ctx.book, ctx.plan, ctx.report, c.id
    record = c.record
    current = record.contact if record else Contact.EMPTY
    stamp = now()
    current_modified = record.updated_at if record else stamp
    trashed = record is not None and record.deleted_at is not None
    # a person erased on request, or purged from the trash (its data gone): a copy that comes back (an old backup
    # put back in a folder, its marker and all) is no edit after the delete, nothing of it is kept or journaled, and
    # it is deleted again (invariant 5); before, a purged row's empty data made every field of the copy an edit
    erased = record is not None and (record.erased or (trashed and record.contact == Contact.EMPTY))
    items = [(it.account, it, it.contact) for it in c.listed]
    contact_sides = [
        # an erased person's sides are dropped below: nothing of theirs is journaled, not even as a loser
        _refill_side(ctx, book, plan.journal, cid, it, remote, record)
        if record is not None and not erased and _refilled(ctx, name, cid)
        else Side(
            name,
            _side_base(ctx, name, cid, it, record),
            remote,
            it.modified,
            ctx.ranks[name],
            ctx.fields_of[name],
        )
        for name, it, remote in items
    ]
    # a person first seen journals only what was lost or queued of its merge, not every field it came with
    outcome = merge(
        current,
        current_modified,
        [] if erased else contact_sides,
        book.conflicts,
        fits=ctx.fits,
        plain_changes=not c.fresh,
    )
    merged = outcome.contact
    if c.fresh:
        # a new person: one "create" entry (the content is in the store); per-field rows only for losers
        plan.journal.append(
            {
                "book": book.name,
                "contact_id": cid,
                "action": "create",
                "account": ",".join(s.account for s in contact_sides),
            }
        )
    for it in c.listed:
        # what this account's item holds that no other account gets (a photo over its cap): said per contact
        for field_name, reason in it.left_behind:
            plan.journal.append(
                {
                    "book": book.name,
                    "account": it.account,
                    "contact_id": cid,
                    "action": "left-on-account",
                    "field": field_name,
                    "note": reason,
                }
            )
    for d in outcome.decisions:
        if not c.fresh or d.losers or d.queued:
            journal_decision(book, plan.journal, cid, d)
        if d.queued:
            held.add(d.field)
            candidates = {s: value_data(d.field, v) for s, v in d.candidates or d.losers}
            if not d.candidates:
                candidates[STORE] = field_to_data(d.field, d.before)
            plan.conflicts.append((cid, d.field.value, candidates))
            report.conflicts_queued += 1
            for loser, _value in d.losers:
                if loser in report.accounts:
                    report.accounts[loser].conflicts += 1
    links_now = dict(c.links_before)
    for name, it, remote in items:
        # an erased person's content is not kept, not even as a base: only what the owed delete needs
        link = Link(
            name,
            it.id,
            cid,
            it.etag,
            Contact.EMPTY if erased else remote,
            it.modified,
            it.marker == cid,
            base_text=None if erased else it.text,
        )
        # an item linked to nobody, for a contact with no link on its account (a first sync): nothing to clear
        (plan.new_links if name not in c.links_before else plan.links).append(link)
        links_now[name] = link

    deleted_by = c.deleted_by
    for name in deleted_by:
        lk = ctx.link_of[(name, cid)]
        plan.dropped_links.append((name, lk.remote_id))
        links_now.pop(name, None)
    if deleted_by and ctx.push_only:
        # a push-only account's delete is one of its changes, never taken: its link goes, and the person lives and
        # is owed to it again (a create, below). Taken, one card deleted there deleted the person everywhere
        deleted_by = [name for name in deleted_by if name not in ctx.push_only]
    # only a delete asks whether the person was edited (most contacts of a run are deleted nowhere)
    edited = bool(deleted_by) and (
        any(s.changed_any() for s in contact_sides if s.account not in deleted_by)
        or any(ctx.connectors[n].fit(current) != ctx.link_of[(n, cid)].base for n in deleted_by)
    )
    # made again by hand: an account whose item of this person went in this run while a new item there was matched
    # to them (identity's replacement, so the account is not in deleted_by). Its content may equal the old base,
    # but a user made it in the same window as the other accounts' deletes: it counts at least as an edit, and
    # nothing deletes a contact a user just created (invariant 4)
    recreated = (
        [
            name
            for name, it, _remote in items
            if (gone := ctx.link_of.get((name, cid))) is not None and gone.remote_id != it.id
        ]
        if deleted_by
        else []
    )
    # a person erased on request never comes back, whatever a lagging account still lists
    survives = not erased and (not trashed or any(s.changed_any() for s in contact_sides))
    if erased:
        merged = current
    elif deleted_by and not trashed:
        delete_wins = book.conflicts.on_delete is DeletePolicy.DELETE_WINS
        if delete_wins or not (edited or recreated):
            survives = False
            plan.trash.append(cid)
            plan.journal.append(
                {
                    "book": book.name,
                    "account": ",".join(deleted_by),
                    "contact_id": cid,
                    "action": "trash",
                    "before": None,
                    "after": None,
                    "note": "deleted on " + ", ".join(deleted_by),
                }
            )
        else:
            plan.journal.append(
                {
                    "book": book.name,
                    "account": ",".join(deleted_by),
                    "contact_id": cid,
                    "action": "delete-lost",
                    "note": "edited elsewhere: edit wins"
                    if edited
                    else "made again by hand on " + ", ".join(recreated) + ": it lives",
                }
            )
    elif trashed and survives:
        plan.restore.append(cid)
        plan.journal.append(
            {"book": book.name, "contact_id": cid, "action": "restore", "note": "edited after its delete"}
        )

    if not erased and (c.fresh or merged != current or (trashed and survives)):
        plan.contacts[cid] = merged
        if c.fresh:
            plan.new_ids.add(cid)
    if ctx.known is not None:
        # what the store holds once the chunk is absorbed: its push reads it from here
        ctx.known[cid] = (CanonicalRecord(cid, book.name, merged, stamp, None if survives else stamp), links_now)
    reasons = broken_rules(merged, book.rules) if survives and book.rules.required else ()
    if reasons:
        plan.held_back[cid] = "; ".join(reasons)
    elif book.rules.required:
        plan.passing.append(cid)
    # owed writes
    for acct in book.accounts:
        if not acct.writable:
            continue
        name = acct.name
        lk_now = links_now.get(name)
        if not survives:
            if lk_now is not None and acct.allow_delete:
                _owe(ctx, name, cid, ChangeKind.DELETE, (), merged)
            continue
        if reasons:
            continue  # listed in status as needing attention; written once it passes the book's rules
        if lk_now is None:
            if acct.allow_create and merged != Contact.EMPTY:  # is_empty() without making an empty contact
                _owe(ctx, name, cid, _CREATE, (), merged)
            elif acct.allow_create and name in ctx.report.accounts:
                # an item with nothing in it (an empty card) is not copied: said, not dropped in silence (#15)
                ctx.report.accounts[name].not_carried["contact: an empty item is not created"] += 1
            continue
        wanted = desired(ctx.connectors[name], merged, lk_now, held)  # a create's is the push's to fit
        if needs_update(wanted, lk_now.base) and acct.allow_update:
            _owe(ctx, name, cid, ChangeKind.UPDATE, wanted.differing(lk_now.base), merged, before=lk_now.base)


def _side_base(ctx: PlanContext, account: str, cid: str, it: Listed, record: CanonicalRecord | None) -> Contact | None:
    """What ``account``'s item held when we last agreed on it (None: never seen, all of it is new)."""
    lk = ctx.link_of.get((account, cid))
    if lk is not None:
        return lk.base
    if record is not None and it.marker == cid:
        # an item we wrote whose link we never recorded (a create whose answer was lost): it was written from
        # this contact, so only what differs from it is the account's change. Taken as wholly new, a lost
        # create looked like an edit and brought back a person deleted elsewhere meanwhile
        return ctx.connectors[account].fit(record.contact)
    return None


def _refilled(ctx: PlanContext, account: str, cid: str) -> bool:
    """Whether ``account``'s item of a person the store holds is filled from the store: the account was reset
    (``sync --reset-account``: wiped, or restored from a backup) and the item is linked to nobody. Its items are as
    old as the account's copy: taken as its own edits, a restored backup's stale values went to every account (the
    marker's base made every difference an edit; without one, every field was new). An account listed for the
    first time is no reset: its items compete under the book's rules, as any account's edits do."""
    return account in ctx.refilling and (account, cid) not in ctx.link_of


def _refill_side(
    ctx: PlanContext,
    book: BookSettings,
    journal: list[dict[str, Any]],
    cid: str,
    it: Listed,
    remote: Contact,
    record: CanonicalRecord,
) -> Side:
    """A refilled account's side (:func:`_refilled`): the store's values win over the item's, field by field and
    element by element, so the merge takes from the item only what the store lacks entirely (a field the store
    has empty, an email it never had): nothing the account held is dropped in silence, and nothing it held
    overrides what the store knows. Each value of the item that the store's replaces is journaled as a lost
    conflict (``history`` shows it). A person in the trash takes nothing from it: a restored copy is no edit
    after the delete (invariant 5), and what it held is journaled as lost with it."""
    from contactsync.engine.merge import Side

    account = it.account
    fields = ctx.fields_of[account]
    theirs = ctx.connectors[account].fit(record.contact)  # the store's values as the account holds them
    trashed = record.deleted_at is not None
    updates: dict[str, Any] = {}
    for f in fields:
        mine, stored = remote.get(f), theirs.get(f)
        if mine == stored:
            continue
        if f.multi_valued:
            # a vCard line the store lacks may be the item's stale spelling of a value the store holds (an EMAIL of
            # another TYPE): lines are the store's, the item's others journaled as lost
            keep_new = not trashed and f is not Field.VCARD_LINES
            kept, lost = _refill_elements(f, mine, stored, keep_new=keep_new)
        elif stored == Contact.EMPTY.get(f) and not trashed:
            continue  # only the item has it: its value is kept, and merged into the store
        else:
            kept, lost = stored, ([] if mine == Contact.EMPTY.get(f) else [mine])
        if kept != mine:
            updates[f.value] = kept
        for value in lost:
            journal.append(
                {
                    "book": book.name,
                    "account": account,
                    "contact_id": cid,
                    "action": "conflict-lost",
                    "field": f.value,
                    "before": value_data(f, value),
                    "after": field_to_data(f, stored),
                    "note": "refilled from the store: its value wins"
                    if not trashed
                    else "refilled from the store: the person is in the trash",
                }
            )
    # the item as the store leaves it: its base is the store's, so only what the store lacked counts as a change
    return Side(
        account,
        theirs,
        replace(remote, **updates) if updates else remote,
        it.modified,
        ctx.ranks[account],
        fields,
    )


def _refill_elements(f: Field, mine: Any, stored: Any, *, keep_new: bool) -> tuple[Any, list[Any]]:
    """A multi-valued field of a refilled item: the store's elements, then (``keep_new``) those of the item
    whose key the store does not know; the item's elements the store's replace, or drops, are lost."""
    known = {element_key(e): e for e in stored}
    lost = [e for e in mine if (k := element_key(e)) in known and e != known[k]]
    extra = [e for e in mine if element_key(e) not in known]
    if not keep_new:
        return stored, lost + extra
    if not extra:
        return stored, lost
    if f is Field.TAGS:
        return frozenset(stored) | frozenset(extra), lost
    value = (*stored, *extra)
    if f is Field.CUSTOM or f is Field.VCARD_LINES:  # kept sorted, as normalize_contact leaves them
        value = tuple(sorted(value, key=element_key))
    return value, lost


def _owe(
    ctx: PlanContext,
    account: str,
    cid: str,
    kind: ChangeKind,
    fields: tuple[Field, ...],
    contact: Contact,
    before: Contact | None = None,
) -> None:
    plan = ctx.plan
    plan.owe(account, cid, kind)
    if not plan.describe:
        return  # only a dry run shows the plan: a first sync of 100k people need not describe 300k writes
    show_values = ctx.show_values
    values: tuple[tuple[str, str, str], ...] = ()
    if show_values and before is not None:
        values = tuple(
            (f.value, repr(field_to_data(f, before.get(f))), repr(field_to_data(f, contact.get(f)))) for f in fields
        )
    plan.planned.append(PlannedWrite(account, cid, kind, fields, contact.label() if show_values else "", values))


def journal_decision(book: BookSettings, journal: list[dict[str, Any]], cid: str, d: FieldDecision) -> None:
    """A merge decision as journal rows: the field's change, and each losing value."""
    if d.before != d.after:
        journal.append(
            {
                "book": book.name,
                "account": d.source,
                "contact_id": cid,
                "action": "update",
                "field": d.field.value,
                "before": field_to_data(d.field, d.before),
                "after": field_to_data(d.field, d.after),
            }
        )
    for source, value in d.losers:
        journal.append(
            {
                "book": book.name,
                "account": source,
                "contact_id": cid,
                "action": "conflict-queued" if d.queued else "conflict-lost",
                "field": d.field.value,
                "before": value_data(d.field, value),
                "after": field_to_data(d.field, d.after),
                "note": f"rule {book.conflicts.rule_for(d.field).value}",
            }
        )


def value_data(f: Field, value: Any) -> Any:
    """A losing value as journal data: a whole value for single fields, one element for multi-valued ones."""
    if (f.multi_valued and not isinstance(value, (tuple, frozenset))) or (
        f is Field.CUSTOM and isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
    ):
        value = frozenset({value}) if f is Field.TAGS else (value,)
    return field_to_data(f, value)
