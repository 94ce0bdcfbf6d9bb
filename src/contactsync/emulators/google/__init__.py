"""A faithful Google People API v1 emulator on loopback HTTP, for tests, benchmarks and the demo.

from contactsync.emulators.google import PeopleEmulator

with PeopleEmulator() as emulator:
    token = emulator.add_user("alice@example.com")
    service = build("people", "v1", static_discovery=True,
                    credentials=Credentials(token), client_options={"api_endpoint": emulator.url})

Besides the People API it answers Google's OAuth 2.0 endpoints (``token_uri`` for service accounts, refresh
tokens and authorization codes; ``auth_uri`` for the installed-app consent, see ``add_oauth_client`` and
``consent``). Control-API methods that stand in for a person at Google Contacts or at a browser (``edit``,
``merge_contacts``, ``consent``) are test hooks, not part of any Google API.
"""

from .control import Clock, FaultPlan, RequestKind
from .emulator import EmulatorError, PeopleEmulator

__all__ = ["Clock", "EmulatorError", "FaultPlan", "PeopleEmulator", "RequestKind"]
