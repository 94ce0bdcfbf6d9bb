"""The Google connector against the People API emulator, through the real google-api-python-client."""

from __future__ import annotations

import contextlib
import json
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from contactsync.connector import Change, ChangeKind, PullResult
from contactsync.connectors.google import GoogleConnector, write_token_file
from contactsync.connectors.google.auth import credentials_for
from contactsync.connectors.google.mapping import (
    MappingError,
    contact_from_person,
    fit,
    person_fields,
    person_fields_to_write,
)
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.engine import Engine, EngineHooks
from contactsync.engine.report import AccountReport, RunReport
from contactsync.errors import AuthFailed, PreconditionFailed, RateLimited, Transient
from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Event,
    InstantMessage,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PhoneticName,
    PostalAddress,
    Relation,
    RelationKind,
    Tag,
    Url,
)
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings, frozen_mapping
from contactsync.store import Store
from tests.contract import create

from .conftest import ALICE
from .helpers import clock_sleep, connector_for, google_account

# ------------------------------------------------------------------------------------------ helpers


def person(n: int, *, note: str = "", tags: tuple[str, ...] = ("Team",)) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"P{n}", family="Test"),
            emails=(Email(f"p{n}@example.org", EmailKind.WORK),),
            phones=(Phone(f"+1202555{n:04d}", PhoneKind.MOBILE),),
            note=note,
            tags=frozenset(Tag(t) for t in tags),
        )
    )


def api_requests(emulator: PeopleEmulator) -> int:
    """People API requests (token grants are OAuth, not People API)."""
    return sum(n for kind, n in emulator.requests.items() if kind is not RequestKind.TOKEN)


class World:
    """A book with a Google account (Alice on the emulator) and a memory account, over a SQLite store."""

    def __init__(
        self,
        emulator: PeopleEmulator,
        db: Path,
        *,
        google_cls: type[GoogleConnector] = GoogleConnector,
        **google_options: Any,
    ) -> None:
        self.emulator = emulator
        self.memory = MemoryBackend(name="mem")
        self.url = f"sqlite:///{db}"
        self.google_account = google_account(emulator, ALICE)
        self.book = BookSettings("book", (self.google_account, AccountSettings("mem", "memory")))
        self.google_cls = google_cls
        self.google_options = google_options
        self.waits: list[float] = []
        self.google: GoogleConnector | None = None

    def run(self, hooks: EngineHooks | None = None) -> RunReport:
        """One run in a fresh "process": new connectors, the store reopened."""
        auth = credentials_for(self.google_account, token_uri=self.emulator.token_uri)
        self.google = self.google_cls(
            "google",
            auth,
            endpoint=self.emulator.url,
            **self.google_options,
        )
        connectors = {"google": self.google, "mem": MemoryConnector("mem", self.memory)}
        try:
            with Store.open(self.url) as store:
                # the engine's retry policy waits on the emulator's clock: Retry-After is honoured, instantly
                return Engine(
                    store, self.book, connectors, hooks=hooks, sleep=clock_sleep(self.emulator, self.waits)
                ).run()
        finally:
            self.google.close()

    def google_people(self) -> list[dict[str, Any]]:
        return self.emulator.persons(ALICE)

    def google_emails(self) -> list[str]:
        return sorted(p["emailAddresses"][0]["value"] for p in self.google_people())

    def memory_emails(self) -> list[str]:
        return sorted(c.emails[0].address for c in self.memory.contacts().values())


def only(report: RunReport, account: str) -> AccountReport:
    rep = report.accounts[account]
    assert rep.error is None, rep.error
    return rep


# ------------------------------------------------------------------------------------ request counts


def test_full_pull_takes_one_list_call_per_thousand_and_a_quiet_run_one_call(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    emulator.seed(
        ALICE,
        [{"names": [{"givenName": f"P{i}"}], "emailAddresses": [{"value": f"p{i}@example.org"}]} for i in range(2500)],
    )
    world = World(emulator, tmp_path / "store.db")
    emulator.reset_counters()
    first = world.run()
    assert only(first, "google").full_listing and only(first, "google").pulled == 2500
    assert emulator.requests[RequestKind.LIST_CONNECTIONS] == 3  # ⌈2500/1000⌉
    assert len(world.memory.contacts()) == 2500
    # our own writes (the markers on the 2500 adopted contacts) show up once in the next listing
    assert world.run().writes == 0

    emulator.reset_counters()
    quiet = world.run()
    assert quiet.writes == 0
    assert emulator.requests[RequestKind.LIST_CONNECTIONS] == 1
    assert api_requests(emulator) == 1  # the labels travel in the state: no group listing either


def make_everyone_an_engineer(google: Any, listed: dict[str, Any], names: list[str]) -> list[Any]:
    """Push an update of every named person's job title, in batches of the connector's size."""
    changes = [
        Change(
            ChangeKind.UPDATE,
            f"cid-{n}",
            contact=google.fit(replace(listed[n].contact, job_title="Engineer")),
            ref=listed[n].ref,
            previous=listed[n].contact,
        )
        for n in names
    ]
    size = google.capabilities.max_batch
    return [r for i in range(0, len(changes), size) for r in google.push(changes[i : i + size])]


def test_persons_past_the_cache_budget_are_read_before_they_are_written(emulator: PeopleEmulator) -> None:
    # the connector keeps listed persons compressed within a byte budget (50k persons as dicts were ~200 MB);
    # those it let go are read with batchGet when written, and the write still touches only its own fields
    names = emulator.seed(
        ALICE, [{"names": [{"givenName": f"P{i}"}], "biographies": [{"value": f"kept {i}"}]} for i in range(300)]
    )
    with contextlib.closing(connector_for(emulator, ALICE, seen_cache_bytes=20_000)) as google:
        listed = {rc.ref.id: rc for rc in google.pull(None).changed}
        assert 0 < len(google._seen) < 300, "the budget must hold some persons and drop others"
        emulator.reset_counters()
        results = make_everyone_an_engineer(google, listed, names)
    assert all(r.ok for r in results)
    assert emulator.requests[RequestKind.BATCH_GET] >= 1
    assert emulator.requests[RequestKind.BATCH_UPDATE] == 2  # ⌈300/200⌉
    persons = emulator.persons(ALICE)
    assert {p["organizations"][0]["title"] for p in persons} == {"Engineer"}
    assert {p["biographies"][0]["value"] for p in persons} == {f"kept {i}" for i in range(300)}


def test_pushing_450_updates_takes_three_batch_calls(emulator: PeopleEmulator) -> None:
    names = emulator.seed(ALICE, [{"names": [{"givenName": f"P{i}"}]} for i in range(450)])
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        listed = {rc.ref.id: rc for rc in google.pull(None).changed}
        emulator.reset_counters()
        results = make_everyone_an_engineer(google, listed, names)
    assert all(r.ok for r in results)
    assert emulator.requests[RequestKind.BATCH_UPDATE] == 3  # ⌈450/200⌉
    assert api_requests(emulator) == 3  # rendered over this run's listing: nothing read again
    assert {p["organizations"][0]["title"] for p in emulator.persons(ALICE)} == {"Engineer"}
    assert {p["clientData"][0]["value"] for p in emulator.persons(ALICE)} == {f"cid-{n}" for n in names}


# ---------------------------------------------------------------------------------------------- faults


def test_the_connector_sends_a_refused_read_once_and_hands_googles_wait_up(emulator: PeopleEmulator) -> None:
    # retries are the engine's (contactsync.retry; counted in tests/test_retry.py): the connector never re-sends
    # (Google often sends no Retry-After with a quota's 429: the emulator's default; here it says one)
    with PeopleEmulator(reads_per_minute=1, quota_retry_after=True) as limited:
        limited.add_user(ALICE)
        google = connector_for(limited, ALICE, page_size=10)
        with contextlib.closing(google), pytest.raises(RateLimited) as raised:
            google.pull(None)
        assert raised.value.retry_after is not None and raised.value.retry_after >= 1
        assert raised.value.window_s == 60  # Google's quotas are per minute
        assert limited.requests[RequestKind.LIST_CONNECTIONS] + limited.requests[RequestKind.GROUPS_LIST] == 2


def test_a_create_is_never_sent_twice_by_the_connector(emulator: PeopleEmulator) -> None:
    with contextlib.closing(connector_for(emulator, ALICE, page_size=10)) as google:
        emulator.faults.fail_next(1, status=503, path_contains="batchCreateContacts")
        with pytest.raises(Transient):
            google.push([Change(ChangeKind.CREATE, "cid-1", contact=google.fit(person(1)))])
        emulator.faults.drop_after_write_next(1, path_contains="batchCreateContacts")
        with pytest.raises(Transient, match="may or may not have been applied"):
            google.push([Change(ChangeKind.CREATE, "cid-2", contact=google.fit(person(2)))])
    # the first was refused before it touched anything, the second applied once although its answer was lost
    assert emulator.requests[RequestKind.BATCH_CREATE] == 2
    assert [p["clientData"][0]["value"] for p in emulator.persons(ALICE)] == ["cid-2"]


def test_dropped_connection_after_create_leaves_exactly_one_contact(emulator: PeopleEmulator, tmp_path: Path) -> None:
    world = World(emulator, tmp_path / "store.db")
    world.memory.user_create(person(1))
    emulator.faults.drop_after_write_next(1, path_contains="batchCreateContacts")
    first = world.run()
    assert first.accounts["google"].created == 0  # the answer was lost: not recorded as done
    assert len(world.google_people()) == 1 and emulator.requests[RequestKind.BATCH_CREATE] == 1

    second = world.run()  # the listing shows the contact with our marker: adopted, not created again
    assert second.accounts["google"].created == 0
    assert world.google_emails() == ["p1@example.org"] and world.memory_emails() == ["p1@example.org"]
    assert emulator.requests[RequestKind.BATCH_CREATE] == 1
    assert world.run().writes == 0


def test_expired_sync_token_gives_a_full_listing_without_duplicates_or_deletes(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    world = World(emulator, tmp_path / "store.db")
    for n in range(5):
        world.memory.user_create(person(n))
    emulator.seed(ALICE, [{"names": [{"givenName": "Gil"}], "emailAddresses": [{"value": "gil@example.org"}]}])
    world.run()
    assert len(world.google_people()) == 6 and len(world.memory.contacts()) == 6

    emulator.clock.advance(timedelta(days=8))  # Google's sync tokens live 7 days
    again = world.run()
    assert only(again, "google").full_listing
    assert again.writes == 0
    assert len(world.google_people()) == 6 and len(world.memory.contacts()) == 6


class EditAfterPull(GoogleConnector):
    """Plays the user editing in Google Contacts between our listing and our write (once)."""

    edit: Callable[[], None] | None = None

    def pull(self, state: str | None) -> PullResult:
        result = super().pull(state)
        if EditAfterPull.edit is not None:
            EditAfterPull.edit()
            EditAfterPull.edit = None
        return result


def _resource_of(world: World, email: str) -> str:
    return next(p["resourceName"] for p in world.google_people() if p["emailAddresses"][0]["value"] == email)


def test_stale_etag_is_reread_merged_and_written_once_more(emulator: PeopleEmulator, tmp_path: Path) -> None:
    world = World(emulator, tmp_path / "store.db", google_cls=EditAfterPull)
    mem_id = world.memory.user_create(person(1))
    world.memory.user_create(person(2))
    world.run()
    resource = _resource_of(world, "p1@example.org")

    world.memory.user_edit(mem_id, person(1, note="edited in memory"))
    EditAfterPull.edit = lambda: emulator.edit(ALICE, resource, {"organizations": [{"title": "Chef"}]})
    emulator.reset_counters()
    report = world.run()
    assert only(report, "google").updated == 1
    assert emulator.requests[RequestKind.BATCH_UPDATE] == 2  # refused on the etag, then sent once more
    google_now = emulator.person(ALICE, resource)
    assert google_now["biographies"][0]["value"] == "edited in memory"
    assert google_now["organizations"][0]["title"] == "Chef"
    world.run()
    assert emulator.person(ALICE, resource)["organizations"][0]["title"] == "Chef"


def test_stale_etag_edit_reaches_the_other_accounts(emulator: PeopleEmulator, tmp_path: Path) -> None:
    world = World(emulator, tmp_path / "store.db", google_cls=EditAfterPull)
    mem_id = world.memory.user_create(person(1))
    world.run()
    resource = _resource_of(world, "p1@example.org")
    world.memory.user_edit(mem_id, person(1, note="edited in memory"))
    EditAfterPull.edit = lambda: emulator.edit(ALICE, resource, {"organizations": [{"title": "Chef"}]})
    world.run()
    world.run()
    assert world.memory.contacts()[mem_id].job_title == "Chef"


def test_contact_deleted_in_google_while_edited_elsewhere_comes_back_once(
    emulator: PeopleEmulator, tmp_path: Path
) -> None:
    world = World(emulator, tmp_path / "store.db", google_cls=EditAfterPull)
    mem_id = world.memory.user_create(person(1))
    world.run()
    resource = _resource_of(world, "p1@example.org")

    world.memory.user_edit(mem_id, person(1, note="still here"))
    EditAfterPull.edit = lambda: emulator.delete(ALICE, resource)
    world.run()
    world.run()
    people = world.google_people()
    assert len(people) == 1 and people[0]["biographies"][0]["value"] == "still here"  # edit beats delete
    assert world.memory_emails() == ["p1@example.org"]
    assert world.run().writes == 0


def test_one_stale_item_does_not_fail_the_others_in_its_batch(emulator: PeopleEmulator) -> None:
    names = emulator.seed(ALICE, [{"names": [{"givenName": f"P{i}"}]} for i in range(5)])
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        listed = {rc.ref.id: rc for rc in google.pull(None).changed}
        emulator.edit(ALICE, names[2], {"nicknames": [{"value": "Tri"}]})
        emulator.delete(ALICE, names[4])
        emulator.reset_counters()
        results = google.push(
            [
                Change(ChangeKind.UPDATE, f"cid-{n}", contact=replace(listed[n].contact, note="new"), ref=listed[n].ref)
                for n in names
            ]
        )
    assert [r.ok for r in results] == [True, True, False, True, False]
    assert isinstance(results[2].error, PreconditionFailed) and not results[2].error.gone
    assert isinstance(results[4].error, PreconditionFailed) and results[4].error.gone
    assert emulator.requests[RequestKind.BATCH_UPDATE] == 2
    notes = {p["resourceName"]: p.get("biographies", [{}])[0].get("value") for p in emulator.persons(ALICE)}
    assert notes == {names[0]: "new", names[1]: "new", names[2]: None, names[3]: "new"}
    assert emulator.person(ALICE, names[2])["nicknames"][0]["value"] == "Tri"


def test_update_keeps_what_contactsync_does_not_map(emulator: PeopleEmulator) -> None:
    (name,) = emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Ann", "familyName": "Lee", "phoneticGivenName": "An"}],
                "emailAddresses": [{"value": "ann@example.org", "type": "school"}],
                "events": [{"date": {"month": 5, "day": 1}, "type": "first met"}],
                "clientData": [{"key": "other-app", "value": "42"}],
                "relations": [{"person": "Bob", "type": "spouse"}],
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/starred"}}],
            }
        ],
    )
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        (listed,) = google.pull(None).changed
        wanted = replace(
            listed.contact,
            note="Likes tea",
            anniversary=PartialDate(2001, 6, 2),
            tags=frozenset({Tag("Friends of Ann")}),
        )
        (result,) = google.push(
            [Change(ChangeKind.UPDATE, "cid-ann", contact=google.fit(wanted), ref=listed.ref, previous=listed.contact)]
        )
        assert result.ok and result.stored == google.fit(wanted)
        assert google.tag_counts() == {Tag("Friends of Ann"): 1}
    now = emulator.person(ALICE, name)
    assert now["emailAddresses"][0]["type"] == "school"
    assert now["names"][0].get("phoneticGivenName") == "An"
    assert {e["type"] for e in now["events"]} == {"first met", "anniversary"}
    assert {(c["key"], c["value"]) for c in now["clientData"]} == {("other-app", "42"), ("contactsync-id", "cid-ann")}
    assert now["relations"][0]["person"] == "Bob"
    groups = {m["contactGroupMembership"]["contactGroupResourceName"] for m in now["memberships"]}
    assert "contactGroups/starred" in groups and len(groups) == 3  # starred, myContacts, the new label


def test_odd_values_are_read_tolerantly_not_quarantined(emulator: PeopleEmulator) -> None:
    emulator.seed(ALICE, [{"names": [{"givenName": "Ok"}]}, {"names": [{"givenName": "Odd"}]}])
    bad = emulator.seed(ALICE, [{"names": [{"givenName": "Bad"}], "userDefined": [{"key": "k", "value": 7}]}])[0]
    with contextlib.closing(connector_for(emulator, ALICE)) as google:
        listed = google.pull(None)
    assert len(listed.changed) == 3 and listed.quarantined == ()
    assert {rc.ref.id: rc.contact.custom for rc in listed.changed}[bad] == ()


def test_a_person_of_unexpected_shape_is_quarantined_by_the_mapping() -> None:
    with pytest.raises(MappingError):
        contact_from_person({"resourceName": "people/c1", "names": "Ann"}, {})


# ------------------------------------------------------------------------------------------ mapping


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_dates = st.one_of(
    st.none(),
    # a day past the month's end (February 30th, April 31st) is no date Google holds: fit drops it
    st.builds(PartialDate, st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31)),
    st.builds(PartialDate, st.none(), st.integers(1, 12), st.integers(1, 31)),
    st.builds(PartialDate, st.integers(1900, 2100), st.none(), st.none()),
    st.builds(PartialDate, st.none(), st.integers(1, 12), st.none()),  # Google cannot hold it: fit drops it
)
# custom labels: free text, and the words Google predefines as types (read back as kinds, in any case)
_labels = st.one_of(_text, st.sampled_from(["", "Home", "work", "other", "mobile", "workMobile", "School"]))
_services = st.sampled_from(["", "xmpp", "jabber", "skype", "sip", "aim", "googletalk", "netmeeting", "teams", "qq"])
_contacts = st.builds(
    Contact,
    name=st.builds(Name, _text, _text, _text, _text, _text),
    display_name=_text,
    nicknames=st.lists(_text, max_size=3).map(tuple),
    emails=st.lists(st.builds(Email, st.emails(), st.sampled_from(EmailKind), _labels), max_size=3).map(tuple),
    phones=st.lists(
        st.builds(Phone, st.from_regex(r"\+1202555[0-9]{4}", fullmatch=True), st.sampled_from(PhoneKind), _labels),
        max_size=3,
    ).map(tuple),
    addresses=st.lists(
        st.builds(
            PostalAddress,
            _text,
            _text,
            _text,
            _text,
            _text,
            _text,
            _text,
            st.sampled_from(AddressKind),
            _labels,
            st.one_of(_text, st.just("Main St 1\nSpringfield")),
        ),
        max_size=2,
    ).map(tuple),
    organization=_text,
    department=_text,
    job_title=_text,
    birthday=_dates,
    anniversary=_dates,
    urls=st.lists(
        st.builds(Url, st.from_regex(r"https://[a-z]{1,8}\.example/[a-z]{0,5}", fullmatch=True), _labels), max_size=2
    ).map(tuple),
    note=st.text(max_size=40),
    tags=st.frozensets(st.builds(Tag, st.sampled_from(["Staff", "VIP", "Família", "a,b"])), max_size=3),
    custom=st.lists(st.tuples(_text, _text), max_size=3).map(tuple),
    phonetic_name=st.builds(PhoneticName, _text, _text, _text, _text),
    gender=st.one_of(_text, st.sampled_from(["male", "female", "unspecified", "none"])),
    ims=st.lists(
        st.builds(InstantMessage, st.one_of(_text, st.just("sip:ann@example.org")), _services, _labels), max_size=3
    ).map(tuple),
    relations=st.lists(st.builds(Relation, _text, st.sampled_from(RelationKind), _labels), max_size=3).map(tuple),
    events=st.lists(
        st.builds(
            Event,
            _dates.filter(lambda d: d is not None),
            st.one_of(_labels, st.sampled_from(["anniversary", "Other"])),
        ),
        max_size=3,
    ).map(tuple),
    role=_text,
    languages=st.lists(
        st.sampled_from(["en", "fr-CA", "zh-Hant-TW", "de-CH-1996", "not a tag", "x-klingon"]), max_size=3
    ).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(_contacts)
def test_mapping_round_trip_is_what_fit_says(contact: Contact) -> None:
    wanted = fit(normalize_contact(contact))
    groups = {tag.key: f"contactGroups/g{i}" for i, tag in enumerate(sorted(wanted.tags))}
    names = {g: next(t.name for t in wanted.tags if t.key == k) for k, g in groups.items()}
    body = person_fields(
        person_fields_to_write(None, wanted) | {"clientData", "memberships"},
        wanted,
        current=None,
        marker="cid",
        tag_groups=groups,
    )
    assert contact_from_person(body, names) == wanted
    assert fit(wanted) == wanted
    # rendered over itself, nothing changes and nothing needs writing
    assert person_fields_to_write(contact_from_person(body, names), wanted) == set()


# ------------------------------------------------------------------------------------------------ auth


def test_service_account_without_delegation_is_auth_failed_with_advice(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, "nobody@example.com")
    with (
        contextlib.closing(GoogleConnector.from_settings(account, BookSettings("b", (account,)))) as google,
        pytest.raises(AuthFailed) as raised,
    ):
        google.pull(None)
    assert "Domain-wide delegation" in str(raised.value) and "subject" in str(raised.value)


def test_user_token_file_is_used_and_written_0600(emulator: PeopleEmulator, tmp_path: Path) -> None:
    token_file = tmp_path / "tokens" / "alice.json"
    write_token_file(
        token_file,
        json.dumps(
            {
                "refresh_token": emulator.refresh_token_for(ALICE),
                "client_id": "client",
                "client_secret": "secret",
                "token_uri": emulator.token_uri,
            }
        ),
    )
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert [p.name for p in token_file.parent.iterdir()] == ["alice.json"]  # no temporary left behind
    account = AccountSettings(
        "g",
        "google",
        options=frozen_mapping(
            {"token_file": str(token_file), "endpoint": emulator.url, "token_uri": emulator.token_uri}
        ),
    )
    with contextlib.closing(GoogleConnector.from_settings(account, BookSettings("b", (account,)))) as google:
        create(google, person(1), "cid-1")
    assert len(emulator.persons(ALICE)) == 1

    missing = AccountSettings("g", "google", options=frozen_mapping({"token_file": str(tmp_path / "none.json")}))
    with pytest.raises(AuthFailed, match="contactsync auth google g"):
        GoogleConnector.from_settings(missing, BookSettings("b", (missing,)))


def test_options_schema_documents_every_key_and_refuses_wrong_values() -> None:
    schema = GoogleConnector.options_schema
    Draft202012Validator.check_schema(schema)
    for key, spec in schema["properties"].items():
        assert spec.get("description") and spec.get("examples"), key
    assert schema["properties"]["token_file"]["format"] == "path"
    errors = list(Draft202012Validator(schema).iter_errors({"page_size": 5000, "batch_size": 0}))
    assert len(errors) == 2
