"""A hostile or broken server: a tiny http.server in the test answers what a real one never should."""

from __future__ import annotations

import http.server
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping

import pytest

from contactsync.connectors.carddav import CardDavConnector, CardDavOptions, discover
from contactsync.connectors.carddav.davxml import BadServerResponse
from contactsync.copies import RemoteCopy
from contactsync.errors import ConnectorError

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<multistatus xmlns="DAV:"><response><href>/book/a.vcf</href><propstat><prop><getetag>&lol9;</getetag></prop>
<status>HTTP/1.1 200 OK</status></propstat></response><sync-token>t1</sync-token></multistatus>"""

# sync-collection listing one real member and hrefs that must be ignored
SYNC_WITH_STRAY_HREFS = b"""<?xml version="1.0"?>
<multistatus xmlns="DAV:">
<response><href>/book/a.vcf</href><propstat><prop><getetag>"1"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/other/b.vcf</href><propstat><prop><getetag>"2"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>http://evil.example/book/c.vcf</href><propstat><prop><getetag>"3"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/book/../other/d.vcf</href><propstat><prop><getetag>"4"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/book/sub/e.vcf</href><propstat><prop><getetag>"5"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/book/</href><propstat><prop><getetag>"6"</getetag></prop>
  <status>HTTP/1.1 200 OK</status></propstat></response>
<sync-token>t1</sync-token></multistatus>"""

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A Person\r\nN:Person;A;;;\r\nEND:VCARD\r\n"
MULTIGET_WITH_EXTRA = f"""<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
<response><href>/book/a.vcf</href><propstat><prop><getetag>"1"</getetag><C:address-data>{CARD}</C:address-data>
  </prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/other/planted.vcf</href><propstat><prop><getetag>"9"</getetag>
  <C:address-data>{CARD.replace("UID:a", "UID:planted")}</C:address-data>
  </prop><status>HTTP/1.1 200 OK</status></propstat></response>
</multistatus>""".encode()

PROBE = b"""<?xml version="1.0"?><multistatus xmlns="DAV:"><response><href>/book/</href><propstat><prop>
<supported-report-set><supported-report><report><sync-collection/></report></supported-report></supported-report-set>
<sync-token>t0</sync-token></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"""

Answer = Callable[[str, str, bytes], tuple[int, bytes]]


class _Handler(http.server.BaseHTTPRequestHandler):
    answer: Answer
    requests: list[str]

    def _reply(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append(f"{self.command} {self.path}")
        status, payload = type(self).answer(self.command, self.path, body)
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        if status == 207 and payload == b"HUGE":
            # no Content-Length: the client must stop reading by itself
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"<x>" + b"a" * (1024 * 1024) + b"</x>")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PROPFIND = do_REPORT = do_PUT = do_GET = _reply

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def fake_server() -> Iterator[Callable[[Answer], tuple[str, list[str]]]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(answer: Answer) -> tuple[str, list[str]]:
        seen: list[str] = []
        handler = type("Handler", (_Handler,), {"answer": staticmethod(answer), "requests": seen})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/book/", seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _connector(url: str, **options: object) -> CardDavConnector:
    return CardDavConnector("fake", CardDavOptions(url=url, username="u", timeout=5, **options), "p")  # type: ignore[arg-type]


def test_entity_expansion_is_refused_with_a_clear_error(fake_server: Callable[[Answer], tuple[str, list[str]]]) -> None:
    url, _ = fake_server(lambda method, path, body: (207, LAUGHS))
    connector = _connector(url)
    with pytest.raises(BadServerResponse) as caught:
        connector.pull(None)
    assert "server" in str(caught.value) and "XML" in str(caught.value)
    connector.close()
    with pytest.raises(ConnectorError):
        discover(url, "u", "p", timeout=5)


def test_oversized_answer_is_cut_off(fake_server: Callable[[Answer], tuple[str, list[str]]]) -> None:
    url, _ = fake_server(lambda method, path, body: (207, b"HUGE"))
    connector = CardDavConnector(
        "fake", CardDavOptions(url=url, username="u", timeout=5, max_response_bytes=4 * 1024 * 1024), "p"
    )
    with pytest.raises(BadServerResponse, match="limit"):
        connector.pull(None)
    connector.close()


def test_hrefs_outside_the_address_book_are_ignored(fake_server: Callable[[Answer], tuple[str, list[str]]]) -> None:
    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method == "PROPFIND":
            return 207, PROBE
        if b"sync-collection" in body:
            return 207, SYNC_WITH_STRAY_HREFS
        return 207, MULTIGET_WITH_EXTRA

    url, seen = fake_server(answer)
    connector = _connector(url)
    result = connector.pull(None)
    assert [rc.ref.id for rc in result.changed] == ["/book/a.vcf"]
    assert result.quarantined == ()
    assert seen == ["PROPFIND /book/", "REPORT /book/", "REPORT /book/"]
    # nothing outside the book is ever written either
    assert connector.fetch(["/other/b.vcf", "/book/../other/d.vcf"]) == {}
    connector.close()


class _Copies:
    """The copies a connector keeps, in memory (the store's table in the engine)."""

    def __init__(self) -> None:
        self.items: dict[str, RemoteCopy] = {}

    def get(self, ids: Iterable[str]) -> dict[str, RemoteCopy]:
        return {i: self.items[i] for i in ids if i in self.items}

    def put(self, copies: Mapping[str, RemoteCopy]) -> None:
        self.items.update(copies)

    def drop(self, ids: Iterable[str]) -> None:
        for i in ids:
            self.items.pop(i, None)


def _multiget_of(*cards: tuple[str, str, str]) -> bytes:
    responses = "".join(
        f"<response><href>{href}</href><propstat><prop><getetag>{etag}</getetag><C:address-data>{text}"
        "</C:address-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>"
        for href, etag, text in cards
    )
    namespaces = 'xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"'
    return f'<?xml version="1.0"?><multistatus {namespaces}>{responses}</multistatus>'.encode()


@pytest.mark.parametrize("big_last", [True, False], ids=["photo-card-last", "small-card-last"])
@pytest.mark.parametrize(
    ("first", "then", "kept"),
    [
        ('"1"', 'W/"2"', None),  # the card held last is under a weak etag: nothing is known of its bytes
        ('W/"2"', '"1"', '"1"'),
        ('"1"', '"2"', '"2"'),
    ],
)
def test_an_href_answered_twice_keeps_the_copy_of_its_last_card_only(
    fake_server: Callable[[Answer], tuple[str, list[str]]], first: str, then: str, kept: str | None, big_last: bool
) -> None:
    # a card over what a slot compresses (the reader does), and a small one (its slot does)
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 6000
    big = CARD.replace("FN:A Person", "FN:A Person Again").replace("END:VCARD", photo + "\r\nEND:VCARD")
    earlier, last = (CARD, big) if big_last else (big, CARD)
    sync = SYNC_WITH_STRAY_HREFS.replace(b'"1"', then.encode())
    multiget = _multiget_of(("/book/a.vcf", first, earlier), ("/book/a.vcf", then, last))

    def answer(method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method == "PROPFIND":
            return 207, PROBE
        return 207, sync if b"sync-collection" in body else multiget

    url, _ = fake_server(answer)
    connector = _connector(url)
    copies = _Copies()
    connector.keep_copies(copies)
    connector.pull(None)
    connector.close()
    held = copies.items.get("/book/a.vcf")
    if kept is None:
        assert held is None
        return
    assert held is not None and held.etag == kept
    text = last.replace("\r\n", "\n")  # as XML reads the answer's line ends
    assert held.body == text.encode() and zlib.decompress(held.packed) == held.body
