"""A vdir push of many new cards that no other change of it names (a first sync) writes them all, makes the file
system durable once (``syncfs``), then names them (#18: 20 flushes for a 10,000-card first sync instead of
10,000 fsyncs). No name may ever show a card whose data a crash could lose, a failure stays that card's own, and a
process killed before the names leaves only its temporaries, which the next run removes."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import contactsync
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir import connector as vdir_module
from contactsync.connectors.vdir.connector import FLUSHED_TOGETHER, STALE_TEMPORARY_S
from contactsync.engine import Engine
from contactsync.errors import PreconditionFailed, Transient
from contactsync.model import Contact, Email, Name
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store
from contactsync.vcard import parse_card
from tests.daemon_support import fill_up, mounted, small_tmpfs

pytestmark = pytest.mark.skipif(
    vdir_module._syncfs() is None or not vdir_module._flushes_whole(Path(tempfile.gettempdir())),
    reason="no syncfs here, or the temporary folder's file system is not one it is trusted on: a fsync a card",
)


def contact(given: str) -> Contact:
    return normalize_contact(Contact(name=Name(given=given, family="Flush"), emails=(Email(f"{given}@example.org"),)))


def new_cards(count: int, prefix: str = "cid") -> list[Change]:
    return [Change(ChangeKind.CREATE, f"{prefix}-{i}", contact=contact(f"P{i}")) for i in range(count)]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def opened(fd: int) -> str:
    """The path of an open file descriptor."""
    return os.readlink(f"/proc/self/fd/{fd}")


def test_many_new_cards_are_made_durable_once_before_any_of_their_names_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order of the system calls, as the connector makes them (the writes and the flush are real). Updates in
    the same push keep their own fsync each."""
    vdir = VdirConnector("v", tmp_path)
    [first] = vdir.push(new_cards(1, "old"))
    assert first.ok and first.ref is not None
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def spy(name: str, real: Callable[..., Any], what: Callable[..., str]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            out = real(*args, **kwargs)
            with lock:
                events.append((name, what(*args)))
            return out

        return call

    monkeypatch.setattr(vdir_module, "_flush", spy("flush", vdir_module._flush, opened))
    monkeypatch.setattr(os, "fsync", spy("fsync", os.fsync, lambda fd: os.readlink(f"/proc/self/fd/{fd}")))
    monkeypatch.setattr(os, "link", spy("link", os.link, lambda src, dst: str(src)))
    monkeypatch.setattr(os, "replace", spy("replace", os.replace, lambda src, dst: str(src)))
    update = Change(ChangeKind.UPDATE, "old-0", contact=contact("Changed"), ref=first.ref)
    changes = [*new_cards(FLUSHED_TOGETHER), update]
    results = vdir.push(changes)
    assert all(r.ok for r in results)
    assert [e for e in events if e[0] == "flush"] == [("flush", str(tmp_path))]  # once, for all of them
    flushed = events.index(("flush", str(tmp_path)))
    links = [i for i, (kind, _) in enumerate(events) if kind == "link"]
    assert len(links) == FLUSHED_TOGETHER and min(links) > flushed  # every name after the flush
    [(replaced_at, replaced)] = [(i, path) for i, (kind, path) in enumerate(events) if kind == "replace"]
    assert ("fsync", replaced) in events[:replaced_at]  # the update: its own fsync before its rename
    assert events[-1] == ("fsync", str(tmp_path))  # the folder last, once
    assert [e for e in events if e[0] == "fsync" and e[1] != replaced] == [events[-1]]  # no fsync a new card
    for i in range(FLUSHED_TOGETHER):
        assert parse_card((tmp_path / f"cid-{i}.vcf").read_text()).contact.name.given == f"P{i}"
    assert parse_card((tmp_path / "old-0.vcf").read_text()).contact.name.given == "Changed"
    assert [n for n in names(tmp_path) if n.startswith(".")] == []


def test_a_name_taken_meanwhile_fails_alone_and_keeps_what_it_holds(tmp_path: Path) -> None:
    """Someone (another client of the folder) made ``cid-5.vcf`` between our pull and our push."""
    (tmp_path / "cid-5.vcf").write_text("theirs\n")
    results = VdirConnector("v", tmp_path).push(new_cards(FLUSHED_TOGETHER))
    failed = [r for r in results if not r.ok]
    assert [r.change.contact_id for r in failed] == ["cid-5"]
    assert isinstance(failed[0].error, PreconditionFailed) and "exists already" in str(failed[0].error)
    assert (tmp_path / "cid-5.vcf").read_text() == "theirs\n"
    assert names(tmp_path) == sorted(f"cid-{i}.vcf" for i in range(FLUSHED_TOGETHER))


def test_on_a_full_filesystem_each_card_fails_alone_and_nothing_half_made_is_left(tmp_path: Path) -> None:
    """A real tmpfs with room left for some cards only: the ones that fit are named, the others fail as
    retryable, and no temporary stays behind."""
    with small_tmpfs(tmp_path / "mnt", "1m") as folder:
        filler = fill_up(folder, ".filler")
        os.truncate(filler, filler.stat().st_size - 20 * 4096)  # room for about 20 cards of one page each
        results = VdirConnector("v", folder).push(new_cards(3 * FLUSHED_TOGETHER))
        made = [r for r in results if r.ok]
        failed = [r for r in results if not r.ok]
        assert made and failed
        assert all(isinstance(r.error, Transient) for r in failed)
        assert names(folder) == sorted([".filler", *(r.ref.id for r in made if r.ref)])
        for result in made:
            assert result.ref is not None
            given = parse_card((folder / result.ref.id).read_text()).contact.name.given
            assert given == f"P{result.change.contact_id.removeprefix('cid-')}"  # type: ignore[union-attr]


def test_a_flush_the_kernel_reports_failed_names_no_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """syncfs failing (Linux 5.8 and later report a failed writeback there, EIO). Not a real fault: a disk that
    fails its writes cannot be made here, so the flush is replaced by one that reports it."""

    def failing(folder: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(vdir_module, "_flush", failing)
    results = VdirConnector("v", tmp_path).push(new_cards(FLUSHED_TOGETHER))
    assert all(isinstance(r.error, Transient) and "writing failed" in str(r.error) for r in results)
    assert names(tmp_path) == []  # no name, no temporary


#: a push of many new cards stopped at its flush: every card's bytes in a temporary, no name linked yet
_WRITER = """
import sys, time
from pathlib import Path
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir import connector as vdir_module
from contactsync.model import Contact, Email, Name
from contactsync.normalize import normalize_contact

def stop_here(fd):
    print("written", flush=True)
    time.sleep(600)

vdir_module._flush = stop_here
cards = [normalize_contact(Contact(name=Name(given=f"K{i}", family="Killed"), emails=(Email(f"k{i}@example.org"),)))
         for i in range(int(sys.argv[2]))]
changes = [Change(ChangeKind.CREATE, f"cid-{i}", contact=c) for i, c in enumerate(cards)]
VdirConnector("w", Path(sys.argv[1])).push(changes)
"""


def test_a_writer_killed_before_the_flush_leaves_no_card_and_the_next_run_tidies_up(tmp_path: Path) -> None:
    """The real fault: a child process writing through the connector, stopped at the flush, killed with SIGKILL.
    No name shows a card (none of them was durable yet); the next run removes the temporaries once they are old
    enough, and a push of the same cards makes each of them once."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    env = dict(os.environ, PYTHONPATH=str(Path(contactsync.__file__).parents[1]))
    count = FLUSHED_TOGETHER + 8
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(b), str(count)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
        if writer.stdout is not None:
            writer.stdout.close()
    left = names(b)
    assert len(left) == count and all(n.startswith(f".contactsync-{writer.pid}-") for n in left)
    assert b"Killed" in (b / left[0]).read_bytes()  # the cards' data, never named
    old = os.path.getmtime(b / left[0]) - STALE_TEMPORARY_S - 60
    for name in left:
        os.utime(b / name, (old, old))
    book = BookSettings(
        "pair", (AccountSettings("a", "vdir"), AccountSettings("b", "vdir")), brake=BrakeSettings(max_delete_ratio=1.0)
    )
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = Engine(store, book, {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}).run()
    assert all(rep.error is None for rep in report.accounts.values()), report
    assert names(b) == []
    results = VdirConnector("b", b).push(new_cards(count))
    assert all(r.ok for r in results)
    assert names(b) == sorted(f"cid-{i}.vcf" for i in range(count))


def test_where_a_sandbox_refuses_syncfs_each_card_is_fsynced_before_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container whose seccomp profile refuses syncfs (ENOSYS or EPERM, not a failed write): the cards are still
    written, each fsynced before its name, and later pushes do not try syncfs again."""
    calls: list[str] = []

    def refused(folder: int) -> None:
        calls.append("flush")
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    real_fsync, real_link = os.fsync, os.link
    synced: set[int] = set()

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.add(os.fstat(fd).st_ino)

    def link(src: str, dst: str) -> None:
        assert os.stat(src).st_ino in synced, f"{src} named before it was durable"
        real_link(src, dst)

    monkeypatch.setattr(vdir_module, "_flush", refused)
    monkeypatch.setattr(vdir_module, "_SYNCFS_REFUSED", threading.Event())
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    vdir_module._syncfs.cache_clear()
    try:
        vdir = VdirConnector("v", tmp_path)
        assert all(r.ok for r in vdir.push(new_cards(FLUSHED_TOGETHER)))
        assert all(r.ok for r in vdir.push(new_cards(FLUSHED_TOGETHER, "more")))
    finally:
        vdir_module._syncfs.cache_clear()
    assert calls == ["flush"]  # tried once, then a fsync a card
    assert len(names(tmp_path)) == 2 * FLUSHED_TOGETHER
    assert all(not n.startswith(".") for n in names(tmp_path))


@pytest.fixture
def ramfs(tmp_path: Path) -> Iterator[Path]:
    """A real ramfs mount: a file system not on the list whose syncfs is trusted (as FUSE or NFS are not)."""
    with mounted(tmp_path / "ram fs", "ramfs") as mount:  # a space: /proc/self/mountinfo writes it as \040
        yield mount


def test_only_a_file_system_whose_syncfs_writes_everything_is_flushed_once(
    tmp_path: Path, ramfs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system off the list (here a ramfs, standing for FUSE or NFS, which may not honour syncfs) each
    card is fsynced before its name, as before; on tmpfs (on the list, also under a name with a space) one flush."""
    flushes: list[Path] = []  # the folder each flush was of
    real_flush, real_fsync = vdir_module._flush, os.fsync
    fsyncs: list[int] = []

    def flush(folder: int) -> None:
        flushes.append(Path(opened(folder)))
        real_flush(folder)

    def fsync(fd: int) -> None:
        fsyncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(vdir_module, "_flush", flush)
    monkeypatch.setattr(os, "fsync", fsync)
    assert all(r.ok for r in VdirConnector("r", ramfs).push(new_cards(FLUSHED_TOGETHER)))
    assert flushes == [] and len(fsyncs) == FLUSHED_TOGETHER + 1  # each card, then the folder
    assert len(names(ramfs)) == FLUSHED_TOGETHER
    fsyncs.clear()
    with small_tmpfs(tmp_path / "tmp fs", "4m") as folder:
        assert all(r.ok for r in VdirConnector("t", folder).push(new_cards(FLUSHED_TOGETHER)))
        assert flushes == [folder] and len(fsyncs) == 1  # the folder only
        assert len(names(folder)) == FLUSHED_TOGETHER


def test_an_error_after_a_card_is_written_raises_it_and_still_names_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error no result can hold (a bug), raised in a create after its card was written: that card is not named
    and its temporary goes; every other card is named, the folder is made durable, then the error raises."""
    real_fit = VdirConnector.fit

    def fit(self: VdirConnector, contact: Contact) -> Contact:
        if contact.name.given == "P5":
            raise RuntimeError("fit failed")
        return real_fit(self, contact)

    folder_synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        folder_synced.append(opened(fd) == str(tmp_path))

    monkeypatch.setattr(VdirConnector, "fit", fit)
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(RuntimeError, match=r"^fit failed$"):
        VdirConnector("v", tmp_path).push(new_cards(FLUSHED_TOGETHER))
    assert names(tmp_path) == sorted(f"cid-{i}.vcf" for i in range(FLUSHED_TOGETHER) if i != 5)
    assert folder_synced == [True]  # the folder, after the names
