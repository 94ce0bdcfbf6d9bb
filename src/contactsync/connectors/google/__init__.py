"""Google Contacts through the People API v1: ``type: google`` in the configuration.

Modules: :mod:`.auth` (service account with domain-wide delegation, or one user's OAuth consent),
:mod:`.mapping` (Person ↔ Contact, pure), :mod:`.transport` (no-resend HTTP, retries, error translation),
:mod:`.connector` (the connector), :mod:`.emulator` (a People API emulator for tests and benchmarks).
"""

from contactsync.registry import ConnectorType, Rate, SignInRequest

from .auth import run_consent_flow, write_token_file
from .connector import GoogleConnector
from .doctor import run_checks


def _sign_in(request: SignInRequest) -> None:
    run_consent_flow(request.account, open_browser=request.open_browser, echo=request.echo, prompt=request.prompt)


#: ``type: google``. The People API allows 90 reads per minute per user; one connector call may be several
#: requests, so 1 call/s (burst 5) stays well under it.
CONNECTOR_TYPE = ConnectorType(
    name="google",
    build=GoogleConnector.from_settings,
    options_schema=GoogleConnector.options_schema,
    default_rate=Rate(per_second=1.0, burst=5),
    # Google publishes per-minute quotas, no concurrency cap: 8 users' calls at once is our judgement (#18)
    default_in_flight=8,
    sign_in=_sign_in,
    doctor=run_checks,
)

__all__ = ["CONNECTOR_TYPE", "GoogleConnector", "run_consent_flow", "write_token_file"]
