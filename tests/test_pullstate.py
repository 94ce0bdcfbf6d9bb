"""The pull state every connector keeps in the store (src/contactsync/connectors/pullstate.py).

What an admin would notice: a state written by this version comes back as it was (the next pull is incremental),
and one that is another connector's, an older version's or damaged makes the next pull a full listing
(SyncTokenExpired) instead of a failed run.
"""

from __future__ import annotations

import base64
import zlib

import pytest

from contactsync.connectors.carddav.state import KnownGroup, PullState
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.errors import SyncTokenExpired


def _stamps(rows: dict[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in rows.items()}


def test_a_state_comes_back_as_it_was_written() -> None:
    stamps = {f"uid={i},ou=people": f"2026120{i}101010Z" for i in range(5)}
    assert unpack_state("x1:", pack_state("x1:", stamps), _stamps, what="the test state") == stamps


def test_a_carddav_state_with_groups_round_trips() -> None:
    state = PullState(
        "http://dav.example/sync/7",
        etags={"/book/a.vcf": '"e1"'},
        groups={"/book/g.vcf": KnownGroup('"g1"', "g-uid", "Team", frozenset({"a", "b"}))},
        member_hrefs={"a": "/book/a.vcf"},
    )
    assert PullState.decode(state.encode()) == state


@pytest.mark.parametrize(
    "state",
    [
        pack_state("y1:", {"a": "1"}),  # another connector's (or an older version's) prefix
        "x1:not base64 at all!",
        "x1:" + base64.urlsafe_b64encode(b"not zlib").decode(),
        "x1:" + base64.urlsafe_b64encode(zlib.compress(b"{not json")).decode(),
        pack_state("x1:", ["rows", "of", "the", "wrong", "shape"]),
    ],
    ids=["foreign", "not-base64", "not-zlib", "not-json", "wrong-shape"],
)
def test_a_foreign_or_damaged_state_asks_for_a_full_listing(state: str) -> None:
    with pytest.raises(SyncTokenExpired, match=r"the test state .*a full listing is needed"):
        unpack_state("x1:", state, _stamps, what="the test state")


def test_a_carddav_state_whose_token_is_not_text_asks_for_a_full_listing() -> None:
    with pytest.raises(SyncTokenExpired, match="CardDAV state"):
        PullState.decode(pack_state("cs1.", {"t": 7}))
