"""``contactsync doctor`` for an Outlook account: what a first sync needs from Entra ID and Graph, checked live.

1. ``token``: Entra ID issues a token for the app (or the saved delegated sign-in refreshes);
2. ``contacts read``: the mailbox's folder can be listed (Contacts.Read or Contacts.ReadWrite), and its size;
3. ``folder``: the configured folder exists (the default one by its well-known name, others by path);
4. ``delta``: the folder's change tracking answers (Contacts.Read);
5. ``contacts write``: writes are allowed (Contacts.ReadWrite), probed with an empty PATCH of an item that does not
   exist: Graph checks the permission first (403), then finds no item (404). Skipped for a pull-only account;
6. ``categories``: the master category list can be read (MailboxSettings.Read); without it tags still work;
7. ``colours``: master categories can be created (MailboxSettings.ReadWrite), probed like writes; without it tags
   are written uncoloured (a WARN, never a FAIL);
8. ``size``: the folder against Exchange's 1,000,000 items per folder and the cost of a first sync against Graph's
   10,000 requests per 10 minutes per mailbox;
9. ``write`` (``--write`` only): one scratch contact created, read back and deleted through the connector, as a
   sync writes (:func:`contactsync.checks.scratch_round_trip`).

Each failure names the fix in the Entra admin center. The checks never raise; nothing is written without
``write`` (the probes of 5 and 7 change nothing: they address items that do not exist).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final
from urllib.parse import quote

from contactsync.checks import CHECK_WRITE, CheckResult, DoctorContext, Outcome, scratch_round_trip
from contactsync.errors import ConfigError, ConnectorError
from contactsync.settings import AccountMode
from contactsync.wording import counted

from .connector import OutlookConnector, OutlookOptions
from .graph import BatchRequest
from .throttle import REQUESTS_PER_WINDOW

CHECK_TOKEN: Final = "token"
CHECK_READ: Final = "contacts read"
CHECK_FOLDER: Final = "folder"
CHECK_DELTA: Final = "delta"
CHECK_WRITE_PERMISSION: Final = "contacts write"
CHECK_CATEGORIES: Final = "categories"
CHECK_COLOURS: Final = "colours"
CHECK_SIZE: Final = "size"
__all__ = [
    "CHECK_CATEGORIES",
    "CHECK_COLOURS",
    "CHECK_DELTA",
    "CHECK_FOLDER",
    "CHECK_READ",
    "CHECK_SIZE",
    "CHECK_TOKEN",
    "CHECK_WRITE",
    "CHECK_WRITE_PERMISSION",
    "MAX_FOLDER_ITEMS",
    "run_checks",
]
#: Exchange's limit of items in one mailbox folder
MAX_FOLDER_ITEMS: Final = 1_000_000
#: an Exchange item id that exists nowhere (well-formed, so the answer is about permission, then existence)
_NO_ITEM: Final = "AAMkADoctorProbeNoSuchItem0000000000000000000000000000000000000000AAA="
_NO_CATEGORY: Final = "00000000-0000-0000-0000-00000000d0c7"


def _grant(options: OutlookOptions, permission: str) -> str:
    kind = "Delegated permissions" if options.delegated else "Application permissions"
    consent = (
        "then sign in again with `contactsync auth ACCOUNT`"
        if options.delegated
        else "then 'Grant admin consent for' the tenant"
    )
    return (
        f"Entra admin center → App registrations → the app {options.client_id} → API permissions → Add a permission "
        f"→ Microsoft Graph → {kind} → {permission}; {consent}"
    )


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    """The Outlook checks of ``ctx.account``, in the order above."""
    name = ctx.account.name
    try:
        options = OutlookOptions.from_settings(ctx.account, ctx.book)
        connector = OutlookConnector.from_settings(ctx.account, ctx.book)
    except ConfigError as exc:
        yield CheckResult(
            name, CHECK_TOKEN, Outcome.FAIL, "; ".join(str(p) for p in exc.problems), "fix the account's options"
        )
        return
    try:
        yield from _checks(ctx, options, connector)
    except ConnectorError as exc:
        # Graph down, throttling that outlasted the waits, a token refused mid-way: the check under way failed
        yield CheckResult(name, "graph", Outcome.FAIL, f"{type(exc).__name__}: {exc}", None)
    finally:
        connector.close()


def _checks(ctx: DoctorContext, options: OutlookOptions, connector: OutlookConnector) -> Iterator[CheckResult]:
    name = ctx.account.name
    graph = connector.graph
    try:
        graph.tokens.token()
    except ConnectorError as exc:
        fix = (
            "the message names the setting; for app-only access: Entra admin center → App registrations → the app → "
            "Certificates & secrets / API permissions"
        )
        yield CheckResult(name, CHECK_TOKEN, Outcome.FAIL, str(exc), fix)
        return
    how = "delegated sign-in" if options.delegated else "app-only (client credentials)"
    yield CheckResult(name, CHECK_TOKEN, Outcome.PASS, f"Entra ID issued a token ({how})")

    user = f"/users/{quote(options.mailbox, safe='@')}" if options.mailbox else "/me"
    read_fix = _grant(options, "Contacts.ReadWrite (or Contacts.Read for a pull-only account)")
    status, _ = graph.get(
        f"{user}/contactFolders/contacts/contacts",
        params={"$top": "1", "$select": "id"},
        what="a probe listing",
        passthrough=frozenset({400, 403, 404}),
    )
    if status == 403:
        yield CheckResult(name, CHECK_READ, Outcome.FAIL, "Graph denied listing the mailbox's contacts", read_fix)
        return
    if status == 404:
        yield CheckResult(
            name,
            CHECK_READ,
            Outcome.FAIL,
            "Graph knows no such mailbox",
            "check options.mailbox (the user's UPN or id) and that the user has an Exchange Online mailbox",
        )
        return
    if status != 200:
        yield CheckResult(name, CHECK_READ, Outcome.FAIL, f"Graph answered {status} to a contacts listing", None)
        return
    yield CheckResult(name, CHECK_READ, Outcome.PASS, "the mailbox's contacts can be listed")

    try:
        contacts = connector._contacts()
    except ConnectorError as exc:
        yield CheckResult(
            name,
            CHECK_FOLDER,
            Outcome.FAIL,
            str(exc),
            "set options.folder to a folder's id or its path of display names from inside the default Contacts "
            "folder (e.g. Customers/Key accounts), or leave it out for the default folder",
        )
        return
    yield CheckResult(name, CHECK_FOLDER, Outcome.PASS, f"folder {options.folder or 'contacts (the default)'} found")

    status, _ = graph.get(
        f"{contacts}/delta",
        params={"$select": "id"},
        headers={"Prefer": "odata.maxpagesize=1"},
        what="a probe delta",
        passthrough=frozenset({400, 403, 404, 410}),
    )
    if status == 200:
        yield CheckResult(name, CHECK_DELTA, Outcome.PASS, "the folder's change tracking (delta) answers")
    else:
        yield CheckResult(name, CHECK_DELTA, Outcome.FAIL, f"Graph answered {status} to the folder's delta", read_fix)

    pull_only = ctx.account.mode is AccountMode.PULL_ONLY
    if pull_only:
        yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.SKIP, "pull-only account: nothing is written")
    else:
        status = _probe_write(connector, f"{contacts}/{_NO_ITEM}")
        if status == 403:
            yield CheckResult(
                name,
                CHECK_WRITE_PERMISSION,
                Outcome.FAIL,
                "Graph denies writing contacts",
                _grant(options, "Contacts.ReadWrite"),
            )
        else:
            yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.PASS, "contacts can be written")

    status, _ = graph.get(
        f"{user}/outlook/masterCategories", what="a probe of the categories", passthrough=frozenset({403})
    )
    if status == 403:
        yield CheckResult(
            name,
            CHECK_CATEGORIES,
            Outcome.WARN,
            "the master category list cannot be read (MailboxSettings.Read): tags still sync as categories; "
            "contactsync creates the colours it needs without reading the list, if it may create them",
            _grant(options, "MailboxSettings.Read"),
        )
    else:
        yield CheckResult(name, CHECK_CATEGORIES, Outcome.PASS, "the master category list can be read")
    if pull_only:
        yield CheckResult(name, CHECK_COLOURS, Outcome.SKIP, "pull-only account: no category is created")
    elif _probe_write(connector, f"{user}/outlook/masterCategories/{_NO_CATEGORY}") == 403:
        yield CheckResult(
            name,
            CHECK_COLOURS,
            Outcome.WARN,
            "colours need MailboxSettings.ReadWrite: without it tags are written as categories without colour",
            _grant(options, "MailboxSettings.ReadWrite"),
        )
    else:
        yield CheckResult(name, CHECK_COLOURS, Outcome.PASS, "categories can be created with a colour")

    yield _size(name, connector, contacts, options)
    yield from scratch_round_trip(ctx, connector, refused_fix=_grant(options, "Contacts.ReadWrite"))


def _probe_write(connector: OutlookConnector, path: str) -> int:
    """An empty PATCH of something that does not exist, as a one-member ``$batch``: 403 when the permission is
    missing, else 404 (or 400): nothing is changed either way."""
    probe = BatchRequest("probe", "PATCH", path, {}, {"If-Match": "*"})
    return connector.graph.batch([probe], writes=False)["probe"].status


def _size(name: str, connector: OutlookConnector, contacts: str, options: OutlookOptions) -> CheckResult:
    status, body = connector.graph.get(
        contacts,
        params={"$count": "true", "$top": "1", "$select": "id"},
        what="the folder size",
        passthrough=frozenset({400, 403}),
    )
    if status != 200:
        return CheckResult(name, CHECK_SIZE, Outcome.SKIP, f"the folder could not be counted ({status})")
    size = int((body or {}).get("@odata.count", 0))
    listing = 2 * max(1, math.ceil(size / options.page_size))
    detail = (
        f"{counted(size, 'contact')}: a first sync lists them in about {listing} requests; writing all of them "
        f"would take {size} of the {REQUESTS_PER_WINDOW} requests a mailbox allows per 10 minutes"
    )
    if size >= MAX_FOLDER_ITEMS:
        return CheckResult(
            name,
            CHECK_SIZE,
            Outcome.FAIL,
            f"{detail}; Exchange holds at most {MAX_FOLDER_ITEMS} items in one folder",
            "split the contacts into several folders, one account each (options.folder)",
        )
    return CheckResult(name, CHECK_SIZE, Outcome.PASS, detail)
