"""A number written in E.164 with a country code of normalize's table is taken as it is, without phonenumbers
(issue #18): the table is what phonenumbers' metadata says, and for every code and length it takes, the shortcut
gives what phonenumbers gives."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.phonemetadata import PhoneMetadata

from contactsync import normalize
from contactsync.normalize import phone_number


def _from_metadata() -> dict[str, frozenset[int]]:
    """The table made again: the codes whose main region strips no national prefix from a number not starting
    with 0, each with the lengths its national numbers may have."""
    out: dict[str, frozenset[int]] = {}
    for code in COUNTRY_CODE_TO_REGION_CODE:
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(
            code, phonenumbers.region_code_for_country_code(code)
        )
        if metadata is None or metadata.national_prefix_transform_rule is not None:
            continue
        if metadata.national_prefix_for_parsing not in (None, "0"):
            continue
        general = metadata.general_desc
        if not general.possible_length or general.possible_length[0] == -1:
            continue
        out[str(code)] = frozenset(general.possible_length) | frozenset(general.possible_length_local_only or ())
    return out


def test_the_table_is_what_the_metadata_says() -> None:
    assert normalize._e164_lengths() == _from_metadata()


def test_no_code_taken_begins_with_another_code() -> None:
    # what lets _taken_as_e164 stop at the first code of the table it finds, as phonenumbers stops at the first
    codes = {str(code) for code in COUNTRY_CODE_TO_REGION_CODE}
    for code in normalize._e164_lengths():
        assert not any(code[:size] in codes for size in range(1, len(code))), code


def _numbers(code: str, length: int, rng: random.Random) -> list[str]:
    """National numbers of ``length`` digits after ``code``: every first digit 1-9, the rest random, and the
    edges (all nines, a one then zeros)."""
    out = [f"+{code}{first}{''.join(rng.choice('0123456789') for _ in range(length - 1))}" for first in "123456789"]
    return [*out, f"+{code}{'9' * length}", f"+{code}1{'0' * (length - 1)}"]


@pytest.mark.parametrize("region", ["US", "DE", "FR"])
def test_every_code_and_length_taken_reads_as_phonenumbers_reads_it(region: str) -> None:
    rng = random.Random(18)
    for code, lengths in sorted(normalize._e164_lengths().items()):
        for length in sorted(lengths):
            for value in _numbers(code, length, rng):
                assert normalize._taken_as_e164(value), value
                # phonenumbers' own answer: possible, and its E.164 form is the value itself
                assert normalize._e164(value, region) == value, value
                assert phone_number(value, region) == value
                assert phone_number(f"tel:{value}", region) == value


def test_what_the_table_does_not_take_goes_to_phonenumbers(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    values = ["+4930 5550001", "+49-305550001", "+49O305550001", "+٤٩٣٠٥٥٥٠٠٠١", "49305550001", "+0305550001"]
    values += ["+442079460000", "+74951234567", "+61212345678", "+81312345678", "+8613912345678", "+4900000"]
    for code, lengths in sorted(normalize._e164_lengths().items()):
        for length in sorted(lengths):
            # a national number starting with 0 (a national prefix phonenumbers may strip)
            values.append(f"+{code}0{''.join(rng.choice('0123456789') for _ in range(length - 1))}")
        for length in range(1, 19):
            if length not in lengths:
                values.append(f"+{code}{rng.choice('123456789')}{'5' * (length - 1)}")
    assert not [value for value in values if normalize._taken_as_e164(value)]
    sample = values[:12] + values[12::25]
    phone_number.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(normalize, "_taken_as_e164", lambda value: False)
        long_way = [phone_number(value, "DE") for value in sample]
    phone_number.cache_clear()
    assert [phone_number(value, "DE") for value in sample] == long_way
