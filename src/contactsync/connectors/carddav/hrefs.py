"""Hrefs as remote ids: path only, one spelling, and only those inside the address book.

Servers spell the same path differently (``%40`` or ``@``, absolute URL or path); the remote id must be
stable, so every href is reduced to its path with one percent-encoding. A server that names an item on
another host or
outside the collection is not trusted to do so: such hrefs are dropped.
"""

from __future__ import annotations

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


def member_id(collection_url: str, href: str) -> str | None:
    """The normalized path of ``href`` if it names a direct member of the collection, else None.

    None for: another scheme/host, the collection itself, anything above or deeper than one level, and
    paths climbing out with "..".
    """
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


def absolute(collection_url: str, remote_id: str) -> str:
    """The full URL for a remote id (a path on the address book's server)."""
    return urljoin(collection_url, remote_id)


def safe_name(uid: str) -> str:
    """A file name for a new card: the UID when it is plain ``[A-Za-z0-9_.-]``, else a fresh uuid4.

    Nothing from a UID is ever used raw in a path: "../x", "a/b" or "%2e%2e" all get a uuid.
    """
    if _SAFE_NAME.fullmatch(uid) and uid not in (".", "..") and not uid.startswith("."):
        return f"{uid}.vcf"
    return f"{uuid.uuid4()}.vcf"
