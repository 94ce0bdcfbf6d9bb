"""A vdir account knows a contact another vdir account of the process read as its own fit (#18): the target of a
folder-to-folder sync takes the source's contacts as they are, without hashing each for its fit memo. Exact: a
photo over the target's cap is still dropped, another region or a contact the merge made goes the long way, and a
closed account keeps no contact alive."""

from __future__ import annotations

import base64
import dataclasses
import gc
import inspect
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir import connector as vdir_connector
from contactsync.model import Contact
from contactsync.vcard import fit_contact

#: a 4,003-byte photo: under the default cap, over 1,000
_PHOTO = base64.b64encode(b"\xff\xd8\xff" + bytes(4000)).decode()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "big.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big\r\nFN:Big Photo\r\nN:Photo;Big;;;\r\nEMAIL:big@example.org\r\n"
        "TEL;TYPE=CELL:030 1234567\r\nX-UNMAPPED;A=b:kept\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{_PHOTO}\r\nEND:VCARD\r\n"
    )
    return folder


def _read(connector: VdirConnector) -> Contact:
    [remote] = list(connector.pull(None).changed)
    return remote.contact


def test_a_contact_read_by_a_folder_is_its_own_fit_in_a_folder_of_the_same_region_and_cap(tmp_path: Path) -> None:
    source = VdirConnector("a", _folder(tmp_path), region="DE")
    contact = _read(source)
    target = VdirConnector("b", tmp_path / "b", region="DE")
    assert target.fit(contact) is contact
    assert fit_contact(contact, region="DE") == contact


def test_a_photo_over_the_target_cap_is_dropped_from_a_contact_another_folder_read(tmp_path: Path) -> None:
    contact = _read(VdirConnector("a", _folder(tmp_path), region="DE"))
    assert contact.photo is not None
    fitted = VdirConnector("b", tmp_path / "b", region="DE", photo_max_bytes=1000).fit(contact)
    assert fitted.photo is None and replace(fitted, photo=contact.photo) == contact


def test_another_region_or_a_contact_the_merge_made_is_fitted_the_long_way(tmp_path: Path) -> None:
    contact = _read(VdirConnector("a", _folder(tmp_path), region="DE"))
    elsewhere = VdirConnector("b", tmp_path / "b", region="US")
    assert elsewhere.fit(contact) == fit_contact(contact, region="US")
    merged = replace(contact, display_name="", custom=(("k", "v"),))
    fitted = VdirConnector("c", tmp_path / "c", region="DE").fit(merged)
    assert fitted is not merged and fitted == fit_contact(merged, region="DE")
    assert fitted.display_name == "Big Photo"


def test_a_closed_folder_keeps_no_contact_it_read_alive(tmp_path: Path) -> None:
    source = VdirConnector("a", _folder(tmp_path))
    target = VdirConnector("b", tmp_path / "b")
    contact = _read(source)
    assert target.fit(contact) is contact
    source.close()
    target.close()
    gc.collect()
    assert sys.getrefcount(contact) == 2  # this test's name for it and getrefcount's argument


def test_what_a_pull_saw_of_a_file_is_made_as_the_dataclass_makes_it() -> None:
    ours = inspect.signature(vdir_connector._Seen.__init__).parameters
    theirs = inspect.signature(vdir_connector._dataclass_seen_init).parameters
    assert list(ours) == list(theirs)
    for name, parameter in theirs.items():
        assert ours[name].kind is parameter.kind and ours[name].default == parameter.default, name
    cases: list[tuple[Any, ...]] = [(1, 2, "e", "contact"), (1, 2, "e", "broken", "why", ("T",), 5, 6)]
    for args in cases:
        made = vdir_connector._Seen(*args)
        by_the_dataclass = object.__new__(vdir_connector._Seen)
        vdir_connector._dataclass_seen_init(by_the_dataclass, *args)
        assert made == by_the_dataclass and hash(made) == hash(by_the_dataclass)
        assert [getattr(made, f.name) for f in dataclasses.fields(made)][: len(args)] == list(args)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.etag = "x"  # type: ignore[misc]
