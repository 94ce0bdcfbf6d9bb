"""email_address and phone_number take their usual input without calls or regexes (issue #18, the fourth pass)
and give what they gave before: each is held here to the code before this pass (main f9d53a0), written out."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from contactsync import normalize

_PIECES = [
    "a",
    "Z",
    "0",
    ".",
    "-",
    "_",
    "+",
    "%",
    "@",
    ":",
    " ",
    "  ",
    "\t",
    "\n",
    "mailto:",
    "MAILTO:",
    "tel:",
    "xn--",
    "XN--",
    "é",
    "İ",
    "info",
    "Sales",
    "example.org",
    "EXAMPLE.ORG",
    "+1",
    "415",
    "5550100",
    "0",
    "(",
    ")",
]


def _email_before(raw: str) -> str:
    value = normalize._without_scheme(normalize.text(raw), "mailto:")
    if "@" not in value:
        return value
    if (
        normalize._PLAIN_EMAIL.fullmatch(value)
        and "xn--" not in value.lower()
        and not normalize._case_insensitive_local(value)
    ):
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    return normalize._validated(value)


@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
@example("Person0@Example.ORG")
@example("mailto: info@example.org")
@example("a-b@xn--bcher-kva.example")
@example("x@y@z")
@example("@example.org")
def test_an_email_address_is_normalized_as_before(raw: str) -> None:
    assert normalize.email_address.__wrapped__(raw) == _email_before(raw)


@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
@example("+14155550100")
@example("+11155550100")
@example("+1415555010٠")
@example("tel:+14155550100")
@example(" +14155550100 ")
def test_a_phone_number_takes_the_nanp_shortcut_as_the_regex_did(raw: str) -> None:
    value = normalize._without_scheme(normalize.text(raw), "tel:")
    taken = normalize._NANP_E164.fullmatch(value) is not None or normalize._taken_as_e164(value)
    result = normalize.phone_number.__wrapped__(raw, "US")
    if taken:
        assert result == value
    else:
        assert result == normalize.phone_number.__wrapped__(value, "US")  # the long way, from the same value
