"""`auth: auto` pays the server's 401 round once, not on every run, and over https not at all (#18).

The login scheme the server chose (basic) is kept in the pull state, so the next run logs in from its first
request: a no-change run of an `auto` account is one request on the wire, as with `auth: basic`. A remembered login
the server refuses starts the negotiation afresh, and a login the server refuses whatever the scheme still ends
in the same AuthFailed a first run gives. Over https the first request carries a basic login already (as vdirsyncer
and DAVx5 send theirs), so not even a first run pays the 401 round and the delay Radicale adds to it; over plain
http a login is never sent before the server asks for one. Requests are counted by a proxy in front of Radicale.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.state import PullState
from contactsync.errors import AuthFailed

from .conftest import DavServer
from .helpers import card

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from netproxy import LatencyProxy  # bench/ is no package


@pytest.fixture
def counted(radicale_server: DavServer) -> Iterator[LatencyProxy]:
    with LatencyProxy(radicale_server.base_url, tls=False) as proxy:
        yield proxy


def _connector(
    server: DavServer, counted: LatencyProxy, book: str, password: str | None = None, ca: Path | None = None
) -> CardDavConnector:
    url = counted.url.rstrip("/") + book.removeprefix(server.base_url)
    options = CardDavOptions(
        url=url, username=server.username, timeout=10, verify=str(ca) if ca else True
    )  # auth: auto
    return CardDavConnector("dav", options, password or server.password)


def test_a_basic_login_is_remembered_and_the_next_run_pays_no_401(
    radicale_server: DavServer, counted: LatencyProxy
) -> None:
    book = radicale_server.new_addressbook()
    for i in range(3):
        assert radicale_server.put_raw(f"{book}c{i}.vcf", card(f"c{i}", f"P{i}", "Q").encode()).status_code == 201

    first = _connector(radicale_server, counted, book)
    counted.reset()
    state = first.pull(None).next_state
    first.close()
    on_wire = counted.reset().requests
    assert sum(first.request_counts.values()) == on_wire  # the 401 round counted as what crossed
    assert PullState.decode(state).login == "basic"

    again = _connector(radicale_server, counted, book)
    result = again.pull(state)
    again.close()
    assert counted.reset().requests == 1 == sum(again.request_counts.values())  # the REPORT alone
    assert list(result.changed) == [] and PullState.decode(result.next_state).login == "basic"


def test_a_refused_remembered_login_negotiates_again_and_a_wrong_password_fails_as_on_a_first_run(
    radicale_server: DavServer, counted: LatencyProxy
) -> None:
    book = radicale_server.new_addressbook()
    first = _connector(radicale_server, counted, book)
    state = first.pull(None).next_state
    first.close()

    # a scheme the server never chose (as after a server's move to another login): refused, negotiated afresh
    stale = replace(PullState.decode(state), login="digest").encode()
    negotiated = _connector(radicale_server, counted, book)
    counted.reset()
    result = negotiated.pull(stale)
    negotiated.close()
    assert counted.reset().requests == 2 == sum(negotiated.request_counts.values())  # the 401 round, the REPORT
    assert PullState.decode(result.next_state).login == "basic"

    # the remembered basic login with a password the server refuses: the same AuthFailed as a first run's
    wrong = _connector(radicale_server, counted, book, password="not-the-password")
    with pytest.raises(AuthFailed, match="401"):
        wrong.pull(state)
    wrong.close()


def test_over_https_a_first_run_logs_in_with_its_first_request(
    radicale_server: DavServer, counted: LatencyProxy, tmp_path: Path
) -> None:
    book = radicale_server.new_addressbook()
    assert radicale_server.put_raw(f"{book}c0.vcf", card("c0", "P0", "Q").encode()).status_code == 201
    plain = _connector(radicale_server, counted, book)
    counted.reset()
    plain.pull(None)
    plain.close()
    over_http = counted.reset().requests

    with LatencyProxy(radicale_server.base_url, tls=True) as tls:
        ca = tls.write_ca(tmp_path / "proxy-ca.pem")
        first = _connector(radicale_server, tls, book, ca=ca)
        tls.reset()
        state = first.pull(None).next_state
        first.close()
        # the same listing, one request fewer: no unauthenticated request drew a 401 first
        assert tls.reset().requests == over_http - 1 == sum(first.request_counts.values())
        assert PullState.decode(state).login == "basic"

        # a wrong password is refused as before: the basic login, then the server's challenge, then AuthFailed
        wrong = _connector(radicale_server, tls, book, password="not-the-password", ca=ca)
        with pytest.raises(AuthFailed, match="401"):
            wrong.pull(None)
        wrong.close()
