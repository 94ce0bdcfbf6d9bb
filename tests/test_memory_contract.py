"""The memory connector passes the same contract as the real platforms: the engine tests lean on it."""

from __future__ import annotations

import pytest

from contactsync.connector import Connector
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.model import Field
from tests.contract import ConnectorContract, ContractFaults, sample_contact


class MemoryFaults(ContractFaults):
    """The in-process backend's own fault knobs."""

    def __init__(self, connector: MemoryConnector) -> None:
        self.connector = connector
        self.backend = connector.server

    def plant_unreadable(self) -> str:
        item_id = self.backend.user_create(sample_contact(9))
        self.backend.user_corrupt(item_id, "a photo in no known format")
        return item_id

    def exists(self, remote_id: str) -> bool:
        return remote_id in self.backend.items

    def refuse_next_write(self) -> None:
        self.backend.refuse_next_writes = 1

    def read_only(self) -> Connector:
        # the backend is the account: made read-only, every connector on it sees read_only capabilities
        self.backend.read_only = True
        return MemoryConnector("mem-read-only", self.backend)

    def lose_next_write_answer(self) -> None:
        self.backend.lose_answer_after_writes = 1

    def lost_answer_fired(self) -> bool:
        return self.backend.lose_answer_after_writes == 0


class TestMemoryContract(ConnectorContract):
    @pytest.fixture
    def connector(self) -> MemoryConnector:
        return MemoryConnector("mem", MemoryBackend())

    @pytest.fixture
    def faults(self, connector: MemoryConnector) -> ContractFaults:
        return MemoryFaults(connector)


class TestLossyMemoryContract(ConnectorContract):
    """A platform that keeps two emails and no notes or photos still passes through ``fit``."""

    @pytest.fixture
    def connector(self) -> MemoryConnector:
        kept = frozenset(Field) - {Field.NOTE, Field.PHOTO}
        return MemoryConnector("lossy", MemoryBackend(fields=kept, max_emails=1))

    @pytest.fixture
    def faults(self, connector: MemoryConnector) -> ContractFaults:
        return MemoryFaults(connector)
