"""Google Contacts through the People API v1: ``type: google`` in the configuration.

Modules: :mod:`.auth` (service account with domain-wide delegation, or one user's OAuth consent),
:mod:`.mapping` (Person ↔ Contact, pure), :mod:`.transport` (no-resend HTTP, retries, error translation),
:mod:`.connector` (the connector), :mod:`.emulator` (a People API emulator for tests and benchmarks).
"""

from .auth import run_consent_flow, write_token_file
from .connector import GoogleConnector

__all__ = ["GoogleConnector", "run_consent_flow", "write_token_file"]
