"""A count after a phone number is not swallowed by its mask, and a real number is never partly shown.

``+49 151 12345678 3 retries`` was masked to ``… retries``: a phone number's last group may be short (France writes
``+33 1 23 45 67 89``), so the mask took the count too. The last group is now kept only where it cannot belong to
the number (:func:`contactsync.logs._phone_masked`); every example number phonenumbers knows, of every region,
stays masked whole, whatever follows it.
"""

from __future__ import annotations

import phonenumbers
import pytest

from contactsync.logs import mask_personal


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("+49 151 12345678 3 retries", "… 3 retries"),
        ("card +1 650 253 0000 2 retries left", "card … 2 retries left"),
        ("+44 7400 123456 12 cards refused", "… 12 cards refused"),
        ("+33 6 12 34 56 78 3 retries", "… 3 retries"),
    ],
)
def test_a_count_after_a_phone_number_is_kept(line: str, shown: str) -> None:
    assert mask_personal(line) == shown


def _example_numbers() -> list[str]:
    """phonenumbers' example fixed-line and mobile number of every region it knows, as dialled from abroad."""
    found = set()
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.add(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    return sorted(found)


EXAMPLES = _example_numbers()


def test_every_regions_example_number_is_masked_whole_before_a_word() -> None:
    # the numbers whose last group is short (France's "89", Norway's, Belgium's…) are the ones at risk
    assert len(EXAMPLES) > 300
    assert any(len(n.rsplit(" ", 1)[-1]) <= 3 for n in EXAMPLES)
    leaked = [n for n in EXAMPLES if mask_personal(f"card {n} retries") != "card … retries"]
    assert not leaked, leaked


def test_every_regions_example_number_is_masked_whole_before_a_count() -> None:
    leaked = [n for n in EXAMPLES if mask_personal(f"card {n} 3 retries") not in ("card … 3 retries", "card … retries")]
    assert not leaked, leaked


def test_a_short_group_that_may_belong_to_the_number_is_masked() -> None:
    # digits before the group are no valid number alone, or are one with it: the group is the number's
    assert mask_personal("+33 1 23 45 67 89 retries") == "… retries"
    assert mask_personal("+49 30 1234567 8 retries") == "… retries"  # Berlin numbers are 7 or 8 digits
    # no word after it: nothing says it is a count
    assert mask_personal("+49 151 12345678 3") == "…"
    assert mask_personal("+49 151 12345678 3, 4") == "…, 4"
    # set off by another separator than spaces: written as part of the number
    assert mask_personal("+49 151 12345678-3 retries") == "… retries"


@pytest.mark.parametrize(
    "line",
    [
        "+226 07012345 6 retries",  # Burkina Faso's number with a trunk 0 written: the head alone reads valid
        "+39 06 1234 567 8 retries",
        "+49 (0)151 1234567 8 retries",
        "+44 (0)20 7946 095 retries",
    ],
)
def test_a_number_written_with_a_trunk_zero_is_masked_whole(line: str) -> None:
    # phonenumbers drops a "0" after the code, so "+226 0701234 5" may read valid where the real number is longer
    assert mask_personal(line) == "… retries"


def test_a_hostile_line_of_numbers_is_masked_whole_past_the_lookup_budget() -> None:
    # each number followed by a short group and a word costs a phonenumbers look-up: past 16 in one text, every
    # number is masked whole (never shown), and the first ones still keep their counts
    line = " ".join(f"+49 151 1234{i:04d} 3 retries" for i in range(200))
    masked = mask_personal(line)
    assert "1234" not in masked and "151" not in masked
    assert masked.count("… 3 retries") == 16
    assert masked.count("…") == 200
