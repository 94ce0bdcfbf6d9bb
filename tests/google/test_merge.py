"""Contacts merged in Google: the survivor lists the names it replaced in ``metadata.previousResourceNames``.

The engine must see one person who absorbed another (no duplicate, nothing lost), not a delete and a new
person. Through the real engine, a memory account playing the other platform.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contactsync.connectors.google import GoogleConnector
from contactsync.emulators.google import PeopleEmulator
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.store import Store

from .conftest import ALICE
from .test_connector import World, only, person
from .test_emulator import list_all


def ann(email: str, job: str = "") -> Contact:
    return normalize_contact(
        Contact(name=Name(given="Ann", family="Lee"), job_title=job, emails=(Email(email, EmailKind.WORK),))
    )


def test_the_emulator_merges_like_google_and_names_the_replaced_contacts(emulator: PeopleEmulator, people: Any) -> None:
    keep, gone = emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Ann"}],
                "emailAddresses": [{"value": "ann@work.example"}],
                "clientData": [{"key": "app", "value": "a"}],
            },
            {
                "names": [{"givenName": "Annie"}],
                "emailAddresses": [{"value": "ann@home.example"}, {"value": "ANN@work.example"}],
                "phoneNumbers": [{"value": "+12025550100"}],
                "clientData": [{"key": "app", "value": "b"}],
            },
        ],
    )
    fields = "names,emailAddresses,phoneNumbers,clientData,metadata"
    _all, last, _pages = list_all(people, personFields=fields, requestSyncToken=True)
    survivor = emulator.merge_contacts(ALICE, keep, gone)
    assert survivor == keep

    changed, last, _pages = list_all(
        people, personFields=fields, requestSyncToken=True, syncToken=last["nextSyncToken"]
    )
    by_name = {p["resourceName"]: p for p in changed}
    assert by_name[gone]["metadata"]["deleted"] is True
    merged = by_name[keep]
    assert merged["metadata"]["previousResourceNames"] == [gone]
    assert [e["value"] for e in merged["emailAddresses"]] == ["ann@work.example", "ann@home.example"]
    assert merged["names"][0]["givenName"] == "Ann" and merged["phoneNumbers"][0]["value"] == "+12025550100"
    assert [(c["key"], c["value"]) for c in merged["clientData"]] == [("app", "a")]  # the kept one's wins
    # only listings with a sync token say where a person came from
    assert "previousResourceNames" not in list_all(people, personFields=fields)[0][0]["metadata"]

    renamed = emulator.merge_contacts(
        ALICE, keep, emulator.seed(ALICE, [{"names": [{"givenName": "Bo"}]}])[0], new_resource_name=True
    )
    assert renamed != keep
    changed, _last, _pages = list_all(people, personFields=fields, syncToken=last["nextSyncToken"])
    now = {p["resourceName"]: p for p in changed}
    assert now[keep]["metadata"]["deleted"] is True
    assert now[renamed]["metadata"]["previousResourceNames"][:1] == [keep]
    assert gone in now[renamed]["metadata"]["previousResourceNames"]
    assert [p["resourceName"] for p in emulator.persons(ALICE)] == [renamed]


class LaggingTombstones(GoogleConnector):
    """Google's sync listings lag ("a propagation delay of several minutes"): for one pull, the tombstones of
    the merged contacts are not listed yet, only the survivor with its previousResourceNames."""

    lag = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        execute = self.api.execute

        def lagging(request: Any, **options: Any) -> Any:
            answer = execute(request, **options)
            if LaggingTombstones.lag and getattr(request, "methodId", "") == "people.people.connections.list":
                answer["connections"] = [
                    p for p in answer.get("connections", []) if not p.get("metadata", {}).get("deleted")
                ]
            return answer

        self.api.execute = lagging  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("renamed", "lag"),
    [(False, False), (True, False), (True, True)],
    ids=["survivor-keeps-its-name", "survivor-renamed", "tombstones-not-listed-yet"],
)
def test_a_merge_in_google_moves_the_link_to_the_survivor_without_duplicate_or_loss(
    emulator: PeopleEmulator, tmp_path: Path, renamed: bool, lag: bool
) -> None:
    world = World(emulator, tmp_path / "store.db", google_cls=LaggingTombstones)
    world.memory.user_create(ann("ann@work.example", job="Engineer"))
    world.memory.user_create(ann("ann@home.example"))
    for n in range(10):  # deleting two of twelve stays under the book's delete brake
        world.memory.user_create(person(n))
    world.run()
    world.run()
    with Store.open(world.url) as store:
        links = {
            rid: lk.contact_id for rid, lk in store.links_by_remote("google", list(store.link_index("google"))).items()
        }
    a = next(p["resourceName"] for p in world.google_people() if p["emailAddresses"][0]["value"] == "ann@work.example")
    b = next(p["resourceName"] for p in world.google_people() if p["emailAddresses"][0]["value"] == "ann@home.example")
    cid_a, cid_b = links[a], links[b]

    survivor = emulator.merge_contacts(ALICE, a, b, new_resource_name=renamed)
    LaggingTombstones.lag = lag
    try:
        report = world.run()
    finally:
        LaggingTombstones.lag = False
    google = only(report, "google")
    assert google.brake is None and google.created == 0

    with Store.open(world.url) as store:
        active = store.contacts(store.active_contact_ids("book"))
        holding = [
            cid
            for cid, r in active.items()
            if {e.address for e in r.contact.emails} & {"ann@work.example", "ann@home.example"}
        ]
        assert holding == [cid_a]  # one person, the one A was, holding what B held too
        assert {e.address for e in active[cid_a].contact.emails} == {"ann@work.example", "ann@home.example"}
        assert active[cid_a].contact.job_title == "Engineer"
        assert store.links_by_remote("google", [survivor])[survivor].contact_id == cid_a
        trashed = {r.id for r, _at in store.trashed("book")}
        assert cid_a not in trashed and trashed <= {cid_b}
        assert len(active) == 11

    assert len(world.google_people()) == 11
    anns = [c for c in world.memory.contacts().values() if c.name.given == "Ann"]
    assert [sorted(e.address for e in c.emails) for c in anns] == [["ann@home.example", "ann@work.example"]]
    world.run()  # the lagging tombstones arrive now: already accounted for
    assert world.run().writes == 0
    assert len(world.google_people()) == 11 and len(world.memory.contacts()) == 11
