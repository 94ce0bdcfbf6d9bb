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
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from contactsync.connector import Change, ChangeKind, ChangeResult, Connector, PullResult, RemoteContact
from contactsync.errors import PreconditionFailed, SyncTokenExpired
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


def sample_contact(n: int = 1, *, tags: Sequence[str] = ("Staff",)) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Ana{n}", family="Souza", middle="M"),
            display_name=f"Ana{n} M Souza",
            nickname="Aninha",
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


class ConnectorContract:
    """Subclasses provide a ``connector`` fixture on a fresh empty account."""

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
