"""A stop waits for every scheduler job that uses the store, not only for the books' runs: a distribution's cycle
and a template's expansion caught in flight by SIGTERM, each reading a real slapd directory made slow by a real
latency proxy (bench/netproxy.py) in front of it. ``contactsync run`` as a process: the timeout path ends with
``os._exit``."""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.store import Store
from tests.daemon_support import DaemonProcess, wait_for
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import LatencyProxy

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

#: the directory's round trip through the proxy: its connection, bind and search take several of them, seconds
#: in all, so a SIGTERM sent once its connection is open finds the job still reading
RTT_MS = 600
PEOPLE_COUNT = 20


@pytest.fixture
def slow_directory(tmp_path: Path) -> Iterator[tuple[Slapd, LatencyProxy]]:
    """A slapd with PEOPLE_COUNT people, and a plain TCP latency proxy in front of it (LDAP is no HTTP: the proxy
    forwards it without counting requests, but counts connections)."""
    server = Slapd(tmp_path / "slapd").start()
    try:
        uids = [f"p{i:02d}" for i in range(PEOPLE_COUNT)]
        server.add_people(uids)
        with server.admin() as c:
            for uid in uids:
                c.modify(f"uid={uid},{PEOPLE}", {"mail": [("MODIFY_REPLACE", [f"{uid}@example.org"])]})
        proxy = LatencyProxy(f"http://127.0.0.1:{server.port}", rtt_ms=RTT_MS, tls=False).start()
        try:
            yield server, proxy
        finally:
            proxy.stop()
    finally:
        server.stop()


def _directory(tmp_path: Path, proxy: LatencyProxy) -> str:
    """The directory account (YAML, indented for an ``accounts:`` list), reached through the proxy."""
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    (tmp_path / "reader-password").chmod(0o600)
    return f"""\
      - name: directory
        type: ldap
        mode: pull-only
        options:
          url: "ldap://127.0.0.1:{proxy.port}"
          base_dn: "{PEOPLE}"
          bind_dn: "{READER_DN}"
          password_file: reader-password
"""


def _daemon_section(stop_timeout: float) -> str:
    return f"daemon: {{jitter_seconds: 0, workers: 1, stop_timeout_seconds: {stop_timeout}}}\n"


def distribution_config(tmp_path: Path, proxy: LatencyProxy, stop_timeout: float) -> Path:
    for target in ("alice", "bob"):
        (tmp_path / target).mkdir()
    path = tmp_path / "config.yaml"
    path.write_text(
        f'store: {{url: "sqlite:///{tmp_path / "store.db"}"}}\n'
        + _daemon_section(stop_timeout)
        + f"""\
distribute:
  - name: company
    source: directory
    container: Company directory
    schedule: every 1h
    default_region: BR
    targets: [alice, bob]
    accounts:
{_directory(tmp_path, proxy)}\
      - {{name: alice, type: vdir, options: {{path: {tmp_path / "alice"}}}}}
      - {{name: bob, type: vdir, options: {{path: {tmp_path / "bob"}}}}}
"""
    )
    return path


def template_config(tmp_path: Path, proxy: LatencyProxy, stop_timeout: float) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f'store: {{url: "sqlite:///{tmp_path / "store.db"}"}}\n'
        + _daemon_section(stop_timeout)
        + f"""\
templates:
  - name: staff
    source: directory
    schedule: every 1h
    accounts:
{_directory(tmp_path, proxy)}\
    book:
      name: "{{user}}"
      schedule: every 1h
      accounts:
        - name: "src-{{user}}"
          type: vdir
          options: {{path: "{tmp_path}/vdir/{{username}}"}}
"""
    )
    return path


def _sigterm_while_reading(tmp_path: Path, config: Path, proxy: LatencyProxy) -> tuple[DaemonProcess, int]:
    """``contactsync run`` sent SIGTERM as soon as its job opened the directory's connection (seconds of round
    trips still ahead of it); its exit code."""
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log", cwd=tmp_path)
    try:
        wait_for("the job's connection to the directory", lambda: proxy.counters.connections, timeout=60, every=0.01)
        daemon.signal(signal.SIGTERM)
        return daemon, daemon.wait(60)
    finally:
        daemon.kill()


def _lines(daemon: DaemonProcess) -> list[str]:
    return daemon.output().splitlines()


def _index(lines: list[str], text: str) -> int:
    found = [i for i, line in enumerate(lines) if text in line]
    assert found, f"no line with {text!r} in:\n" + "\n".join(lines)
    return found[0]


def test_a_stop_waits_for_a_distribution_cycle_in_flight_and_exits_0_once_it_ended(
    tmp_path: Path, slow_directory: tuple[Slapd, LatencyProxy]
) -> None:
    _, proxy = slow_directory
    config = distribution_config(tmp_path, proxy, stop_timeout=60)
    daemon, code = _sigterm_while_reading(tmp_path, config, proxy)
    lines = _lines(daemon)
    assert code == 0, "\n".join(lines)
    waiting = _index(lines, "stopping: waiting for distribution company to reach a batch boundary")
    planned = _index(lines, "distribution company: revision 1: 20 joined")
    stopped = _index(lines, "INFO contactsync.daemon: stopped")
    # the plan read the whole directory and was recorded before the store was closed and "stopped" said
    assert waiting < planned < stopped
    assert not any("ERROR" in line or "Traceback" in line for line in lines), "\n".join(lines)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.distribution_state("company").revision == 1
    # the cycle saw the stop after its plan: no target was begun, the next cycle (any daemon's) sends them
    assert not list((tmp_path / "alice").glob("*.vcf")) and not list((tmp_path / "bob").glob("*.vcf"))


def test_a_distribution_cycle_that_outlasts_the_stop_timeout_exits_1_naming_it(
    tmp_path: Path, slow_directory: tuple[Slapd, LatencyProxy]
) -> None:
    _, proxy = slow_directory
    config = distribution_config(tmp_path, proxy, stop_timeout=0.2)
    daemon, code = _sigterm_while_reading(tmp_path, config, proxy)
    lines = _lines(daemon)
    assert code == 1, "\n".join(lines)
    _index(lines, "stopping: waiting for distribution company to reach a batch boundary")
    _index(lines, "stop timeout: distribution company still running after 0s; exiting anyway")
    # os._exit: the cycle was not waited for, nothing of it came after
    assert not any("distribution company: revision" in line for line in lines), "\n".join(lines)


def test_the_status_line_systemd_shows_names_a_distribution_cycle_under_way(
    tmp_path: Path, slow_directory: tuple[Slapd, LatencyProxy]
) -> None:
    """``systemctl status`` said "idle" while a cycle wrote into its targets: an admin deciding whether to stop
    the unit now must see it running."""
    _, proxy = slow_directory
    config = distribution_config(tmp_path, proxy, stop_timeout=60)
    sock_path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(sock_path))
        sock.settimeout(30)
        # the watchdog's beat (half of it) is how often the main thread sends STATUS=
        env = {"NOTIFY_SOCKET": str(sock_path), "WATCHDOG_USEC": "1000000"}
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log", env=env, cwd=tmp_path)
        try:
            wait_for("the cycle's connection to the directory", lambda: proxy.counters.connections, every=0.01)
            statuses: list[str] = []

            def running() -> bool:
                statuses.extend(line for line in sock.recv(4096).decode().split("\n") if line.startswith("STATUS="))
                return "STATUS=running distribution company" in statuses

            # a bound, not a timing assertion: the cycle reads for seconds yet, and it says so every half second
            try:
                wait_for("STATUS= naming the cycle", running, timeout=20)
            except AssertionError:
                pytest.fail(f"STATUS= never named the cycle under way: {sorted(set(statuses))}")
            assert daemon.stop() == 0, daemon.output()
        finally:
            daemon.kill()


def test_a_stop_waits_for_a_template_expansion_in_flight_which_records_nothing(
    tmp_path: Path, slow_directory: tuple[Slapd, LatencyProxy]
) -> None:
    _, proxy = slow_directory
    config = template_config(tmp_path, proxy, stop_timeout=60)
    daemon, code = _sigterm_while_reading(tmp_path, config, proxy)
    lines = _lines(daemon)
    assert code == 0, "\n".join(lines)
    waiting = _index(lines, "stopping: waiting for template staff to reach a batch boundary")
    dropped = _index(lines, "template staff: stopping; what the directory listed is read again next time")
    stopped = _index(lines, "INFO contactsync.daemon: stopped")
    assert waiting < dropped < stopped
    assert not any("ERROR" in line or "Traceback" in line for line in lines), "\n".join(lines)
    # nothing of the listing recorded: no one joined, the next expansion reads the directory again
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.template_books() == []


def test_a_template_expansion_that_outlasts_the_stop_timeout_exits_1_naming_it(
    tmp_path: Path, slow_directory: tuple[Slapd, LatencyProxy]
) -> None:
    _, proxy = slow_directory
    config = template_config(tmp_path, proxy, stop_timeout=0.2)
    daemon, code = _sigterm_while_reading(tmp_path, config, proxy)
    lines = _lines(daemon)
    assert code == 1, "\n".join(lines)
    _index(lines, "stop timeout: template staff still running after 0s; exiting anyway")
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.template_books() == []
