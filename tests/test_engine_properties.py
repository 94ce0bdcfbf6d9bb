"""Hypothesis stateful test of the engine over three two-way memory accounts and one pull-only account.

Between random runs, people are created, edited (single- and multi-valued fields, tags) and deleted on each side,
sometimes the same person on two sides; runs meet random faults (failed listings and writes, rate limits, expired
tokens, writes whose answer is lost). After faults stop, two runs must settle everything, and the invariants of
``docs/sync-invariants.md`` must hold: convergence, no lost update, edit beats delete, no resurrection,
idempotence, no duplicates, the brake on a wiped account, scope, and equal tag counts.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.model import Contact, Email, EmailKind, Field, Name, Phone, PhoneKind, Tag
from contactsync.normalize import normalize_contact
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountMode, AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store

TWO_WAY = ("a", "b", "c")
TAGS = ("Staff", "VIP", "Friends")


def person(n: int, tags: frozenset[str] = frozenset()) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Given{n}", family=f"Family{n}"),
            emails=(Email(f"p{n}@example.org", EmailKind.WORK),),
            phones=(Phone(f"+1415555{n:04d}", PhoneKind.MOBILE),),
            tags=frozenset(Tag(t) for t in tags),
        )
    )


def pick(data: st.DataObject, items: dict[str, Contact]) -> str:
    # drawn without depending on the state, so hypothesis can replay and shrink a failing run
    ids = sorted(items)
    return ids[data.draw(st.integers(0, 10_000)) % len(ids)]


def primary(c: Contact) -> str:
    return c.emails[0].address if c.emails else ""


@dataclass
class Interval:
    """What happened to each person since the last settle (the model the invariants are checked against)."""

    deleted_on: dict[str, tuple[str, int]] = field(default_factory=dict)  # person → (account, epoch) of delete
    edited: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # person → (account, epoch) of edits
    #: (account, person) → what the account held before the interval's first edit of that person there (None:
    #: nothing): edits that undo each other before any run sees them (a tag removed and added back) are no edit
    before_edits: dict[tuple[str, str], Contact | None] = field(default_factory=dict)
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)  # person → (account, note) last set
    note_conflict: set[str] = field(default_factory=set)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.counter = itertools.count(1)
        self.ids = itertools.count(1)
        self.backends = {n: MemoryBackend(name=n) for n in (*TWO_WAY, "ro")}
        accounts = [AccountSettings(n, "memory") for n in TWO_WAY] + [
            AccountSettings("ro", "memory", mode=AccountMode.PULL_ONLY)
        ]
        self.book = BookSettings("people", tuple(accounts), brake=BrakeSettings(max_deletes=1000, max_delete_ratio=1.0))
        self.connectors = {n: MemoryConnector(n, b, max_batch=3) for n, b in self.backends.items()}
        self.store = Store.open("sqlite://")
        self.interval = Interval()
        self.epoch = 0  # counts runs: tells edits before a delete from edits after it
        self.gone: set[str] = set()  # persons whose delete propagated (no resurrection allowed)
        self.wiped: str | None = None
        self.chunk = Engine.CHUNK  # small chunks: a run absorbs and pushes its plan in several steps
        self.keep_listed = Engine.KEEP_LISTED  # small: listed items are parked on disk until planned

    def teardown(self) -> None:
        self.store.close()

    # --- helpers --------------------------------------------------------------------------------------------
    def items(self, account: str) -> dict[str, Contact]:
        return self.backends[account].contacts()

    def find(self, account: str, who: str) -> str | None:
        return next((i for i, c in self.items(account).items() if primary(c) == who), None)

    def engine(self) -> Engine:
        engine = Engine(
            self.store, self.book, self.connectors, sleep=lambda _s: None, new_id=lambda: f"cid-{next(self.ids):05d}"
        )
        engine.CHUNK = self.chunk
        engine.KEEP_LISTED = self.keep_listed
        return engine

    def mark_edit(self, account: str, who: str, before: Contact | None) -> None:
        """``who`` was edited on ``account``, which held ``before`` until then."""
        self.interval.edited.setdefault(who, []).append((account, self.epoch))
        self.interval.before_edits.setdefault((account, who), before)

    def edit_must_win(self, who: str) -> bool:
        """Edited on another side in the same run window as the delete, or after it, with a net change: the account
        holds something else than before the interval's first edit there. (Against the content at the last settle
        instead, a tag removed and added back before the first settle counted as an edit, though no run could see
        one, and the delete rightly won.)"""
        deleter, epoch = self.interval.deleted_on[who]
        for account, when in self.interval.edited.get(who, []):
            if account == deleter or when < epoch:
                continue
            now = next((c for c in self.items(account).values() if primary(c) == who), None)
            if now is not None and now != self.interval.before_edits.get((account, who)):
                return True
        return False

    # --- user actions ---------------------------------------------------------------------------------------
    @initialize(
        n=st.integers(2, 5),
        chunk=st.sampled_from([2, 3, Engine.CHUNK]),
        keep_listed=st.sampled_from([0, 2, Engine.KEEP_LISTED]),
    )
    def seed(self, n: int, chunk: int, keep_listed: int) -> None:
        self.chunk = chunk
        self.keep_listed = keep_listed
        for _ in range(n):
            k = next(self.counter)
            self.backends["a"].user_create(person(k, frozenset({"Staff"})))

    @rule(account=st.sampled_from(TWO_WAY), tags=st.frozensets(st.sampled_from(TAGS), max_size=2))
    def create(self, account: str, tags: frozenset[str]) -> None:
        k = next(self.counter)
        self.backends[account].user_create(person(k, tags))

    @rule(data=st.data(), src=st.sampled_from(TWO_WAY), dst=st.sampled_from(TWO_WAY))
    def same_person_created_on_two_sides(self, data: st.DataObject, src: str, dst: str) -> None:
        """A person added on another platform by hand before the sync ran: must be matched, not duplicated."""
        items = self.items(src)
        if not items or src == dst:
            return
        item = pick(data, items)
        who = primary(items[item])
        if self.find(dst, who) is None and who not in self.gone:
            self.backends[dst].user_create(items[item])
            self.mark_edit(dst, who, None)

    @rule(data=st.data(), account=st.sampled_from(TWO_WAY))
    def edit_note(self, data: st.DataObject, account: str) -> None:
        items = self.items(account)
        if not items:
            return
        item = pick(data, items)
        who = primary(items[item])
        note = f"note-{next(self.counter)}"
        self.backends[account].user_edit(item, items[item].with_field(Field.NOTE, note))
        previous = self.interval.notes.get(who)
        if previous and previous[0] != account:
            self.interval.note_conflict.add(who)
        self.interval.notes[who] = (account, note)
        self.mark_edit(account, who, items[item])

    @rule(data=st.data(), account=st.sampled_from(TWO_WAY), tag=st.sampled_from(TAGS), add=st.booleans())
    def edit_tags(self, data: st.DataObject, account: str, tag: str, add: bool) -> None:
        items = self.items(account)
        if not items:
            return
        item = pick(data, items)
        c = items[item]
        tags = set(c.tags) | {Tag(tag)} if add else set(c.tags) - {Tag(tag)}
        if frozenset(tags) != c.tags:
            self.backends[account].user_edit(item, c.with_field(Field.TAGS, frozenset(tags)))
            self.mark_edit(account, primary(c), c)

    @rule(data=st.data(), account=st.sampled_from(TWO_WAY))
    def add_second_email(self, data: st.DataObject, account: str) -> None:
        items = self.items(account)
        if not items:
            return
        item = pick(data, items)
        c = items[item]
        extra = Email(f"x{next(self.counter)}@example.net", EmailKind.HOME)
        self.backends[account].user_edit(item, c.with_field(Field.EMAILS, (*c.emails, extra)))
        self.mark_edit(account, primary(c), c)

    @rule(data=st.data(), account=st.sampled_from(TWO_WAY))
    def remove_second_email(self, data: st.DataObject, account: str) -> None:
        items = {i: c for i, c in self.items(account).items() if len(c.emails) > 1}
        if not items:
            return
        item = pick(data, items)
        c = items[item]
        self.backends[account].user_edit(item, c.with_field(Field.EMAILS, c.emails[:1]))
        self.mark_edit(account, primary(c), c)

    @rule(data=st.data(), account=st.sampled_from(TWO_WAY))
    def delete(self, data: st.DataObject, account: str) -> None:
        items = self.items(account)
        if len(items) <= 2:  # keep the brake out of ordinary deletes (it has its own rule)
            return
        item = pick(data, items)
        who = primary(items[item])
        in_doubt = item in self.backends[account].markers() and not self.store.links_by_remote(account, [item])
        self.backends[account].user_delete(item)
        if in_doubt:
            # our create whose answer was lost, deleted before any run saw it: no run can tell it from a create
            # that never happened (the listing names only an unknown id), so it is made again. Nothing is lost;
            # the delete is not owed to the others (README, "Known limits")
            return
        self.interval.deleted_on.setdefault(who, (account, self.epoch))
        if self.interval.notes.get(who, ("", ""))[0] == account:
            # a note set on this item and the item deleted before any run saw it: the note went with it (the
            # person may still live on, by an edit made elsewhere, but without that note)
            del self.interval.notes[who]

    # --- runs ------------------------------------------------------------------------------------------------
    @rule(
        faults=st.lists(
            st.tuples(st.sampled_from(TWO_WAY), st.sampled_from(["pull", "push", "lost", "rate", "expire"])), max_size=3
        )
    )
    def run_with_faults(self, faults: list[tuple[str, str]]) -> None:
        for account, kind in faults:
            b = self.backends[account]
            if kind == "pull":
                b.fail_pulls += RetryPolicy().attempts  # as many as the policy sends: the listing fails this run
            elif kind == "push":
                b.fail_pushes += 1
            elif kind == "lost":
                b.lose_answer_after_writes += 1
            elif kind == "rate":
                b.rate_limit_next += 1
            else:
                b.expire_tokens()
        self.engine().run()
        self.epoch += 1
        self.clear_faults()

    def clear_faults(self) -> None:
        for b in self.backends.values():
            b.fail_pulls = b.fail_pushes = b.lose_answer_after_writes = b.rate_limit_next = 0

    @precondition(lambda self: self.wiped is None)
    @rule(account=st.sampled_from(TWO_WAY))
    def wipe_and_check_brake(self, account: str) -> None:
        """A server wiped: the brake holds every delete; the admin then re-fills it with a reset."""
        self.settle()
        before = {n: len(self.items(n)) for n in TWO_WAY}
        if before[account] < 2:
            return
        self.backends[account].wipe()
        report = self.engine().run()
        assert report.accounts[account].brake is not None
        for other in TWO_WAY:
            if other != account:
                assert len(self.items(other)) == before[other], "a wiped account's deletes must not spread"
        with self.store.transaction() as tx:
            tx.reset_account(account)
        self.settle()
        assert len(self.items(account)) == before[account]

    # --- invariants ------------------------------------------------------------------------------------------
    def settle(self) -> None:
        self.clear_faults()
        must_survive = {who for who in self.interval.deleted_on if self.edit_must_win(who)}
        self.engine().run()
        self.engine().run()
        self.epoch += 2
        self.check_settled(must_survive)
        self.interval = Interval()

    @rule()
    def settle_and_check(self) -> None:
        self.settle()

    def check_settled(self, must_survive: set[str]) -> None:
        iv = self.interval
        # idempotence: nothing more to do
        again = self.engine().run()
        assert again.writes == 0, f"a run with no outside change wrote {again.writes} times"
        canonical = {cid: r.contact for cid, r in self.store.contacts(self.store.active_contact_ids("people")).items()}
        people = {primary(c) for c in canonical.values()}
        assert len(people) == len(canonical), "one person, one canonical contact"
        for n in TWO_WAY:
            items = self.items(n)
            # no duplicates, convergence
            assert len({primary(c) for c in items.values()}) == len(items), f"duplicate on {n}"
            assert sorted(items.values(), key=primary) == sorted(canonical.values(), key=primary), (
                f"{n} does not equal the store"
            )
            markers = [m for m in self.backends[n].markers().values() if m is not None]  # adopted: unmarked
            assert len(set(markers)) == len(markers)
        # scope: the pull-only account is never written
        assert self.backends["ro"].requests.get("push", 0) == 0
        # no lost update: a note set on exactly one side is everywhere
        for who, (_account, note) in iv.notes.items():
            if who in people and who not in iv.note_conflict:
                (c,) = [c for c in canonical.values() if primary(c) == who]
                assert c.note == note, "a change made on one side only was lost"
        # edit beats delete; a delete nobody contradicted propagates and stays
        for who in iv.deleted_on:
            if who in must_survive:
                assert who in people, "edited on one side after its delete on another: the edit must win"
            elif not iv.edited.get(who):
                assert who not in people, "a delete that nobody contradicted must propagate"
                self.gone.add(who)
        assert not (self.gone & people), "a deleted person came back without an edit"
        # tags: same count on every replica and in the store
        store_counts = {k: n for k, (_name, n) in self.store.tag_counts("people").items()}
        for n in TWO_WAY:
            counts = {t.key: c for t, c in self.connectors[n].tag_counts().items()}
            assert counts == store_counts, f"tag counts differ on {n}"


# CONTACTSYNC_PROPERTY_EXAMPLES=500 runs a longer search (CI keeps the default bounded)
SyncMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("CONTACTSYNC_PROPERTY_EXAMPLES", "40")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSync = SyncMachine.TestCase


class _FirstItem:
    """A ``data`` whose every draw is 0: the rule picks the first item."""

    def draw(self, _strategy: object) -> int:
        return 0


def test_a_lost_create_adopted_by_its_marker_is_not_an_edit_that_undoes_a_delete() -> None:
    """Found by the machine above: b's creates applied but answered lost, then the person deleted on a. The next
    run adopts b's item by its marker; taken as new content (an edit) it brought the person back everywhere."""
    m = SyncMachine()
    m.seed(n=3, chunk=2, keep_listed=0)
    m.run_with_faults([("a", "pull")])
    m.run_with_faults([("b", "lost")])
    m.delete(account="a", data=_FirstItem())  # type: ignore[arg-type]
    m.settle_and_check()  # the delete propagates, b's adopted item included
    assert "p1@example.org" not in {primary(c) for n in TWO_WAY for c in m.items(n).values()}
    m.teardown()


def test_an_edit_made_on_a_lost_create_still_beats_a_delete() -> None:
    m = SyncMachine()
    m.seed(n=3, chunk=2, keep_listed=0)
    m.run_with_faults([("b", "lost")])
    m.delete(account="a", data=_FirstItem())  # type: ignore[arg-type]
    m.edit_note(data=_FirstItem(), account="b")  # type: ignore[arg-type]
    m.settle_and_check()
    assert all("p1@example.org" in {primary(c) for c in m.items(n).values()} for n in TWO_WAY)
    m.teardown()
