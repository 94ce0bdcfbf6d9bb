"""The ``vdir`` connector type: a folder of ``.vcf`` files, one card per file (as vdirsyncer and khard keep them).

The connector itself is :mod:`.connector`, imported when an account is built. Checking a configuration (every
command, ``status`` included) needs only the options schema, and the connector brings the vCard codec with it
(phone and email parsing): a fifth of ``status``'s start-up (#18).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contactsync.registry import ConnectorType
from contactsync.settings import AccountSettings, BookSettings

from .options import OPTIONS_SCHEMA

if TYPE_CHECKING:
    from collections.abc import Iterator

    from contactsync.checks import CheckResult, DoctorContext

    from .connector import VdirConnector, etag_of, file_name_for


def _build(account: AccountSettings, book: BookSettings) -> VdirConnector:
    from .connector import VdirConnector

    return VdirConnector.from_settings(account, book)


def _doctor(ctx: DoctorContext) -> Iterator[CheckResult]:
    from .doctor import run_checks  # the doctor's checks: `contactsync doctor` only (#18)

    return run_checks(ctx)


#: ``type: vdir``: a local folder has no quota, so no default rate
CONNECTOR_TYPE = ConnectorType(
    name="vdir",
    build=_build,
    options_schema=OPTIONS_SCHEMA,
    doctor=_doctor,
    # what _build imports (the connector and the vCard codec): a daemon imports it before its first cycle (#18)
    preload=("contactsync.connectors.vdir.connector",),
)

_CONNECTOR_NAMES = frozenset({"VdirConnector", "etag_of", "file_name_for"})


def __getattr__(name: str) -> Any:
    # `from contactsync.connectors.vdir import VdirConnector` keeps working, importing the connector then
    if name in _CONNECTOR_NAMES:
        from . import connector

        return getattr(connector, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CONNECTOR_TYPE", "VdirConnector", "etag_of", "file_name_for"]
