"""What the CardDAV connector asks a book before its first listing (#18): whether it offers sync-collection, read
from supported-report-set as RFC 6578 section 3 has a server list it. The sync-token is not asked for there, since
a server may compute it over every card of the book (Radicale hashes them all: 0.7 s at 10,000 cards); only a
server that does not say which reports it offers is asked for the token, in a second PROPFIND. Real Radicale and
Xandikos, behind a front that can take properties out of their answers."""

from __future__ import annotations

from tests.contract import pull_all

from ..doctor_support import FrontServer
from .conftest import DavServer
from .helpers import card, make_connector


def _seed(server: DavServer, url: str, count: int) -> None:
    for i in range(count):
        server.put_raw(f"{url}p{i}.vcf", card(f"p{i}", f"Given{i}", "Probe").encode())


def _pull(server: DavServer, front: FrontServer, url: str) -> int:
    connector = make_connector(server, front.url_for(url))
    try:
        items, _ = pull_all(connector)
    finally:
        connector.close()
    return len(items)


def _propfinds(front: FrontServer) -> list[bytes]:
    return [body for method, body in front.front.bodies if method == "PROPFIND"]


def _sync_reports(front: FrontServer) -> int:
    return sum(1 for method, body in front.front.bodies if method == "REPORT" and b"sync-collection" in body)


def test_a_book_that_lists_sync_collection_is_not_asked_for_its_token(
    dav_server: DavServer, addressbook_url: str
) -> None:
    _seed(dav_server, addressbook_url, 3)
    with FrontServer(dav_server.base_url) as front:
        assert _pull(dav_server, front, addressbook_url) == 3
    [probe] = _propfinds(front)
    assert b"supported-report-set" in probe and b"sync-token" not in probe
    assert _sync_reports(front) == 1


def test_a_book_that_does_not_list_its_reports_is_asked_for_its_token_and_synced_by_it(
    dav_server: DavServer, addressbook_url: str
) -> None:
    _seed(dav_server, addressbook_url, 3)
    with FrontServer(dav_server.base_url) as front:
        front.front.hide_report_set = True
        assert _pull(dav_server, front, addressbook_url) == 3
    probe, token = _propfinds(front)
    assert b"supported-report-set" in probe and b"sync-token" in token
    assert _sync_reports(front) == 1  # the token answered: sync-collection, as before


def test_a_book_without_sync_collection_is_listed_in_full(dav_server: DavServer, addressbook_url: str) -> None:
    _seed(dav_server, addressbook_url, 3)
    with FrontServer(dav_server.base_url) as front:
        front.front.hide_sync = True
        front.front.hide_report_set = True
        assert _pull(dav_server, front, addressbook_url) == 3
    assert _sync_reports(front) == 0
    assert len(_propfinds(front)) == 3  # the probe, the token asked for (none), the listing


def test_a_book_that_refuses_the_token_alone_is_listed_in_full(dav_server: DavServer, addressbook_url: str) -> None:
    """A server that lists no reports and answers the PROPFIND for the token alone with 400: no sync-collection,
    the book listed in full (as the one PROPFIND that asked for everything found no token), not a failed sync."""
    _seed(dav_server, addressbook_url, 3)
    with FrontServer(dav_server.base_url) as front:
        front.front.hide_report_set = True
        front.front.refuse_token_propfind = 400
        assert _pull(dav_server, front, addressbook_url) == 3
    assert _sync_reports(front) == 0
