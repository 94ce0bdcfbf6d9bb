"""Hrefs as remote ids: path only, one spelling, and only those inside the address book.

Servers spell the same path differently (``%40`` or ``@``, absolute URL or path); the remote id must be
stable, so every href is reduced to its path with one percent-encoding. A server that names an item on
another host or
outside the collection is not trusted to do so: such hrefs are dropped.
"""

from __future__ import annotations

import functools
import re
import uuid
from urllib.parse import quote, unquote, urljoin, urlsplit

# RFC 3986 pchar minus the percent sign, plus "/": what may stay unencoded in a path
_SAFE_PATH_CHARS = "/@:+!$&'()*,;=-._~"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")  # whole UID: fullmatch ($ would pass "a\n")


def normalize_path(path: str) -> str:
    return quote(unquote(path), safe=_SAFE_PATH_CHARS)


def collection_path(url: str) -> str:
    """The address book's own path, normalized, ending in "/"."""
    path = normalize_path(urlsplit(url).path or "/")
    return path if path.endswith("/") else path + "/"


# A member's name as servers spell it (Radicale, Nextcloud: a UID or uuid and ".vcf"): nothing in it to decode,
# resolve or encode. Not "." first, so never "." or ".."; none of "/%?#;" (";" starts a path's parameters to
# urljoin) nor a space, nor other punctuation: those take the whole way
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_~@+-][A-Za-z0-9_.~@+-]*")


@functools.lru_cache(maxsize=64)
def _plain_prefix(collection_url: str) -> str | None:
    """The collection's path when an href made of it and a plain name is that name's remote id as it stands, else
    None: a path with an empty, "." or ".." segment (even encoded) is one that resolving an href rewrites."""
    if urlsplit(collection_url).scheme.lower() not in ("http", "https"):
        return None  # urljoin resolves an href against http(s) only: another scheme's hrefs are not members
    prefix = collection_path(collection_url)
    if not prefix.startswith("/") or any(s in ("", ".", "..") for s in unquote(prefix).split("/")[1:-1]):
        return None
    return prefix


def member_id(collection_url: str, href: str) -> str | None:
    """The normalized path of ``href`` if it names a direct member of the collection, else None.

    None for: another scheme/host, the collection itself, anything above or deeper than one level, paths
    climbing out with "..", and an href with a raw "?" or "#" (a query or fragment: no file's name).
    """
    # the usual href, the collection's own path and a plain name, is its own remote id: twice a card on a first
    # sync, and the URL parsing below cost 1 s of 10,000 cards' read (#18). The rest takes the whole way; that
    # both give the same answer is tested (tests/carddav/test_hrefs.py)
    prefix = _plain_prefix(collection_url)
    if prefix is not None and href.startswith(prefix) and _PLAIN_NAME.fullmatch(href, len(prefix)):
        return href
    return _member_id_resolved(collection_url, href)


def _member_id_resolved(collection_url: str, href: str) -> str | None:
    if "?" in href or "#" in href:
        # a query or a fragment names no member: Xandikos answers a multiget of "q%3Fx.vcf" with the href
        # "q?x.vcf", which would otherwise be taken for the card "q" (another card, if the book holds one)
        return None
    base = urlsplit(collection_url)
    target = urlsplit(urljoin(collection_url, href.strip()))
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        return None
    if ".." in unquote(target.path).split("/"):
        return None
    path = normalize_path(target.path)
    prefix = collection_path(collection_url)
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if not name or "/" in name:
        return None
    return path


def raw_member_id(collection_url: str, href: str) -> str | None:
    """The id of the member an href holding a raw "?" or "#" names when those are read as part of the file's name
    (``q?x.vcf`` as ``q%3Fx.vcf``): what a server that does not percent-encode its members' names means in a
    listing. None for an href holding neither, or naming no member even so (the collection itself, another host,
    a path deeper than one level).

    Only an id to report the card under, and to keep a card linked under it from passing for deleted: that the
    server means this name is a guess (a raw "?" or "#" ends a URL's path: Xandikos answers ``q?x.vcf`` for the
    card ``q``), so the connector does not read the card by it; it quarantines it.
    """
    if "?" not in href and "#" not in href:
        return None
    return member_id(collection_url, href.replace("?", "%3F").replace("#", "%23"))


def wire_path(remote_id: str) -> str:
    """A remote id as it is sent (a URL's path, a multiget's href): ``;`` percent-encoded.

    A raw ``;`` starts a segment's parameters to some servers: Radicale answers a multiget of ``semi;colon.vcf``
    with a 404 for ``semi`` (the card is then never read). ``%3B`` names the same file on every server that
    decodes a path. The remote id itself keeps its one spelling, raw ``;`` (``_SAFE_PATH_CHARS``): it is what
    the store's links hold, and a server that took the raw ``;`` (Xandikos, SabreDAV) synced such cards under it
    already; another spelling would make each of them one card gone and one new.
    """
    return remote_id.replace(";", "%3B")


def absolute(collection_url: str, remote_id: str) -> str:
    """The full URL for a remote id (a path on the address book's server), spelled as sent (:func:`wire_path`)."""
    return urljoin(collection_url, wire_path(remote_id))


def safe_name(uid: str) -> str:
    """A file name for a new card: the UID when it is plain ``[A-Za-z0-9_.-]``, else a fresh uuid4.

    Nothing from a UID is ever used raw in a path: "../x", "a/b" or "%2e%2e" all get a uuid.
    """
    if _SAFE_NAME.fullmatch(uid) and uid not in (".", "..") and not uid.startswith("."):
        return f"{uid}.vcf"
    return f"{uuid.uuid4()}.vcf"
