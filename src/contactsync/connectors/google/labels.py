"""The user's labels (user contact groups): contactsync's tags in Google, matched by name ignoring case.

:class:`Labels` holds what the connector knows of them (names by resource, the ones contactsync made, the ones
Google counted empty) and is the only place that reads or writes contact groups; the connector's listing and its
push helper use it through its public methods.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from contactsync.errors import ConnectorError, ItemRejected, PreconditionFailed
from contactsync.model import Tag

from . import mapping
from .mapping import JsonDict
from .transport import AlreadyExists, Api

log = logging.getLogger("contactsync.google")

MAX_PAGE_SIZE = 1000
MAX_BATCH = 200  # contactGroups.batchGet takes 200 at most
USER_GROUP = "USER_CONTACT_GROUP"
#: the clientData key on a contact group contactsync created for a tag (the value is the tag's key)
GROUP_MARKER_KEY = "contactsync-tag"
# System groups Google creates for every user: never tags, and a membership in one is kept on write.
KNOWN_SYSTEM_GROUPS = frozenset(
    f"contactGroups/{g}"
    for g in ("myContacts", "starred", "friends", "family", "coworkers", "chatBuddies", "all", "blocked")
)


def _made_by_us(group: Mapping[str, Any]) -> bool:
    data = group.get("clientData")
    return isinstance(data, list) and any(isinstance(e, Mapping) and e.get("key") == GROUP_MARKER_KEY for e in data)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Labels:
    """One account's labels. Methods that call Google raise AuthFailed, RateLimited, Transient."""

    def __init__(self, account: str, service: Any, api: Api) -> None:
        self.account = account
        self._service = service
        self._api = api
        #: user contact groups, resource name → name; None until read (or taken from the state)
        self._names: dict[str, str] | None = None
        #: True once the groups were read in this run (the state's names may predate our last push)
        self.fresh = False
        #: user groups contactsync created (clientData marker), and those Google counted empty when last read
        self.ours: set[str] = set()
        self.empty: set[str] = set()
        self.system: set[str] = set(KNOWN_SYSTEM_GROUPS)

    @property
    def known(self) -> bool:
        """Whether the labels were read (or taken from the state) at all."""
        return self._names is not None

    def start_run(self, from_state: Mapping[str, str]) -> None:
        """A new incremental run: the state's names unless read already; read again before a push needs it."""
        self.fresh = False
        if self._names is None:
            self._names = dict(from_state)

    def load(self) -> dict[str, int]:
        """Read every contact group; returns user groups' member counts (resource → count)."""
        groups: dict[str, str] = {}
        counts: dict[str, int] = {}
        ours: set[str] = set()
        api = self._service.contactGroups()
        request = api.list(pageSize=MAX_PAGE_SIZE, groupFields="name,groupType,memberCount,clientData")
        while request is not None:
            page = self._api.execute(request)
            for group in page.get("contactGroups", []) or []:
                resource = group.get("resourceName")
                if not isinstance(resource, str):
                    continue
                if group.get("groupType") == USER_GROUP and isinstance(group.get("name"), str):
                    groups[resource] = group["name"]
                    counts[resource] = int(group.get("memberCount") or 0)
                    if _made_by_us(group):
                        ours.add(resource)
                else:
                    self.system.add(resource)
            request = api.list_next(request, page)
        self._names = groups
        self.fresh = True
        self.ours = ours
        self.empty = {r for r, n in counts.items() if n == 0}
        return counts

    def names(self) -> dict[str, str]:
        if self._names is None:
            self.load()
        assert self._names is not None
        return self._names

    def by_tag(self) -> dict[str, str]:
        """Tag key → group resource name (the first by resource name when two differ only in case)."""
        out: dict[str, str] = {}
        for resource, name in sorted(self.names().items()):
            out.setdefault(Tag(name).key, resource)
        return out

    def ensure(self, tags: set[Tag]) -> dict[str, ConnectorError]:
        """Create a group for each tag that has none; returns the tags (by key) that could not get one."""
        failed: dict[str, ConnectorError] = {}
        known = self.by_tag()
        for tag in sorted(tags):
            if tag.key in known:
                continue
            # the clientData entry says the label is ours: once empty, it goes (see delete_empty)
            request = self._service.contactGroups().create(
                body={"contactGroup": {"name": tag.name, "clientData": [{"key": GROUP_MARKER_KEY, "value": tag.key}]}}
            )
            try:
                group = self._api.execute(request)
            except AlreadyExists:
                # made by someone else since we read the list (or differing only in case): read it again
                self.load()
                known = self.by_tag()
                if tag.key not in known:
                    failed[tag.key] = ItemRejected("Google refuses a contact group of this name", account=self.account)
                continue
            except ItemRejected as exc:
                failed[tag.key] = exc
                continue
            resource = str(group["resourceName"])
            self.names()[resource] = str(group.get("name", tag.name))
            self.ours.add(resource)
            known[tag.key] = resource
        return failed

    def rename(self, resource: str, name: str) -> bool:
        """Give a user group another name (a tag whose display case changed). False when Google refuses.

        ``contactGroups.update`` carries the group's etag: read just before, and read once more when someone
        changed the group in between. Raises AuthFailed, RateLimited, Transient.
        """
        api = self._service.contactGroups()
        for _attempt in range(2):
            try:
                group = self._api.execute(api.get(resourceName=resource, groupFields="name,groupType"))
            except PreconditionFailed:
                return False  # gone since we listed it
            if group.get("groupType") != USER_GROUP:
                return False
            if group.get("name") == name:
                self.names()[resource] = name
                return True
            body = {
                "contactGroup": {"resourceName": resource, "etag": group.get("etag"), "name": name},
                "updateGroupFields": "name",
                "readGroupFields": "name,groupType",
            }
            try:
                answer = self._api.execute(api.update(resourceName=resource, body=body))
            except AlreadyExists:
                log.warning(
                    "account %s: a label cannot be renamed: another label already has the new name", self.account
                )
                return False
            except PreconditionFailed:
                continue  # changed since our read: read it again, once
            except ItemRejected as exc:
                log.warning("account %s: a label cannot be renamed (%s)", self.account, exc)
                return False
            self.names()[resource] = str(answer.get("name", name))
            return True
        return False

    def delete_empty(self, candidates: set[str]) -> None:
        """Delete each candidate user group Google now counts no member of (its contacts are never deleted).

        Candidates are labels a push took contacts out of (tags the store knew) and labels contactsync made.
        Raises AuthFailed, RateLimited, Transient.
        """
        api = self._service.contactGroups()
        empty: list[str] = []
        for chunk in _chunks(sorted(candidates), MAX_BATCH):
            answer = self._api.execute(
                api.batchGet(resourceNames=list(chunk), groupFields="name,groupType,memberCount")
            )
            for item in answer.get("responses", []) or []:
                group = item.get("contactGroup") if isinstance(item, dict) else None
                if not isinstance(group, dict) or group.get("groupType") != USER_GROUP:
                    continue
                if int(group.get("memberCount") or 0):
                    self.empty.discard(str(group.get("resourceName")))
                else:
                    empty.append(str(group.get("resourceName")))
        for resource in empty:
            try:
                self._api.execute(api.delete(resourceName=resource, deleteContacts=False))
            except PreconditionFailed:
                pass  # gone already (404): what we wanted
            except ItemRejected as exc:
                log.warning("account %s: an empty label could not be deleted (%s)", self.account, exc)
                continue
            self.names().pop(resource, None)
            self.ours.discard(resource)
            self.empty.discard(resource)

    def tag_counts(self) -> Mapping[Tag, int]:
        """Members per user contact group, as Google counts them. Raises AuthFailed, RateLimited, Transient."""
        counts = self.load()
        assert self._names is not None
        out: dict[Tag, int] = {}
        for resource, count in counts.items():
            if count:
                tag = Tag(self._names[resource])
                out[tag] = out.get(tag, 0) + count
        return out

    def unknown(self, persons: Sequence[JsonDict]) -> bool:
        """Whether these persons name a group neither known as a label nor as a system group."""
        known = self.names()
        return any(g not in known and g not in self.system for p in persons for g in mapping.group_resource_names(p))
