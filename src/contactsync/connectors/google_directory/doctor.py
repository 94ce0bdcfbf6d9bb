"""``contactsync doctor`` for a google-directory account: delegation, scope and the listing, checked live.

1. ``config``: the options build a connector (pull-only, a service account key, a subject);
2. ``directory``: one ``people.listDirectoryPeople`` page of one person for each configured source: the token
   (domain-wide delegation with the directory.readonly scope, the subject a user of the domain) and the People
   API enabled in the Cloud project are all needed for it to answer.

Nothing is written, ever. A failure names where to grant what is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from contactsync.checks import CheckResult, DoctorContext, Outcome
from contactsync.errors import AuthFailed, ConfigError, ConnectorError

from .connector import DIRECTORY_SCOPE

CHECK_CONFIG: Final = "config"
CHECK_DIRECTORY: Final = "directory"
_FIX = (
    "Admin console → Security → Access and data control → API controls → Domain-wide delegation: grant the "
    f"service account's client ID {DIRECTORY_SCOPE}; check that subject is an active user of the domain"
)


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    name = ctx.account.name
    from . import build  # the package's build: the same checks a sync's build makes

    try:
        connector = build(ctx.account, ctx.book)
    except ConfigError as exc:
        yield CheckResult(name, CHECK_CONFIG, Outcome.FAIL, str(exc), "fix the options named: see docs/directory.md")
        return
    try:
        for source in connector.options.sources:
            try:
                connector.probe(source)
            except AuthFailed as exc:
                yield CheckResult(name, CHECK_DIRECTORY, Outcome.FAIL, str(exc), _FIX)
                return
            except ConnectorError as exc:
                yield CheckResult(name, CHECK_DIRECTORY, Outcome.FAIL, str(exc))
                return
        listed = " and ".join(connector.options.sources)
        yield CheckResult(name, CHECK_DIRECTORY, Outcome.PASS, f"the domain's {listed} can be listed")
    finally:
        connector.close()
