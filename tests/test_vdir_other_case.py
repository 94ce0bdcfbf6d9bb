"""A vdir folder's files that end in another case of ``.vcf`` (``ONE.VCF``, as a Windows export names them) are not
read as cards, and `status` says so with their count: nothing skipped in silence (found by a bug hunt)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.daemon_support import CONTACTSYNC


def _card(uid: str, given: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{given} Lee\r\nN:Lee;{given};;;\r\nEND:VCARD\r\n"


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CONTACTSYNC, "--config", str(config), *args], capture_output=True, text=True, timeout=120)


def test_card_files_of_another_case_are_counted_in_status_not_skipped_in_silence(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "ONE.VCF").write_text(_card("x1", "Ann"))
    (a / "Two.Vcf").write_text(_card("x2", "Bo"))
    (a / "three.vcf").write_text(_card("x3", "Cy"))
    (a / "notes.txt").write_text("not a card")
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\nbooks:\n  - name: b\n    accounts:\n"
        f"      - {{name: src, type: vdir, options: {{path: {a}}}}}\n"
        f"      - {{name: dst, type: vdir, options: {{path: {b}}}}}\n"
    )
    assert _cli(config, "sync").returncode == 0
    assert len(list(b.iterdir())) == 1  # only three.vcf is a card of this folder
    done = _cli(config, "status", "--json")
    notices = json.loads(done.stdout)["books"]["b"]["accounts"]["src"]["notices"]
    assert [n["code"] for n in notices] == ["card-files-not-read"]
    assert "2 file(s)" in notices[0]["message"] and "rename them to end in .vcf" in notices[0]["message"]
    text = _cli(config, "status").stdout
    assert "2 file(s) in the folder end in .VCF" in text and "ONE" not in text  # counted, not named
    # renamed, they are read, and the notice is gone
    (a / "ONE.VCF").rename(a / "one.vcf")
    (a / "Two.Vcf").rename(a / "two.vcf")
    assert _cli(config, "sync").returncode == 0
    assert len(list(b.iterdir())) == 3
    notices = json.loads(_cli(config, "status", "--json").stdout)["books"]["b"]["accounts"]["src"]["notices"]
    assert notices == []
