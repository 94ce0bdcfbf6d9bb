"""Run the emulator standalone: ``python -m contactsync.emulators.outlook --port 8443``.

Prints what a client needs (URLs, the CA file to trust, a client id and secret, the permissions granted) and
serves until Ctrl-C. ``--grant PERMISSION`` (repeatable) sets what the app was granted, e.g. ``--grant
Contacts.ReadWrite`` alone to see tags work without colours.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
import threading
import uuid

from .permissions import DEFAULT_GRANTS
from .server import GraphEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m contactsync.emulators.outlook")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--tenant", default="contoso.test")
    parser.add_argument("--mailbox", action="append", default=[], help="UPN of a mailbox (repeatable)")
    parser.add_argument("--client-id", default=str(uuid.uuid4()))
    parser.add_argument("--secret", default=secrets.token_urlsafe(24))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--grant",
        action="append",
        metavar="PERMISSION",
        help="a Graph permission the app is granted, with admin consent (repeatable); default: "
        + ", ".join(DEFAULT_GRANTS)
        + " (what the README asks the admin to grant)",
    )
    args = parser.parse_args(argv)

    # SIGTERM (systemd, timeout, the demo's cleanup) must also reach the finally below to remove the CA file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    emulator = GraphEmulator(host=args.host, port=args.port, seed=args.seed)
    emulator.start()
    try:
        emulator.add_tenant(args.tenant)
        emulator.add_app(args.tenant, args.client_id, secret=args.secret, permissions=args.grant or DEFAULT_GRANTS)
        mailboxes = args.mailbox or [f"user@{args.tenant}"]
        for upn in mailboxes:
            emulator.add_mailbox(args.tenant, upn)
        print(f"authority:  {emulator.authority(args.tenant)}")
        print(f"graph:      {emulator.graph_url}")
        print(f"ca file:    {emulator.ca_file}")
        print(f"client id:  {args.client_id}")
        print(f"secret:     {args.secret}")
        print(f"granted:    {', '.join(args.grant or DEFAULT_GRANTS)}")
        print(f"mailboxes:  {', '.join(mailboxes)}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
