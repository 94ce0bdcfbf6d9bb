"""The memory connector passes the same contract as the real platforms: the engine tests lean on it."""

from __future__ import annotations

import pytest

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.model import Field
from tests.contract import ConnectorContract


class TestMemoryContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> MemoryConnector:
        return MemoryConnector("mem", MemoryBackend())


class TestLossyMemoryContract(ConnectorContract):
    """A platform that keeps two emails and no notes or photos still passes through ``fit``."""

    @pytest.fixture
    def connector(self) -> MemoryConnector:
        kept = frozenset(Field) - {Field.NOTE, Field.PHOTO}
        return MemoryConnector("lossy", MemoryBackend(fields=kept, max_emails=1))
