"""Google's published rules that the emulator once left out (issue #14, the Google half), each modelled by a
knob of the emulator and met by the connector: sync tokens that expire 7 days after the full sync, writes that
reach sync listings late, profile fields that come back unless ``sources`` says otherwise, quotas, overlapping
mutations, etag lag and the 25,000-contact limit."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.google import mapping
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.emulators.google.discovery import people_v1
from contactsync.engine import EngineHooks
from contactsync.errors import Transient
from contactsync.model import Name
from contactsync.store import Store

from .conftest import ALICE, BOB
from .helpers import connector_for
from .test_connector import World, only, person

# ------------------------------------------------------------------------------ sync token lifetime


def _listing(people: Any, **params: Any) -> dict[str, Any]:
    request = people.people().connections().list(resourceName="people/me", personFields="names", **params)
    pages: list[dict[str, Any]] = []
    while request is not None:
        page = request.execute()
        pages.append(page)
        request = people.people().connections().list_next(request, page)
    merged = {"connections": [c for p in pages for c in p.get("connections", [])]}
    if "nextSyncToken" in pages[-1]:
        merged["nextSyncToken"] = pages[-1]["nextSyncToken"]
    return merged


def test_sync_tokens_expire_seven_days_after_the_full_sync_not_after_the_last_token(
    emulator: PeopleEmulator, people: Any
) -> None:
    # people.connections.list: "Sync tokens expire 7 days after the full sync."
    token = _listing(people, requestSyncToken=True)["nextSyncToken"]
    for _day in range(6):
        emulator.clock.advance(timedelta(days=1))
        token = _listing(people, requestSyncToken=True, syncToken=token)["nextSyncToken"]
    emulator.clock.advance(timedelta(days=1, minutes=1))  # one day after the last token, 7 after the full sync
    with pytest.raises(HttpError, match="Sync token is expired"):
        _listing(people, requestSyncToken=True, syncToken=token)
    fresh = _listing(people, requestSyncToken=True)["nextSyncToken"]  # a new full sync starts a new week
    emulator.clock.advance(timedelta(days=6))
    _listing(people, requestSyncToken=True, syncToken=fresh)


def test_daily_runs_list_everything_again_once_a_week_without_writing(emulator: PeopleEmulator, tmp_path: Path) -> None:
    world = World(emulator, tmp_path / "store.db")
    for n in range(3):
        world.memory.user_create(person(n))
    world.run()
    fulls = []
    for _day in range(8):
        emulator.clock.advance(timedelta(days=1))
        report = world.run()
        fulls.append(only(report, "google").full_listing)
        assert report.writes == 0
    # the chain began with the first run's full sync: its seventh day lists everything once more
    assert fulls == [False] * 6 + [True, False]
    assert world.google_emails() == world.memory_emails() == [f"p{n}@example.org" for n in range(3)]


# ------------------------------------------------------------------------------ propagation delay


def test_writes_reach_sync_listings_after_the_propagation_delay_and_other_reads_at_once(
    emulator: PeopleEmulator, people: Any
) -> None:
    emulator.propagation_delay = timedelta(minutes=5)
    token = _listing(people, requestSyncToken=True)["nextSyncToken"]
    made = people.people().createContact(body={"names": [{"givenName": "Lag"}]}).execute()
    assert _listing(people, requestSyncToken=True, syncToken=token)["connections"] == []
    assert _listing(people, requestSyncToken=True)["connections"] == []  # a full sync request lags too
    assert [p["resourceName"] for p in _listing(people)["connections"]] == [made["resourceName"]]
    emulator.clock.advance(timedelta(minutes=5, seconds=1))
    later = _listing(people, requestSyncToken=True, syncToken=token)
    assert [p["resourceName"] for p in later["connections"]] == [made["resourceName"]]


def test_a_create_whose_answer_was_lost_is_not_made_again_while_the_listing_lags(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    emulator.propagation_delay = timedelta(minutes=6)
    world = World(emulator, tmp_path / "store.db")
    world.memory.user_create(person(1))
    world.run()
    world.memory.user_create(person(2))
    emulator.faults.drop_after_write_next(1, path_contains="batchCreateContacts")
    first = world.run()
    assert first.accounts["google"].created == 0  # the answer was lost: owed, not recorded
    for _minute in range(10):  # runs a minute apart, all within the delay and past it
        emulator.clock.advance(timedelta(minutes=1))
        world.run()
    assert world.google_emails() == ["p1@example.org", "p2@example.org"]
    assert world.memory_emails() == ["p1@example.org", "p2@example.org"]
    assert emulator.requests[RequestKind.BATCH_CREATE] == 2
    assert world.run().writes == 0


class Crash(BaseException):
    """The process dies (as with SIGKILL): nothing in the engine catches it."""


def test_a_run_that_dies_after_google_made_its_creates_does_not_make_them_again_while_the_listing_lags(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    emulator.propagation_delay = timedelta(minutes=6)
    world = World(emulator, tmp_path / "store.db")
    world.memory.user_create(person(1))
    world.run()
    world.memory.user_create(person(2))

    def die(account: str, _step: int) -> None:
        if account == "google":
            raise Crash  # Google answered the create; nothing of it is recorded

    with pytest.raises(Crash):
        world.run(EngineHooks(after_remote_write=die))
    for _minute in range(8):
        emulator.clock.advance(timedelta(minutes=1))
        world.run()
    assert world.google_emails() == ["p1@example.org", "p2@example.org"]
    assert emulator.requests[RequestKind.BATCH_CREATE] == 2
    emulator.reset_counters()
    assert world.run().writes == 0
    # once the listing shows them, recent creates cost nothing more: one listing for a quiet run
    assert emulator.requests[RequestKind.BATCH_GET] == 0 and emulator.requests[RequestKind.LIST_CONNECTIONS] == 1


# ------------------------------------------------------------------------------ sources


def test_fields_of_a_linked_domain_profile_are_never_read_or_written_back(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    world = World(emulator, tmp_path / "store.db")
    mem_id = world.memory.user_create(person(1))
    world.run()
    resource = next(p["resourceName"] for p in world.google_people())
    # Google links the contact to a colleague's domain profile: another name, email and title come with reads
    emulator.link_profile(
        ALICE,
        resource,
        {
            "names": [{"givenName": "Pedro", "familyName": "Profile"}],
            "emailAddresses": [{"value": "pedro@corp.example"}],
            "organizations": [{"title": "Director"}],
        },
    )
    world.run()
    # the profile's email and title are not contact data: never copied to the other accounts
    [copied] = world.memory.contacts().values()
    assert [e.address for e in copied.emails] == ["p1@example.org"] and copied.job_title == ""
    world.memory.user_edit(mem_id, replace(person(1), name=Name(given="Paula", family="Test")))
    report = world.run()
    assert only(report, "google").updated == 1  # one name written, not the contact's and the profile's
    stored = emulator.person(ALICE, resource)
    # the emulator returns everything (contact and profile) to the control API; the contact's own are one name
    own = [n for n in stored["names"] if n["metadata"]["source"]["type"] == "CONTACT"]
    assert [n.get("givenName") for n in own] == ["Paula"]
    assert [e["value"] for e in stored["emailAddresses"] if e["metadata"]["source"]["type"] == "CONTACT"] == [
        "p1@example.org"
    ]


def test_reads_without_sources_return_profile_fields_as_google_does(emulator: PeopleEmulator, people: Any) -> None:
    [resource] = emulator.seed(ALICE, [{"names": [{"givenName": "Own"}]}])
    emulator.link_profile(ALICE, resource, {"names": [{"givenName": "Profile"}]})
    default = people.people().get(resourceName=resource, personFields="names").execute()
    assert [n["givenName"] for n in default["names"]] == ["Own", "Profile"]
    own = people.people().get(resourceName=resource, personFields="names", sources="READ_SOURCE_TYPE_CONTACT")
    assert [n["givenName"] for n in own.execute()["names"]] == ["Own"]
    # what a client that read both would send back: Google refuses a second name
    with pytest.raises(HttpError, match="only one name"):
        people.people().updateContact(
            resourceName=resource, updatePersonFields="names", body={"etag": default["etag"], "names": default["names"]}
        ).execute()


# ------------------------------------------------------------------------------ quotas and sequential mutations


def test_two_mutations_for_one_user_at_once_are_refused(emulator: PeopleEmulator, people_for: Any) -> None:
    # "Mutate requests for the same user should be sent sequentially" (People API contacts guide)
    emulator.faults.mutation_seconds = 0.3
    results: list[str] = []

    def create(given: str) -> None:
        try:
            people_for(ALICE).people().createContact(body={"names": [{"givenName": given}]}).execute()
            results.append("made")
        except HttpError as exc:
            results.append(f"{exc.resp.status} {json.loads(exc.content)['error']['status']}")

    threads = [threading.Thread(target=create, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # the second starts while the first is inside the emulator
    for thread in threads:
        thread.join()
    assert sorted(results) == ["409 ABORTED", "made"]
    assert len(emulator.persons(ALICE)) == 1
    people_for(BOB).people().createContact(body={"names": [{"givenName": "Bob's"}]}).execute()  # others are free


def test_a_push_of_every_kind_sends_its_mutations_one_at_a_time(emulator: PeopleEmulator, tmp_path: Path) -> None:
    emulator.faults.mutation_seconds = 0.05
    world = World(emulator, tmp_path / "store.db")
    ids = [world.memory.user_create(person(n, tags=(f"T{n % 3}",))) for n in range(6)]
    assert only(world.run(), "google").created == 6
    world.memory.user_edit(ids[0], person(0, note="edited", tags=("Renamed",)))
    world.memory.user_delete(ids[1])
    world.memory.user_create(person(9))
    report = world.run()
    google = only(report, "google")
    assert (google.created, google.updated, google.deleted) == (1, 1, 1)
    assert world.google_emails() == world.memory_emails()


def test_a_mutation_refused_for_another_one_running_is_transient_not_a_rejection(
    emulator: PeopleEmulator, people_for: Any
) -> None:
    emulator.faults.mutation_seconds = 0.5
    other = threading.Thread(
        target=lambda: people_for(ALICE).people().createContact(body={"names": [{"givenName": "Other"}]}).execute()
    )
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        other.start()
        time.sleep(0.1)  # another client (a second process, a phone) is writing to the same user right now
        with pytest.raises(Transient, match="ABORTED"):
            google.push([Change(ChangeKind.CREATE, "cid-1", contact=google.fit(person(1)))])
        other.join()
    assert len(emulator.persons(ALICE)) == 1


def test_a_per_minute_quota_without_retry_after_does_not_fail_the_run(tmp_path: Path) -> None:
    # People API read and write quotas are per minute per user; Google's 429 may say no Retry-After
    with PeopleEmulator(reads_per_minute=4, writes_per_minute=2) as limited:
        limited.add_user(ALICE)
        world = World(limited, tmp_path / "store.db", batch_size=2)
        for n in range(7):
            world.memory.user_create(person(n))
        report = world.run()
        assert only(report, "google").created == 7  # four batches of creates over two quota minutes
        assert world.google_emails() == world.memory_emails()
        assert any(w >= 1 for w in world.waits)  # the engine waited on the emulator's clock
        print(f"quota run: waits {world.waits}, requests {dict(limited.requests)}")
        assert limited.internal_errors == []


# ------------------------------------------------------------------------------ etag lag


def test_a_fresh_etag_refused_right_after_a_write_is_the_etag_lag(emulator: PeopleEmulator, people: Any) -> None:
    made = people.people().createContact(body={"names": [{"givenName": "Lag"}]}).execute()
    emulator.faults.etag_lag = timedelta(seconds=30)
    update = people.people().updateContact(
        resourceName=made["resourceName"],
        updatePersonFields="names",
        body={"etag": made["etag"], "names": [{"givenName": "Lagged"}]},
    )
    with pytest.raises(HttpError, match="etag is different"):
        update.execute()
    emulator.clock.advance(timedelta(seconds=31))
    assert update.execute()["names"][0]["givenName"] == "Lagged"


def test_one_lagging_etag_fails_only_its_own_update_with_a_bounded_number_of_resends(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    world = World(emulator, tmp_path / "store.db")
    ids = [world.memory.user_create(person(n)) for n in range(16)]
    world.run()
    emulator.clock.advance(timedelta(minutes=5))
    lagging = next(
        p["resourceName"] for p in world.google_people() if p["emailAddresses"][0]["value"] == "p5@example.org"
    )
    emulator.edit(ALICE, lagging, {"organizations": [{"title": "Chef"}]})  # written just now in Google
    emulator.faults.etag_lag = timedelta(seconds=30)
    for n, cid in enumerate(ids):
        world.memory.user_edit(cid, person(n, note="edited in memory"))
    emulator.reset_counters()
    report = world.run()
    updates = emulator.requests[RequestKind.BATCH_UPDATE]
    print(f"etag lag: {updates} batchUpdateContacts calls for 16 updates, one lagging")
    assert only(report, "google").updated == 15  # the lagging one stays owed, the 15 others are written
    # one call, one re-read and resend, then halves down to the lagging one (2 per level), then the engine's
    # own re-read of that one: its write and the connector's resend
    assert updates <= 2 + 2 * 4 + 2
    emulator.clock.advance(timedelta(minutes=1))
    again = world.run()
    assert only(again, "google").updated == 1
    written = emulator.person(ALICE, lagging)
    assert written["organizations"][0]["title"] == "Chef" and "edited in memory" in written["biographies"][0]["value"]


# ------------------------------------------------------------------------------ 25,000 contacts


def test_creates_past_the_contact_limit_are_refused_reported_by_id_and_not_retried_in_a_loop(
    tmp_path: Path,
) -> None:
    with PeopleEmulator(max_contacts=5) as small:
        small.add_user(ALICE)
        small.seed(
            ALICE, [{"names": [{"givenName": f"G{n}"}], "emailAddresses": [{"value": f"g{n}@x.org"}]} for n in range(4)]
        )
        world = World(small, tmp_path / "store.db", batch_size=2)
        owed = [world.memory.user_create(person(n)) for n in range(5)]
        report = world.run()
        google = report.accounts["google"]
        assert google.created == 0 and google.error is None
        assert small.requests[RequestKind.BATCH_CREATE] == 1  # refused once; the other batches not sent
        assert len(world.memory.contacts()) == 9  # the memory account got Google's four all the same
        with Store.open(world.url) as store:
            errors = {e.contact_id: e.last_error or "" for e in store.outbox("google")}
        assert len(errors) == len(owed)
        for cid, error in errors.items():  # which contacts: by id, never by name or address
            assert "limit of 25,000 contacts" in error and cid in error
            assert "@example.org" not in error and "Test" not in error
        small.reset_counters()
        again = world.run()  # the next run tries once more (the admin may have made room), once
        assert small.requests[RequestKind.BATCH_CREATE] == 1
        assert len(small.persons(ALICE)) == 4
        assert [n.code for n in again.accounts["google"].notices] == ["google-contact-limit"]  # status says so
        for item in small.persons(ALICE)[:2]:
            small.delete(ALICE, item["resourceName"])  # the admin makes room: two fit now, in one batch
        assert world.run().accounts["google"].created == 2  # and the other three wait, the account full again
        for item in small.persons(ALICE)[:3]:
            small.delete(ALICE, item["resourceName"])
        world.run()
        fourth = world.run()
        assert fourth.accounts["google"].notices == ()  # the owed contacts made: status no longer says full
        with Store.open(world.url) as store:
            assert not [e for e in store.outbox("google") if "AccountFull" in (e.last_error or "")]
        assert small.internal_errors == []


# ------------------------------------------------------------------------------ the discovery document


@pytest.mark.parametrize(
    ("method", "target", "body", "said"),
    [
        ("GET", "v1/people/me/connections?personFields=names&bogus=1", None, 'Unknown name "bogus"'),
        ("GET", "v1/people/me/connections?personFields=names&sortOrder=SIDEWAYS", None, "sort_order"),
        ("GET", "v1/people/me/connections?personFields=names&sources=READ_SOURCE_TYPE_NOPE", None, "sources"),
        ("GET", "v1/people/me/connections?personFields=names,fileAses", None, 'mask path: "fileAses"'),
        ("GET", "v1/people/me/connections?personFields=names&requestSyncToken=maybe", None, "TYPE_BOOL"),
        ("GET", "v1/contactGroups?groupFields=name,members", None, 'mask path: "members"'),
        (
            "POST",
            "v1/people:batchCreateContacts",
            {"readMask": "names", "contacts": [{"contactPerson": {"names": [{"givenNam": "Typo"}]}}]},
            'Unknown name "givenNam"',
        ),
        (
            "POST",
            "v1/people:batchCreateContacts",
            {"readMask": "names", "sources": ["READ_SOURCE_TYPE_ALL"], "contacts": [{"contactPerson": {}}]},
            "TYPE_ENUM",
        ),
        (
            "POST",
            "v1/people:batchCreateContacts",
            {"readMask": "names", "contacts": [{"contactPerson": {"names": [{"givenName": 5}]}}]},
            "TYPE_STRING",
        ),
        (
            "POST",
            "v1/people:batchUpdateContacts",
            {"readMask": "names", "updateMask": "skills", "contacts": {}},
            "skills",
        ),
        ("POST", "v1/contactGroups", {"contactGroup": {"name": "X", "colour": "red"}}, 'Unknown name "colour"'),
    ],
)
def test_a_request_outside_the_discovery_document_gets_googles_error(
    emulator: PeopleEmulator, method: str, target: str, body: dict[str, Any] | None, said: str
) -> None:
    answer = requests.request(
        method,
        emulator.url + target,
        json=body,
        headers={"Authorization": f"Bearer {emulator.token_for(ALICE)}"},
        timeout=10,
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT" and said in error["message"]
    assert emulator.persons(ALICE) == [] and len(emulator.refused) == 1


def test_every_method_and_mask_the_connector_uses_is_in_the_discovery_document(emulator: PeopleEmulator) -> None:
    document = people_v1()
    read = set(mapping.READ_FIELDS)
    assert read <= (document.mask("people.people.connections.list", "personFields") or set())
    assert read <= (document.mask("people.people.getBatchGet", "personFields") or set())
    assert read <= (document.body_mask("BatchCreateContactsRequest", "readMask") or set())
    assert read <= (document.body_mask("BatchUpdateContactsRequest", "readMask") or set())
    assert (document.body_mask("BatchUpdateContactsRequest", "updateMask") or set()) >= mapping.WRITE_FIELDS
    assert {"name", "groupType", "memberCount", "clientData"} <= (
        document.mask("people.contactGroups.list", "groupFields") or set()
    )

    # the connector walked through every call it makes, against the emulator checking each one
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        full = google.pull(None)
        made = google.push(
            [Change(ChangeKind.CREATE, f"cid-{n}", contact=google.fit(person(n, tags=("team",)))) for n in range(3)]
        )
        listed = {rc.ref.id: rc for rc in google.pull(full.next_state).changed}
        refs = [r.ref for r in made if r.ref is not None]
        google.push(  # a case-only tag change renames the label; the other update drops the tag
            [
                Change(
                    ChangeKind.UPDATE,
                    "cid-0",
                    contact=google.fit(person(0, tags=("Team",), note="x")),
                    ref=refs[0],
                    previous=listed[refs[0].id].contact,
                ),
                Change(ChangeKind.DELETE, "cid-1", ref=refs[1]),
                Change(ChangeKind.DELETE, "cid-2", ref=refs[2]),
            ]
        )
        google.push(
            [
                Change(
                    ChangeKind.UPDATE,
                    "cid-0",
                    contact=google.fit(person(0, tags=())),
                    ref=google.fetch([refs[0].id])[refs[0].id].ref,
                )
            ]
        )
        emulator.faults.drop_after_write_next(1, path_contains="batchCreateContacts")
        with pytest.raises(Transient):
            google.push([Change(ChangeKind.CREATE, "cid-9", contact=google.fit(person(9)))])
        google.pull(full.next_state)  # finds the unanswered create by its marker (a listing that is not a sync one)
        google.tag_counts()
    assert emulator.refused == []
    assert set(emulator.methods) == {
        "people.people.connections.list",
        "people.people.getBatchGet",
        "people.people.batchCreateContacts",
        "people.people.batchUpdateContacts",
        "people.people.batchDeleteContacts",
        "people.contactGroups.list",
        "people.contactGroups.create",
        "people.contactGroups.get",
        "people.contactGroups.update",
        "people.contactGroups.batchGet",
        "people.contactGroups.delete",
    }
