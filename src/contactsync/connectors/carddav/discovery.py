"""Finding a user's address books from a server URL.

RFC 6764 well-known URL, RFC 5397 current-user-principal, RFC 6352 addressbook-home-set.

Order: the URL itself (it may already be an address book, a principal or a home set), then
``/.well-known/carddav``, then the server root. The first that names a principal or a home set wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from contactsync.errors import (
    AuthFailed,
    CertificateRejected,
    ConnectorError,
    RateLimited,
    SyncTokenExpired,
    Transient,
)

from . import davxml
from .davxml import DavEntry
from .transport import AuthType, DavTransport, ServerError, TlsMismatch


@dataclass(frozen=True, slots=True)
class AddressBookInfo:
    """One address book found on the server: its full URL (ending in "/") and its display name (may be "")."""

    url: str
    display_name: str


_PROBE_PROPS = (davxml.CURRENT_USER_PRINCIPAL, davxml.ADDRESSBOOK_HOME_SET, davxml.RESOURCETYPE, davxml.DISPLAYNAME)
_LIST_PROPS = (davxml.RESOURCETYPE, davxml.DISPLAYNAME)


def discover(
    url: str,
    username: str,
    password: str | None,
    *,
    verify: bool | str = True,
    timeout: float = 30,
    auth_type: AuthType = AuthType.AUTO,
) -> list[AddressBookInfo]:
    """The address books ``username`` can see on the server at ``url``, sorted by URL.

    Raises AuthFailed (credentials refused), CertificateRejected (TLS certificate not trusted), TlsMismatch (no TLS
    version or cipher in common), Transient (network: the server unreachable, a connection cut during TLS),
    RateLimited, BadServerResponse, ConnectorError (nothing that looks like CardDAV was found).
    """
    transport = DavTransport(url, username, password, verify=verify, timeout=timeout, auth_type=auth_type)
    try:
        return _discover(transport, url)
    finally:
        transport.close()


def _same_server(base: str, href: str) -> str | None:
    target = urljoin(base, href)
    a, b = urlsplit(base), urlsplit(target)
    return target if (a.scheme, a.netloc) == (b.scheme, b.netloc) else None


def _probe(transport: DavTransport, url: str) -> DavEntry | None:
    try:
        answer = transport.propfind(url, davxml.propfind_body(_PROBE_PROPS), 0)
    except ServerError:
        return None  # this candidate fails on the server (501 for PROPFIND on the root, ...): try the next
    except (AuthFailed, SyncTokenExpired, CertificateRejected, TlsMismatch, RateLimited, Transient):
        # the server or the way to it fails whatever the candidate: saying "no CardDAV found" would be a lie
        raise
    except ConnectorError:
        # this candidate is no DAV resource (404, HTML page, ...): try the next
        return None
    return answer.entries[0] if answer.entries else None


def _discover(transport: DavTransport, url: str) -> list[AddressBookInfo]:
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    candidates = []
    if parts.path not in ("", "/"):
        candidates.append(url)
    well_known = transport.redirect_target(urljoin(root, "/.well-known/carddav"))
    if well_known and _same_server(root, well_known):
        candidates.append(well_known)
    candidates.append(root)

    for candidate in candidates:
        entry = _probe(transport, candidate)
        if entry is None:
            continue
        if entry.has_resourcetype(davxml.ADDRESSBOOK):
            return [AddressBookInfo(_with_slash(candidate), entry.text(davxml.DISPLAYNAME) or "")]
        homes = [h for h in (_same_server(candidate, x) for x in entry.hrefs_inside(davxml.ADDRESSBOOK_HOME_SET)) if h]
        if not homes:
            principals = [
                p for p in (_same_server(candidate, x) for x in entry.hrefs_inside(davxml.CURRENT_USER_PRINCIPAL)) if p
            ]
            for principal in principals:
                principal_entry = _probe(transport, principal)
                if principal_entry is not None:
                    homes += [
                        h
                        for h in (
                            _same_server(principal, x)
                            for x in principal_entry.hrefs_inside(davxml.ADDRESSBOOK_HOME_SET)
                        )
                        if h
                    ]
        if homes:
            return _list_books(transport, homes)
    raise ConnectorError(
        f"no CardDAV address book home found at {parts.netloc}: check the URL (and that the server speaks CardDAV)"
    )


def _list_books(transport: DavTransport, homes: list[str]) -> list[AddressBookInfo]:
    books: dict[str, AddressBookInfo] = {}
    for home in homes:
        listing = transport.propfind(home, davxml.propfind_body(_LIST_PROPS), 1)
        for entry in listing.entries:
            book_url = _same_server(home, entry.href)
            if book_url and entry.has_resourcetype(davxml.ADDRESSBOOK):
                book_url = _with_slash(book_url)
                books[book_url] = AddressBookInfo(book_url, entry.text(davxml.DISPLAYNAME) or "")
    return [books[k] for k in sorted(books)]


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
