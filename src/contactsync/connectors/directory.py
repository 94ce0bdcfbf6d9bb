"""What every directory source (``ldap``, ``entra-directory``, ``google-directory``) shares.

- :class:`Slot`: the parts of a contact a directory attribute can fill, the keys of each source's configurable
  attribute map (``options.attributes``).
- :class:`DirectoryPerson`: one person a directory holds, with the identity attributes book templates expand
  (``{email}``, ``{upn}``, ``{username}``), listed by each source's ``people()`` method. Ids only identify; no
  source logs these values.
- :class:`DirectorySource`: the protocol of that method, for code that expands templates over any source.
- :func:`refuse_writes`: a source's ``push``: a directory is read, never written.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from contactsync.errors import ItemRejected

if TYPE_CHECKING:
    # checking a configuration with book templates reads DirectoryPerson, not the connector protocol (#18)
    from contactsync.connector import Change, ChangeResult


class Slot(enum.Enum):
    """A part of a contact a directory attribute can fill (the keys of ``options.attributes``)."""

    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    DISPLAY_NAME = "display_name"
    EMAIL = "email"
    WORK_PHONE = "work_phone"
    MOBILE_PHONE = "mobile_phone"
    HOME_PHONE = "home_phone"
    FAX = "fax"
    PAGER = "pager"
    ORGANIZATION = "organization"
    DEPARTMENT = "department"
    JOB_TITLE = "job_title"
    STREET = "street"
    LOCALITY = "locality"
    REGION = "region"
    POSTAL_CODE = "postal_code"
    COUNTRY = "country"
    NOTE = "note"
    URL = "url"
    PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class DirectoryPerson:
    """One person in a directory source's scope (its filters applied), as book templates need them.

    ``id`` is the directory's stable id (the same id the source's ``pull`` gives the person's contact);
    ``email`` the primary address; ``username`` the sign-in name (Entra ID's userPrincipalName, LDAP's uid or
    sAMAccountName, Google's primary email); empty strings when the directory holds none.
    """

    id: str
    email: str
    username: str
    display_name: str


@runtime_checkable
class DirectorySource(Protocol):
    def people(self) -> Sequence[DirectoryPerson]:
        """Everyone in the source's scope now, sorted by id. Raises AuthFailed, RateLimited, Transient,
        ConnectorError, like ``pull``."""
        ...


def refuse_writes(account: str, what: str, changes: Sequence[Change]) -> list[ChangeResult]:
    """A directory source's ``push``: every change refused, item by item (``what`` names the directory, as in "the
    Entra ID directory"); the account must be pull-only, which building the connector enforces."""
    from contactsync.connector import ChangeResult

    refusal = f"account {account!r} is {what}: contactsync never writes to it"
    return [ChangeResult(change, error=ItemRejected(refusal, account=account)) for change in changes]


__all__ = ["DirectoryPerson", "DirectorySource", "Slot", "refuse_writes"]
