"""How a vdir push makes its files (#18: its own temporary names and plain writes instead of ``tempfile`` and a
buffered file object): private new cards, an admin's mode kept on rewrite, a name someone left never reused or
followed, every byte written even when the system writes a few at a time, nothing hidden left behind."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind, RemoteRef
from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir import connector as vdir_module
from contactsync.connectors.vdir.connector import FLUSHED_TOGETHER, WRITERS
from contactsync.model import Contact, Email, Name
from contactsync.normalize import normalize_contact
from contactsync.vcard import parse_card


def contact(given: str) -> Contact:
    return normalize_contact(Contact(name=Name(given=given, family="Files"), emails=(Email(f"{given}@example.org"),)))


def create(vdir: VdirConnector, cid: str, given: str) -> RemoteRef:
    [result] = vdir.push([Change(ChangeKind.CREATE, cid, contact=contact(given))])
    assert result.ok and result.ref is not None, result.error
    return result.ref


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def open_umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_card_is_private_and_a_rewrite_keeps_the_admins_mode(tmp_path: Path, open_umask: None) -> None:
    vdir = VdirConnector("v", tmp_path)
    ref = create(vdir, "cid-1", "Ana")
    path = tmp_path / ref.id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    [result] = vdir.push([Change(ChangeKind.UPDATE, "cid-1", contact=contact("Bea"), ref=ref)])
    assert result.ok
    assert parse_card(path.read_text()).contact.name.given == "Bea"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert hidden(tmp_path) == []


def test_a_temporary_name_someone_left_is_neither_reused_nor_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crashed process with our pid left its temporary; someone put a symlink under the next name."""
    outside = tmp_path / "outside"
    outside.write_text("not yours\n")
    folder = tmp_path / "cards"
    folder.mkdir()
    monkeypatch.setattr(vdir_module, "_TEMPORARIES", itertools.count(7))
    leftover = folder / f".contactsync-{os.getpid()}-7.tmp"
    leftover.write_text("half a card")
    (folder / f".contactsync-{os.getpid()}-8.tmp").symlink_to(outside)
    vdir = VdirConnector("v", folder)
    ref = create(vdir, "cid-1", "Ana")
    assert parse_card((folder / ref.id).read_text()).contact.name.given == "Ana"
    assert outside.read_text() == "not yours\n"
    assert leftover.read_text() == "half a card"
    assert hidden(folder) == [leftover.name, f".contactsync-{os.getpid()}-8.tmp"]


def test_every_byte_is_written_when_the_system_takes_a_few_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def short_write(fd: int, data: bytes | memoryview) -> int:
        return real_write(fd, bytes(data)[:7])

    monkeypatch.setattr(os, "write", short_write)
    vdir = VdirConnector("v", tmp_path)
    given = "Ana" * 40
    ref = create(vdir, "cid-1", given)
    assert parse_card((tmp_path / ref.id).read_text()).contact.name.given == given
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("count", [2 * WRITERS, FLUSHED_TOGETHER], ids=["lanes", "flushed together"])
def test_an_unexpected_error_in_one_lane_leaves_the_others_written_and_the_first_one_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """Lanes run from a few threads, many creates from one with a flush for all; an error no result can hold (a
    bug) raises from the push, the first in the batch's order, once every other card is written, as a pool's
    futures did."""
    vdir = VdirConnector("v", tmp_path)
    real_apply = VdirConnector._apply

    def failing(self: VdirConnector, change: Change, *rest: Any) -> object:
        if change.contact_id in ("cid-3", "cid-11"):
            raise RuntimeError(change.contact_id)
        return real_apply(self, change, *rest)

    monkeypatch.setattr(VdirConnector, "_apply", failing)
    changes = [Change(ChangeKind.CREATE, f"cid-{i}", contact=contact(f"P{i}")) for i in range(count)]
    with pytest.raises(RuntimeError, match=r"^cid-3$"):
        vdir.push(changes)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"cid-{i}.vcf" for i in range(count) if i not in (3, 11))
