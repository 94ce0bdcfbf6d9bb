"""Three real platforms in one book: a Google account on the People emulator, an Outlook mailbox on the Graph
emulator and a Radicale address book, with a SQLite store in a temporary folder.

``World`` plays the users (edits through each platform's own API: the emulators' control APIs, plain HTTP for
Radicale), arms faults, runs the engine like a process would (a fresh store handle per run; fresh connectors
after a crash) and reads every platform back through fresh connectors for the invariant checks.

The CardDAV connector reaches Radicale through a ``FaultProxy`` (faults on the CardDAV side); the other
client (``DavUser``) talks to Radicale directly. ``run_process`` runs the installed ``contactsync sync`` on a
config file pointing at the same emulators, proxy and store, and can SIGKILL it mid-run.

Every person created here has one identity address ``p<N>@example.org``; the test follows people by it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from contactsync.config import load_settings
from contactsync.connector import Connector
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.google import RequestKind as GoogleRequest
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook import RequestKind as GraphRequest
from contactsync.engine import Engine, EngineHooks, RunReport
from contactsync.model import Contact, Tag
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store

from ..google.helpers import connector_for, service_account_key
from .faultproxy import FaultProxy
from .radicale import PASSWORD, USER, DavUser, props, replace_props, unfold

GOOGLE_USER = "alice@example.com"
TENANT, CLIENT_ID, SECRET = "contoso.test", "11111111-2222-3333-4444-555555555555", "s3cret"
MAILBOX = "ana@contoso.test"
PLATFORMS = ("google", "outlook", "dav")
IDENTITY = re.compile(r"^p\d+@example\.org$")
BOOK = "world"

#: the installed command, next to the interpreter running the tests (.venv/bin/contactsync)
CONTACTSYNC = Path(sys.executable).with_name("contactsync")
GOOGLE_WRITES = tuple(k for k in GoogleRequest if k.is_write)
#: Google's sync listings show a write only after a propagation delay ("several minutes"); runs a minute apart
GOOGLE_LAG = timedelta(minutes=5)
RUN_INTERVAL = timedelta(minutes=1)
#: Google may refuse a person's fresh etag right after a write ("person.etag is different"): during faulty runs,
#: a person written in the last 90 s of the emulator's clock (a user's edit just before a run, our own write of
#: the run before) is refused so
GOOGLE_ETAG_LAG = timedelta(seconds=90)
GRAPH_WRITES = (GraphRequest.CREATE, GraphRequest.UPDATE, GraphRequest.DELETE)

#: the kinds of edit a user makes; each sets a value never used before (a net change)
FIELD_KINDS = ("note", "job", "nickname", "phone", "email2", "birthday", "address", "url", "name")


class Crash(BaseException):
    """Not an Exception: nothing in the engine may catch it, as nothing survives a SIGKILL."""


def who(contact: Contact) -> str:
    """The identity address of a person (the first ``p<N>@example.org``), "" when none."""
    return next((e.key for e in contact.emails if IDENTITY.match(e.key)), "")


@dataclass(frozen=True)
class Value:
    """One edit's value, with everything each platform needs to write it."""

    kind: str
    k: int

    @property
    def text(self) -> str:
        return {
            "note": f"note {self.k}",
            "job": f"Job {self.k}",
            "nickname": f"Nick{self.k}",
            "phone": f"+1628555{self.k % 10000:04d}",
            "email2": f"x{self.k}@example.net",
            "url": f"https://example.org/u{self.k}",
            "name": f"Given{self.k}",
        }.get(self.kind, "")

    @property
    def date(self) -> tuple[int, int, int]:
        return 1950 + self.k % 50, 1 + self.k % 12, 1 + self.k % 28

    @property
    def street(self) -> str:
        return f"{self.k} Main Street"

    def holds(self, c: Contact) -> bool:
        """Whether ``c`` shows this edit (the check for "no lost update")."""
        if self.kind == "note":
            return c.note == self.text
        if self.kind == "job":
            return c.job_title == self.text
        if self.kind == "nickname":
            return c.nicknames[:1] == (self.text,)
        if self.kind == "phone":
            return any(p.number == self.text for p in c.phones)
        if self.kind == "email2":
            return any(e.key == self.text for e in c.emails)
        if self.kind == "birthday":
            y, m, d = self.date
            return c.birthday is not None and (c.birthday.year, c.birthday.month, c.birthday.day) == (y, m, d)
        if self.kind == "address":
            return any(a.street == self.street for a in c.addresses)
        if self.kind == "url":
            return any(u.value == self.text for u in c.urls)
        if self.kind == "name":
            return c.name.given == self.text
        raise AssertionError(self.kind)


class Platform(Protocol):
    """A user on one platform, acting through that platform's own API."""

    name: str

    def people(self) -> dict[str, str]:
        """identity address → the platform's id for that person's item."""
        ...

    def create(self, n: int, tags: frozenset[str], copy_of: Contact | None = None) -> None: ...
    def edit(self, item: str, value: Value) -> None: ...
    def remove_second_emails(self, item: str) -> None: ...
    def set_tag(self, item: str, tag: str, on: bool) -> None: ...
    def delete(self, item: str) -> None: ...


def _base_person(n: int) -> tuple[str, str, str, str]:
    return f"Given{n}", f"Family{n}", f"p{n}@example.org", f"+1415555{n % 10000:04d}"


class GoogleUser:
    name = "google"

    def __init__(self, emu: PeopleEmulator) -> None:
        self.emu = emu

    def _group(self, tag: str) -> str:
        for g in self.emu.groups(GOOGLE_USER):
            if g["groupType"] == "USER_CONTACT_GROUP" and g["name"].casefold() == tag.casefold():
                return str(g["resourceName"])
        return self.emu.create_group(GOOGLE_USER, tag)

    def people(self) -> dict[str, str]:
        out = {}
        for p in self.emu.persons(GOOGLE_USER):
            ident = next(
                (e["value"].casefold() for e in p.get("emailAddresses", []) if IDENTITY.match(e["value"].casefold())),
                "",
            )
            out[ident] = str(p["resourceName"])
        return out

    def create(self, n: int, tags: frozenset[str], copy_of: Contact | None = None) -> None:
        given, family, email, phone = _base_person(n)
        body: dict[str, Any] = {
            "names": [{"givenName": given, "familyName": family}],
            "emailAddresses": [{"value": email, "type": "work"}],
            "phoneNumbers": [{"value": phone, "type": "mobile"}],
            "memberships": [
                {"contactGroupMembership": {"contactGroupResourceName": self._group(t)}} for t in sorted(tags)
            ],
        }
        if copy_of is not None:  # the same person typed in by hand: name, addresses, phones, note
            body["names"] = [{"givenName": copy_of.name.given, "familyName": copy_of.name.family}]
            body["emailAddresses"] = [{"value": e.address} for e in copy_of.emails]
            body["phoneNumbers"] = [{"value": p.number, "type": "mobile"} for p in copy_of.phones]
            if copy_of.note:
                body["biographies"] = [{"value": copy_of.note}]
        self.emu.seed(GOOGLE_USER, [body])

    def edit(self, item: str, value: Value) -> None:
        person = self.emu.person(GOOGLE_USER, item)
        v = value
        patch: dict[str, Any]
        if v.kind == "note":
            patch = {"biographies": [{"value": v.text}]}
        elif v.kind in ("job",):
            org = (person.get("organizations") or [{}])[0]
            patch = {"organizations": [{"name": org.get("name", ""), "title": v.text}]}
        elif v.kind == "nickname":
            patch = {"nicknames": [{"value": v.text}]}
        elif v.kind == "phone":
            patch = {"phoneNumbers": [{"value": v.text, "type": "mobile"}]}
        elif v.kind == "email2":
            emails = [{"value": e["value"], "type": e.get("type", "other")} for e in person["emailAddresses"]]
            patch = {"emailAddresses": [*emails, {"value": v.text, "type": "home"}]}
        elif v.kind == "birthday":
            y, m, d = v.date
            patch = {"birthdays": [{"date": {"year": y, "month": m, "day": d}}]}
        elif v.kind == "address":
            patch = {
                "addresses": [{"streetAddress": v.street, "city": "Springfield", "postalCode": "12345", "type": "home"}]
            }
        elif v.kind == "url":
            patch = {"urls": [{"value": v.text}]}
        elif v.kind == "name":
            family = person["names"][0].get("familyName", "")
            patch = {"names": [{"givenName": v.text, "familyName": family}]}
        else:
            raise AssertionError(v.kind)
        self.emu.edit(GOOGLE_USER, item, patch)

    def remove_second_emails(self, item: str) -> None:
        person = self.emu.person(GOOGLE_USER, item)
        keep = [
            {"value": e["value"], "type": e.get("type", "other")}
            for e in person["emailAddresses"]
            if IDENTITY.match(e["value"].casefold())
        ]
        self.emu.edit(GOOGLE_USER, item, {"emailAddresses": keep})

    def set_tag(self, item: str, tag: str, on: bool) -> None:
        person = self.emu.person(GOOGLE_USER, item)
        group = self._group(tag)
        current = [
            m["contactGroupMembership"]["contactGroupResourceName"]
            for m in person.get("memberships", [])
            if "contactGroupMembership" in m
        ]
        wanted = [g for g in current if g != group] + ([group] if on else [])
        if not wanted:
            wanted = ["contactGroups/myContacts"]
        self.emu.edit(
            GOOGLE_USER,
            item,
            {"memberships": [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in wanted]},
        )

    def delete(self, item: str) -> None:
        self.emu.delete(GOOGLE_USER, item)


class OutlookUser:
    name = "outlook"

    def __init__(self, emu: GraphEmulator) -> None:
        self.emu = emu

    def people(self) -> dict[str, str]:
        out = {}
        for c in self.emu.contacts(MAILBOX):
            ident = next(
                (
                    e["address"].casefold()
                    for e in c.get("emailAddresses", [])
                    if IDENTITY.match(e["address"].casefold())
                ),
                "",
            )
            out[ident] = str(c["id"])
        return out

    def _item(self, item: str) -> dict[str, Any]:
        return next(c for c in self.emu.contacts(MAILBOX) if c["id"] == item)

    def create(self, n: int, tags: frozenset[str], copy_of: Contact | None = None) -> None:
        given, family, email, phone = _base_person(n)
        body: dict[str, Any] = {
            "givenName": given,
            "surname": family,
            "displayName": f"{given} {family}",
            "emailAddresses": [{"address": email, "name": f"{given} {family}"}],
            "mobilePhone": phone,
            "categories": sorted(tags),
        }
        if copy_of is not None:
            label = f"{copy_of.name.given} {copy_of.name.family}"
            body.update(
                givenName=copy_of.name.given,
                surname=copy_of.name.family,
                displayName=label,
                emailAddresses=[{"address": e.address} for e in copy_of.emails[:3]],
                mobilePhone=copy_of.phones[0].number if copy_of.phones else None,
            )
            if copy_of.note:
                body["personalNotes"] = copy_of.note
        self.emu.seed(MAILBOX, [body])

    def edit(self, item: str, value: Value) -> None:
        v = value
        patch: dict[str, Any]
        if v.kind == "note":
            patch = {"personalNotes": v.text}
        elif v.kind == "job":
            patch = {"jobTitle": v.text}
        elif v.kind == "nickname":
            patch = {"nickName": v.text}
        elif v.kind == "phone":
            patch = {"mobilePhone": v.text}
        elif v.kind == "email2":
            emails = self._item(item).get("emailAddresses", [])
            if len(emails) >= 3:
                emails = emails[:2]
            patch = {"emailAddresses": [*emails, {"address": v.text}]}
        elif v.kind == "birthday":
            y, m, d = v.date
            patch = {"birthday": f"{y:04d}-{m:02d}-{d:02d}T11:59:00Z"}
        elif v.kind == "address":
            patch = {"homeAddress": {"street": v.street, "city": "Springfield", "postalCode": "12345"}}
        elif v.kind == "url":
            patch = {"businessHomePage": v.text}
        elif v.kind == "name":
            surname = self._item(item).get("surname") or ""
            patch = {"givenName": v.text, "displayName": f"{v.text} {surname}".strip()}
        else:
            raise AssertionError(v.kind)
        self.emu.edit(MAILBOX, item, patch)

    def remove_second_emails(self, item: str) -> None:
        emails = [e for e in self._item(item).get("emailAddresses", []) if IDENTITY.match(e["address"].casefold())]
        self.emu.edit(MAILBOX, item, {"emailAddresses": emails})

    def set_tag(self, item: str, tag: str, on: bool) -> None:
        current = [c for c in self._item(item).get("categories", []) if c.casefold() != tag.casefold()]
        self.emu.edit(MAILBOX, item, {"categories": [*current, tag] if on else current})

    def delete(self, item: str) -> None:
        self.emu.delete(MAILBOX, item)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


class DavUserPlatform:
    name = "dav"

    def __init__(self, user: DavUser) -> None:
        self.user = user
        self._created = 0

    def people(self) -> dict[str, str]:
        out = {}
        for href, (_etag, text) in self.user.cards().items():
            emails = [e.strip().casefold() for e in props(text, "EMAIL")]
            out[next((e for e in emails if IDENTITY.match(e)), "")] = href
        return out

    def create(self, n: int, tags: frozenset[str], copy_of: Contact | None = None) -> None:
        given, family, email, phone = _base_person(n)
        emails = [f"EMAIL;TYPE=WORK:{email}"]
        phones = [f"TEL;TYPE=CELL:{phone}"]
        extra: list[str] = []
        if copy_of is not None:
            given, family = copy_of.name.given, copy_of.name.family
            emails = [f"EMAIL:{e.address}" for e in copy_of.emails]
            phones = [f"TEL;TYPE=CELL:{p.number}" for p in copy_of.phones]
            if copy_of.note:
                extra.append(f"NOTE:{_escape(copy_of.note)}")
        self._created += 1
        uid = f"user-{n}-{self._created}"
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{uid}",
            f"FN:{given} {family}",
            f"N:{family};{given};;;",
            *emails,
            *phones,
            *extra,
        ]
        if tags:
            lines.append("CATEGORIES:" + ",".join(_escape(t) for t in sorted(tags)))
        lines.append("END:VCARD")
        self.user.put(f"{self.user.book_url}{uid}.vcf", "\r\n".join(lines) + "\r\n")

    def _card(self, href: str) -> tuple[str, str]:
        return self.user.cards()[href]

    def edit(self, item: str, value: Value) -> None:
        etag, text = self._card(item)
        v = value
        if v.kind == "note":
            new = replace_props(text, {"NOTE"}, [f"NOTE:{_escape(v.text)}"])
        elif v.kind == "job":
            new = replace_props(text, {"TITLE"}, [f"TITLE:{_escape(v.text)}"])
        elif v.kind == "nickname":
            new = replace_props(text, {"NICKNAME"}, [f"NICKNAME:{_escape(v.text)}"])
        elif v.kind == "phone":
            new = replace_props(text, {"TEL"}, [f"TEL;TYPE=CELL:{v.text}"])
        elif v.kind == "email2":
            new = replace_props(text, set(), [f"EMAIL;TYPE=HOME:{v.text}"])
        elif v.kind == "birthday":
            y, m, d = v.date
            new = replace_props(text, {"BDAY"}, [f"BDAY:{y:04d}-{m:02d}-{d:02d}"])
        elif v.kind == "address":
            new = replace_props(text, {"ADR"}, [f"ADR;TYPE=HOME:;;{v.street};Springfield;;12345;"])
        elif v.kind == "url":
            new = replace_props(text, {"URL"}, [f"URL:{v.text}"])
        elif v.kind == "name":
            n_value = (props(text, "N") or [";;;;"])[0]
            family = n_value.split(";", 1)[0]
            new = replace_props(text, {"N", "FN"}, [f"FN:{v.text} {family}".rstrip(), f"N:{family};{v.text};;;"])
        else:
            raise AssertionError(v.kind)
        self.user.put(item, new, etag)

    def remove_second_emails(self, item: str) -> None:
        etag, text = self._card(item)
        keep = [
            line
            for line in unfold(text)
            if line.split(":", 1)[0].rsplit(".", 1)[-1].split(";")[0].upper() == "EMAIL"
            and IDENTITY.match(line.split(":", 1)[1].strip().casefold())
        ]
        self.user.put(item, replace_props(text, {"EMAIL"}, keep), etag)

    def set_tag(self, item: str, tag: str, on: bool) -> None:
        etag, text = self._card(item)
        current: list[str] = []
        for value in props(text, "CATEGORIES"):
            current += [c.replace("\\,", ",").strip() for c in re.split(r"(?<!\\),", value) if c.strip()]
        kept = [c for c in current if c.casefold() != tag.casefold()] + ([tag] if on else [])
        lines = ["CATEGORIES:" + ",".join(_escape(c) for c in kept)] if kept else []
        self.user.put(item, replace_props(text, {"CATEGORIES"}, lines), etag)

    def delete(self, item: str) -> None:
        self.user.delete(item)


@dataclass(frozen=True)
class ProcessRun:
    """One ``contactsync sync`` process: whether it was SIGKILLed, its exit code, how many writes the servers saw
    from it (up to the kill), how long it lived, its JSON report (None when killed) and its log file."""

    died: bool
    returncode: int
    writes: int
    seconds: float
    report: dict[str, Any] | None
    log: Path


class World:
    """The three platforms, the store, the book, and how to run the engine on them."""

    def __init__(
        self, google: PeopleEmulator, graph: GraphEmulator, dav_url: str, proxy: FaultProxy, workdir: Path
    ) -> None:
        self.google = google
        self.google.propagation_delay = GOOGLE_LAG
        self.graph = graph
        self.proxy = proxy
        self.dav_url = proxy.proxied(dav_url)  # what contactsync is given; the other client goes direct
        self.workdir = workdir
        self.store_url = f"sqlite:///{workdir / 'store.db'}"
        self.dav_user = DavUser(dav_url)
        self._config: Path | None = None
        self.process_runs = 0
        self.users: dict[str, Platform] = {
            "google": GoogleUser(google),
            "outlook": OutlookUser(graph),
            "dav": DavUserPlatform(self.dav_user),
        }
        self.book = BookSettings(
            BOOK,
            tuple(AccountSettings(n, n) for n in PLATFORMS),
            brake=BrakeSettings(max_deletes=1000, max_delete_ratio=1.0),
        )
        self._connectors: dict[str, Connector] | None = None

    # ---- connectors, as a process builds them
    def build_connectors(self) -> dict[str, Connector]:
        # connectors send each request once; the engine's retry policy waits (a no-op sleep in these runs)
        google = connector_for(self.google, GOOGLE_USER, name="google")
        options = OutlookOptions(
            tenant_id=TENANT,
            client_id=CLIENT_ID,
            client_secret=SECRET,
            mailbox=MAILBOX,
            authority_host=self.graph.base_url,
            graph_url=self.graph.graph_url,
            ca_bundle=self.graph.ca_file,
        )
        outlook = OutlookConnector("outlook", options)
        dav = CardDavConnector("dav", CardDavOptions(url=self.dav_url, username=USER, timeout=30), PASSWORD)
        return {"google": google, "outlook": outlook, "dav": dav}

    @property
    def connectors(self) -> dict[str, Connector]:
        """The daemon's connectors: kept across runs (tokens age, caches stay), rebuilt after a crash."""
        if self._connectors is None:
            self._connectors = self.build_connectors()
        return self._connectors

    def restart(self) -> None:
        if self._connectors is not None:
            for c in self._connectors.values():
                c.close()
        self._connectors = None

    def close(self) -> None:
        self.restart()
        self.dav_user.close()

    @contextmanager
    def store(self) -> Iterator[Store]:
        with Store.open(self.store_url) as store:
            yield store

    def run(self, hooks: EngineHooks | None = None) -> RunReport:
        self.google.clock.advance(RUN_INTERVAL)
        with self.store() as store:
            return Engine(store, self.book, self.connectors, hooks=hooks, sleep=lambda _s: None).run()

    def run_crashing_at(self, step: int) -> bool:
        """A run killed after its ``step``-th remote write (before or after recording it). True if it died."""

        def crash(_account: str, n: int) -> None:
            if n == step:
                raise Crash

        hook: Callable[[str, int], None] = crash
        try:
            self.run(EngineHooks(after_remote_write=hook) if step % 2 else EngineHooks(after_commit=hook))
        except Crash:
            self.restart()  # nothing survives the process: no connector caches, no tokens
            return True
        return False

    # ---- the installed command in its own process
    def config_file(self) -> Path:
        """The YAML an admin would write for this world (same book, accounts, brake and store). Checked once
        against ``self.book``: the process and the in-process runs must sync the same book the same way."""
        if self._config is not None:
            return self._config
        (self.workdir / "google-key.json").write_text(service_account_key(self.google))
        (self.workdir / "dav-password").write_text(PASSWORD + "\n")
        config = self.workdir / "contactsync.yaml"
        config.write_text(f"""store:
  url: {self.store_url}
log:
  level: WARNING
books:
  - name: {BOOK}
    brake: {{max_deletes: {self.book.brake.max_deletes}, max_delete_ratio: {self.book.brake.max_delete_ratio}}}
    accounts:
      - name: google
        type: google
        options:
          subject: {GOOGLE_USER}
          service_account_file: google-key.json
          endpoint: {self.google.url}
          token_uri: {self.google.token_uri}
      - name: outlook
        type: outlook
        options:
          tenant_id: {TENANT}
          client_id: {CLIENT_ID}
          client_secret: ${{GRAPH_CLIENT_SECRET}}
          mailbox: {MAILBOX}
          authority_host: {self.graph.base_url}
          graph_url: {self.graph.graph_url}
          ca_bundle: {self.graph.ca_file}
      - name: dav
        type: carddav
        options:
          url: {self.dav_url}
          username: {USER}
          password_file: dav-password
          timeout: 30
""")
        previous = os.environ.get("GRAPH_CLIENT_SECRET")
        os.environ["GRAPH_CLIENT_SECRET"] = SECRET
        try:
            loaded = load_settings(config).book(BOOK)
        finally:
            if previous is None:
                del os.environ["GRAPH_CLIENT_SECRET"]
            else:
                os.environ["GRAPH_CLIENT_SECRET"] = previous
        assert replace(loaded, accounts=self.book.accounts) == self.book, (loaded, self.book)
        self._config = config
        return config

    def writes_seen(self) -> int:
        """Writes the three servers have received so far (emulators' counters, the proxy's PUTs and DELETEs)."""
        google = self.google.requests
        graph = self.graph.requests
        return (
            sum(google.get(k, 0) for k in GOOGLE_WRITES)
            + sum(graph.get(k, 0) for k in GRAPH_WRITES)
            + self.proxy.writes
        )

    def run_process(self, *, kill_after_writes: int | None = None, kill_after_s: float | None = None) -> ProcessRun:
        """``contactsync --config … sync --json`` in its own process, SIGKILLed once the servers have seen
        ``kill_after_writes`` more writes (a CardDAV write: the moment Radicale applied it, before the answer
        leaves the proxy; a Google or Graph write: within a millisecond of the emulator counting it) or after
        ``kill_after_s`` seconds, whichever comes first. Without either it runs to the end."""
        config = self.config_file()
        self.google.clock.advance(RUN_INTERVAL)
        self.process_runs += 1
        log = self.workdir / f"process-{self.process_runs}.log"
        before = self.writes_seen()
        target = None if kill_after_writes is None else before + kill_after_writes
        env = {**os.environ, "GRAPH_CLIENT_SECRET": SECRET, "PYTHONWARNINGS": "ignore"}
        started = time.monotonic()
        with log.open("wb") as err, (self.workdir / "process.out").open("w+b") as out:
            process = subprocess.Popen(
                [str(CONTACTSYNC), "--config", str(config), "sync", "--json"], stdout=out, stderr=err, env=env
            )
            killed = threading.Event()
            kill_lock = threading.Lock()
            writes_at_kill = [0]

            def kill() -> None:
                with kill_lock:
                    if killed.is_set() or process.poll() is not None:
                        return
                    writes_at_kill[0] = self.writes_seen()
                    process.send_signal(signal.SIGKILL)
                    killed.set()

            def on_write(_method: str, _path: str, _status: int) -> None:
                if target is not None and self.writes_seen() >= target:
                    kill()

            def watch() -> None:
                deadline = None if kill_after_s is None else started + kill_after_s
                while process.poll() is None and not killed.is_set():
                    if (target is not None and self.writes_seen() >= target) or (
                        deadline is not None and time.monotonic() >= deadline
                    ):
                        kill()
                    time.sleep(0.001)

            self.proxy.on_write = on_write
            watcher = threading.Thread(target=watch, name="kill-watch", daemon=True)
            watcher.start()
            try:
                returncode = process.wait(timeout=600)
            finally:
                self.proxy.on_write = None
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait()
                watcher.join()
            out.seek(0)
            stdout = out.read().decode(errors="replace")
        died = killed.is_set() and returncode == -signal.SIGKILL
        report: dict[str, Any] | None = None
        if not died:
            assert returncode in (0, 3, 4), f"contactsync sync exited {returncode}:\n{log.read_text()[-3000:]}"
            report = json.loads(stdout)
        return ProcessRun(
            died,
            returncode,
            (writes_at_kill[0] if died else self.writes_seen()) - before,
            time.monotonic() - started,
            report,
            log,
        )

    # ---- faults
    def clear_faults(self) -> None:
        self.google.faults.clear()
        self.graph.clear_faults()
        self.proxy.clear()

    def let_writes_propagate(self) -> None:
        """Time passes until Google's sync listings show every write made so far."""
        self.google.clock.advance(GOOGLE_LAG)

    def age_tokens(self) -> None:
        """Two hours pass on both emulators: every access token the connectors hold has expired."""
        self.google.clock.advance(timedelta(hours=2))
        self.graph.advance(timedelta(hours=2))

    # ---- reading everything back
    def canonical(self) -> dict[str, Contact]:
        with self.store() as store:
            records = store.contacts(store.active_contact_ids(BOOK))
        return {cid: r.contact for cid, r in records.items()}

    def store_tag_counts(self) -> dict[str, int]:
        with self.store() as store:
            return {k: n for k, (_name, n) in store.tag_counts(BOOK).items() if n}

    def remote(self) -> tuple[dict[str, list[Contact]], dict[str, dict[str, int]], dict[str, int]]:
        """Every platform listed in full through fresh connectors: person lists, tag counts, quarantined items."""
        listed: dict[str, list[Contact]] = {}
        counts: dict[str, dict[str, int]] = {}
        quarantined: dict[str, int] = {}
        self.let_writes_propagate()  # a full sync listing lags too
        fresh = self.build_connectors()
        try:
            for name, c in fresh.items():
                result = c.pull(None)
                listed[name] = [rc.contact for rc in result.changed]
                quarantined[name] = len(result.quarantined)
                counts[name] = {t.key: n for t, n in c.tag_counts().items() if n}
        finally:
            for c in fresh.values():
                c.close()
        return listed, counts, quarantined

    def fitted(self, contact: Contact) -> dict[str, Contact]:
        return {name: c.fit(contact) for name, c in self.connectors.items()}


def tags_of(c: Contact) -> set[str]:
    return {t.key for t in c.tags}


def tag(name: str) -> Tag:
    return Tag(name)
