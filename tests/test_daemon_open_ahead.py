"""A daemon opens its servers' connections in its start-up, and its runs use exactly those (issue #18: the first
cycle should cost what a later one costs, not a TCP connection and a TLS handshake for each of the budget's first
requests while the other workers wait).

What a user would notice: no more connections to a server over the daemon's life than its budget (connections
opened ahead and never used would be more), and a server that closes idle connections, the opened-ahead ones
included, costs nothing but new connections. Over TLS 1.3 a server sends its session tickets unasked just after
the handshake; a connection opened ahead and not used yet is readable for them alone, and must not be taken for
one the server closed (it was: each was dropped and opened again at its first request).

Through bench/netproxy.py's TLS proxy, which counts connections and handshakes, in front of a small keep-alive HTTP
server, and a real ``contactsync run`` against Radicale behind it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.connectors.carddav.transport import AuthType, DavTransport, direct_pool
from contactsync.sharing import ConnectionPools, Sharing
from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import DaemonProcess, dav_books_config, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from carddav_bench import PASSWORD, USER
from latency import make_book, start_radicale
from netproxy import LatencyProxy, proxied

BUDGET = 4


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _send_at_once(proxy: LatencyProxy, pools: ConnectionPools, ca: str, requests_each: int) -> list[int]:
    """BUDGET threads sending ``requests_each`` requests each on the daemon's connections to ``proxy``: statuses."""
    pool = direct_pool(pools, f"https://127.0.0.1:{proxy.port}", ca, BUDGET)
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(BUDGET)

    def client() -> None:
        start.wait()
        for _ in range(requests_each):
            answer = pool.send("GET", "/", b"", {"Host": "127.0.0.1"}, timeout=10, max_bytes=1000)
            with lock:
                statuses.append(answer.status_code)

    threads = [threading.Thread(target=client) for _ in range(BUDGET)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def _tickets_arrive() -> None:
    # the server's session tickets cross the link a round trip after the handshake: wait for them to be there
    # unread, as they are when a daemon's first run starts after its start-up (not a timing assertion)
    time.sleep(0.3)


def test_connections_opened_ahead_serve_the_first_requests(tmp_path: Path, upstream: str) -> None:
    pools = ConnectionPools()
    with proxied(upstream, rtt_ms=5) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        pool = direct_pool(pools, f"https://127.0.0.1:{proxy.port}", ca, BUDGET)
        assert pool.open(BUDGET, timeout=10) == BUDGET
        # asked again (a second server's account on the same pool): nothing more is opened
        assert pool.open(BUDGET, timeout=10) == BUDGET
        _tickets_arrive()
        # the proxy counts a connection once its own side of the handshake is done, a moment after the client's
        wait_for("the proxy counting them", lambda: proxy.counters.connections >= BUDGET)
        opened = proxy.counters.snapshot()
        statuses = _send_at_once(proxy, pools, ca, 3)
        pools.close()
        counted = proxy.counters.snapshot()

    assert opened.connections == BUDGET and opened.handshakes == BUDGET, opened
    assert statuses == [200] * (3 * BUDGET)
    # the requests went on the connections opened ahead: none opened after them
    assert counted.connections == BUDGET and counted.requests == 3 * BUDGET, counted


def test_a_server_closing_the_connections_opened_ahead_costs_only_new_ones(tmp_path: Path, upstream: str) -> None:
    pools = ConnectionPools()
    with proxied(upstream, rtt_ms=5) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        pool = direct_pool(pools, f"https://127.0.0.1:{proxy.port}", ca, BUDGET)
        assert pool.open(BUDGET, timeout=10) == BUDGET
        _tickets_arrive()
        # the server closes them before any is used, as a server does with connections idle too long
        proxy.drop_connections()
        statuses = _send_at_once(proxy, pools, ca, 2)
        pools.close()
        counted = proxy.counters.snapshot()

    assert statuses == [200] * (2 * BUDGET)
    # each request found its connection closed and opened a new one in its place, never more than the budget
    assert BUDGET < counted.connections <= 2 * BUDGET, counted


def test_an_account_logging_in_with_digest_opens_nothing_ahead(tmp_path: Path, upstream: str) -> None:
    # its requests go through caldav's session and that session's own pool: connections opened on the direct
    # route would stay unused beside those, up to twice the budget open to the server
    pools = ConnectionPools()
    with proxied(upstream, rtt_ms=5) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        sharing = Sharing(nullcontext, pools, BUDGET)
        digest = DavTransport(proxy.url + "/", "alice", "pw", verify=ca, auth_type=AuthType.DIGEST, sharing=sharing)
        assert digest.open_connections(BUDGET) == 0
        digest.discard()
        pools.close()
        counted = proxy.counters.snapshot()
    assert counted.connections == 0, counted


def test_an_unreachable_server_opens_nothing_ahead_and_says_nothing() -> None:
    # a port nobody listens on: the runs will report it, with their accounts; the start-up goes on
    pools = ConnectionPools()
    pool = direct_pool(pools, "https://127.0.0.1:9", True, BUDGET)
    assert pool.open(BUDGET, timeout=5) == 0
    pools.close()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "radicale"
    root.mkdir()
    process, base = start_radicale(root)
    try:
        yield root, base
    finally:
        process.terminate()
        process.wait(10)


def _runs(store: Store) -> dict[str, list[tuple[str, float]]]:
    """book → (status, start in epoch seconds) of its finished runs."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.runs.c.book, t.runs.c.status, t.runs.c.started_at).where(t.runs.c.finished_at.is_not(None))
        )
        found: dict[str, list[tuple[str, float]]] = {}
        for row in rows:
            found.setdefault(row.book, []).append((row.status, row.started_at.timestamp()))
        return found


def test_a_daemon_opens_no_more_connections_than_its_budget_and_outlives_the_server_closing_them(
    tmp_path: Path, radicale: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    books = 8
    root, base = radicale
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)
    with proxied(base, rtt_ms=10) as proxy:
        ca = proxy.write_ca(tmp_path / "ca.pem")
        names = [f"book-{i}" for i in range(books)]
        for name in names:
            make_book(base, root, name, 1)
        config, db = dav_books_config(
            tmp_path,
            names,
            lambda name: (
                f"{{url: '{proxy.url}/{USER}/{name}/', username: {USER}, password_file: '{secret}', ca_bundle: '{ca}'}}"
            ),
            BUDGET,
        )
        proxy.reset()
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log")
        try:
            with Store.open(db) as store:

                def runs_of_every_book(count: int) -> dict[str, list[tuple[str, float]]] | None:
                    assert daemon.proc.poll() is None, daemon.output()[-4000:]
                    runs = _runs(store)
                    return runs if all(len(runs.get(f"book-{i}", [])) >= count for i in range(books)) else None

                first = wait_for("a run of every book", lambda: runs_of_every_book(1), timeout=120)
                before_drop = proxy.counters.snapshot()
                # the server closes every connection, as one does with idle ones between a daemon's cycles
                proxy.drop_connections()
                proxy.reset()
                runs = wait_for("two more runs of every book", lambda: runs_of_every_book(3), timeout=120)
            assert daemon.stop() == 0, daemon.output()[-4000:]
        except (AssertionError, subprocess.TimeoutExpired):
            daemon.kill()
            raise
        after_drop = proxy.counters.snapshot()

    assert all({status for status, _ in statuses} == {"ok"} for statuses in runs.values()), runs
    first_start = min(at for statuses in first.values() for _, at in statuses)
    # the daemon's start-up opened the budget's connections, and its first cycle's runs used those: no other
    assert before_drop.connections <= BUDGET and before_drop.handshakes <= BUDGET, before_drop
    assert sum(1 for at in before_drop.opened_at if at < first_start) == BUDGET, before_drop
    # after the server closed them all, the runs went on, on at most the budget's new connections
    assert 1 <= after_drop.connections <= BUDGET, after_drop


def test_the_pool_the_start_up_makes_keeps_the_servers_whole_budget(tmp_path: Path, upstream: str) -> None:
    # one account on the server: the start-up opens 1 connection (what a no-change run uses), but the pool it makes
    # is the one every later run of the daemon gets, so it must keep the budget's connections: else each burst of
    # parallel requests (multigets, PUTs) opens and closes the ones beyond 1, a TCP connect and TLS handshake each
    from contactsync.config import load_settings
    from contactsync.daemon.service import Daemon, DaemonOptions

    with proxied(upstream, rtt_ms=5) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        (tmp_path / "pw").write_text("pw")
        (tmp_path / "pw").chmod(0o600)
        config = tmp_path / "config.yaml"
        config.write_text(
            f"store:\n  url: sqlite:///{tmp_path / 'state.db'}\n"
            f"daemon:\n  max_in_flight: {{carddav: {BUDGET}}}\n"
            "books:\n  - name: staff\n    accounts:\n"
            f"      - {{name: a, type: vdir, options: {{path: '{tmp_path / 'a'}'}}}}\n"
            f"      - {{name: dav, type: carddav, options: {{url: 'https://127.0.0.1:{proxy.port}/dav/', "
            f"username: u, password_file: '{tmp_path / 'pw'}', auth: basic, ca_bundle: '{ca}'}}}}\n"
        )
        settings = load_settings(config)
        daemon = Daemon(settings, DaemonOptions.from_settings(settings.daemon), load=lambda: settings)
        daemon._open_server_connections(workers=BUDGET)
        wait_for("the proxy counting it", lambda: proxy.counters.connections >= 1)
        opened = proxy.counters.snapshot()
        statuses = [status for _ in range(3) for status in _send_at_once(proxy, daemon.connections, ca, 1)]
        daemon.connections.close()
        counted = proxy.counters.snapshot()

    assert opened.connections == 1, opened  # what the first cycle can use at once: one account
    assert statuses == [200] * (3 * BUDGET)
    # three bursts of the budget's requests: its connections opened once and kept, not opened again per burst
    assert counted.connections == BUDGET, counted
