"""A directory in a real OpenLDAP pushed into CardDAV address books on a real Radicale: the container is each
user's "Company directory" book. Join, change, leave; a card the user deletes with their own client comes back;
the user's own cards, in that book or another, are never touched; a quiet cycle writes nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.settings import AccountSettings, Secret, frozen_mapping
from contactsync.store import Store
from tests.distribution.support import cycle, directory_account, distribution, distributor
from tests.ldap.slapd import Slapd, available
from tests.system.radicale import PASSWORD, USER, DavUser, Radicale, props

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

OWN_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:own-1\r\nFN:Mum Silva\r\nN:Silva;Mum;;;\r\n"
    "EMAIL;TYPE=HOME:mum@example.net\r\nEND:VCARD\r\n"
)


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


def dav_account(name: str, url: str) -> AccountSettings:
    return AccountSettings(
        name,
        "carddav",
        options=frozen_mapping({"url": url, "username": USER}),
        secrets=frozen_mapping({"password": Secret(PASSWORD, "test")}),
    )


def emails(user: DavUser) -> dict[str, tuple[str, str]]:
    """email → (href, card text) of every card in the book."""
    out = {}
    for href, (_etag, text) in user.cards().items():
        for value in props(text, "EMAIL"):
            out[value.lower()] = (href, text)
    return out


def test_carddav_books_follow_the_directory_and_the_users_own_cards_stay(
    slapd: Slapd, radicale: Radicale, tmp_path: Path
) -> None:
    dns = [slapd.add_person(f"p{i}", cn=f"Person {i}", mail=[f"p{i}@example.org"]) for i in range(5)]
    books = {f"user{i}": radicale.new_book(f"company-{i}") for i in range(2)}
    private = radicale.new_book("private")
    users = {name: DavUser(url) for name, url in books.items()}
    users["user0"].put(books["user0"] + "own-1.vcf", OWN_CARD)  # a card of the user's own, inside the book
    DavUser(private).put(private + "own-2.vcf", OWN_CARD.replace("own-1", "own-2"))
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        dist = distributor(
            store,
            distribution(directory_account(slapd), [(dav_account(n, u), None) for n, u in books.items()]),
        )
        cycle(dist)
        for user in users.values():
            cards = emails(user)
            assert {f"p{i}@example.org" for i in range(5)} <= set(cards)
            assert all("Company directory" in text for e, (_h, text) in cards.items() if e.endswith("example.org"))
        own_before = users["user0"].cards()[books["user0"] + "own-1.vcf"]

        slapd.modify(dns[1], {"title": ["CFO"]})
        slapd.delete(dns[2])
        slapd.add_person("p9", cn="Person 9", mail=["p9@example.org"])
        # user1 deletes a colleague with their phone's own client
        href, _ = emails(users["user1"])["p3@example.org"]
        users["user1"].delete(href)
        report = cycle(dist)
        assert report.plan is not None and (report.plan.joined, report.plan.changed, report.plan.left) == (1, 1, 1)
        by_account = {t.account: (t.created, t.updated, t.deleted) for t in report.targets}
        assert by_account == {"user0": (1, 1, 1), "user1": (2, 1, 1)}
        for user in users.values():
            cards = emails(user)
            assert "p2@example.org" not in cards and "p9@example.org" in cards and "p3@example.org" in cards
            assert props(cards["p1@example.org"][1], "TITLE") == ["CFO"]
        # the user's own cards: untouched, in the container's book and outside it
        assert users["user0"].cards()[books["user0"] + "own-1.vcf"] == own_before
        assert len(DavUser(private).cards()) == 1

        quiet = cycle(dist)
        quiet = cycle(dist)
        assert [(t.created, t.updated, t.deleted, t.listed) for t in quiet.targets] == [(0, 0, 0, 0)] * 2
    for user in users.values():
        user.close()
