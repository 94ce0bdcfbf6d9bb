"""A NANP number written in E.164 is taken as it is, without phonenumbers (issue #18): the shortcut gives what
phonenumbers gives, and a run whose numbers are all such never imports it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from contactsync import normalize
from contactsync.normalize import phone_number

#: subscriber numbers (7 digits after the area code) at the edges of what the metadata could treat apart
_SUBSCRIBERS = ("0000000", "1000000", "1111111", "2000000", "5550100", "5551234", "9999999", "0123456", "8675309")


@pytest.mark.parametrize("region", ["US", "CA", "GB", "DE", "JP"])
def test_every_area_code_reads_as_phonenumbers_reads_it(region: str) -> None:
    for area in range(200, 1000):
        for subscriber in _SUBSCRIBERS:
            value = f"+1{area}{subscriber}"
            assert normalize._NANP_E164.fullmatch(value)
            # phonenumbers' own answer: possible, and its E.164 form is the value itself
            assert normalize._e164(value, region) == value, value
            assert phone_number(value, region) == value
            assert phone_number(f"tel:{value}", region) == value


@pytest.mark.parametrize(
    "value",
    ["+10005550100", "+11005550100", "+1415555010", "+141555501000", "+1 415 555 0100", "+1415555O100", "+١٤١٥٥٥٥٠١٠٠"],
)
def test_what_the_shortcut_does_not_take_goes_to_phonenumbers(value: str) -> None:
    assert not normalize._NANP_E164.fullmatch(value)
    long_way = normalize._e164(value, "US")
    assert phone_number(value, "US") == (value if long_way is None else long_way)


def test_nanp_numbers_in_e164_never_import_phonenumbers() -> None:
    probe = (
        "import sys; from contactsync.normalize import phone_number; "
        "assert phone_number('+14155550100', 'DE') == '+14155550100'; "
        "print('phonenumbers' in sys.modules); phone_number('+44 20 7946 0000', 'US'); "
        "print('phonenumbers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
