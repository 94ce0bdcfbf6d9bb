"""The tag-count check after each run: every tag's member count read back from each platform, next to the store's.

Invariant 15 (sync-invariants.md): after a run, each tag has the same member count on every replica that carries
tags, and it equals the store's. The engine cannot see this by itself (it compares items, not group totals), so
the daemon asks each platform (Google memberCount, Graph categories, CardDAV categories/groups, vdir cards).

What "asks" costs differs (#18). A CardDAV or vdir account counts the book as its pull in this run saw it plus
what the run wrote since (the pull state keeps each card's tags): no request, no file or card read. It reads the
whole book or folder only when it has not pulled in this process, a write's outcome is unknown, or (vdir) its
state does not hold some card's tags. So for these two, the check compares the run's own view with the store
(a base recorded wrong, a group edit the engine missed) rather than reading the server again; a change a server
left out of its sync-collection log is found by a full listing (``sync --reset-account``, or a token that
expires), not here. (vdir's pull sees every edit of a file: it compares the ctime and inode as well as the size
and mtime.)

A difference is judged only where we write the whole book: pull-only accounts and accounts where creating is
off hold a subset by design (shown as ``not_compared``). A difference while writes are still owed to the account
or items of it are quarantined is ``pending``: the next run settles it. Anything else is a ``mismatch``.

Repair: a mismatch means the platform holds something our incremental view missed (a group edit that changed no
item's etag, a lost change-log entry) or that a base we recorded is wrong. The cheap, safe step taken here is to
drop the account's sync token: its next pull is a full listing compared against the bases, which finds every
item whose content moved. It does not rewrite items whose etag still matches the base; a mismatch that survives
that full comparison stays flagged in ``status`` for the admin (``sync --reset-account`` rebuilds the account).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..connector import Connector
from ..errors import ConnectorError
from ..model import Field
from ..settings import AccountMode, AccountSettings, BookSettings
from ..store import Store, now
from ..wording import counted
from .records import DaemonRecords, Health, TagCheck, TagVerdict

log = logging.getLogger("contactsync.daemon")


@dataclass(frozen=True, slots=True)
class TagOutcome:
    account: str
    checks: tuple[TagCheck, ...]
    error: str | None = None
    repair_requested: bool = False

    @property
    def mismatches(self) -> int:
        return sum(1 for c in self.checks if c.verdict is TagVerdict.MISMATCH)


def carries_tags(connector: Connector) -> bool:
    caps = connector.capabilities
    return caps.holds_tags and Field.TAGS in caps.fields


def judged(account: AccountSettings) -> bool:
    """Whether the account should hold every contact of the book, so its counts must equal the store's."""
    return account.mode is not AccountMode.PULL_ONLY and account.allow_create and account.allow_update


def check_account(
    store: Store,
    records: DaemonRecords,
    book: BookSettings,
    account: AccountSettings,
    connector: Connector,
    health: Health,
    store_counts: Mapping[str, tuple[str, int]] | None = None,
) -> tuple[TagOutcome, Health]:
    """Read the account's tag counts, compare, record; returns the outcome and the account's updated health."""
    stamp = now()
    try:
        platform = {tag.key: (tag.name, int(n)) for tag, n in connector.tag_counts().items()}
    except ConnectorError as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.warning("account %s: tag counts could not be read (%s)", account.name, type(exc).__name__)
        return TagOutcome(account.name, (), error), replace(health, tags_checked_at=stamp, tags_error=error)
    ours = store.tag_counts(book.name) if store_counts is None else store_counts
    explained = records.pending_writes(account.name) > 0 or records.quarantined(account.name) > 0
    checks = []
    for key in sorted(set(platform) | set(ours)):
        name, theirs = platform.get(key, (ours.get(key, (key, 0))[0], 0))
        mine = ours.get(key, (name, 0))[1]
        if theirs == 0 and mine == 0:
            continue  # an empty group on the platform is no member count to compare
        if not judged(account):
            verdict = TagVerdict.NOT_COMPARED
        elif theirs == mine:
            verdict = TagVerdict.OK
        else:
            verdict = TagVerdict.PENDING if explained else TagVerdict.MISMATCH
        checks.append(TagCheck(account.name, book.name, key, ours.get(key, (name, 0))[0], theirs, mine, verdict, stamp))
    records.put_tag_checks(account.name, checks)
    outcome = TagOutcome(account.name, tuple(checks))
    new_health = replace(health, tags_checked_at=stamp, tags_error=None)
    if outcome.mismatches:
        # tag names are the organisation's labels, but a label can name a person: the log gives counts only
        log.warning(
            "account %s: %s from the store (see `contactsync status`)",
            account.name,
            f"{counted(outcome.mismatches, 'tag')} {'differs' if outcome.mismatches == 1 else 'differ'}",
        )
        already = health.repair_requested_at is not None
        if not already:
            records.request_full_comparison(account.name)
            log.info("account %s: its next run lists everything and compares it with the store", account.name)
            new_health = replace(new_health, repair_requested_at=stamp)
            outcome = replace(outcome, repair_requested=True)
    else:
        new_health = replace(new_health, repair_requested_at=None)
    return outcome, new_health
