"""Issue #15 end to end: a first sync from a large Radicale book into an empty one, through the real engine.

The suite runs 300 cards (Radicale takes ~40 ms a PUT into the new book, so 2,000 cost four minutes);
``CONTACTSYNC_FIDELITY_CARDS=2000`` runs the size the issue names.

The source book holds the fidelity corpus (tests/data/fidelity: Apple, Nextcloud, CardBook, DAVx5 and RFC 6350
cards) and N - 8 cards written the way other clients write them (national phone numbers,
``TYPE=INTERNET``, Apple labels, X- properties, 2.1 cards). The sync must not write to the source at all (no PUT:
identity is the href and UID, no marker needed), leave every card byte for byte as it was, give the new book a copy
of each card that lost no property, report the requests it made, and write nothing on the next run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contactsync.connectors.carddav import CardDavConnector
from contactsync.engine import Engine
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
from contactsync.store import Store
from contactsync.vcard import decode_card_bytes, parse_card
from tests.fidelity import corpus, lost

from .conftest import USER, DavServer
from .helpers import make_connector

N = int(os.environ.get("CONTACTSYNC_FIDELITY_CARDS", "300"))


def _synthetic(i: int) -> str:
    """A card as some other client wrote it: every 50th one is vCard 2.1 (Outlook), the rest 3.0."""
    if i % 50 == 0:
        lines = [
            "VERSION:2.1",
            f"N;CHARSET=Windows-1252:Muster{i};Hans;;;",
            f"FN:Hans Muster{i}",
            f"TEL;WORK;VOICE:(030) {1000000 + i}",
            f"EMAIL;PREF;INTERNET:hans{i}@firma.example",
            "X-MS-OL-DEFAULT-POSTAL-ADDRESS:0",
        ]
    else:
        lines = [
            "VERSION:3.0",
            f"PRODID:-//Client {i % 7}//EN",
            f"N:Person{i};Ana;;;",
            f"FN:Ana Person{i}",
            f"item1.EMAIL;type=INTERNET;type=pref:ana{i}@example.org",
            "item1.X-ABLabel:_$!<Other>!$_",
            f"TEL;type=CELL:(415) 556-{i % 10000:04d}",
            f"X-SOCIALPROFILE;type=twitter:https://twitter.com/ana{i}",
            "NOTE:Notes keep their trailing space ",
        ]
    return "\r\n".join(["BEGIN:VCARD", *lines, f"UID:synthetic-{i}", "END:VCARD", ""])


def _folder(server: DavServer, url: str) -> Path:
    assert server.storage is not None
    return server.storage / "collection-root" / USER / url.rstrip("/").rsplit("/", 1)[1]


def _cards(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def _run(store: Store, source: CardDavConnector, target: CardDavConnector) -> dict[str, int]:
    book = BookSettings(
        "fidelity",
        (AccountSettings("source", "carddav"), AccountSettings("target", "carddav")),
        brake=BrakeSettings(max_delete_ratio=1.0),
    )
    report = Engine(store, book, {"source": source, "target": target}).run()
    assert report.accounts["source"].error is None and report.accounts["target"].error is None
    return {name: rep.requests for name, rep in report.accounts.items()}


def test_a_first_sync_writes_nothing_to_the_source_and_the_copy_loses_nothing(
    radicale_server: DavServer, tmp_path: Path
) -> None:
    source_url = radicale_server.new_addressbook()
    target_url = radicale_server.new_addressbook()
    # Radicale itself skips a card without UID and one it cannot decode ("Skip broken item"): the Google export
    # (no UID) and Outlook's 2.1 card (Windows-1252) go through the vdir and codec tests instead
    samples = {p.name: p.read_bytes() for p in corpus() if p.stem not in ("google-export", "outlook-export")}
    folder = _folder(radicale_server, source_url)
    for i in range(N - len(samples)):
        (folder / f"synthetic-{i}.vcf").write_bytes(_synthetic(i).encode())
    for name, body in samples.items():
        (folder / name).write_bytes(body)
    before = _cards(folder)
    assert len(before) == N

    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        source = make_connector(radicale_server, source_url)
        target = make_connector(radicale_server, target_url)
        try:
            requests = _run(store, source, target)
            sent_to_source = dict(source.request_counts)
            sent_to_target = dict(target.request_counts)
        finally:
            source.close()
            target.close()

        # not one write to the source, and every card of it byte for byte as it was
        assert sent_to_source.get("PUT", 0) == 0 and sent_to_source.get("DELETE", 0) == 0, sent_to_source
        assert _cards(folder) == before
        # the run's summary counts the requests made (it said 0 for 2,000 PUTs)
        assert requests == {"source": sum(sent_to_source.values()), "target": sum(sent_to_target.values())}
        assert sent_to_target.get("PUT") == N

        copies = [decode_card_bytes(body) for body in _cards(_folder(radicale_server, target_url)).values()]
        assert len(copies) == N
        by_name = {parse_card(c).contact.display_name: c for c in copies}
        # Radicale stores each card as vobject re-serializes it (escapes, a value with ';' or ','): what it does to
        # the source card itself, PUT by a client, is Radicale's; the copy must lose nothing more than that
        scratch = radicale_server.new_addressbook()
        checked = {name: decode_card_bytes(body) for name, body in samples.items()}
        checked |= {f"synthetic-{i}.vcf": _synthetic(i) for i in range(0, 200, 7)}
        with radicale_server.session() as session:
            for name, original in checked.items():
                assert session.put(scratch + name, data=original.encode(), timeout=10).status_code == 201
                by_radicale = session.get(scratch + name, timeout=10).content.decode()
                copy = by_name[parse_card(original).contact.display_name]
                assert set(lost(original, copy)) <= set(lost(original, by_radicale)), name

        # the next run finds nothing to do: no write anywhere
        source = make_connector(radicale_server, source_url)
        target = make_connector(radicale_server, target_url)
        try:
            _run(store, source, target)
            assert source.request_counts.get("PUT", 0) == 0 and target.request_counts.get("PUT", 0) == 0
        finally:
            source.close()
            target.close()
        assert _cards(folder) == before


@pytest.fixture(autouse=True)
def _radicale_only(request: pytest.FixtureRequest) -> None:
    """These tests seed Radicale's storage folder directly: Xandikos keeps cards in git."""
