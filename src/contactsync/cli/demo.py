"""``contactsync demo``: the whole promise in one command, offline, cleaning up after itself.

It starts three real servers on loopback (the Google People API emulator, the Microsoft Graph emulator over
HTTPS with a throw-away CA, and a Radicale CardDAV server as a subprocess with a temporary htpasswd), fills them
with one organization's people as each platform holds them (see :mod:`.demo_data`), writes an ordinary config
that points the real connectors at them, and runs the real engine for a few cycles against an SQLite store,
with people editing contacts between cycles. It ends on what an admin would look at: each account's status,
every tag's count read back from each platform, the conflicts queued, the quarantined card and the likely
duplicates; then it merges those duplicates the way an admin would and shows they are gone everywhere.

The emulators and Radicale are test dependencies (``pip install -e '.[test]'``, which ``make demo`` does).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from .. import admin
from ..config import load_settings
from ..errors import ContactSyncError
from ..settings import BookSettings
from ..store import Store
from . import demo_data as data
from .output import table

_START_TIMEOUT = 30.0
#: how many loopback ports Radicale is started on before the demo gives up (see :func:`_start_radicale`)
_PORT_TRIES = 3
DAV_USER = "demo"


class DemoUnavailable(ContactSyncError):
    """The demo's servers could not be started (missing test extras, a port refused)."""


@dataclass(frozen=True)
class DemoOutcome:
    """What the demo ends on, read back from each platform (the demo test asserts on it)."""

    people: dict[str, int]  # account (and "store") → contacts held
    tags: dict[str, dict[str, int]]  # tag → account (and "store") → members
    conflicts: list[tuple[str, str]]  # (person, field) queued for the admin
    quarantined: list[tuple[str, str]]  # (account, reason)
    duplicates_found: list[tuple[str, str, str]]  # (person, person, reason) before the merge
    duplicates_left: int  # after the merge
    last_cycle_writes: int
    trash: int = 0
    accounts: dict[str, str] = field(default_factory=dict)  # account → last result


# ------------------------------------------------------------------------------------------------ servers
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Servers:
    google: Any
    graph: Any
    dav_book_url: str
    dav_password: str
    graph_secret: str


@contextlib.contextmanager
def _radicale(root: Path, password: str, *, book: str | None = "acme") -> Iterator[str]:
    """Radicale as a subprocess on a free loopback port; yields the URL of the address book ``book``, made and
    filled with the demo's cards (None: no book made; yields the server's address)."""
    import requests

    from ..connectors.carddav.davxml import mkcol_addressbook_body

    (root / "radicale").mkdir()
    htpasswd = root / "radicale" / "htpasswd"
    htpasswd.write_text(f"{DAV_USER}:{password}\n")
    htpasswd.chmod(0o600)
    process, base = _start_radicale(root, password)
    try:
        if book is None:
            yield base
            return
        with requests.Session() as session:
            session.auth = (DAV_USER, password)
            session.trust_env = False  # loopback only: a proxy from the environment must not see it
            url = f"{base}/{DAV_USER}/{book}/"
            body = mkcol_addressbook_body("Acme").encode()
            made = session.request("MKCOL", url, data=body, headers={"Content-Type": "application/xml"}, timeout=10)
            if made.status_code not in (200, 201):
                raise DemoUnavailable(f"Radicale refused to make the address book ({made.status_code})")
            for name, body in data.carddav_cards().items():
                put = session.put(
                    url + name, data=body, headers={"Content-Type": "text/vcard; charset=utf-8"}, timeout=30
                )
                if put.status_code not in (200, 201, 204):
                    raise DemoUnavailable(f"Radicale refused the demo card {name} ({put.status_code})")
        yield url
    finally:
        _stop(process)


def _start_radicale(root: Path, password: str) -> tuple[subprocess.Popen[bytes], str]:
    """Radicale started and answering our login: its process and its address.

    Its port is picked free here and bound by Radicale only once it has started, up to seconds later on a loaded
    machine; another program may take the port in between (a busy machine starts servers on free ports all the
    time). Radicale then exits saying the address is in use, and is started again on another port, up to
    :data:`_PORT_TRIES` times. Until then whatever holds the port may answer: only an answer to our login (a
    password made for this run) is taken for Radicale's, never one from the program that took it."""
    log_path = root / "radicale" / "server.log"
    for _ in range(_PORT_TRIES):
        port = _free_port()
        seen = log_path.stat().st_size if log_path.exists() else 0
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "radicale",
                    "--config",
                    "",
                    "--server-hosts",
                    f"127.0.0.1:{port}",
                    "--auth-type",
                    "htpasswd",
                    "--auth-htpasswd-filename",
                    str(root / "radicale" / "htpasswd"),
                    "--auth-htpasswd-encryption",
                    "plain",
                    "--storage-filesystem-folder",
                    str(root / "radicale" / "data"),
                    "--logging-level",
                    "warning",
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            if _answers(process, base, password, log_path, seen):
                return process, base
        except BaseException:
            _stop(process)
            raise
        _stop(process)
    raise DemoUnavailable(
        f"Radicale found the loopback port it was given taken {_PORT_TRIES} times: "
        f"{log_path.read_text(errors='replace')[-500:]}"
    )


def _answers(process: subprocess.Popen[bytes], base: str, password: str, log_path: Path, seen: int) -> bool:
    """Wait until the Radicale at ``base`` answers our login: True; False when it exited because its port was
    taken (its log from offset ``seen`` on says so). Raises DemoUnavailable when it exited for another reason, or
    did not answer within :data:`_START_TIMEOUT`."""
    import requests

    in_use = os.strerror(errno.EADDRINUSE)
    with requests.Session() as session:
        session.auth = (DAV_USER, password)
        session.trust_env = False  # loopback only: a proxy from the environment must not see it
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if process.poll() is not None:
                with log_path.open("rb") as log:
                    log.seek(seen)
                    said = log.read().decode(errors="replace")
                if in_use in said:
                    return False
                raise DemoUnavailable(f"Radicale exited: {said[-500:]}")
            try:
                # a refused connection (not listening yet) returns at once; once it listens, the first answer of a
                # loaded machine may take seconds, and a probe cut short would be sent again from scratch
                answer = session.request("PROPFIND", f"{base}/{DAV_USER}/", headers={"Depth": "0"}, timeout=5)
                if answer.status_code == 207:
                    return True
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise DemoUnavailable("Radicale did not start in time")
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def servers(root: Path, *, short: bool) -> Iterator[Servers]:
    try:
        from contactsync.emulators.google import PeopleEmulator
        from contactsync.emulators.outlook import GraphEmulator
    except ImportError as exc:
        raise DemoUnavailable(
            f"the demo needs the test extras ({exc.name} is missing): run `make demo`, or pip install -e '.[test]'"
        ) from None
    dav_password, graph_secret = secrets.token_urlsafe(12), secrets.token_urlsafe(16)
    with contextlib.ExitStack() as stack:
        # Outlook first: a person on both platforms differs in a field or two (Ana's name), and the rule `newest`
        # keeps Google's version only if Google's is the newer. Graph gives lastModifiedDateTime in whole seconds
        # (Google in milliseconds): seeded after Google, Outlook's items read as the older only while both seeds
        # fall in one wall-clock second, and on a loaded machine the second often turned between them
        graph = stack.enter_context(GraphEmulator())
        graph.add_tenant(data.OUTLOOK_TENANT)
        graph.add_app(data.OUTLOOK_TENANT, data.OUTLOOK_CLIENT_ID, secret=graph_secret)
        graph.add_mailbox(data.OUTLOOK_TENANT, data.OUTLOOK_USER)
        graph.seed(data.OUTLOOK_USER, data.outlook_contacts())
        google = stack.enter_context(PeopleEmulator())
        google.add_user(data.GOOGLE_USER)
        groups = {label: google.create_group(data.GOOGLE_USER, label) for label in data.GOOGLE_LABELS}
        google.seed(data.GOOGLE_USER, data.google_people(groups, short=short))
        url = stack.enter_context(_radicale(root, dav_password))
        yield Servers(google, graph, url, dav_password, graph_secret)


def write_config(root: Path, srv: Servers) -> Path:
    """An ordinary config: secrets in files next to it, every connector pointed at its loopback server."""
    (root / "secrets").mkdir(mode=0o700)
    token = json.dumps(
        {
            "refresh_token": srv.google.refresh_token_for(data.GOOGLE_USER),
            "client_id": "demo",
            "client_secret": "demo",
            "token_uri": srv.google.token_uri,
        }
    )
    for name, value in (
        ("google-token.json", token),
        ("graph-secret", srv.graph_secret),
        ("dav-password", srv.dav_password),
    ):
        path = root / "secrets" / name
        path.write_text(value)
        path.chmod(0o600)
    config = root / "config.yaml"
    config.write_text(
        f"""# written by `contactsync demo`: three platforms on loopback, one book
store:
  url: sqlite:///{root / "store.db"}
books:
  - name: acme
    default_region: US
    priority: [google, outlook, carddav]
    conflicts:
      default: newest
      fields:
        note: manual
    accounts:
      - name: google
        type: google
        options:
          token_file: {root / "secrets" / "google-token.json"}
          endpoint: {srv.google.url}
          token_uri: {srv.google.token_uri}
      - name: outlook
        type: outlook
        options:
          tenant_id: {data.OUTLOOK_TENANT}
          client_id: {data.OUTLOOK_CLIENT_ID}
          client_secret_file: secrets/graph-secret
          mailbox: {data.OUTLOOK_USER}
          authority_host: {srv.graph.base_url}
          graph_url: {srv.graph.graph_url}
          ca_bundle: {srv.graph.ca_file}
      - name: carddav
        type: carddav
        options:
          url: {srv.dav_book_url}
          username: {DAV_USER}
          password_file: secrets/dav-password
          max_response_mb: 1
""",
        encoding="utf-8",
    )
    return config


# ------------------------------------------------------------------------------------------------ edits
def _edits_between_cycles(srv: Servers) -> None:
    """People at work between two cycles: the same field edited on two platforms, a delete on one."""
    bruno_g = next(
        p["resourceName"]
        for p in srv.google.persons(data.GOOGLE_USER)
        if p.get("names", [{}])[0].get("givenName") == "Bruno"
    )
    srv.google.edit(
        data.GOOGLE_USER,
        bruno_g,
        {
            "biographies": [{"value": "Back from leave in May."}],
            "organizations": [{"name": "Acme", "title": "Sales Lead"}],
        },
    )
    by_name = {c.get("givenName"): c["id"] for c in srv.graph.contacts(data.OUTLOOK_USER)}
    srv.graph.edit(data.OUTLOOK_USER, by_name["Bruno"], {"personalNotes": "On leave until May."})
    srv.graph.delete(data.OUTLOOK_USER, by_name["Gabriel"])


# ------------------------------------------------------------------------------------------------ the run
def _read_back(book: BookSettings, store: Store) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    people: dict[str, int] = {"store": len(store.active_contact_ids(book.name))}
    tags: dict[str, dict[str, int]] = {name: {"store": n} for name, n in store.tag_counts(book.name).values()}
    connectors = admin.build_connectors(book)
    try:
        for name, connector in connectors.items():
            people[name] = len(connector.pull(None).changed)
            for tag, n in connector.tag_counts().items():
                tags.setdefault(tag.name, {})[name] = n
    finally:
        for connector in connectors.values():
            connector.close()
    shown = {key.casefold(): key for key in tags}
    merged: dict[str, dict[str, int]] = {}
    for key, counts in tags.items():  # platforms may spell a tag's case differently: one row per tag
        merged.setdefault(shown[key.casefold()], {}).update(counts)
    return people, merged


def run_demo(root: Path, *, short: bool, say: Callable[[str], None], reports: bool = True) -> DemoOutcome:
    from ..stewardship import duplicates as dups

    with servers(root, short=short) as srv:
        settings = load_settings(write_config(root, srv))
        book = settings.books[0]
        say(
            f"Three platforms on loopback: Google People API emulator at {srv.google.url}, Microsoft Graph "
            f"emulator at {srv.graph.graph_url}, Radicale at {srv.dav_book_url}. Config: {root / 'config.yaml'}"
        )
        from . import print_report

        writes = 0
        with admin.open_store(settings) as store:

            def cycle(label: str) -> int:
                say(f"\n== {label}")
                report = admin.run_book(store, book)
                if reports:
                    print_report(report, as_json=False)
                return report.writes

            cycle("cycle 1: first sync of three platforms that overlap")
            _edits_between_cycles(srv)
            cycle("cycle 2: Bruno's note edited on Google and on Outlook, Gabriel deleted on Outlook")
            found = dups.find_duplicates(store, book.name)
            labels = {
                c.id: c.contact.label()
                for c in store.contacts([cid for d in found for cid in (d.first, d.second)]).values()
            }
            duplicates_found = [(labels[d.first], labels[d.second], d.reason.value) for d in found]
            say("\n== likely duplicates (`contactsync duplicates`), merged like `contactsync merge A B` would")
            for d in found:
                merged = dups.merge_contacts(store, settings, d.first, d.second)
                say(
                    f"  {labels[d.first]} + {labels[d.second]} ({d.reason.value}): merged, journal "
                    f"#{merged.journal_id} (`contactsync merge --undo {merged.journal_id}` would undo it)"
                )
            cycle("cycle 3: the merges reach every platform")
            writes = cycle("cycle 4: nothing changed, so nothing is written")
            duplicates_left = len(dups.find_duplicates(store, book.name))
            conflicts = [
                (store.contact(c.contact_id).contact.label(), c.field) for c in store.open_conflicts(book.name)
            ]
            status = store.account_status()
            quarantined = [(acct, reason) for acct, st in status.items() for _rid, reason, _since in st["quarantined"]]
            results = {acct: str(st["last_result"]) for acct, st in status.items()}
            people, tags = _read_back(book, store)
            trash = len(store.trashed(book.name))
    return DemoOutcome(people, tags, conflicts, quarantined, duplicates_found, duplicates_left, writes, trash, results)


def show_outcome(outcome: DemoOutcome, accounts: list[str]) -> None:
    columns = ["", "store", *accounts]
    table(
        "\n== people held, read back from each platform",
        columns,
        [["contacts", outcome.people["store"], *(outcome.people.get(a, 0) for a in accounts)]],
        right=columns[1:],
    )
    table(
        "\n== tags: the same count everywhere",
        ["tag", "store", *accounts],
        [
            [tag, counts.get("store", 0), *(counts.get(a, 0) for a in accounts)]
            for tag, counts in sorted(outcome.tags.items(), key=lambda kv: kv[0].casefold())
        ],
        right=columns[1:],
    )
    table(
        "\n== conflicts queued for the admin (rule `manual` on notes; `contactsync conflicts list`)",
        ["person", "field"],
        outcome.conflicts,
    )
    table(
        "\n== quarantined: never deleted, never fatal (`contactsync status`)",
        ["account", "reason"],
        outcome.quarantined,
    )
    table("\n== accounts", ["account", "last run"], sorted(outcome.accounts.items()))
    click.echo(
        f"\nIn the trash: {outcome.trash} (Gabriel, deleted on Outlook and so everywhere, and the two "
        "merged-away duplicates; `contactsync trash list`). The last cycle wrote "
        f"{outcome.last_cycle_writes} times; {outcome.duplicates_left} likely duplicates are left."
    )


@click.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path),
    default=None,
    help="Build the demo in this (new) folder and keep the config, store and Radicale data.",
)
@click.option("--short", is_flag=True, help="Fewer people (for CI).")
@click.option("--json", "as_json", is_flag=True, help="End with the outcome as JSON instead of tables.")
@click.option(
    "--distribution",
    is_flag=True,
    help="Show the company directory distributed into five employees' accounts instead (join, change, leave).",
)
def demo(keep: Path | None, short: bool, as_json: bool, distribution: bool) -> None:
    """Sync a Google, an Outlook and a CardDAV account on loopback emulators (offline, self-cleaning).

    With --distribution: the company directory (Entra ID on the Graph emulator) pushed into employees' Outlook,
    Google, CardDAV and vCard-folder accounts, then a join, a change and a leave."""
    from . import collector, friendly

    collector.resume()  # emulators and sync cycles follow: the collector runs for them (#18)

    @friendly
    def body() -> None:
        root = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="contactsync-demo-"))
        root.mkdir(parents=True, exist_ok=True)
        try:
            say: Callable[[str], None] = (lambda _text: None) if as_json else click.echo
            if distribution:
                from . import demo_distribution

                shown = demo_distribution.run_distribution_demo(root, say=say, tables=not as_json)
            else:
                outcome = run_demo(root, short=short, say=say, reports=not as_json)
        finally:
            if keep is None:
                shutil.rmtree(root, ignore_errors=True)
        if distribution:
            if as_json:
                click.echo(json.dumps(asdict(shown), indent=2))
            else:
                demo_distribution.show_outcome(shown)
            return
        if as_json:
            click.echo(json.dumps(asdict(outcome), indent=2))
        else:
            show_outcome(outcome, ["google", "outlook", "carddav"])

    body()
