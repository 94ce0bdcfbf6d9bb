"""The benchmarks' Radicale storage (bench/radicale_storage.py) answers as Radicale's own does: the same requests
through Radicale's WSGI application, on the stock storage and on the bench's, get the same statuses, including
the UID conflicts its in-memory index of UIDs decides and a card written into the folder behind its back."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from radicale import Application, config

BENCH = Path(__file__).resolve().parents[1] / "bench"
MKCOL = (
    b'<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>'
    b"<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>"
)

Request = Callable[..., str]


def card(uid: str, name: str) -> bytes:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n".encode()


def radicale(root: Path, storage_type: str) -> Request:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    configuration = config.load()
    configuration.update(
        {
            "auth": {"type": "none"},
            "storage": {"filesystem_folder": str(root), "type": storage_type},
            "logging": {"level": "error"},
        },
        "test",
    )
    app = Application(configuration)

    def request(method: str, path: str, body: bytes = b"") -> str:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_USER": "u",
            "HTTP_AUTHORIZATION": "Basic dTpw",  # u:p; auth type none takes any
            "CONTENT_TYPE": "text/vcard",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
        }
        answer: dict[str, str] = {}

        def start_response(status: str, headers: object, exc_info: object = None) -> None:
            answer["status"] = status

        b"".join(app(environ, start_response))
        return answer["status"].split()[0]

    return request


def play(request: Request, folder: Callable[[], Path]) -> list[str]:
    """A sequence whose answers turn on which UIDs the book holds."""
    seen = [request("MKCOL", "/u/book/", MKCOL)]
    seen.append(request("PUT", "/u/book/a.vcf", card("uid-1", "A")))
    seen.append(request("PUT", "/u/book/b.vcf", card("uid-1", "B")))  # another card with that UID: refused
    seen.append(request("PUT", "/u/book/b.vcf", card("uid-2", "B")))
    seen.append(request("PUT", "/u/book/a.vcf", card("uid-1", "A2")))  # the same card replaced: no conflict
    seen.append(request("DELETE", "/u/book/a.vcf"))
    seen.append(request("PUT", "/u/book/c.vcf", card("uid-1", "C")))  # uid-1 is free again
    # a card written into the folder behind the server's back (as the benchmarks seed a book)
    (folder() / "d.vcf").write_bytes(card("uid-3", "D"))
    seen.append(request("PUT", "/u/book/e.vcf", card("uid-3", "E")))  # must see uid-3: refused
    seen.append(request("PUT", "/u/book/f.vcf", card("uid-4", "F")))
    return seen


def test_the_bench_storage_answers_uid_conflicts_as_radicale_does(tmp_path: Path) -> None:
    def folder_of(root: Path) -> Callable[[], Path]:
        return lambda: root / "collection-root" / "u" / "book"

    stock = play(radicale(tmp_path / "stock", "multifilesystem"), folder_of(tmp_path / "stock"))
    bench = play(radicale(tmp_path / "bench", "radicale_storage"), folder_of(tmp_path / "bench"))
    assert bench == stock
    # the sequence does turn on UIDs: two conflicts among the answers
    assert stock.count("409") == 2, stock
