"""A contactsync process killed in the middle of writing a card into a vdir folder: the real fault (a child
process writing through the connector, stopped at the card's fsync, then killed with SIGKILL), for the tests of
what the next run does with the temporary it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import contactsync

#: a writer that stops at its card's fsync: the card's bytes are in the temporary, its name not yet linked
_WRITER = """
import os, sys, time
from pathlib import Path
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.vdir import VdirConnector
from contactsync.model import Contact, Email, Name
from contactsync.normalize import normalize_contact

def stop_here(fd):
    print("written", flush=True)
    time.sleep(600)

os.fsync = stop_here
card = normalize_contact(Contact(name=Name(given="Killed", family="Writer"), emails=(Email("killed@example.org"),)))
VdirConnector("w", Path(sys.argv[1])).push([Change(ChangeKind.CREATE, "cid-killed", contact=card)])
"""


class Writer:
    """A contactsync process stopped in the middle of writing one card into ``folder``."""

    def __init__(self, folder: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(Path(contactsync.__file__).parents[1]))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(folder)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "written\n"
        [self.temporary] = [p for p in folder.iterdir() if p.name == f".contactsync-{self.process.pid}-0.tmp"]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def age(self, seconds: float) -> None:
        """The temporary as it is ``seconds`` after the write: the crash happened that long ago."""
        then = time.time() - seconds
        os.utime(self.temporary, (then, then))


@pytest.fixture
def writers() -> Iterator[list[Writer]]:
    started: list[Writer] = []
    yield started
    for writer in started:
        if writer.process.poll() is None:
            writer.kill()
        assert writer.process.stdout is not None
        writer.process.stdout.close()
