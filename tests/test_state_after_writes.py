"""The run after a run that wrote does not read its own writes back (#18), and hides nothing it must see.

A run records each account's pull state from *before* its writes; the writes the store recorded, and whose answers
the connector saw, are folded into that state by the connector (``absorb_writes``) in the transaction that records
it. What an admin would notice: the no-change run after a first sync costs nearly nothing, while a create whose
answer was lost is still adopted (no duplicate), an edit made after our write still arrives, a run stopped before
its last commit leaves the state as it was, and a braked account or a dry run records no state at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind, ChangeResult, Connector, PullResult, RecordedWrite, RemoteRef
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.connectors.vdir import VdirConnector
from contactsync.engine import Engine, EngineHooks, RunReport
from contactsync.engine.checkpoints import Checkpoints
from contactsync.engine.push import Pusher
from contactsync.model import Tag
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store
from contactsync.vcard import ParsedCard
from tests.test_engine_crash import Crash, person


class Memories:
    """Two memory accounts in one book, each run a new process (new connectors on the same servers and store)."""

    def __init__(self, db: Path, people: int = 5, *, max_batch: int = 100) -> None:
        self.a, self.b = MemoryBackend(name="a"), MemoryBackend(name="b")
        for n in range(1, people + 1):
            self.a.user_create(person(n))
        self.max_batch = max_batch
        self.url = f"sqlite:///{db}"
        self.book = BookSettings(
            "book",
            (AccountSettings("a", "memory"), AccountSettings("b", "memory")),
            brake=BrakeSettings(max_deletes=1000, max_delete_ratio=0.5),
        )

    def run(self, hooks: EngineHooks | None = None, **options: Any) -> RunReport:
        connectors: dict[str, Connector] = {
            "a": MemoryConnector("a", self.a, max_batch=self.max_batch),
            "b": MemoryConnector("b", self.b, max_batch=self.max_batch),
        }
        with Store.open(self.url) as store:
            return Engine(store, self.book, connectors, hooks=hooks, sleep=lambda _s: None).run(**options)

    def states(self) -> dict[str, str | None]:
        with Store.open(self.url) as store:
            return dict(store.states(["a", "b"]))

    def emails(self, backend: MemoryBackend) -> list[str]:
        return sorted(c.emails[0].address for c in backend.contacts().values())


def test_the_next_run_lists_none_of_its_own_writes_and_still_sees_a_later_edit(tmp_path: Path) -> None:
    world = Memories(tmp_path / "s.db")
    assert world.run().accounts["b"].created == 5
    after = world.run()
    assert after.accounts["b"].pulled == 0, "the five cards written last run came back"
    assert after.writes == 0

    # another client edits one of the items we wrote: the next run reads it and carries it over
    (item_id,) = [i for i, c in world.b.contacts().items() if c.emails[0].address == "p3@example.org"]
    world.b.user_edit(item_id, person(3, note="edited on b"))
    edited = world.run()
    assert edited.accounts["b"].pulled == 1
    assert {c.note for c in world.a.contacts().values()} == {"", "edited on b"}
    assert world.run().writes == 0


class _LosesSecondAnswer(MemoryConnector):
    """The second push of the run is applied on the server and its answer lost (the connection dropped)."""

    pushes = 0

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        self.pushes += 1
        if self.pushes == 2:
            self.server.lose_answer_after_writes = 1
        return super().push(changes)


def test_a_create_whose_answer_was_lost_is_adopted_by_the_next_run_not_duplicated(tmp_path: Path) -> None:
    world = Memories(tmp_path / "s.db", max_batch=2)
    connectors: dict[str, Connector] = {
        "a": MemoryConnector("a", world.a, max_batch=2),
        "b": _LosesSecondAnswer("b", world.b, max_batch=2),
    }
    with Store.open(world.url) as store:
        first = Engine(store, world.book, connectors, sleep=lambda _s: None).run()
    # the first batch was answered and recorded (folded into b's state); the second applied, its answer lost
    assert first.accounts["b"].created == 2 and first.accounts["b"].error is not None
    assert len(world.b.items) == 4
    second = world.run()
    assert second.accounts["b"].pulled == 2, "the next run finds the two creates it never heard back about"
    assert second.accounts["b"].created == 1
    assert world.run().writes == 0
    markers = list(world.b.markers().values())
    assert len(markers) == 5 and len(set(markers)) == 5 and all(markers), markers
    assert world.emails(world.b) == world.emails(world.a)


def test_a_run_stopped_before_its_last_commit_leaves_the_state_as_it_was(tmp_path: Path) -> None:
    world = Memories(tmp_path / "s.db")
    world.run()
    for n in range(6, 9):
        world.a.user_create(person(n))
    before = world.states()

    def crash(_tx: object, _report: object) -> None:
        raise Crash

    with pytest.raises(Crash):
        world.run(EngineHooks(on_record=crash))
    assert len(world.b.items) == 8, "the three creates were sent and recorded"
    assert world.states() == before, "the state claims writes of a transaction that never committed"
    # the next run lists the three again (they are ours, recorded at their etags): nothing to write
    again = world.run()
    assert again.accounts["b"].pulled == 3 and again.writes == 0
    assert world.run().accounts["b"].pulled == 0


def test_a_dry_run_and_a_braked_account_record_no_state(tmp_path: Path) -> None:
    world = Memories(tmp_path / "s.db")
    world.run()
    world.a.user_create(person(6))
    before = world.states()
    world.run(dry_run=True)
    assert world.states() == before

    # b lost most of its items at once: braked; a's new person is still created on b, but b's state stays
    for item_id in list(world.b.items)[:4]:
        world.b.user_delete(item_id)
    braked = world.run()
    assert braked.accounts["b"].brake is not None
    assert braked.accounts["b"].created == 1
    assert world.states()["b"] == before["b"]
    assert world.states()["a"] != before["a"]


class _Spy(MemoryConnector):
    """A memory connector that keeps what the engine hands its absorb_writes."""

    handed: list[RecordedWrite]

    def absorb_writes(self, state: str | None, writes: Sequence[RecordedWrite]) -> str | None:
        self.handed = list(writes)
        return super().absorb_writes(state, writes)


def test_only_writes_the_store_links_at_their_version_are_handed_to_the_connector(tmp_path: Path) -> None:
    world = Memories(tmp_path / "s.db", people=2)
    world.run()
    linked = {i: it.etag for i, it in world.b.items.items()}
    (one, other) = sorted(linked)
    spy = _Spy("b", world.b)
    written = [
        RecordedWrite(ChangeKind.UPDATE, one, RemoteRef(one, "an-older-etag")),  # moved on since: not handed
        RecordedWrite(ChangeKind.CREATE, None, RemoteRef("m-unlinked", "e1")),  # its link was dropped: not handed
        RecordedWrite(ChangeKind.UPDATE, other, RemoteRef(other, linked[other])),
        RecordedWrite(ChangeKind.DELETE, one, None),  # the item is linked again: not handed
        RecordedWrite(ChangeKind.DELETE, "m-gone", None),
    ]
    with Store.open(world.url) as store:
        pusher = Pusher(store, world.book, {"a": spy, "b": spy}, RetryPolicy(), Checkpoints(), {})
        pusher.recorded = {"b": written}
        with store.transaction():
            pusher.states_after_writes({"b": "7"})
            assert pusher.states_after_writes({"a": "7"}) == {}, "an account not recording a state gets nothing"
    assert spy.handed == [written[2], written[4]]


# --------------------------------------------------------------------------------------------------------- vdir


def _card(n: int, note: str = "") -> bytes:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:person-{n}", f"FN:Person {n}", f"N:{n};Person;;;"]
    lines += [f"EMAIL:p{n}@example.org", "CATEGORIES:Team"] + ([f"NOTE:{note}"] if note else [])
    return ("\r\n".join([*lines, "END:VCARD"]) + "\r\n").encode()


class _CountingVdir(VdirConnector):
    """A folder whose pulls count the cards they parse."""

    parsed_in_pull = 0

    def pull(self, state: str | None) -> PullResult:
        self.parsed_in_pull = 0
        return super().pull(state)

    def _parse(self, data: bytes) -> ParsedCard:
        self.parsed_in_pull += 1
        return super()._parse(data)


def test_vdir_the_next_run_parses_none_of_the_cards_it_wrote_and_reads_one_edited_since(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    for n in range(5):
        (source / f"person-{n}.vcf").write_bytes(_card(n, note="original"))
    book = BookSettings("book", (AccountSettings("source", "vdir"), AccountSettings("target", "vdir")))

    def run() -> tuple[RunReport, int, Mapping[Tag, int]]:
        reader = _CountingVdir("target", target)
        connectors: dict[str, Connector] = {"source": VdirConnector("source", source), "target": reader}
        with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
            report = Engine(store, book, connectors, sleep=lambda _s: None).run()
        return report, reader.parsed_in_pull, reader.tag_counts()

    first, _, _ = run()
    assert first.accounts["target"].created == 5
    # another client edits one card we wrote before the next run: same size, same modification time
    (path,) = [p for p in target.iterdir() if b"p2@example.org" in p.read_bytes()]
    stat = path.stat()
    data = path.read_bytes()
    edited = data.replace(b"original", b"ORIGINAL")
    assert len(edited) == len(data)
    path.write_bytes(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    after, parsed, tags = run()
    assert after.accounts["target"].pulled == 1
    assert parsed == 1, "the cards written last run were parsed again"
    assert b"ORIGINAL" in (source / "person-2.vcf").read_bytes(), "the edit made after our write was lost"
    assert {t.name: n for t, n in tags.items()} == {"Team": 5}
    settled, parsed, tags = run()
    assert settled.accounts["target"].pulled == 0 and settled.writes == 0 and parsed == 0
    assert {t.name: n for t, n in tags.items()} == {"Team": 5}
