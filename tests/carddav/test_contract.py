"""The connector contract suite, run against real Radicale and Xandikos servers.

The fault cases go through tests/system/faultproxy.py in front of the server: it answers for the server (a
refusal) or withholds the server's answer after the write was applied (a lost answer), changing nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connector import Connector
from contactsync.connectors.carddav import CardDavConnector, GroupStyle, hrefs
from tests.contract import ConnectorContract, ContractFaults
from tests.system.faultproxy import FaultProxy

from .conftest import DavServer
from .helpers import make_connector

#: cards the connector cannot read (no vCard at all, no END, bytes that are not UTF-8): a server that checks
#: cards at PUT refuses some of them, and then none of those can exist there
HOPELESS = (
    b"this is not a vcard at all\r\n\x00\x01\x02",
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:open\r\nFN:Open\r\n",
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:latin\r\nFN:Fran\xe7ois\r\nN:Fran\xe7ois;;;;\r\nEND:VCARD\r\n",
)


class CardDavFaults(ContractFaults):
    def __init__(self, server: DavServer, proxy: FaultProxy, connector: CardDavConnector) -> None:
        self.server = server
        self.proxy = proxy
        self.connector = connector

    def _direct(self, remote_id: str) -> str:
        """The server's own URL of an item (not through the proxy)."""
        return self.server.base_url + remote_id

    def plant_unreadable(self) -> str:
        for n, body in enumerate(HOPELESS):
            remote_id = hrefs.member_id(self.connector.url, f"hopeless-{n}.vcf")
            assert remote_id is not None
            answer = self.server.put_raw(self._direct(remote_id), body)
            if answer.status_code not in (200, 201, 204):
                continue
            with self.server.session() as session:
                stored = session.get(self._direct(remote_id), timeout=10)
                if stored.content == body:
                    return remote_id
                # the server repaired the card as it stored it (Radicale re-encodes Latin-1): readable now
                session.delete(self._direct(remote_id), timeout=10)
        pytest.skip(
            f"{self.server.kind} refuses or repairs every unreadable card at PUT: none can exist there (the cards "
            "it does store oddly are read or quarantined in tests/carddav/test_connector.py)"
        )

    def exists(self, remote_id: str) -> bool:
        with self.server.session() as session:
            return session.get(self._direct(remote_id), timeout=10).status_code == 200

    def refuse_next_write(self) -> None:
        # 400: what Radicale itself answers to a card it will not store
        self.proxy.fail_next(1, 400, method="PUT")

    def read_only(self) -> Connector:
        return CardDavConnector("carddav-read-only", self.connector.options, self.server.password, read_only=True)

    def lose_next_write_answer(self) -> None:
        self.proxy.drop_after_write_next(1)

    def lost_answer_fired(self) -> bool:
        return self.proxy._drops == 0  # the proxy counts down the drops it still owes

    def edit_elsewhere(self, remote_id: str) -> None:
        with self.server.session() as session:
            text = session.get(self._direct(remote_id), timeout=10).text
        edited = text.replace("Manager", "Director")
        assert edited != text
        assert self.server.put_raw(self._direct(remote_id), edited.encode()).status_code in (200, 201, 204)


@pytest.fixture
def proxy(dav_server: DavServer) -> Iterator[FaultProxy]:
    with FaultProxy(dav_server.base_url) as running:
        yield running


class TestCardDavContract(ConnectorContract):
    @pytest.fixture
    def connector(self, dav_server: DavServer, addressbook_url: str, proxy: FaultProxy) -> Iterator[CardDavConnector]:
        connector = make_connector(dav_server, proxy.proxied(addressbook_url))
        yield connector
        connector.close()

    @pytest.fixture
    def faults(self, dav_server: DavServer, proxy: FaultProxy, connector: CardDavConnector) -> ContractFaults:
        return CardDavFaults(dav_server, proxy, connector)


class TestCardDavAppleGroupContract(ConnectorContract):
    """Tags as Apple group cards instead of CATEGORIES: the same contract holds."""

    @pytest.fixture
    def connector(self, dav_server: DavServer, addressbook_url: str, proxy: FaultProxy) -> Iterator[CardDavConnector]:
        connector = make_connector(dav_server, proxy.proxied(addressbook_url), group_style=GroupStyle.APPLE_GROUP)
        yield connector
        connector.close()

    @pytest.fixture
    def faults(self, dav_server: DavServer, proxy: FaultProxy, connector: CardDavConnector) -> ContractFaults:
        return CardDavFaults(dav_server, proxy, connector)
