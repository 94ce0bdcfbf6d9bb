"""The pull state the engine stores for us between runs, as one opaque string.

It holds the sync token (RFC 6578) and the cards the last run wrote after it (href → etag), or for a server
without sync-collection the href → etag map of the last listing (and of the last run's writes), and with a group
style the group cards as last seen (href, etag, uid, name, member UIDs), so an incremental pull can give each
changed contact its tags without reading every group again. With categories, it holds the tags of each contact
card that has some (href → tag names), so the tag-count check after a run counts them without listing and
reading the whole book again (#18); a state written before they were kept has none. It also names the cards the
last listing quarantined for a raw "?" or "#" in their href: kept out of the etag map, and looked at again by
every pull until the server names them encoded (or they go).

Encoded as ``cs1.`` + urlsafe base64 of zlib-compressed JSON: the etag map of a large book is big and mostly
incompressible hashes, the rest compresses well. Anything else (a state from another connector, a damaged one)
is "expired": the engine then does a full listing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from contactsync.connectors.pullstate import pack_state, unpack_state

_PREFIX = "cs1."


@dataclass(frozen=True, slots=True)
class KnownGroup:
    etag: str
    uid: str
    name: str
    members: frozenset[str]


@dataclass(frozen=True, slots=True)
class PullState:
    #: the sync token, or None when the server has no sync-collection and ``etags`` is used instead
    sync_token: str | None
    etags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    groups: Mapping[str, KnownGroup] = field(default_factory=lambda: MappingProxyType({}))
    #: UID → href of each card some group names, to re-read a card whose group changed but it did not
    member_hrefs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: categories: href → tag names of each contact card carrying tags; None: not kept (a state an older version
    #: wrote, read back)
    tagged: Mapping[str, tuple[str, ...]] | None = field(default_factory=lambda: MappingProxyType({}))
    #: the login scheme the server chose last time ("basic", "digest"), for an account with ``auth: auto``: the
    #: next run logs in so from its first request instead of paying a 401 round every run (#18)
    login: str | None = None
    #: sync-collection: href → strong etag of each card the last run wrote after ``sync_token`` (the server
    #: answered the PUT with that etag: the card is our text) and the store recorded, so the next pull does not
    #: read it back when it is listed at that etag; any other etag is read (#18)
    written: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: the hrefs (their ids, as encoded) of the cards quarantined because a listing named them with a raw "?" or "#"
    #: (:func:`.hrefs.raw_member_id`): never in ``etags``, so a PROPFIND listing reads each again once the server
    #: names it encoded, and finds it gone when it is listed under neither name; a pull with a sync token asks the
    #: server again about each (sync-collection names an unchanged card never again)
    raw: frozenset[str] = frozenset()

    def encode(self) -> str:
        data: dict[str, Any] = {"t": self.sync_token}
        if self.etags:
            data["e"] = dict(self.etags)
        if self.groups:
            data["g"] = {href: [g.etag, g.uid, g.name, sorted(g.members)] for href, g in self.groups.items()}
        if self.member_hrefs:
            data["m"] = dict(self.member_hrefs)
        if self.tagged is not None:
            data["c"] = {href: list(names) for href, names in self.tagged.items()}
        if self.login is not None:
            data["a"] = self.login
        if self.written:
            data["w"] = dict(self.written)
        if self.raw:
            data["r"] = sorted(self.raw)
        return pack_state(_PREFIX, data)

    @classmethod
    def decode(cls, text: str) -> PullState:
        """Raises SyncTokenExpired for a state this connector did not write."""
        return unpack_state(_PREFIX, text, cls._from_rows, what="the stored CardDAV state")

    @classmethod
    def _from_rows(cls, data: Any) -> PullState:
        token = data["t"]
        if token is not None and not isinstance(token, str):
            raise TypeError("the sync token is not a string")
        etags = {str(k): str(v) for k, v in data.get("e", {}).items()}
        groups = {
            str(href): KnownGroup(str(g[0]), str(g[1]), str(g[2]), frozenset(map(str, g[3])))
            for href, g in data.get("g", {}).items()
        }
        member_hrefs = {str(k): str(v) for k, v in data.get("m", {}).items()}
        tagged = data.get("c")
        if tagged is not None:
            tagged = MappingProxyType({str(href): tuple(map(str, names)) for href, names in tagged.items()})
        login = data.get("a")
        written = {str(k): str(v) for k, v in data.get("w", {}).items()}
        return cls(
            token,
            MappingProxyType(etags),
            MappingProxyType(groups),
            MappingProxyType(member_hrefs),
            tagged,
            str(login) if login is not None else None,
            MappingProxyType(written),
            frozenset(map(str, data.get("r", ()))),
        )
