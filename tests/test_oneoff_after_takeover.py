"""A one-off ``contactsync sync`` taken over after its run leaves the tag counts to the instance that took it.

After its run a sync on PostgreSQL reads each account's tag counts and writes them, with the accounts' health,
for ``status``. Those writes were not fenced by its lease, as its run's writes are: a sync frozen past its lease
at that point (a suspended VM, a stopped process) wrote, when it woke, the counts it had read before another
instance took the book over and synced a newer state. ``status`` then showed the older counts as the newest.

The real faults: a real ``contactsync sync`` process frozen with SIGSTOP while its Microsoft 365 tag check waits in
the Graph emulator, a lease of 2 s running out, a person added to the mailbox meanwhile, a second sync taking the
book over and counting the new person, then SIGCONT.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook.graph import RequestKind
from tests.daemon_support import (
    CLIENT_SECRET,
    CONTACTSYNC,
    TENANT,
    graph_mailbox,
    outlook_account,
    tagged_person,
    wait_for,
)

MAILBOX = f"ana@{TENANT}"
LEASE_S = 2
SLOW_S = 1.0  # each Graph request of the frozen sync: its tag check is caught waiting
ENV = {"GRAPH_CLIENT_SECRET": CLIENT_SECRET, "PATH": "/usr/bin:/bin"}


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with graph_mailbox(MAILBOX) as emulator:
        yield emulator


def _config(tmp_path: Path, graph: GraphEmulator, pg_url: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: '{pg_url}'}}\n"
        f"daemon: {{lease_seconds: {LEASE_S}}}\n"
        "books:\n"
        "  - name: team\n"
        "    accounts:\n"
        + outlook_account("mailbox", graph, MAILBOX)
        + f"      - {{name: phone, type: vdir, options: {{path: {tmp_path / 'phone'}}}}}\n"
    )
    return config


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args], capture_output=True, text=True, timeout=300, env=ENV
    )


def _team_counts(config: Path) -> dict[str, tuple[object, object]]:
    shown = json.loads(_cli(config, "status", "--json").stdout)
    (team,) = [row for row in shown["books"]["team"]["tags"] if row["tag"] == "Team"]
    return {name: (cell["platform"], cell["store"]) for name, cell in team["accounts"].items()}


def test_a_sync_taken_over_after_its_run_leaves_the_counts_to_the_instance_that_took_it(
    tmp_path: Path, graph: GraphEmulator, pg_url: str
) -> None:
    graph.seed(MAILBOX, [tagged_person(n) for n in range(3)])
    (tmp_path / "phone").mkdir()
    config = _config(tmp_path, graph, pg_url)
    first = _cli(config, "sync")
    assert first.returncode == 0, first.stderr
    assert _team_counts(config) == {"mailbox": (3, 3), "phone": (3, 3)}

    db = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)

    def last_run_at() -> datetime | None:
        with db.connect() as conn:
            return conn.execute(sa.text("select last_run_at from account_status where account = 'phone'")).scalar()

    before = last_run_at()
    graph.reset_counters()
    graph.latency = SLOW_S
    frozen = subprocess.Popen(
        [CONTACTSYNC, "--config", str(config), "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        # its run is recorded, and its mailbox's tag check (its only $batch: nothing to write) waits in Graph
        wait_for(
            "the sync's run to be recorded and its mailbox's tags asked for",
            lambda: last_run_at() != before and graph.requests[RequestKind.BATCH] > 0,
            120,
            0.02,
        )
        frozen.send_signal(signal.SIGSTOP)
        # Graph answers the frozen sync from the mailbox as it is now (3 people) ...
        time.sleep(SLOW_S + 0.5)
        graph.latency = 0.0
        # ... then a fourth person is added, and the frozen sync's lease runs out
        graph.seed(MAILBOX, [tagged_person(3)])
        time.sleep(LEASE_S + 0.5)
        took_over = _cli(config, "sync")
        assert took_over.returncode == 0, took_over.stderr
        assert _team_counts(config) == {"mailbox": (4, 4), "phone": (4, 4)}
    finally:
        frozen.send_signal(signal.SIGCONT)
    _out, err = frozen.communicate(timeout=120)
    db.dispose()

    # the woken sync read 3 and had no right to say so any more: the newest counts stand
    assert _team_counts(config) == {"mailbox": (4, 4), "phone": (4, 4)}, err
    assert "taken over by another instance after this sync's run" in err
    assert frozen.returncode == 0, err  # its run itself was done and recorded before it froze
    assert len(list((tmp_path / "phone").glob("*.vcf"))) == 4
