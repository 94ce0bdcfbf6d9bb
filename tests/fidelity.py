"""What a copy of a card lost: the measure of issue #15's fidelity tests and of ``scripts/fidelity_figures.py``.

A property is lost when the copy holds no line with its name, parameters and value, in a group holding the same
other lines (an Apple label stays with its email): group names may differ, line order and folding may, a 2.1
line's encoding may (lines are compared as read, quoted-printable decoded). Lines that say which card this is or
who wrote it (VERSION, UID, REV, PRODID, our marker) are not properties of the person. ``X-ANNIVERSARY`` is how
3.0 spells 4.0's ``ANNIVERSARY``; CATEGORIES and TYPE values are compared as sets, phone numbers in E.164
(a copy spells them as the book's ``phone_format`` says; the source card keeps its own spelling).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from contactsync.model import Contact
from contactsync.normalize import phone_number
from contactsync.vcard import MARKER_PROPERTY
from contactsync.vcard.lines import ContentLine, line_text, read_lines, split_unescaped, unescape_text
from contactsync.vcard.mapping import parse_card

CORPUS = Path(__file__).parent / "data" / "fidelity"
SAMPLES = Path(__file__).parent / "data" / "vcards"
_NOT_PROPERTIES = frozenset({"VERSION", "UID", "REV", "PRODID", MARKER_PROPERTY, "BEGIN", "END"})
_SAME_NAME = {"X-ANNIVERSARY": "ANNIVERSARY"}

Plain = tuple[str, tuple[tuple[str, tuple[str, ...]], ...], str]


def corpus() -> list[Path]:
    """The fidelity corpus: cards as real clients export them."""
    return sorted(CORPUS.glob("*.vcf"))


def sample_contacts() -> list[Contact]:
    """The contacts of the sample cards in tests/data/vcards that parse (the broken samples are not people)."""
    found = []
    for path in sorted(SAMPLES.glob("*.vcf")):
        try:
            found.append(parse_card(path.read_text(encoding="utf-8", errors="replace")).contact)
        except Exception:
            continue
    return found


def _plain(line: ContentLine) -> Plain:
    value = line.value
    if line.name == "CATEGORIES":  # a set: its order says nothing (RFC 6350 6.7.1), and tags are a set here
        value = ",".join(sorted(split_unescaped(value, ","), key=str.casefold))
    if line.name == "TEL" and not value.lower().startswith("tel:"):
        # a phone is compared in E.164: how a card spells the number is the book's phone_format on copies
        value = phone_number(unescape_text(value), "US")
    # TYPE values are a case-insensitive set however written (RFC 6350 5.6: ``type=a;type=b`` is ``TYPE=a,b``)
    types = tuple(sorted(line.types()))
    params = tuple(sorted(p for p in line.params if p[0] != "TYPE"))
    return (_SAME_NAME.get(line.name, line.name), ((("TYPE", types),) if types else ()) + params, value)


def properties(text: str) -> Counter[tuple[Plain, frozenset[Plain]]]:
    """Every property line of the card with the other lines of its group."""
    body = [line for line in read_lines(text) if line.name not in _NOT_PROPERTIES and not line.nested]
    groups: dict[str, list[ContentLine]] = {}
    for line in body:
        if line.group:
            groups.setdefault(line.group, []).append(line)
    found: Counter[tuple[Plain, frozenset[Plain]]] = Counter()
    for line in body:
        mates = frozenset(_plain(m) for m in groups.get(line.group, ()) if m is not line) if line.group else frozenset()
        found[(_plain(line), mates)] += 1
    return found


def lost(source: str, copy: str) -> list[str]:
    """The source's property lines the copy does not hold (as ``NAME;PARAMS:value``)."""
    missing = properties(source) - properties(copy)
    return sorted(line_text(ContentLine(name, value, params)) for (name, params, value), _mates in missing.elements())
