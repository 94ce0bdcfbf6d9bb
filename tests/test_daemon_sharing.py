"""One budget and one pool of connections per server, shared by a daemon's accounts and runs (issue #18,
contactsync/sharing.py, contactsync/daemon/budget.py, carddav/transport.py).

A real ``contactsync run`` on PostgreSQL against Radicale served by waitress (HTTP/1.1 keep-alive) behind the TLS
latency proxy of bench/netproxy.py, which counts TCP connections, TLS handshakes and the peak of requests in
flight. Radicale is wrapped in a small WSGI layer that plays a server handing out session cookies (as Nextcloud
does) and records, per request, the login it carried, the cookie it sent and the connection it came on.

Two users, each with books of their own, each book pushing cards with eight requests in flight per book:

- the server never sees more requests at once than the daemon's budget, though each book alone would send 8;
- the daemon opens no more connections in its whole life, across every account and run, than that budget;
- connections really are shared between the two users, and still no request carries the other user's login or
  cookie;
- a connection opened after the server closed an idle one resumes the TLS session of the one before (another
  account's), which the proxy sees as a resumed handshake.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import niquests
import pytest
import sqlalchemy as sa

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.errors import CertificateRejected
from contactsync.model import Contact, Name
from contactsync.sharing import ConnectionPools, Sharing
from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import DaemonProcess, fill, wait_for
from tests.ports import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import proxied

USERS = {"alice": "alice-pw", "bob": "bob-pw"}
BUDGET = 3
CARDS = 12

#: Radicale under waitress, behind a layer that sets a cookie naming the user on every answer and writes one JSON
#: line per request: the Basic login's user, the Cookie header sent, the path, and the client's port (one port per
#: connection: the proxy opens one upstream connection per client connection)
SERVE = """
import base64, json, sys, threading
from radicale import Application, config
from waitress import serve
root, port = sys.argv[1], int(sys.argv[2])
configuration = config.load()
configuration.update({
    "auth": {"type": "htpasswd", "htpasswd_filename": root + "/htpasswd", "htpasswd_encryption": "plain"},
    "storage": {"filesystem_folder": root + "/data"},
    "logging": {"level": "error"},
}, "test")
app = Application(configuration)
seen = open(root + "/requests.jsonl", "a", buffering=1)
lock = threading.Lock()
serial = iter(range(10**9))

def user_of(environ):
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return None
    return base64.b64decode(header[6:]).decode().partition(":")[0]

def cookies(environ, start_response):
    user = user_of(environ)
    with lock:
        seen.write(json.dumps({
            "user": user, "cookie": environ.get("HTTP_COOKIE"), "path": environ.get("PATH_INFO"),
            "port": environ.get("REMOTE_PORT"),
        }) + "\\n")
        number = next(serial)
    answer = {}
    chunks = []
    def capture(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return chunks.append
    result = app(environ, capture)
    try:
        chunks.extend(result)
    finally:
        getattr(result, "close", lambda: None)()
    body = b"".join(chunks)
    headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
    if user:
        headers.append(("Set-Cookie", f"sid={user}-{number}; Path=/"))
    start_response(answer["status"], headers + [("Content-Length", str(len(body)))])
    return [body]

serve(cookies, host="127.0.0.1", port=port, threads=8, _quiet=True)
"""

MKCOL = (
    '<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop>'
    "<resourcetype><collection/><C:addressbook/></resourcetype></prop></set></mkcol>"
)


class CookieServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "htpasswd").write_text("".join(f"{u}:{p}\n" for u, p in USERS.items()))
        self.base = f"http://127.0.0.1:{free_port()}"
        port = self.base.rsplit(":", 1)[1]
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, str(root), port], stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                with niquests.Session() as session:
                    session.request("OPTIONS", self.base + "/", timeout=1)
                return
            except niquests.exceptions.RequestException:
                time.sleep(0.1)
        raise RuntimeError("radicale under waitress did not start")

    def new_book(self, user: str, name: str) -> str:
        with niquests.Session() as session:
            answer = session.request(
                "MKCOL", f"{self.base}/{user}/{name}/", data=MKCOL.encode(), auth=(user, USERS[user]), timeout=30
            )
            assert answer.status_code == 201, answer.status_code
        return f"/{user}/{name}/"

    def requests(self) -> list[dict[str, str | None]]:
        lines = (self.root / "requests.jsonl").read_text().splitlines()
        return [json.loads(line) for line in lines]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CookieServer]:
    running = CookieServer(tmp_path / "radicale")
    try:
        yield running
    finally:
        running.stop()


def _runs(store: Store) -> dict[str, list[str]]:
    """book → statuses of its finished runs, in order."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.runs.c.book, t.runs.c.status).where(t.runs.c.finished_at.is_not(None)).order_by(t.runs.c.id)
        )
        found: dict[str, list[str]] = {}
        for r in rows:
            found.setdefault(r.book, []).append(r.status)
        return found


@pytest.mark.postgres
def test_accounts_and_runs_share_one_budget_and_its_connections_and_never_each_others_login(
    tmp_path: Path, pg_url: str, server: CookieServer
) -> None:
    books = [(user, f"{user}-{i}") for user in USERS for i in range(3)]
    with proxied(server.base, rtt_ms=10) as proxy:
        ca = proxy.write_ca(tmp_path / "ca.pem")
        lines = ["books:"]
        for user, name in books:
            fill(tmp_path / name, CARDS, prefix=name)
            path = server.new_book(user, name)
            secret = tmp_path / f"{user}.pw"
            secret.write_text(USERS[user])
            secret.chmod(0o600)
            # the default 8 requests in flight per book: six books alone would put 48 on the server at once
            dav = f"{{url: '{proxy.url}{path}', username: {user}, password_file: '{secret}', ca_bundle: '{ca}'}}"
            lines += [
                f"  - name: {name}",
                "    schedule: every 2s",
                "    accounts:",
                f"      - {{name: {name}-dir, type: vdir, options: {{path: '{tmp_path / name}'}}}}",
                f"      - {{name: {name}-dav, type: carddav, options: {dav}}}",
            ]
        config = tmp_path / "c.yaml"
        config.write_text(
            f"store: {{url: '{pg_url}'}}\n"
            "daemon: {jitter_seconds: 0, workers: 6, stop_timeout_seconds: 10, "
            f"max_in_flight: {{carddav: {BUDGET}}}}}\n" + "\n".join(lines) + "\n"
        )
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "daemon.log")
        try:
            with Store.open(pg_url) as store:

                def three_runs_each() -> dict[str, list[str]] | None:
                    assert daemon.proc.poll() is None, daemon.output()[-4000:]
                    runs = _runs(store)
                    return runs if all(len(runs.get(name, [])) >= 3 for _, name in books) else None

                try:
                    runs = wait_for("three runs of every book", three_runs_each, timeout=180)
                except AssertionError as exc:
                    raise AssertionError(f"{exc}; runs: {_runs(store)}\n{daemon.output()[-4000:]}") from None
            assert daemon.stop() == 0, daemon.output()[-4000:]
        finally:
            daemon.kill()
        counted = proxy.counters.snapshot()

    assert all(set(statuses) == {"ok"} for statuses in runs.values()), runs
    # every card reached its book: the first runs pushed them, with up to 8 requests in flight per book
    assert counted.requests >= len(books) * CARDS
    # the server never saw more requests at once than the budget, and the books did overlap up to it
    assert 1 < counted.peak_in_flight <= BUDGET, counted
    # over the daemon's whole life (6 accounts, 18 or more runs): no more connections than the budget
    assert counted.connections <= BUDGET and counted.handshakes <= BUDGET, counted
    assert sum(len(s) for s in runs.values()) >= 3 * len(books)

    seen = [r for r in server.requests() if r["user"] is not None]
    by_port: dict[str | None, set[str | None]] = {}
    for r in seen:
        by_port.setdefault(r["port"], set()).add(r["user"])
    # the two users' requests did travel on the same connections ...
    assert any(len(users) == 2 for users in by_port.values()), by_port
    # ... and still each request carried its own book's login, and no cookie of anyone (the pool keeps none,
    # though the server handed one out with every answer)
    for r in seen:
        assert r["path"] is not None and r["path"].startswith(f"/{r['user']}/"), r
        assert r["cookie"] is None, r


def test_a_connection_opened_later_resumes_the_tls_session_another_account_left(
    tmp_path: Path, server: CookieServer
) -> None:
    pools = ConnectionPools()
    sharing = Sharing(nullcontext, pools, 4)
    with proxied(server.base, rtt_ms=5) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        listed = {}
        for user in USERS:
            path = server.new_book(user, "resume")
            options = CardDavOptions(url=proxy.url + path, username=user, verify=ca, timeout=20)
            dav = CardDavConnector(f"{user}-dav", options, USERS[user])
            dav.use_sharing(sharing)
            try:
                written = dav.push([Change(ChangeKind.CREATE, f"{user}-1", contact=Contact(name=Name(given=user)))])
                assert all(r.ok for r in written), written
                listed[user] = dav.pull(None)
            finally:
                dav.close()
            # the server closes the idle connection, as servers do between a daemon's runs
            proxy.drop_connections()
        pools.close()
        counted = proxy.counters.snapshot()

    # each account read its own book only
    assert {u: [c.contact.name.given for c in r.changed] for u, r in listed.items()} == {u: [u] for u in USERS}
    # a new connection per account (the first one was dropped), the second one resumed the first one's session
    assert counted.connections == 2 and counted.handshakes == 2
    assert counted.resumed == 1, counted


def test_a_shared_connection_still_refuses_a_certificate_its_account_does_not_trust(
    tmp_path: Path, server: CookieServer
) -> None:
    pools = ConnectionPools()
    with proxied(server.base) as proxy:
        ca = str(proxy.write_ca(tmp_path / "ca.pem"))
        path = server.new_book("alice", "trust")
        # one account trusts the proxy's test CA and makes the pool's first connection (and a resumable session)
        trusting = CardDavConnector("a", CardDavOptions(url=proxy.url + path, username="alice", verify=ca), "alice-pw")
        # the other trusts the system's CAs only: it must neither borrow that connection nor resume that session
        system = CardDavConnector("b", CardDavOptions(url=proxy.url + path, username="alice"), "alice-pw")
        try:
            for dav in (trusting, system):
                dav.use_sharing(Sharing(nullcontext, pools, 4))
            trusting.pull(None)
            with pytest.raises(CertificateRejected):
                system.pull(None)
        finally:
            trusting.close()
            system.close()
            pools.close()
