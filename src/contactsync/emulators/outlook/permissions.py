"""Which Microsoft Graph permission each call needs, as Microsoft's API reference pages state it.

Every operation (a top-level request or one ``$batch`` member: Graph authorizes members one by one) is checked
against the roles (application token) or scopes (delegated token) the emulator put in the token it issued. A call
the token does not allow answers ``403 ErrorAccessDenied``, as Graph does.

Sources (the "Permissions" table of each page, v1.0; the permissions reference names the same strings):

- contacts, list / get / create / update / delete:
  https://learn.microsoft.com/graph/api/user-list-contacts , contact-get , user-post-contacts , contact-update ,
  contact-delete — read: Contacts.Read (least), Contacts.ReadWrite (higher); write: Contacts.ReadWrite.
- contact delta: https://learn.microsoft.com/graph/api/contact-delta — Contacts.Read (least), Contacts.ReadWrite.
- contactFolders, list / get / create / delete: https://learn.microsoft.com/graph/api/user-list-contactfolders ,
  contactfolder-get , user-post-contactfolders , contactfolder-delete — same split as contacts.
- single-value extended properties of a contact (``$expand``/``$filter``/PATCH): https://learn.microsoft.com/graph/
  api/singlevaluelegacyextendedproperty-get — the permission of the resource (Contacts.Read / Contacts.ReadWrite).
- master categories: https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories and outlookcategory-get —
  MailboxSettings.Read, higher privileged "Not available"; outlookuser-post-mastercategories, outlookcategory-update,
  outlookcategory-delete — MailboxSettings.ReadWrite, higher "Not available". The pages name no higher permission,
  so the emulator does NOT let MailboxSettings.ReadWrite list categories: the stricter reading of the documents
  (the real service may be more lenient; a client that works here works there).
- a user: https://learn.microsoft.com/graph/api/user-get — delegated User.Read (own profile, ``/me``) or
  User.ReadBasic.All / User.Read.All; application User.ReadBasic.All / User.Read.All.

Only delegated scopes differ in one respect: User.Read is delegated-only, so an app registration that holds only
it gets no application role at all (Entra ID then refuses the client-credentials token, AADSTS65001).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: what ``python -m contactsync.emulators.outlook`` and ``GraphEmulator.add_app`` grant unless told otherwise: what
#: the README's Outlook setup section asks the admin to grant (tags with colours)
DEFAULT_GRANTS = ("Contacts.ReadWrite", "MailboxSettings.Read", "MailboxSettings.ReadWrite")
#: permissions that exist only as delegated scopes (never as an application role)
DELEGATED_ONLY = frozenset({"User.Read"})
DOCS = "https://learn.microsoft.com/graph/api/"


class Access(enum.Enum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Requirement:
    """The permissions that allow one kind of call: any one of them is enough."""

    what: str
    delegated: frozenset[str]
    application: frozenset[str]
    page: str  # the API reference page the table comes from

    def allows(self, permissions: frozenset[str], *, delegated: bool) -> bool:
        return bool(permissions & (self.delegated if delegated else self.application))


def _same(what: str, page: str, *permissions: str) -> Requirement:
    return Requirement(what, frozenset(permissions), frozenset(permissions), DOCS + page)


CONTACTS_READ = _same("read contacts", "user-list-contacts", "Contacts.Read", "Contacts.ReadWrite")
CONTACTS_WRITE = _same("write contacts", "user-post-contacts", "Contacts.ReadWrite")
DELTA = _same("contact delta", "contact-delta", "Contacts.Read", "Contacts.ReadWrite")
FOLDERS_READ = _same("read contact folders", "user-list-contactfolders", "Contacts.Read", "Contacts.ReadWrite")
FOLDERS_WRITE = _same("write contact folders", "user-post-contactfolders", "Contacts.ReadWrite")
CATEGORIES_READ = _same("list master categories", "outlookuser-list-mastercategories", "MailboxSettings.Read")
CATEGORIES_WRITE = _same(
    "create or change master categories", "outlookuser-post-mastercategories", "MailboxSettings.ReadWrite"
)
USER_READ = Requirement(
    "read a user",
    frozenset({"User.Read", "User.ReadBasic.All", "User.Read.All"}),
    frozenset({"User.ReadBasic.All", "User.Read.All"}),
    DOCS + "user-get",
)


def requirement(shape: tuple[str, ...], method: str) -> Requirement:
    """The requirement of a call, from its route shape (see ``graph.parse_route``) and method."""
    access = Access.READ if method == "GET" else Access.WRITE
    if not shape:
        return USER_READ
    if shape[0] == "outlook":
        return CATEGORIES_READ if access is Access.READ else CATEGORIES_WRITE
    if shape[-1] == "delta":
        return DELTA
    if "contacts" in shape:
        return CONTACTS_READ if access is Access.READ else CONTACTS_WRITE
    if shape[0] == "contactfolders":
        return FOLDERS_READ if access is Access.READ else FOLDERS_WRITE
    # an unknown route still needs some contacts permission to get as far as "not found"
    return CONTACTS_READ if access is Access.READ else CONTACTS_WRITE


def denied_message(needed: Requirement, *, delegated: bool) -> str:
    """The 403 message; Graph's says only "Access is denied", the emulator adds what was missing (tests read it)."""
    options = sorted(needed.delegated if delegated else needed.application)
    return (
        "Access is denied. Check credentials and try again. "
        f"(emulator: to {needed.what} the token needs one of {', '.join(options)}; see {needed.page})"
    )
