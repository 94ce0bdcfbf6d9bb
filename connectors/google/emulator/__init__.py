"""A faithful Google People API v1 emulator on loopback HTTP, for tests, benchmarks and the demo.

from contactsync_connectors.google.emulator import PeopleEmulator

with PeopleEmulator() as emulator:
    token = emulator.add_user("alice@example.com")
    service = build("people", "v1", static_discovery=True,
                    credentials=Credentials(token), client_options={"api_endpoint": emulator.url})
"""

from .control import Clock, FaultPlan, RequestKind
from .emulator import EmulatorError, PeopleEmulator

__all__ = ["Clock", "EmulatorError", "FaultPlan", "PeopleEmulator", "RequestKind"]
