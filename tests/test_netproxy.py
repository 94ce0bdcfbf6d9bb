"""The latency proxy of bench/netproxy.py counts what crosses it and really adds the round trip it is set to.

The benchmarks of issue #18 quote connections, TLS handshakes and requests in flight from these counters, so they
are checked here against a real HTTP server on loopback, through real TLS.
"""

from __future__ import annotations

import http.server
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import LatencyProxy, proxied


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so reuse of one connection is visible

    def do_GET(self) -> None:
        time.sleep(0.05 if self.path == "/slow" else 0)
        body = b"x" * 3000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def upstream() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _session(proxy: LatencyProxy, tmp_path: Path) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # the machine's REQUESTS_CA_BUNDLE would override verify
    session.verify = str(proxy.write_ca(tmp_path / "ca.pem"))
    return session


def test_one_kept_alive_connection_carries_every_request_with_bodies_intact(upstream: str, tmp_path: Path) -> None:
    with proxied(upstream) as proxy:
        with _session(proxy, tmp_path) as session:
            for _ in range(5):
                assert len(session.get(proxy.url + "/card").content) == 3000
                assert session.put(proxy.url + "/card", data=b"y" * 10_000).status_code == 201
        counted = proxy.counters.snapshot()
    assert (counted.connections, counted.handshakes) == (1, 1)
    assert (counted.requests, counted.responses, counted.in_flight) == (10, 10, 0)
    assert counted.per_connection_requests == [10]
    assert counted.bytes_up > 50_000 and counted.bytes_down > 15_000


def test_a_new_connection_per_request_is_counted_as_such(upstream: str, tmp_path: Path) -> None:
    with proxied(upstream) as proxy:
        ca = proxy.write_ca(tmp_path / "ca.pem")
        for _ in range(3):
            with requests.Session() as fresh:  # what a client without keep-alive costs: a handshake each time
                fresh.trust_env = False
                fresh.verify = str(ca)
                fresh.get(proxy.url + "/card")
        counted = proxy.reset()
    assert (counted.connections, counted.handshakes, counted.requests) == (3, 3, 3)
    assert proxy.counters.requests == 0  # reset starts from zero


def test_round_trip_time_is_paid_per_request_and_requests_in_flight_are_seen(upstream: str, tmp_path: Path) -> None:
    # a lower bound only: the proxy must never be faster than the link it stands for
    with proxied(upstream, rtt_ms=40) as proxy:
        with _session(proxy, tmp_path) as session:
            session.get(proxy.url + "/warm")
            started = time.perf_counter()
            for _ in range(5):
                session.get(proxy.url + "/card")
            assert time.perf_counter() - started >= 5 * 0.040
            assert proxy.counters.peak_in_flight == 1  # one after another
            ca = session.verify

        def one(_: int) -> int:
            with requests.Session() as s:
                s.trust_env = False
                s.verify = ca
                return s.get(proxy.url + "/slow").status_code

        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(one, range(4))) == [200] * 4
        assert proxy.counters.peak_in_flight == 4


def test_bandwidth_cap_slows_a_large_body(upstream: str, tmp_path: Path) -> None:
    with proxied(upstream, bandwidth=100_000) as proxy:  # 100 kB/s
        with _session(proxy, tmp_path) as session:
            started = time.perf_counter()
            session.put(proxy.url + "/big", data=b"z" * 50_000)
        assert time.perf_counter() - started >= 0.4  # 50 kB at 100 kB/s is at least half a second, less jitter
