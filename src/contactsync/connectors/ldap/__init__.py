"""An LDAP directory (OpenLDAP, Active Directory) as a read-only source of contacts: ``type: ldap``.

Public names: :class:`LdapConnector`, :class:`LdapOptions`, :class:`Flavor`, :class:`Slot`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactsync.errors import ConfigError, ConfigProblem
from contactsync.registry import ConnectorType, Rate
from contactsync.settings import AccountMode, AccountSettings, BookSettings

from .connector import LdapConnector, LdapOptions
from .mapping import DEFAULT_ATTRIBUTES, Flavor, Slot

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url", "base_dn"],
    "properties": {
        "url": {
            "type": "string",
            "pattern": "^ldaps?://[^/]+",
            "description": "The directory server: ldaps://host (TLS) or ldap://host with `start_tls: true`.",
            "examples": ["ldaps://ldap.example.org"],
        },
        "base_dn": {
            "type": "string",
            "description": "Where to search: the DN of the people's subtree.",
            "examples": ["ou=people,dc=example,dc=org"],
        },
        "bind_dn": {
            "type": "string",
            "description": "The DN to bind as (a read-only service account); its password comes from the account's "
            "`password` secret (`password_file`, `password_credential`). Anonymous when left out.",
            "examples": ["cn=contactsync,ou=services,dc=example,dc=org"],
        },
        "flavor": {
            "enum": [f.value for f in Flavor],
            "description": "The server's schema: which attributes identify an entry and mark its changes "
            "(entryUUID and entryCSN, or objectGUID and uSNChanged), and the default filters and attributes.",
            "examples": ["openldap", "active_directory"],
        },
        "filter": {
            "type": "string",
            "description": "LDAP filter of the entries to read (default: inetOrgPerson entries; on Active Directory, "
            "user objects).",
            "examples": ["(&(objectClass=inetOrgPerson)(employeeType=staff))"],
        },
        "scope": {
            "enum": ["subtree", "one"],
            "description": "Search the whole subtree under base_dn, or only its direct children.",
            "examples": ["subtree"],
        },
        "group": {
            "type": "string",
            "description": "Only members of this group (its DN); nested groups are followed.",
            "examples": ["cn=staff,ou=groups,dc=example,dc=org"],
        },
        "disabled_filter": {
            "type": "string",
            "description": "Entries matching this filter are disabled accounts and left out (Active Directory's "
            "ACCOUNTDISABLE bit by default; none on OpenLDAP).",
            "examples": ["(pwdAccountLockedTime=*)"],
        },
        "hidden_filter": {
            "type": "string",
            "description": "Entries matching this filter are hidden from the address list and left out "
            "(msExchHideFromAddressLists=TRUE on Active Directory by default).",
            "examples": ["(employeeType=hidden)"],
        },
        "include_disabled": {
            "type": "boolean",
            "description": "Read disabled accounts too.",
            "examples": [False],
        },
        "include_hidden": {
            "type": "boolean",
            "description": "Read entries hidden from the address list too.",
            "examples": [False],
        },
        "attributes": {
            "type": "object",
            "propertyNames": {"enum": [s.value for s in Slot]},
            "additionalProperties": {"type": "string"},
            "description": "Which attribute fills which part of a contact, over the flavor's defaults "
            f"(OpenLDAP: {', '.join(f'{k.value}={v}' for k, v in DEFAULT_ATTRIBUTES[Flavor.OPENLDAP].items())}).",
            "examples": [{"mobile_phone": "mobileTelephoneNumber", "department": "departmentNumber"}],
        },
        "start_tls": {
            "type": "boolean",
            "description": "Upgrade an ldap:// connection with StartTLS before binding.",
            "examples": [True],
        },
        "verify_tls": {
            "type": "boolean",
            "description": "Check the server's TLS certificate (keep this on; use `ca_bundle` for a private CA).",
            "examples": [True],
        },
        "ca_bundle": {
            "type": "string",
            "format": "path",
            "description": "A PEM file of CA certificates to trust instead of the system's.",
            "examples": ["/etc/contactsync/ldap-ca.pem"],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for the server on each operation.",
            "examples": [30],
        },
        "page_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "Entries per page of a search (Active Directory answers at most 1000).",
            "examples": [500],
        },
    },
}


def build(account: AccountSettings, book: BookSettings) -> LdapConnector:
    """Raises ConfigError for bad options, or when the account is not ``mode: pull-only``."""
    where = f"books.{book.name}.accounts.{account.name}"
    options = LdapOptions.from_mapping(account.options, f"{where}.options")
    if account.mode is not AccountMode.PULL_ONLY:
        raise ConfigError(
            [
                ConfigProblem(
                    "", None, f"{where}.mode", "a directory is only read: set `mode: pull-only` on this account"
                )
            ]
        )
    secret = account.secrets.get("password")
    return LdapConnector(
        account.name,
        options,
        secret.value if secret is not None else None,
        region=book.default_region,
        # the book's cap, as a vCard account's: one key says how large a photo travels
        photo_max_bytes=book.photo_max_bytes,
    )


#: ``type: ldap``. A directory on the LAN takes far more than this; the limit only keeps a large first listing
#: from looking like a scan to an intrusion detector.
CONNECTOR_TYPE = ConnectorType(
    name="ldap",
    build=build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=20.0, burst=50),
)

__all__ = ["CONNECTOR_TYPE", "Flavor", "LdapConnector", "LdapOptions", "Slot"]
