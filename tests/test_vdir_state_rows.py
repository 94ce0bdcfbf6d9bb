"""A vdir connector folds a run's writes into its pull state on the state's rows (issue #18): the state is the
one reading its entries, adding one per write and writing them out again gives, old rows and damage included."""

from __future__ import annotations

from pathlib import Path

from contactsync.connector import ChangeKind, RecordedWrite, RemoteRef
from contactsync.connectors.pullstate import pack_state
from contactsync.connectors.vdir.connector import (
    _CONTACT,
    _NO_STAT,
    STATE_PREFIX,
    VdirConnector,
    _decode_state,
    _encode_state,
    _Seen,
)
from contactsync.errors import SyncTokenExpired
from contactsync.model import Tag


def _the_long_way(connector: VdirConnector, state: str, writes: list[RecordedWrite]) -> str:
    """What absorb_writes wrote before it worked on rows: the entries, one more per write, encoded."""
    try:
        files = _decode_state(state)
    except SyncTokenExpired:
        return state
    for write in writes:
        ref = write.ref
        if ref is None or not connector._is_our_name(ref.id):
            continue
        seen = files.get(ref.id)
        if seen is not None and seen.etag == ref.etag:
            continue
        tags = connector._tags.get(ref.etag)
        names = tuple(sorted(t.name for t in tags)) if tags is not None else None
        files[ref.id] = _Seen(_NO_STAT, _NO_STAT, ref.etag, _CONTACT, "", names)
    return _encode_state(files)


def _write(kind: ChangeKind, name: str | None, etag: str, was: str | None = None) -> RecordedWrite:
    return RecordedWrite(kind, was, None if name is None else RemoteRef(name, etag))


def test_writes_fold_into_the_state_as_its_entries_did(tmp_path: Path) -> None:
    connector = VdirConnector("v", tmp_path)
    team = frozenset({Tag("Team"), Tag("bench"), Tag("Ädmin")})
    connector._tags.update({"e1": team, "e2": frozenset({Tag("Team"), Tag("bench"), Tag("Ädmin")}), "e3": None})
    connector._tags["e4"] = frozenset()
    # equal sets (tags are equal ignoring case) spelled differently: each keeps its own names
    connector._tags.update({"e5": frozenset({Tag("team")}), "e6": frozenset({Tag("TEAM")})})
    listed = {
        "kept.vcf": _Seen(10, 20, "k", _CONTACT, "", ("x",), 30, 40),
        "same.vcf": _Seen(11, 21, "e1", _CONTACT, "", None, 31, 41),
        "broken.vcf": _Seen(12, 22, "b", "q", "no END line", None, 32, 42),
        "moved.vcf": _Seen(13, 23, "old", _CONTACT, "", ("Team",), 33, 43),
    }
    # rows as older versions wrote them: five elements (no tags), six (no stat beyond the size)
    older = {"five.vcf": [1, 2, "f", "c", ""], "six.vcf": [1, 2, "s", "c", "", ["a", "b"]]}
    states = [
        _encode_state(listed),
        _encode_state({}),
        pack_state(STATE_PREFIX, {**older, "seven.vcf": [1, 2, "7", "c", "", None, 3, 4]}),
        pack_state(STATE_PREFIX, {"bad.vcf": ["x", 2, "e", "c", ""]}),  # damaged: returned as it is
        pack_state(STATE_PREFIX, [1, 2]),
        "vdir0:old",
    ]
    writes = [
        _write(ChangeKind.CREATE, "new-1.vcf", "e1"),
        _write(ChangeKind.CREATE, "new-2.vcf", "e2"),  # an equal tag set, another object
        _write(ChangeKind.CREATE, "group.vcf", "e3"),  # tags None: a group card
        _write(ChangeKind.CREATE, "empty.vcf", "e4"),
        _write(ChangeKind.CREATE, "unknown.vcf", "e9"),  # no tags noted for it
        _write(ChangeKind.UPDATE, "same.vcf", "e1", was="same.vcf"),  # the listing saw it as it is
        _write(ChangeKind.UPDATE, "moved.vcf", "e2", was="moved.vcf"),
        _write(ChangeKind.DELETE, None, "", was="kept.vcf"),
        _write(ChangeKind.CREATE, ".hidden.vcf", "e1"),  # not a card name of this folder
        _write(ChangeKind.CREATE, "../out.vcf", "e1"),
        _write(ChangeKind.CREATE, "five.vcf", "e1"),
        _write(ChangeKind.CREATE, "lower.vcf", "e5"),
        _write(ChangeKind.CREATE, "upper.vcf", "e6"),
        _write(ChangeKind.CREATE, "lower-again.vcf", "e5"),
    ]
    for state in states:
        assert connector.absorb_writes(state, writes) == _the_long_way(connector, state, writes)
    assert connector.absorb_writes(None, writes) is None
    assert connector.absorb_writes(states[0], []) == states[0]
    folded = _decode_state(connector.absorb_writes(states[0], writes) or "")
    assert folded["new-1.vcf"] == _Seen(_NO_STAT, _NO_STAT, "e1", _CONTACT, "", ("Team", "bench", "Ädmin"))
    assert folded["group.vcf"].tags is None and folded["empty.vcf"].tags == ()
    assert (folded["lower.vcf"].tags, folded["upper.vcf"].tags) == (("team",), ("TEAM",))


def test_a_pulled_cards_tags_are_kept_as_spelled(tmp_path: Path) -> None:
    for name, category in (("a.vcf", "Team"), ("b.vcf", "team"), ("c.vcf", "TEAM"), ("d.vcf", "Team")):
        card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{name}\r\nFN:X {name}\r\nCATEGORIES:{category}\r\nEND:VCARD\r\n"
        (tmp_path / name).write_text(card)
    state = VdirConnector("v", tmp_path).pull(None).next_state
    assert state is not None
    assert {n: s.tags for n, s in _decode_state(state).items()} == {
        "a.vcf": ("Team",),
        "b.vcf": ("team",),
        "c.vcf": ("TEAM",),
        "d.vcf": ("Team",),
    }
