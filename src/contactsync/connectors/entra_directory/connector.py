"""Microsoft Entra ID (the Microsoft 365 directory) as a read-only source of contacts, through Graph v1.0.

How a pull works, and why:

- Users come from ``GET /users/delta?$select=…``: the first pull follows ``@odata.nextLink`` to the
  ``@odata.deltaLink`` and reads every user; later pulls follow the stored deltaLink and learn only who changed
  and who left (``@removed``). Graph reports an updated user with *only the properties that changed*, so each
  changed user is read again in full with ``GET /users?$filter=id in (…)`` (15 ids a request) rather than
  patched from a partial answer (an entry that holds every selected property, a new user's, is taken as is).
- Group filter: the group's members through nested groups come from ``GET /groups/{id}/transitiveMembers/
  microsoft.graph.user?$select=id`` (999 a page) on every pull, because joining a group changes the group, not
  the user: the users delta would never say. A member who joins is read and reported; one who leaves is deleted.
- Org contacts (``GET /contacts``, the tenant's external contacts: suppliers, partners) are few and have no
  useful delta for our purpose: they are listed in full (999 a page) and compared by a stamp of their values.
- Account filters, from the users' own properties (all ``$select``-ed): ``accountEnabled`` false (disabled),
  ``showInAddressList`` false (hidden from the address list; see docs/directory.md for what Microsoft says of
  it), ``userType`` Guest. Each is left out unless the options include it.

The state kept between pulls (compressed JSON): the deltaLink, a stamp per user who passes the filters, the ids of
users who do not (so a disabled member of the group is not read again on every pull), which users were in scope,
and a stamp per org contact.

Permissions (application, admin-consented): User.Read.All (users), GroupMember.Read.All (with ``group``),
OrgContact.Read.All (with ``org_contacts``). A 403 says which one is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from contactsync.connector import (
    BaseConnector,
    Capabilities,
    Change,
    ChangeResult,
    PullResult,
    Quarantined,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.directory import DirectoryPerson, Slot, refuse_writes
from contactsync.connectors.outlook.auth import AppTokens, scrubbed
from contactsync.connectors.outlook.connector import GRAPH_RESOURCES
from contactsync.connectors.outlook.graph import GraphClient, error_code
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.errors import (
    AuthFailed,
    ConfigError,
    ConfigProblem,
    ConnectorError,
    SyncTokenExpired,
)
from contactsync.model import Field, Tag
from contactsync.normalize import normalize_contact

from .mapping import DEFAULT_ATTRIBUTES, UNSUPPORTED_SLOTS, org_contact_to_contact, stamp, user_to_contact

STATE_PREFIX = "entra1:"
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
#: ids per ``$filter=id in (…)`` re-read: Graph limits a filter clause with ``in`` to 15 expressions by default
#: (https://learn.microsoft.com/graph/filter-query-parameter)
IDS_PER_READ = 15
PAGE = 999
#: the properties the filters need, read with every user
FILTER_PROPERTIES = frozenset({"accountEnabled", "showInAddressList", "userType"})
IDENTITY_PROPERTIES = frozenset({"userPrincipalName", "mail", "displayName"})
ORG_CONTACT_SELECT = ("displayName", "givenName", "surname", "mail", "phones", "addresses", "companyName",
                      "department", "jobTitle")  # fmt: skip
_PROPERTY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

#: what each kind of call needs (least privileged application permission, from Microsoft's reference pages)
PERMISSION = {
    "users": "User.Read.All",
    "group": "GroupMember.Read.All",
    "org_contacts": "OrgContact.Read.All",
}


@dataclass(frozen=True)
class EntraOptions:
    """The ``options`` of a ``type: entra-directory`` account, typed."""

    tenant_id: str
    client_id: str
    client_secret: str | None = None
    certificate: str | None = None
    certificate_thumbprint: str | None = None
    group: str | None = None
    org_contacts: bool = True
    include_disabled: bool = False
    include_hidden: bool = False
    include_guests: bool = False
    attributes: Mapping[Slot, str] | None = None
    authority_host: str = DEFAULT_AUTHORITY_HOST
    graph_url: str = DEFAULT_GRAPH_URL
    ca_bundle: str | None = None
    timeout: float = 30.0

    @property
    def slots(self) -> Mapping[Slot, str]:
        return {**DEFAULT_ATTRIBUTES, **(self.attributes or {})}

    @property
    def user_select(self) -> tuple[str, ...]:
        return tuple(sorted({*self.slots.values(), *FILTER_PROPERTIES, *IDENTITY_PROPERTIES}))

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], secrets: Mapping[str, str], where: str) -> EntraOptions:
        """Raises ConfigError listing every bad key (the schema checked the types already)."""
        problems: list[ConfigProblem] = []

        def problem(key: str, message: str) -> None:
            problems.append(ConfigProblem("", None, f"{where}.{key}" if key else where, message))

        for key in ("tenant_id", "client_id"):
            if not isinstance(options.get(key), str) or not str(options.get(key)).strip():
                problem(key, "required")
        secret, certificate = secrets.get("client_secret"), secrets.get("certificate")
        if (secret is None) == (certificate is None):
            problem("", "give client_secret_file (or _credential) or certificate_file: a directory is read app-only")
        if certificate is not None and not options.get("certificate_thumbprint"):
            problem("certificate_thumbprint", "required with certificate_file")
        group = options.get("group")
        if group is not None and not _GUID.fullmatch(str(group)):
            problem("group", "the group's object id (a GUID, from the Entra admin center)")
        attributes: dict[Slot, str] = {}
        for key, name in dict(options.get("attributes") or {}).items():
            try:
                slot = Slot(key)
            except ValueError:
                problem(f"attributes.{key}", f"not a slot; slots: {', '.join(s.value for s in Slot)}")
                continue
            if slot in UNSUPPORTED_SLOTS:
                problem(f"attributes.{key}", "a user's photo is not a property: it cannot be mapped")
            elif not _PROPERTY.fullmatch(str(name)):
                problem(f"attributes.{key}", "a Graph user property name, such as mobilePhone")
            else:
                attributes[slot] = str(name)
        for key in ("authority_host", "graph_url"):
            if key in options and not str(options[key]).startswith("https://"):
                problem(key, "must be an https:// URL")
        if problems:
            raise ConfigError(problems)
        return cls(
            tenant_id=str(options["tenant_id"]).strip(),
            client_id=str(options["client_id"]).strip(),
            client_secret=secret,
            certificate=certificate,
            certificate_thumbprint=options.get("certificate_thumbprint"),
            group=str(group) if group is not None else None,
            org_contacts=bool(options.get("org_contacts", True)),
            include_disabled=bool(options.get("include_disabled", False)),
            include_hidden=bool(options.get("include_hidden", False)),
            include_guests=bool(options.get("include_guests", False)),
            attributes=attributes or None,
            authority_host=str(options.get("authority_host", DEFAULT_AUTHORITY_HOST)).rstrip("/"),
            graph_url=str(options.get("graph_url", DEFAULT_GRAPH_URL)).rstrip("/"),
            ca_bundle=options.get("ca_bundle"),
            timeout=float(options.get("timeout", 30.0)),
        )


@dataclass
class _State:
    delta_link: str = ""
    #: users who pass the account filters, with the stamp of their values
    users: dict[str, str] = field(default_factory=dict)
    #: users known not to pass them (disabled, hidden, guests)
    others: set[str] = field(default_factory=set)
    #: the users in scope after the last pull (passing the filters and, with a group, members)
    scope: set[str] = field(default_factory=set)
    #: org contacts, with their stamps
    contacts: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        rows = {
            "delta": self.delta_link,
            "users": self.users,
            "others": sorted(self.others),
            "scope": sorted(self.scope),
            "contacts": self.contacts,
        }
        return pack_state(STATE_PREFIX, rows)

    @classmethod
    def decode(cls, text: str) -> _State:
        return unpack_state(STATE_PREFIX, text, cls._from_rows, what="the directory state")

    @classmethod
    def _from_rows(cls, rows: Any) -> _State:
        return cls(
            delta_link=str(rows["delta"]),
            users={str(k): str(v) for k, v in rows["users"].items()},
            others={str(i) for i in rows["others"]},
            scope={str(i) for i in rows["scope"]},
            contacts={str(k): str(v) for k, v in rows["contacts"].items()},
        )


@dataclass(frozen=True)
class _User:
    id: str
    properties: Mapping[str, Any]
    stamp: str
    eligible: bool


class EntraDirectoryConnector(BaseConnector):
    """Entra ID users and org contacts: pull and fetch only; every write is refused with ItemRejected."""

    def __init__(self, name: str, options: EntraOptions, *, region: str = "US") -> None:
        self.name = name
        self.options = options
        self.region = region
        self._http = requests.Session()
        # REQUESTS_CA_BUNDLE in the environment would override `verify`: the configured bundle must win
        self._http.trust_env = False
        self._http.verify = options.ca_bundle or True
        credential: str | dict[str, str]
        if options.certificate is not None:
            credential = {
                "private_key": options.certificate,
                "thumbprint": (options.certificate_thumbprint or "").replace(":", ""),
            }
        else:
            credential = options.client_secret or ""
        # the token's audience: the national cloud's Graph when graph_url names one, else the global one (an
        # emulator or a proxy on another host still issues tokens for Graph)
        root = "/".join(options.graph_url.split("/")[:3])
        resource = root if root in GRAPH_RESOURCES else GRAPH_RESOURCES[0]
        tokens = AppTokens(
            account=name,
            client_id=options.client_id,
            credential=credential,
            authority=f"{options.authority_host}/{options.tenant_id}",
            scope=f"{resource}/.default",
            http=self._http,
        )
        self.graph = GraphClient(
            account=name,
            graph_url=options.graph_url,
            tokens=tokens,
            http=self._http,
            timeout=options.timeout,
            permissions="User.Read.All (GroupMember.Read.All for a group, OrgContact.Read.All for org contacts)",
        )
        self._stamp_names = frozenset(options.user_select)
        fields = frozenset(
            {
                Field.NAME,
                Field.DISPLAY_NAME,
                Field.EMAILS,
                Field.PHONES,
                Field.ADDRESSES,
                Field.ORGANIZATION,
                Field.DEPARTMENT,
                Field.JOB_TITLE,
                Field.NOTE,
                Field.URLS,
            }
        )
        self.capabilities = Capabilities(
            read_only=True, incremental=True, max_batch=100, fields=fields, holds_tags=False
        )

    # ------------------------------------------------------------ Graph

    def get(self, url: str, what: str, needs: str, params: Mapping[str, str] | None = None) -> Mapping[str, Any]:
        """One GET. Raises AuthFailed naming ``needs`` on 403, SyncTokenExpired on 410, ConnectorError on 4xx."""
        if not url.startswith("https://"):
            url = self.options.graph_url + url
        if not self.graph.owns(url):
            # a link in an answer must point back at Graph: a token never goes elsewhere
            raise ConnectorError(f"Graph handed account {self.name!r} a link elsewhere; refused", account=self.name)
        status, body = self.graph.get(url, params=params, what=what, passthrough=frozenset(range(400, 500)) - {429})
        if status == 403:
            raise AuthFailed(
                f"Graph denied {what} ({error_code(body) or 403}): the app registration needs the {needs} "
                "application permission with admin consent (Entra admin center → App registrations → API "
                "permissions)",
                account=self.name,
            )
        if status == 410:
            raise SyncTokenExpired(f"Graph no longer knows the delta link of account {self.name!r}")
        if status == 404 and needs == PERMISSION["group"]:
            raise ConnectorError(
                f"the group {self.options.group} of account {self.name!r} does not exist in the tenant: check "
                "options.group (the group's object id)",
                account=self.name,
            )
        if status == 400 and needs == PERMISSION["users"]:
            # the users' $select is the attribute map's property names: the likely culprit is a misspelt one
            raise ConnectorError(
                f"Graph refused {what} (400 {error_code(body)}): check that options.attributes names Graph user "
                f"properties ({_graph_message(body)})",
                account=self.name,
            )
        if status >= 400 or not isinstance(body, Mapping):
            raise ConnectorError(f"Graph refused {what} ({status} {error_code(body)})", account=self.name)
        return body

    def _pages(self, path: str, what: str, needs: str, params: Mapping[str, str] | None = None) -> Iterator[Any]:
        """Every item of a paged collection, following nextLink to the end."""
        body = self.get(path, what, needs, params)
        while True:
            yield from body.get("value") or []
            link = body.get("@odata.nextLink")
            if not link:
                return
            body = self.get(str(link), what, needs)

    def _delta(self, link: str | None) -> tuple[list[Mapping[str, Any]], str]:
        """One delta round: its entries and the deltaLink that ends it."""
        entries: list[Mapping[str, Any]] = []
        if link is None:
            body = self.get("/users/delta", "the users delta", PERMISSION["users"],
                             {"$select": ",".join(self.options.user_select)})  # fmt: skip
        else:
            body = self.get(link, "the users delta", PERMISSION["users"])
        while True:
            entries.extend(e for e in body.get("value") or [] if isinstance(e, Mapping) and e.get("id"))
            if body.get("@odata.deltaLink"):
                return entries, str(body["@odata.deltaLink"])
            link = body.get("@odata.nextLink")
            if not link:
                raise ConnectorError("Graph ended a users delta round without a deltaLink", account=self.name)
            body = self.get(str(link), "the users delta", PERMISSION["users"])

    def _read_users(self, ids: Sequence[str]) -> dict[str, _User]:
        """The users among ``ids`` that exist, read in full (15 a request)."""
        found: dict[str, _User] = {}
        for start in range(0, len(ids), IDS_PER_READ):
            chunk = ids[start : start + IDS_PER_READ]
            params = {
                "$filter": "id in (" + ",".join(f"'{i}'" for i in chunk) + ")",
                "$select": ",".join(self.options.user_select),
            }
            for item in self._pages("/users", "reading users", PERMISSION["users"], params):
                user = self._user(item)
                found[user.id] = user
        return found

    def _members(self) -> set[str] | None:
        if self.options.group is None:
            return None
        path = f"/groups/{quote(self.options.group)}/transitiveMembers/microsoft.graph.user"
        items = self._pages(path, "the group's members", PERMISSION["group"], {"$select": "id", "$top": str(PAGE)})
        return {str(item["id"]) for item in items if isinstance(item, Mapping) and item.get("id")}

    def _user(self, item: Mapping[str, Any]) -> _User:
        o = self.options
        eligible = (
            (o.include_disabled or item.get("accountEnabled") is not False)
            and (o.include_hidden or item.get("showInAddressList") is not False)
            and (o.include_guests or str(item.get("userType") or "Member") != "Guest")
        )
        return _User(str(item["id"]), item, stamp(item, self._stamp_names), eligible)

    def _remote_user(self, user: _User, quarantined: list[Quarantined]) -> RemoteContact | None:
        try:
            contact = normalize_contact(user_to_contact(user.properties, self.options.slots), self.region)
        except (ValueError, TypeError) as exc:
            # the reason shows in status: the exception's type only, its text may quote a value (personal data)
            quarantined.append(Quarantined(user.id, f"the user cannot be read as a contact ({type(exc).__name__})"))
            return None
        return RemoteContact(RemoteRef(user.id, user.stamp), contact)

    def _org_contacts(self, quarantined: list[Quarantined]) -> dict[str, RemoteContact]:
        if not self.options.org_contacts:
            return {}
        out: dict[str, RemoteContact] = {}
        params = {"$select": ",".join(ORG_CONTACT_SELECT), "$top": str(PAGE)}
        for item in self._pages("/contacts", "the organizational contacts", PERMISSION["org_contacts"], params):
            if not isinstance(item, Mapping) or not item.get("id"):
                continue
            contact_id = str(item["id"])
            try:
                contact = normalize_contact(org_contact_to_contact(item), self.region)
            except (ValueError, TypeError) as exc:
                reason = f"the org contact cannot be read as a contact ({type(exc).__name__})"
                quarantined.append(Quarantined(contact_id, reason))
                continue
            out[contact_id] = RemoteContact(RemoteRef(contact_id, stamp(item, frozenset(ORG_CONTACT_SELECT))), contact)
        return out

    # ------------------------------------------------------------ the protocol

    def pull(self, state: str | None) -> PullResult:
        """Users and org contacts changed since ``state`` (None: everyone in scope, ``full=True``).

        Raises AuthFailed (credentials refused, or a permission missing: the message names it), RateLimited,
        Transient, SyncTokenExpired (Graph forgot the delta link, or the state is unreadable), ConnectorError.
        """
        before = _State.decode(state) if state is not None else None
        quarantined: list[Quarantined] = []
        entries, delta_link = self._delta(before.delta_link if before is not None else None)
        after = _State(delta_link=delta_link)
        read: dict[str, _User] = {}
        if before is None:
            read = {user.id: user for user in map(self._user, (e for e in entries if "@removed" not in e))}
        else:
            after.users, after.others = dict(before.users), set(before.others)
            removed = {str(e["id"]) for e in entries if "@removed" in e}
            # an entry holding every selected property is the user as they are now (a new user, or one whose
            # every property changed); one holding fewer is a partial update: read that user again
            selected = set(self.options.user_select)
            complete = {str(e["id"]): e for e in entries if str(e["id"]) not in removed and selected <= set(e)}
            touched = sorted({str(e["id"]) for e in entries} - removed)
            read = {i: self._user(e) for i, e in complete.items()}
            read.update(self._read_users([i for i in touched if i not in complete]))
            for user_id in removed | (set(touched) - set(read)):  # gone, or gone before we could read them
                after.users.pop(user_id, None)
                after.others.discard(user_id)
        for user in read.values():
            if user.eligible:
                after.users[user.id] = user.stamp
                after.others.discard(user.id)
            else:
                after.users.pop(user.id, None)
                after.others.add(user.id)
        members = self._members()
        after.scope = {i for i in after.users if members is None or i in members}
        previous_scope = before.scope if before is not None else set()
        previous_users = before.users if before is not None else {}
        wanted = sorted(
            i for i in after.scope if i not in previous_scope or previous_users.get(i) != after.users[i] or i in read
        )
        missing = [i for i in wanted if i not in read]  # joined the group without changing: read them now
        read.update(self._read_users(missing))
        changed: list[RemoteContact] = []
        for user_id in wanted:
            found = read.get(user_id)
            if found is None or not found.eligible:
                after.scope.discard(user_id)  # left between the delta and the read
                continue
            if before is not None and user_id in previous_scope and previous_users.get(user_id) == found.stamp:
                continue  # a change to a property we read but that left the contact as it was
            remote = self._remote_user(found, quarantined)
            if remote is not None:
                changed.append(remote)
        read_before = len(quarantined)
        contacts = self._org_contacts(quarantined)
        # an unreadable org contact is kept too (no etag: read again each pull, as every org contact is), so that
        # its deletion is reported and ends its quarantine
        after.contacts = {q.remote_id: "" for q in quarantined[read_before:]}
        after.contacts.update({i: rc.ref.etag for i, rc in contacts.items()})
        previous_contacts = before.contacts if before is not None else {}
        changed.extend(rc for i, rc in sorted(contacts.items()) if previous_contacts.get(i) != rc.ref.etag)
        # quarantined items are neither present nor deleted: never deleted downstream for being unreadable
        unreadable = {q.remote_id for q in quarantined}
        deleted: tuple[str, ...] = ()
        if before is not None:
            deleted = tuple(sorted((previous_scope - after.scope) | (set(previous_contacts) - set(contacts))))
        return PullResult(
            changed=changed,
            deleted=tuple(i for i in deleted if i not in unreadable),
            next_state=after.encode(),
            full=before is None,
            quarantined=tuple(quarantined),
            present=frozenset(after.scope | set(contacts)),
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The users and org contacts among ``ids`` still in scope. Raises AuthFailed, RateLimited, Transient."""
        members = self._members()
        out: dict[str, RemoteContact] = {}
        for user in self._read_users(sorted(set(ids))).values():
            if user.eligible and (members is None or user.id in members):
                remote = self._remote_user(user, [])
                if remote is not None:
                    out[user.id] = remote
        wanted = set(ids) - set(out)
        if wanted:
            out.update({i: rc for i, rc in self._org_contacts([]).items() if i in wanted})
        return out

    def people(self) -> Sequence[DirectoryPerson]:
        """Every user in scope (filters and group applied), sorted by id; org contacts are not people with
        accounts and are left out. One listing of the users (999 a page), plus the group's members.

        Raises AuthFailed, RateLimited, Transient, ConnectorError.
        """
        members = self._members()
        params = {"$select": ",".join(sorted(FILTER_PROPERTIES | IDENTITY_PROPERTIES)), "$top": str(PAGE)}
        people = []
        for item in self._pages("/users", "listing users", PERMISSION["users"], params):
            user = self._user(item)
            if user.eligible and (members is None or user.id in members):
                people.append(
                    DirectoryPerson(
                        user.id,
                        str(item.get("mail") or ""),
                        str(item.get("userPrincipalName") or ""),
                        str(item.get("displayName") or ""),
                    )
                )
        return sorted(people, key=lambda person: person.id)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """A directory is read here, never written: every change is refused (the account must be pull-only)."""
        return refuse_writes(self.name, "the Entra ID directory", changes)

    def tag_counts(self) -> Mapping[Tag, int]:
        return {}

    def close(self) -> None:
        self._http.close()


def _graph_message(body: Any) -> str:
    """Graph's error message to a users' listing, scrubbed (:func:`~contactsync.connectors.outlook.auth.scrubbed`):
    it quotes the property it does not know (in single quotes, kept: a name from options.attributes); an email or
    a number long enough to be a phone is masked all the same."""
    error = body.get("error") if isinstance(body, Mapping) else None
    message = str(error.get("message", "")) if isinstance(error, Mapping) else ""
    return scrubbed(message, keep_single_quoted=True) if message else "no message"
