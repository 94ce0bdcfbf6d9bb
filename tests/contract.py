"""The connector contract: what every connector must do, whatever the platform.

Use it by subclassing and providing a ``connector`` fixture that yields a connector on a fresh, empty account
(the class name must start with ``Test`` so pytest collects it)::

    class TestVdirContract(ConnectorContract):
        @pytest.fixture
        def connector(self, tmp_path):
            c = VdirConnector("vdir", tmp_path)
            yield c
            c.close()

A connector that cannot hold some field declares it in ``capabilities.fields``; the suite compares through
``connector.fit`` so lossy platforms pass as long as they are honest about what they keep.

The cases only the platform can create (an unreadable item, a refused write, a read-only account, an answer
lost after the write was applied) are reached through a ``faults`` fixture returning a :class:`ContractFaults`
that arms the platform's own fault (the emulators' knobs, a proxy in front of a real server). A connector whose
platform cannot produce a case overrides the method to skip, saying why; the default skips naming what is
missing. Two cases run the real engine on a store, because what matters there is the next run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from contactsync.connector import (
    BaseConnector,
    Change,
    ChangeKind,
    ChangeResult,
    Connector,
    PullResult,
    RecordedWrite,
    RemoteContact,
)
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.engine.report import AccountReport
from contactsync.errors import ConnectorError, ItemRejected, PreconditionFailed, SyncTokenExpired
from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PostalAddress,
    Tag,
    Url,
)
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings, frozen_mapping
from contactsync.store import Store


def sample_contact(n: int = 1, *, tags: Sequence[str] = ("Staff",)) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Ana{n}", family="Souza", middle="M"),
            display_name=f"Ana{n} M Souza",
            nicknames=("Aninha",),
            emails=(Email(f"ana{n}@example.org", EmailKind.WORK), Email(f"ana{n}@home.example", EmailKind.HOME)),
            phones=(Phone(f"+5511987654{n:03d}", PhoneKind.MOBILE), Phone("+551133334444", PhoneKind.WORK)),
            addresses=(
                PostalAddress(
                    street="Rua A, 10",
                    locality="São Paulo",
                    region="SP",
                    postal_code="01000-000",
                    country="Brasil",
                    kind=AddressKind.WORK,
                ),
            ),
            organization="Acme",
            department="Sales",
            job_title="Manager",
            birthday=PartialDate(None, 4, 15),
            urls=(Url("https://example.org/ana"),),
            note="Met at the fair.\nLikes tea.",
            tags=frozenset(Tag(t) for t in tags),
        )
    )


def pull_all(connector: Connector) -> tuple[dict[str, RemoteContact], str | None]:
    result = connector.pull(None)
    assert result.full, "a pull without state must be a full listing"
    return {rc.ref.id: rc for rc in result.changed}, result.next_state


def push_one(connector: Connector, change: Change) -> ChangeResult:
    (result,) = connector.push([change])
    return result


def create(connector: Connector, contact: Contact, contact_id: str = "cid-1") -> ChangeResult:
    result = push_one(connector, Change(ChangeKind.CREATE, contact_id, contact=connector.fit(contact)))
    assert result.ok, result.error
    assert result.ref is not None
    return result


class ContractFaults:
    """The platform's real faults for the contract's fault cases. Each default skips, naming what is missing;
    a connector's test overrides what its platform can do, and skips with the platform's reason otherwise."""

    def _missing(self, what: str) -> NoReturn:
        pytest.skip(f"this connector's test gives no way to {what}")

    def plant_unreadable(self) -> str:
        """Put an item on the account that the connector cannot read as a contact; return its remote id."""
        self._missing("plant an unreadable item")

    def exists(self, remote_id: str) -> bool:
        """Whether the platform still holds ``remote_id`` (read directly, not through the connector)."""
        self._missing("look at the platform directly")

    def refuse_next_write(self) -> None:
        """Make the platform refuse the next item write as invalid (a 4xx about the item, not the request)."""
        self._missing("make the platform refuse an item")

    def read_only(self) -> Connector:
        """A connector on the same account whose ``capabilities.read_only`` is set (a pull-only account)."""
        self._missing("build a read-only connector")

    def lose_next_write_answer(self) -> None:
        """Apply the next write on the platform, then lose its answer (the connection drops)."""
        self._missing("lose a write's answer")

    def lost_answer_fired(self) -> bool:
        """Whether the armed lost answer has happened (so a test that passes did meet the fault)."""
        self._missing("tell whether the lost answer happened")

    def edit_elsewhere(self, remote_id: str) -> None:
        """Change the item's content as another client would, keeping what a cheap check sees the same where
        the platform allows it (a file's size and modification time)."""
        self._missing("edit an item behind the connector's back")


class _CountingConnector:
    """The connector under test as the engine sees it, counting the changes in each push."""

    def __init__(self, inner: Connector) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self.pushes: list[int] = []

    def pull(self, state: str | None) -> PullResult:
        return self.inner.pull(state)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        return self.inner.fetch(ids)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        self.pushes.append(len(changes))
        return self.inner.push(changes)

    def fit(self, contact: Contact) -> Contact:
        return self.inner.fit(contact)

    def tag_counts(self) -> Mapping[Tag, int]:
        return self.inner.tag_counts()

    def close(self) -> None:
        return None  # the connector fixture closes the connector under test

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _Book:
    """A book of two accounts run by the real engine on a SQLite store: an in-memory source, and the connector
    under test. Runs as many times as asked, like the daemon would."""

    def __init__(self, folder: Path, connector: Connector, contacts: int) -> None:
        self.source = MemoryBackend("contract-source")
        for n in range(contacts):
            self.source.user_create(sample_contact(n + 1))
        self.target = _CountingConnector(connector)
        self.url = f"sqlite:///{folder / 'contract.db'}"
        self.book = BookSettings(
            "contract",
            (
                AccountSettings("source", "memory", options=frozen_mapping({"backend": "contract-source"})),
                AccountSettings(connector.name, "contract"),
            ),
        )

    def run(self) -> AccountReport:
        """One run of the book; the report of the account under test."""
        connectors: dict[str, Connector] = {
            "source": MemoryConnector("source", self.source),
            self.target.name: self.target,
        }
        with Store.open(self.url) as store:
            return Engine(store, self.book, connectors, sleep=lambda _s: None).run().accounts[self.target.name]


class ConnectorContract:
    """Subclasses provide a ``connector`` fixture on a fresh empty account, and a ``faults`` fixture (a
    :class:`ContractFaults` on the same account) for the fault cases."""

    @pytest.fixture
    def faults(self) -> ContractFaults:
        return ContractFaults()

    def test_empty_account_lists_nothing(self, connector: Connector) -> None:
        items, state = pull_all(connector)
        assert items == {}
        assert state is not None, "a full listing must give a state for the next incremental pull"

    def test_created_contact_is_listed_with_its_content_and_marker(self, connector: Connector) -> None:
        contact = sample_contact()
        written = create(connector, contact, "cid-created")
        items, _ = pull_all(connector)
        assert written.ref is not None
        assert list(items) == [written.ref.id]
        listed = items[written.ref.id]
        assert listed.marker == "cid-created"
        assert listed.contact == connector.fit(contact)
        assert listed.ref.etag == written.ref.etag

    def test_fit_is_stable(self, connector: Connector) -> None:
        contact = sample_contact()
        assert connector.fit(connector.fit(contact)) == connector.fit(contact)

    def test_incremental_pull_without_change_lists_nothing(self, connector: Connector) -> None:
        create(connector, sample_contact())
        _, state = pull_all(connector)
        again = connector.pull(state)
        assert not again.full
        assert list(again.changed) == [] and again.deleted == ()

    def test_incremental_pull_shows_update_and_delete(self, connector: Connector) -> None:
        a = create(connector, sample_contact(1), "cid-a")
        b = create(connector, sample_contact(2), "cid-b")
        _, state = pull_all(connector)
        assert a.ref is not None and b.ref is not None
        new_a = connector.fit(sample_contact(1, tags=("Staff", "VIP")))
        upd = push_one(
            connector,
            Change(ChangeKind.UPDATE, "cid-a", contact=new_a, ref=a.ref, previous=connector.fit(sample_contact(1))),
        )
        assert upd.ok, upd.error
        dele = push_one(connector, Change(ChangeKind.DELETE, "cid-b", ref=b.ref))
        assert dele.ok, dele.error
        inc: PullResult = connector.pull(state)
        changed = {rc.ref.id: rc for rc in inc.changed}
        assert a.ref.id in changed and changed[a.ref.id].contact == new_a
        assert b.ref.id in inc.deleted
        assert b.ref.id not in changed

    def test_update_with_stale_etag_is_refused_and_changes_nothing(self, connector: Connector) -> None:
        a = create(connector, sample_contact(1), "cid-a")
        assert a.ref is not None
        first = push_one(
            connector,
            Change(ChangeKind.UPDATE, "cid-a", contact=connector.fit(sample_contact(1, tags=("One",))), ref=a.ref),
        )
        assert first.ok, first.error
        stale = push_one(
            connector,
            Change(ChangeKind.UPDATE, "cid-a", contact=connector.fit(sample_contact(1, tags=("Two",))), ref=a.ref),
        )
        assert isinstance(stale.error, PreconditionFailed)
        items, _ = pull_all(connector)
        assert items[a.ref.id].contact == connector.fit(sample_contact(1, tags=("One",)))

    def test_delete_with_stale_etag_is_refused(self, connector: Connector) -> None:
        a = create(connector, sample_contact(1), "cid-a")
        assert a.ref is not None
        push_one(
            connector,
            Change(ChangeKind.UPDATE, "cid-a", contact=connector.fit(sample_contact(1, tags=("One",))), ref=a.ref),
        )
        stale = push_one(connector, Change(ChangeKind.DELETE, "cid-a", ref=a.ref))
        assert isinstance(stale.error, PreconditionFailed)
        items, _ = pull_all(connector)
        assert a.ref.id in items

    def test_write_to_missing_item_says_gone(self, connector: Connector) -> None:
        a = create(connector, sample_contact(1), "cid-a")
        assert a.ref is not None
        assert push_one(connector, Change(ChangeKind.DELETE, "cid-a", ref=a.ref)).ok
        again = push_one(
            connector, Change(ChangeKind.UPDATE, "cid-a", contact=connector.fit(sample_contact(1)), ref=a.ref)
        )
        assert isinstance(again.error, PreconditionFailed)
        assert again.error.gone

    def test_fetch_returns_current_items_and_omits_missing(self, connector: Connector) -> None:
        a = create(connector, sample_contact(1), "cid-a")
        assert a.ref is not None
        got = connector.fetch([a.ref.id])
        assert set(got) == {a.ref.id}
        assert got[a.ref.id].contact == connector.fit(sample_contact(1))
        assert push_one(connector, Change(ChangeKind.DELETE, "cid-a", ref=got[a.ref.id].ref)).ok
        assert connector.fetch([a.ref.id]) == {}

    def test_batch_gives_one_result_per_change_in_order(self, connector: Connector) -> None:
        n = min(5, connector.capabilities.max_batch)
        changes = [Change(ChangeKind.CREATE, f"cid-{i}", contact=connector.fit(sample_contact(i))) for i in range(n)]
        results = connector.push(changes)
        assert [r.change.contact_id for r in results] == [c.contact_id for c in changes]
        assert all(r.ok for r in results)
        items, _ = pull_all(connector)
        assert sorted(rc.marker or "" for rc in items.values()) == sorted(c.contact_id for c in changes)

    def test_tag_counts_are_read_back(self, connector: Connector) -> None:
        if not connector.capabilities.holds_tags:
            pytest.skip("this platform holds no tags")
        create(connector, sample_contact(1, tags=("Staff", "VIP")), "cid-1")
        create(connector, sample_contact(2, tags=("staff",)), "cid-2")
        counts = {t.key: n for t, n in connector.tag_counts().items()}
        assert counts.get("staff") == 2
        assert counts.get("vip") == 1

    def test_expired_state_is_reported_not_guessed(self, connector: Connector) -> None:
        create(connector, sample_contact(1))
        try:
            result = connector.pull("this-state-was-never-issued")
        except SyncTokenExpired:
            return
        # A connector may also treat an unknown state as "start over": then it must say the listing is full.
        assert result.full

    # ------------------------------------------------------------------------- what every connector must get right
    def test_writes_folded_into_the_state_hide_no_change_made_since(
        self, connector: Connector, faults: ContractFaults
    ) -> None:
        """absorb_writes (#18): the next pull may skip a write folded into the state, but never an edit made
        after it, and a full listing lists everything."""
        _, state = pull_all(connector)  # the state from before the writes, as the engine keeps it
        kept = create(connector, sample_contact(1), "cid-kept")
        edited = create(connector, sample_contact(2), "cid-edited")
        assert kept.ref is not None and edited.ref is not None
        absorb = getattr(connector, "absorb_writes", BaseConnector().absorb_writes)
        folded = absorb(state, [RecordedWrite.of(kept), RecordedWrite.of(edited)])
        faults.edit_elsewhere(edited.ref.id)
        after = {rc.ref.id: rc for rc in connector.pull(folded).changed}
        assert edited.ref.id in after, "an item edited after our write must be read"
        assert after[edited.ref.id].contact != connector.fit(sample_contact(2))
        if kept.ref.id in after:  # not folded: read back, as it was written
            assert after[kept.ref.id].ref.etag == kept.ref.etag
        assert set(pull_all(connector)[0]) == {kept.ref.id, edited.ref.id}

    def test_an_unreadable_item_is_quarantined_not_fatal_not_deleted(
        self, connector: Connector, faults: ContractFaults
    ) -> None:
        good = create(connector, sample_contact(1), "cid-good")
        bad = faults.plant_unreadable()
        listing = connector.pull(None)
        assert good.ref is not None and good.ref.id in {rc.ref.id for rc in listing.changed}
        quarantined = {q.remote_id: q.reason for q in listing.quarantined}
        assert quarantined.get(bad), "an unreadable item is reported with its reason"
        assert bad not in {rc.ref.id for rc in listing.changed} and bad not in listing.deleted
        again = connector.pull(listing.next_state)
        assert bad not in again.deleted, "an unreadable item is never reported as gone"
        # the connector wrote nothing to it: it is still there for the admin to repair
        assert faults.exists(bad)

    def test_a_refused_item_is_reported_in_its_result_not_raised(
        self, connector: Connector, faults: ContractFaults
    ) -> None:
        faults.refuse_next_write()
        (refused,) = connector.push(
            [Change(ChangeKind.CREATE, "cid-refused", contact=connector.fit(sample_contact(1)))]
        )
        assert isinstance(refused.error, ItemRejected), refused.error
        # refused means not written, and the account goes on taking writes
        accepted = create(connector, sample_contact(2), "cid-accepted")
        items, _ = pull_all(connector)
        assert accepted.ref is not None and list(items) == [accepted.ref.id]

    def test_a_read_only_account_refuses_every_write(self, connector: Connector, faults: ContractFaults) -> None:
        existing = create(connector, sample_contact(1), "cid-existing")
        assert existing.ref is not None
        read_only = faults.read_only()
        try:
            assert read_only.capabilities.read_only
            (listed,) = pull_all(read_only)[0].values()  # reading works
            writes = [
                Change(ChangeKind.CREATE, "cid-new", contact=connector.fit(sample_contact(2))),
                Change(
                    ChangeKind.UPDATE,
                    "cid-existing",
                    contact=connector.fit(sample_contact(1, tags=("Changed",))),
                    ref=listed.ref,
                ),
                Change(ChangeKind.DELETE, "cid-existing", ref=listed.ref),
            ]
            try:
                results = read_only.push(writes)
            except ConnectorError:
                results = []  # refusing the whole batch at once is fine too
            assert all(not r.ok for r in results), [r.change.kind for r in results if r.ok]
        finally:
            read_only.close()
        items, _ = pull_all(connector)
        assert list(items) == [existing.ref.id]
        assert items[existing.ref.id].contact == connector.fit(sample_contact(1))

    def test_a_full_batch_is_taken_in_one_push(self, connector: Connector) -> None:
        n = min(connector.capabilities.max_batch, 200)  # a platform's own limit is what the emulators enforce
        changes = [Change(ChangeKind.CREATE, f"cid-{i}", contact=connector.fit(sample_contact(i))) for i in range(n)]
        results = connector.push(changes)
        assert [r.change.contact_id for r in results] == [c.contact_id for c in changes]
        assert all(r.ok for r in results), next(r.error for r in results if not r.ok)
        items, _ = pull_all(connector)
        assert len(items) == n

    def test_the_engine_never_pushes_more_than_max_batch(
        self, connector: Connector, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        batch = connector.capabilities.max_batch
        book = _Book(tmp_path_factory.mktemp("store"), connector, contacts=batch + 1)
        book.run()
        assert book.target.pushes and max(book.target.pushes) <= batch, book.target.pushes
        items, _ = pull_all(connector)
        assert len(items) == batch + 1

    def test_a_lost_answer_does_not_duplicate_on_the_next_run(
        self, connector: Connector, faults: ContractFaults, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        book = _Book(tmp_path_factory.mktemp("store"), connector, contacts=3)
        faults.lose_next_write_answer()
        book.run()
        assert faults.lost_answer_fired(), "the lost answer never happened: nothing was tested"
        second = book.run()
        assert second.error is None and second.pending == 0, second.as_dict()
        items, _ = pull_all(connector)
        markers = sorted(rc.marker or "" for rc in items.values())
        assert len(items) == 3 and len(set(markers)) == 3 and all(markers), markers
        assert len(book.source.items) == 3, "nothing came back to the source either"
