"""A card that says a property twice (two embedded photos; a second FN, ORG, TITLE or NOTE) loses neither line
when another account edits the card (sync invariant 12): the write-back rewrites only the line of the value that
changed, the other account gets the second values too, and the store and the card agree afterwards. A second photo
the codec does not carry (over what photo_max_bytes allows) stays on its card and is reported."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from contactsync.fidelity import not_carried
from contactsync.model import ALL_FIELDS, Field
from contactsync.vcard import DEFAULT_PHOTO_MAX_BYTES, parse_card, render_card

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))

JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"one" * 8).decode()
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"two" * 8).decode()
GIF = base64.b64encode(b"GIF89a" + b"three" * 8).decode()

TWO_PHOTOS = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "UID:ph-1",
        "FN:Pia Photo",
        "N:Photo;Pia;;;",
        "EMAIL:pia@example.org",
        "NOTE:old",
        f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}",
        f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}",
        "END:VCARD",
        "",
    ]
)

SECOND_VALUES = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "UID:urn:uuid:6c1a4b56-0001-4000-8000-000000000001",
        "FN;LANGUAGE=en:Taro Yamada",
        "FN;LANGUAGE=ja:山田太郎",
        "N:Yamada;Taro;;;",
        "EMAIL:taro@example.org",
        "ORG:Example Corp",
        "ORG:Tokyo Rotary Club",
        "TITLE:Manager",
        "TITLE:Volunteer Firefighter",
        "NOTE:First note",
        "NOTE:Second note",
        "END:VCARD",
        "",
    ]
)

SECONDS = ["FN;LANGUAGE=ja:山田太郎", "ORG:Tokyo Rotary Club", "TITLE:Volunteer Firefighter", "NOTE:Second note"]


# ---------------------------------------------------------------- the real CLI on two vdir folders


class Folders:
    """Two vdir folders a and b in one book, synced by the real ``contactsync`` command."""

    def __init__(self, root: Path, *, photo_max_bytes: int | None = None) -> None:
        self.a, self.b = root / "a", root / "b"
        self.a.mkdir()
        self.b.mkdir()
        self.photo_max_bytes = photo_max_bytes or DEFAULT_PHOTO_MAX_BYTES
        cap = f"    photo_max_bytes: {photo_max_bytes}\n" if photo_max_bytes is not None else ""
        self.config = root / "config.yaml"
        self.config.write_text(
            f"store:\n  url: sqlite:///{root / 'store.db'}\nbooks:\n  - name: book\n{cap}    accounts:\n"
            f"      - {{name: a, type: vdir, options: {{path: {self.a}}}}}\n"
            f"      - {{name: b, type: vdir, options: {{path: {self.b}}}}}\n"
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [CONTACTSYNC, "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def sync(self) -> dict[str, object]:
        report: dict[str, object] = json.loads(self.cli("sync", "--json").stdout)
        return report

    @staticmethod
    def card(folder: Path) -> Path:
        [path] = folder.glob("*.vcf")
        return path

    def lines(self, folder: Path) -> list[str]:
        return _unfolded(self.card(folder).read_bytes().decode("utf-8"))

    def agree(self, email: str) -> None:
        """The store holds the carried lines the card in each folder holds (``person show --json``)."""
        [record] = json.loads(self.cli("person", "show", "--json", email).stdout)
        held = record["contact"].get("vcard_lines", [])
        for folder in (self.a, self.b):
            text = self.card(folder).read_bytes().decode("utf-8")
            card = parse_card(text, photo_max_bytes=self.photo_max_bytes).contact
            assert list(card.vcard_lines) == sorted(held), folder.name

    def edit(self, folder: Path, old: str, new: str) -> None:
        path = self.card(folder)
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


def _unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").splitlines()


def _photos(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("PHOTO")]


def test_a_second_embedded_photo_reaches_the_other_folder_and_survives_an_edit_there(tmp_path: Path) -> None:
    folders = Folders(tmp_path)
    (folders.a / "pia.vcf").write_text(TWO_PHOTOS, encoding="utf-8")
    folders.sync()
    b_photos = _photos(folders.lines(folders.b))
    assert len(b_photos) == 2, b_photos  # vdir holds both: the second photo travels too
    assert any(JPEG in line for line in b_photos) and any(PNG in line for line in b_photos)

    folders.edit(folders.b, "NOTE:old", "NOTE:new")  # an edit on b that does not concern the photos
    folders.sync()
    a_lines = folders.lines(folders.a)
    assert "NOTE:new" in a_lines
    assert _photos(a_lines) == [f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}", f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}"]

    # the store and the card agree: the next run changes nothing, and the card still holds both photos
    folders.agree("pia@example.org")
    before = {p: p.read_bytes() for p in (folders.card(folders.a), folders.card(folders.b))}
    assert folders.sync()["writes"] == 0
    assert {p: p.read_bytes() for p in before} == before


def test_second_values_are_kept_on_the_source_when_the_first_ones_are_edited_elsewhere(tmp_path: Path) -> None:
    folders = Folders(tmp_path)
    (folders.a / "taro.vcf").write_text(SECOND_VALUES, encoding="utf-8")
    folders.sync()
    b_lines = folders.lines(folders.b)
    assert all(second in b_lines for second in SECONDS), b_lines

    folders.edit(folders.b, "FN;LANGUAGE=en:Taro Yamada", "FN;LANGUAGE=en:Taro Yamada-Sato")
    folders.edit(folders.b, "ORG:Example Corp", "ORG:Example Holdings")
    folders.edit(folders.b, "TITLE:Manager", "TITLE:Director")
    folders.edit(folders.b, "NOTE:First note", "NOTE:First note, edited")  # as a client may write it
    folders.sync()
    a_lines = folders.lines(folders.a)
    # only the lines of the first values are rewritten, each where it was; the second lines stay as they were
    mapped = [line for line in a_lines if line.split(";")[0].split(":")[0] in ("FN", "ORG", "TITLE", "NOTE")]
    assert mapped == [
        "FN;LANGUAGE=en:Taro Yamada-Sato",
        "FN;LANGUAGE=ja:山田太郎",
        "ORG:Example Holdings",
        "ORG:Tokyo Rotary Club",
        "TITLE:Director",
        "TITLE:Volunteer Firefighter",
        "NOTE:First note, edited",
        "NOTE:Second note",
    ]
    parsed = parse_card(folders.card(folders.a).read_bytes().decode("utf-8")).contact
    assert (parsed.display_name, parsed.organization, parsed.job_title) == (
        "Taro Yamada-Sato",
        "Example Holdings",
        "Director",
    )

    folders.agree("taro@example.org")
    before = {p: p.read_bytes() for p in (folders.card(folders.a), folders.card(folders.b))}
    assert folders.sync()["writes"] == 0  # the store holds what the card holds: nothing to do
    assert {p: p.read_bytes() for p in before} == before
    assert all(second in folders.lines(folders.a) for second in SECONDS)


def test_a_photo_past_what_the_cap_allows_stays_on_its_card_and_is_reported(tmp_path: Path) -> None:
    """photo_max_bytes bounds what the further photos carried cost together too: one that does not fit is not
    carried (the store keeps no copy of it), stays where the user stored it, and is said to stay there."""
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2).decode()  # 520 bytes
    gif = base64.b64encode(b"GIF89a" + bytes(range(256)) * 2).decode()  # 518 bytes
    card = TWO_PHOTOS.replace(PNG, png).replace("END:VCARD", f"PHOTO;ENCODING=b;TYPE=GIF:{gif}\r\nEND:VCARD")
    folders = Folders(tmp_path, photo_max_bytes=1000)
    (folders.a / "pia.vcf").write_text(card, encoding="utf-8")
    folders.sync()
    b_photos = _photos(folders.lines(folders.b))
    assert len(b_photos) == 2 and b_photos[1] == f"PHOTO;ENCODING=b;TYPE=PNG:{png}"  # the GIF is not carried
    shown = folders.cli("person", "show", "pia@example.org").stdout
    assert "left-on-account" in shown and "photo_max_bytes" in shown  # the photo left behind is said

    folders.edit(folders.b, "NOTE:old", "NOTE:new")
    folders.sync()
    a_lines = folders.lines(folders.a)
    assert "NOTE:new" in a_lines
    assert _photos(a_lines) == [
        f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}",
        f"PHOTO;ENCODING=b;TYPE=PNG:{png}",
        f"PHOTO;ENCODING=b;TYPE=GIF:{gif}",
    ]
    folders.agree("pia@example.org")  # the GIF on neither side of it: never carried, never in the store
    assert folders.sync()["writes"] == 0


# ---------------------------------------------------------------- the codec


def test_parse_carries_a_second_embedded_photo_as_a_line() -> None:
    parsed = parse_card(TWO_PHOTOS)
    assert parsed.contact.photo is not None and parsed.contact.photo.media_type == "image/jpeg"
    assert f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}" in parsed.contact.vcard_lines
    assert not any(JPEG in line for line in parsed.contact.vcard_lines)  # the first is the model's photo
    assert not parsed.photo_dropped
    # the same photo twice says nothing more: not carried
    twice = TWO_PHOTOS.replace(f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}", f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}")
    assert not any(line.startswith("PHOTO") for line in parse_card(twice).contact.vcard_lines)


def test_extra_photos_are_carried_only_within_photo_max_bytes_together() -> None:
    card = TWO_PHOTOS.replace("END:VCARD", f"PHOTO;ENCODING=b;TYPE=GIF:{GIF}\r\nEND:VCARD")
    size = len(base64.b64decode(PNG)) + len(base64.b64decode(GIF))
    both = parse_card(card, photo_max_bytes=size)
    assert sum(line.startswith("PHOTO") for line in both.contact.vcard_lines) == 2 and not both.photo_dropped
    one = parse_card(card, photo_max_bytes=size - 1)
    assert [line for line in one.contact.vcard_lines if line.startswith("PHOTO")] == [
        f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}"
    ]
    assert one.photo_dropped  # the GIF stays on its card: reported as a photo left behind


def test_a_write_back_keeps_every_photo_and_rewrites_only_the_models() -> None:
    parsed = parse_card(TWO_PHOTOS)
    noted = replace(parsed.contact, note="new")
    out = render_card(noted, uid=parsed.uid, marker=None, version="3.0", original=TWO_PHOTOS, previous=parsed.contact)
    assert _photos(_unfolded(out)) == [
        f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}",
        f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}",
    ]
    # the model's photo replaced elsewhere: its line is rewritten in place, the second photo stays after it
    gif = parse_card(TWO_PHOTOS.replace(f"TYPE=JPEG:{JPEG}", f"TYPE=GIF:{GIF}")).contact.photo
    changed = replace(parsed.contact, photo=gif)
    out = render_card(changed, uid=parsed.uid, marker=None, version="3.0", original=TWO_PHOTOS, previous=parsed.contact)
    assert _photos(_unfolded(out)) == [
        f"PHOTO;ENCODING=b;TYPE=GIF:{GIF}",
        f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}",
    ]
    assert parse_card(out).contact.vcard_lines == parsed.contact.vcard_lines
    # the second photo removed elsewhere (no longer carried): removed here too
    without = replace(noted, vcard_lines=())
    out = render_card(without, uid=parsed.uid, marker=None, version="3.0", original=TWO_PHOTOS, previous=parsed.contact)
    assert _photos(_unfolded(out)) == [f"PHOTO;ENCODING=b;TYPE=JPEG:{JPEG}"]


def test_a_photo_never_carried_stays_on_its_card_on_a_write_back() -> None:
    """A second photo over the cap (the model never saw it) is kept when the card is written back."""
    big = TWO_PHOTOS.replace(PNG, PNG * 4)
    parsed = parse_card(big, photo_max_bytes=40)
    assert parsed.photo_dropped and not any(t.startswith("PHOTO") for t in parsed.contact.vcard_lines)
    noted = replace(parsed.contact, note="new")
    out = render_card(
        noted, uid=parsed.uid, marker=None, version="3.0", original=big, previous=parsed.contact, photo_max_bytes=40
    )
    assert f"PHOTO;ENCODING=b;TYPE=PNG:{PNG * 4}" in _unfolded(out)


def _edited_first_values(parsed_contact: object) -> object:
    """What b's card (a copy with the first FN, ORG, TITLE and NOTE edited) reads as."""
    copy = render_card(parsed_contact, uid="b-1", marker=None, version="4.0")  # type: ignore[arg-type]
    for old, new in (
        ("FN;LANGUAGE=en:Taro Yamada", "FN;LANGUAGE=en:Taro Yamada-Sato"),
        ("ORG:Example Corp", "ORG:Example Holdings"),
        ("TITLE:Manager", "TITLE:Director"),
        ("NOTE:First note", "NOTE:First note\\, edited"),
    ):
        assert old in copy
        copy = copy.replace(old, new)
    return parse_card(copy).contact


def test_a_merge_rewrites_the_first_value_and_keeps_the_second_lines() -> None:
    parsed = parse_card(SECOND_VALUES)
    edited = _edited_first_values(parsed.contact)
    out = render_card(
        edited,  # type: ignore[arg-type]
        uid=parsed.uid,
        marker=None,
        version="4.0",
        original=SECOND_VALUES,
        previous=parsed.contact,
    )
    lines = out.splitlines()
    for second in SECONDS:
        assert second in lines, out
    assert lines.index("FN;LANGUAGE=en:Taro Yamada-Sato") < lines.index("FN;LANGUAGE=ja:山田太郎")
    assert "FN;LANGUAGE=en:Taro Yamada" not in lines and "ORG:Example Corp" not in lines
    # the card written back reads as the contact it was written from: the store and the card agree
    again = parse_card(out).contact
    assert again.vcard_lines == edited.vcard_lines  # type: ignore[attr-defined]
    assert again.display_name == "Taro Yamada-Sato" and again.organization == "Example Holdings"


def test_a_new_first_value_put_before_the_old_one_elsewhere_comes_first_and_the_old_one_stays() -> None:
    parsed = parse_card(SECOND_VALUES)
    other = SECOND_VALUES.replace("FN;LANGUAGE=en:Taro Yamada", "FN;LANGUAGE=de:Taro Y.\r\nFN;LANGUAGE=en:Taro Yamada")
    edited = parse_card(other).contact
    assert edited.display_name == "Taro Y."
    out = render_card(
        edited, uid=parsed.uid, marker=None, version="4.0", original=SECOND_VALUES, previous=parsed.contact
    )
    again = parse_card(out).contact
    assert again.display_name == "Taro Y."  # the new first value is first on the card written back
    assert again.vcard_lines == edited.vcard_lines
    assert "FN;LANGUAGE=en:Taro Yamada" in out.splitlines() and "FN;LANGUAGE=ja:山田太郎" in out.splitlines()


def test_a_second_value_removed_elsewhere_is_removed_from_the_source() -> None:
    parsed = parse_card(SECOND_VALUES)
    other = SECOND_VALUES.replace("ORG:Tokyo Rotary Club\r\n", "").replace("TITLE:Manager", "TITLE:Director")
    edited = parse_card(other).contact
    out = render_card(
        edited, uid=parsed.uid, marker=None, version="4.0", original=SECOND_VALUES, previous=parsed.contact
    )
    assert "ORG:Tokyo Rotary Club" not in out and "TITLE:Volunteer Firefighter" in out.splitlines()
    assert parse_card(out).contact.vcard_lines == edited.vcard_lines


def test_a_second_photo_an_account_cannot_hold_is_reported_as_not_carried() -> None:
    """Google and Outlook hold no vCard lines: the second photo, carried as one, is reported not carried."""
    from contactsync.connector import Capabilities

    contact = parse_card(TWO_PHOTOS).contact
    fitted = replace(contact, vcard_lines=())
    caps = Capabilities(fields=ALL_FIELDS - {Field.VCARD_LINES})
    assert [n.field for n in not_carried(contact, fitted, caps)] == [Field.VCARD_LINES]


def test_a_value_cleared_elsewhere_takes_its_second_lines_with_it() -> None:
    """A note or photo cleared on an account that holds one (Google, Outlook) goes from the card with the lines
    behind it: kept, the second note or photo would be read as the contact's, one the user did not put back
    (review of the fix above)."""
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:Pia\r\nN:P;Pia;;;\r\nNOTE:First note\r\nNOTE:Second note\r\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4G9uZW9uZW9uZW9uZQ==\r\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgp0d290d290d28=\r\n"
        "END:VCARD\r\n"
    )
    parsed = parse_card(card).contact
    no_note = render_card(
        replace(parsed, note=None), uid="x", marker="m", version="3.0", original=card, previous=parsed
    )
    assert not [line for line in _unfolded(no_note) if line.startswith("NOTE")]
    assert parse_card(no_note).contact.note in (None, "")
    no_photo = render_card(
        replace(parsed, photo=None), uid="x", marker="m", version="3.0", original=card, previous=parsed
    )
    assert _photos(_unfolded(no_photo)) == []
    assert parse_card(no_photo).contact.photo is None
    # a new first note still keeps the second where it was
    new_note = render_card(
        replace(parsed, note="New note"), uid="x", marker="m", version="3.0", original=card, previous=parsed
    )
    assert [line for line in _unfolded(new_note) if line.startswith("NOTE")] == ["NOTE:New note", "NOTE:Second note"]


def test_a_value_the_card_holds_second_becomes_its_first_and_is_not_sent_again() -> None:
    """A card with ``ORG:OldCo`` then ``ORG:NewCo``, and the company set to NewCo on Google: the card must be read as
    NewCo afterwards. It was left as it was (NewCo was "already there"), read as OldCo, and the edit sent again
    every run with no write (review of the fix above)."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", "UID:u1", "N:Doe;Ann;;;", "FN:Ann Doe", "ORG:OldCo", "ORG:NewCo"]
    card = "\r\n".join([*lines, "END:VCARD", ""])
    base = parse_card(card).contact
    wanted = replace(base, organization="NewCo")
    written = render_card(wanted, uid="u1", marker=None, version="3.0", original=card, previous=base)
    assert [line for line in _unfolded(written) if line.startswith("ORG")] == ["ORG:NewCo", "ORG:OldCo"]
    read = parse_card(written).contact
    assert read.organization == "NewCo" and set(read.vcard_lines) == set(wanted.vcard_lines)
    # and the next write-back of what it reads changes nothing
    assert render_card(read, uid="u1", marker=None, version="3.0", original=written, previous=read) == written
