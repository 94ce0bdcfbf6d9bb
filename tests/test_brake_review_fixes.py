"""What the review of the brake's replacements found (2bd63ad), through the CLI on vdir folders: a wipe refilled
with other people who share one office number is no re-import, and the brake decides from the run's own matching.
Before, ten strangers sharing the switchboard number "replaced" the ten people wiped and overwrote them (no brake);
and people whose new address another account listed first were counted as taken over by the brake's own matching
but deleted by the run's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from contactsync.cli import EXIT_BRAKE, cli

BOARD = "+49 30 1234567"


def card(uid: str, name: str, *, emails: tuple[str, ...] = (), phone: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{name};;;;", f"FN:{name}"]
    lines += [f"EMAIL;TYPE=WORK:{e}" for e in emails]
    lines += [f"TEL;TYPE=WORK:{phone}"] if phone else []
    return "\r\n".join([*lines, "END:VCARD", ""])


def book(root: Path, *accounts: str) -> Path:
    text = f"store:\n  url: sqlite:///{root / 'store.db'}\nbooks:\n  - name: staff\n    accounts:\n"
    for name in accounts:
        (root / name).mkdir()
        text += f"      - name: {name}\n        type: vdir\n        options: {{path: {root / name}}}\n"
    config = root / "contactsync.yaml"
    config.write_text(text)
    return config


def sync(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "sync", *args], catch_exceptions=False)


def names(folder: Path) -> list[str]:
    return sorted(line[3:] for f in folder.glob("*.vcf") for line in f.read_text().splitlines() if line[:3] == "FN:")


def test_strangers_sharing_the_office_number_of_the_people_wiped_do_not_pass_for_them(tmp_path: Path) -> None:
    config = book(tmp_path, "a", "b")
    for n in range(10):
        (tmp_path / "a" / f"p{n}.vcf").write_text(card(f"u{n}", f"Person{n}", phone=BOARD))
    assert sync(config).exit_code == 0
    for f in (tmp_path / "b").glob("*.vcf"):
        f.unlink()
    for n in range(10):
        (tmp_path / "b" / f"q{n}.vcf").write_text(card(f"v{n}", f"Other{n}", phone=BOARD))
    for dry in (True, False):
        result = sync(config, *(["--dry-run"] if dry else []))
        assert result.exit_code == EXIT_BRAKE, result.output
    people = [f"Person{n}" for n in range(10)]
    assert [n for n in names(tmp_path / "a") if n.startswith("Person")] == people, "nobody overwritten"


def test_the_brake_counts_what_the_run_itself_takes_over(tmp_path: Path) -> None:
    config = book(tmp_path, "a", "b", "c")
    for n in range(10):
        (tmp_path / "b" / f"p{n}.vcf").write_text(card(f"u{n}", f"Person{n}", emails=(f"p{n}@old.example",)))
    assert sync(config).exit_code == 0
    # a lists new cards for new addresses; b re-imports its people with the new address first: b's items match
    # a's new people in this run, so the old people's items on b are gone, not taken over
    for n in range(10):
        (tmp_path / "a" / f"new{n}.vcf").write_text(card(f"n{n}", f"Person{n} new", emails=(f"p{n}@new.example",)))
    for f in list((tmp_path / "b").glob("*.vcf")):
        f.unlink()
    for n in range(10):
        emails = (f"p{n}@new.example", f"p{n}@old.example")
        (tmp_path / "b" / f"r{n}.vcf").write_text(card(f"r{n}", f"Person{n}", emails=emails))
    result = sync(config)
    assert result.exit_code == EXIT_BRAKE, result.output
    # nothing of the old people was deleted on c (before: "deleted 10" on a and c, the people in the trash)
    held = "".join(f.read_text() for f in (tmp_path / "c").glob("*.vcf"))
    assert all(f"p{n}@old.example" in held for n in range(10)), held
