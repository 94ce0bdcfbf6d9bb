"""The connector contract, run on a fresh emulated mailbox through real msal and HTTPS.

The fault cases use the emulator's own faults: an operation answered 400 before it touches anything, and a
write applied whose connection is then closed without an answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contactsync.connector import Connector
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
from contactsync.emulators.outlook import GraphEmulator
from tests.contract import ConnectorContract, ContractFaults

from .fixtures import account_settings, book_of, outlook


class OutlookFaults(ContractFaults):
    def __init__(self, emulator: GraphEmulator) -> None:
        self.emulator = emulator

    def plant_unreadable(self) -> str:
        pytest.skip(
            "Graph hands out contacts of its own schema and the emulator holds only those: no unreadable "
            "contact can be planted through it"
        )

    def refuse_next_write(self) -> None:
        # one operation of the $batch answered 400, as Graph refuses an item it will not store
        self.emulator.fail_next(1, status=400, method="POST", path_contains="/contacts")

    def read_only(self) -> Connector:
        account = account_settings(self.emulator, name="outlook-read-only")
        options = OutlookOptions.from_settings(account, book_of(account))
        return OutlookConnector("outlook-read-only", options, read_only=True)

    def lose_next_write_answer(self) -> None:
        self.emulator.drop_after_write_next(1)

    def lost_answer_fired(self) -> bool:
        return self.emulator._faults._drops == 0  # the emulator counts down the drops it still owes


class TestOutlookContract(ConnectorContract):
    @pytest.fixture
    def connector(self, emulator: GraphEmulator) -> Iterator[OutlookConnector]:
        c = outlook(emulator)
        yield c
        c.close()

    @pytest.fixture
    def faults(self, emulator: GraphEmulator) -> ContractFaults:
        return OutlookFaults(emulator)
