"""``status`` marks the tag counts a stopping daemon did not read. After a run, the daemon reads each account's
tag counts, one account after the other; a daemon told to stop meanwhile reads no more of them, and the accounts
left show what an earlier run read. Their run went well, so status showed those counts as this run's. Now every
cell read before the account's last run carries ``*``; so does one kept because the count failed.

The real fault: a real ``contactsync run`` whose Microsoft 365 tag check is slow (the Graph emulator answers
each request after 2.5 s), and a SIGTERM sent once the run's record is committed and the check's ``$batch`` has
reached Graph, while it waits there.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook.graph import RequestKind
from tests.daemon_support import (
    CLIENT_SECRET,
    CONTACTSYNC,
    TENANT,
    DaemonProcess,
    card,
    graph_mailbox,
    outlook_account,
    tagged_person,
    wait_for,
)

MAILBOX = f"ana@{TENANT}"
SLOW_S = 2.5  # each Graph request while the daemon runs: the SIGTERM lands inside the mailbox's tag check


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with graph_mailbox(MAILBOX) as emulator:
        yield emulator


def _config(tmp_path: Path, graph: GraphEmulator) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\n"
        "daemon: {jitter_seconds: 0, workers: 1}\n"
        "books:\n"
        "  - name: team\n"
        "    schedule: every 1m\n"
        "    accounts:\n"
        # the mailbox first: its tag check runs first, and the phone's is the one a stop skips
        + outlook_account("mailbox", graph, MAILBOX)
        + f"      - {{name: phone, type: vdir, options: {{path: {tmp_path / 'phone'}}}}}\n"
    )
    return config


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"GRAPH_CLIENT_SECRET": CLIENT_SECRET, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args], capture_output=True, text=True, timeout=300, env=env
    )


def _last_run_at(store: Path, account: str) -> datetime | None:
    with sqlite3.connect(store) as db:
        row = db.execute("SELECT last_run_at FROM account_status WHERE account = ?", (account,)).fetchone()
    return None if row is None else datetime.fromisoformat(str(row[0]))


def _cells(config: Path) -> dict[str, dict[str, object]]:
    shown = json.loads(_cli(config, "status", "--json").stdout)
    (team,) = [row for row in shown["books"]["team"]["tags"] if row["tag"] == "Team"]
    return dict(team["accounts"])


def test_counts_a_stopping_daemon_did_not_read_are_marked_as_read_by_an_earlier_run(
    tmp_path: Path, graph: GraphEmulator
) -> None:
    graph.seed(MAILBOX, [tagged_person(n) for n in range(3)])
    phone = tmp_path / "phone"
    phone.mkdir()
    for n in range(2):
        (phone / f"p{n}.vcf").write_text(card(f"p{n}", n))
    config = _config(tmp_path, graph)
    store = tmp_path / "store.db"

    first = _cli(config, "sync")
    assert first.returncode == 0, first.stderr
    cells = _cells(config)
    assert (cells["mailbox"]["platform"], cells["phone"]["platform"]) == (5, 5)
    assert not cells["mailbox"]["stale"] and not cells["phone"]["stale"]
    before = _last_run_at(store, "phone")

    graph.reset_counters()
    graph.latency = SLOW_S
    daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log", env={
        "GRAPH_CLIENT_SECRET": CLIENT_SECRET})  # fmt: skip
    try:
        # the run's record is committed, and the mailbox's tag check (the run's only $batch: nothing to write) is
        # waiting for Graph
        wait_for(
            "the daemon's run to be recorded and its mailbox's tags asked for",
            lambda: _last_run_at(store, "phone") != before and graph.requests[RequestKind.BATCH] > 0,
            120,
            0.02,
        )
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(60) == 0, daemon.output()
    finally:
        daemon.kill()
        graph.latency = 0.0

    shown = json.loads(_cli(config, "status", "--json").stdout)
    assert shown["books"]["team"]["accounts"]["phone"]["result"] == "ok"  # the run itself went well
    cells = _cells(config)
    assert cells["phone"]["stale"] is True, cells
    assert cells["mailbox"]["stale"] is False, cells  # its counts were read after the run
    text = _cli(config, "status").stdout
    team = next(line for line in text.splitlines() if line.strip().startswith("Team"))
    assert team.split()[1:] == ["5", "/", "5", "5", "/", "5", "*"], team
    assert "* read by an earlier run" in text and "the daemon stopped first" in text


def test_counts_kept_from_an_earlier_run_when_the_count_fails_are_marked_too(
    tmp_path: Path, graph: GraphEmulator
) -> None:
    graph.seed(MAILBOX, [tagged_person(n) for n in range(3)])
    (tmp_path / "phone").mkdir()
    config = _config(tmp_path, graph)
    assert _cli(config, "sync").returncode == 0
    cells = _cells(config)
    assert not cells["mailbox"]["stale"] and not cells["phone"]["stale"]

    # the run goes well (nothing to write: no $batch), then Graph refuses every $batch of the tag check
    graph.fail_next(1000, 503, path_contains="$batch")
    again = _cli(config, "sync")
    graph.clear_faults()
    shown = json.loads(_cli(config, "status", "--json").stdout)
    mailbox = shown["books"]["team"]["accounts"]["mailbox"]
    assert mailbox["result"] == "ok", again.stderr
    assert mailbox["tags_error"], mailbox  # said on its own line
    cells = _cells(config)
    assert cells["mailbox"]["stale"] is True, cells  # the counts shown are the first sync's
    assert cells["phone"]["stale"] is False, cells
