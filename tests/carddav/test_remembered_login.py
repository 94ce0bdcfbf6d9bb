"""`auth: auto` pays the server's 401 round once, not on every run (#18).

The login scheme the server chose (basic) is kept in the pull state, so the next run logs in from its first
request: a no-change run of an `auto` account is one request on the wire, as with `auth: basic`. A remembered login
the server refuses starts the negotiation afresh, and a login the server refuses whatever the scheme still ends
in the same AuthFailed a first run gives. Requests are counted by a proxy in front of Radicale.
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


def _connector(server: DavServer, counted: LatencyProxy, book: str, password: str | None = None) -> CardDavConnector:
    url = counted.url.rstrip("/") + book.removeprefix(server.base_url)
    options = CardDavOptions(url=url, username=server.username, timeout=10)  # auth: auto, the default
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
