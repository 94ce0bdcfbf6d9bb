"""Three ``contactsync run`` processes on one PostgreSQL store share a distribution's targets: a directory in a
real slapd pushed into twelve folders of vCards. One daemon is killed (SIGKILL) while it holds a target in the
middle of its writes; the others take its targets over once its lease runs out and finish them, adopting what it
wrote instead of writing it again: every target ends with every person exactly once, none missed."""

from __future__ import annotations

import os
import re
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.connectors.vdir import VdirConnector
from contactsync.store import Store
from contactsync.store import schema as t
from contactsync.store.distribution import distribution_targets
from tests.daemon_support import DaemonProcess, logs_of, stop_all, wait_for
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available())),
]

TARGETS = [f"user{i:02d}" for i in range(12)]
PEOPLE_COUNT = 250
LEASE = 3


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def config(tmp_path: Path, slapd: Slapd, store_url: str) -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    targets = "\n".join(
        f"      - {{name: {name}, type: vdir, options: {{path: {tmp_path / name}}}}}" for name in TARGETS
    )
    for name in (*TARGETS, "team"):
        (tmp_path / name).mkdir()
    text = f"""
store: {{url: "{store_url}"}}
daemon: {{lease_seconds: {LEASE}, jitter_seconds: 0, workers: 2}}
books:
  - name: team
    schedule: every 1h
    accounts:
      - {{name: team, type: vdir, options: {{path: {tmp_path / "team"}}}}}
distribute:
  - name: company
    source: directory
    container: Company directory
    schedule: every 1h
    default_region: BR
    targets: [{", ".join(TARGETS)}]
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
{targets}
"""
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def target_holders(store: Store) -> dict[str, str]:
    """target lease → its live holder."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.daemon_leases.c.book, t.daemon_leases.c.owner).where(
                t.daemon_leases.c.book.like("distribute:company/%"), t.daemon_leases.c.owner.is_not(None)
            )
        ).all()
    return {str(r.book): str(r.owner) for r in rows}


def cards_in(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(1 for entry in entries if entry.name.endswith(".vcf"))


def done_targets(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(distribution_targets.c.account).where(
                distribution_targets.c.distribution == "company", distribution_targets.c.revision >= 1
            )
        ).all()
    return {str(r.account) for r in rows}


def test_a_killed_daemons_targets_are_finished_by_the_others_with_no_duplicate(
    tmp_path: Path, slapd: Slapd, pg_url: str
) -> None:
    slapd.add_people([f"p{i:03d}" for i in range(PEOPLE_COUNT)])
    with slapd.admin() as c:
        for i in range(PEOPLE_COUNT):
            c.modify(f"uid=p{i:03d},{PEOPLE}", {"mail": [("MODIFY_REPLACE", [f"p{i:03d}@example.org"])]})
    path = config(tmp_path, slapd, pg_url)
    with Store.open(pg_url):
        pass  # migrated once, before three processes race for it
    daemons = [
        DaemonProcess(["--config", str(path), "run"], tmp_path / f"daemon{i}.log", cwd=tmp_path) for i in range(3)
    ]
    store = Store.open(pg_url)
    try:
        # the victim: the first daemon seen holding a target whose folder it has begun to fill, killed there. A
        # target's 250 writes take a few tenths of a second: the folders are counted first, without a query (a
        # poll that asked PostgreSQL each time, on a loaded CI machine, once missed every target's window), and
        # only a folder seen half full asks who holds its lease.
        def caught() -> tuple[str, str] | None:
            filling = [name for name in TARGETS if 0 < cards_in(tmp_path / name) < PEOPLE_COUNT]
            if not filling:
                return None
            holders = target_holders(store)
            for name in filling:
                owner = holders.get(f"distribute:company/{name}")
                if owner is not None:
                    return name, owner
            return None

        target, owner = wait_for(
            "a daemon in the middle of a target's writes",
            caught,
            timeout=60,
            every=0.002,
            explain=lambda: f"cards per target: {[cards_in(tmp_path / n) for n in TARGETS]}\n{logs_of(daemons)}",
        )
        victim = next(d for d in daemons if d.pid == int(owner.rsplit(":", 1)[1]))
        victim.signal(signal.SIGKILL)
        victim.kill()
        written = len(list((tmp_path / target).glob("*.vcf")))
        wait_for(
            "every target done",
            lambda: done_targets(store) == set(TARGETS) or None,
            timeout=120,
            explain=lambda: logs_of(daemons),
        )
        for name in TARGETS:
            listing = VdirConnector(name, tmp_path / name).pull(None)
            markers = Counter(rc.marker for rc in listing.changed)
            emails = Counter(rc.contact.emails[0].address for rc in listing.changed)
            assert len(markers) == PEOPLE_COUNT and max(markers.values()) == 1, name
            assert len(emails) == PEOPLE_COUNT and max(emails.values()) == 1, name
        survivors = [d for d in daemons if d is not victim]
        logs = "".join(d.output() for d in survivors)
        assert f"distribute:company/{target}: its lease ran out" in logs
        # the survivor wrote only what the victim had not: the victim's cards were adopted by their markers
        finished = [line for line in logs.splitlines() if f"target {target} at revision 1" in line]
        writes = sum(int(n) for line in finished for n in re.findall(r"(\d+) (?:created|updated)", line))
        assert written > 0 and writes <= PEOPLE_COUNT - written + 1  # the card in flight may be redone once
    finally:
        store.close()
        stop_all(d for d in daemons if d.proc.poll() is None)
