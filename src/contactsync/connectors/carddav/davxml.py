"""WebDAV/CardDAV XML: request bodies we send and the multistatus answers we read.

Every answer is parsed with defusedxml with DTDs forbidden: a server is not trusted to send sane XML, and an
entity-expansion payload ("billion laughs") must fail at once instead of eating memory. The parsed answer is
turned into frozen values here, so nothing above this module touches an XML element.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from contactsync.errors import ConnectorError

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
APPLE = "http://calendarserver.org/ns/"


def tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


HREF = tag(DAV, "href")
RESPONSE = tag(DAV, "response")
STATUS = tag(DAV, "status")
PROPSTAT = tag(DAV, "propstat")
PROP = tag(DAV, "prop")
GETETAG = tag(DAV, "getetag")
SYNC_TOKEN = tag(DAV, "sync-token")
RESOURCETYPE = tag(DAV, "resourcetype")
DISPLAYNAME = tag(DAV, "displayname")
CURRENT_USER_PRINCIPAL = tag(DAV, "current-user-principal")
SUPPORTED_REPORT_SET = tag(DAV, "supported-report-set")
ADDRESSBOOK_HOME_SET = tag(CARDDAV, "addressbook-home-set")
ADDRESSBOOK = tag(CARDDAV, "addressbook")
ADDRESS_DATA = tag(CARDDAV, "address-data")
SUPPORTED_ADDRESS_DATA = tag(CARDDAV, "supported-address-data")


class BadServerResponse(ConnectorError):
    """The server answered with something we refuse to read: malformed or hostile XML, or an oversized body.

    Not transient: retrying gets the same answer. The admin should look at the server (or at what sits
    between).
    """


@dataclass(frozen=True, slots=True)
class DavEntry:
    """One ``<response>`` of a multistatus: the href, its overall status (None when given per propstat)
    and the properties that came back with 200, each as its element (read-only use)."""

    href: str
    status: int | None
    props: Mapping[str, Element] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, name: str) -> str | None:
        element = self.props.get(name)
        if element is None:
            return None
        return element.text or ""

    def hrefs_inside(self, name: str) -> tuple[str, ...]:
        """The ``<href>`` values nested in a property (principal, home set)."""
        element = self.props.get(name)
        if element is None:
            return ()
        return tuple((h.text or "").strip() for h in element.iter(HREF) if h.text)

    def has_resourcetype(self, name: str) -> bool:
        element = self.props.get(RESOURCETYPE)
        return element is not None and element.find(name) is not None


@dataclass(frozen=True, slots=True)
class Multistatus:
    entries: tuple[DavEntry, ...]
    sync_token: str | None


def parse_xml(body: bytes) -> Element:
    """Parse an XML answer safely. Raises BadServerResponse for DTDs, entities or broken XML."""
    try:
        root: Element = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BadServerResponse(f"the server sent XML with a DTD or entities, refused: {type(exc).__name__}") from exc
    except SafeET.ParseError as exc:
        raise BadServerResponse(f"the server sent malformed XML ({exc})") from exc
    except (LookupError, ValueError) as exc:
        # an XML declaration naming an encoding Python does not know, or bytes it cannot decode
        raise BadServerResponse(f"the server sent XML that cannot be decoded ({exc})") from exc
    return root


def _status_code(element: Element | None) -> int | None:
    if element is None or not element.text:
        return None
    parts = element.text.split()
    # "HTTP/1.1 404 Not Found": the code is the second word
    if len(parts) >= 2 and parts[1].isdigit():
        return int(parts[1])
    return None


def parse_multistatus(body: bytes) -> Multistatus:
    """The entries of a 207 answer. Raises BadServerResponse when it is not a multistatus."""
    root = parse_xml(body)
    if root.tag != tag(DAV, "multistatus"):
        raise BadServerResponse(f"expected a DAV multistatus, got <{root.tag}>")
    entries = []
    for response in root.findall(RESPONSE):
        href_element = response.find(HREF)
        if href_element is None or not href_element.text:
            continue
        props: dict[str, Element] = {}
        for propstat in response.findall(PROPSTAT):
            if _status_code(propstat.find(STATUS)) not in (200, None):
                continue
            prop = propstat.find(PROP)
            if prop is not None:
                for child in prop:
                    props[child.tag] = child
        entries.append(
            DavEntry(href_element.text.strip(), _status_code(response.find(STATUS)), MappingProxyType(props))
        )
    token_element = root.find(SYNC_TOKEN)
    token = token_element.text.strip() if token_element is not None and token_element.text else None
    return Multistatus(tuple(entries), token)


def error_conditions(body: bytes) -> tuple[str, ...]:
    """The precondition names in a ``<DAV:error>`` body (``{DAV:}valid-sync-token``); () for anything else."""
    if not body.strip():
        return ()
    try:
        root = parse_xml(body)
    except BadServerResponse:
        return ()
    if root.tag != tag(DAV, "error"):
        return ()
    return tuple(child.tag for child in root)


_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n'
_NAMESPACES = f'xmlns:D="{DAV}" xmlns:C="{CARDDAV}"'


def _prop_xml(names: Iterable[str]) -> str:
    parts = []
    for name in names:
        namespace, local = name[1:].split("}", 1)
        prefix = {DAV: "D", CARDDAV: "C"}[namespace]
        parts.append(f"<{prefix}:{local}/>")
    return "<D:prop>" + "".join(parts) + "</D:prop>"


def propfind_body(names: Iterable[str]) -> str:
    return f"{_HEADER}<D:propfind {_NAMESPACES}>{_prop_xml(names)}</D:propfind>"


def sync_collection_body(token: str | None) -> str:
    token_xml = f"<D:sync-token>{escape(token)}</D:sync-token>" if token else "<D:sync-token/>"
    return (
        f"{_HEADER}<D:sync-collection {_NAMESPACES}>{token_xml}<D:sync-level>1</D:sync-level>"
        f"{_prop_xml([GETETAG])}</D:sync-collection>"
    )


def multiget_body(hrefs: Iterable[str]) -> str:
    href_xml = "".join(f"<D:href>{escape(h)}</D:href>" for h in hrefs)
    return (
        f"{_HEADER}<C:addressbook-multiget {_NAMESPACES}>"
        f"<D:prop><D:getetag/><C:address-data/></D:prop>{href_xml}</C:addressbook-multiget>"
    )


def mkcol_addressbook_body(display_name: str | None = None) -> str:
    """The extended MKCOL (RFC 5689) that makes an address book (RFC 6352 section 6.3.1): the one body the demo,
    the tests and the benchmarks send to Radicale and Xandikos."""
    name = f"<D:displayname>{escape(display_name)}</D:displayname>" if display_name is not None else ""
    return (
        f"{_HEADER}<D:mkcol {_NAMESPACES}><D:set><D:prop>"
        f"<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>{name}"
        f"</D:prop></D:set></D:mkcol>"
    )


def supported_vcard_versions(entry: DavEntry) -> tuple[str, ...]:
    """The vCard versions in ``supported-address-data`` (RFC 6352 names the child ``address-data-type``;
    Xandikos calls it ``content-type``: accept any child with a version attribute)."""
    element = entry.props.get(SUPPORTED_ADDRESS_DATA)
    if element is None:
        return ()
    versions = []
    for child in element:
        content_type = child.get("content-type", "text/vcard")
        version = child.get("version")
        if version and content_type.lower().startswith("text/vcard"):
            versions.append(version.strip())
    return tuple(versions)
