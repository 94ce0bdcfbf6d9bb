"""Is the store reachable, and at which schema? Read-only: the doctor creates and migrates nothing.

A SQLite store that does not exist yet is fine when its folder can be made (the first sync creates it);
opening it would create an empty file, so the doctor only looks at the path then.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import sqlalchemy as sa

from ..checks import CheckResult, Outcome
from ..errors import StoreError
from ..store import Store

CHECK_STORE: Final = "store"
#: account name of checks that belong to no one account (the config, the store)
EVERY_ACCOUNT: Final = ""


def _shown(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


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
        url = sa.make_url(store_url)
    except sa.exc.ArgumentError as exc:
        return CheckResult(
            EVERY_ACCOUNT, CHECK_STORE, Outcome.FAIL, f"store.url is not a database URL: {exc}", "fix store.url"
        )
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
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
    except (StoreError, sa.exc.SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return CheckResult(
            EVERY_ACCOUNT,
            CHECK_STORE,
            Outcome.FAIL,
            f"cannot open the store at {_shown(url)}: {str(reason).strip().splitlines()[0]}",
            "check store.url (host, port, database, user) and that the database server is running",
        )
    if current is None:
        detail = f"{_shown(url)} answers; its tables are made by the first sync (or `contactsync db upgrade`)"
    elif current != head:
        detail = f"{_shown(url)} at schema {current}; the first run upgrades it to {head} (`contactsync db upgrade`)"
    else:
        detail = f"{_shown(url)} at the newest schema ({head})"
    return CheckResult(EVERY_ACCOUNT, CHECK_STORE, Outcome.PASS, detail)
