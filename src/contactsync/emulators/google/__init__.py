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

Strict as Google, each rule a knob (issue #14): every request checked against the discovery document
(:mod:`.discovery`); scopes per method and domain-wide delegation per service account; ``api_enabled``; sync
tokens that expire 7 days after their chain's full sync; ``propagation_delay`` before writes reach sync listings;
profile fields unless ``sources`` asks for contacts only (``link_profile``); per-minute quotas without Retry-After
(``quota_retry_after``); overlapping mutations for one user refused (``faults.mutation_seconds`` widens them);
``faults.etag_lag``; ``max_contacts`` (25,000).
"""

from .control import Clock, FaultPlan, RequestKind
from .emulator import EmulatorError, PeopleEmulator

__all__ = ["Clock", "EmulatorError", "FaultPlan", "PeopleEmulator", "RequestKind"]
