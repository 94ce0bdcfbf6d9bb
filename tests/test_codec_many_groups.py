"""A card of thousands of Apple label groups (``itemN.EMAIL`` + ``itemN.X-ABLabel``) is read whole, each value with
its own label. parse_card once scanned the whole card for each group's lines (lines × groups): 2,000 groups took
over a second and a hostile server's card of a few hundred thousand lines could hold an account's run for hours.
No timing here: the figures are in the commit that made it linear."""

from __future__ import annotations

from contactsync.vcard import parse_card, render_card

GROUPS = 5_000


def _card(groups: int) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", "UID:many-groups", "FN:Ana Souza", "N:Souza;Ana;;;"]
    for i in range(groups):
        lines += [f"item{i}.EMAIL:club{i}@example.org", f"item{i}.X-ABLabel:Club {i}"]
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


def test_every_labelled_value_of_a_card_of_thousands_of_groups_keeps_its_own_label() -> None:
    parsed = parse_card(_card(GROUPS))
    emails = parsed.contact.emails
    assert [(e.address, e.label) for e in emails] == [(f"club{i}@example.org", f"Club {i}") for i in range(GROUPS)]
    # each group is exactly a labelled value as contactsync writes it: nothing left over to carry verbatim
    assert parsed.contact.vcard_lines == ()


def test_a_card_of_thousands_of_groups_is_written_back_with_each_label_in_its_group() -> None:
    parsed = parse_card(_card(GROUPS))
    text = render_card(parsed.contact, uid="many-groups", marker=None, version="3.0", original=_card(GROUPS))
    again = parse_card(text)
    assert again.contact.emails == parsed.contact.emails


def test_a_group_with_a_second_label_line_keeps_the_first_label_and_carries_the_group() -> None:
    card = _card(3).replace("item1.X-ABLabel:Club 1\r\n", "item1.X-ABLabel:Club 1\r\nitem1.X-ABLabel:Other\r\n")
    parsed = parse_card(card)
    labels = {e.address: e.label for e in parsed.contact.emails}
    assert labels == {"club0@example.org": "Club 0", "club1@example.org": "Club 1", "club2@example.org": "Club 2"}
    # a group of three lines is not one contactsync would write: it travels as it came, both labels included
    assert parsed.contact.vcard_lines == (
        "item1.EMAIL:club1@example.org",
        "item1.X-ABLABEL:Club 1",
        "item1.X-ABLABEL:Other",
    )
