"""``contactsync import`` names a rejected row's line and field, never its value, unless the admin asks: an import's
output is pasted into tickets as any other command's (LGPD/GDPR; README, "Logs and personal data"). It printed the
phone or the email as typed ("line 2  phone '5551234 kleber private' is not a phone number"), and a card the codec
could not read with the codec's own text, which may quote the card. ``--show-values`` and ``log.personal_data: true``
show the values, as ``sync --dry-run --show-values`` does."""

from __future__ import annotations

from pathlib import Path

import pytest

import contactsync.vcard
from tests.test_stewardship import Book, card

PHONE = "5551234 kleber private"
EMAIL = "mara.lopes-at-example.org"
BIRTHDAY = "Kleber turns 40th"
CSV = (
    "Name,Email,Phone,Birthday\r\n"
    f"Kleber Dias,kleber@example.org,{PHONE},\r\n"
    f"Mara Lopes,{EMAIL},,\r\n"
    f"Nina Reis,nina@example.org,,{BIRTHDAY}\r\n"
    "Otto Lima,otto@example.org,+1 415 555 0102,\r\n"
)
VALUES = ("5551234", "kleber private", "mara.lopes", "turns 40th")


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path, f"sqlite:///{tmp_path / 'store.db'}")


def _source(book: Book) -> Path:
    source = book.root / "people.csv"
    source.write_text(CSV)
    return source


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_rejected_rows_values_are_not_shown(book: Book, dry_run: bool) -> None:
    result = book.cli("import", str(_source(book)), *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 3, result.output
    assert "rejected 3" in result.stdout
    shown = [v for v in VALUES if v in result.output]
    assert shown == [], result.output
    # the line and the field say where to look in the file
    assert "line 2  the phone is not a phone number (for US; give +country for others)" in result.stdout
    assert "line 3  the email is not an email address" in result.stdout
    assert "line 4  the birthday is not a date (use YYYY-MM-DD or --MM-DD)" in result.stdout


def test_show_values_and_personal_data_show_them(book: Book) -> None:
    source = _source(book)
    asked = book.cli("import", str(source), "--dry-run", "--show-values")
    assert asked.exit_code == 3, asked.output
    assert f"line 2  phone '{PHONE}' is not a phone number" in asked.stdout
    assert f"line 3  email '{EMAIL}' is not an email address" in asked.stdout
    assert f"line 4  birthday {BIRTHDAY!r} is not a date" in asked.stdout
    book.config.write_text("log:\n  personal_data: true\n" + book.config.read_text())
    configured = book.cli("import", str(source), "--dry-run")
    assert f"phone '{PHONE}' is not a phone number" in configured.stdout, configured.output


def test_a_card_the_codec_cannot_read_is_rejected_without_the_codecs_text(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = contactsync.vcard.parse_card

    def parse_card(text: str, **kwargs: object) -> object:
        # a library's error quoting the card, as a parser's ValueError may ("invalid date 'Eva Martins 1990'")
        if "Eva Martins" in text:
            raise ValueError("invalid BDAY 'Eva Martins 1990' for eva@example.org")
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(contactsync.vcard, "parse_card", parse_card)
    source = book.root / "cards.vcf"
    # the third card is cut short: the codec's own reason ("no END:VCARD line") quotes nothing and is still said
    source.write_text(
        card("x", "Eva Martins", email="eva@example.org")
        + card("y", "Rui Alves", email="rui@example.org")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n"
    )
    result = book.cli("import", str(source))
    assert result.exit_code == 3, result.output
    assert "created 1, matched 0 to contacts already there, rejected 2" in result.stdout
    assert "Eva" not in result.output and "eva@" not in result.output and "1990" not in result.output
    assert "card 1  unreadable card: ValueError (message withheld" in result.stdout, result.stdout
    assert "card 3  unreadable card: the card has no END:VCARD line (truncated?)" in result.stdout
    asked = book.cli("import", str(source), "--dry-run", "--show-values")
    assert "card 1  unreadable card: ValueError: invalid BDAY 'Eva Martins 1990'" in asked.stdout, asked.output


def test_a_row_with_several_phones_names_none_by_a_position_it_may_not_have(book: Book) -> None:
    """The row's contact is normalized before it is checked (repeats dropped): "phone 2 of 2" pointed at the
    second column typed when the bad number was the third (review of 0216509)."""
    source = book.root / "phones.csv"
    source.write_text("Name,Phone\r\nKleber Dias,+1 212 555 0100;+12125550100;5551234 kleber private\r\n")
    result = book.cli("import", str(source), "--dry-run")
    assert result.exit_code == 3, result.output
    assert "line 2  one of the phones is not a phone number" in result.stdout
    assert "5551234" not in result.output and " of 2" not in result.output
