"""In a daemon, an account's next run takes the transports its last run closed, and no other account ever does (#18).

Building a DAVClient and its HTTP session per run was a third of the CardDAV connector's CPU in a run with nothing
to do. With the daemon's connection pools lent (``Sharing.connections``), a connector closing hands its transports
to the pools, kept under its account's name and everything the transport was built from (options, password), and
the account's next run sends on them. Here, against Radicale: the next run of the same account sends on the same
transport with its own request counts (the closed run's counts stay what they were); another account with the very
same URL, login and options, or the same account after its password changed, builds its own; a one-off sync
(no pools lent) keeps nothing; the daemon closing its pools closes what they kept.
"""

from __future__ import annotations

from contextlib import nullcontext

from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.transport import DavTransport
from contactsync.sharing import ConnectionPools, Sharing

from .conftest import DavServer
from .helpers import card


def _connector(
    server: DavServer, book: str, pools: ConnectionPools | None, *, name: str = "dav", password: str | None = None
) -> CardDavConnector:
    options = CardDavOptions(url=book, username=server.username, timeout=10)
    connector = CardDavConnector(name, options, password or server.password)
    if pools is not None:
        connector.use_sharing(Sharing(nullcontext, pools, 4))
    return connector


def _run(connector: CardDavConnector, state: str | None) -> tuple[DavTransport, str]:
    """One pull on the connector's first transport, then closed (a run's end); (that transport, the next state)."""
    result = connector.pull(state)
    transport = connector._transport
    connector.close()
    return transport, result.next_state


def test_the_next_run_of_an_account_sends_on_the_transport_its_last_run_closed(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    assert radicale_server.put_raw(f"{book}a.vcf", card("a", "Ann", "Lee").encode()).status_code == 201
    pools = ConnectionPools()
    first_run = _connector(radicale_server, book, pools)
    first, state = _run(first_run, None)
    first_counts = dict(first_run.request_counts)

    again = _connector(radicale_server, book, pools)
    second, state = _run(again, state)
    assert second is first
    assert sum(again.request_counts.values()) == 1  # its own REPORT only, not the first run's requests too
    assert first_run.request_counts == first_counts  # a closed run's counts stay its own

    # the same URL, login and options under another account's name: never that account's transport
    other, _ = _run(_connector(radicale_server, book, pools, name="other-dav"), None)
    assert other is not first
    # the same account with another password (a reload): a transport built with the new one
    changed = _connector(radicale_server, book, pools, password="not-the-password")
    assert changed._transport is not first
    changed.close()
    third, _ = _run(_connector(radicale_server, book, pools), state)
    assert third is first  # the old password again: what was kept for it

    pools.close()
    assert first._kept is None and other._kept is None  # closed for good with the daemon's pools


def test_a_one_off_sync_keeps_nothing(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    first, state = _run(_connector(radicale_server, book, None), None)
    second, _ = _run(_connector(radicale_server, book, None), state)
    assert second is not first
