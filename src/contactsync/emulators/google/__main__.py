"""Run the emulator standalone: ``python -m contactsync.emulators.google --port N --users a,b``."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from types import FrameType

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
    )
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
        emulator.add_service_account(account)
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
