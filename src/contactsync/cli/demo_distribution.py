"""``contactsync demo --distribution``: the company directory on every phone, offline, cleaning up after itself.

The tenant's directory is Microsoft Entra ID on the Graph emulator (users, and a supplier kept as an
organizational contact), read by the real ``entra-directory`` source. A ``distribute:`` entry pushes it into five
employees' own accounts on four platforms: two Microsoft 365 mailboxes (a "Company directory" contact folder,
which contactsync makes), a Google user on the People API emulator (a label), a CardDAV account on Radicale (an
address book, made with an extended MKCOL) and a folder of vCards. Then a person joins, one changes, one leaves,
a cycle after each; every cycle prints what each target received, and the end reads each target back from its
platform: everyone once, nobody who left, nobody in their own directory, the user's own contacts untouched.

The engine is the one ``contactsync run`` and ``contactsync distribute`` use, on an SQLite store.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..config import load_settings
from . import demo_data as data
from .output import table

DISTRIBUTION = "company-directory"
CONTAINER = "Company directory"
#: what the app registration is granted: the directory read, and the mailboxes' contacts written
GRAPH_PERMISSIONS = (
    "User.Read.All",
    "OrgContact.Read.All",
    "Contacts.ReadWrite",
    "MailboxSettings.Read",
    "MailboxSettings.ReadWrite",
)
#: a contact of the Google user's own, outside the container: it must come out of the demo as it went in
OWN_CONTACT = {"names": [{"givenName": "Dentist"}], "phoneNumbers": [{"value": "+1 212 555 0900"}]}


@dataclass(frozen=True)
class DistributionOutcome:
    """What the demo ends on (its test asserts on it)."""

    #: per cycle: its label, the plan's joined/changed/left, and per target created/updated/deleted/failed
    cycles: list[dict[str, Any]]
    #: target → the people in its container, read back from its platform at the end
    held: dict[str, list[str]]
    #: target → contacts of the user's own outside the container, read back at the end
    own: dict[str, int] = field(default_factory=dict)
    #: the distribution's line in ``contactsync status``
    status: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Servers:
    google: Any
    graph: Any
    dav_base: str
    dav_password: str
    graph_secret: str
    people: dict[str, str]  # user name → directory object id


@contextlib.contextmanager
def _servers(root: Path) -> Iterator[_Servers]:
    from .demo import DemoUnavailable, _radicale

    try:
        from contactsync.emulators.google import PeopleEmulator
        from contactsync.emulators.outlook import GraphEmulator
    except ImportError as exc:
        raise DemoUnavailable(
            f"the demo needs the test extras ({exc.name} is missing): run `make demo`, or pip install -e '.[test]'"
        ) from None
    dav_password, graph_secret = secrets.token_urlsafe(12), secrets.token_urlsafe(16)
    with contextlib.ExitStack() as stack:
        graph = stack.enter_context(GraphEmulator())
        graph.add_tenant(data.OUTLOOK_TENANT)
        graph.add_app(data.OUTLOOK_TENANT, data.OUTLOOK_CLIENT_ID, secret=graph_secret, permissions=GRAPH_PERMISSIONS)
        tenant = graph.tenant_id(data.OUTLOOK_TENANT)
        people = {}
        for person in data.DIRECTORY_USERS:
            name = str(person["givenName"]).lower()
            display = f"{person['givenName']} {person['surname']}"
            people[name] = graph.entra.add_user(tenant, data.directory_upn(name), displayName=display, **person)
        graph.entra.add_org_contact(tenant, **data.DIRECTORY_SUPPLIER)
        google = stack.enter_context(PeopleEmulator())
        for account, platform, user in data.DIRECTORY_TARGETS:
            if platform == "outlook":
                graph.add_mailbox(data.OUTLOOK_TENANT, data.directory_upn(user))  # no folder: contactsync makes it
            elif platform == "google":
                google.add_user(data.directory_upn(user))
                google.seed(data.directory_upn(user), [OWN_CONTACT])
            elif platform == "vdir":
                (root / account).mkdir()
        # Radicale with no book for the CardDAV user: contactsync makes it
        base = stack.enter_context(_radicale(root, dav_password, book=None))
        yield _Servers(google, graph, base, dav_password, graph_secret, people)


def write_config(root: Path, srv: _Servers) -> Path:
    """An ordinary config with a ``distribute:`` entry; secrets in files next to it."""
    from .demo import DAV_USER

    secrets_dir = root / "secrets"
    secrets_dir.mkdir(mode=0o700, exist_ok=True)
    for name, value in (("graph-secret", srv.graph_secret), ("dav-password", srv.dav_password)):
        (secrets_dir / name).write_text(value)
        (secrets_dir / name).chmod(0o600)
    graph = (
        f"          tenant_id: {data.OUTLOOK_TENANT}\n"
        f"          client_id: {data.OUTLOOK_CLIENT_ID}\n"
        f"          client_secret_file: {secrets_dir / 'graph-secret'}\n"
        f"          authority_host: {srv.graph.base_url}\n"
        f"          graph_url: {srv.graph.graph_url}\n"
        f"          ca_bundle: {srv.graph.ca_file}\n"
    )
    targets, accounts = [], []
    for account, platform, user in data.DIRECTORY_TARGETS:
        upn = data.directory_upn(user)
        targets.append(f"      - {{account: {account}, owner: {upn}}}")
        head = f"      - name: {account}\n        type: {platform}\n        options:\n"
        if platform == "outlook":
            accounts.append(f"{head}{graph}          mailbox: {upn}\n          folder: {CONTAINER}\n")
        elif platform == "google":
            token = secrets_dir / f"{account}-token.json"
            token.write_text(
                json.dumps(
                    {
                        "refresh_token": srv.google.refresh_token_for(upn),
                        "client_id": "demo",
                        "client_secret": "demo",
                        "token_uri": srv.google.token_uri,
                    }
                )
            )
            token.chmod(0o600)
            accounts.append(
                f"{head}          token_file: {token}\n          endpoint: {srv.google.url}\n"
                f"          token_uri: {srv.google.token_uri}\n"
            )
        elif platform == "carddav":
            url = f"{srv.dav_base}/{DAV_USER}/company-directory/"
            accounts.append(
                f"{head}          url: {url}\n          username: {DAV_USER}\n"
                f"          password_file: {secrets_dir / 'dav-password'}\n"
            )
        else:
            accounts.append(f"{head}          path: {root / account}\n")
    config = root / "config.yaml"
    newline = "\n"
    config.write_text(
        f"""# written by `contactsync demo --distribution`: the company directory into five employees' accounts
store:
  url: sqlite:///{root / "store.db"}
distribute:
  - name: {DISTRIBUTION}
    source: directory
    container: {CONTAINER}
    default_region: US
    brake: {{max_deletes: 3, max_delete_ratio: 0.5}}
    targets:
{newline.join(targets)}
    accounts:
      - name: directory
        type: entra-directory
        mode: pull-only
        options:
{graph}{"".join(accounts)}""",
        encoding="utf-8",
    )
    return config


def _held(settings: Any) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Per target, read from its platform: the people in the container (by name) and the user's own contacts."""
    from ..distribution import accounts_of
    from .distribute import _connect

    dist = settings.distributions[0]
    accounts = accounts_of(settings, dist)
    held: dict[str, list[str]] = {}
    own: dict[str, int] = {}
    for target in dist.targets:
        connector = _connect(*accounts[target.account])
        try:
            listed = connector.pull(None).changed
        finally:
            connector.close()
        held[target.account] = sorted(rc.contact.label() for rc in listed if rc.marker)
        own[target.account] = sum(1 for rc in listed if not rc.marker)
    return held, own


def run_distribution_demo(root: Path, *, say: Callable[[str], None], tables: bool = True) -> DistributionOutcome:
    from ..admin import open_store
    from ..distribution import distributor_for
    from ..store import now
    from .distribute import _connect
    from .distribution_status import overview

    cycles: list[dict[str, Any]] = []
    with _servers(root) as srv:
        settings = load_settings(write_config(root, srv))
        say(
            f"The directory: Entra ID on the Graph emulator at {srv.graph.graph_url} ({len(srv.people)} people and "
            f"a supplier). Targets: {', '.join(a for a, _p, _u in data.DIRECTORY_TARGETS)}. "
            f"Config: {root / 'config.yaml'}"
        )
        tenant = srv.graph.tenant_id(data.OUTLOOK_TENANT)
        with open_store(settings) as store:
            dist = distributor_for(settings, DISTRIBUTION, _connect, store)

            def cycle(label: str) -> None:
                report = dist.run_cycle("demo", 30, next_due=None, one_off=True)
                plan = report.plan
                row: dict[str, Any] = {
                    "cycle": label,
                    "joined": plan.joined if plan else 0,
                    "changed": plan.changed if plan else 0,
                    "left": plan.left if plan else 0,
                    "targets": {
                        t.account: {
                            "created": t.created,
                            "updated": t.updated,
                            "deleted": t.deleted,
                            "failed": t.failed,
                            "error": t.error,
                        }
                        for t in report.targets
                    },
                }
                cycles.append(row)
                say(f"\n== {label}: {row['joined']} joined, {row['changed']} changed, {row['left']} left the directory")
                if not tables:
                    return
                table(
                    "",
                    ["target", "created", "updated", "deleted", "result"],
                    [
                        [a, t["created"], t["updated"], t["deleted"], t["error"] or ("ok" if not t["failed"] else "")]
                        for a, t in sorted(row["targets"].items())
                    ],
                    right=["created", "updated", "deleted"],
                )

            cycle("cycle 1: the first distribution (the folder and the address book are made)")
            joiner = data.DIRECTORY_JOINER
            srv.graph.entra.add_user(
                tenant,
                data.directory_upn(str(joiner["givenName"]).lower()),
                displayName=f"{joiner['givenName']} {joiner['surname']}",
                **joiner,
            )
            cycle("cycle 2: Gil Araujo joins")
            srv.graph.entra.update(srv.people[data.DIRECTORY_CHANGED], businessPhones=["+1 212 555 0133"])
            cycle("cycle 3: Carla Mendes's desk phone changes")
            srv.graph.entra.remove(srv.people[data.DIRECTORY_LEAVER])
            cycle("cycle 4: Fabio Costa leaves (through the trash and the brake)")
            cycle("cycle 5: nothing changed, so nothing is written")
            held, own = _held(settings)
            [line] = overview(store, settings)
            status = {k: v for k, v in line.items() if k not in ("planned_at", "last_run_at")}
            status["checked_at"] = now().isoformat()
    return DistributionOutcome(cycles, held, own, status)


def show_outcome(outcome: DistributionOutcome) -> None:
    table(
        "\n== what each target holds in its container, read back from its platform",
        ["target", "people", "not there"],
        [
            [target, len(people), ", ".join(p for p in _everyone(outcome) if p not in people) or "-"]
            for target, people in sorted(outcome.held.items())
        ],
        right=["people"],
    )
    s = outcome.status
    click.echo(
        f"\n`contactsync status` says: distribution {s['distribution']}: {s['state'].upper()}; {s['targets']} "
        f"targets, {s['targets_ok']} ok; {s['people']} people, revision {s['revision']}.\n"
        "Each employee has everyone but themselves; Fabio Costa is gone from every target (and in the trash, "
        "`contactsync trash list`); the user's own contacts outside the container were not touched "
        f"({', '.join(f'{t}: {n}' for t, n in sorted(outcome.own.items()) if n)})."
    )


def _everyone(outcome: DistributionOutcome) -> list[str]:
    return sorted({p for people in outcome.held.values() for p in people})
