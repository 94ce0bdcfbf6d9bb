"""The connector contract on the People API emulator, through the real google-api-python-client.

The fault cases use the emulator's own fault plan (``emulator.faults``): a refusal answered before the request
touches anything, and a write applied whose connection is then closed without an answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connector import Connector
from contactsync.connectors.google import GoogleConnector
from contactsync.emulators.google import PeopleEmulator
from tests.contract import ConnectorContract, ContractFaults

from .conftest import ALICE
from .helpers import connector_for


class GoogleFaults(ContractFaults):
    def __init__(self, emulator: PeopleEmulator) -> None:
        self.emulator = emulator

    def plant_unreadable(self) -> str:
        pytest.skip(
            "the People API hands out persons of its own schema and the emulator holds only those; the mapping's "
            "quarantine of an unexpected shape is tested in tests/google/test_connector.py"
        )

    def refuse_next_write(self) -> None:
        # 400 INVALID_ARGUMENT: how the People API refuses a person it will not store
        self.emulator.faults.fail_next(1, status=400, method="POST", path_contains="Contact")

    def read_only(self) -> Connector:
        return connector_for(self.emulator, ALICE, name="google-read-only", read_only=True)

    def lose_next_write_answer(self) -> None:
        self.emulator.faults.drop_after_write_next(1)

    def lost_answer_fired(self) -> bool:
        return not self.emulator.faults._drops  # a drop rule is removed once it has fired


class TestGoogleContract(ConnectorContract):
    @pytest.fixture
    def connector(self, emulator: PeopleEmulator) -> Iterator[GoogleConnector]:
        c = connector_for(emulator, ALICE)
        yield c
        c.close()

    @pytest.fixture
    def faults(self, emulator: PeopleEmulator) -> ContractFaults:
        return GoogleFaults(emulator)
