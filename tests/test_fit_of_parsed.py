"""The vCard codec's contract that lets a vCard account seed its fit memo (#18): a contact parsed from a card is
already what that account can hold, ``fit(parse(card)) == parse(card)``. Checked on every card of the fidelity
corpus and of the sample cards, on hostile cards drawn by hypothesis, and for each kind of vCard account (a
folder, a CardDAV book with CATEGORIES or with group cards, a photo cap that drops photos)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given

from contactsync.connectors import vdir as vdir_package
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.carddav.options import GroupStyle
from contactsync.connectors.fitmemo import FitMemo
from contactsync.connectors.vdir import VdirConnector
from contactsync.model import Contact, Tag
from contactsync.vcard import CardError, decode_card_bytes, fit_contact, parse_card
from tests.fidelity import corpus
from tests.test_fuzz_hostile import FUZZ, cards

SAMPLES = sorted((Path(__file__).parent / "data" / "vcards").glob("*.vcf"))
CARDS = corpus() + [p for p in SAMPLES if not p.stem.startswith("broken-")]
#: the default cap, and one small enough to drop the photos of the sample cards that have one
PHOTO_CAPS = (1_000_000, 64)


def parsed(text: str, *, region: str = "US", photo_max_bytes: int = 1_000_000) -> Contact:
    return parse_card(text, region=region, photo_max_bytes=photo_max_bytes).contact


def carddav(style: GroupStyle, photo_max_bytes: int) -> CardDavConnector:
    options = CardDavOptions(url="http://127.0.0.1:9/book/", username="u", group_style=style)
    return CardDavConnector("dav", options, "pw", photo_max_bytes=photo_max_bytes)


def test_the_corpus_is_there() -> None:
    assert len(corpus()) >= 10 and len(CARDS) > len(corpus())


@pytest.mark.parametrize("cap", PHOTO_CAPS)
@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_a_parsed_card_is_its_own_fit_in_a_folder(path: Path, cap: int, tmp_path: Path) -> None:
    contact = parsed(decode_card_bytes(path.read_bytes()), photo_max_bytes=cap)
    assert VdirConnector("v", tmp_path, photo_max_bytes=cap).fit(contact) == contact


@pytest.mark.parametrize("style", list(GroupStyle), ids=lambda s: s.value)
@pytest.mark.parametrize("cap", PHOTO_CAPS)
@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_a_parsed_card_is_its_own_fit_in_a_carddav_book(path: Path, cap: int, style: GroupStyle) -> None:
    contact = parsed(decode_card_bytes(path.read_bytes()), photo_max_bytes=cap)
    if style.uses_group_cards:
        # the contact a book with group cards lists: its tags are the groups naming it, not its CATEGORIES
        contact = replace(contact, tags=frozenset({Tag("Team"), Tag("a, b; c")}))
    dav = carddav(style, cap)
    try:
        assert dav.fit(contact) == contact
    finally:
        dav.close()


def test_the_photo_cap_is_exercised() -> None:
    """The small cap drops a photo some sample card has: the cases above see both sides of the cap."""
    dropped = [p.stem for p in CARDS if parse_card(decode_card_bytes(p.read_bytes()), photo_max_bytes=64).photo_dropped]
    assert dropped


@FUZZ
@given(text=cards())
def test_a_hostile_card_that_parses_is_its_own_fit(text: str) -> None:
    try:
        contact = parsed(text)
    except CardError:
        return
    assert fit_contact(contact, region="US") == contact


@pytest.mark.parametrize("region", ["US", "DE", "JP"])
@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_a_parsed_card_is_its_own_fit_in_any_region(path: Path, region: str) -> None:
    contact = parsed(decode_card_bytes(path.read_bytes()), region=region)
    assert fit_contact(contact, region=region) == contact


# ------------------------------------------------------------------------------------------------ the memo


def test_a_seeded_contact_is_its_own_fit_without_a_walk() -> None:
    walks: list[Contact] = []

    def fit(contact: Contact) -> Contact:
        walks.append(contact)
        return replace(contact, job_title="fitted")

    memo = FitMemo(fit, size=2)
    a, b = Contact(job_title="a"), Contact(job_title="b", tags=frozenset({Tag("X")}))
    memo.seed(a)
    assert memo(a) is a and walks == []
    memo.know(b, replace(b, job_title="known"))
    assert memo(b).job_title == "known" and walks == []
    memo.seed(Contact(job_title="c"))  # the least recently used (a) goes
    assert memo(a).job_title == "fitted" and walks == [a]
    # the key keeps the tags' spelling: the same contact with another spelling of a tag is asked again
    assert memo(replace(b, tags=frozenset({Tag("x")}))).job_title == "fitted"


def test_a_folder_pull_seeds_the_fit_of_every_card_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in CARDS:
        (tmp_path / f"{path.stem}.vcf").write_bytes(path.read_bytes())
    folder = VdirConnector("v", tmp_path)
    pulled = folder.pull(None).changed
    assert len(pulled) >= 10

    def no_walk(contact: Contact, *, region: str) -> Contact:
        raise AssertionError("fitted again a contact the pull read")

    monkeypatch.setattr(vdir_package.connector, "fit_contact", no_walk)
    for remote in pulled:
        assert folder.fit(remote.contact) == remote.contact
