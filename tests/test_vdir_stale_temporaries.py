"""A contactsync process killed between a card's write and its link or rename leaves its temporary file in the
folder (a whole or half card: personal data other vCard tools syncing the folder may see). The next run removes
it, once its process is gone and the file is old enough that no writer of another host could still be at it; a
running process's temporaries, and every file that is not one of ours, are left alone. The fault is real: a
child process writing through the connector, stopped at the card's fsync, then killed with SIGKILL."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir.connector import STALE_TEMPORARY_S
from contactsync.engine import Engine
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store
from tests.vdir_support import Writer, writers

__all__ = ["writers"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pids and SIGKILL as POSIX has them")


def _book(tmp_path: Path) -> tuple[Path, Path, BookSettings]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    accounts = (AccountSettings("a", "vdir"), AccountSettings("b", "vdir"))
    return a, b, BookSettings("pair", accounts, brake=BrakeSettings(max_delete_ratio=1.0))


def _run(tmp_path: Path, a: Path, b: Path, book: BookSettings) -> None:
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = Engine(store, book, {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}).run()
    assert all(rep.error is None for rep in report.accounts.values()), report


def test_a_killed_writers_temporary_is_removed_by_the_next_run_and_counted_in_the_log(
    tmp_path: Path, writers: list[Writer], caplog: pytest.LogCaptureFixture
) -> None:
    a, b, book = _book(tmp_path)
    writer = Writer(b)
    writers.append(writer)
    writer.kill()
    assert b"Killed" in writer.temporary.read_bytes()  # the card's data, left by the crash
    writer.age(STALE_TEMPORARY_S + 60)
    with caplog.at_level(logging.INFO, logger="contactsync.connectors.vdir"):
        _run(tmp_path, a, b, book)
    assert not writer.temporary.exists()
    assert sorted(p.name for p in b.iterdir()) == []  # nothing else made, the card it never linked included
    [line] = [r.getMessage() for r in caplog.records if "temporary" in r.getMessage()]
    assert "removed 1 temporary file" in line and "account b" in line
    assert writer.temporary.name not in line and "Killed" not in line and "killed@" not in line


def test_a_running_writers_temporary_is_kept_until_it_stops(tmp_path: Path, writers: list[Writer]) -> None:
    """A daemon and a one-off sync, or two daemons, on one folder: a writer that runs owns its temporary, however
    long it has been at it."""
    a, b, book = _book(tmp_path)
    writer = Writer(b)
    writers.append(writer)
    writer.age(STALE_TEMPORARY_S * 10)
    _run(tmp_path, a, b, book)
    assert writer.temporary.exists()
    writer.kill()
    _run(tmp_path, a, b, book)
    assert not writer.temporary.exists()


def test_a_fresh_temporary_of_a_stopped_writer_waits_for_a_later_run(tmp_path: Path, writers: list[Writer]) -> None:
    """A pid names a process of this system only: a writer of another host sharing the folder (or in another
    container) may still be at a temporary whose pid runs nothing here, but never for minutes."""
    a, b, book = _book(tmp_path)
    writer = Writer(b)
    writers.append(writer)
    writer.kill()
    _run(tmp_path, a, b, book)
    assert writer.temporary.exists()
    writer.age(STALE_TEMPORARY_S + 60)
    _run(tmp_path, a, b, book)
    assert not writer.temporary.exists()


def test_only_our_own_temporaries_are_removed(tmp_path: Path, writers: list[Writer]) -> None:
    """Files of other tools, or named almost like ours, stay; so does a link under our pattern (it is no file
    we made), and a read-only account removes nothing."""
    a, b, book = _book(tmp_path)
    writer = Writer(b)
    writers.append(writer)
    writer.kill()
    writer.age(STALE_TEMPORARY_S + 60)
    dead = writer.process.pid
    outside = tmp_path / "outside.txt"
    outside.write_text("not a card\n")
    others = {
        f".contactsync-{dead}-1.tmp.bak": "kept",
        f".contactsync-{dead}-x.tmp": "kept",
        f"contactsync-{dead}-1.tmp": "kept",
        f".contactsync-{dead}.tmp": "kept",
        ".vdirsyncer-tmp-1234.tmp": "kept",
        ".khard.swp": "kept",
        "notes.txt": "kept",
    }
    for name, text in others.items():
        (b / name).write_text(text)
    (b / f".contactsync-{dead}-2.tmp").symlink_to(outside)
    (b / f".contactsync-{dead}-3.tmp").mkdir()
    then = time.time() - STALE_TEMPORARY_S * 2
    for name in [*others, f".contactsync-{dead}-3.tmp"]:
        os.utime(b / name, (then, then))
    read_only = VdirConnector("b", b, read_only=True)
    read_only.pull(None)
    assert writer.temporary.exists()
    _run(tmp_path, a, b, book)
    assert not writer.temporary.exists()
    assert {p.name for p in b.iterdir()} == {*others, f".contactsync-{dead}-2.tmp", f".contactsync-{dead}-3.tmp"}
    assert all((b / name).read_text() == "kept" for name in others)
    assert outside.read_text() == "not a card\n"


def test_a_dry_run_leaves_a_killed_writers_temporary_where_it_is(tmp_path: Path, writers: list[Writer]) -> None:
    """A dry run changes nothing, in the folder either: the temporary goes with the next run that may write."""
    a, b, book = _book(tmp_path)
    writer = Writer(b)
    writers.append(writer)
    writer.kill()
    writer.age(STALE_TEMPORARY_S + 60)
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        Engine(store, book, {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}).run(dry_run=True)
    assert writer.temporary.exists()
    _run(tmp_path, a, b, book)
    assert not writer.temporary.exists()
