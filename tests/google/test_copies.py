"""Copies of persons kept in the store between runs: a new connector writes over them instead of reading first.

Requests are counted at the emulator.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from contactsync.connector import Change, ChangeKind
from contactsync.store import Store
from contactsync_connectors.google.emulator import PeopleEmulator, RequestKind

from .conftest import ALICE
from .helpers import connector_for


def requests(emulator: PeopleEmulator) -> dict[RequestKind, int]:
    return {kind: n for kind, n in emulator.requests.items() if n and kind is not RequestKind.TOKEN}


def test_a_copy_older_than_the_person_is_not_written_over_the_person_is_read(emulator: PeopleEmulator) -> None:
    """The copies missed the Google edit (the listing that showed it kept none): the person is read first."""
    names = emulator.seed(ALICE, [{"names": [{"givenName": f"P{i}"}], "emailAddresses": [
        {"value": f"p{i}@example.org"}]} for i in range(2)])
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
            results = google.push([
                Change(ChangeKind.UPDATE, "cid-0", contact=google.fit(replace(edited.contact, note="x")),
                       ref=edited.ref, previous=edited.contact),
                Change(ChangeKind.UPDATE, "cid-1", contact=google.fit(replace(listed[names[1]].contact,
                                                                              nickname="Uno")),
                       ref=listed[names[1]].ref, previous=listed[names[1]].contact)])
        assert all(r.ok for r in results), [r.error for r in results]
        assert requests(emulator) == {RequestKind.LIST_CONNECTIONS: 1, RequestKind.BATCH_GET: 1,
                                      RequestKind.BATCH_UPDATE: 1}
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
