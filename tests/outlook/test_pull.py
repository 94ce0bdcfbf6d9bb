"""How many requests a listing costs, and that markers come back right whichever way they are read."""

from __future__ import annotations

from dataclasses import replace

from contactsync.connector import Change, ChangeKind
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from tests.contract import sample_contact

from .conftest import USER
from .fixtures import outlook


def _graph_requests(emu: GraphEmulator) -> dict[RequestKind, int]:
    return {k: v for k, v in emu.requests.items() if k not in (RequestKind.TOKEN, RequestKind.DISCOVERY)}


def test_full_listing_reads_markers_with_one_scan_page(emulator: GraphEmulator) -> None:
    c = outlook(emulator, page_size=1000)
    try:
        created = c.push(
            [Change(ChangeKind.CREATE, f"cid-{i}", contact=c.fit(sample_contact(i, tags=()))) for i in range(20)]
        )
        emulator.seed(USER, [{"givenName": f"Theirs{i}"} for i in range(30)])  # never written by us
        emulator.reset_counters()
        result = c.pull(None)
    finally:
        c.close()
    by_id = {rc.ref.id: rc.marker for rc in result.changed}
    assert len(by_id) == 50
    assert {by_id[r.ref.id] for r in created if r.ref} == {f"cid-{i}" for i in range(20)}
    assert sum(1 for m in by_id.values() if m is None) == 30
    assert _graph_requests(emulator) == {RequestKind.DELTA: 1, RequestKind.LIST: 1}


def test_few_changes_read_markers_in_batches_many_by_a_scan(emulator: GraphEmulator) -> None:
    c = outlook(emulator, page_size=1000)
    try:
        results = [
            r
            for start in (0, 20, 40)
            for r in c.push(
                [
                    Change(ChangeKind.CREATE, f"cid-{i}", contact=c.fit(sample_contact(i, tags=())))
                    for i in range(start, start + 20)
                ]
            )
        ]
        state = c.pull(None).next_state
        ids = [r.ref.id for r in results if r.ref]
        for item_id in ids[:3]:
            emulator.edit(USER, item_id, {"jobTitle": "Few"})
        emulator.reset_counters()
        few = c.pull(state)
        assert _graph_requests(emulator) == {
            RequestKind.DELTA: 1,
            RequestKind.BATCH: 1,
            RequestKind.GET: 3,
            RequestKind.BATCH_MEMBER: 3,
        }
        for item_id in ids[:50]:
            emulator.edit(USER, item_id, {"jobTitle": "Many"})
        emulator.reset_counters()
        many = c.pull(few.next_state)
        # 50 changed ids would take 3 batches; counting the folder (1) and scanning it (1) is cheaper
        assert _graph_requests(emulator) == {RequestKind.DELTA: 1, RequestKind.LIST: 2}
    finally:
        c.close()
    assert sorted(rc.marker or "" for rc in few.changed) == ["cid-0", "cid-1", "cid-2"]
    assert sorted(rc.marker or "" for rc in many.changed) == sorted(f"cid-{i}" for i in range(50))
    assert all(rc.contact.job_title == "Many" for rc in many.changed)


def test_a_folder_named_in_the_options_is_the_whole_account(emulator: GraphEmulator) -> None:
    folder_id = emulator.add_folder(USER, "Customers")
    emulator.seed(USER, [{"givenName": "InMainFolder"}])
    c = outlook(emulator, folder="Customers")
    try:
        (created,) = c.push([Change(ChangeKind.CREATE, "cid-1", contact=c.fit(sample_contact(1)))])
        listed = c.pull(None)
    finally:
        c.close()
    assert [rc.ref.id for rc in listed.changed] == [created.ref.id if created.ref else ""]
    assert [x["givenName"] for x in emulator.contacts(USER, folder_id)] == ["Ana1"]


def test_with_kept_copies_a_new_process_reads_no_marker_of_items_it_wrote_nor_the_categories(
    emulator: GraphEmulator,
) -> None:
    """A fresh connector (a new process) given the store's copies: the changed items it wrote before need no
    marker read, and a write whose categories exist needs no categories read: delta + one $batch."""
    from contactsync.store import Store

    store = Store.open("sqlite://")
    first = outlook(emulator, page_size=1000)
    first.keep_copies(store.copies("outlook"))
    try:
        written = first.push(
            [Change(ChangeKind.CREATE, f"cid-{i}", contact=first.fit(sample_contact(i))) for i in range(10)]
        )
        state = first.pull(None).next_state
    finally:
        first.close()
    ids = [r.ref.id for r in written if r.ref]
    theirs = emulator.seed(USER, [{"givenName": "Made in Outlook"}])[0]
    for item_id in ids[:3]:
        emulator.edit(USER, item_id, {"jobTitle": "Edited in Outlook"})
    emulator.reset_counters()

    fresh = outlook(emulator, page_size=1000)
    fresh.keep_copies(store.copies("outlook"))
    try:
        pulled = fresh.pull(state)
        # the item made in Outlook is new to us: its marker (none) is read, the three we wrote are not
        assert _graph_requests(emulator) == {
            RequestKind.DELTA: 1,
            RequestKind.BATCH: 1,
            RequestKind.GET: 1,
            RequestKind.BATCH_MEMBER: 1,
        }
        assert {rc.ref.id: rc.marker for rc in pulled.changed} == {
            **{item_id: f"cid-{i}" for i, item_id in enumerate(ids[:3])},
            theirs: None,
        }
        emulator.reset_counters()
        targets = [rc for rc in pulled.changed if rc.marker is not None]
        results = fresh.push(
            [
                Change(
                    ChangeKind.UPDATE,
                    rc.marker or "",
                    ref=rc.ref,
                    previous=rc.contact,
                    contact=fresh.fit(replace(sample_contact(i), job_title="Ours again")),
                )
                for i, rc in enumerate(targets)
            ]
        )
        assert all(r.ok for r in results)
        # the tags' categories exist (kept from the first process): no categories read, only the $batch
        assert _graph_requests(emulator) == {RequestKind.BATCH: 1, RequestKind.UPDATE: 3, RequestKind.BATCH_MEMBER: 3}
        emulator.reset_counters()
        results = fresh.push(
            [
                Change(
                    ChangeKind.UPDATE,
                    targets[0].marker or "",
                    ref=results[0].ref,
                    previous=results[0].change.contact,
                    contact=fresh.fit(sample_contact(0, tags=("New", "Newer", "Newest"))),
                )
            ]
        )
        assert results[0].ok
        # tags no kept category names: the list is read again, and the three categories made in one $batch
        assert _graph_requests(emulator) == {
            RequestKind.CATEGORIES: 4,
            RequestKind.BATCH: 2,
            RequestKind.UPDATE: 1,
            RequestKind.BATCH_MEMBER: 4,
        }
        assert {"New", "Newer", "Newest"} <= {c["displayName"] for c in emulator.master_categories(USER)}
    finally:
        fresh.close()
        store.close()


def test_an_item_read_without_a_marker_is_not_read_again_when_it_changes(emulator: GraphEmulator) -> None:
    """A first sync writes nothing to items nobody changed (#15), so most of a mailbox stays unmarked: that an item
    carries no marker is kept too, and a later change to it made in Outlook costs no marker read. An id never seen
    (our create whose answer was lost) is still read, and its marker found."""
    from contactsync.store import Store

    store = Store.open("sqlite://")
    theirs = emulator.seed(USER, [{"givenName": f"Theirs{i}"} for i in range(30)])
    first = outlook(emulator, page_size=1000)
    first.keep_copies(store.copies("outlook"))
    try:
        state = first.pull(None).next_state  # the full listing: one scan finds no marker on any of them
    finally:
        first.close()
    for item_id in theirs[:3]:
        emulator.edit(USER, item_id, {"jobTitle": "Edited in Outlook"})
    # written by another connector with no copies: to ours, an id never seen that carries our marker
    elsewhere = outlook(emulator, page_size=1000)
    try:
        (lost,) = elsewhere.push([Change(ChangeKind.CREATE, "cid-lost", contact=elsewhere.fit(sample_contact(1)))])
    finally:
        elsewhere.close()
    emulator.reset_counters()

    fresh = outlook(emulator, page_size=1000)
    fresh.keep_copies(store.copies("outlook"))
    try:
        pulled = fresh.pull(state)
        # the three edited items are known to carry none: only the new id's marker is read
        assert _graph_requests(emulator) == {
            RequestKind.DELTA: 1,
            RequestKind.BATCH: 1,
            RequestKind.GET: 1,
            RequestKind.BATCH_MEMBER: 1,
        }
        assert lost.ref is not None
        assert {rc.ref.id: rc.marker for rc in pulled.changed} == {
            **dict.fromkeys(theirs[:3]),
            lost.ref.id: "cid-lost",
        }
        for item_id in theirs[:3]:
            emulator.edit(USER, item_id, {"jobTitle": "Edited again"})
        emulator.reset_counters()
        again = fresh.pull(pulled.next_state)
        assert _graph_requests(emulator) == {RequestKind.DELTA: 1}
        assert {rc.ref.id: rc.marker for rc in again.changed} == dict.fromkeys(theirs[:3])
    finally:
        fresh.close()
        store.close()
