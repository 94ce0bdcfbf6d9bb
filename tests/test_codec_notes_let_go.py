"""What parse_card notes on a contact (``mapping._Read``, issue #18) is let go of when no longer likely to be
needed, so that contacts held for a run (a first sync's listing) or kept between runs (the store's encodings) do
not hold every card's lines: the lines once read for a render are kept for the last few thousand contacts only,
emptying the codec's memos lets go of all of them, and what is kept is shared where it can be. A contact whose
notes were let go of is fitted and rendered the long way, to the same bytes."""

from __future__ import annotations

import re

from contactsync.vcard import fit_contact, mapping, parse_card, render_card

#: a REV line (the clock's: two renders a second apart differ there)
_REV = re.compile(r"^(?:[A-Za-z0-9-]+\.)?REV[;:][^\r\n]*\r\n", re.MULTILINE | re.IGNORECASE)


def _card(i: int) -> str:
    # an email and a phone with a TYPE: both lines travel with the contact (carried), as in bench/carddav_bench.py
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u{i}\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n"
        f"EMAIL;TYPE=WORK:person{i}@example.org\r\nTEL;TYPE=CELL:+1415555{i % 10000:04d}\r\nEND:VCARD\r\n"
    )


def _render(contact: object) -> str:
    return _REV.sub("", render_card(contact, uid="u", marker="m", version="3.0"))  # type: ignore[arg-type]


def test_a_contact_rendered_long_ago_holds_its_lines_no_more_and_renders_the_same() -> None:
    first = parse_card(_card(0)).contact
    before = _render(first)
    read = mapping._read_of(first, "US", mapping.DEFAULT_PHOTO_MAX_BYTES)
    assert read is not None and read.carried is not None  # read once: kept for another account's render
    # more contacts rendered since than two of the engine's chunks: the first one's lines read are let go of
    for i in range(1, 4096 + 2):  # mapping._SPENT's size
        render_card(parse_card(_card(i)).contact, uid="u", marker="m")
    assert read.carried is None and read.known is None
    # still its own fit by identity, and rendered the long way to the same card
    assert fit_contact(first) is first
    assert _render(first) == before
    assert mapping.fit_lines(first) is first


def test_emptying_the_memos_lets_go_of_every_contacts_notes() -> None:
    noted = parse_card(_card(1)).contact
    rendered = parse_card(_card(2)).contact
    _render(rendered)
    reads = [getattr(c, "derived", None) for c in (noted, rendered)]
    assert all(r is not None and (r.known or r.carried) for r in reads)
    mapping._LEXED.cache_clear()  # a cold start (bench/codec_bench.py's)
    # a stale reading holds no lines: neither the ones never read nor the ones read
    assert all(r.known is None and r.carried is None for r in reads)


def test_contacts_noted_alike_share_their_parameters_and_empty_parts() -> None:
    a, b = (parse_card(_card(i)).contact for i in (3, 4))
    read_a, read_b = a.derived, b.derived  # type: ignore[attr-defined]
    email_a = next(line for line, _d in read_a.known.values() if line.name == "EMAIL")
    email_b = next(line for line, _d in read_b.known.values() if line.name == "EMAIL")
    assert email_a.params == (("TYPE", ("WORK",)),) and email_a.params is email_b.params
    # a card with no carried line noted shares one empty mapping
    plain = parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Al\r\nN:;Al;;;\r\nEND:VCARD\r\n").contact
    assert plain.derived.known is mapping._NO_NOTES  # type: ignore[attr-defined]
    # lines read with no NICKNAME, LANG nor a value given twice: no empty dict or set of their own
    _render(a)
    _render(b)
    assert read_a.carried.aggregates is read_b.carried.aggregates
    assert read_a.carried.wanted is read_b.carried.wanted
    assert read_a.carried.anchored is read_b.carried.anchored
