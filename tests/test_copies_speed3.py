"""Remote copies are compressed once, held and stored as the same bytes, and any zlib stream reads back (#18)."""

from __future__ import annotations

import base64
import os
import threading
import zlib
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

import contactsync.copies as copies_module
from contactsync.copies import HeldCopies, RemoteCopy
from contactsync.store import Store
from contactsync.store import schema as t

CARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nFN:Ada Example\r\nN:Example;Ada;;;\r\n"
    b"EMAIL;TYPE=INTERNET:ada@example.org\r\nX-SOCIAL-THING;X-NETWORK=fedi:keep-me\r\nEND:VCARD\r\n"
)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture
def packs(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies compressed, in order (the real compression runs)."""
    seen: list[bytes] = []
    real: Callable[[bytes], bytes] = copies_module.pack

    def counted(body: bytes) -> bytes:
        seen.append(body)
        return real(body)

    monkeypatch.setattr(copies_module, "pack", counted)
    return seen


def stored_bodies(store: Store, account: str) -> dict[str, bytes]:
    c = t.remote_copies.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(c.remote_id, c.body).where(c.account == account))
        return {remote_id: bytes(body) for remote_id, body in rows}


@pytest.mark.parametrize("later", [False, True])
def test_a_copy_kept_is_compressed_once_and_held_and_stored_as_the_same_bytes(
    store: Store, packs: list[bytes], later: bool
) -> None:
    held = HeldCopies(1 << 20)
    held.use(store.copies("acct"))
    held.keep({"/book/a.vcf": RemoteCopy('"e1"', CARD), "/book/b.vcf": RemoteCopy('"e2"', b"short")}, later=later)
    held.flush()

    assert sorted(packs) == sorted([CARD, b"short"])  # once each: not again for the store
    rows = stored_bodies(store, "acct")
    assert zlib.decompress(rows["/book/a.vcf"]) == CARD and zlib.decompress(rows["/book/b.vcf"]) == b"short"
    assert held.at({"/book/a.vcf": '"e1"', "/book/b.vcf": '"e2"'}) == {"/book/a.vcf": CARD, "/book/b.vcf": b"short"}

    # a new run (nothing in memory) reads them from the store and holds them without compressing them again
    packs.clear()
    again = HeldCopies(1 << 20)
    again.use(store.copies("acct"))
    assert again.at({"/book/a.vcf": '"e1"', "/book/b.vcf": '"stale"'}) == {"/book/a.vcf": CARD}
    assert len(again) == 1 and packs == []
    assert again.at({"/book/a.vcf": '"e1"'}) == {"/book/a.vcf": CARD}


def test_copies_stored_in_any_zlib_form_read_back(store: Store) -> None:
    # rows as earlier versions wrote them (zlib.compress level 1), and other zlib streams: all read back
    forms = {
        "level1": zlib.compress(CARD, 1),
        "level9": zlib.compress(CARD, 9),
        "small-window": (lambda c: c.compress(CARD) + c.flush())(zlib.compressobj(6, zlib.DEFLATED, 9, 9)),
        "now": RemoteCopy("e", CARD).packed,
    }
    with store.engine.begin() as conn:
        conn.execute(
            t.remote_copies.insert(),
            [{"account": "acct", "remote_id": rid, "etag": "e", "body": body} for rid, body in forms.items()],
        )
    held = HeldCopies(1 << 20)
    held.use(store.copies("acct"))
    assert held.at(dict.fromkeys(forms, "e")) == dict.fromkeys(forms, CARD)
    assert store.copies("acct").get(forms) == {rid: RemoteCopy("e", CARD) for rid in forms}


def test_copies_compressed_on_many_threads_at_once_read_back_exactly() -> None:
    bodies = [CARD.replace(b"u-1", f"u-{i}".encode()) * (1 + i % 7) for i in range(400)]
    out: dict[int, bytes] = {}
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for i in range(offset, len(bodies), 8):
            out[i] = RemoteCopy("e", bodies[i]).packed

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [zlib.decompress(out[i]) for i in range(len(bodies))] == bodies


def test_a_copy_compares_by_etag_and_body_only() -> None:
    copy = RemoteCopy("e", CARD)
    _ = copy.packed
    assert copy == RemoteCopy("e", CARD) == RemoteCopy.from_packed("e", zlib.compress(CARD, 9))
    assert hash(copy) == hash(RemoteCopy("e", CARD))
    assert RemoteCopy.from_packed("e", zlib.compress(CARD, 9)).packed == zlib.compress(CARD, 9)


def test_a_copy_with_a_photo_keeps_about_as_small_as_before() -> None:
    # the store's copies and the memory budget count compressed bytes: a cheaper compression must not make a
    # card with a photo (base64, little to gain) much bigger than zlib.compress(body, 1) made it
    photo = base64.b64encode(bytes((i * 7919) % 251 for i in range(6000)) + os.urandom(6000))
    body = CARD.replace(b"END:VCARD", b"PHOTO;ENCODING=b;TYPE=JPEG:" + photo + b"\r\nEND:VCARD")
    packed = RemoteCopy("e", body).packed
    assert zlib.decompress(packed) == body
    assert len(packed) <= len(zlib.compress(body, 1)) * 1.05
    assert len(RemoteCopy("e", CARD).packed) <= len(zlib.compress(CARD, 1)) * 1.05
