"""The Graph emulator made as strict as Microsoft's published contract, and the connector living with it (#14).

Each test here failed before: the emulator granted every call to any token holding a Contacts permission, so a
connector that needed MailboxSettings for every tagged write looked fine until it met a real tenant.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.memory import BACKENDS, backend
from contactsync.connectors.outlook import OutlookConnector
from contactsync.connectors.outlook.connector import NOTICE_COLOURS
from contactsync.connectors.outlook.throttle import AppLimiter
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.errors import ConnectorError, RateLimited
from contactsync.model import PartialDate, Tag

from .conftest import CLIENT_ID, GRAPH_SCOPE, SECRET, TENANT, USER, Graph, confidential_app
from .conftest import trusting_session as trusting
from .fixtures import mailbox_config, outlook
from .test_faults import World, person

CONTACTS_ONLY = ("Contacts.ReadWrite",)


def token_graph(emu: GraphEmulator, http: requests.Session) -> Graph:
    result = confidential_app(emu, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in result, result
    return Graph(emu, http, result["access_token"])


# ------------------------------------------------------------------ permissions, per call, from the token
def test_master_categories_need_mailbox_settings_contacts_do_not(
    emulator: GraphEmulator, http: requests.Session
) -> None:
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    graph = token_graph(emulator, http)
    categories = f"/users/{USER}/outlook/masterCategories"
    listed = graph.get(categories)
    assert listed.status_code == 403
    assert listed.json()["error"]["code"] == "ErrorAccessDenied"
    assert "MailboxSettings.Read" in listed.json()["error"]["message"]
    assert graph.post(categories, {"displayName": "VIP", "color": "preset1"}).status_code == 403
    # a contact's categories are plain strings: Contacts.ReadWrite is enough to write and to filter on them
    made = graph.post(f"/users/{USER}/contacts", {"givenName": "Bo", "categories": ["VIP"]})
    assert made.status_code == 201
    counted = graph.get(f"/users/{USER}/contacts", params={"$filter": "categories/any(c:c eq 'VIP')", "$count": "true"})
    assert counted.json()["@odata.count"] == 1


def test_each_batch_member_is_authorized_on_its_own(emulator: GraphEmulator, http: requests.Session) -> None:
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.Read", "MailboxSettings.Read"))
    graph = token_graph(emulator, http)
    batch = {
        "requests": [
            {"id": "1", "method": "GET", "url": f"/users/{USER}/outlook/masterCategories"},
            {"id": "2", "method": "GET", "url": f"/users/{USER}/contacts"},
            {
                "id": "3",
                "method": "POST",
                "url": f"/users/{USER}/contacts",
                "body": {"givenName": "X"},
                "headers": {"Content-Type": "application/json"},
            },
            {
                "id": "4",
                "method": "POST",
                "url": f"/users/{USER}/outlook/masterCategories",
                "body": {"displayName": "VIP"},
                "headers": {"Content-Type": "application/json"},
            },
        ]
    }
    answers = {r["id"]: r["status"] for r in graph.post("/$batch", batch).json()["responses"]}
    assert answers == {"1": 200, "2": 200, "3": 403, "4": 403}


def test_mailbox_settings_readwrite_does_not_list_categories(emulator: GraphEmulator, http: requests.Session) -> None:
    """The list page names MailboxSettings.Read with no higher permission: the stricter reading is modelled."""
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.ReadWrite", "MailboxSettings.ReadWrite"))
    graph = token_graph(emulator, http)
    assert graph.get(f"/users/{USER}/outlook/masterCategories").status_code == 403
    assert graph.post(f"/users/{USER}/outlook/masterCategories", {"displayName": "VIP"}).status_code == 201


def test_a_token_keeps_the_roles_it_was_issued_with(emulator: GraphEmulator, http: requests.Session) -> None:
    graph = token_graph(emulator, http)
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    assert graph.get(f"/users/{USER}/outlook/masterCategories").status_code == 200
    assert token_graph(emulator, http).get(f"/users/{USER}/outlook/masterCategories").status_code == 403


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``python -m contactsync.emulators.outlook --grant Contacts.ReadWrite``, a real process, its banner parsed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "contactsync.emulators.outlook", "--grant", "Contacts.ReadWrite", "--secret", SECRET,
         "--client-id", CLIENT_ID, "--mailbox", USER, "--tenant", TENANT],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    banner: dict[str, str] = {}
    for line in process.stdout:
        key, _, value = line.partition(":")
        banner[key.strip()] = value.strip()
        if key.strip() == "mailboxes":
            break
    try:
        yield banner
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def test_command_line_grant_is_what_tokens_carry(standalone: dict[str, str]) -> None:
    assert standalone["granted"] == "Contacts.ReadWrite"
    http = requests.Session()
    http.trust_env = False
    http.verify = standalone["ca file"]
    token = requests.post(
        standalone["authority"] + "/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET,
              "scope": GRAPH_SCOPE[0]},
        verify=standalone["ca file"],
        timeout=30,
    ).json()["access_token"]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    base = standalone["graph"]
    assert http.get(f"{base}/users/{USER}/contacts", headers=headers, timeout=30).status_code == 200
    assert http.get(f"{base}/users/{USER}/outlook/masterCategories", headers=headers, timeout=30).status_code == 403
    http.close()


# ------------------------------------------------------------------ divergence 1: tags with Contacts.ReadWrite only
def test_tags_sync_with_contacts_readwrite_only_and_the_notice_names_the_permission(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    world = World(emulator, tmp_path)
    try:
        for n in range(3):
            world.memory.user_create(person(n))
        first = world.run()
        assert all(a.error is None for a in first.accounts.values()), first.as_dict()
        assert sorted(c["categories"] for c in world.outlook_people()) == [["Team"]] * 3
        assert [c["displayName"] for c in emulator.master_categories(USER)] == [
            n for n in ("Red category", "Orange category", "Yellow category", "Green category", "Blue category",
                        "Purple category")
        ]  # fmt: skip
        second = world.run()
        assert second.writes == 0 and all(a.error is None for a in second.accounts.values())
        assert {t.name: n for t, n in world.outlook.tag_counts().items()} == {"Team": 3}
        notices = world.outlook.pull(None).notices
        assert [n.code for n in notices] == [NOTICE_COLOURS]
        assert "MailboxSettings.ReadWrite" in notices[0].message
        assert "@" not in notices[0].message  # no mailbox, no person
    finally:
        world.close()


def test_a_refused_colour_is_not_asked_again_on_every_push(emulator: GraphEmulator, tmp_path: Path) -> None:
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    world = World(emulator, tmp_path)
    try:
        world.memory.user_create(person(0))
        world.run()
        emulator.reset_counters()
        world.memory.user_create(person(1))
        report = world.run()
        assert report.accounts["outlook"].created == 1 and report.accounts["outlook"].error is None
        assert emulator.requests[RequestKind.CATEGORIES] == 0
    finally:
        world.close()


def test_with_mailbox_settings_readwrite_alone_colours_are_still_made(emulator: GraphEmulator, tmp_path: Path) -> None:
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.ReadWrite", "MailboxSettings.ReadWrite"))
    world = World(emulator, tmp_path)
    try:
        for n in range(2):
            world.memory.user_create(person(n))
        report = world.run()
        assert all(a.error is None for a in report.accounts.values())
        assert [c["displayName"] for c in emulator.master_categories(USER)][-1] == "Team"
        assert world.outlook.pull(None).notices == ()
    finally:
        world.close()


def test_tag_counts_need_only_contacts_read(emulator: GraphEmulator) -> None:
    emulator.seed(USER, [{"givenName": f"P{n}", "categories": ["Team", "vip"] if n % 2 else ["VIP"]} for n in range(5)])
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.Read",))
    connector = outlook(emulator)
    try:
        counts = {t.name: n for t, n in connector.tag_counts().items()}
        assert counts == {"Team": 2, "VIP": 5}
        assert emulator.requests[RequestKind.CATEGORIES] == 0
        # after a full listing the names are known: counting costs one $batch, no scan
        connector.pull(None)
        emulator.reset_counters()
        assert connector.tag_counts()[Tag("team")] == 2
        assert emulator.requests[RequestKind.BATCH] == 1
        assert emulator.requests[RequestKind.LIST] == emulator.requests[RequestKind.BATCH_MEMBER] == 2
    finally:
        connector.close()


# ------------------------------------------------------------------ divergence 7: documented $filter forms only
MARKER = "String {8f4e2c71-3b5a-4d9e-a6c1-5e2b7d0f9a34} Name contactsync-id"


def test_extended_property_filter_needs_id_and_value(graph: Graph) -> None:
    contacts = f"/users/{USER}/contacts"
    made = graph.post(contacts, {"givenName": "Bo", "singleValueExtendedProperties": [{"id": MARKER, "value": "c-1"}]})
    assert made.status_code == 201
    id_only = graph.get(contacts, params={"$filter": f"singleValueExtendedProperties/any(ep: ep/id eq '{MARKER}')"})
    assert id_only.status_code == 400
    assert id_only.json()["error"]["code"] == "ErrorInvalidUrlQueryFilter"
    assert set(id_only.json()["error"]) == {"code", "message", "innerError"}
    paired = f"singleValueExtendedProperties/any(ep: ep/id eq '{MARKER}' and ep/value eq 'c-1')"
    assert [c["id"] for c in graph.get(contacts, params={"$filter": paired}).json()["value"]] == [made.json()["id"]]


def test_extended_property_names_compare_case_sensitively(graph: Graph) -> None:
    contacts = f"/users/{USER}/contacts"
    made = graph.post(contacts, {"givenName": "Bo", "singleValueExtendedProperties": [{"id": MARKER, "value": "c-1"}]})
    item = f"{contacts}/{made.json()['id']}"
    kind, guid, keyword, name = MARKER.split(" ", 3)
    other_case = f"{kind.lower()} {guid.upper()} {keyword.lower()} {name}"
    found = graph.get(item, params={"$expand": f"singleValueExtendedProperties($filter=id eq '{other_case}')"})
    assert [p["value"] for p in found.json()["singleValueExtendedProperties"]] == ["c-1"]
    other_name = f"{kind} {guid} {keyword} {name.upper()}"
    missed = graph.get(item, params={"$expand": f"singleValueExtendedProperties($filter=id eq '{other_name}')"})
    assert "singleValueExtendedProperties" not in missed.json()
    # a PATCH with the name in another case is another property, not ours overwritten
    graph.patch(item, {"singleValueExtendedProperties": [{"id": other_name, "value": "theirs"}]})
    found = graph.get(item, params={"$expand": f"singleValueExtendedProperties($filter=id eq '{MARKER}')"})
    assert [p["value"] for p in found.json()["singleValueExtendedProperties"]] == ["c-1"]


def test_full_listing_reads_markers_with_documented_queries_only(emulator: GraphEmulator) -> None:
    emulator.seed(USER, [{"givenName": "Bo", "singleValueExtendedProperties": [{"id": MARKER, "value": "c-1"}]},
                         {"givenName": "Cy"}])  # fmt: skip
    connector = outlook(emulator)
    try:
        listed = connector.pull(None)
        assert sorted((rc.contact.name.given, rc.marker) for rc in listed.changed) == [("Bo", "c-1"), ("Cy", None)]
    finally:
        connector.close()


# ------------------------------------------------------------------ divergence 8: birthday is a UTC instant
@pytest.mark.parametrize(
    ("stored", "zone"),
    [
        ("1990-05-16T22:00:00Z", "Europe/Berlin"),  # local midnight of a desktop Outlook in UTC+2 (summer)
        ("1990-05-16T23:00:00Z", "Europe/London"),  # UTC+1 (summer)
        ("1990-05-17T04:00:00Z", "America/New_York"),  # UTC-4 (summer)
        ("1990-05-17T10:00:00Z", "Pacific/Honolulu"),  # UTC-10
        ("1990-05-16T15:00:00Z", "Asia/Tokyo"),  # UTC+9
        ("1990-05-16T12:00:00Z", "Pacific/Auckland"),  # UTC+12 (winter)
        ("1990-05-17T11:59:00Z", "UTC"),  # what Outlook on the web and contactsync write
    ],
)
def test_birthday_reads_as_the_date_outlook_shows(emulator: GraphEmulator, stored: str, zone: str) -> None:
    # the value really is local midnight of the 17th in that zone (the case a client in that zone writes)
    local = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    assert (local.day, local.hour) == (17, 0) or stored.endswith("T11:59:00Z")
    emulator.seed(USER, [{"givenName": "Bo", "birthday": stored}])
    assert emulator.contacts(USER)[0]["birthday"] == stored  # Graph keeps the instant, in UTC
    connector = outlook(emulator)
    try:
        (listed,) = connector.pull(None).changed
        assert listed.contact.birthday == PartialDate(1990, 5, 17)
    finally:
        connector.close()


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Honolulu", "Asia/Tokyo", "Australia/Sydney"]
)
def test_a_birthday_we_write_shows_its_date_in_outlook_around_the_world(emulator: GraphEmulator, zone: str) -> None:
    connector = outlook(emulator)
    try:
        contact = person(0, birthday=PartialDate(1990, 12, 24))
        (result,) = connector.push([Change(ChangeKind.CREATE, "cid-1", contact)])
        assert result.ok
        stored = emulator.contacts(USER)[0]["birthday"]
        shown = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        assert (shown.year, shown.month, shown.day) == (1990, 12, 24)
        (read,) = connector.pull(None).changed
        assert read.contact.birthday == PartialDate(1990, 12, 24)
    finally:
        connector.close()


# ------------------------------------------------------------------ divergence 10: contact folders
def test_a_german_mailbox_syncs_its_default_folder_and_nested_folders_by_path(tmp_path: Path) -> None:
    with GraphEmulator(seed=3) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER, contacts_folder_name="Kontakte")
        customers = emu.add_folder(USER, "Kunden")
        key_accounts = emu.add_folder(USER, "Wichtig", parent_id=customers)
        emu.add_folder(USER, "Wichtig")  # the same name elsewhere: only the path tells them apart
        emu.seed(USER, [{"givenName": "Im Hauptordner"}])
        emu.seed(USER, [{"givenName": "Kundin"}], folder_id=customers)
        emu.seed(USER, [{"givenName": "Großkundin"}], folder_id=key_accounts)
        http = requests.Session()
        http.trust_env = False
        http.verify = emu.ca_file
        graph = token_graph(emu, http)
        listed = graph.get(f"/users/{USER}/contactFolders").json()["value"]
        assert sorted(f["displayName"] for f in listed) == ["Kunden", "Wichtig"]  # no "Kontakte"
        children = graph.get(f"/users/{USER}/contactFolders/{customers}/childFolders").json()["value"]
        assert [f["id"] for f in children] == [key_accounts]
        http.close()

        expected = {
            None: ["Im Hauptordner"],
            "contacts": ["Im Hauptordner"],
            "Kunden": ["Kundin"],
            "Kunden/Wichtig": ["Großkundin"],
            "Kontakte/Kunden/Wichtig": ["Großkundin"],
        }
        for folder, names in expected.items():
            options = {"folder": folder} if folder else {}
            connector = outlook(emu, **options)
            try:
                assert [rc.contact.name.given for rc in connector.pull(None).changed] == names, folder
            finally:
                connector.close()
        connector = outlook(emu, folder="Kontakte/Nirgendwo")
        try:
            with pytest.raises(ConnectorError, match="no contact folder at the path"):
                connector.pull(None)
        finally:
            connector.close()


# ------------------------------------------------------------------ divergence 9: throttling per app
OTHER_USER = "bo@contoso.test"


def _overlapping(calls: list[Callable[[], int]], emu: GraphEmulator, latency: float) -> list[int]:
    """Run the calls at once (each after a warm-up on its own connection) while Graph takes ``latency`` each."""
    warmed, go = threading.Barrier(len(calls) + 1), threading.Barrier(len(calls) + 1)
    statuses: list[int] = []

    def run(call: Callable[[], int]) -> None:
        warmed.wait()
        go.wait()
        statuses.append(call())

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    warmed.wait()
    emu.latency = latency
    go.wait()
    for thread in threads:
        thread.join()
    emu.latency = 0.0
    return statuses


def test_four_concurrent_requests_per_app_across_mailboxes(emulator: GraphEmulator) -> None:
    emulator.add_mailbox(TENANT, OTHER_USER)
    sessions = [trusting(emulator) for _ in range(5)]
    graphs = [token_graph(emulator, s) for s in sessions]
    users = [USER, OTHER_USER, USER, OTHER_USER, OTHER_USER]
    for g, user in zip(graphs, users, strict=True):
        g.get(f"/users/{user}/contacts")  # the TLS connection is open before the race
    statuses = _overlapping(
        [lambda g=g, u=u: g.get(f"/users/{u}/contacts").status_code for g, u in zip(graphs, users, strict=True)],
        emulator,
        1.0,
    )
    assert sorted(statuses) == [200, 200, 200, 200, 429]
    for s in sessions:
        s.close()


def test_a_batch_runs_four_members_at_once_and_those_without_a_slot_get_429(emulator: GraphEmulator) -> None:
    sessions = [trusting(emulator) for _ in range(3)]
    graphs = [token_graph(emulator, s) for s in sessions]
    for g in graphs:
        g.get(f"/users/{USER}/contacts")
    batch = {"requests": [{"id": str(n), "method": "GET", "url": f"/users/{USER}/contacts"} for n in range(10)]}
    answers: list[dict[str, object]] = []

    def send_batch() -> int:
        response = graphs[0].post("/$batch", batch)
        answers.extend(response.json()["responses"])
        return response.status_code

    # two single requests hold two of the app's four slots while the batch wants a wave of four
    emulator.latency = 0.0
    statuses = _overlapping(
        [lambda: graphs[1].get(f"/users/{USER}/contacts").status_code,
         lambda: graphs[2].get(f"/users/{USER}/contacts").status_code,
         lambda: (time.sleep(0.3), send_batch())[1]],
        emulator,
        0.5,
    )  # fmt: skip
    assert sorted(statuses) == [200, 200, 200]
    throttled = [a for a in answers if a["status"] == 429]
    assert len(throttled) == 2 and all(a["headers"]["Retry-After"] for a in throttled)  # type: ignore[index]
    assert emulator.limiter.peak[CLIENT_ID] == 4
    for s in sessions:
        s.close()


def test_mailboxes_of_one_app_synced_at_once_never_trip_its_limits(emulator: GraphEmulator) -> None:
    users = [USER, OTHER_USER, "cy@contoso.test", "di@contoso.test"]
    for user in users[1:]:
        emulator.add_mailbox(TENANT, user)
    for user in users:
        emulator.seed(user, [{"givenName": f"P{n}", "categories": ["Team"]} for n in range(30)])
    connectors = [outlook(emulator, name=f"o{n}", mailbox=user) for n, user in enumerate(users)]
    for c in connectors:
        c.pull(None)  # tokens, TLS
    emulator.reset_counters()
    before = emulator.limiter.refused

    def work(c: OutlookConnector) -> int:
        pulled = c.pull(None)
        changes = [Change(ChangeKind.CREATE, f"{c.name}-{n}", person(n)) for n in range(20)]
        results = c.push(changes)
        c.fetch([rc.ref.id for rc in pulled.changed][:20])
        c.tag_counts()
        return sum(r.ok for r in results)

    statuses = _overlapping([lambda c=c: work(c) for c in connectors], emulator, 0.02)
    assert statuses == [20, 20, 20, 20]
    assert emulator.limiter.refused == before  # not one 429 from Graph
    assert emulator.limiter.peak[CLIENT_ID] <= 4
    assert connectors[0].graph.http.limit.limiter.peak == 4  # type: ignore[attr-defined]
    for c in connectors:
        c.close()


def test_the_budget_waits_then_says_rate_limited_with_the_wait() -> None:
    now = [0.0]
    limiter = AppLimiter(per_window=5, window_s=600.0, clock=lambda: now[0])
    for _ in range(2):
        with limiter.slots("ana", 2, max_wait=60, account="o"):
            now[0] += 100.0
    # 4 of 5 spent at t=0 and t=100: a batch of 3 fits once the first two leave the window (t=600)
    with pytest.raises(RateLimited) as refused, limiter.slots("ana", 3, max_wait=60, account="o"):
        pass
    assert refused.value.retry_after == 400
    with limiter.slots("bo", 5, max_wait=0, account="o"):  # another mailbox has its own budget
        pass
    now[0] = 599.5
    waited = threading.Thread(target=lambda: limiter.slots("ana", 3, max_wait=60, account="o").__enter__())
    waited.start()
    now[0] = 600.0  # the waiter re-checks when its wait (half a second of real time) ends
    waited.join(timeout=15)
    assert not waited.is_alive()


# ------------------------------------------------------------------ done-when of #14 (Graph half), end to end
def test_a_sync_with_tags_on_contacts_readwrite_only_works_and_status_says_why_no_colours(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    BACKENDS.pop("b1-phone", None)
    phone = backend("b1-phone")
    for n in range(3):
        phone.user_create(person(n))
    config = mailbox_config(
        tmp_path,
        emulator,
        """      - name: phone
        type: memory
        options: {backend: b1-phone}
""",
    )
    runner = CliRunner(env={"GRAPH_CLIENT_SECRET": SECRET})

    def cli_run(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)

    first = cli_run("sync", "--json")
    assert first.exit_code == EXIT_OK, first.output
    assert sorted(c["categories"] for c in emulator.contacts(USER)) == [["Team"]] * 3
    second = cli_run("sync", "--json")
    assert second.exit_code == EXIT_OK, second.output
    status = cli_run("status", "--json")
    account = json.loads(status.stdout)["books"]["staff"]["accounts"]["mailbox"]
    assert [n["code"] for n in account["notices"]] == [NOTICE_COLOURS]
    assert "MailboxSettings.ReadWrite" in account["notices"][0]["message"]
    assert account["result"] == "ok"
    text = cli_run("status")
    assert text.stdout.count("note: categories are written without colours") == 1


def test_colours_come_back_a_day_after_the_admin_grants_mailbox_settings(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    emulator.grant(TENANT, CLIENT_ID, CONTACTS_ONLY)
    world = World(emulator, tmp_path)
    try:
        world.memory.user_create(person(0))
        world.run()
        assert [n.code for n in world.outlook.pull(None).notices] == [NOTICE_COLOURS]
        emulator.grant(TENANT, CLIENT_ID, ("Contacts.ReadWrite", "MailboxSettings.Read", "MailboxSettings.ReadWrite"))
        world.outlook.close()
        world.outlook = outlook(emulator, waits=world.waits)  # a new process: a fresh token with the new roles
        world.outlook._clock = lambda: datetime.now(UTC) + timedelta(days=1, minutes=1)  # the refusal is a day old
        world.memory.user_create(person(1))
        report = world.run()
        assert report.accounts["outlook"].error is None
        assert "Team" in [c["displayName"] for c in emulator.master_categories(USER)]
        assert world.outlook.pull(None).notices == ()
    finally:
        world.close()


def test_a_batch_waiting_for_four_slots_is_not_starved_by_single_requests() -> None:
    limiter = AppLimiter()
    order: list[str] = []

    def take(label: str, requests: int) -> None:
        with limiter.slots("ana", requests, max_wait=60, account="o"):
            order.append(label)

    def queued(n: int) -> None:
        for _ in range(1000):
            if len(limiter._queue) == n:
                return
            time.sleep(0.01)
        raise AssertionError(f"{n} waiters never queued")

    with limiter.slots("ana", 1, max_wait=60, account="o"):  # one slot busy: a batch of 20 (4 slots) must wait
        batch = threading.Thread(target=take, args=("batch", 20))
        batch.start()
        queued(1)
        single = threading.Thread(target=take, args=("single", 1))  # 3 slots are free, but the batch came first
        single.start()
        queued(2)
        assert order == []
    batch.join(timeout=30)
    single.join(timeout=30)
    assert order == ["batch", "single"]
