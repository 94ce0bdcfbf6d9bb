"""The connector contract suite, run against real Radicale and Xandikos servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connectors.carddav import CardDavConnector, GroupStyle
from tests.contract import ConnectorContract

from .conftest import DavServer
from .helpers import make_connector


class TestCardDavContract(ConnectorContract):
    @pytest.fixture
    def connector(self, dav_server: DavServer, addressbook_url: str) -> Iterator[CardDavConnector]:
        connector = make_connector(dav_server, addressbook_url)
        yield connector
        connector.close()


class TestCardDavAppleGroupContract(ConnectorContract):
    """Tags as Apple group cards instead of CATEGORIES: the same contract holds."""

    @pytest.fixture
    def connector(self, dav_server: DavServer, addressbook_url: str) -> Iterator[CardDavConnector]:
        connector = make_connector(dav_server, addressbook_url, group_style=GroupStyle.APPLE_GROUP)
        yield connector
        connector.close()
