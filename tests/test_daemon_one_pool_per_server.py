"""A daemon's CardDAV accounts on one server open no more connections to it, over the daemon's whole life, than
its budget of requests in flight (issue #18: "connections opened per run ≤ in-flight limit per host").

Accounts with ``auth: auto`` (the default) over plain http log in the way caldav does: the first request without a
login, the server's 401 and its ``WWW-Authenticate: Basic`` challenge, then the request again with the login. That
negotiation went through caldav's session and its pool of shared connections, every later request through the
daemon's ``http.client`` connections (carddav/direct.py): two pools, each up to the budget, so a server saw up to
twice the budget open at once (16 accounts, budget 4: 8). Now a basic login is negotiated on the direct route too,
and only one pool is ever used for a server. Over TLS the first request carries the login at once; that case
is here to keep it so.

A real ``contactsync run`` against Radicale under waitress (HTTP/1.1 keep-alive) behind the latency proxy of
bench/netproxy.py, which counts TCP connections and TLS handshakes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.store import Store
from contactsync.store import schema as t
from tests import test_daemon_open_ahead
from tests.daemon_support import DaemonProcess, dav_books_config, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from carddav_bench import PASSWORD, USER
from latency import make_book
from netproxy import proxied

BUDGET = 4
#: the fixture: a Radicale in a folder of the test's, as the daemon tests of connections opened ahead use
radicale = test_daemon_open_ahead.radicale
BOOKS = 16
RUNS = 3


def _finished_runs(store: Store) -> dict[str, list[str]]:
    """book → statuses of its finished runs."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.runs.c.book, t.runs.c.status).where(t.runs.c.finished_at.is_not(None)))
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.book, []).append(row.status)
        return found


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_accounts_with_auth_auto_open_no_more_connections_than_the_budget(
    tmp_path: Path, radicale: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, tls: bool
) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    root, base = radicale
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)
    with proxied(base, rtt_ms=10, tls=tls) as proxy:
        trust = f", ca_bundle: '{proxy.write_ca(tmp_path / 'ca.pem')}'" if tls else ""
        names = [f"book-{i}" for i in range(BOOKS)]
        for name in names:
            make_book(base, root, name, 2)
        # no `auth:`: auto, the default
        config, db = dav_books_config(
            tmp_path,
            names,
            lambda name: f"{{url: '{proxy.url}/{USER}/{name}/', username: {USER}, password_file: '{secret}'{trust}}}",
            BUDGET,
        )
        proxy.reset()
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log")
        try:
            with Store.open(db) as store:

                def every_book_ran() -> dict[str, list[str]] | None:
                    assert daemon.proc.poll() is None, daemon.output()[-4000:]
                    runs = _finished_runs(store)
                    return runs if all(len(runs.get(f"book-{i}", [])) >= RUNS for i in range(BOOKS)) else None

                runs = wait_for(f"{RUNS} runs of every book", every_book_ran, timeout=180)
            assert daemon.stop() == 0, daemon.output()[-4000:]
        except (AssertionError, subprocess.TimeoutExpired):
            daemon.kill()
            raise
        counted = proxy.counters.snapshot()

    assert all(set(statuses) == {"ok"} for statuses in runs.values()), runs
    # every account logged in and read its book, the first runs of many at once
    assert counted.requests >= BOOKS * RUNS and counted.peak_in_flight > 1, counted
    # over the daemon's whole life (16 accounts, 48 or more runs, 16 logins negotiated): no more connections
    # opened to the server than requests may be in flight at once (and so never more open at once)
    assert counted.connections <= BUDGET, counted
    if tls:
        assert counted.handshakes <= BUDGET, counted
