"""A read-only LDAP directory (OpenLDAP, Active Directory) as a source of contacts.

How a pull works, and why: every pull lists the ids and change stamps of all entries in scope (two small
attributes an entry, one paged search), compares them with the stamps of the last pull, and reads in full only
the entries that are new to the scope or changed. The stamp is ``entryCSN`` on OpenLDAP (changes within the same
second stay distinct, unlike ``modifyTimestamp``) and ``uSNChanged`` on Active Directory. Listing stamps rather
than asking the server for "changed since" catches what timestamps miss: a user added to the synced group or
moved into the OU (the entry itself did not change), and deletions (an id missing from the listing; LDAP has no
tombstones to ask for without special rights). A first pull, or one where most entries changed, reads
everything in one paged search instead.

Filters: ``filter`` (an LDAP filter), ``group`` (members only, nested groups followed), and, by default, disabled
accounts and entries hidden from the address list are left out (``disabled_filter``, ``hidden_filter``).

What the directory does not hold as configured is a failed listing, never an empty scope: a ``group`` or
``base_dn`` that does not exist (mistyped, or renamed in the directory later), a filter or attribute the
directory's schema does not know. Each raises ConnectorError naming the option to fix, and is not retried:
the engine, a distribution and a book template then take no one as gone. A photo over the book's
``photo_max_bytes`` is left out and said so (per person, and in the account's notices and the log).
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ldap3
from ldap3.core import exceptions as ldap_errors
from ldap3.core.results import RESULT_SIZE_LIMIT_EXCEEDED, RESULT_TIME_LIMIT_EXCEEDED
from ldap3.operation.search import parse_filter

from contactsync.connector import (
    BaseConnector,
    Capabilities,
    Change,
    ChangeResult,
    Notice,
    PullResult,
    Quarantined,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.directory import DirectoryPerson, refuse_writes
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.errors import (
    AuthFailed,
    ConfigError,
    ConfigProblem,
    ConnectorError,
    Transient,
)
from contactsync.model import Field, Tag
from contactsync.normalize import normalize_contact

from .mapping import DEFAULT_ATTRIBUTES, DEFAULT_PHOTO_MAX_BYTES, Flavor, Slot, entry_to_contact, photo_over_cap

log = logging.getLogger(__name__)

STATE_PREFIX = "ldap1:"
#: above this share of changed entries a pull reads the whole scope in one search instead of entry by entry
FULL_READ_SHARE = 0.3
#: nested groups followed at most this deep (a cycle or a huge tree stops here)
MAX_GROUP_DEPTH = 10

_ID_ATTRIBUTE = {Flavor.OPENLDAP: "entryUUID", Flavor.ACTIVE_DIRECTORY: "objectGUID"}
_STAMP_ATTRIBUTE = {Flavor.OPENLDAP: "entryCSN", Flavor.ACTIVE_DIRECTORY: "uSNChanged"}
#: the sign-in name book templates expand as ``{username}`` / ``{upn}`` (DirectoryPerson.username)
_USERNAME_ATTRIBUTE = {Flavor.OPENLDAP: "uid", Flavor.ACTIVE_DIRECTORY: "userPrincipalName"}
_DEFAULT_FILTER = {
    Flavor.OPENLDAP: "(objectClass=inetOrgPerson)",
    Flavor.ACTIVE_DIRECTORY: "(&(objectCategory=person)(objectClass=user))",
}
#: AD: userAccountControl bit 2 (ACCOUNTDISABLE), matched with the bitwise-AND rule
_DEFAULT_DISABLED = {Flavor.OPENLDAP: "", Flavor.ACTIVE_DIRECTORY: "(userAccountControl:1.2.840.113556.1.4.803:=2)"}
_DEFAULT_HIDDEN = {Flavor.OPENLDAP: "", Flavor.ACTIVE_DIRECTORY: "(msExchHideFromAddressLists=TRUE)"}
#: object classes of a group whose members are listed by DN (member, uniqueMember); AD's is "group"
_GROUP_CLASSES = frozenset({"groupofnames", "groupofuniquenames", "groupofmembers", "groupofentries", "group"})
#: what ldap3 finds wrong in a search before sending it (checked against the schema the server published), and
#: what the server answers about the request itself: the configuration's to fix, never retried
_REFUSED_SEARCH = (
    ldap_errors.LDAPObjectClassError,
    ldap_errors.LDAPAttributeError,
    ldap_errors.LDAPInvalidValueError,
    ldap_errors.LDAPInvalidFilterError,
    ldap_errors.LDAPUndefinedAttributeTypeResult,
    ldap_errors.LDAPInappropriateMatchingResult,
    ldap_errors.LDAPInvalidAttributeSyntaxResult,
)
_BAD_DN = (ldap_errors.LDAPInvalidDnError, ldap_errors.LDAPInvalidDNSyntaxResult)


@dataclass(frozen=True)
class LdapOptions:
    """The ``options`` of a ``type: ldap`` account, typed."""

    url: str
    base_dn: str
    bind_dn: str | None = None
    flavor: Flavor = Flavor.OPENLDAP
    filter: str = ""
    subtree: bool = True
    group: str | None = None
    disabled_filter: str = ""
    hidden_filter: str = ""
    include_disabled: bool = False
    include_hidden: bool = False
    attributes: Mapping[Slot, str] | None = None
    start_tls: bool = False
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout: float = 30.0
    page_size: int = 500

    @property
    def slots(self) -> Mapping[Slot, str]:
        return {**DEFAULT_ATTRIBUTES[self.flavor], **(self.attributes or {})}

    @property
    def filter_parts(self) -> tuple[tuple[str, str, bool], ...]:
        """The filters the scope is made of, each as (its option's key, the filter, whether the admin wrote it:
        else it is the flavor's default)."""
        parts = [("filter", self.filter or _DEFAULT_FILTER[self.flavor], bool(self.filter))]
        disabled = self.disabled_filter or _DEFAULT_DISABLED[self.flavor]
        if disabled and not self.include_disabled:
            parts.append(("disabled_filter", disabled, bool(self.disabled_filter)))
        hidden = self.hidden_filter or _DEFAULT_HIDDEN[self.flavor]
        if hidden and not self.include_hidden:
            parts.append(("hidden_filter", hidden, bool(self.hidden_filter)))
        return tuple(parts)

    @property
    def scope_filter(self) -> str:
        parts = [text if key == "filter" else f"(!{text})" for key, text, _ in self.filter_parts]
        return parts[0] if len(parts) == 1 else "(&" + "".join(parts) + ")"

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> LdapOptions:
        """Raises ConfigError listing every bad key (the schema checked the types already)."""
        problems: list[ConfigProblem] = []
        url = options.get("url")
        if not isinstance(url, str) or not url.startswith(("ldap://", "ldaps://")):
            problems.append(ConfigProblem("", None, f"{where}.url", "an ldap:// or ldaps:// URL is required"))
        base_dn = options.get("base_dn")
        if not isinstance(base_dn, str) or "=" not in base_dn:
            problems.append(ConfigProblem("", None, f"{where}.base_dn", "the DN to search under is required"))
        try:
            flavor = Flavor(options.get("flavor", Flavor.OPENLDAP.value))
        except ValueError:
            flavor = Flavor.OPENLDAP
            known = ", ".join(f.value for f in Flavor)
            problems.append(ConfigProblem("", None, f"{where}.flavor", f"must be one of {known}"))
        attributes: dict[Slot, str] = {}
        for key, attribute in dict(options.get("attributes") or {}).items():
            try:
                attributes[Slot(key)] = str(attribute)
            except ValueError:
                known = ", ".join(s.value for s in Slot)
                problems.append(ConfigProblem("", None, f"{where}.attributes.{key}", f"not a slot; slots: {known}"))
        for key in ("filter", "disabled_filter", "hidden_filter"):
            text = options.get(key)
            if text and not (str(text).startswith("(") and str(text).endswith(")")):
                problems.append(ConfigProblem("", None, f"{where}.{key}", "an LDAP filter in parentheses"))
        if problems:
            raise ConfigError(problems)
        return cls(
            url=str(url),
            base_dn=str(base_dn),
            bind_dn=options.get("bind_dn"),
            flavor=flavor,
            filter=str(options.get("filter", "")),
            subtree=options.get("scope", "subtree") == "subtree",
            group=options.get("group"),
            disabled_filter=str(options.get("disabled_filter", "")),
            hidden_filter=str(options.get("hidden_filter", "")),
            include_disabled=bool(options.get("include_disabled", False)),
            include_hidden=bool(options.get("include_hidden", False)),
            attributes=attributes or None,
            start_tls=bool(options.get("start_tls", False)),
            verify_tls=bool(options.get("verify_tls", True)),
            ca_bundle=options.get("ca_bundle"),
            timeout=float(options.get("timeout", 30.0)),
            page_size=int(options.get("page_size", 500)),
        )


def _encode_state(stamps: Mapping[str, str]) -> str:
    return pack_state(STATE_PREFIX, stamps)


def _decode_state(state: str) -> dict[str, str]:
    return unpack_state(
        STATE_PREFIX, state, lambda rows: {str(k): str(v) for k, v in rows.items()}, what="the directory state"
    )


class LdapConnector(BaseConnector):
    """A directory read through LDAP: pull and fetch only; every write is refused with ItemRejected."""

    def __init__(
        self,
        name: str,
        options: LdapOptions,
        password: str | None,
        *,
        region: str = "US",
        photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES,
    ) -> None:
        self.name = name
        self.options = options
        self.region = region
        #: the book's ``photo_max_bytes``: a larger photo is left out of the contact, and said so
        self.photo_max_bytes = photo_max_bytes
        self._password = password
        self._connection: ldap3.Connection | None = None
        #: how many LDAP operations each pull made (searches, reads): the benchmark's and tests' request count
        self.operations = 0
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
                Field.PHOTO,
            }
        )
        self.capabilities = Capabilities(
            read_only=True, incremental=True, max_batch=100, fields=fields, holds_tags=False
        )

    # ------------------------------------------------------------ connection

    def _connect(self) -> ldap3.Connection:
        if self._connection is not None and self._connection.bound:
            return self._connection
        o = self.options
        tls = None
        if o.url.startswith("ldaps://") or o.start_tls:
            tls = ldap3.Tls(
                validate=ssl.CERT_REQUIRED if o.verify_tls else ssl.CERT_NONE,
                ca_certs_file=o.ca_bundle,
            )
        server = ldap3.Server(
            o.url, use_ssl=o.url.startswith("ldaps://"), tls=tls, connect_timeout=max(1, round(o.timeout))
        )
        connection = ldap3.Connection(
            server,
            user=o.bind_dn,
            password=self._password,
            read_only=True,
            raise_exceptions=True,
            receive_timeout=max(1, round(o.timeout)),  # ldap3 packs it into a socket option: whole seconds
        )
        try:
            connection.open()
            if o.start_tls:
                connection.start_tls()
            connection.bind()
        except Exception as exc:
            # a refused bind or a refused connection must not leave its socket open (ldap3 keeps the socket of a
            # connect that failed)
            with contextlib.suppress(ldap_errors.LDAPException, OSError):
                connection.unbind()
            leftover = getattr(connection, "socket", None)
            if leftover is not None:
                leftover.close()
            raise self._translate(exc, "binding") from exc
        self._connection = connection
        return connection

    def _where(self) -> str:
        return f"the directory of account {self.name!r} ({self.options.url})"

    def _translate(self, exc: BaseException, doing: str) -> ConnectorError:
        where = self._where()
        if isinstance(exc, (ldap_errors.LDAPInvalidCredentialsResult, ldap_errors.LDAPBindError)):
            return AuthFailed(f"{where} refused the bind DN and password while {doing}", account=self.name)
        if isinstance(exc, ldap_errors.LDAPInsufficientAccessRightsResult):
            return AuthFailed(f"{where}: the bind DN may not read this while {doing}", account=self.name)
        if isinstance(exc, (ldap_errors.LDAPCertificateError, ssl.SSLCertVerificationError)):
            # permanent: retrying cannot fix a certificate; the admin names a CA with ca_bundle
            return ConnectorError(
                f"{where}: the server's TLS certificate is not trusted ({exc}); set ca_bundle", account=self.name
            )
        if isinstance(exc, (ldap_errors.LDAPCommunicationError, ldap_errors.LDAPResponseTimeoutError, OSError)):
            return Transient(f"{where} did not answer while {doing}", account=self.name)
        return Transient(f"{where} failed while {doing}: {type(exc).__name__}", account=self.name)

    def _missing(self, key: str, dn: str) -> ConnectorError:
        """The entry ``options.<key>`` names is not in the directory (or the bind DN may not see it)."""
        what = "group" if key == "group" else "subtree to search"
        return ConnectorError(
            # a failed listing, not an empty directory: no one is taken as gone, no templated book retired
            f"{self._where()}: the {what} {dn!r} (options.{key}) does not exist, or the bind DN may not read it; "
            f"nothing was listed, so no one is taken as gone: check options.{key}",
            account=self.name,
        )

    def _refused(self, exc: BaseException, search_filter: str, attributes: Sequence[str]) -> ConnectorError:
        """A search the directory's schema refuses (an attribute or object class it does not know, a value of the
        wrong syntax, a filter that does not parse): the option to fix, named. ldap3 checks a search against the
        schema the server publishes before sending it, attributes first, then the filter."""
        o = self.options
        where = self._where()
        schema = self._connection.server.schema if self._connection is not None else None
        known = schema.attribute_types if schema is not None else None
        unknown = [a for a in attributes if known is not None and a not in known]
        if unknown:
            attribute = unknown[0]
            if attribute in (o.attributes or {}).values():
                fix = "check options.attributes"
            elif attribute in DEFAULT_ATTRIBUTES[o.flavor].values():
                fix = (
                    f"flavor {o.flavor.value} reads it by default: check options.flavor, or map that part of a "
                    "contact to another attribute in options.attributes"
                )
            else:
                fix = f"flavor {o.flavor.value} reads ids, change stamps or sign-in names from it: check options.flavor"
            return ConnectorError(
                f"{where}: the directory's schema has no attribute {attribute!r}; {fix}", account=self.name
            )
        if search_filter != o.scope_filter:
            # an entry read by DN: its filter is no option's
            return ConnectorError(
                f"{where}: the directory refuses reading an entry ({type(exc).__name__}: {exc})", account=self.name
            )
        keys = [
            f"options.{key}"
            if written
            else f"the default {key} of flavor {o.flavor.value} (set options.{key}, or check options.flavor)"
            for key, _, written in self._refused_filters()
        ]
        named = ", ".join(keys) or ", ".join(
            f"options.{key}" if written else f"the default {key} of flavor {o.flavor.value}"
            for key, _, written in o.filter_parts
        )
        # ldap3's text names the attribute, class or value the schema refuses: the admin's filter, not personal data
        return ConnectorError(
            f"{where}: the directory refuses the search's filter ({type(exc).__name__}: {exc}): check {named}",
            account=self.name,
        )

    def _refused_filters(self) -> list[tuple[str, str, bool]]:
        """The scope's filters that ldap3 refuses on their own against the server's schema (each alone, as it
        checked them together)."""
        connection = self._connection
        if connection is None or connection.server is None:
            return []
        found = []
        for key, text, written in self.options.filter_parts:
            try:
                parse_filter(  # type: ignore[no-untyped-call]
                    text,
                    connection.server.schema,
                    connection.auto_escape,
                    connection.auto_encode,
                    connection.server.custom_validator,
                    connection.check_names,
                )
            except ldap_errors.LDAPException:
                found.append((key, text, written))
        return found

    def _search(
        self, search_filter: str, attributes: Sequence[str], *, base: str | None = None, base_key: str | None = None
    ) -> Iterator[Any]:
        """Entries (dicts with ``dn``, ``attributes``, ``raw_attributes``) of one paged search: of the scope under
        ``options.base_dn``, or of the one entry ``base`` names. ``base_key`` names the option that entry comes
        from (``group``): if it does not exist the listing fails, naming the option. Without it an entry read by
        DN may be gone (a person who left since the listing, a group's member no longer there): nothing is
        yielded then."""
        connection = self._connect()
        o = self.options
        scope = ldap3.BASE if base is not None else (ldap3.SUBTREE if o.subtree else ldap3.LEVEL)
        key = "base_dn" if base is None else base_key
        self.operations += 1
        try:
            for entry in connection.extend.standard.paged_search(
                base or o.base_dn,
                search_filter,
                search_scope=scope,
                attributes=list(attributes),
                paged_size=o.page_size,
                generator=True,
            ):
                if entry.get("type") == "searchResEntry":
                    yield entry
            # ldap3 raises on neither: a listing the server cut short must never pass for the whole scope
            # (the engine would take every entry not listed as deleted)
            code = (connection.result or {}).get("result")
            if code in (RESULT_SIZE_LIMIT_EXCEEDED, RESULT_TIME_LIMIT_EXCEEDED):
                what = "size" if code == RESULT_SIZE_LIMIT_EXCEEDED else "time"
                raise ConnectorError(
                    # the bind DN is named by the option that holds it, not as it is: a DN may name a person
                    # ("cn=Ana Silva,ou=people,…") when a person's own login binds
                    f"the directory of account {self.name!r} cut the listing short at its {what} limit: raise "
                    f"the limit for {'the bind DN (options.bind_dn)' if o.bind_dn else 'anonymous binds'} "
                    '(OpenLDAP: limits dn.exact="…" size.prtotal=unlimited; Active Directory: MaxPageSize applies '
                    "per page, not in total)",
                    account=self.name,
                )
        except ldap_errors.LDAPNoSuchObjectResult as exc:
            if key is None:
                return  # the entry read by DN is gone
            raise self._missing(key, base or o.base_dn) from exc
        except _BAD_DN as exc:
            if key is None:
                # a DN the directory itself listed: not the configuration's, and not worth retrying either
                raise ConnectorError(
                    f"{self._where()}: an entry's DN cannot be read ({type(exc).__name__})", account=self.name
                ) from exc
            raise ConnectorError(
                f"{self._where()}: options.{key} is not a DN ldap3 can read ({exc}): check options.{key}",
                account=self.name,
            ) from exc
        except _REFUSED_SEARCH as exc:
            raise self._refused(exc, search_filter, attributes) from exc
        except ldap_errors.LDAPException as exc:
            raise self._translate(exc, "searching") from exc
        except OSError as exc:
            raise self._translate(exc, "searching") from exc

    def _group_members(self) -> set[str] | None:
        """DNs (lower-cased) of the configured group's members, nested groups followed; None: no group set.

        Raises ConnectorError naming options.group when the group is not in the directory, or is no group."""
        group = self.options.group
        if not group:
            return None
        members: set[str] = set()
        seen: set[str] = set()
        todo = [(group, 0)]
        while todo:
            dn, depth = todo.pop()
            if dn.lower() in seen or depth > MAX_GROUP_DEPTH:
                continue
            seen.add(dn.lower())
            found = False
            for entry in self._search(
                "(objectClass=*)",
                ["member", "uniqueMember", "objectClass"],
                base=dn,
                base_key="group" if depth == 0 else None,
            ):
                found = True
                attrs = entry["attributes"]
                listed = [str(m) for m in [*attrs.get("member", []), *attrs.get("uniqueMember", [])]]
                classes = {str(c).lower() for c in attrs.get("objectClass", [])}
                if depth == 0 and not listed and not classes & _GROUP_CLASSES:
                    # an OU or a person named by mistake: nothing would ever be a member of it
                    raise ConnectorError(
                        f"{self._where()}: options.group {dn!r} is not a group whose members are listed by DN "
                        "(member or uniqueMember: groupOfNames, groupOfUniqueNames, Active Directory's group); "
                        "check options.group",
                        account=self.name,
                    )
                for member in listed:
                    members.add(member.lower())
                    todo.append((member, depth + 1))
            if depth == 0 and not found:
                raise self._missing("group", dn)
        return members

    # ------------------------------------------------------------ reading

    def _ids_and_stamps(self, members: set[str] | None) -> dict[str, tuple[str, str]]:
        id_attr, stamp_attr = _ID_ATTRIBUTE[self.options.flavor], _STAMP_ATTRIBUTE[self.options.flavor]
        out: dict[str, tuple[str, str]] = {}
        for entry in self._search(self.options.scope_filter, [id_attr, stamp_attr]):
            if members is not None and entry["dn"].lower() not in members:
                continue
            entry_id = _single(entry["attributes"].get(id_attr))
            if entry_id:
                out[entry_id] = (_single(entry["attributes"].get(stamp_attr)), entry["dn"])
        return out

    def _remote(self, entry: Any, quarantined: list[Quarantined]) -> RemoteContact | None:
        o = self.options
        entry_id = _single(entry["attributes"].get(_ID_ATTRIBUTE[o.flavor]))
        stamp = _single(entry["attributes"].get(_STAMP_ATTRIBUTE[o.flavor]))
        raw = dict(entry["attributes"])
        photo_attr = o.slots.get(Slot.PHOTO)
        if photo_attr and photo_attr in entry.get("raw_attributes", {}):
            raw[photo_attr] = entry["raw_attributes"][photo_attr]
        try:
            contact = normalize_contact(
                entry_to_contact(raw, o.slots, photo_max_bytes=self.photo_max_bytes), self.region
            )
        except (ValueError, TypeError) as exc:
            # the type only: Python's text for a bad value quotes it ("invalid literal for int(): 'Ana'")
            quarantined.append(Quarantined(entry_id, f"the entry cannot be read as a contact ({type(exc).__name__})"))
            return None
        left_behind: tuple[tuple[str, str], ...] = ()
        if photo_over_cap(raw, o.slots, photo_max_bytes=self.photo_max_bytes):
            # journaled for the person by a book (``person show``), counted in the account's notices
            left_behind = (
                (
                    "photo",
                    f"over photo_max_bytes ({self.photo_max_bytes} bytes): it stays in the directory and is not "
                    "carried to the other accounts",
                ),
            )
        return RemoteContact(RemoteRef(entry_id, stamp), contact, left_behind=left_behind)

    def _read_attributes(self) -> list[str]:
        o = self.options
        return sorted({*o.slots.values(), _ID_ATTRIBUTE[o.flavor], _STAMP_ATTRIBUTE[o.flavor]})

    def pull(self, state: str | None) -> PullResult:
        """Entries changed since ``state`` (None: every entry in scope, ``full=True``).

        Raises AuthFailed (bind refused), Transient (server unreachable), ConnectorError (base DN, group, filter
        or attribute map not as the directory holds them, naming the option; TLS certificate not trusted),
        SyncTokenExpired (unreadable state).
        """
        before = _decode_state(state) if state is not None else None
        members = self._group_members()
        listing = self._ids_and_stamps(members)
        changed_ids = [i for i, (stamp, _) in listing.items() if before is None or before.get(i) != stamp]
        quarantined: list[Quarantined] = []
        changed: list[RemoteContact] = []
        full = before is None
        if full or len(changed_ids) > FULL_READ_SHARE * max(1, len(listing)):
            wanted = set(changed_ids)
            id_attr = _ID_ATTRIBUTE[self.options.flavor]
            for entry in self._search(self.options.scope_filter, self._read_attributes()):
                if _single(entry["attributes"].get(id_attr)) not in wanted:
                    continue  # unchanged, or out of the group: neither mapped nor reported again
                remote = self._remote(entry, quarantined)
                if remote is not None:
                    changed.append(remote)
        else:
            for entry_id in changed_ids:
                for entry in self._search("(objectClass=*)", self._read_attributes(), base=listing[entry_id][1]):
                    remote = self._remote(entry, quarantined)
                    if remote is not None:
                        changed.append(remote)
        deleted = () if before is None else tuple(sorted(set(before) - set(listing)))
        return PullResult(
            changed=changed,
            deleted=deleted,
            next_state=_encode_state({i: stamp for i, (stamp, _) in listing.items()}),
            full=full,
            quarantined=tuple(quarantined),
            present=frozenset(listing),
            notices=self._photo_notices(sum(1 for rc in changed if rc.left_behind)),
        )

    def _photo_notices(self, over_cap: int) -> tuple[Notice, ...]:
        """The account's notice of the photos read in this pull that are over the cap, logged too (a distribution
        shows no source notices): a count, never whose."""
        if not over_cap:
            return ()
        log.warning(
            "account %s: %d photo(s) read from the directory are over photo_max_bytes (%d bytes) and not carried "
            "to the other accounts",
            self.name,
            over_cap,
            self.photo_max_bytes,
        )
        return (
            Notice(
                "photos-over-cap",
                f"{over_cap} photo(s) over photo_max_bytes ({self.photo_max_bytes} bytes) stay in the directory "
                "but are not carried to other accounts; raise the book's photo_max_bytes to carry them",
            ),
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The entries among ``ids`` still in scope. Raises AuthFailed, Transient, ConnectorError."""
        wanted = set(ids)
        listing = self._ids_and_stamps(self._group_members())
        out: dict[str, RemoteContact] = {}
        for entry_id in sorted(wanted & set(listing)):
            for entry in self._search("(objectClass=*)", self._read_attributes(), base=listing[entry_id][1]):
                remote = self._remote(entry, [])
                if remote is not None:
                    out[entry_id] = remote
        return out

    def people(self) -> Sequence[DirectoryPerson]:
        """Everyone in scope (filters and group applied), sorted by id: one search of four attributes an entry.

        Raises AuthFailed, Transient, ConnectorError, like ``pull``.
        """
        o = self.options
        members = self._group_members()
        id_attr, user_attr = _ID_ATTRIBUTE[o.flavor], _USERNAME_ATTRIBUTE[o.flavor]
        email_attr = o.slots.get(Slot.EMAIL) or "mail"
        display_attr = o.slots.get(Slot.DISPLAY_NAME) or "displayName"
        people = []
        for entry in self._search(o.scope_filter, sorted({id_attr, user_attr, email_attr, display_attr})):
            if members is not None and entry["dn"].lower() not in members:
                continue
            attrs = entry["attributes"]
            entry_id = _single(attrs.get(id_attr))
            if entry_id:
                people.append(
                    DirectoryPerson(
                        entry_id,
                        _single(attrs.get(email_attr)),
                        _single(attrs.get(user_attr)),
                        _single(attrs.get(display_attr)),
                    )
                )
        return sorted(people, key=lambda person: person.id)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """A directory is read here, never written: every change is refused (the account must be pull-only)."""
        return refuse_writes(self.name, "a directory read over LDAP", changes)

    def tag_counts(self) -> Mapping[Tag, int]:
        return {}

    def close(self) -> None:
        if self._connection is not None:
            # closing a connection that already failed must not raise
            with contextlib.suppress(ldap_errors.LDAPException, OSError):
                self._connection.unbind()
            self._connection = None


def _single(values: Any) -> str:
    if isinstance(values, (list, tuple)):
        values = values[0] if values else ""
    return "" if values is None else str(values)
