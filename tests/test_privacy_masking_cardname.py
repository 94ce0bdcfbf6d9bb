"""A card file's name is masked whole: another client may name a card after its person ("Ana Souza.vcf"), and the
net under our messages (``logs.mask_personal``) hid only the last word of it ("Ana … changed since it was read").
vdir's own messages about a card file no longer name it: they are stored and shown (``status``, the run report)
whatever ``log.personal_data`` says, and the item is named by its ref there."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactsync.connector import Change, ChangeKind, RemoteRef
from contactsync.connectors.vdir import VdirConnector
from contactsync.errors import ItemRejected, PreconditionFailed
from contactsync.logs import account_error, mask_personal
from contactsync.model import Contact, Name
from tests.test_stewardship import card


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Ana Souza.vcf changed since it was read", "… changed since it was read"),
        ("José da Silva.vcf exists already", "… exists already"),
        ("Anne van Dijk.vcf no longer exists", "… no longer exists"),
        ("the server refused Ana Souza.vcf (HTTP 412)", "the server refused … (HTTP 412)"),
        ("PUT /dav/Ana Souza.vcf: 412", "PUT /dav/…: 412"),
        ("card 'Mara Lopes Reis.vcf' refused; 3 cards left", "card '…' refused; 3 cards left"),
        ("Maria de la Cruz.vcf exists already", "… exists already"),
        # our own words before a card's name stay: "card …"
        ("is not DAV; card ana.silva_example.com-7bda2560ce1b.vcf", "is not DAV; card …"),
        # and so do a status line's code, its capitals and short words (review of 0216509)
        ("HTTP 412 Precondition Failed for Ana.vcf", "HTTP 412 Precondition Failed for …"),
        ("Server said 412 Precondition Failed on ana.vcf", "Server said 412 Precondition Failed on …"),
        ("Rename ONE.VCF to one.vcf", "… to …"),
    ],
)
def test_a_card_files_whole_name_is_masked(said: str, shown: str) -> None:
    assert mask_personal(said) == shown
    assert account_error(ItemRejected(said, account="office")) == shown


def test_a_long_text_of_many_words_and_card_names_is_masked_in_linear_time() -> None:
    # the name is read back from each ".vcf", never past the one before: 200,000 words are read once
    assert mask_personal("word " * 200_000 + "Ana.vcf") == "word " * 200_000 + "…"
    assert mask_personal("Ana Souza.vcf " * 50_000) == "… " * 50_000


def test_vdir_does_not_name_the_card_file_that_changed_or_went(tmp_path: Path) -> None:
    (tmp_path / "Ana Souza.vcf").write_text(card("ana-uid", "Ana Souza", email="ana@example.org"))
    vdir = VdirConnector("office", tmp_path)
    [listed] = vdir.pull(None).changed
    contact = Contact(name=Name(given="Ana", family="Souza"), display_name="Ana Souza")
    stale = RemoteRef(listed.ref.id, "not-the-etag")
    [changed] = vdir.push([Change(ChangeKind.UPDATE, "c1", contact, stale)])
    (tmp_path / "Ana Souza.vcf").unlink()
    [gone] = vdir.push([Change(ChangeKind.UPDATE, "c1", contact, listed.ref)])
    for result in (changed, gone):
        assert isinstance(result.error, PreconditionFailed), result
        assert "Ana" not in str(result.error) and "Souza" not in str(result.error), result.error
    assert str(changed.error) == "the card file changed since it was read"
    assert str(gone.error) == "the card file no longer exists"
