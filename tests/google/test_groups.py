"""Tags ↔ Google labels (user contact groups): made, renamed and deleted as the store's tags are.

Through the real engine (a memory account plays the other platform) and the People API emulator, whose labels
follow Google's rules: names unique (409), system groups fixed, the etag checked on update, memberCount counted
by the server.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.google.labels import GROUP_MARKER_KEY
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.model import Tag

from .conftest import ALICE
from .helpers import connector_for
from .test_connector import World, only, person


def labels(emulator: PeopleEmulator) -> dict[str, dict[str, Any]]:
    """User labels by name, with their member counts and clientData."""
    return {g["name"]: g for g in emulator.groups(ALICE) if g["groupType"] == "USER_CONTACT_GROUP"}


def test_a_label_the_store_no_longer_uses_is_deleted_and_its_contacts_stay(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    world = World(emulator, tmp_path / "store.db")
    ids = [world.memory.user_create(person(n, tags=("Team",))) for n in range(3)]
    vip = emulator.create_group(ALICE, "VIP")  # made in Google by the user, tag known to the store
    emulator.create_group(ALICE, "Someday")  # made in Google, never used: not ours to delete
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Vi"}],
                "emailAddresses": [{"value": "vi@example.org"}],
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": vip}}],
            }
        ],
    )
    world.run()
    made = labels(emulator)
    assert made["Team"]["memberCount"] == 3 and made["VIP"]["memberCount"] == 1
    assert made["Team"]["clientData"] == [{"key": GROUP_MARKER_KEY, "value": "team"}]  # contactsync made it

    # one contact leaves the tag: the label stays, with two members
    world.memory.user_edit(ids[0], person(0, tags=()))
    only(world.run(), "google")
    assert labels(emulator)["Team"]["memberCount"] == 2

    # the others leave it too, and Vi leaves VIP: both labels go, no contact with them
    world.memory.user_edit(ids[1], person(1, tags=()))
    world.memory.user_edit(ids[2], person(2, tags=()))
    vi = next(i for i, c in world.memory.contacts().items() if c.emails[0].address == "vi@example.org")
    world.memory.user_edit(vi, replace(world.memory.contacts()[vi], tags=frozenset()))
    emulator.reset_counters()
    only(world.run(), "google")
    assert set(labels(emulator)) == {"Someday"}
    assert len(emulator.persons(ALICE)) == 4
    assert all(
        g["contactGroupMembership"]["contactGroupResourceName"] == "contactGroups/myContacts"
        for p in emulator.persons(ALICE)
        for g in p["memberships"]
    )
    assert emulator.requests[RequestKind.GROUPS_MUTATE] == 2  # two deletes, nothing else
    assert world.run().writes == 0


def test_a_tag_renamed_in_the_store_moves_its_contacts_to_a_new_label(emulator: PeopleEmulator, tmp_path: Path) -> None:
    world = World(emulator, tmp_path / "store.db")
    ids = [world.memory.user_create(person(n, tags=("Team", "Staff"))) for n in range(3)]
    world.run()
    for n, item in enumerate(ids):
        world.memory.user_edit(item, person(n, tags=("Crew", "Staff")))
    only(world.run(), "google")
    now = labels(emulator)
    assert {name: g["memberCount"] for name, g in now.items()} == {"Crew": 3, "Staff": 3}
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        assert google.tag_counts() == {Tag("Crew"): 3, Tag("Staff"): 3}
    assert world.run().writes == 0


def test_a_tag_whose_case_changes_renames_its_label_in_place(emulator: PeopleEmulator) -> None:
    """Tags compare ignoring case but keep their spelling: an update whose tag changed only in case (its
    ``previous`` spells it otherwise) renames the label with contactGroups.update, keeping its resource name.

    Driven at the connector: the engine does not see a case-only change of a tag as a change (see the report
    of issue #4), so this is what the connector does once a write carries one."""
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        for n in range(2):
            google.push([Change(ChangeKind.CREATE, f"cid-{n}", contact=google.fit(person(n, tags=("team",))))])
        (before,) = labels(emulator).values()
        listed = sorted(google.pull(None).changed, key=lambda rc: rc.contact.emails[0].address)
        emulator.reset_counters()
        results = google.push(
            [
                Change(
                    ChangeKind.UPDATE,
                    f"cid-{n}",
                    contact=google.fit(person(n, tags=("Team",), note="x")),
                    ref=rc.ref,
                    previous=rc.contact,
                )
                for n, rc in enumerate(listed)
            ]
        )
        assert all(r.ok for r in results)
        assert {t.name for r in results if r.stored is not None for t in r.stored.tags} == {"Team"}
        (after,) = labels(emulator).values()
        assert after["resourceName"] == before["resourceName"] and after["name"] == "Team"
        assert after["memberCount"] == 2 and after["etag"] != before["etag"]
        assert emulator.requests[RequestKind.GROUPS_MUTATE] == 1  # one update: no create, no delete
        assert emulator.requests[RequestKind.GROUPS_GET] == 1  # its etag, read just before
        relisted = google.pull(None).changed
    assert {t.name for rc in relisted for t in rc.contact.tags} == {"Team"}


def test_a_push_that_disagrees_on_the_case_renames_nothing(emulator: PeopleEmulator) -> None:
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        for n in range(2):
            google.push([Change(ChangeKind.CREATE, f"cid-{n}", contact=google.fit(person(n, tags=("team",))))])
        listed = sorted(google.pull(None).changed, key=lambda rc: rc.contact.emails[0].address)
        spellings = ("Team", "TEAM")
        results = google.push(
            [
                Change(
                    ChangeKind.UPDATE,
                    f"cid-{n}",
                    contact=google.fit(person(n, tags=(spellings[n],), note="x")),
                    ref=rc.ref,
                    previous=rc.contact,
                )
                for n, rc in enumerate(listed)
            ]
        )
    assert all(r.ok for r in results)
    assert list(labels(emulator)) == ["team"]


def test_a_label_deleted_in_google_is_made_again_not_written_to(emulator: PeopleEmulator, tmp_path: Path) -> None:
    """The state's copy of the labels predates the deletion: writes go by the labels Google has now."""
    world = World(emulator, tmp_path / "store.db")
    first = world.memory.user_create(person(1, tags=("Team",)))
    world.run()
    world.run()  # lists our own write, in a label the state did not know: the state names it from now on
    team = labels(emulator)["Team"]["resourceName"]
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        google._service.contactGroups().delete(resourceName=team).execute()
    world.run()  # the memberships changed in Google: pulled, the tag is gone from the store
    world.memory.user_create(person(2, tags=("Team",)))
    world.memory.user_edit(first, person(1, tags=("Team",), note="back"))
    report = world.run()
    assert only(report, "google").created == 1
    now = labels(emulator)
    assert set(now) == {"Team"} and now["Team"]["resourceName"] != team and now["Team"]["memberCount"] == 2


# ------------------------------------------------------------------------------------ emulator rules


def test_label_rules_system_groups_duplicates_etags_and_output_only_fields(
    emulator: PeopleEmulator, people: Any
) -> None:
    groups = people.contactGroups()
    for call in (
        lambda: groups.delete(resourceName="contactGroups/myContacts").execute(),
        lambda: groups.update(resourceName="contactGroups/starred", body={"contactGroup": {"name": "Stars"}}).execute(),
    ):
        with pytest.raises(HttpError) as refused:
            call()
        assert refused.value.resp.status == 400
    team = groups.create(body={"contactGroup": {"name": "Team", "memberCount": 99}}).execute()
    assert groups.get(resourceName=team["resourceName"]).execute()["memberCount"] == 0  # output only
    other = groups.create(body={"contactGroup": {"name": "Other"}}).execute()
    with pytest.raises(HttpError) as taken:
        groups.update(
            resourceName=other["resourceName"], body={"contactGroup": {"etag": other["etag"], "name": "Team"}}
        ).execute()
    assert taken.value.resp.status == 409
    renamed = groups.update(
        resourceName=team["resourceName"], body={"contactGroup": {"etag": team["etag"], "name": "team"}}
    ).execute()
    assert renamed["name"] == "team" and renamed["etag"] != team["etag"]
    with pytest.raises(HttpError) as stale:
        groups.update(
            resourceName=team["resourceName"], body={"contactGroup": {"etag": team["etag"], "name": "TEAM"}}
        ).execute()
    assert stale.value.resp.status == 400
    groups.delete(resourceName=team["resourceName"], deleteContacts=False).execute()
    with pytest.raises(HttpError) as gone:
        groups.get(resourceName=team["resourceName"]).execute()
    assert gone.value.resp.status == 404
