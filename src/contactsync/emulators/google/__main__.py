"""Run the emulator standalone: ``python -m contactsync.emulators.google --port N --users a,b``."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import timedelta
from types import FrameType

from .auth import CONTACTS_SCOPE
from .emulator import PeopleEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Google People API v1 emulator on loopback HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--users", default="", help="comma-separated users to create, e.g. alice@example.com")
    parser.add_argument("--service-accounts", default="", help="comma-separated service-account emails")
    parser.add_argument("--reads-per-minute", type=int, default=None)
    parser.add_argument("--writes-per-minute", type=int, default=None)
    parser.add_argument(
        "--propagation-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="how long a write takes to reach sync listings (Google: up to several minutes)",
    )
    parser.add_argument(
        "--quota-retry-after", action="store_true", help="say Retry-After on quota 429s (Google often does not)"
    )
    parser.add_argument("--max-contacts", type=int, default=25_000, help="contacts per user (Google: 25,000)")
    parser.add_argument(
        "--delegate",
        action="append",
        default=None,
        metavar="SCOPE",
        help="a scope the service accounts' domain-wide delegation grants (repeatable; default: the contacts "
        "scope; give an empty string for none)",
    )
    parser.add_argument("--people-api-disabled", action="store_true", help="answer every call 403 SERVICE_DISABLED")
    parser.add_argument(
        "--oauth-client",
        default="",
        metavar="ID:SECRET",
        help="register an OAuth desktop client and print its client secrets file (one JSON line)",
    )
    parser.add_argument(
        "--consent-user",
        default=None,
        help="the user who allows access on the consent screen (`contactsync auth google`)",
    )
    args = parser.parse_args(argv)

    emulator = PeopleEmulator(
        host=args.host,
        port=args.port,
        reads_per_minute=args.reads_per_minute,
        writes_per_minute=args.writes_per_minute,
        propagation_delay=timedelta(seconds=args.propagation_delay),
        quota_retry_after=args.quota_retry_after,
        max_contacts=args.max_contacts,
    )
    emulator.api_enabled = not args.people_api_disabled
    delegated = tuple(scope for scope in args.delegate if scope) if args.delegate is not None else (CONTACTS_SCOPE,)
    stopped = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    emulator.start()
    print(f"People API emulator listening on {emulator.url}", flush=True)
    for user in filter(None, (name.strip() for name in args.users.split(","))):
        print(f"user {user} token {emulator.add_user(user)}", flush=True)
    for account in filter(None, (name.strip() for name in args.service_accounts.split(","))):
        emulator.add_service_account(account, scopes=delegated)
    if args.oauth_client:
        client_id, _, secret = args.oauth_client.partition(":")
        print(f"oauth client {json.dumps(emulator.add_oauth_client(client_id, secret))}", flush=True)
    if args.consent_user:
        emulator.consent(args.consent_user)
    stopped.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
