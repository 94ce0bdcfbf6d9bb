"""Copies of persons kept in the store between runs, and labels taken from the state: what a small run sends.

A run is a new process (``World.run`` builds new connectors and reopens the store), as the daemon's timer and
the benchmarks run it. Requests are counted at the emulator.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from contactsync.connector import Change, ChangeKind
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.model import Phone, PhoneKind, Tag
from contactsync.store import Store

from .conftest import ALICE
from .helpers import connector_for
from .test_connector import World, api_requests, only


def requests(emulator: PeopleEmulator) -> dict[RequestKind, int]:
    return {kind: n for kind, n in emulator.requests.items() if n and kind is not RequestKind.TOKEN}


def test_a_new_process_writes_ten_edits_over_the_kept_copies_with_one_listing_and_one_batch(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    team = emulator.create_group(ALICE, "Team")
    names = emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": f"P{i}", "familyName": "Test", "phoneticGivenName": "Pee"}],
                "emailAddresses": [{"value": f"p{i}@example.org"}],
                "phoneNumbers": [{"value": f"+1202555{i:04d}", "type": "satellite"}],  # a type of the user's own
                "organizations": [{"title": "Staff"}, {"name": "Choir", "title": "Bass"}],  # only the first is mapped
                "relations": [{"person": "Bob", "type": "spouse"}],  # not mapped at all
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": team}}],
            }
            for i in range(12)
        ],
    )
    world = World(emulator, tmp_path / "store.db")
    world.run()
    world.run()  # our markers listed once
    by_email = {c.emails[0].address: (i, c) for i, c in world.memory.contacts().items()}
    # one edit adds a phone: the call's mask then names phoneNumbers for all ten, which are sent back as the
    # copies hold them (their own type included); the other nine change a job title. Tags stay as they are.
    item, first = by_email["p0@example.org"]
    world.memory.user_edit(item, replace(first, phones=(*first.phones, Phone("+12025559999", PhoneKind.HOME))))
    for n in range(1, 10):
        item, contact = by_email[f"p{n}@example.org"]
        world.memory.user_edit(item, replace(contact, job_title="Engineer"))

    emulator.reset_counters()
    report = world.run()
    assert only(report, "google").updated == 10
    assert requests(emulator) == {RequestKind.LIST_CONNECTIONS: 1, RequestKind.BATCH_UPDATE: 1}
    for n, name in enumerate(names[:10]):
        now = emulator.person(ALICE, name)
        assert now["phoneNumbers"][0]["type"] == "satellite"
        assert [p["value"] for p in now["phoneNumbers"]][1:] == (["+12025559999"] if n == 0 else [])
        assert [o.get("title") for o in now["organizations"]] == ["Staff" if n == 0 else "Engineer", "Bass"]
        assert [(r["person"], r["type"]) for r in now["relations"]] == [("Bob", "spouse")]
        assert now["names"][0]["phoneticGivenName"] == "Pee"
        assert team in {m["contactGroupMembership"]["contactGroupResourceName"] for m in now["memberships"]}
    assert world.run().writes == 0


def test_a_copy_older_than_the_person_is_not_written_over_the_person_is_read(emulator: PeopleEmulator) -> None:
    """The copies missed the Google edit (the listing that showed it kept none): the person is read first."""
    names = emulator.seed(
        ALICE,
        [{"names": [{"givenName": f"P{i}"}], "emailAddresses": [{"value": f"p{i}@example.org"}]} for i in range(2)],
    )
    with Store.open("sqlite://") as store:
        copies = store.copies("google")
        with contextlib.closing(connector_for(emulator, ALICE)) as google:
            google.keep_copies(copies)
            first = google.pull(None)
        assert {c.etag for c in copies.get(names).values()} == {rc.ref.etag for rc in first.changed}

        emulator.edit(ALICE, names[0], {"nicknames": [{"value": "Tri"}]})
        with contextlib.closing(connector_for(emulator, ALICE)) as untracked:  # no copies kept by this one
            second = untracked.pull(first.next_state)
        (edited,) = second.changed
        assert copies.get([names[0]])[names[0]].etag != edited.ref.etag

        listed = {rc.ref.id: rc for rc in first.changed} | {edited.ref.id: edited}
        with contextlib.closing(connector_for(emulator, ALICE)) as google:
            google.keep_copies(copies)
            emulator.reset_counters()
            assert google.pull(second.next_state).changed == ()
            # the other contact's nickname puts nicknames in the call's mask: rendered over the stale copy, the
            # first would have lost "Tri"
            results = google.push(
                [
                    Change(
                        ChangeKind.UPDATE,
                        "cid-0",
                        contact=google.fit(replace(edited.contact, note="x")),
                        ref=edited.ref,
                        previous=edited.contact,
                    ),
                    Change(
                        ChangeKind.UPDATE,
                        "cid-1",
                        contact=google.fit(replace(listed[names[1]].contact, nicknames=("Uno",))),
                        ref=listed[names[1]].ref,
                        previous=listed[names[1]].contact,
                    ),
                ]
            )
        assert all(r.ok for r in results), [r.error for r in results]
        assert requests(emulator) == {
            RequestKind.LIST_CONNECTIONS: 1,
            RequestKind.BATCH_GET: 1,
            RequestKind.BATCH_UPDATE: 1,
        }
        now = emulator.person(ALICE, names[0])
        assert now["nicknames"][0]["value"] == "Tri" and now["biographies"][0]["value"] == "x"
        assert emulator.person(ALICE, names[1])["nicknames"][0]["value"] == "Uno"
        # what was written is kept: the next process writes over it without a read
        kept = copies.get(names)
        assert {n: c.etag for n, c in kept.items()} == {n: emulator.person(ALICE, n)["etag"] for n in names}


def test_persons_deleted_in_google_lose_their_copies(emulator: PeopleEmulator) -> None:
    names = emulator.seed(ALICE, [{"names": [{"givenName": f"P{i}"}]} for i in range(3)])
    with Store.open("sqlite://") as store:
        copies = store.copies("google")
        with contextlib.closing(connector_for(emulator, ALICE)) as google:
            google.keep_copies(copies)
            first = google.pull(None)
            emulator.delete(ALICE, names[0])
            assert google.pull(first.next_state).deleted == (names[0],)
        assert sorted(copies.get(names)) == sorted(names[1:])


def test_a_label_deleted_in_google_while_empty_is_made_again_when_a_write_is_refused(
    emulator: PeopleEmulator, people: Any, tmp_path: Path
) -> None:
    """The state names the label and no person changed with its deletion, so no listing shows it gone: the
    write naming it is refused, the labels are read, the label is made again and the write sent once more."""
    vip = emulator.create_group(ALICE, "VIP")
    emulator.seed(
        ALICE,
        [{"names": [{"givenName": f"P{i}"}], "emailAddresses": [{"value": f"p{i}@example.org"}]} for i in range(2)],
    )
    world = World(emulator, tmp_path / "store.db")
    world.run()  # a full listing: the labels are read, and named in the state
    world.run()
    people.contactGroups().delete(resourceName=vip).execute()
    item, contact = next((i, c) for i, c in world.memory.contacts().items() if c.emails[0].address == "p0@example.org")
    world.memory.user_edit(item, replace(contact, tags=frozenset({Tag("VIP")})))

    emulator.reset_counters()
    assert only(world.run(), "google").updated == 1
    labels = {g["name"]: g for g in emulator.groups(ALICE) if g["groupType"] == "USER_CONTACT_GROUP"}
    assert set(labels) == {"VIP"} and labels["VIP"]["resourceName"] != vip and labels["VIP"]["memberCount"] == 1
    assert requests(emulator) == {
        RequestKind.LIST_CONNECTIONS: 1,
        RequestKind.BATCH_UPDATE: 2,
        RequestKind.GROUPS_LIST: 1,
        RequestKind.GROUPS_MUTATE: 1,
    }
    world.run()
    assert world.run().writes == 0
    assert {t.name for c in world.memory.contacts().values() for t in c.tags} == {"VIP"}


def test_a_new_tag_reads_the_labels_once_before_making_its_label(emulator: PeopleEmulator, tmp_path: Path) -> None:
    """A label may have been made in Google since the state named the labels: read before making one."""
    emulator.seed(
        ALICE,
        [{"names": [{"givenName": f"P{i}"}], "emailAddresses": [{"value": f"p{i}@example.org"}]} for i in range(2)],
    )
    world = World(emulator, tmp_path / "store.db")
    world.run()
    world.run()
    made = emulator.create_group(ALICE, "Crew")  # by the user in Google, nobody in it yet
    for item, contact in world.memory.contacts().items():
        world.memory.user_edit(item, replace(contact, tags=frozenset({Tag("crew")})))
    emulator.reset_counters()
    assert only(world.run(), "google").updated == 2
    assert requests(emulator) == {
        RequestKind.LIST_CONNECTIONS: 1,
        RequestKind.GROUPS_LIST: 1,
        RequestKind.BATCH_UPDATE: 1,
    }
    (label,) = (g for g in emulator.groups(ALICE) if g["groupType"] == "USER_CONTACT_GROUP")
    assert label["resourceName"] == made and label["memberCount"] == 2
    assert api_requests(emulator) == 3
