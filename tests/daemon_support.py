"""Helpers for the daemon tests: vdir books on disk, a config file, a real ``contactsync run`` subprocess."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
T = TypeVar("T")


def card(uid: str, n: int, tags: str = "Team") -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:Person{n};Test;;;", f"FN:Test Person{n}",
                        f"EMAIL;TYPE=WORK:p{uid}@example.org", f"CATEGORIES:{tags}", "END:VCARD", ""])


def fill(folder: Path, count: int, *, prefix: str = "c", tags: str = "Team") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{prefix}{i}.vcf").write_text(card(f"{prefix}{i}", i, tags))


def make_book(root: Path, name: str, count: int, *, tags: str = "Team") -> None:
    """A book's two folders: ``src`` with ``count`` cards, ``dst`` empty."""
    fill(root / name / "src", count, tags=tags)
    (root / name / "dst").mkdir(exist_ok=True)


def books_yaml(root: Path, books: Sequence[str], *, schedule: str = "every 1h", extra: str = "") -> str:
    """Each book: a filled ``src`` folder and an empty ``dst`` folder (two vdir accounts)."""
    lines = ["books:"]
    for b in books:
        lines += [f"  - name: {b}", f"    schedule: {schedule}", "    accounts:",
                  f"      - {{name: {b}-src, type: vdir, options: {{path: {root / b / 'src'}}}}}",
                  f"      - {{name: {b}-dst, type: vdir, options: {{path: {root / b / 'dst'}}}}}"]
    return "\n".join(lines) + "\n" + extra


def uids(folder: Path) -> list[str]:
    found = []
    for f in folder.glob("*.vcf"):
        m = re.search(r"^UID:(.+?)\r?$", f.read_text(), re.M)
        found.append(m.group(1) if m else f.name)
    return sorted(found)


def people(folder: Path) -> list[str]:
    """The email of every card in the folder (a copy gets our own UID, the email is the person's)."""
    found = []
    for f in folder.glob("*.vcf"):
        m = re.search(r"^EMAIL[^:]*:(.+?)\r?$", f.read_text(), re.M)
        found.append(m.group(1) if m else f.name)
    return sorted(found)


def wait_for(what: str, check: Callable[[], T | None], timeout: float = 30.0, every: float = 0.05) -> T:
    """Poll until ``check`` returns something truthy; fail saying what never happened (a bound, not a timing
    assertion: a slow machine only waits longer)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f}s")
        time.sleep(every)


class DaemonProcess:
    """``contactsync run`` as a child process, its stderr in a file (no pipe to fill up)."""

    def __init__(self, args: Sequence[str], log: Path, *, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.log = log
        self._log_file = log.open("wb")
        full_env = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen([CONTACTSYNC, *args], stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env=full_env, cwd=cwd)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 60.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._log_file.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._log_file.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
