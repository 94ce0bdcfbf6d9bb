"""vCard 2.1 backslashes: in 2.1 a backslash escapes only ``;`` (the 2.1 writer, ``write_line_21``, writes every
other backslash as it is), so a 2.1 value's other backslashes are text. They were read as 3.0 escapes: a 2.1 note
``Scans: \\\\nas01\\scans\\new`` reached the other accounts as ``Scans: \\nas01scans`` + a line break + ``ew``, and
a plain 2.1 line carried verbatim into a 4.0 card changed meaning there."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from contactsync.cli import cli
from contactsync.vcard import decode_card_bytes, parse_card
from contactsync.vcard.lines import (
    ContentLine,
    escape_text,
    lex_line,
    read_card_lines,
    read_lines,
    split_unescaped,
    unescape_text,
    write_line_21,
)

#: what the Windows admin typed into Outlook's note: a UNC path, then (next line) a local one
NOTE = "Scans: \\\\nas01\\scans\\new\nVPN key in C:\\temp\\vpn.txt"


def _card_21(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:2.1\r\n" + "".join(line + "\r\n" for line in lines) + "END:VCARD\r\n"


def _books(tmp_path: Path) -> tuple[Path, Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: book\n    accounts:\n"
        f"      - {{name: a, type: vdir, options: {{path: {a}}}}}\n"
        f"      - {{name: b, type: vdir, options: {{path: {b}}}}}\n"
    )
    return a, b, config


def _sync(config: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _only_card(folder: Path) -> str:
    (card,) = folder.glob("*.vcf")
    return decode_card_bytes(card.read_bytes())


# ---------------------------------------------------------------- the user's view: `contactsync sync` of two folders


@pytest.mark.parametrize(
    "note_line",
    [
        # Outlook: a note with a line break is quoted-printable, backslashes as typed
        "NOTE;ENCODING=QUOTED-PRINTABLE:Scans: \\\\nas01\\scans\\new=0D=0AVPN key in C:\\temp\\vpn.txt",
        # an old phone's export: the CHARSET said, the backslash itself quoted-printable (=5C)
        "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Scans: =5C=5Cnas01=5Cscans=5Cnew=0D=0A"
        "VPN key in C:=5Ctemp=5Cvpn.txt",
    ],
)
def test_a_21_quoted_printable_note_reaches_the_other_folder_as_typed(tmp_path: Path, note_line: str) -> None:
    a, b, config = _books(tmp_path)
    (a / "ken.vcf").write_text(
        _card_21("N:Tanaka;Ken", "FN:Ken Tanaka", "EMAIL;PREF;INTERNET:ken@example.org", note_line), newline=""
    )
    before = (a / "ken.vcf").read_bytes()
    _sync(config)
    _sync(config)
    assert parse_card(_only_card(b)).contact.note == NOTE
    assert (a / "ken.vcf").read_bytes() == before  # the source card is never rewritten


def test_plain_21_values_with_backslashes_reach_the_other_folder_as_typed(tmp_path: Path) -> None:
    a, b, config = _books(tmp_path)
    (a / "share.vcf").write_text(
        _card_21(
            "N:Share\\;Admin;Files",  # 2.1's one escape: a semicolon inside a component
            "FN:Files Share\\Admin",
            "ORG:ACME\\EMEA;IT\\Ops",
            "TITLE:Admin of \\\\fs01\\",
            "EMAIL;INTERNET:files@example.org",
            "NOTE:Home drive H:\\users\\new\\ and \\\\fs01\\t$",  # a backslash before n and t: text, not escapes
            "X-HOME-DIR:C:\\users\\n",  # a custom value
            "X-LOGON;TYPE=WORK:ACME\\nobody",  # an unmapped line, carried verbatim to the other folder
        ),
        newline="",
    )
    before = (a / "share.vcf").read_bytes()
    _sync(config)
    _sync(config)
    copy = parse_card(_only_card(b)).contact
    assert copy.name.family == "Share;Admin" and copy.name.given == "Files"
    assert copy.display_name == "Files Share\\Admin"
    assert (copy.organization, copy.department) == ("ACME\\EMEA", "IT\\Ops")
    assert copy.job_title == "Admin of \\\\fs01\\"
    assert copy.note == "Home drive H:\\users\\new\\ and \\\\fs01\\t$"
    assert dict(copy.custom)["X-HOME-DIR"] == "C:\\users\\n"
    [logon] = [line for line in read_lines(_only_card(b)) if line.name == "X-LOGON"]
    assert unescape_text(logon.value) == "ACME\\nobody"
    assert (a / "share.vcf").read_bytes() == before


def test_a_note_with_backslashes_written_into_a_21_card_reads_back_as_typed(tmp_path: Path) -> None:
    """The reverse: a note edited on the 4.0 side is written into the 2.1 card (write_line_21, backslashes as they
    are) and the next runs read it back as typed; it does not come back altered to the 4.0 side."""
    a, b, config = _books(tmp_path)
    (a / "ken.vcf").write_text(
        _card_21("N:Tanaka;Ken", "FN:Ken Tanaka", "EMAIL;PREF;INTERNET:ken@example.org", "NOTE:old"), newline=""
    )
    _sync(config)
    (copy,) = b.glob("*.vcf")
    text = copy.read_bytes().decode()
    assert "NOTE:old\r\n" in text
    copy.write_text(text.replace("NOTE:old\r\n", "NOTE:" + escape_text(NOTE) + "\r\n"), newline="")
    _sync(config)
    assert "VERSION:2.1" in _only_card(a)
    assert parse_card(_only_card(a)).contact.note == NOTE
    _sync(config)
    _sync(config)
    assert parse_card(_only_card(a)).contact.note == NOTE
    assert parse_card(_only_card(b)).contact.note == NOTE


# ---------------------------------------------------------------- the reader


def _value(card: str, name: str) -> str:
    [line] = [line for line in read_card_lines(card) if line.name == name]
    return line.value


def test_the_reader_keeps_21_backslashes_as_text() -> None:
    card = _card_21(
        "NOTE;ENCODING=QUOTED-PRINTABLE:Scans: \\\\nas01\\scans\\new=0D=0AVPN key in C:\\temp\\vpn.txt",
        "TITLE:C:\\temp\\",  # a backslash at the very end
        "X-PATH;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller=5Cnew",
        "X-FOLDER;HOME;CHARSET=UTF-8:\\\\srv\\n",
    )
    assert unescape_text(_value(card, "NOTE")) == NOTE
    assert unescape_text(_value(card, "TITLE")) == "C:\\temp\\"
    assert unescape_text(_value(card, "X-PATH")) == "Müller\\new"
    assert unescape_text(_value(card, "X-FOLDER")) == "\\\\srv\\n"
    assert parse_card(card).contact.note == NOTE


def test_the_reader_keeps_21_escaped_semicolons_in_structured_values() -> None:
    card = _card_21(
        "N:O\\;Brien\\x;Se\\\\an",
        "ADR;HOME:;;Main St 1\\;2;C:\\Town;;;",
        "ORG:A\\;B\\C;D",
        "NOTE:one\\;two",
    )
    contact = parse_card(card).contact
    assert (contact.name.family, contact.name.given) == ("O;Brien\\x", "Se\\\\an")
    assert (contact.addresses[0].street, contact.addresses[0].locality) == ("Main St 1;2", "C:\\Town")
    assert (contact.organization, contact.department) == ("A;B\\C", "D")
    assert contact.note == "one;two"


def test_30_and_40_values_keep_their_escapes() -> None:
    for version in ("3.0", "4.0"):
        card = f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:A\r\nNOTE:a\\nb\\\\c\\,d\\;e\r\nX-P:C:\\\\t\r\nEND:VCARD\r\n"
        assert unescape_text(_value(card, "NOTE")) == "a\nb\\c,d;e"
        assert unescape_text(_value(card, "X-P")) == "C:\\t"
    # a line alone (a carried line's text, 3.0 form) is read as 3.0
    line = lex_line("NOTE:a\\nb")
    assert line is not None and unescape_text(line.value) == "a\nb"


def test_a_21_card_rewritten_unchanged_is_returned_as_it_was() -> None:
    from contactsync.vcard import render_card

    card = _card_21("FN:A\\B", "N:B\\;C;A", "NOTE:C:\\new", "X-P:\\\\x\\")
    parsed = parse_card(card)
    assert render_card(parsed.contact, uid="u", marker=None, version="2.1", original=card) == card


def test_a_21_line_whose_text_is_another_lines_30_form_is_carried_as_itself() -> None:
    """``X-P:a\\\\b`` (2.1: two backslashes) is the 3.0 form of ``X-P:a\\b`` (2.1: one): each travels as itself."""
    from contactsync.vcard import render_card

    card = _card_21("FN:A", "X-P;TYPE=x:a\\b", "X-P;TYPE=x:a\\\\b")
    contact = parse_card(card).contact
    out = render_card(contact, uid="u", marker=None, version="4.0")
    values = sorted(unescape_text(line.value) for line in read_lines(out) if line.name == "X-P")
    assert values == ["a\\\\b", "a\\b"]


# ---------------------------------------------------------------- write_line_21 and the reader: a round trip

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\\\\;,n\n"), max_size=60)


@given(text=_TEXT, name=st.sampled_from(["NOTE", "FN", "TITLE", "LABEL", "X-FOO"]))
def test_text_written_by_the_21_writer_reads_back_as_it_was(text: str, name: str) -> None:
    written = write_line_21(ContentLine(name, escape_text(text)))
    [line] = [line for line in read_card_lines(_card_21(written.removesuffix("\r\n"))) if line.name == name]
    assert unescape_text(line.value) == text


@given(parts=st.lists(_TEXT, min_size=1, max_size=5))
def test_components_written_by_the_21_writer_read_back_as_they_were(parts: list[str]) -> None:
    # 2.1 cannot say a component that ends in a backslash before the next one (``a\\;b`` is an escaped semicolon)
    assume(not any(part.endswith("\\") for part in parts[:-1]))
    written = write_line_21(ContentLine("N", ";".join(escape_text(p) for p in parts)))
    [line] = [line for line in read_card_lines(_card_21(written.removesuffix("\r\n"))) if line.name == "N"]
    assert [unescape_text(p) for p in split_unescaped(line.value, ";")] == parts


def test_a_stray_30_escape_written_into_a_21_card_reads_back_as_its_30_meaning() -> None:
    """Apple and Google write ``http\\://``: in 3.0 a stray escape is the character itself. Written into a 2.1 card
    it must not keep its backslash, which a 2.1 reader takes as text (review: the card then read
    ``http\\://`` and every later edit wrote it again)."""
    for value, meaning in (("http\\://twitter.com/marco", "http://twitter.com/marco"), ("a\\xb\\", "axb")):
        line = ContentLine("X-SOCIALPROFILE", value, (("TYPE", ("twitter",)),))
        written = write_line_21(line)
        (read,) = [x for x in read_card_lines(_card_21(written.rstrip("\r\n"))) if x.name == "X-SOCIALPROFILE"]
        assert unescape_text(read.value) == meaning == unescape_text(value)


def test_a_21_card_rendered_as_40_keeps_what_its_lines_mean() -> None:
    """A line's text as read is in its card's version: a 2.1 line copied as read into a 4.0 card would change
    meaning there (``\\n`` is text in 2.1, a line break in 4.0), so across 2.1 lines are written afresh."""
    from contactsync.vcard import render_card

    card = _card_21("N:Tanaka;Ken", "FN:Ken Tanaka", "LABEL;HOME:1 Main St\\nTown", "NOTE:C:\\temp")
    parsed = parse_card(card).contact
    as_40 = render_card(parsed, uid="u", marker="m", version="4.0", original=card)
    again = parse_card(as_40).contact
    assert again.note == parsed.note == "C:\\temp"
    assert [x for x in again.vcard_lines if x.startswith("LABEL")] == [
        x for x in parsed.vcard_lines if x.startswith("LABEL")
    ]


def test_a_component_ending_in_a_backslash_keeps_the_components_apart_in_21() -> None:
    """2.1 cannot write a backslash that ends a component (``\\;`` is its escaped semicolon): the backslash is
    left out, so that ``Doe\\`` and ``John`` do not become one family name ``Doe;John`` (review)."""
    written = write_line_21(ContentLine("N", "Doe\\\\;John;;;"))
    (read,) = [x for x in read_card_lines(_card_21(written.rstrip("\r\n"))) if x.name == "N"]
    assert [unescape_text(part) for part in split_unescaped(read.value, ";")][:2] == ["Doe", "John"]
