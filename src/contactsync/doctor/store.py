"""Is the store reachable, and at which schema? Read-only: the doctor creates and migrates nothing.

A SQLite store that does not exist yet is fine when its folder can be made (the first sync creates it);
opening it would create an empty file, so the doctor only looks at the path then.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from ..checks import CheckResult, Outcome
from ..errors import StoreError
from ..store import Store, driver_message, shown_url, sqlite_file

CHECK_STORE: Final = "store"
#: account name of checks that belong to no one account (the config, the store)
EVERY_ACCOUNT: Final = ""


def _sqlite_missing(path: Path) -> CheckResult:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the first sync makes the missing folders (mode 0700) under this one
    if os.access(folder, os.W_OK | os.X_OK):
        return CheckResult(
            EVERY_ACCOUNT, CHECK_STORE, Outcome.PASS, f"{path} does not exist yet: the first sync creates it"
        )
    return CheckResult(
        EVERY_ACCOUNT,
        CHECK_STORE,
        Outcome.FAIL,
        f"{path} does not exist and {folder} is not writable by this user",
        f"create {path.parent} owned by the user contactsync runs as, or set store.url to a writable place",
    )


def check_store(store_url: str) -> CheckResult:
    try:
        path = sqlite_file(store_url)
    except StoreError as exc:  # "store.url is not a database URL: ..."
        return CheckResult(EVERY_ACCOUNT, CHECK_STORE, Outcome.FAIL, str(exc), "fix store.url")
    shown = shown_url(store_url)
    if path is not None:
        if not path.exists():
            return _sqlite_missing(path)
        if not os.access(path, os.R_OK | os.W_OK):
            return CheckResult(
                EVERY_ACCOUNT,
                CHECK_STORE,
                Outcome.FAIL,
                f"{path} is not readable and writable by this user",
                f"run contactsync as the owner of {path}, or chown it to the user contactsync runs as",
            )
    try:
        with Store.open(store_url, upgrade=False) as store:
            current, head = store.schema_revision()
    except StoreError as exc:
        # the driver's own words when there are some (never a statement or its parameters), else ours
        cause = exc.__cause__
        reason = (driver_message(cause) if cause is not None else None) or str(exc).strip().splitlines()[0]
        return CheckResult(
            EVERY_ACCOUNT,
            CHECK_STORE,
            Outcome.FAIL,
            f"cannot open the store at {shown}: {reason}",
            "check store.url (host, port, database, user) and that the database server is running",
        )
    if current is None:
        detail = f"{shown} answers; its tables are made by the first sync (or `contactsync db upgrade`)"
    elif current != head:
        detail = f"{shown} at schema {current}; the first run upgrades it to {head} (`contactsync db upgrade`)"
    else:
        detail = f"{shown} at the newest schema ({head})"
    return CheckResult(EVERY_ACCOUNT, CHECK_STORE, Outcome.PASS, detail)
