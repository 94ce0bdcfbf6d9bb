"""``contactsync doctor`` for a CardDAV account: the checks a first sync depends on, against the real server.

1. ``address book``: the URL answers PROPFIND (RFC 4918) with the credentials, and is an address book (RFC 6352
   ``resourcetype``), not a home set or a calendar;
2. ``discovery``: the server's principal and address book home (RFC 5397, RFC 6352 section 7.1) list this book;
   a warning only, since the connector uses ``options.url`` as given;
3. ``sync-collection``: RFC 6578 is offered and answers; without it every run lists every card's etag (the
   cost is measured and said), and a server that offers it but refuses it fails the sync unless
   ``use_sync_collection: false``;
4. ``size``: the cards the first sync reads;
5. ``write`` (with ``--write`` only): one scratch card created, read back and deleted through the connector,
   exactly as a sync writes.

The checks never raise: every failure is a result naming its fix. Nothing is written without ``write``.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from typing import Final

from contactsync.checks import CHECK_WRITE, CheckResult, DoctorContext, Outcome, scratch_round_trip
from contactsync.errors import (
    AuthFailed,
    CertificateRejected,
    ConfigError,
    ConnectorError,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.logs import shown_path
from contactsync.wording import counted

from . import davxml, hrefs
from .connector import CardDavConnector, CardDavOptions
from .davxml import DavEntry
from .discovery import discover
from .transport import DavTransport, ServerError, TlsMismatch

CHECK_BOOK: Final = "address book"
CHECK_DISCOVERY: Final = "discovery"
CHECK_SYNC: Final = "sync-collection"
CHECK_SIZE: Final = "size"

_SYNC_COLLECTION = davxml.tag(davxml.DAV, "sync-collection")
_COLLECTION = davxml.tag(davxml.DAV, "collection")
_PROBE = (
    davxml.RESOURCETYPE,
    davxml.SYNC_TOKEN,
    davxml.SUPPORTED_REPORT_SET,
    davxml.SUPPORTED_ADDRESS_DATA,
)


def _credentials_fix(account: str) -> str:
    return (
        f"check options.username of {account} and its password (password_file, password_credential or ${{ENV}}); "
        "a 403 means this user may not read the address book: check its sharing on the server"
    )


def _unreachable(exc: ConnectorError) -> bool:
    """Whether ``exc`` says the server could not be talked to (TLS, the network, its rate limit), whatever the URL."""
    if isinstance(exc, Transient):
        return not isinstance(exc, ServerError)
    return isinstance(exc, CertificateRejected | TlsMismatch | RateLimited)


def _connection_fix(exc: ConnectorError) -> str:
    """What to do when the server could not be talked to at all: never the credentials, which were not asked."""
    if isinstance(exc, CertificateRejected):
        return "the message says what: trust the server's CA with options.ca_bundle, or fix its certificate"
    if isinstance(exc, TlsMismatch):
        return "change the TLS settings of the server (or of the proxy in front of it), as the message says"
    if isinstance(exc, RateLimited):
        return "the server asks to slow down: run the doctor again later"
    return (
        "a network problem: check that the server is reachable from here (its address and "
        "port in options.url, a firewall or proxy in the way), then run the doctor again; a sync retries it"
    )


def _offers_sync(entry: DavEntry) -> bool:
    """As the connector decides (``CardDavConnector._probe_collection``): a sync-token property, or
    sync-collection in the supported-report-set."""
    reports = entry.props.get(davxml.SUPPORTED_REPORT_SET)
    return entry.text(davxml.SYNC_TOKEN) is not None or (
        reports is not None and reports.find(f".//{_SYNC_COLLECTION}") is not None
    )


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    """The CardDAV checks of ``ctx.account``, in the order above."""
    name = ctx.account.name
    try:
        options = CardDavOptions.from_mapping(ctx.account.options, f"accounts.{name}.options")
    except ConfigError as exc:
        yield CheckResult(
            name, CHECK_BOOK, Outcome.FAIL, "; ".join(str(p) for p in exc.problems), "fix the account's options"
        )
        return
    secret = ctx.account.secrets.get("password")
    password = secret.value if secret is not None else None
    transport = DavTransport(
        options.url,
        options.username,
        password,
        verify=options.verify,
        timeout=options.timeout,
        max_response_bytes=options.max_response_bytes,
        auth_type=options.auth,
    )
    try:
        entry = yield from _check_book(name, options, transport)
        if entry is None:
            yield CheckResult(name, CHECK_SYNC, Outcome.SKIP, "needs the address book")
            yield CheckResult(name, CHECK_WRITE, Outcome.SKIP, "needs the address book")
            return
        yield _check_discovery(name, options, password)
        yield from _check_sync(name, options, transport, entry)
    finally:
        transport.close()
    yield from _check_write(ctx)


def _check_book(
    name: str, options: CardDavOptions, transport: DavTransport
) -> Generator[CheckResult, None, DavEntry | None]:
    """PROPFIND Depth 0 on the book's URL; returns its entry when it is an address book."""
    # a check's detail may be kept or mailed by whatever runs `doctor --json`: the path as messages show it
    path = shown_path(hrefs.collection_path(options.url), options.username)
    try:
        answer = transport.propfind(options.url, davxml.propfind_body(_PROBE), 0)
    except AuthFailed as exc:
        yield CheckResult(name, CHECK_BOOK, Outcome.FAIL, str(exc), _credentials_fix(name))
        return None
    except ConnectorError as exc:
        if _unreachable(exc):
            yield CheckResult(name, CHECK_BOOK, Outcome.FAIL, str(exc), _connection_fix(exc))
            return None
        yield CheckResult(
            name,
            CHECK_BOOK,
            Outcome.FAIL,
            str(exc),
            "check options.url: `contactsync discover carddav SERVER-URL -u USER` lists the user's address books",
        )
        return None
    entry = answer.entries[0] if answer.entries else None
    if entry is None or not entry.has_resourcetype(davxml.ADDRESSBOOK):
        what = "a collection" if entry is not None and entry.has_resourcetype(_COLLECTION) else "a resource"
        yield CheckResult(
            name,
            CHECK_BOOK,
            Outcome.FAIL,
            f"{path} answers PROPFIND but is {what}, not an address book",
            "set options.url to the address book itself: `contactsync discover carddav SERVER-URL -u USER` lists them",
        )
        return None
    yield CheckResult(name, CHECK_BOOK, Outcome.PASS, f"{path} is an address book the user can read")
    return entry


def _check_discovery(name: str, options: CardDavOptions, password: str | None) -> CheckResult:
    """The server root leads to this book through the principal and the home set (what `discover` does)."""
    path = hrefs.collection_path(options.url)
    try:
        books = discover(
            options.url,
            options.username or "",
            password,
            verify=options.verify,
            timeout=options.timeout,
            auth_type=options.auth,
        )
    except ConnectorError as exc:
        if _unreachable(exc):
            return CheckResult(
                name,
                CHECK_DISCOVERY,
                Outcome.WARN,
                f"the server could not be asked for the user's address books ({exc})",
                _connection_fix(exc),
            )
        return CheckResult(
            name,
            CHECK_DISCOVERY,
            Outcome.WARN,
            f"no principal or address book home found ({exc}); the sync uses options.url as given and works",
            "nothing to do for contactsync; other clients given only the server's address will not find the book",
        )
    paths = {hrefs.collection_path(b.url) for b in books}
    if path in paths:
        return CheckResult(
            name,
            CHECK_DISCOVERY,
            Outcome.PASS,
            f"the user's address book home lists {len(books)} address book(s), this one among them",
        )
    return CheckResult(
        name,
        CHECK_DISCOVERY,
        Outcome.WARN,
        f"the user's address book home lists {len(books)} address book(s), not "
        f"{shown_path(path, options.username)} (shared by another user?)",
        "fine if the book is shared with this user on purpose; otherwise check options.url",
    )


def _check_sync(name: str, options: CardDavOptions, transport: DavTransport, entry: DavEntry) -> Iterator[CheckResult]:
    offered = _offers_sync(entry)
    if offered and options.use_sync_collection:
        try:
            answer = transport.report(options.url, davxml.sync_collection_body(None), 1)
        except (AuthFailed, SyncTokenExpired, ConnectorError) as exc:
            yield CheckResult(
                name,
                CHECK_SYNC,
                Outcome.FAIL,
                f"the server offers sync-collection (RFC 6578) but refused it: {exc}",
                f"set use_sync_collection: false in the options of {name} (each run then lists every card), "
                "or fix what refuses REPORT (a proxy, the server's version)",
            )
            return
        cards = sum(1 for e in answer.entries if e.status != 404 and hrefs.member_id(options.url, e.href))
        yield CheckResult(name, CHECK_SYNC, Outcome.PASS, "offered and answering: each run asks for the changes only")
        yield CheckResult(name, CHECK_SIZE, Outcome.PASS, f"{counted(cards, 'card')} (group cards included)")
        return
    # without sync-collection every run lists every href and etag and compares: say what that costs here
    started = time.monotonic()
    try:
        listing = transport.propfind(options.url, davxml.propfind_body([davxml.GETETAG, davxml.RESOURCETYPE]), 1)
    except ConnectorError as exc:
        yield CheckResult(
            name,
            CHECK_SYNC,
            Outcome.FAIL,
            f"listing the address book (PROPFIND Depth 1) failed: {exc}",
            "the server must allow PROPFIND Depth 1 on the address book; check a proxy in front of it",
        )
        return
    seconds = time.monotonic() - started
    cards = sum(1 for e in listing.entries if hrefs.member_id(options.url, e.href))
    cost = (
        f"every run lists all {cards} cards' etags with one PROPFIND ({seconds:.2f}s now) and compares them with "
        "the last listing; the cost grows with the book, not with the changes"
    )
    if offered:
        yield CheckResult(
            name,
            CHECK_SYNC,
            Outcome.WARN,
            f"the server offers sync-collection but use_sync_collection is false: {cost}",
            "remove use_sync_collection: false unless this server's sync-collection is known to be broken",
        )
    else:
        yield CheckResult(
            name,
            CHECK_SYNC,
            Outcome.WARN,
            f"the server does not offer sync-collection (RFC 6578): {cost}",
            "fine for small books; for large ones use a server with sync-collection (Radicale, Xandikos, "
            "Nextcloud, Baikal offer it) or schedule the book less often",
        )
    yield CheckResult(name, CHECK_SIZE, Outcome.PASS, f"{counted(cards, 'card')} (group cards included)")


def _check_write(ctx: DoctorContext) -> Iterator[CheckResult]:
    """Create, read back and delete one scratch card through the connector, as a sync writes."""
    connector = CardDavConnector.from_settings(ctx.account, ctx.book)
    try:
        yield from scratch_round_trip(
            ctx,
            connector,
            refused_fix="the user needs write access to the address book (or set the account's mode: pull-only); "
            + _credentials_fix(ctx.account.name),
        )
    finally:
        connector.close()
