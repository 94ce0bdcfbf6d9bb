"""A vdir push writes its cards side by side and makes the folder durable once (#18): changes on one file or one
contact keep the batch's order, each change keeps its own result when others fail (real faults: an immutable
file, a full filesystem), each card is fsynced before its name appears, the folder after the last name."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind, RemoteRef
from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir.connector import WRITERS, _lanes
from contactsync.errors import ItemRejected, PreconditionFailed, Transient
from contactsync.model import Contact, Email, Name, Photo
from contactsync.normalize import normalize_contact
from contactsync.vcard import parse_card
from tests.daemon_support import fill_up, small_tmpfs


def contact(given: str, *, photo: bytes | None = None) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=given, family="Batch"),
            emails=(Email(f"{given.lower()}@example.org"),),
            photo=Photo.from_bytes(photo, "image/jpeg") if photo else None,
        )
    )


def creates(vdir: VdirConnector, count: int, prefix: str = "cid") -> dict[str, RemoteRef]:
    """``count`` cards in the folder, by contact id."""
    results = vdir.push([Change(ChangeKind.CREATE, f"{prefix}-{i}", contact=contact(f"P{i}")) for i in range(count)])
    assert all(r.ok and r.ref is not None for r in results)
    return {r.change.contact_id: r.ref for r in results if r.change.contact_id and r.ref}


def hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_batch_writes_every_card_and_keeps_each_result_in_place(tmp_path: Path) -> None:
    vdir = VdirConnector("v", tmp_path)
    changes = [Change(ChangeKind.CREATE, f"cid-{i}", contact=contact(f"P{i}")) for i in range(5 * WRITERS)]
    results = vdir.push(changes)
    assert [r.change for r in results] == changes
    for i, result in enumerate(results):
        assert result.ok and result.ref is not None and result.ref.id == f"cid-{i}.vcf"
        assert parse_card((tmp_path / result.ref.id).read_text()).contact.name.given == f"P{i}"
    assert hidden(tmp_path) == []


def test_changes_on_one_file_keep_the_batch_order(tmp_path: Path) -> None:
    """A slow update (a large photo to render) then a delete with the same etag, among other writes: in the
    batch's order the update lands and the delete finds the file changed. Run side by side, the quick delete
    would unlink the file before the update renamed its new card over it, and both would report success."""
    vdir = VdirConnector("v", tmp_path)
    refs = creates(vdir, 3 * WRITERS)
    big = os.urandom(600_000)
    for n in range(3):
        ref = refs["cid-0"]
        others = [
            Change(ChangeKind.UPDATE, c, contact=contact(f"Q{n}{c}"), ref=r) for c, r in refs.items() if c != "cid-0"
        ]
        update = Change(ChangeKind.UPDATE, "cid-0", contact=contact(f"Slow{n}", photo=big), ref=ref)
        delete = Change(ChangeKind.DELETE, "cid-0", ref=ref)
        results = vdir.push([update, *others[:WRITERS], delete, *others[WRITERS:]])
        by_change = {id(r.change): r for r in results}
        assert by_change[id(update)].ok
        assert isinstance(by_change[id(delete)].error, PreconditionFailed)
        written = parse_card((tmp_path / ref.id).read_text()).contact
        assert written.name.given == f"Slow{n}" and written.photo is not None
        assert all(by_change[id(c)].ok for c in others)
        refs = {r.change.contact_id: r.ref for r in results if r.ok and r.ref and r.change.contact_id}


def test_a_delete_then_a_create_of_the_same_name_run_in_order(tmp_path: Path) -> None:
    vdir = VdirConnector("v", tmp_path)
    refs = creates(vdir, WRITERS, prefix="n")
    fillers = [Change(ChangeKind.CREATE, f"f-{i}", contact=contact(f"F{i}")) for i in range(2 * WRITERS)]
    delete = Change(ChangeKind.DELETE, "n-0", ref=refs["n-0"])
    again = Change(ChangeKind.CREATE, "n-0", contact=contact("Again"))  # the same file name, n-0.vcf
    results = vdir.push([delete, *fillers, again])
    assert all(r.ok for r in results)
    assert parse_card((tmp_path / "n-0.vcf").read_text()).contact.name.given == "Again"


def test_lanes_join_changes_on_one_file_or_one_contact_in_order() -> None:
    def update(cid: str, file_name: str) -> Change:
        return Change(ChangeKind.UPDATE, cid, contact=contact("X"), ref=RemoteRef(file_name, "e"))

    changes = [
        update("a", "a.vcf"),  # 0
        update("b", "b.vcf"),  # 1
        Change(ChangeKind.CREATE, "a", contact=contact("X")),  # 2: contact a, file a.vcf
        update("", "B.VCF"),  # 3: b.vcf as a case-insensitive folder sees it
        update("c", "c.vcf"),  # 4
        Change(ChangeKind.DELETE, "d", ref=RemoteRef("c.vcf", "e")),  # 5: file c.vcf
        update("d", "d.vcf"),  # 6: contact d, so 4, 5, 6 are one lane
        Change(ChangeKind.CREATE, "", contact=contact("X")),  # 7: a new name of its own
    ]
    assert sorted(_lanes(changes)) == [[0, 2], [1, 3], [4, 5, 6], [7]]


# ------------------------------------------------------------------------------------------------ real faults


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """``chattr +i``: a file no one may rename over or unlink, root included (ext4's immutable flag)."""
    made: list[Path] = []

    def make(path: Path) -> None:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot make a file immutable here: {done.stderr.decode().strip()}")
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_refused_write_in_the_middle_of_a_batch_fails_alone(
    tmp_path: Path, immutable: Callable[[Path], None]
) -> None:
    vdir = VdirConnector("v", tmp_path)
    refs = creates(vdir, 2 * WRITERS)
    immutable(tmp_path / refs["cid-5"].id)
    immutable(tmp_path / refs["cid-9"].id)
    before = {cid: (tmp_path / r.id).read_bytes() for cid, r in refs.items()}
    changes = [
        Change(ChangeKind.UPDATE, cid, contact=contact(f"New{cid}"), ref=r) for cid, r in refs.items() if cid != "cid-9"
    ]
    changes.insert(7, Change(ChangeKind.DELETE, "cid-9", ref=refs["cid-9"]))
    results = vdir.push(changes)
    for result in results:
        cid = result.change.contact_id
        assert cid is not None
        if cid in ("cid-5", "cid-9"):
            assert isinstance(result.error, ItemRejected), cid  # EPERM from the rename or the unlink
            assert (tmp_path / refs[cid].id).read_bytes() == before[cid]
        else:
            assert result.ok and result.ref is not None, cid
            assert parse_card((tmp_path / result.ref.id).read_text()).contact.name.given == f"New{cid}"
    assert hidden(tmp_path) == []  # the refused update's temporary file is gone


@pytest.fixture
def full_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A folder on a small tmpfs filled up to the last byte: a card's data gets ENOSPC from the kernel."""
    with small_tmpfs(tmp_path / "mnt", "1m") as mount:
        yield mount


def fill(folder: Path) -> None:
    fill_up(folder, ".filler")


def test_on_a_full_filesystem_writes_fail_alone_and_deletes_still_land(full_tmpfs: Path) -> None:
    vdir = VdirConnector("v", full_tmpfs)
    refs = creates(vdir, WRITERS)
    unchanged = vdir.fetch([refs["cid-3"].id])[refs["cid-3"].id]
    # the cards to delete keep a second name, so deleting them frees no room a write could use meanwhile
    (full_tmpfs / ".kept").mkdir()
    for i in (0, 1, 2):
        os.link(full_tmpfs / refs[f"cid-{i}"].id, full_tmpfs / ".kept" / refs[f"cid-{i}"].id)
    fill(full_tmpfs)
    changes: list[Change] = [Change(ChangeKind.CREATE, "new-0", contact=contact("New0"))]
    changes += [Change(ChangeKind.DELETE, f"cid-{i}", ref=refs[f"cid-{i}"]) for i in (0, 1, 2)]
    changes += [Change(ChangeKind.UPDATE, "cid-4", contact=contact("Changed"), ref=refs["cid-4"])]
    # what the card already holds: nothing to write, so nothing to fail
    changes += [Change(ChangeKind.UPDATE, "cid-3", contact=unchanged.contact, ref=refs["cid-3"])]
    changes += [Change(ChangeKind.CREATE, "new-1", contact=contact("New1"))]
    results = vdir.push(changes)
    outcome = {r.change.contact_id: r for r in results}
    for cid in ("new-0", "new-1", "cid-4"):
        assert isinstance(outcome[cid].error, Transient), cid
    for cid in ("cid-0", "cid-1", "cid-2", "cid-3"):
        assert outcome[cid].ok, cid
    names = sorted(p.name for p in full_tmpfs.iterdir())
    assert names == [".filler", ".kept", *sorted(refs[f"cid-{i}"].id for i in range(3, WRITERS))]
    assert parse_card((full_tmpfs / refs["cid-4"].id).read_text()).contact.name.given == "P4"


# ------------------------------------------------------------------------------------------------ durability


def test_each_card_is_fsynced_before_its_name_and_the_folder_once_after_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order of the system calls, as the connector makes them (the writes themselves are real)."""
    vdir = VdirConnector("v", tmp_path)
    refs = creates(vdir, 2 * WRITERS)
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def spy(name: str, real: Callable[..., Any], what: Callable[..., str]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            label = what(*args)
            out = real(*args, **kwargs)
            with lock:
                events.append((name, label))
            return out

        return call

    monkeypatch.setattr(os, "fsync", spy("fsync", os.fsync, lambda fd: os.readlink(f"/proc/self/fd/{fd}")))
    monkeypatch.setattr(os, "link", spy("link", os.link, lambda src, dst: str(src)))
    monkeypatch.setattr(os, "replace", spy("replace", os.replace, lambda src, dst: str(src)))
    monkeypatch.setattr(os, "unlink", spy("unlink", os.unlink, lambda path: str(path)))
    changes = [Change(ChangeKind.CREATE, f"new-{i}", contact=contact(f"N{i}")) for i in range(WRITERS)]
    changes += [Change(ChangeKind.UPDATE, cid, contact=contact(f"U{cid}"), ref=r) for cid, r in refs.items()]
    changes += [Change(ChangeKind.DELETE, "gone", ref=next(iter(refs.values())))]  # its etag is changed by then
    results = vdir.push(changes)
    assert sum(r.ok for r in results) == len(changes) - 1
    folder = str(tmp_path)
    assert events[-1] == ("fsync", folder)
    assert [e for e in events if e == ("fsync", folder)] == [events[-1]]  # the folder once, after the last name
    synced: set[str] = set()
    named = 0
    for kind, path in events:
        if kind == "fsync":
            synced.add(path)
        elif kind in ("link", "replace"):
            assert path in synced, f"{kind} of {path} before its data was fsynced"
            named += 1
    assert named == len(changes) - 1
