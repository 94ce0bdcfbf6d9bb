"""A Radicale server on loopback for the whole-system test and the benchmark suite, and the plain HTTP a user's
other CardDAV client would send to it (PUT and DELETE of vCards, one REPORT to list them)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import niquests

from contactsync.connectors.carddav.davxml import mkcol_addressbook_body
from tests.ports import free_port

USER = "alice"
PASSWORD = "wonderland"
MKCOL = mkcol_addressbook_body()
QUERY = (
    '<?xml version="1.0"?><C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    "<D:prop><D:getetag/><C:address-data/></D:prop></C:addressbook-query>"
)
_DAV = "{DAV:}"
_CARD = "{urn:ietf:params:xml:ns:carddav}"


@dataclass
class Radicale:
    """One Radicale process; ``storage`` is its filesystem folder (the benchmark writes cards there directly)."""

    process: subprocess.Popen[bytes]
    base_url: str
    storage: Path
    #: user → password of every login it knows (each sees only its own books: Radicale's default rights)
    logins: Mapping[str, str] = field(default_factory=lambda: {USER: PASSWORD})

    @classmethod
    def start(cls, root: Path, logins: Mapping[str, str] | None = None) -> Radicale:
        """Radicale on a free port, knowing ``logins`` (user → password; the default: alice)."""
        logins = dict(logins or {USER: PASSWORD})
        root.mkdir(parents=True, exist_ok=True)
        (root / "htpasswd").write_text("".join(f"{user}:{password}\n" for user, password in logins.items()))
        port = free_port()
        log = (root / "server.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "",
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(root / "htpasswd"),
                "--auth-htpasswd-encryption",
                "plain",
                "--storage-filesystem-folder",
                str(root / "data"),
                "--logging-level",
                "warning",
                # Radicale answers a request without a login 1 s late (its brute-force delay): each fresh
                # connector with `auth: auto` over plain HTTP pays it once (the whole-system game's checks and
                # `contactsync sync` processes: a minute of its run); the 401 and the retry with the login still
                # happen, only the sleep goes
                "--auth-delay",
                "0",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"radicale exited:\n{(root / 'server.log').read_text(errors='replace')}")
            try:
                with niquests.Session() as session:
                    session.request("OPTIONS", base + "/", timeout=1)
                return cls(process, base, root / "data", logins)
            except niquests.exceptions.RequestException:
                time.sleep(0.1)
        process.kill()
        process.wait()
        raise RuntimeError("radicale did not answer within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def session(self) -> niquests.Session:
        session = niquests.Session()
        session.auth = (USER, PASSWORD)
        return session

    def new_book(self, slug: str | None = None, *, user: str = USER) -> str:
        """An empty address book of ``user`` (extended MKCOL); its URL ends in "/"."""
        url = f"{self.base_url}/{user}/{slug or 'book-' + uuid.uuid4().hex[:10]}/"
        with niquests.Session() as session:
            session.auth = (user, self.logins[user])
            answer = session.request("MKCOL", url, data=MKCOL.encode(), timeout=30)
        assert answer.status_code == 201, (answer.status_code, answer.text)
        return url

    def book_folder(self, url: str) -> Path:
        """Where Radicale keeps a book's cards (one ``.vcf`` per card)."""
        slug = url.rstrip("/").rsplit("/", 1)[1]
        return self.storage / "collection-root" / USER / slug


class DavUser:
    """Another CardDAV client: lists, writes and deletes cards with plain HTTP, no contactsync code involved."""

    def __init__(self, book_url: str) -> None:
        self.book_url = book_url
        self.http = niquests.Session()
        self.http.auth = (USER, PASSWORD)

    def close(self) -> None:
        self.http.close()

    def cards(self) -> dict[str, tuple[str, str]]:
        """href (absolute URL) → (etag, card text) for every card of the book."""
        answer = self.http.request(
            "REPORT",
            self.book_url,
            data=QUERY.encode(),
            timeout=60,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        assert answer.status_code == 207, answer.status_code
        assert answer.content is not None
        root = ElementTree.fromstring(answer.content)
        origin = self.book_url.split("/", 3)
        out: dict[str, tuple[str, str]] = {}
        for response in root.iter(f"{_DAV}response"):
            href = (response.findtext(f"{_DAV}href") or "").strip()
            data = response.find(f".//{_CARD}address-data")
            etag = response.findtext(f".//{_DAV}getetag") or ""
            if data is None or not data.text:
                continue
            out[f"{origin[0]}//{origin[2]}{href}"] = (etag, data.text)
        return out

    def put(self, href: str, text: str, etag: str | None = None) -> None:
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        answer = self.http.put(href, data=text.encode(), headers=headers, timeout=30)
        assert answer.status_code in (201, 204), (answer.status_code, answer.text)

    def delete(self, href: str) -> None:
        answer = self.http.delete(href, timeout=30)
        assert answer.status_code in (200, 204), answer.status_code


def unfold(text: str) -> list[str]:
    """A card's logical lines (RFC 6350 3.2 unfolding)."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def prop_name(line: str) -> str:
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].upper()  # item1.EMAIL → EMAIL


def replace_props(text: str, names: set[str], new_lines: list[str]) -> str:
    """The card with every ``names`` property removed and ``new_lines`` added before END:VCARD (text, as a user's
    client would edit it: no contactsync parsing involved)."""
    kept = [line for line in unfold(text) if prop_name(line) not in names]
    end = max(i for i, line in enumerate(kept) if line.upper() == "END:VCARD")
    return "\r\n".join([*kept[:end], *new_lines, *kept[end:]]) + "\r\n"


def props(text: str, name: str) -> list[str]:
    """The values of every ``name`` property (raw, unescaped only for the common backslash forms)."""
    out = []
    for line in unfold(text):
        if prop_name(line) == name and ":" in line:
            out.append(line.split(":", 1)[1])
    return out
