"""N-way three-way merge of one contact: pure functions, no I/O.

Each account contributes a :class:`Side`: what it holds now (``remote``) and what it held when we last agreed
(``base``). A field changed on an account when its remote value differs from its base value. Changes from several
accounts are applied to the canonical contact field by field; multi-valued fields element by element (an email
added on A and another removed on B both take effect). When accounts disagree, the book's rule decides, and the
decision is a strict order (the same whatever order accounts are processed in).

A side seen for the first time (no base) may hold another side's value, or the store's, only as its platform can
(Outlook keeps no email types: a typed address comes back as "other"). Such a value is that value fitted to it,
not a change of its own, so it does not compete with the value it comes from: otherwise, when that side's item
was the newest, a first sync, or an Outlook account added to a book, rewrote every other platform's detail with
its poorer copy (issue #15). A side gives its account's ``fit`` for this; merge only calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from itertools import compress
from operator import attrgetter, lt
from typing import Any

from ..model import MULTI_VALUED, Contact, Element, Field, element_key
from ..settings import ConflictRule, ConflictSettings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STORE = "store"  # the candidate name of the canonical value itself
_EMPTY = Contact.EMPTY  # the plan passes this very object for a person first seen: no comparison needed
_FIELD_ATTRS = tuple((f, f.value) for f in Field)
_TAGS = Field.TAGS
#: each field with the empty contact's value of it: what a never-linked side's fields are compared with
_EMPTY_ATTRS = tuple((f, attr, getattr(_EMPTY, attr)) for f, attr in _FIELD_ATTRS)
#: Side is a frozen slotted value; its changed fields are memoized here by identity (the entry keeps it alive)
_CHANGED: dict[int, tuple[Side, frozenset[Field]]] = {}


@dataclass(frozen=True, slots=True)
class Side:
    account: str
    base: Contact | None  # None: the item was never linked (first time we see it)
    remote: Contact
    modified: datetime | None
    rank: int
    fields: frozenset[Field]

    def base_value(self, f: Field) -> Any:
        return (self.base or _EMPTY).get(f)

    def changed(self, f: Field) -> bool:
        return f in self.changed_fields

    @property
    def changed_fields(self) -> frozenset[Field]:
        """The fields this account changed since its base (computed once: merges ask for it per field)."""
        cached = _CHANGED.get(id(self))
        if cached is not None and cached[0] is self:
            return cached[1]
        base = self.base
        remote = self.remote
        found: frozenset[Field]
        if base is None:
            # never linked (a first sync): against the empty contact's values, known once (#18)
            found = frozenset([f for f, attr, empty in _empty_attrs(self.fields) if getattr(remote, attr) != empty])
        elif remote == base:
            found = frozenset()
        else:
            found = frozenset(
                f for f, attr in _FIELD_ATTRS if f in self.fields and getattr(remote, attr) != getattr(base, attr)
            )
        if len(_CHANGED) > 4096:
            _CHANGED.clear()
        _CHANGED[id(self)] = (self, found)
        return found

    def changed_any(self) -> bool:
        return bool(self.changed_fields)


#: Side's own constructor, kept for the test that compares it with the one below
_dataclass_side_init = Side.__init__
_SIDE_FIELDS = ("account", "base", "remote", "modified", "rank", "fields")
if [f.name for f in dataclass_fields(Side)] != list(_SIDE_FIELDS):  # not an assert: -O would misplace a value
    raise ImportError("Side's fields changed: update its constructor")
_set_account, _set_base, _set_remote, _set_modified, _set_rank, _set_fields = (
    vars(Side)[f].__set__ for f in _SIDE_FIELDS
)


def _side_init(
    self: Side,
    account: str,
    base: Contact | None,
    remote: Contact,
    modified: datetime | None,
    rank: int,
    fields: frozenset[Field],
) -> None:
    """Side's constructor without the frozen dataclass's ``object.__setattr__`` call a field (as the model's
    Contact and Email): the plan makes one an item listed (#18). The object stays frozen;
    tests/test_engine_speed4.py compares it with the dataclass's."""
    _set_account(self, account)
    _set_base(self, base)
    _set_remote(self, remote)
    _set_modified(self, modified)
    _set_rank(self, rank)
    _set_fields(self, fields)


Side.__init__ = _side_init  # type: ignore[method-assign]


#: _EMPTY_ATTRS of the fields a side contributes, by those fields (one entry per kind of account)
_EMPTY_ATTRS_OF: dict[frozenset[Field], tuple[tuple[Field, str, Any], ...]] = {}


def _empty_attrs(fields: frozenset[Field]) -> tuple[tuple[Field, str, Any], ...]:
    found = _EMPTY_ATTRS_OF.get(fields)
    if found is None:
        found = _EMPTY_ATTRS_OF[fields] = tuple(entry for entry in _EMPTY_ATTRS if entry[0] in fields)
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    source: str  # an account name, or STORE
    value: Any
    modified: datetime
    rank: int


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """One field whose canonical value changed, or whose disagreement was decided or queued."""

    field: Field
    before: Any
    after: Any
    source: str  # who the kept value came from
    losers: tuple[tuple[str, Any], ...] = ()  # (source, value) of every value that lost
    queued: bool = False  # manual rule: kept as is, waiting for the admin
    #: with ``queued``: every source's value (the admin chooses among them)
    candidates: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    contact: Contact
    decisions: tuple[FieldDecision, ...]

    @property
    def changed(self) -> bool:
        return any(d.before != d.after for d in self.decisions)


def winner(rule: ConflictRule, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate a rule picks; None for ``manual`` (and for ``store`` when the store has no candidate).

    Every order here ends on the source name so that it is total: no two candidates ever tie.
    """
    if rule is ConflictRule.NEWEST:
        return max(candidates, key=lambda c: (c.modified, -c.rank, _reverse(c.source)))
    if rule is ConflictRule.PRIORITY:
        return min(candidates, key=lambda c: (c.rank, c.source))
    if rule is ConflictRule.STORE:
        return next((c for c in candidates if c.source == STORE), None)
    return None


def _reverse(name: str) -> tuple[int, ...]:
    # max() must prefer the alphabetically first name on a full tie: invert the code points
    return tuple(-ord(ch) for ch in name)


def _decide(rule: ConflictRule, candidates: list[Candidate], current: Any) -> tuple[Any, str, list[Candidate], bool]:
    """(value kept, its source, losing candidates, queued?)."""
    distinct = {_hashable(c.value) for c in candidates}
    if len(distinct) == 1:
        first = candidates[0]
        return first.value, first.source, [], False
    chosen = winner(rule, candidates)
    if chosen is None and rule is ConflictRule.MANUAL and current in ("", None):
        # a person seen for the first time has no canonical value to keep: seed it by priority, still ask the
        # admin, and leave each account's own value alone until then (see Engine._desired)
        seeded = winner(ConflictRule.PRIORITY, candidates)
        assert seeded is not None
        return seeded.value, seeded.source, [c for c in candidates if c.value != seeded.value], True
    if chosen is None:
        # manual (or store without a store candidate): keep the canonical value everywhere
        losers = [c for c in candidates if c.value != current]
        return current, STORE, losers, rule is ConflictRule.MANUAL
    return chosen.value, chosen.source, [c for c in candidates if c.value != chosen.value], False


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def merge(
    current: Contact,
    current_modified: datetime,
    sides: Sequence[Side],
    conflicts: ConflictSettings,
    *,
    store_rank: int = 10_000,
    fits: Mapping[str, Callable[[Contact], Contact]] | None = None,
    plain_changes: bool = True,
) -> MergeOutcome:
    """Apply every side's changes to ``current``. ``fits``: each account's fit (what its platform can hold of a
    contact), which tells a first-seen value that is only a copy of another's (the module docstring); an account
    without one is never taken for a copy. Passed per call, not kept in a Side: the memo of changed fields keeps
    Sides alive, and a fit would keep its connector (and its HTTP sessions) alive with them.

    ``plain_changes=False`` leaves out of the decisions the fields that only took a side's value (nothing lost,
    nothing queued): what a person first seen journals of its merge (``MergeOutcome.changed`` does not tell then)."""
    if len(sides) == 1 and sides[0].base is None and (current is _EMPTY or current == _EMPTY):
        return _merge_new(current, sides[0], plain_changes)
    outcome = _merge_sides(current, current_modified, sides, conflicts, store_rank, fits or {})
    if plain_changes:
        return outcome
    return MergeOutcome(outcome.contact, tuple(d for d in outcome.decisions if d.losers or d.queued))


def _merge_sides(
    current: Contact,
    current_modified: datetime,
    sides: Sequence[Side],
    conflicts: ConflictSettings,
    store_rank: int,
    fits: Mapping[str, Callable[[Contact], Contact]],
) -> MergeOutcome:
    updates: dict[str, Any] = {}
    decisions: list[FieldDecision] = []
    side_changes = [(s, s.changed_fields) for s in sides]
    touched = frozenset().union(*(fields for _s, fields in side_changes))
    fitted: dict[tuple[str, str], Contact] = {}  # (side, other side) → the other's item fitted to the side
    for f, attr in _FIELD_ATTRS:
        if f not in touched:
            continue
        changed = _without_copies(attr, current, [s for s, fields in side_changes if f in fields], fits, fitted)
        if not changed:
            continue  # only copies of what the store holds: nothing changed
        rule = conflicts.rule_for(f)
        if f.multi_valued:
            sources = ",".join(sorted({s.account for s in changed}))
            if len(changed) > 1 and not current.get(f) and _all_alike(f, changed):
                # a new person listed alike by several accounts (a first sync): with nothing in the store to
                # compete, identical sides can only agree; merging one of them gives the same value, faster
                changed = changed[:1]
            value, field_decisions = _merge_elements(f, current, current_modified, changed, rule, store_rank, sources)
            updates[attr] = value
            decisions.extend(field_decisions)
            continue
        cur = getattr(current, attr)
        first = getattr(changed[0].remote, attr)
        if all(getattr(s.remote, attr) == first for s in changed[1:]) and all(
            getattr(s.base or _EMPTY, attr) == cur for s in changed
        ):
            # every account that changed it agrees, and the store still holds what they started from: nothing
            # to decide (the same outcome as the rules below, without building candidates)
            if first != cur:
                decisions.append(FieldDecision(f, cur, first, changed[0].account))
            updates[attr] = first
            continue
        candidates = [Candidate(s.account, getattr(s.remote, attr), s.modified or EPOCH, s.rank) for s in changed]
        # the store changed this field too (a value the account never saw): it is a candidate of its own
        if any(cur != getattr(s.base or _EMPTY, attr) for s in changed) and all(cur != c.value for c in candidates):
            candidates.append(Candidate(STORE, cur, current_modified, store_rank))
        value, source, losers, queued = _decide(rule, candidates, cur)
        if value != cur or losers or queued:
            everyone = tuple((c.source, c.value) for c in candidates) if queued else ()
            if queued and cur not in ("", None) and all(c.source != STORE for c in candidates):
                everyone += ((STORE, cur),)
            decisions.append(
                FieldDecision(f, cur, value, source, tuple((c.source, c.value) for c in losers), queued, everyone)
            )
        updates[attr] = value
    return MergeOutcome(replace(current, **updates) if updates else current, tuple(decisions))


def _without_copies(
    attr: str,
    current: Contact,
    changed: list[Side],
    fits: Mapping[str, Callable[[Contact], Contact]],
    fitted: dict[tuple[str, str], Contact],
) -> list[Side]:
    """``changed`` without the first-seen sides whose value of ``attr`` is only a copy, as their platform holds it,
    of the store's value (an account added to a book) or of another side's different value (a first sync): see the
    module docstring. Copies of each other only, they all stay."""
    kept: list[Side] = []
    copies_of_sides: list[Side] = []
    for s in changed:
        mine = getattr(s.remote, attr)
        fit = fits.get(s.account)
        if s.base is not None or fit is None:
            kept.append(s)
            continue
        if (
            current is not _EMPTY
            and getattr(current, attr) != mine
            and current != _EMPTY
            and getattr(_fitted(fit, s.account, STORE, current, fitted), attr) == mine
        ):
            continue  # the store's value as this platform holds it: nothing of its own to say
        if any(
            t is not s
            and getattr(t.remote, attr) != mine
            and getattr(_fitted(fit, s.account, t.account, t.remote, fitted), attr) == mine
            for t in changed
        ):
            copies_of_sides.append(s)
            continue
        kept.append(s)
    return kept if kept or not copies_of_sides else copies_of_sides


def _fitted(
    fit: Callable[[Contact], Contact],
    account: str,
    source: str,
    contact: Contact,
    fitted: dict[tuple[str, str], Contact],
) -> Contact:
    """``contact`` (from ``source``) as ``account``'s platform holds it, computed once per merge."""
    key = (account, source)
    if key not in fitted:
        fitted[key] = fit(contact)
    return fitted[key]


def _merge_new(current: Contact, side: Side, plain_changes: bool = True) -> MergeOutcome:
    """:func:`merge` of a person first seen on one account (a first sync): the store holds nothing and the item
    has no base, so every changed field takes the item's value (a multi-valued one keyed as the general path
    keys it) and nothing conflicts. The same outcome as the general path, without its candidates (#18); when the
    result equals the item, it is the item itself (the store can reuse the item's encoded text)."""
    remote = side.remote
    if not plain_changes and _taken_as_it_is(current, side):
        # nothing to journal and nothing to key again: the item itself, without finding the fields it changed
        # (a walk of every field, a third of this merge on a first sync, #18)
        return MergeOutcome(remote, ())
    updates: dict[str, Any] = {}
    decisions: list[FieldDecision] = []
    changed = side.changed_fields
    # a field the side contributes and did not change holds its base's value, empty like the store's (merge's
    # condition): the same without comparing it (#18); one it does not contribute may differ
    same = all(getattr(remote, attr) == getattr(current, attr) for _f, attr in _not_contributed(side.fields))
    for f, attr in _FIELD_ATTRS:
        if f not in changed:
            continue
        theirs = getattr(remote, attr)
        value: Any = theirs
        if f in MULTI_VALUED and not _keyed_as_merged(f, theirs):
            value = _keyed(f, _as_dict(theirs))
            if value == theirs:
                value = theirs
            else:
                same = False
        if plain_changes:
            cur_value = getattr(current, attr)
            if value != cur_value:
                decisions.append(FieldDecision(f, cur_value, value, side.account))
        updates[attr] = value
    if same:
        return MergeOutcome(remote, tuple(decisions))
    return MergeOutcome(replace(current, **updates) if updates else current, tuple(decisions))


def _taken_as_it_is(current: Contact, side: Side) -> bool:
    """Whether :func:`_merge_new` leaves ``side``'s item as it is: each multi-valued field it contributes is keyed
    as merged (an empty one is), and each field it does not contribute is the store's value already."""
    remote = side.remote
    fields, values_of = _multi_contributed(side.fields)
    values = values_of(remote)
    # only the fields that hold something (a few of the twelve), picked in C: a loop over all of them cost more
    # than the checks (#18)
    for f, value in compress(zip(fields, values, strict=True), values):
        # one element (most fields of most contacts) is keyed as merged, as is a set of tags: no call for them
        if len(value) > 1 and (f is not _TAGS or value.__class__ is not frozenset) and not _keyed_as_merged(f, value):
            return False
    not_contributed = _not_contributed(side.fields)
    return not not_contributed or all(getattr(remote, attr) == getattr(current, attr) for _f, attr in not_contributed)


#: the fields a side does not contribute, by the fields it does (a few sets per run: one per kind of account)
_NOT_CONTRIBUTED: dict[frozenset[Field], tuple[tuple[Field, str], ...]] = {}
#: the multi-valued fields a side contributes and a function giving a contact's values of them, by the fields it does
_MULTI_CONTRIBUTED: dict[frozenset[Field], tuple[tuple[Field, ...], Callable[[Contact], tuple[Any, ...]]]] = {}


def forget_changed() -> None:
    """Let go of the sides :attr:`Side.changed_fields` keeps alive (and their contacts): the engine's last run out
    calls it (see :func:`contactsync.store.contacts.forget_encoded`)."""
    _CHANGED.clear()


def _not_contributed(fields: frozenset[Field]) -> tuple[tuple[Field, str], ...]:
    found = _NOT_CONTRIBUTED.get(fields)
    if found is None:
        found = _NOT_CONTRIBUTED[fields] = tuple((f, attr) for f, attr in _FIELD_ATTRS if f not in fields)
    return found


def _multi_contributed(fields: frozenset[Field]) -> tuple[tuple[Field, ...], Callable[[Contact], tuple[Any, ...]]]:
    found = _MULTI_CONTRIBUTED.get(fields)
    if found is None:
        multi = tuple(f for f, _attr in _FIELD_ATTRS if f in fields and f in MULTI_VALUED)
        # attrgetter of two names or more gives a tuple; of one, the value itself
        values_of: Callable[[Contact], tuple[Any, ...]] = (
            attrgetter(*(f.value for f in multi)) if len(multi) > 1 else lambda c: tuple(c.get(f) for f in multi)
        )
        found = _MULTI_CONTRIBUTED[fields] = (multi, values_of)
    return found


def _keyed(f: Field, result: dict[str, Element]) -> Any:
    """A multi-valued field's value from its elements by key, as the merge leaves it."""
    if f is Field.TAGS:
        return frozenset(result.values())
    if f is Field.CUSTOM or f is Field.VCARD_LINES:  # kept sorted, as normalize_contact leaves them
        return tuple(sorted(result.values(), key=element_key))
    return tuple(result.values())


def _keyed_as_merged(f: Field, items: Any) -> bool:
    """Whether ``_keyed(f, _as_dict(items))`` is ``items`` already: each element's key is its own (nothing is
    dropped) and, in a field kept sorted, the keys are in order. What a read leaves (normalize_contact): checked
    without building the value again (#18)."""
    if len(items) < 2 or (f is Field.TAGS and isinstance(items, frozenset)):
        # one element or none: its key is its own, in order (most fields of most contacts); a set of tags holds
        # each key once (tags are equal, and hashed, by their key)
        return True
    keys = items if f in _PLAIN_ELEMENTS else [element_key(e) for e in items]
    if f is Field.CUSTOM or f is Field.VCARD_LINES:
        # kept sorted: each key before the next, which says both (unique, in order) in one pass in C (#18)
        return all(map(lt, keys, keys[1:]))
    return len(set(keys)) == len(items)


#: the multi-valued fields whose elements are strings, each its own key
_PLAIN_ELEMENTS = frozenset({Field.NICKNAMES, Field.LANGUAGES, Field.VCARD_LINES})


def _as_dict(items: Any) -> dict[str, Element]:
    return {element_key(e): e for e in (sorted(items) if isinstance(items, frozenset) else items)}


def _all_alike(f: Field, sides: Sequence[Side]) -> bool:
    first = sides[0]
    value, base = first.remote.get(f), first.base_value(f)
    return all(s.remote.get(f) == value and s.base_value(f) == base for s in sides[1:])


def _merge_elements(
    f: Field,
    current: Contact,
    current_modified: datetime,
    changed: Sequence[Side],
    rule: ConflictRule,
    store_rank: int,
    sources: str,
) -> tuple[Any, list[FieldDecision]]:
    cur_value = current.get(f)
    result = _as_dict(cur_value)
    proposals: dict[str, list[tuple[Side, Element]]] = {}  # key → sides that added or modified it
    removals: dict[str, list[Side]] = {}
    bases: dict[str, dict[str, Element]] = {}
    remotes: dict[str, dict[str, Element]] = {}
    # an element a side edited in place (its key changed: another address, another number) → the key it replaced
    replaced: dict[str, str] = {}
    ordered = f not in _SORTED_FIELDS
    for s in changed:
        base = _as_dict(s.base_value(f))
        remote = _as_dict(s.remote.get(f))
        bases[s.account] = base
        remotes[s.account] = remote
        for key, elem in remote.items():
            if key not in base or _differs(base[key], elem):
                proposals.setdefault(key, []).append((s, elem))
        for key in base.keys() - remote.keys():
            removals.setdefault(key, []).append(s)
    if ordered and removals and proposals:
        # best rank first (then by name), whatever order the sides come in: two sides that edited one element in
        # place each take its place in the same order on every run (invariant 3)
        for s in sorted(changed, key=lambda side: (side.rank, side.account)):
            _note_replaced(bases[s.account], remotes[s.account], replaced)
    decisions: list[FieldDecision] = []
    queued_any = False
    losers_all: list[tuple[str, Any]] = []
    # removals first; an element someone else added or edited survives (edit beats delete, element-wise)
    for key in removals:
        if key not in proposals:
            result.pop(key, None)
    for key, props in proposals.items():
        candidates = [Candidate(s.account, e, s.modified or EPOCH, s.rank) for s, e in props]
        cur_elem = result.get(key)
        store_changed = any(_exact_or_none(bases[s.account].get(key)) != _exact_or_none(cur_elem) for s, _ in props)
        if store_changed and cur_elem is not None and all(_differs(cur_elem, c.value) for c in candidates):
            candidates.append(Candidate(STORE, cur_elem, current_modified, store_rank))
        distinct = {_exact(c.value) for c in candidates}
        if len(distinct) == 1:
            result[key] = candidates[0].value
            continue
        chosen = winner(rule, candidates)
        if chosen is None:
            queued_any = queued_any or rule is ConflictRule.MANUAL
            losers_all.extend(
                (c.source, c.value) for c in candidates if cur_elem is None or _differs(c.value, cur_elem)
            )
            continue
        result[key] = chosen.value
        losers_all.extend((c.source, c.value) for c in candidates if _differs(c.value, chosen.value))
    if replaced:
        result = _in_place(cur_value, result, replaced)
    new_value = _keyed(f, result)
    if new_value != cur_value or losers_all or queued_any:
        decisions.append(FieldDecision(f, cur_value, new_value, sources, tuple(losers_all), queued_any))
    return new_value, decisions


#: the multi-valued fields whose order is not the user's: tags are a set, custom fields and vCard lines kept sorted
_SORTED_FIELDS = frozenset({Field.TAGS, Field.CUSTOM, Field.VCARD_LINES})


def _note_replaced(base: dict[str, Element], remote: dict[str, Element], replaced: dict[str, str]) -> None:
    """The elements of one side that took the place of one it removed: an element new to the side standing where
    its base had one the side no longer has (an email, a nickname, a number edited in its field). Noted in
    ``replaced`` (new key → old key; the first side to replace a key wins)."""
    base_keys = list(base)
    for index, key in enumerate(remote):
        if index >= len(base_keys):
            break
        old = base_keys[index]
        if key not in base and old not in remote:
            replaced.setdefault(key, old)


def _in_place(cur_value: Any, result: dict[str, Element], replaced: Mapping[str, str]) -> dict[str, Element]:
    """``result`` with each element a side edited in place standing where the one it replaced stood, rather than
    last. A platform that holds a few of a field's values (Outlook: three emails, one nickname, one web page)
    holds the first ones: appended, the value its user typed would leave its slot to one the user never saw
    there, and the next write would put that one on the platform in its place."""
    before = [element_key(e) for e in cur_value]
    known = set(before)
    # an old element gone from the result, its place taken by the new one (new to the contact, and merged in)
    takes: dict[str, str] = {}
    for new, old in replaced.items():  # the first side's claim on an old element's place wins it
        if new in result and new not in known and old not in result:
            takes.setdefault(old, new)
    if not takes:
        return result
    placed = set(takes.values())
    order = [takes.get(key, key) for key in before if key in result or key in takes]
    order += [key for key in result if key not in known and key not in placed]
    return {key: result[key] for key in order}


def _exact(elem: Element) -> Any:
    # elements compare by key for tags; for the others the whole element matters (its type, its label)
    return (elem, getattr(elem, "name", None))


def _differs(a: Element, b: Element) -> bool:
    return bool(_exact(a) != _exact(b))


def _exact_or_none(elem: Element | None) -> Any:
    return None if elem is None else _exact(elem)
