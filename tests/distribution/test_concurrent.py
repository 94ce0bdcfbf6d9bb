"""One ``contactsync run`` daemon runs a distribution's targets at once (``daemon.workers``), each under its own
lease, on PostgreSQL: a directory in a real slapd pushed into Microsoft 365 mailboxes on the Graph emulator, each
request slowed down as a far server's would be. Seen from the store, the daemon holds several target leases at
the same moment (one at a time it never could); every folder ends with everyone exactly once, the folders made by
contactsync; a SIGTERM then stops the daemon cleanly."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.emulators.outlook import GraphEmulator
from contactsync.store import Store
from contactsync.store import schema as t
from contactsync.store.distribution import distribution_targets
from tests.daemon_support import DaemonProcess, wait_for
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available())),
]

MAILBOXES = [f"user{i}@{TENANT}" for i in range(6)]
PEOPLE_COUNT = 30
CONTAINER = "Company directory"


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def config(tmp_path: Path, slapd: Slapd, graph: GraphEmulator, store_url: str, workers: int) -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    (tmp_path / "idle").mkdir()
    names = [f"o{i}" for i in range(len(MAILBOXES))]
    lines = [
        f'store: {{url: "{store_url}"}}',
        f"daemon: {{lease_seconds: 30, jitter_seconds: 0, workers: {workers}}}",
        "books:",
        "  - name: idle",
        "    schedule: every 24h",
        f"    accounts: [{{name: idle, type: vdir, options: {{path: {tmp_path / 'idle'}}}}}]",
        "distribute:",
        "  - name: company",
        "    source: directory",
        f"    container: {CONTAINER}",
        "    schedule: every 1h",
        "    default_region: BR",
        f"    targets: [{', '.join(names)}]",
        "    accounts:",
        "      - name: directory",
        "        type: ldap",
        "        mode: pull-only",
        f'        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", '
        "password_file: reader-password}",
    ]
    for name, mailbox in zip(names, MAILBOXES, strict=True):
        lines += [
            f"      - name: {name}",
            "        type: outlook",
            "        options:",
            f"          tenant_id: {TENANT}",
            f"          client_id: {CLIENT_ID}",
            "          client_secret: ${GRAPH_CLIENT_SECRET}",
            f"          mailbox: {mailbox}",
            f"          folder: {CONTAINER}",
            f"          authority_host: {graph.base_url}",
            f"          graph_url: {graph.graph_url}",
            f"          ca_bundle: {graph.ca_file}",
        ]
    path = tmp_path / "config.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def held_targets(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.daemon_leases.c.book).where(
                t.daemon_leases.c.book.like("distribute:company/%"), t.daemon_leases.c.owner.is_not(None)
            )
        ).all()
    return {str(r.book) for r in rows}


def done_targets(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(
                    distribution_targets.c.distribution == "company", distribution_targets.c.revision >= 1
                )
            ).scalar_one()
        )


def test_one_daemon_runs_the_targets_at_once_each_under_its_lease(tmp_path: Path, slapd: Slapd, pg_url: str) -> None:
    slapd.add_people([f"p{i:03d}" for i in range(PEOPLE_COUNT)])
    with slapd.admin() as c:
        for i in range(PEOPLE_COUNT):
            c.modify(f"uid=p{i:03d},{PEOPLE}", {"mail": [("MODIFY_REPLACE", [f"p{i:03d}@example.org"])]})
    with GraphEmulator(seed=9) as graph:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        for mailbox in MAILBOXES:
            graph.add_mailbox(TENANT, mailbox)  # no folder: contactsync makes it
        graph.latency = 0.15  # every Graph request takes this long: a target lasts several of them
        path = config(tmp_path, slapd, graph, pg_url, workers=3)
        with Store.open(pg_url) as store:
            daemon = DaemonProcess(
                ["--config", str(path), "run"],
                tmp_path / "daemon.log",
                env={"GRAPH_CLIENT_SECRET": SECRET},
                cwd=tmp_path,
            )
            try:
                most = 0

                def together() -> bool | None:
                    nonlocal most
                    most = max(most, len(held_targets(store)))
                    return True if most >= 2 else None

                wait_for("two targets held at once by the one daemon", together, timeout=90, every=0.02)
                wait_for("every target done", lambda: done_targets(store) == len(MAILBOXES) or None, timeout=120)
                assert daemon.stop() == 0
            finally:
                daemon.kill()
            for mailbox in MAILBOXES:
                root = graph.default_folder_id(mailbox)
                [folder] = [f.id for f in graph._mailbox(mailbox).children(root) if f.display_name == CONTAINER]
                emails = Counter(c["emailAddresses"][0]["address"] for c in graph.contacts(mailbox, folder))
                assert len(emails) == PEOPLE_COUNT and max(emails.values()) == 1, mailbox
                assert graph.contacts(mailbox) == []  # nothing of ours in the default folder
