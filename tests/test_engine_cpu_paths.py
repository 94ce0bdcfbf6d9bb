"""The engine's and the store's shortcuts on a first sync (issue #18) give what the long ways give: a first-seen
person's merge without its plain changes, a multi-valued field taken as it was read, the store's reads by one
bound parameter, the push's owed contacts in the order they were owed, and the fit memo's keys."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from contactsync.connector import ChangeKind
from contactsync.connectors.fitmemo import FitMemo
from contactsync.engine.merge import Side, _as_dict, _keyed, _keyed_as_merged, merge
from contactsync.model import ALL_FIELDS, MULTI_VALUED, Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.settings import ConflictRule, ConflictSettings
from contactsync.store import Link, Store
from tests.fidelity import sample_contacts

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _raw() -> Contact:
    """A contact as no read leaves it: one email key twice, custom entries and vCard lines out of order."""
    return Contact(
        name=Name("Ann", "Lee"),
        nicknames=("Annie", "Annie"),
        emails=(Email("a@x.com", EmailKind.HOME), Email("A@X.COM", EmailKind.WORK)),
        tags=frozenset({Tag("b"), Tag("a")}),
        custom=(("z", "1"), ("a", "2")),
        vcard_lines=("X-B:1", "X-A:2"),
    )


def _people() -> list[Contact]:
    found = sample_contacts()
    return [*found, normalize_contact(found[0]), _raw(), Contact()]


def test_a_multi_valued_field_read_as_merged_is_taken_as_it_is() -> None:
    for person in _people():
        for f in MULTI_VALUED:
            value = person.get(f)
            long_way = _keyed(f, _as_dict(value))
            assert _keyed_as_merged(f, value) == (long_way == value and type(long_way) is type(value)), (f, value)


@pytest.mark.parametrize("kept", [ALL_FIELDS, frozenset({Field.NAME, Field.EMAILS, Field.TAGS})])
def test_a_first_seen_persons_merge_without_plain_changes_leaves_them_out_only(kept: frozenset[Field]) -> None:
    for person in _people():
        side = Side("a", None, person, WHEN, 1, kept)
        full = merge(Contact.EMPTY, WHEN, [side], ConflictSettings())
        short = merge(Contact.EMPTY, WHEN, [side], ConflictSettings(), plain_changes=False)
        assert short.contact == full.contact
        assert short.decisions == tuple(d for d in full.decisions if d.losers or d.queued) == ()


def test_a_merge_of_several_sides_without_plain_changes_keeps_what_lost_or_waits() -> None:
    ann, other = sample_contacts()[:2]
    sides = [Side("a", None, ann, WHEN, 1, ALL_FIELDS), Side("b", None, other, WHEN, 2, ALL_FIELDS)]
    for rule in (ConflictRule.PRIORITY, ConflictRule.MANUAL):
        conflicts = ConflictSettings(default=rule)
        full = merge(Contact.EMPTY, WHEN, sides, conflicts)
        short = merge(Contact.EMPTY, WHEN, sides, conflicts, plain_changes=False)
        assert short.contact == full.contact
        assert short.decisions == tuple(d for d in full.decisions if d.losers or d.queued)
        assert short.decisions  # two different people: something lost or waits


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.close()


def test_the_push_reads_the_owed_contacts_of_a_chunk_oldest_first(store: Store) -> None:
    people = {f"c{i}": Contact(display_name=f"P{i}") for i in range(6)}
    with store.transaction() as tx:
        tx.put_contacts("book", people, new=True)
        tx.queue("acct", ["c4", "c2"], ChangeKind.CREATE)
    time.sleep(0.01)  # queued later
    with store.transaction() as tx:
        tx.queue("acct", ["c1", "c3"], ChangeKind.UPDATE)
        tx.queue("other", ["c0", "c5"], ChangeKind.CREATE)
    assert store.owed_contacts("acct", ["c0", "c1", "c2", "c3", "c4", "c5"]) == ["c2", "c4", "c1", "c3"]
    assert store.owed_contacts("acct", ["c3", "c0"]) == ["c3"]
    assert store.owed_contacts("acct", []) == []


def test_links_and_contacts_are_read_by_their_ids_whatever_their_number(store: Store) -> None:
    people = {f"c{i:04}": Contact(display_name=f"P{i}") for i in range(1200)}  # more than one chunk of ids
    with store.transaction() as tx:
        tx.put_contacts("book", people, new=True)
        tx.insert_links([Link("acct", f"r{cid}", cid, "e", c) for cid, c in people.items()])
    ids = [*people, "nobody"]
    assert {cid: r.contact for cid, r in store.contacts(ids).items()} == people
    by_item = store.links_by_remote("acct", [f"r{cid}" for cid in ids])
    assert {lk.contact_id for lk in by_item.values()} == set(people)
    assert set(store.account_links("acct", ids)) == set(people)
    assert set(store.account_links("other", ids)) == set()
    assert {cid for cid, links in store.links_by_contact(ids).items() if "acct" in links} == set(people)
    assert store.contacts([]) == {} and store.links_by_contact([]) == {}


def test_the_fit_memo_knows_an_equal_contact_and_tells_tag_spellings_apart() -> None:
    walks: list[Contact] = []

    def fit(contact: Contact) -> Contact:
        walks.append(contact)
        return replace(contact, job_title="fitted")

    memo = FitMemo(fit)
    tagged = Contact(display_name="A", tags=frozenset({Tag("Team")}))
    assert memo(tagged).job_title == "fitted" and len(walks) == 1
    assert memo(replace(tagged, display_name="A")).job_title == "fitted" and len(walks) == 1  # equal, not the same
    assert memo(replace(tagged, tags=frozenset({Tag("team")}))).job_title == "fitted" and len(walks) == 2
    memo.seed(tagged)  # a card read: its own fit from now on
    assert memo(replace(tagged, display_name="A")) == tagged and len(walks) == 2


def test_the_fit_memo_hashes_no_seeded_card_it_is_asked_about_by_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[Contact] = []
    real_hash = Contact.__hash__

    def counted(self: Contact) -> int:
        hashed.append(self)
        return real_hash(self)

    monkeypatch.setattr(Contact, "__hash__", counted)
    memo = FitMemo(lambda c: replace(c, job_title="fitted"))
    read = [Contact(display_name=f"P{i}") for i in range(3)]
    for contact in read:
        memo.seed(contact)
    assert [memo(c) for c in read] == read and hashed == []
    # an equal contact, not the one read: the seeds are keyed now, and it is answered as its own fit
    assert memo(replace(read[1], display_name="P1")) is read[1]
    assert hashed
