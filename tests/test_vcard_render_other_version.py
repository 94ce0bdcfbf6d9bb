"""A card written back in another vCard version than the one it is stored in keeps its second values.

A card may say a property twice (a name in another language, a second employer, a second note). Written back in
its own version after the first value was edited elsewhere, only the first line is rewritten and the second lines
stay (tests/test_vcard_second_values.py). Written in another version (3.0 over 4.0, 4.0 over 3.0, either over 2.1
or 2.1 over either), every mapped line is written afresh, and the second lines the contact still carries were
meant to go back after the first: they did only while the first value was unchanged. Once it was edited, every
second line was dropped from the card without a word. The connectors write a card back in its own version today;
this holds :func:`render_card` to what it promises for any version.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from contactsync.vcard import parse_card, render_card

CARD = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:{version}",
        "UID:u-1",
        "FN;LANGUAGE=en:Taro Yamada",
        "FN;LANGUAGE=ja:Yamada Taro",
        "N:Yamada;Taro;;;",
        "EMAIL:taro@example.org",
        "ORG:Example Corp",
        "ORG:Tokyo Rotary Club",
        "TITLE:Manager",
        "TITLE:Volunteer Firefighter",
        "NOTE:First note",
        "NOTE:Second note",
        "END:VCARD",
        "",
    ]
)
SECONDS = ["FN;LANGUAGE=ja:Yamada Taro", "ORG:Tokyo Rotary Club", "TITLE:Volunteer Firefighter", "NOTE:Second note"]
PAIRS = [(a, b) for a in ("2.1", "3.0", "4.0") for b in ("2.1", "3.0", "4.0") if a != b]


@pytest.mark.parametrize(("stored", "written"), PAIRS)
def test_first_values_edited_elsewhere_keep_the_second_lines_in_another_version(stored: str, written: str) -> None:
    card = CARD.replace("{version}", stored)
    read = parse_card(card).contact
    # edited on Google or Outlook, which hold one value of each: the carried lines are the store's as they were
    edited = replace(
        read, display_name="Taro Yamada-Sato", organization="Example Holdings", job_title="Director", note="New note"
    )
    out = render_card(edited, uid="u-1", marker=None, version=written, original=card, previous=read)
    lines = out.splitlines()
    for second in SECONDS:
        assert second in lines, out
    again = parse_card(out).contact
    assert (again.display_name, again.organization, again.job_title, again.note) == (
        "Taro Yamada-Sato",
        "Example Holdings",
        "Director",
        "New note",
    ), out
    assert "ORG:Example Corp" not in lines and "TITLE:Manager" not in lines and "NOTE:First note" not in lines


@pytest.mark.parametrize(("stored", "written"), PAIRS)
def test_unchanged_first_values_keep_the_second_lines_in_another_version(stored: str, written: str) -> None:
    card = CARD.replace("{version}", stored)
    read = parse_card(card).contact
    edited = replace(read, emails=())  # another field edited elsewhere
    out = render_card(edited, uid="u-1", marker=None, version=written, original=card, previous=read)
    lines = out.splitlines()
    for line in [*SECONDS, "ORG:Example Corp", "TITLE:Manager", "NOTE:First note"]:
        assert line in lines, out
    assert "EMAIL:taro@example.org" not in lines
    again = parse_card(out).contact
    assert (again.organization, again.job_title, again.note) == ("Example Corp", "Manager", "First note")


def test_a_value_cleared_elsewhere_takes_its_second_lines_with_it_in_another_version() -> None:
    """As in the card's own version: kept, the second note would be read as the note, one the user did not put back."""
    card = CARD.replace("{version}", "3.0")
    read = parse_card(card).contact
    out = render_card(replace(read, note=""), uid="u-1", marker=None, version="4.0", original=card, previous=read)
    assert "NOTE" not in out
    assert parse_card(out).contact.note == ""
