"""What an admin would notice when Graph misbehaves: throttling, partial batches, dropped connections, expired
delta links, concurrent edits, expiring tokens — each through the real engine, a SQLite store, a memory account
and the Outlook connector on the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import PullResult
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.connectors.outlook import mapping
from contactsync.connectors.outlook.connector import default_color
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.engine import Engine, RunReport
from contactsync.errors import Transient
from contactsync.model import Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from .conftest import USER
from .fixtures import Waits, outlook


def person(n: int, **extra: Any) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"P{n}", family="Test"),
            emails=(Email(f"p{n}@example.org", EmailKind.WORK),),
            tags=frozenset({Tag("Team")}),
            **extra,
        )
    )


class HookedMemory(MemoryConnector):
    """The memory account, with something happening elsewhere while it is being listed (it is pulled after
    Outlook, so this lands between Outlook's listing and Outlook's writes)."""

    during_pull: Callable[[], None] | None = None

    def pull(self, state: str | None) -> PullResult:
        if self.during_pull is not None:
            hook, self.during_pull = self.during_pull, None
            hook()
        return super().pull(state)


class World:
    def __init__(self, emu: GraphEmulator, tmp: Path) -> None:
        self.emu = emu
        self.waits = Waits()
        self.memory = MemoryBackend(name="mem")
        self.outlook = outlook(emu, waits=self.waits)
        self.mem = HookedMemory("mem", self.memory)
        self.book = BookSettings("main", (AccountSettings("outlook", "outlook"), AccountSettings("mem", "memory")))
        self.url = f"sqlite:///{tmp / 'store.db'}"

    def run(self) -> RunReport:
        with Store.open(self.url) as store:
            return Engine(store, self.book, {"outlook": self.outlook, "mem": self.mem}, sleep=lambda _s: None).run()

    def outlook_people(self) -> list[dict[str, Any]]:
        return self.emu.contacts(USER)

    def outlook_emails(self) -> list[str]:
        return sorted(e["address"] for c in self.outlook_people() for e in c["emailAddresses"])

    def memory_emails(self) -> list[str]:
        return sorted(e.address for c in self.memory.contacts().values() for e in c.emails)

    def close(self) -> None:
        self.outlook.close()


@pytest.fixture
def world(emulator: GraphEmulator, tmp_path: Path) -> Iterator[World]:
    w = World(emulator, tmp_path)
    yield w
    w.close()


def markers(emu: GraphEmulator) -> list[str]:
    return sorted(mapping.marker_of(c) or "" for c in emu.contacts(USER))


# ----- throttling: the Graph client sends once; the engine's one retry policy waits and sends again
# (tests/test_retry.py counts the requests)
def test_partial_batch_failure_reports_each_item_and_the_next_run_finishes(world: World) -> None:
    for n in range(5):
        world.memory.user_create(person(n))
    world.emu.fail_next(2, status=503, method="POST", path_contains="/contacts")
    first = world.run()
    assert first.accounts["outlook"].created == 3
    assert first.accounts["outlook"].pending == 2
    second = world.run()
    assert second.accounts["outlook"].created == 2
    assert world.outlook_emails() == world.memory_emails() == [f"p{n}@example.org" for n in range(5)]


# ----- unknown outcomes
def test_dropped_connection_after_a_create_leaves_exactly_one_contact(world: World) -> None:
    for n in range(3):  # untagged: the dropped write must be a contact, not a master category
        world.memory.user_create(person(n).with_field(Field.TAGS, frozenset()))
    world.emu.drop_after_write_next(1)
    first = world.run()
    assert first.accounts["outlook"].pending == 3  # all unknown: none sent again in this run
    assert len(world.outlook_people()) == 1  # the emulator applied the first create, then hung up
    world.run()
    third = world.run()
    assert world.outlook_emails() == world.memory_emails() == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert len(set(markers(world.emu))) == 3
    assert third.writes == 0


# ----- delta links
def test_expired_delta_link_lists_everything_without_duplicates_or_deletes(world: World) -> None:
    for n in range(4):
        world.memory.user_create(person(n))
    world.run()
    first_id = world.outlook_people()[0]["id"]
    world.emu.expire_delta_links()
    world.emu.edit(USER, first_id, {"jobTitle": "Captain"})
    report = world.run()
    assert report.accounts["outlook"].full_listing
    assert report.accounts["outlook"].deleted == 0 and report.accounts["mem"].deleted == 0
    assert len(world.outlook_people()) == len(world.memory.contacts()) == 4
    assert sorted(c.job_title for c in world.memory.contacts().values()) == ["", "", "", "Captain"]
    assert world.run().writes == 0


def test_replayed_delta_entries_are_listed_once(emulator: GraphEmulator) -> None:
    emulator.replay_probability = 1.0
    emulator.seed(USER, [{"givenName": f"G{i}"} for i in range(6)])
    c = outlook(emulator, page_size=2)
    try:
        result = c.pull(None)
    finally:
        c.close()
    assert len(result.changed) == len({rc.ref.id for rc in result.changed}) == 6


# ----- concurrent edits
def _edit_between_listing_and_writing(world: World) -> None:
    world.memory.user_create(person(1))
    world.run()
    (item,) = world.outlook_people()
    (mem_id,) = world.memory.contacts()
    world.memory.user_edit(mem_id, person(1, job_title="Engineer"))
    # someone edits the same contact in Outlook after we listed it, before we write to it
    world.mem.during_pull = lambda: world.emu.edit(USER, item["id"], {"department": "Research"})
    world.run()
    world.run()


def test_stale_change_key_is_re_read_and_merged_on_outlook(world: World) -> None:
    _edit_between_listing_and_writing(world)
    (after,) = world.outlook_people()
    assert (after["jobTitle"], after["department"]) == ("Engineer", "Research")


def test_stale_change_key_edit_reaches_the_other_accounts(world: World) -> None:
    _edit_between_listing_and_writing(world)
    (merged,) = world.memory.contacts().values()
    assert (merged.job_title, merged.department) == ("Engineer", "Research")
    assert world.run().writes == 0


# ----- tokens
def test_token_expiring_mid_run_is_reacquired_transparently(world: World) -> None:
    world.memory.user_create(person(1))
    world.run()
    (mem_id,) = world.memory.contacts()
    world.memory.user_edit(mem_id, person(1, job_title="Pilot"))
    tokens_before = world.emu.requests[RequestKind.TOKEN]
    # the token msal still holds expires between Outlook's listing and Outlook's writes
    world.mem.during_pull = lambda: world.emu.advance(timedelta(hours=2))
    report = world.run()
    assert report.accounts["outlook"].error is None
    assert report.accounts["outlook"].updated == 1
    assert world.outlook_people()[0]["jobTitle"] == "Pilot"
    assert world.emu.requests[RequestKind.TOKEN] == tokens_before + 1


def test_token_endpoint_down_is_transient(emulator: GraphEmulator) -> None:
    c = outlook(emulator)
    try:
        emulator.fail_next(1, status=503, path_contains="oauth2")
        with pytest.raises(Transient):
            c.pull(None)
    finally:
        c.close()
    # msal remembers a 5xx for a while and answers it again without asking; the next run is a new connector
    again = outlook(emulator)
    try:
        assert again.pull(None).full
    finally:
        again.close()


# ----- what Outlook cannot hold
def test_four_emails_from_memory_keep_four_on_memory_and_three_on_outlook(world: World) -> None:
    four = tuple(Email(f"x{i}@example.org", EmailKind.OTHER) for i in range(4))
    world.memory.user_create(normalize_contact(Contact(name=Name(given="Four"), emails=four)))
    world.run()
    (item,) = world.outlook_people()
    assert [e["address"] for e in item["emailAddresses"]] == [f"x{i}@example.org" for i in range(3)]
    world.emu.edit(USER, item["id"], {"jobTitle": "Edited in Outlook"})
    world.run()
    (kept,) = world.memory.contacts().values()
    assert [e.address for e in kept.emails] == [f"x{i}@example.org" for i in range(4)]
    assert kept.job_title == "Edited in Outlook"
    assert world.run().writes == 0


# ----- request counts
def test_k_changes_take_ceil_k_over_20_batches_and_a_quiet_run_one_delta(world: World) -> None:
    for n in range(45):
        world.memory.user_create(person(n))
    world.emu.reset_counters()
    world.run()
    # ⌈45/20⌉ = 3 for the contacts, and one that makes the master category of their tag
    assert world.emu.requests[RequestKind.BATCH] == 3 + 1
    assert world.emu.requests[RequestKind.CREATE] == 45
    assert len(world.outlook_people()) == 45
    world.run()  # the next run lists our own writes once (and adopts nothing new)
    world.emu.reset_counters()
    assert world.run().writes == 0
    graph = {k: v for k, v in world.emu.requests.items() if k not in (RequestKind.TOKEN, RequestKind.DISCOVERY)}
    assert graph == {RequestKind.DELTA: 1}


def test_tags_create_master_categories_once_with_a_stable_color(world: World) -> None:
    for n in range(3):
        world.memory.user_create(person(n))
    world.run()
    team = [c for c in world.emu.master_categories(USER) if c["displayName"] == "Team"]
    assert len(team) == 1
    assert team[0]["color"] == default_color("Team")
    assert {t.name: n for t, n in world.outlook.tag_counts().items()} == {"Team": 3}
