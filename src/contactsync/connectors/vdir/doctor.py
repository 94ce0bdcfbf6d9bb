"""``contactsync doctor`` for a vdir account: the folder exists, this user may read it (and write it unless the
account only reads), how many cards the first sync reads; with ``--write`` one scratch card through the connector.

The checks never raise and name no file but the folder: card file names may carry people's names.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from contactsync.checks import CheckResult, DoctorContext, Outcome, scratch_round_trip
from contactsync.errors import ConfigError
from contactsync.wording import counted

CHECK_FOLDER: Final = "folder"
CHECK_SIZE: Final = "size"


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    from . import VdirConnector  # here: the package imports this module to declare its type

    name = ctx.account.name
    try:
        connector = VdirConnector.from_settings(ctx.account, ctx.book)
    except ConfigError as exc:
        yield CheckResult(
            name, CHECK_FOLDER, Outcome.FAIL, "; ".join(str(p) for p in exc.problems), "fix the account's options"
        )
        return
    folder: Path = connector.path
    writes = not connector.capabilities.read_only
    if not folder.is_dir():
        yield _not_a_folder(name, folder)
        return
    wanted = os.R_OK | os.X_OK | (os.W_OK if writes else 0)
    if not os.access(folder, wanted):
        yield CheckResult(
            name,
            CHECK_FOLDER,
            Outcome.FAIL,
            f"{folder} is not {'readable and writable' if writes else 'readable'} by this user",
            f"chown {folder} to the user contactsync runs as (under systemd: add it to ReadWritePaths=)",
        )
        return
    yield CheckResult(
        name, CHECK_FOLDER, Outcome.PASS, f"{folder} is {'readable and writable' if writes else 'readable'}"
    )
    cards = sum(1 for entry in os.scandir(folder) if entry.name.endswith(".vcf") and not entry.name.startswith("."))
    yield CheckResult(name, CHECK_SIZE, Outcome.PASS, counted(cards, "card file"))
    yield from scratch_round_trip(
        ctx, connector, refused_fix=f"let the user contactsync runs as write to {folder}, or set read_only: true"
    )


def _not_a_folder(name: str, folder: Path) -> CheckResult:
    """The failed check of a path that is no folder, with the fix that fits: a file there is not made a folder by
    ``mkdir -p``, nor is a folder made under a file."""
    fails = "every run of this account would fail"
    if folder.exists():
        return CheckResult(
            name,
            CHECK_FOLDER,
            Outcome.FAIL,
            f"{folder} is not a folder (it is a file): {fails}",
            "point options.path at the folder of the account's .vcf files, or move that file away and create the "
            "folder in its place (owned by the user contactsync runs as)",
        )
    blocking = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        return CheckResult(
            name,
            CHECK_FOLDER,
            Outcome.FAIL,
            f"{folder} does not exist, and cannot: {blocking} is a file: {fails}",
            "point options.path at a folder (a path under a file cannot be one)",
        )
    return CheckResult(
        name,
        CHECK_FOLDER,
        Outcome.FAIL,
        f"{folder} does not exist: {fails}",
        f"create it (`mkdir -p {folder}`, owned by the user contactsync runs as) or fix options.path",
    )
