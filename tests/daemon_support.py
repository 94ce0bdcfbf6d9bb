"""Helpers for the daemon tests: vdir books on disk or books on the platform emulators, a config file, a real
``contactsync run`` subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
T = TypeVar("T")


def card(uid: str, n: int, tags: str = "Team") -> str:
    return "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{uid}",
            f"N:Person{n};Test;;;",
            f"FN:Test Person{n}",
            f"EMAIL;TYPE=WORK:p{uid}@example.org",
            f"CATEGORIES:{tags}",
            "END:VCARD",
            "",
        ]
    )


@contextlib.contextmanager
def small_tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``"2m"``) mounted at ``mount``: a file system that really fills up (and can be remounted
    read-only). Skips the test where mounting needs a root this process is not."""
    with mounted(mount, "tmpfs", f"size={size},mode=0700") as folder:
        yield folder


@contextlib.contextmanager
def mounted(mount: Path, kind: str, options: str = "defaults") -> Iterator[Path]:
    """A new file system of ``kind`` (``tmpfs``, ``ramfs``) mounted at ``mount``, made here; unmounted at the end.
    Skips the test where mounting needs a root this process is not."""
    mount.mkdir()
    done = subprocess.run(["mount", "-t", kind, "-o", options, kind, str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {kind} here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_up(folder: Path, name: str = "filler") -> Path:
    """A file in ``folder`` written until its file system is full (ENOSPC from the kernel, as a real disk gives)."""
    path = folder / name
    with path.open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass
    return path


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
        lines += [
            f"  - name: {b}",
            f"    schedule: {schedule}",
            "    accounts:",
            f"      - {{name: {b}-src, type: vdir, options: {{path: {root / b / 'src'}}}}}",
            f"      - {{name: {b}-dst, type: vdir, options: {{path: {root / b / 'dst'}}}}}",
        ]
    return "\n".join(lines) + "\n" + extra


def dav_books_config(
    tmp_path: Path, books: Sequence[str], dav_options: Callable[[str], str], budget: int
) -> tuple[Path, str]:
    """A daemon's configuration (and its store's URL) of ``books``, each a new folder and a CardDAV account whose
    options ``dav_options(book)`` gives (a YAML flow mapping), every 2 s, ``budget`` CardDAV requests in flight."""
    lines = ["books:"]
    for name in books:
        folder = tmp_path / name
        folder.mkdir()
        lines += [
            f"  - name: {name}",
            "    schedule: every 2s",
            "    accounts:",
            f"      - {{name: {name}-dir, type: vdir, options: {{path: '{folder}'}}}}",
            f"      - {{name: {name}-dav, type: carddav, options: {dav_options(name)}}}",
        ]
    db = f"sqlite:///{tmp_path / 's.db'}"
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: '{db}'}}\n"
        "daemon: {jitter_seconds: 0, workers: 8, stop_timeout_seconds: 10, "
        f"max_in_flight: {{carddav: {budget}}}}}\n" + "\n".join(lines) + "\n"
    )
    return config, db


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


def wait_for(
    what: str,
    check: Callable[[], T | None],
    timeout: float = 30.0,
    every: float = 0.05,
    explain: Callable[[], str] | None = None,
) -> T:
    """Poll until ``check`` returns something truthy; fail saying what never happened (a bound, not a timing
    assertion: a slow machine only waits longer), followed by what ``explain`` tells of why (the daemons' logs,
    say: a failure seen once in CI must be readable from its report alone)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            because = f"\n{explain()}" if explain is not None else ""
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f}s{because}")
        time.sleep(every)


def logs_of(daemons: Iterable[DaemonProcess], last: int = 40) -> str:
    """The last ``last`` lines of each daemon's log, headed by its pid and exit code (None: still running)."""
    parts = []
    for daemon in daemons:
        lines = daemon.output().splitlines()[-last:]
        parts.append(f"--- daemon {daemon.pid} (exit {daemon.proc.poll()}), last {len(lines)} lines:")
        parts.extend(lines)
    return "\n".join(parts)


class DaemonProcess:
    """``contactsync run`` as a child process, its stderr in a file (no pipe to fill up)."""

    def __init__(
        self, args: Sequence[str], log: Path, *, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        self.log = log
        self._log_file = log.open("wb")
        full_env = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen(
            [CONTACTSYNC, *args], stdout=self._log_file, stderr=subprocess.STDOUT, env=full_env, cwd=cwd
        )

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
        return self.wait(timeout)

    def wait(self, timeout: float = 60.0) -> int:
        """Its exit code once it has exited (signalled by the caller: a second SIGTERM could reach it after it
        put back the default handler on its way out, and kill it)."""
        try:
            return self.proc.wait(timeout)
        finally:
            self._log_file.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._log_file.close()


def stop_all(daemons: Iterable[DaemonProcess], timeout: float = 60.0) -> list[int]:
    """SIGTERM to every one still running, then each one's exit code, in order: they stop side by side (one after
    the other, each exit's seconds would add up)."""
    daemons = list(daemons)
    for d in daemons:
        if d.proc.poll() is None:
            d.signal(signal.SIGTERM)
    return [d.wait(timeout) for d in daemons]


def probe_command(tmp_path: Path, config: Path, probe: str, *args: str) -> tuple[int, Any]:
    """(exit code, what ``probe`` wrote as JSON) of the real ``contactsync ARGS`` in a process of its own: ``probe``
    is Python run with the output file's path and ARGS in ``sys.argv[1:]`` (the start-up tests' probes)."""
    out = tmp_path / "probe.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config), "HOME": str(tmp_path / "home")}
    env.pop("STATE_DIRECTORY", None)
    done = subprocess.run(
        [sys.executable, "-c", probe, str(out), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.exists(), done.stderr
    return done.returncode, json.loads(out.read_text())


# --------------------------------------------------------------------------------- books on the emulators
TENANT, CLIENT_ID, CLIENT_SECRET = "contoso.test", "11111111-2222-3333-4444-555555555555", "s3cret"


@contextlib.contextmanager
def graph_mailbox(mailbox: str) -> Iterator[Any]:
    """A Graph emulator with the tenant's app and one ``mailbox``; an account reaches it with
    :func:`outlook_account` and the client secret in ``$GRAPH_CLIENT_SECRET``."""
    from contactsync.emulators.outlook import GraphEmulator

    emulator = GraphEmulator(requests_per_10min=1_000_000)
    emulator.start()
    try:
        emulator.add_tenant(TENANT)
        emulator.add_app(TENANT, CLIENT_ID, secret=CLIENT_SECRET)
        emulator.add_mailbox(TENANT, mailbox)
        yield emulator
    finally:
        emulator.stop()


def outlook_account(name: str, graph: Any, mailbox: str) -> str:
    """YAML of an ``outlook`` account of ``mailbox`` on the emulator ``graph``, indented for a book's ``accounts:``."""
    return (
        f"      - name: {name}\n"
        "        type: outlook\n"
        "        options:\n"
        f"          tenant_id: {TENANT}\n"
        f"          client_id: {CLIENT_ID}\n"
        "          client_secret: ${GRAPH_CLIENT_SECRET}\n"
        f"          mailbox: {mailbox}\n"
        f"          authority_host: {graph.base_url}\n"
        f"          graph_url: {graph.graph_url}\n"
        f"          ca_bundle: {graph.ca_file}\n"
    )


def tagged_person(n: int, tag: str = "Team") -> dict[str, Any]:
    """An Outlook contact with one address and ``tag`` as its category."""
    return {
        "givenName": f"O{n}",
        "surname": "Lima",
        "displayName": f"O{n} Lima",
        "categories": [tag],
        "emailAddresses": [{"address": f"o{n}@example.org"}],
    }


class EmulatorBooks:
    """Books of one Google user (People API emulator) and one Outlook mailbox (Graph emulator) each, for daemon
    processes: the emulators serve on loopback from this process, the daemons reach them like real platforms
    (a service-account key file for Google, a client secret in ``$GRAPH_CLIENT_SECRET`` for Graph).

    Every person created here has one address ``<side><book>-<n>@example.org`` (side ``g`` or ``o``: where the
    user typed it in), so a copy is recognised whatever id the other platform gave it.
    """

    def __init__(self, root: Path, books: Sequence[str]) -> None:
        from contactsync.emulators.google import PeopleEmulator
        from contactsync.emulators.outlook import GraphEmulator
        from tests.google.helpers import service_account_key

        self.root = root
        self.books = list(books)
        self.google = PeopleEmulator()
        self.graph = GraphEmulator(requests_per_10min=1_000_000)
        self.google.start()
        self.graph.start()
        self.graph.add_tenant(TENANT)
        self.graph.add_app(TENANT, CLIENT_ID, secret=CLIENT_SECRET)
        self.key = root / "google-key.json"
        self.key.write_text(service_account_key(self.google))
        for b in self.books:
            self.google.add_user(self.user(b))
            self.graph.add_mailbox(TENANT, self.mailbox(b))
        self.env = {"GRAPH_CLIENT_SECRET": CLIENT_SECRET}

    def close(self) -> None:
        self.google.stop()
        self.graph.stop()

    @staticmethod
    def user(book: str) -> str:
        return f"{book}@gmail.test"

    @staticmethod
    def mailbox(book: str) -> str:
        return f"{book}@{TENANT}"

    def add_people(self, book: str, side: str, numbers: Sequence[int]) -> None:
        """People typed in by the book's Google user (``side="g"``) or in its mailbox (``side="o"``)."""
        if side == "g":
            self.google.seed(
                self.user(book),
                [
                    {
                        "names": [{"givenName": f"G{n}", "familyName": book}],
                        "emailAddresses": [{"value": f"g{book}-{n}@example.org", "type": "work"}],
                    }
                    for n in numbers
                ],
            )
        else:
            self.graph.seed(
                self.mailbox(book),
                [
                    {
                        "givenName": f"O{n}",
                        "surname": book,
                        "displayName": f"O{n} {book}",
                        "emailAddresses": [{"address": f"o{book}-{n}@example.org"}],
                    }
                    for n in numbers
                ],
            )

    def people(self, book: str) -> dict[str, list[str]]:
        """Every address each side holds, one entry per item (a person written twice shows twice)."""
        google = [e["value"] for p in self.google.persons(self.user(book)) for e in p.get("emailAddresses", [])]
        outlook = [e["address"] for c in self.graph.contacts(self.mailbox(book)) for e in c.get("emailAddresses", [])]
        return {"google": sorted(google), "outlook": sorted(outlook)}

    def yaml(self, *, schedule: str = "every 1h") -> str:
        lines = ["books:"]
        for b in self.books:
            lines += [
                f"  - name: {b}",
                f"    schedule: {schedule}",
                "    accounts:",
                f"      - name: {b}-google",
                "        type: google",
                "        options:",
                f"          subject: {self.user(b)}",
                f"          service_account_file: {self.key}",
                f"          endpoint: {self.google.url}",
                f"          token_uri: {self.google.token_uri}",
                f"      - name: {b}-outlook",
                "        type: outlook",
                "        options:",
                f"          tenant_id: {TENANT}",
                f"          client_id: {CLIENT_ID}",
                "          client_secret: ${GRAPH_CLIENT_SECRET}",
                f"          mailbox: {self.mailbox(b)}",
                f"          authority_host: {self.graph.base_url}",
                f"          graph_url: {self.graph.graph_url}",
                f"          ca_bundle: {self.graph.ca_file}",
            ]
        return "\n".join(lines) + "\n"
