"""``contactsync doctor`` for an entra-directory account: each permission the first pull needs, checked live.

1. ``config``: the options build a connector (the account is pull-only, a secret or certificate is given);
2. ``token``: Entra ID issues a token for the app;
3. ``users``: ``GET /users`` answers (User.Read.All);
4. ``group`` (with ``group``): the group exists and its members can be listed (GroupMember.Read.All);
5. ``org contacts`` (with ``org_contacts``): ``GET /contacts`` answers (OrgContact.Read.All).

Each probe reads one item at most; nothing is written, ever. A failure names the permission to grant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from urllib.parse import quote

from contactsync.checks import CheckResult, DoctorContext, Outcome
from contactsync.errors import AuthFailed, ConfigError, ConnectorError

from .connector import PERMISSION, EntraDirectoryConnector, EntraOptions

CHECK_CONFIG: Final = "config"
CHECK_TOKEN: Final = "token"
CHECK_USERS: Final = "users"
CHECK_GROUP: Final = "group"
CHECK_ORG_CONTACTS: Final = "org contacts"
_CONSENT = "in the Entra admin center, App registrations → the app → API permissions: add the Microsoft Graph "
_CONSENT_END = " application permission and grant admin consent"


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    name = ctx.account.name
    from . import build  # the package's build: the same checks a sync's build makes

    try:
        connector = build(ctx.account, ctx.book)
    except ConfigError as exc:
        yield CheckResult(name, CHECK_CONFIG, Outcome.FAIL, str(exc), "fix the options named: see docs/directory.md")
        return
    try:
        yield from _live(name, connector, connector.options)
    finally:
        connector.close()


def _live(name: str, connector: EntraDirectoryConnector, options: EntraOptions) -> Iterator[CheckResult]:
    try:
        connector.graph.tokens.token()
    except ConnectorError as exc:
        yield CheckResult(name, CHECK_TOKEN, Outcome.FAIL, str(exc), "check tenant_id, client_id and the secret")
        return
    yield CheckResult(name, CHECK_TOKEN, Outcome.PASS, f"Entra ID issues tokens for app {options.client_id}")
    probes = [(CHECK_USERS, PERMISSION["users"], "/users")]
    if options.group is not None:
        path = f"/groups/{quote(options.group)}/transitiveMembers/microsoft.graph.user"
        probes.append((CHECK_GROUP, PERMISSION["group"], path))
    if options.org_contacts:
        probes.append((CHECK_ORG_CONTACTS, PERMISSION["org_contacts"], "/contacts"))
    for check, permission, path in probes:
        try:
            connector.get(path, f"a {check} probe", permission, {"$top": "1", "$select": "id"})
        except AuthFailed as exc:
            yield CheckResult(name, check, Outcome.FAIL, str(exc), _CONSENT + permission + _CONSENT_END)
        except ConnectorError as exc:
            yield CheckResult(name, check, Outcome.FAIL, str(exc))
        else:
            yield CheckResult(name, check, Outcome.PASS, f"{permission} allows GET {path}")
