"""What ``contactsync doctor`` reports: one typed result per check, and the hook a connector type offers.

A connector type (see :mod:`contactsync.registry`) may give a ``doctor`` hook: called with one account's settings,
it runs that platform's checks against the real account and yields one :class:`CheckResult` each. The hook never
raises for a failed check (a failure is a result naming its fix); it is read-only unless ``write`` is True, when
it may create, read back and delete one clearly named scratch contact (:func:`scratch_round_trip` does that
through any connector, as a sync writes).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .errors import ConnectorError

if TYPE_CHECKING:
    # checking a configuration reports CheckResults; only a doctor's write check needs a connector (#18)
    from .connector import Connector
    from .settings import AccountSettings, BookSettings


class Outcome(enum.Enum):
    PASS = "pass"
    WARN = "warn"  # works, but a feature is off or a setting is risky (colours without MailboxSettings)
    FAIL = "fail"  # the first sync would fail or lose something: the exit code says so
    SKIP = "skip"  # not checked (a check that needs an earlier one that failed, or --write not given)


@dataclass(frozen=True)
class CheckResult:
    """One check on one account. ``fix`` says what the admin does (which console, which permission, which scope)."""

    account: str
    check: str
    outcome: Outcome
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class DoctorContext:
    """What a doctor hook is given: the account, its book, and whether it may write one scratch contact."""

    account: AccountSettings
    book: BookSettings
    write: bool = False


DoctorHook = Callable[[DoctorContext], Iterable[CheckResult]]


CHECK_WRITE: Final = "write"
SCRATCH_NAME: Final = "contactsync doctor scratch contact (safe to delete)"


def scratch_round_trip(ctx: DoctorContext, connector: Connector, *, refused_fix: str) -> Iterator[CheckResult]:
    """With ``ctx.write``: create one scratch contact through ``connector``, read it back, delete it; one result.

    Skipped without ``write`` and on pull-only accounts. ``refused_fix`` says what to grant when the platform
    refuses the create. The contact is deleted even when reading it back failed; when deleting fails the result
    names it, so the admin can remove it by hand.
    """
    name = ctx.account.name
    if not ctx.write:
        yield CheckResult(
            name,
            CHECK_WRITE,
            Outcome.SKIP,
            "read-only run: `--write` creates, reads back and deletes a scratch contact",
        )
        return
    if not ctx.account.writable:
        yield CheckResult(name, CHECK_WRITE, Outcome.SKIP, "the account is pull-only: contactsync never writes here")
        return
    import uuid

    from .connector import Change, ChangeKind
    from .model import Contact, Name

    marker = f"contactsync-doctor-{uuid.uuid4().hex[:12]}"
    scratch = Contact(
        name=Name(given="contactsync", family="doctor"),
        display_name=SCRATCH_NAME,
        note="Written by `contactsync doctor --write` and deleted right after. Safe to delete if still here.",
    )
    try:
        [created] = connector.push([Change(ChangeKind.CREATE, marker, scratch)])
    except ConnectorError as exc:
        yield CheckResult(
            name, CHECK_WRITE, Outcome.FAIL, f"creating a scratch contact was refused: {exc}", refused_fix
        )
        return
    if created.error is not None or created.ref is None:
        yield CheckResult(
            name, CHECK_WRITE, Outcome.FAIL, f"creating a scratch contact failed: {created.error}", refused_fix
        )
        return
    item = created.ref.id
    unread = ""
    try:
        read = connector.fetch([item]).get(item)
        if read is None:
            unread = f"the scratch contact {item} was written but is not there when read back"
    except ConnectorError as exc:
        read, unread = None, f"the scratch contact {item} was written but could not be read back: {exc}"
    try:
        [deleted] = connector.push([Change(ChangeKind.DELETE, marker, ref=read.ref if read else created.ref)])
        delete_error: ConnectorError | None = deleted.error
    except ConnectorError as exc:
        delete_error = exc
    if delete_error is not None:
        yield CheckResult(
            name,
            CHECK_WRITE,
            Outcome.FAIL,
            f"{unread or f'the scratch contact {item} was written'}; deleting it failed: {delete_error}",
            f'delete {item} ("{SCRATCH_NAME}") by hand, and give contactsync the right to delete contacts',
        )
    elif unread:
        yield CheckResult(
            name, CHECK_WRITE, Outcome.FAIL, unread, "check the platform's logs: what is written must be readable"
        )
    elif read is not None and (read.contact.display_name != SCRATCH_NAME or read.marker != marker):
        yield CheckResult(
            name,
            CHECK_WRITE,
            Outcome.FAIL,
            "the scratch contact came back changed (it was deleted): the platform does not keep contacts as written",
            "check how the platform stores contacts: they would change on every run",
        )
    else:
        yield CheckResult(name, CHECK_WRITE, Outcome.PASS, "a scratch contact was created, read back and deleted")
