"""The Google connector against the People API emulator, through the real google-api-python-client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync_connectors.google import GoogleConnector
from contactsync_connectors.google.emulator import PeopleEmulator
from tests.contract import ConnectorContract

from .conftest import ALICE
from .helpers import connector_for


class TestGoogleContract(ConnectorContract):
    @pytest.fixture
    def connector(self, emulator: PeopleEmulator) -> Iterator[GoogleConnector]:
        c = connector_for(emulator, ALICE)
        yield c
        c.close()
