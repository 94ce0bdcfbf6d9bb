"""The People API emulator, exercised through the real google-api-python-client as the connector will use it.

Expectations come from the public reference (people.v1 discovery document, the "Read and manage contacts"
guide), not from the emulator's code.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from contactsync.emulators.google import PeopleEmulator, RequestKind

from .conftest import ALICE, BOB, Clients

NAMES_AND_EMAILS = "names,emailAddresses"


def list_all(people: Any, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    """Follow nextPageToken like a connector would; returns persons, the last page and the page count."""
    request = people.people().connections().list(resourceName="people/me", **params)
    persons: list[dict[str, Any]] = []
    pages = 0
    page: dict[str, Any] = {}
    while request is not None:
        page = request.execute()
        pages += 1
        persons.extend(page.get("connections", []))
        assert pages == 1 or "nextSyncToken" not in page or page.get("nextPageToken") is None
        request = people.people().connections().list_next(request, page)
    return persons, page, pages


def error_of(excinfo: pytest.ExceptionInfo[HttpError]) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(excinfo.value.content)["error"]
    assert error["code"] == excinfo.value.resp.status
    return error


def contact(given: str, family: str = "Example", **extra: Any) -> dict[str, Any]:
    return {
        "names": [{"givenName": given, "familyName": family}],
        "emailAddresses": [{"value": f"{given.lower()}@example.org"}],
        **extra,
    }


# ------------------------------------------------------------------------------------------- listing


def test_full_list_pages_then_incremental_list_shows_edit_and_deletion(emulator: PeopleEmulator, people: Any) -> None:
    names = emulator.seed(ALICE, [contact(f"P{i}") for i in range(25)])

    persons, last_page, pages = list_all(people, personFields=NAMES_AND_EMAILS, pageSize=10, requestSyncToken=True)

    assert pages == 3
    assert sorted(p["resourceName"] for p in persons) == sorted(names)
    assert last_page["totalPeople"] == 25 and last_page["totalItems"] == 25
    sync_token = last_page["nextSyncToken"]

    emulator.edit(ALICE, names[3], {"nicknames": [{"value": "Tre"}]})
    emulator.delete(ALICE, names[7])
    created = people.people().createContact(body=contact("New")).execute()

    changes, last_page, pages = list_all(
        people, personFields=NAMES_AND_EMAILS, pageSize=10, requestSyncToken=True, syncToken=sync_token
    )
    by_name = {p["resourceName"]: p for p in changes}
    assert set(by_name) == {names[3], names[7], created["resourceName"]}
    assert by_name[names[7]]["metadata"]["deleted"] is True
    assert "deleted" not in by_name[names[3]].get("metadata", {})
    assert by_name[names[3]]["names"][0]["givenName"] == "P3"

    # Nothing changed since: the next incremental list is empty but still hands out a token.
    nothing, last_page, _ = list_all(
        people, personFields=NAMES_AND_EMAILS, requestSyncToken=True, syncToken=last_page["nextSyncToken"]
    )
    assert nothing == [] and last_page["nextSyncToken"]


def test_person_fields_is_required_and_page_size_is_bounded(people: Any) -> None:
    with pytest.raises(HttpError) as excinfo:
        people.people().connections().list(resourceName="people/me").execute()
    assert error_of(excinfo)["status"] == "INVALID_ARGUMENT"
    with pytest.raises(HttpError) as excinfo:
        people.people().connections().list(resourceName="people/me", personFields="names", pageSize=1001).execute()
    assert excinfo.value.resp.status == 400


def test_expired_sync_token_has_googles_error_shape(emulator: PeopleEmulator, people: Any) -> None:
    emulator.seed(ALICE, [contact("Ann")])
    _, page, _ = list_all(people, personFields="names", requestSyncToken=True)
    emulator.clock.advance(timedelta(days=7, minutes=1))

    with pytest.raises(HttpError) as excinfo:
        people.people().connections().list(
            resourceName="people/me", personFields="names", requestSyncToken=True, syncToken=page["nextSyncToken"]
        ).execute()

    error = error_of(excinfo)
    assert excinfo.value.resp.status == 400
    assert error["message"] == "Sync token is expired. Clear local cache and retry call without the sync token."
    assert error["details"] == [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "EXPIRED_SYNC_TOKEN",
            "domain": "people.googleapis.com",
        }
    ]
    assert excinfo.value.error_details[0]["reason"] == "EXPIRED_SYNC_TOKEN"


def test_expire_sync_tokens_now_invalidates_fresh_tokens(emulator: PeopleEmulator, people: Any) -> None:
    _, page, _ = list_all(people, personFields="names", requestSyncToken=True)
    emulator.faults.expire_sync_tokens()
    with pytest.raises(HttpError) as excinfo:
        list_all(people, personFields="names", requestSyncToken=True, syncToken=page["nextSyncToken"])
    assert excinfo.value.error_details[0]["reason"] == "EXPIRED_SYNC_TOKEN"
    # A full sync gives a token that works again.
    _, page, _ = list_all(people, personFields="names", requestSyncToken=True)
    assert list_all(people, personFields="names", requestSyncToken=True, syncToken=page["nextSyncToken"])[0] == []


def test_page_token_with_other_parameters_is_refused(emulator: PeopleEmulator, people: Any) -> None:
    emulator.seed(ALICE, [contact(f"P{i}") for i in range(5)])
    first = people.people().connections().list(resourceName="people/me", personFields="names", pageSize=2).execute()

    with pytest.raises(HttpError) as excinfo:
        people.people().connections().list(
            resourceName="people/me", personFields="names,emailAddresses", pageSize=2, pageToken=first["nextPageToken"]
        ).execute()
    assert error_of(excinfo)["status"] == "INVALID_ARGUMENT"

    with pytest.raises(HttpError) as excinfo:
        people.people().connections().list(
            resourceName="people/me", personFields="names", syncToken="not-a-real-token"
        ).execute()
    assert excinfo.value.resp.status == 400


def test_tokens_are_opaque(emulator: PeopleEmulator, people: Any) -> None:
    emulator.seed(ALICE, [contact("Ann"), contact("Bob")])
    page = (
        people.people()
        .connections()
        .list(resourceName="people/me", personFields="names", pageSize=1, requestSyncToken=True)
        .execute()
    )
    token = page["nextPageToken"]
    assert "names" not in token and "{" not in token and "seq" not in token


def test_fifty_thousand_contacts_list_in_thousand_person_pages_and_increment_by_changes(
    emulator: PeopleEmulator, people: Any
) -> None:
    names = emulator.seed(ALICE, [{"names": [{"givenName": f"P{i}"}]} for i in range(50_000)])

    persons, page, pages = list_all(people, personFields="names", pageSize=1000, requestSyncToken=True)
    assert pages == 50
    assert len({p["resourceName"] for p in persons}) == 50_000

    emulator.edit(ALICE, names[42], {"names": [{"givenName": "Changed"}]})
    emulator.reset_counters()
    changes, _, pages = list_all(
        people, personFields="names", pageSize=1000, requestSyncToken=True, syncToken=page["nextSyncToken"]
    )
    assert [p["names"][0]["givenName"] for p in changes] == ["Changed"]
    assert emulator.requests[RequestKind.LIST_CONNECTIONS] == 1


# ------------------------------------------------------------------------------------------- writing


def test_create_get_and_computed_fields(people: Any) -> None:
    created = (
        people.people()
        .createContact(
            body={
                "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
                "phoneNumbers": [{"value": "+44 20 7946 0958", "type": "mobile"}, {"value": "ext. 12"}],
                "birthdays": [{"date": {"month": 12, "day": 10}}],
            },
            personFields="names,phoneNumbers,birthdays,memberships,metadata",
        )
        .execute()
    )

    assert created["resourceName"].startswith("people/c")
    assert created["names"][0]["displayName"] == "Ada Lovelace"
    assert created["phoneNumbers"][0]["canonicalForm"] == "+442079460958"
    assert "canonicalForm" not in created["phoneNumbers"][1]
    assert created["phoneNumbers"][0]["metadata"]["primary"] is True
    assert created["phoneNumbers"][0]["metadata"]["source"]["type"] == "CONTACT"
    assert created["birthdays"][0]["date"] == {"month": 12, "day": 10}
    assert [m["contactGroupMembership"]["contactGroupResourceName"] for m in created["memberships"]] == [
        "contactGroups/myContacts"
    ]
    assert created["metadata"]["sources"][0]["etag"]
    assert created["metadata"]["sources"][0]["updateTime"]

    fetched = people.people().get(resourceName=created["resourceName"], personFields="names").execute()
    assert fetched["etag"] == created["etag"]
    assert set(fetched) == {"resourceName", "etag", "names"}


def test_singleton_field_with_two_values_is_refused(people: Any) -> None:
    with pytest.raises(HttpError) as excinfo:
        people.people().createContact(body={"names": [{"givenName": "A"}, {"givenName": "B"}]}).execute()
    assert error_of(excinfo)["status"] == "INVALID_ARGUMENT"


def test_stale_etag_is_a_failed_precondition(emulator: PeopleEmulator, people: Any) -> None:
    created = people.people().createContact(body=contact("Ann")).execute()
    emulator.edit(ALICE, created["resourceName"], {"nicknames": [{"value": "Annie"}]})

    with pytest.raises(HttpError) as excinfo:
        people.people().updateContact(
            resourceName=created["resourceName"],
            updatePersonFields="names",
            body={"etag": created["etag"], "names": [{"givenName": "Anna"}]},
        ).execute()

    error = error_of(excinfo)
    assert excinfo.value.resp.status == 400
    assert error["status"] == "FAILED_PRECONDITION"
    assert error["message"] == (
        "Request person.etag is different than the current person.etag. Clear local cache and get the latest person."
    )


def test_update_changes_only_the_masked_fields_and_the_etag(people: Any) -> None:
    created = (
        people.people()
        .createContact(body=contact("Ann", phoneNumbers=[{"value": "+1 202 555 0100"}], nicknames=[{"value": "A"}]))
        .execute()
    )

    updated = (
        people.people()
        .updateContact(
            resourceName=created["resourceName"],
            updatePersonFields="names,nicknames",
            personFields="names,nicknames,emailAddresses,phoneNumbers",
            body={"etag": created["etag"], "names": [{"givenName": "Anna"}], "emailAddresses": [{"value": "x@y.z"}]},
        )
        .execute()
    )

    assert updated["etag"] != created["etag"]
    assert updated["names"][0]["givenName"] == "Anna"
    assert "nicknames" not in updated  # in the mask, absent from the body: cleared
    assert [e["value"] for e in updated["emailAddresses"]] == ["ann@example.org"]  # not in the mask
    assert updated["phoneNumbers"][0]["value"] == "+1 202 555 0100"

    # Chaining with the etag of the previous response works.
    again = (
        people.people()
        .updateContact(
            resourceName=created["resourceName"],
            updatePersonFields="nicknames",
            body={"etag": updated["etag"], "nicknames": [{"value": "Nan"}]},
        )
        .execute()
    )
    assert again["nicknames"][0]["value"] == "Nan"


def test_client_data_and_fields_the_connector_does_not_model_round_trip(emulator: PeopleEmulator, people: Any) -> None:
    extra = {
        "clientData": [{"key": "contactsync-id", "value": "0f1e2d"}],
        "externalIds": [{"value": "E-17", "type": "account"}],
        "userDefined": [{"key": "shoe size", "value": "42"}],
        "relations": [{"person": "Bob", "type": "spouse"}],
        "imClients": [{"username": "ann", "protocol": "jabber"}],
        "sipAddresses": [{"value": "sip:ann@example.org"}],
        "events": [{"date": {"year": 2001, "month": 6, "day": 2}, "type": "anniversary"}],
        "urls": [{"value": "https://ann.example.org", "type": "homePage"}],
    }
    created = people.people().createContact(body=contact("Ann", **extra)).execute()
    fetched = people.people().get(resourceName=created["resourceName"], personFields=",".join(extra)).execute()

    for field, entries in extra.items():
        computed = {"metadata", "formattedType", "formattedProtocol"}
        stored = [{k: v for k, v in e.items() if k not in computed} for e in fetched[field]]
        assert stored == entries, field
    assert fetched["urls"][0]["formattedType"] == "Home Page"
    assert fetched["imClients"][0]["formattedProtocol"] == "Jabber"

    with pytest.raises(HttpError) as excinfo:
        people.people().createContact(body={"names": [{"givenName": "X"}], "favouriteColour": ["blue"]}).execute()
    assert "Unknown name" in error_of(excinfo)["message"]


def test_delete_then_get_is_not_found(people: Any) -> None:
    created = people.people().createContact(body=contact("Ann")).execute()
    people.people().deleteContact(resourceName=created["resourceName"]).execute()
    with pytest.raises(HttpError) as excinfo:
        people.people().get(resourceName=created["resourceName"], personFields="names").execute()
    assert error_of(excinfo)["status"] == "NOT_FOUND"


def test_batch_methods_and_their_limits(emulator: PeopleEmulator, people: Any) -> None:
    api = people.people()
    too_many = {"contacts": [{"contactPerson": contact(f"P{i}")} for i in range(201)], "readMask": "names"}
    with pytest.raises(HttpError) as excinfo:
        api.batchCreateContacts(body=too_many).execute()
    assert excinfo.value.resp.status == 400
    assert emulator.persons(ALICE) == []  # a refused batch leaves no trace

    with pytest.raises(HttpError):
        api.batchCreateContacts(body={"contacts": [{"contactPerson": contact("A")}]}).execute()  # no readMask

    created = api.batchCreateContacts(
        body={"contacts": [{"contactPerson": contact(f"P{i}")} for i in range(200)], "readMask": "names"}
    ).execute()["createdPeople"]
    assert len(created) == 200 and all(c["httpStatusCode"] == 200 for c in created)

    first, second = created[0]["person"], created[1]["person"]
    result = api.batchUpdateContacts(
        body={
            "contacts": {
                first["resourceName"]: {"etag": first["etag"], "names": [{"givenName": "One"}]},
                second["resourceName"]: {"etag": second["etag"], "names": [{"givenName": "Two"}]},
            },
            "updateMask": "names",
            "readMask": "names,emailAddresses",
        }
    ).execute()["updateResult"]
    assert result[first["resourceName"]]["person"]["names"][0]["givenName"] == "One"
    assert result[second["resourceName"]]["person"]["emailAddresses"][0]["value"] == "p1@example.org"

    got = api.getBatchGet(resourceNames=[first["resourceName"], "people/c1"], personFields="names").execute()
    assert [r["httpStatusCode"] for r in got["responses"]] == [200, 404]

    with pytest.raises(HttpError) as excinfo:
        api.batchDeleteContacts(body={"resourceNames": [f"people/c{i}" for i in range(501)]}).execute()
    assert excinfo.value.resp.status == 400
    api.batchDeleteContacts(body={"resourceNames": [c["person"]["resourceName"] for c in created[:150]]}).execute()
    assert len(emulator.persons(ALICE)) == 50


# -------------------------------------------------------------------------------------------- groups


def members_of(people: Any, group: str) -> tuple[int, list[str]]:
    fetched = people.contactGroups().get(resourceName=group, maxMembers=100).execute()
    return fetched.get("memberCount", 0), fetched.get("memberResourceNames", [])


def test_groups_create_duplicate_members_and_last_membership(emulator: PeopleEmulator, people: Any) -> None:
    groups = people.contactGroups()
    created = groups.create(body={"contactGroup": {"name": "Family friends"}}).execute()
    assert created["groupType"] == "USER_CONTACT_GROUP" and created["formattedName"] == "Family friends"
    with pytest.raises(HttpError) as excinfo:
        groups.create(body={"contactGroup": {"name": "Family friends"}}).execute()
    assert excinfo.value.resp.status == 409 and error_of(excinfo)["status"] == "ALREADY_EXISTS"

    ann, bob = (people.people().createContact(body=contact(n)).execute() for n in ("Ann", "Bob"))
    modified = (
        groups.members()
        .modify(
            resourceName=created["resourceName"],
            body={"resourceNamesToAdd": [ann["resourceName"], bob["resourceName"], "people/c404"]},
        )
        .execute()
    )
    assert modified["notFoundResourceNames"] == ["people/c404"]
    assert members_of(people, created["resourceName"]) == (2, [ann["resourceName"], bob["resourceName"]])

    # Membership changes are mutations: the etag changes and the person shows the group.
    ann_now = people.people().get(resourceName=ann["resourceName"], personFields="memberships").execute()
    assert ann_now["etag"] != ann["etag"]
    assert {m["contactGroupMembership"]["contactGroupResourceName"] for m in ann_now["memberships"]} == {
        "contactGroups/myContacts",
        created["resourceName"],
    }

    # Out of myContacts: Ann is only in the user group now, which she cannot leave.
    groups.members().modify(
        resourceName="contactGroups/myContacts", body={"resourceNamesToRemove": [ann["resourceName"]]}
    ).execute()
    refused = (
        groups.members()
        .modify(resourceName=created["resourceName"], body={"resourceNamesToRemove": [ann["resourceName"]]})
        .execute()
    )
    assert refused["canNotRemoveLastContactGroupResourceNames"] == [ann["resourceName"]]
    assert members_of(people, created["resourceName"])[0] == 2

    with pytest.raises(HttpError) as excinfo:
        groups.members().modify(
            resourceName=created["resourceName"],
            body={"resourceNamesToAdd": [f"people/c{i}" for i in range(1001)]},
        ).execute()
    assert excinfo.value.resp.status == 400


def test_groups_list_sync_update_and_delete(emulator: PeopleEmulator, people: Any) -> None:
    groups = people.contactGroups()
    listed = groups.list().execute()
    system = {g["resourceName"]: g for g in listed["contactGroups"]}
    assert system["contactGroups/myContacts"]["groupType"] == "SYSTEM_CONTACT_GROUP"
    assert "contactGroups/starred" in system
    sync_token = listed["nextSyncToken"]

    work = groups.create(body={"contactGroup": {"name": "Work"}}).execute()
    stale = groups.create(body={"contactGroup": {"name": "Old"}}).execute()
    renamed = groups.update(
        resourceName=work["resourceName"],
        body={
            "contactGroup": {"etag": work["etag"], "name": "Work 2", "clientData": [{"key": "k", "value": "v"}]},
            "updateGroupFields": "name,clientData",
            "readGroupFields": "name,clientData",
        },
    ).execute()
    assert renamed["name"] == "Work 2" and renamed["clientData"] == [{"key": "k", "value": "v"}]
    with pytest.raises(HttpError) as excinfo:
        groups.update(
            resourceName=work["resourceName"], body={"contactGroup": {"etag": work["etag"], "name": "Work 3"}}
        ).execute()
    assert error_of(excinfo)["status"] == "FAILED_PRECONDITION"

    member = (
        people.people()
        .createContact(
            body=contact(
                "Ann", memberships=[{"contactGroupMembership": {"contactGroupResourceName": stale["resourceName"]}}]
            )
        )
        .execute()
    )
    groups.delete(resourceName=stale["resourceName"], deleteContacts=True).execute()

    changed = groups.list(syncToken=sync_token).execute()["contactGroups"]
    by_name = {g["resourceName"]: g for g in changed}
    assert set(by_name) == {work["resourceName"], stale["resourceName"]}
    assert by_name[stale["resourceName"]]["metadata"]["deleted"] is True
    assert by_name[work["resourceName"]]["name"] == "Work 2"
    with pytest.raises(HttpError):
        people.people().get(resourceName=member["resourceName"], personFields="names").execute()

    batch = groups.batchGet(resourceNames=[work["resourceName"], "contactGroups/myContacts"]).execute()
    assert [r["contactGroup"]["resourceName"] for r in batch["responses"]] == [
        work["resourceName"],
        "contactGroups/myContacts",
    ]


# -------------------------------------------------------------------------------- quotas and faults


def at_start_of_a_minute(emulator: PeopleEmulator) -> None:
    """Quotas count per clock minute: start a test just after a minute begins, so it does not span two."""
    now = emulator.clock.now()
    emulator.clock.advance(timedelta(seconds=61 - now.second - now.microsecond / 1e6))


@pytest.mark.parametrize("retry_after", [False, True])
def test_quota_exhaustion_is_429_resource_exhausted_with_or_without_retry_after(
    clients: Clients, retry_after: bool
) -> None:
    with PeopleEmulator(reads_per_minute=3, writes_per_minute=1, quota_retry_after=retry_after) as emulator:
        people = clients.people(emulator, emulator.add_user(ALICE))
        at_start_of_a_minute(emulator)
        people.people().createContact(body=contact("Ann")).execute()
        with pytest.raises(HttpError) as excinfo:
            people.people().createContact(body=contact("Bob")).execute()
        assert excinfo.value.resp.status == 429
        error = error_of(excinfo)
        assert error["status"] == "RESOURCE_EXHAUSTED"
        assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
        if retry_after:
            assert 1 <= int(excinfo.value.resp["retry-after"]) <= 60
        else:  # Google's usual answer: the quota is per minute, and no wait is said
            assert "retry-after" not in excinfo.value.resp

        for _ in range(3):
            people.contactGroups().list().execute()
        with pytest.raises(HttpError) as excinfo:
            people.contactGroups().list().execute()
        assert excinfo.value.resp.status == 429

        emulator.clock.advance(timedelta(minutes=1))
        people.contactGroups().list().execute()
        assert len(emulator.persons(ALICE)) == 1
        clients.close()


def test_full_sync_first_page_has_its_own_quota(clients: Clients) -> None:
    with PeopleEmulator(full_sync_first_pages_per_minute=1) as emulator:
        people = clients.people(emulator, emulator.add_user(ALICE))
        emulator.seed(ALICE, [contact("Ann"), contact("Bob")])
        at_start_of_a_minute(emulator)
        first = people.people().connections().list(resourceName="people/me", personFields="names", pageSize=1).execute()
        # Further pages of the same listing are not first pages.
        people.people().connections().list(
            resourceName="people/me", personFields="names", pageSize=1, pageToken=first["nextPageToken"]
        ).execute()
        with pytest.raises(HttpError) as excinfo:
            people.people().connections().list(resourceName="people/me", personFields="names").execute()
        assert error_of(excinfo)["status"] == "RESOURCE_EXHAUSTED"
        clients.close()


def test_injected_server_errors_hit_only_matching_requests(emulator: PeopleEmulator, people: Any) -> None:
    emulator.faults.fail_next(1, status=503, method="POST", path_contains="createContact")
    people.contactGroups().list().execute()  # does not match
    with pytest.raises(HttpError) as excinfo:
        people.people().createContact(body=contact("Ann")).execute()
    assert excinfo.value.resp.status == 503 and error_of(excinfo)["status"] == "UNAVAILABLE"
    assert emulator.persons(ALICE) == []  # failed before it touched anything
    people.people().createContact(body=contact("Ann")).execute()
    assert len(emulator.persons(ALICE)) == 1
    assert emulator.requests[RequestKind.CREATE] == 2


def test_connection_dropped_after_create_leaves_the_contact(emulator: PeopleEmulator, people: Any) -> None:
    # httplib2 silently re-sends a request once when the server closes the connection without answering,
    # so two drops are needed for the client to see the failure (and the retry created a second contact).
    emulator.faults.drop_after_write_next(2, path_contains="createContact")
    with pytest.raises((ConnectionError, httplib2.HttpLib2Error, OSError)):
        people.people().createContact(body=contact("Ann")).execute()
    persons = emulator.persons(ALICE)
    assert persons and all(p["names"][0]["givenName"] == "Ann" for p in persons)
    assert emulator.requests[RequestKind.CREATE] == 2
    people.contactGroups().list().execute()  # the client recovers on a new connection


def test_latency_is_applied(emulator: PeopleEmulator, people: Any) -> None:
    emulator.faults.latency = 0.05
    people.contactGroups().list().execute()
    emulator.faults.latency = 0.0
    assert emulator.requests[RequestKind.GROUPS_LIST] == 1


def test_http_batch_endpoint_with_three_parts(emulator: PeopleEmulator, people: Any) -> None:
    ann = emulator.seed(ALICE, [contact("Ann")])[0]
    results: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: HttpError | None) -> None:
        results[request_id] = exception if exception is not None else response

    batch = BatchHttpRequest(callback=collect, batch_uri=emulator.url + "batch")
    batch.add(people.people().get(resourceName=ann, personFields="names"), request_id="get")
    batch.add(people.people().createContact(body=contact("Zoë")), request_id="create")
    batch.add(people.people().get(resourceName="people/c1", personFields="names"), request_id="missing")
    batch.execute()

    assert results["get"]["names"][0]["givenName"] == "Ann"
    assert results["create"]["names"][0]["givenName"] == "Zoë"
    assert isinstance(results["missing"], HttpError) and results["missing"].resp.status == 404
    assert emulator.requests[RequestKind.HTTP_BATCH] == 1
    assert emulator.requests[RequestKind.GET] == 2 and emulator.requests[RequestKind.CREATE] == 1


# -------------------------------------------------------------------------------------- auth and users


def test_requests_without_a_valid_token_are_unauthenticated(emulator: PeopleEmulator) -> None:
    http = httplib2.Http()
    response, content = http.request(emulator.url + "v1/contactGroups", "GET")
    http.close()
    assert response.status == 401
    error = json.loads(content)["error"]
    assert error["status"] == "UNAUTHENTICATED" and error["code"] == 401

    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"
    assert response["www-authenticate"].startswith("Bearer")

    http = httplib2.Http()
    response, content = http.request(
        emulator.url + "v1/contactGroups", "GET", headers={"Authorization": "Bearer ya29.forged"}
    )
    http.close()
    assert response.status == 401
    assert json.loads(content)["error"]["status"] == "UNAUTHENTICATED"


def test_two_users_are_isolated(emulator: PeopleEmulator, people_for: Callable[[str], Any]) -> None:
    alice, bob = people_for(ALICE), people_for(BOB)
    ann = alice.people().createContact(body=contact("Ann")).execute()
    alice.contactGroups().create(body={"contactGroup": {"name": "Shared name"}}).execute()
    bob.contactGroups().create(body={"contactGroup": {"name": "Shared name"}}).execute()  # no 409 across users

    assert list_all(bob, personFields="names")[0] == []
    with pytest.raises(HttpError) as excinfo:
        bob.people().get(resourceName=ann["resourceName"], personFields="names").execute()
    assert excinfo.value.resp.status == 404
    assert [p["resourceName"] for p in emulator.persons(ALICE)] == [ann["resourceName"]]


def test_service_account_token_grant_through_google_auth(emulator: PeopleEmulator, clients: Clients) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    client_email = "sync@contactsync-test.iam.gserviceaccount.com"
    emulator.add_service_account(client_email)
    info = {
        "type": "service_account",
        "client_email": client_email,
        "private_key": pem,
        "private_key_id": "k1",
        "token_uri": emulator.url + "token",
    }
    credentials = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/contacts"], subject=BOB
    )
    people = clients.people(emulator, credentials=credentials)
    people.people().createContact(body=contact("Via SA")).execute()

    assert [p["names"][0]["givenName"] for p in emulator.persons(BOB)] == ["Via SA"]
    assert emulator.persons(ALICE) == []
    assert emulator.requests[RequestKind.TOKEN] == 1

    # Access tokens from /token live an hour of the emulator's clock; google-auth refreshes on the 401.
    emulator.clock.advance(timedelta(hours=2))
    people.people().connections().list(resourceName="people/me", personFields="names").execute()
    assert emulator.requests[RequestKind.TOKEN] == 2

    # An issuer that is not registered is refused with an OAuth error.
    stranger = service_account.Credentials.from_service_account_info(
        {**info, "client_email": "other@x.iam.gserviceaccount.com"}, subject=BOB
    )
    import google.auth.exceptions
    import google.auth.transport.requests

    with requests.Session() as session, pytest.raises(google.auth.exceptions.RefreshError):
        stranger.refresh(google.auth.transport.requests.Request(session))


def test_refresh_token_grant(emulator: PeopleEmulator, clients: Clients) -> None:
    from google.oauth2.credentials import Credentials

    credentials = Credentials(
        token=None,
        refresh_token=emulator.refresh_token_for(ALICE),
        token_uri=emulator.url + "token",
        client_id="client",
        client_secret="secret",
    )
    people = clients.people(emulator, credentials=credentials)
    assert people.contactGroups().list().execute()["contactGroups"]


def test_standalone_module_runs_until_sigterm() -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "contactsync.emulators.google", "--port", "0", "--users", "a@x,b@x"),
            *("--propagation-delay", "300", "--max-contacts", "10", "--delegate", "", "--quota-retry-after"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        token = process.stdout.readline().split()[-1]
        http = httplib2.Http()
        response, _ = http.request(url + "v1/contactGroups", "GET", headers={"Authorization": f"Bearer {token}"})
        http.close()
        assert response.status == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize(
    ("sort_order", "expected"),
    [
        ("LAST_MODIFIED_ASCENDING", ["Eve", "Bob", "Dan", "Ann", "Cid"]),
        ("LAST_MODIFIED_DESCENDING", ["Cid", "Ann", "Dan", "Bob", "Eve"]),
        ("FIRST_NAME_ASCENDING", ["Ann", "Bob", "Cid", "Dan", "Eve"]),
    ],
)
def test_sort_orders_page_through_everything(
    emulator: PeopleEmulator, people: Any, sort_order: str, expected: list[str]
) -> None:
    emulator.seed(ALICE, [contact(name) for name in ["Eve", "Bob", "Dan", "Ann", "Cid"]])
    persons, _, pages = list_all(people, personFields="names", pageSize=2, sortOrder=sort_order)
    assert pages == 3
    assert [p["names"][0]["givenName"] for p in persons] == expected
