"""Crash at step k, for every k: the process dies after its k-th remote write, either before that write was
recorded (between write and commit) or just after. A restarted engine must converge with no duplicate and no
delete that nobody asked for.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine, EngineHooks
from contactsync.model import Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

ACCOUNTS = ("a", "b", "c")


class Crash(BaseException):
    """Not an Exception: nothing in the engine may catch it, as nothing survives a SIGKILL."""


def person(n: int, note: str = "") -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"P{n}", family="Test"),
            emails=(Email(f"p{n}@example.org", EmailKind.WORK),),
            note=note,
            tags=frozenset({Tag("Team")}),
        )
    )


class World:
    def __init__(self, db: Path, chunk: int = Engine.CHUNK) -> None:
        self.chunk = chunk
        # ids in a fixed sequence: chunks are cut in id order, so the k-th write is the same write in every world
        self.ids = itertools.count(1)
        self.backends = {n: MemoryBackend(name=n) for n in ACCOUNTS}
        self.book = BookSettings("crash", tuple(AccountSettings(n, "memory") for n in ACCOUNTS))
        self.connectors = {n: MemoryConnector(n, b, max_batch=2) for n, b in self.backends.items()}
        self.url = f"sqlite:///{db}"
        # a, b and c start with overlapping people: 1-4 on a, 3-6 on b, 6-8 on c
        for n in range(1, 5):
            self.backends["a"].user_create(person(n))
        for n in range(3, 7):
            self.backends["b"].user_create(person(n))
        for n in range(6, 9):
            self.backends["c"].user_create(person(n))

    def run(self, hooks: EngineHooks | None = None) -> int:
        with Store.open(self.url) as store:  # a fresh process each time: nothing survives in memory
            engine = Engine(
                store,
                self.book,
                self.connectors,
                hooks=hooks,
                sleep=lambda _s: None,
                new_id=lambda: f"00000000-0000-4000-8000-{next(self.ids):012d}",
            )
            engine.CHUNK = self.chunk  # small chunks: a crash can fall between two absorbed-and-pushed chunks
            if self.chunk < Engine.CHUNK:
                engine.KEEP_LISTED = 2  # and most listed items are parked on disk until planned
            return engine.run().writes

    def people(self, account: str) -> list[str]:
        return sorted(c.emails[0].address for c in self.backends[account].contacts().values())

    def edit_and_delete(self) -> None:
        a, b = self.backends["a"], self.backends["b"]
        by_email = {c.emails[0].address: i for i, c in a.contacts().items()}
        a.user_edit(by_email["p1@example.org"], person(1, note="edited on a"))
        a.user_delete(by_email["p2@example.org"])
        b_ids = {c.emails[0].address: i for i, c in b.contacts().items()}
        b.user_edit(b_ids["p5@example.org"], person(5).with_field(Field.TAGS, frozenset({Tag("Team"), Tag("VIP")})))
        b.user_create(person(9))


def crash_at(k: int, point: str) -> EngineHooks:
    def maybe(_account: str, step: int) -> None:
        if step == k:
            raise Crash

    hook: Callable[[str, int], None] = maybe
    return EngineHooks(after_remote_write=hook) if point == "before-commit" else EngineHooks(after_commit=hook)


def count_writes(world: World) -> int:
    steps: list[int] = []
    world.run(EngineHooks(after_commit=lambda _a, s: steps.append(s)))
    return len(steps)


def assert_states_claim_only_recorded_writes(world: World) -> None:
    """An item an account's state names as known (our write, folded in by absorb_writes) and that the next pull
    would therefore skip, is one the store links at that version: a write whose answer was not recorded is always
    read again (#18). A claim the item has moved on from is harmless: the pull reads the item at its new etag."""
    with Store.open(world.url) as store:
        states = store.states(ACCOUNTS)
        for n in ACCOUNTS:
            _token, _, folded = (states.get(n) or "").partition("+")
            items = world.backends[n].items
            hidden = {i: etag for i, etag in json.loads(folded or "{}").items() if i in items and items[i].etag == etag}
            assert store.link_etags(n, hidden) == hidden, f"account {n}'s state hides writes the store did not record"


def assert_converged(world: World, expected: list[str]) -> None:
    for n in ACCOUNTS:
        assert world.people(n) == expected, f"account {n} holds {world.people(n)}"
        # items adopted unchanged carry no marker (issue #15: nothing rewritten for the marker alone)
        markers = [m for m in world.backends[n].markers().values() if m is not None]
        assert len(set(markers)) == len(markers), f"two items for one person on {n}"
    assert world.run() == 0, "after convergence a run must write nothing"


FIRST = [f"p{n}@example.org" for n in range(1, 9)]
SECOND = [f"p{n}@example.org" for n in (1, 3, 4, 5, 6, 7, 8, 9)]


CHUNKS = pytest.mark.parametrize("chunk", [Engine.CHUNK, 3], ids=["one-chunk", "chunks-of-3"])


@CHUNKS
@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_crash_during_first_sync_at_every_step(tmp_path: Path, point: str, chunk: int) -> None:
    total = count_writes(World(tmp_path / "count.db", chunk))
    assert total >= 6, "the scenario must need several batches to be worth anything"
    for k in range(1, total + 1):
        world = World(tmp_path / f"{point}-{k}.db", chunk)
        with pytest.raises(Crash):
            world.run(crash_at(k, point))
        assert_states_claim_only_recorded_writes(world)
        world.run()
        world.run()
        assert_states_claim_only_recorded_writes(world)
        assert_converged(world, FIRST)


@CHUNKS
@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_crash_during_edits_and_deletes_at_every_step(tmp_path: Path, point: str, chunk: int) -> None:
    probe = World(tmp_path / "count.db", chunk)
    probe.run()
    probe.edit_and_delete()
    total = count_writes(probe)
    assert total >= 4
    for k in range(1, total + 1):
        world = World(tmp_path / f"{point}-{k}.db", chunk)
        world.run()
        world.edit_and_delete()
        with pytest.raises(Crash):
            world.run(crash_at(k, point))
        assert_states_claim_only_recorded_writes(world)
        world.run()
        world.run()
        assert_states_claim_only_recorded_writes(world)
        assert_converged(world, SECOND)
        notes = {c.note for c in world.backends["c"].contacts().values()}
        assert "edited on a" in notes, "an edit was lost across the crash"
