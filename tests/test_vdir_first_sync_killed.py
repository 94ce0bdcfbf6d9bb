"""A first sync into an empty folder, its `contactsync sync` process killed with SIGKILL in the middle of writing
the cards (#18: a push of many new cards writes them all, flushes the file system once, then names them). The
next sync must leave every person in the folder exactly once: none lost, none twice, whichever step the kill hit
(cards written but not yet named; some pushes named and the next being written)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from contactsync.connectors.vdir.connector import FLUSHED_TOGETHER
from contactsync.vcard import parse_card
from tests.daemon_support import CONTACTSYNC, books_yaml, make_book, wait_for

CARDS = 1200  # three pushes of at most 500 into the folder, each flushed once


def _counts(folder: Path) -> tuple[int, int]:
    """(named cards, our temporaries) in ``folder`` now."""
    names = os.listdir(folder)
    return sum(n.endswith(".vcf") for n in names), sum(n.startswith(".contactsync-") for n in names)


KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    # the first push's cards written, none named yet
    "cards written, none named": lambda dst: _counts(dst)[1] >= FLUSHED_TOGETHER,
    # the first push named, the second being written
    "one push named": lambda dst: _counts(dst)[0] >= 500,
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_first_sync_killed_while_writing_cards_leaves_each_person_once_after_the_next(
    tmp_path: Path, point: str
) -> None:
    make_book(tmp_path, "staff", CARDS)
    src, dst = tmp_path / "staff" / "src", tmp_path / "staff" / "dst"
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["staff"]))
    killed = subprocess.Popen(
        [CONTACTSYNC, "--config", str(config), "sync"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(point, lambda: KILL_POINTS[point](dst), timeout=300, every=0.002)
        assert killed.poll() is None, "the sync ended before the kill"
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
    named_at_kill, written_at_kill = _counts(dst)
    assert named_at_kill < CARDS  # killed before its last card was named
    if point == "cards written, none named":
        assert written_at_kill > 0  # its cards' data left behind, unnamed
    again = subprocess.run([CONTACTSYNC, "--config", str(config), "sync"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    cards = sorted(p for p in dst.iterdir() if p.name.endswith(".vcf"))
    people = [parse_card(p.read_text()).contact.name.family for p in cards]
    assert sorted(people) == sorted(f"Person{n}" for n in range(CARDS))  # each person once: none lost, none twice
    assert len(list(src.iterdir())) == CARDS  # the source untouched
