"""The connector contract, run on a fresh emulated mailbox through real msal and HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connectors.outlook import OutlookConnector
from contactsync.emulators.outlook import GraphEmulator
from tests.contract import ConnectorContract

from .fixtures import outlook


class TestOutlookContract(ConnectorContract):
    @pytest.fixture
    def connector(self, emulator: GraphEmulator) -> Iterator[OutlookConnector]:
        c = outlook(emulator)
        yield c
        c.close()
