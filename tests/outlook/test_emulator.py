"""The Graph emulator behaves like Microsoft Graph v1.0 and Entra ID as documented, seen through msal and requests.

Each test states a client-visible behaviour of the real service (see docs/platform-notes.md).
"""

from __future__ import annotations

import datetime as dt
import threading
from datetime import timedelta
from typing import Any

import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from contactsync.emulators.outlook import GraphEmulator, RequestKind

from .conftest import (
    CLIENT_ID,
    GRAPH_SCOPE,
    OTHER_TENANT,
    SECRET,
    TENANT,
    USER,
    Graph,
    confidential_app,
    trusting_session,
)

CONTACTS = f"/users/{USER}/contacts"
TAG_PROPERTY = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name contactsync-id"


def people(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"givenName": f"Person{i:05d}", "surname": "Test", **extra} for i in range(n)]


def follow(graph: Graph, url: str, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Follow @odata.nextLink to the end; return every value and the last page."""
    values: list[dict[str, Any]] = []
    while True:
        response = graph.get(url, **kwargs)
        assert response.status_code == 200, response.text
        page = response.json()
        values.extend(page["value"])
        if "@odata.nextLink" not in page:
            return values, page
        url = page["@odata.nextLink"]


def delta_url(emu: GraphEmulator) -> str:
    return f"/users/{USER}/contactFolders/{emu.default_folder_id(USER)}/contacts/delta"


# ----- identity
def test_client_credentials_token(emulator: GraphEmulator, http: requests.Session) -> None:
    result = confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result["token_type"] == "Bearer"
    assert result["expires_in"] > 0
    assert emulator.requests[RequestKind.TOKEN] == 1


def test_wrong_secret_is_msal_error_dict_with_aadsts7000215(emulator: GraphEmulator, http: requests.Session) -> None:
    result = confidential_app(emulator, http, credential="wrong").acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result["error"] == "invalid_client"
    assert result["error_description"].startswith("AADSTS7000215:")
    assert 7000215 in result["error_codes"]


@pytest.mark.parametrize(
    ("setup", "client_id", "error", "code"),
    [
        ("none", "00000000-0000-0000-0000-000000000000", "unauthorized_client", "AADSTS700016"),
        ("expired", "expired-app", "invalid_client", "AADSTS7000222"),
        ("no-consent", "no-consent-app", "invalid_grant", "AADSTS65001"),
    ],
)
def test_token_refusals_carry_the_real_aadsts_codes(
    emulator: GraphEmulator, http: requests.Session, setup: str, client_id: str, error: str, code: str
) -> None:
    if setup == "expired":
        emulator.add_app(TENANT, client_id, secret=SECRET, secret_expired=True)
    elif setup == "no-consent":
        emulator.add_app(TENANT, client_id, secret=SECRET, permissions=("User.Read",))
    result = confidential_app(emulator, http, client_id=client_id).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result["error"] == error
    assert result["error_description"].startswith(f"{code}:")


def test_unknown_tenant_is_refused_at_discovery(emulator: GraphEmulator, http: requests.Session) -> None:
    with pytest.raises(ValueError, match="tenant name"):  # msal's wording for a failed tenant discovery
        confidential_app(emulator, http, tenant="nowhere.test")
    token = http.post(
        f"{emulator.authority('nowhere.test')}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_request"
    assert token.json()["error_description"].startswith("AADSTS90002:")


def _certificate() -> tuple[str, str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contactsync")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256())
    )  # fmt: skip
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode(), cert.fingerprint(hashes.SHA256()).hex()


def test_certificate_credential_checks_the_registered_thumbprint(
    emulator: GraphEmulator, http: requests.Session
) -> None:
    key_pem, cert_pem, thumbprint = _certificate()
    emulator.add_app(TENANT, "cert-app", cert_thumbprint=thumbprint)
    emulator.add_app(TENANT, "other-cert-app", cert_thumbprint="ab" * 32)
    credential = {"private_key": key_pem, "public_certificate": cert_pem}

    good = confidential_app(emulator, http, client_id="cert-app", credential=credential)
    assert "access_token" in good.acquire_token_for_client(scopes=GRAPH_SCOPE)
    bad = confidential_app(emulator, http, client_id="other-cert-app", credential=credential)
    result = bad.acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result["error"] == "invalid_client"
    assert result["error_description"].startswith("AADSTS700027:")


def test_device_code_flow_waits_for_approval_then_reaches_own_mailbox_only(
    emulator: GraphEmulator, http: requests.Session
) -> None:
    emulator.add_mailbox(TENANT, "bo@contoso.test")
    app = msal.PublicClientApplication(
        CLIENT_ID, authority=emulator.authority(TENANT), instance_discovery=False, http_client=http
    )
    flow = app.initiate_device_flow(scopes=["Contacts.ReadWrite"])
    assert flow["user_code"] in flow["message"]

    pending = app.acquire_token_by_device_flow(flow, exit_condition=lambda _: True)
    assert pending["error"] == "authorization_pending"

    emulator.approve_device_code(flow["user_code"], USER)
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda _: True)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == USER

    graph = Graph(emulator, http, result["access_token"])
    assert graph.post("/me/contacts", {"givenName": "Mine"}).status_code == 201
    assert [c["givenName"] for c in emulator.contacts(USER)] == ["Mine"]
    denied = graph.get("/users/bo@contoso.test/contacts")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "ErrorAccessDenied"


def test_app_token_cannot_use_me(graph: Graph) -> None:
    assert graph.get("/me/contacts").status_code == 400


# ----- authentication on Graph
def test_missing_token_is_401(emulator: GraphEmulator, http: requests.Session) -> None:
    response = http.get(emulator.graph_url + CONTACTS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_expired_token_is_401_and_a_new_token_works(emulator: GraphEmulator, http: requests.Session) -> None:
    app = confidential_app(emulator, http)
    graph = Graph(emulator, http, app.acquire_token_for_client(scopes=GRAPH_SCOPE)["access_token"])
    assert graph.get(CONTACTS).status_code == 200
    emulator.advance(timedelta(hours=2))
    expired = graph.get(CONTACTS)
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]
    fresh = confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert Graph(emulator, http, fresh["access_token"]).get(CONTACTS).status_code == 200


def test_token_of_one_tenant_cannot_reach_another_tenants_mailbox(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.add_tenant(OTHER_TENANT)
    emulator.add_mailbox(OTHER_TENANT, "eve@fabrikam.test")
    response = graph.get("/users/eve@fabrikam.test/contacts")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ErrorAccessDenied"
    assert graph.get("/users/nobody@contoso.test/contacts").status_code == 404


# ----- contacts
def test_list_pages_with_top_and_next_link_and_select(emulator: GraphEmulator, graph: Graph) -> None:
    ids = emulator.seed(USER, people(25))
    first = graph.get(CONTACTS).json()
    assert len(first["value"]) == 10  # the documented default page size
    values, _ = follow(graph, CONTACTS, params={"$top": "7", "$select": "givenName,emailAddresses"})
    assert [v["id"] for v in values] == ids
    assert set(values[0]) == {"@odata.etag", "id", "givenName", "emailAddresses"}
    assert emulator.requests[RequestKind.LIST] == 1 + 4


def test_create_get_patch_with_if_match_and_stale_412(emulator: GraphEmulator, graph: Graph) -> None:
    created = graph.post(
        CONTACTS,
        {
            "givenName": "Ana",
            "surname": "Lima",
            "emailAddresses": [{"name": "Ana", "address": "ana@example.org"}],
            "businessPhones": ["+33 1 23 45 67 89"],
            "homeAddress": {"city": "Lyon", "countryOrRegion": "France"},
            "birthday": "1990-05-17T00:00:00Z",
            "assistantName": "Bo",
        },
    )
    assert created.status_code == 201
    contact = created.json()
    assert contact["displayName"] == "Ana Lima"
    assert contact["@odata.etag"] == f'W/"{contact["changeKey"]}"'
    assert contact["birthday"].startswith("1990-05-17T")
    assert contact["assistantName"] == "Bo"
    path = f"{CONTACTS}/{contact['id']}"
    assert graph.get(path).json()["homeAddress"] == {"city": "Lyon", "countryOrRegion": "France"}

    patched = graph.patch(path, {"jobTitle": "Engineer"}, headers={"If-Match": contact["@odata.etag"]})
    assert patched.status_code == 200
    after = patched.json()
    assert after["jobTitle"] == "Engineer"
    assert after["emailAddresses"] == contact["emailAddresses"]  # fields not sent are untouched
    assert after["changeKey"] != contact["changeKey"]

    stale = graph.patch(path, {"jobTitle": "Manager"}, headers={"If-Match": contact["@odata.etag"]})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "ErrorIrresolvableConflict"
    assert graph.get(path).json()["jobTitle"] == "Engineer"

    assert graph.delete(path).status_code == 204
    assert graph.get(path).status_code == 404


def test_rejects_what_graph_rejects(graph: Graph) -> None:
    four_emails = [{"address": f"a{i}@example.org"} for i in range(4)]
    assert graph.post(CONTACTS, {"emailAddresses": four_emails}).status_code == 400
    assert graph.post(CONTACTS, {"notAProperty": "x"}).json()["error"]["code"] == "RequestBodyRead"
    assert graph.post(CONTACTS, {"birthday": "1990-05-17"}).status_code == 400
    assert graph.get(CONTACTS, params={"$select": "nope"}).status_code == 400


# ----- delta
def test_delta_full_with_paging_then_changes_and_removed(emulator: GraphEmulator, graph: Graph) -> None:
    ids = emulator.seed(USER, people(25))
    prefer = {"Prefer": "odata.maxpagesize=10"}
    url, pages, seen = delta_url(emulator) + "?$select=givenName", 0, []
    while True:
        page = graph.get(url, headers=prefer).json()
        pages += 1
        seen.extend(page["value"])
        if "@odata.deltaLink" in page:
            delta_link = page["@odata.deltaLink"]
            break
        assert "$skiptoken=" in page["@odata.nextLink"]
        url = page["@odata.nextLink"]
    assert pages == 3
    assert [v["id"] for v in seen] == ids
    assert set(seen[0]) == {"@odata.type", "@odata.etag", "id", "givenName"}
    assert "$deltatoken=" in delta_link

    emulator.edit(USER, ids[3], {"givenName": "Renamed"})
    emulator.delete(USER, ids[4])
    new_id = graph.post(CONTACTS, {"givenName": "New"}).json()["id"]
    changes = graph.get(delta_link, headers=prefer).json()
    by_id = {v["id"]: v for v in changes["value"]}
    assert set(by_id) == {ids[3], ids[4], new_id}
    assert by_id[ids[3]]["givenName"] == "Renamed"
    assert by_id[ids[4]]["@removed"] == {"reason": "deleted"}
    assert set(by_id[new_id]) == {"@odata.type", "@odata.etag", "id", "givenName"}  # $select is kept

    quiet = graph.get(changes["@odata.deltaLink"]).json()
    assert quiet["value"] == []
    assert "@odata.deltaLink" in quiet


def test_expired_delta_link_is_410(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.seed(USER, people(3))
    delta_link = graph.get(delta_url(emulator)).json()["@odata.deltaLink"]
    emulator.expire_delta_links()
    gone = graph.get(delta_link)
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "SyncStateNotFound"
    restarted = graph.get(delta_url(emulator)).json()
    assert len(restarted["value"]) == 3


def test_delta_replays_entries_when_asked(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.replay_probability = 1.0
    emulator.seed(USER, people(4))
    values, _ = follow(graph, delta_url(emulator))
    assert len(values) > 4
    assert len({v["id"] for v in values}) == 4


def test_incremental_delta_on_50k_contacts_returns_only_the_changes(emulator: GraphEmulator, graph: Graph) -> None:
    ids = emulator.seed(USER, people(50_000))
    url = delta_url(emulator) + "?$select=givenName"
    count, page = 0, {}
    prefer = {"Prefer": "odata.maxpagesize=1000"}
    while True:
        page = graph.get(url, headers=prefer).json()
        count += len(page["value"])
        if "@odata.deltaLink" in page:
            break
        url = page["@odata.nextLink"]
    assert count == 50_000
    emulator.edit(USER, ids[49_999], {"surname": "Changed"})
    emulator.delete(USER, ids[0])
    changes = graph.get(page["@odata.deltaLink"], headers=prefer).json()["value"]
    assert sorted(c["id"] for c in changes) == sorted([ids[49_999], ids[0]])


# ----- categories and extended properties
def test_master_categories_are_unique_and_immutable(emulator: GraphEmulator, graph: Graph) -> None:
    path = f"/users/{USER}/outlook/masterCategories"
    created = graph.post(path, {"displayName": "VIP", "color": "preset2"})
    assert created.status_code == 201
    category = created.json()
    assert graph.post(path, {"displayName": "vip", "color": "preset3"}).status_code == 409
    assert graph.patch(f"{path}/{category['id']}", {"displayName": "VIPs"}).status_code == 400
    recolored = graph.patch(f"{path}/{category['id']}", {"color": "preset9"})
    assert recolored.json() == {**category, "color": "preset9"}
    assert graph.post(path, {"displayName": "Bad", "color": "purple"}).status_code == 400
    names = [c["displayName"] for c in graph.get(path).json()["value"]]
    assert "VIP" in names
    assert graph.delete(f"{path}/{category['id']}").status_code == 204
    assert "VIP" not in [c["displayName"] for c in emulator.master_categories(USER)]


def test_count_with_category_filter(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.seed(USER, people(23))
    emulator.seed(USER, people(7, categories=["VIP", "Team"]))
    response = graph.get(
        CONTACTS,
        params={"$filter": "categories/any(a:a eq 'VIP')", "$count": "true", "$top": "5"},
        headers={"ConsistencyLevel": "eventual"},
    ).json()
    assert response["@odata.count"] == 7
    assert len(response["value"]) == 5
    assert all("VIP" in c["categories"] for c in response["value"])
    assert "@odata.nextLink" in response


def test_extended_property_round_trip_with_expand(emulator: GraphEmulator, graph: Graph) -> None:
    created = graph.post(
        CONTACTS, {"givenName": "Ana", "singleValueExtendedProperties": [{"id": TAG_PROPERTY, "value": "cs-42"}]}
    ).json()
    assert "singleValueExtendedProperties" not in created  # only with $expand
    expand = {"$expand": f"singleValueExtendedProperties($filter=id eq '{TAG_PROPERTY}')"}
    fetched = graph.get(f"{CONTACTS}/{created['id']}", params=expand).json()
    assert fetched["singleValueExtendedProperties"] == [{"id": TAG_PROPERTY, "value": "cs-42"}]
    listed = graph.get(CONTACTS, params=expand).json()["value"]
    assert listed[0]["singleValueExtendedProperties"][0]["value"] == "cs-42"
    found = graph.get(
        CONTACTS,
        params={"$filter": f"singleValueExtendedProperties/any(ep:ep/id eq '{TAG_PROPERTY}' and ep/value eq 'cs-42')"},
    ).json()["value"]
    assert [c["id"] for c in found] == [created["id"]]


# ----- $batch
def _batch(graph: Graph, requests_: list[dict[str, Any]]) -> requests.Response:
    return graph.post("/$batch", {"requests": requests_})


def _create_member(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": str(n), "method": "POST", "url": f"/users/{USER}/contacts",
            "headers": {"Content-Type": "application/json"}, "body": {"givenName": f"B{n}"}, **extra}  # fmt: skip


def test_batch_of_20_succeeds_and_21_is_refused(emulator: GraphEmulator, graph: Graph) -> None:
    response = _batch(graph, [_create_member(n) for n in range(20)])
    assert response.status_code == 200
    statuses = {r["id"]: r["status"] for r in response.json()["responses"]}
    assert statuses == {str(n): 201 for n in range(20)}
    assert len(emulator.contacts(USER)) == 20
    assert emulator.requests[RequestKind.BATCH] == 1
    assert emulator.requests[RequestKind.BATCH_MEMBER] == 20
    assert emulator.requests[RequestKind.CREATE] == 20

    too_many = _batch(graph, [_create_member(n) for n in range(21)])
    assert too_many.status_code == 400
    assert len(emulator.contacts(USER)) == 20


def test_batch_depends_on_and_failed_dependency(emulator: GraphEmulator, graph: Graph) -> None:
    # a fully sequential batch: once a member fails, every later one answers 424 and is not run
    members = [
        _create_member(1),
        {"id": "2", "method": "GET", "url": f"/users/{USER}/contacts/does-not-exist", "dependsOn": ["1"]},
        {**_create_member(3), "dependsOn": ["2"]},
        {"id": "4", "method": "GET", "url": f"/users/{USER}/contacts?$top=1", "dependsOn": ["3"]},
    ]
    responses = {r["id"]: r for r in _batch(graph, members).json()["responses"]}
    assert responses["1"]["status"] == 201
    assert responses["2"]["status"] == 404
    assert responses["3"]["status"] == 424
    assert responses["4"]["status"] == 424
    assert [c["givenName"] for c in emulator.contacts(USER)] == ["B1"]


def test_batch_partial_429_with_retry_after(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.throttle_next(2, retry_after=7)
    response = _batch(graph, [_create_member(n) for n in range(5)])
    assert response.status_code == 200
    results = sorted(response.json()["responses"], key=lambda r: r["id"])
    throttled = [r for r in results if r["status"] == 429]
    assert len(throttled) == 2
    assert all(r["headers"]["Retry-After"] == "7" for r in throttled)
    assert len(emulator.contacts(USER)) == 3


def test_batch_members_count_against_the_mailbox_budget() -> None:
    with GraphEmulator(requests_per_10min=3) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        with trusting_session(emu) as http:
            token = confidential_app(emu, http).acquire_token_for_client(scopes=GRAPH_SCOPE)["access_token"]
            graph = Graph(emu, http, token)
            statuses = [r["status"] for r in _batch(graph, [_create_member(n) for n in range(5)]).json()["responses"]]
            assert sorted(statuses) == [201, 201, 201, 429, 429]
            refused = graph.get(CONTACTS)
            assert refused.status_code == 429
            assert int(refused.headers["Retry-After"]) > 0
            emu.advance(timedelta(minutes=10))
            assert graph.get(CONTACTS).status_code == 200


# ----- throttling and faults
def test_fifth_concurrent_request_to_a_mailbox_is_throttled(emulator: GraphEmulator, graph: Graph) -> None:
    # Each client opens its TLS connection first, so the five real requests overlap for the whole latency.
    warmed, go = threading.Barrier(6), threading.Barrier(6)
    statuses: list[int] = []
    retry_after: list[str] = []

    def call() -> None:
        with trusting_session(emulator) as http:
            http.get(emulator.graph_url + CONTACTS, headers=graph.headers)
            warmed.wait()
            go.wait()
            response = http.get(emulator.graph_url + CONTACTS, headers=graph.headers)
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert response.json()["error"]["code"] == "ApplicationThrottled"
                retry_after.append(response.headers["Retry-After"])

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    warmed.wait()
    emulator.latency = 1.0
    go.wait()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 200, 429]
    assert retry_after == ["1"]


def test_injected_failures_answer_5xx_without_applying(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.fail_next(2, status=503, method="POST")
    assert graph.get(CONTACTS).status_code == 200  # GET does not match
    assert graph.post(CONTACTS, {"givenName": "A"}).status_code == 503
    assert graph.post(CONTACTS, {"givenName": "A"}).status_code == 503
    assert graph.post(CONTACTS, {"givenName": "A"}).status_code == 201
    assert len(emulator.contacts(USER)) == 1


def test_connection_dropped_after_create_still_creates(emulator: GraphEmulator, graph: Graph) -> None:
    emulator.drop_after_write_next(1)
    with pytest.raises(requests.ConnectionError):
        graph.post(CONTACTS, {"givenName": "Maybe"})
    assert [c["givenName"] for c in emulator.contacts(USER)] == ["Maybe"]
    assert graph.get(CONTACTS).status_code == 200  # the next request works


# ----- folders
def test_folders_list_those_inside_the_default_and_delta_is_per_folder(emulator: GraphEmulator, graph: Graph) -> None:
    folders_path = f"/users/{USER}/contactFolders"
    assert graph.get(folders_path).json()["value"] == []  # the default folder is not inside itself
    default = graph.get(f"{folders_path}/contacts").json()
    assert (default["id"], default["displayName"]) == (emulator.default_folder_id(USER), "Contacts")
    work = graph.post(folders_path, {"displayName": "Work"}).json()
    assert work["parentFolderId"] == default["id"]
    assert [f["id"] for f in graph.get(folders_path).json()["value"]] == [work["id"]]
    work_contacts = f"{folders_path}/{work['id']}/contacts"
    work_delta = graph.get(f"{work_contacts}/delta").json()["@odata.deltaLink"]
    default_delta = graph.get(delta_url(emulator)).json()["@odata.deltaLink"]

    in_work = graph.post(work_contacts, {"givenName": "Colleague"}).json()
    assert in_work["parentFolderId"] == work["id"]
    graph.post(CONTACTS, {"givenName": "Friend"})

    assert [v["givenName"] for v in graph.get(work_delta).json()["value"]] == ["Colleague"]
    assert [v["givenName"] for v in graph.get(default_delta).json()["value"]] == ["Friend"]
    assert graph.get(f"{work_contacts}/{in_work['id']}").status_code == 200
    assert graph.get(f"{CONTACTS}/{in_work['id']}").status_code == 200  # /contacts/{id} finds any folder


def test_token_endpoint_faults_only_when_asked_by_path(emulator: GraphEmulator, http: requests.Session) -> None:
    emulator.fail_next(1, status=503)  # no path: Graph operations only, the token request is untouched
    token = confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in token
    emulator.fail_next(1, status=503, path_contains="oauth2/v2.0/token")
    # msal returns a dict for 4xx but raises on a 5xx from the token endpoint: connectors must catch it.
    with pytest.raises(msal.exceptions.MsalServiceError, match="503"):
        confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
