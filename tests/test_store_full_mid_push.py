"""The store's disk filling up while a run writes to an account is the store's fault, not the account's: `sync` exits
7 with the store's advice (README, exit codes), as it does when the disk fills while listing, instead of exit 3 with
the database driver's text laid on the account being written (a bug hunt reproduced it with a CardDAV book). A real
fault: the store on a small tmpfs, filled by the kernel's ENOSPC while the cards are being written."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.daemon_support import CONTACTSYNC, fill_up, small_tmpfs
from tests.test_admin_truth import SURNAME, named_cards, run_cli, status_json, write_config


def test_a_store_filling_up_while_an_account_is_written_exits_7_and_the_next_run_converges(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "mnt", "16m") as mount:
        named_cards(tmp_path / "staff" / "src", 3000)
        dst = tmp_path / "staff" / "dst"
        dst.mkdir()
        config = write_config(tmp_path, mount / "store.db")
        sync = subprocess.Popen(
            [CONTACTSYNC, "--config", str(config), "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while not any(dst.iterdir()) and sync.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        filler = fill_up(mount)  # the first cards are written: the store's next commits get ENOSPC
        out, err = sync.communicate(timeout=300)
        written = len(list(dst.iterdir()))
        assert 0 < written < 3000, (written, out, err)  # the fault came while the account was being written
        assert sync.returncode == 7, out + err
        assert "disk holding the store" in err and "Free some space" in err, err
        assert "OperationalError" not in out + err, out + err  # not the driver's text, not the account's error
        assert SURNAME.lower() not in (out + err).lower()

        filler.unlink()
        again = run_cli(config, "sync")
        assert again.returncode == 0, again.stdout + again.stderr
        names = [line for p in dst.iterdir() for line in p.read_text().splitlines() if line.startswith("FN:")]
        assert sorted(names) == sorted(f"FN:Ana{i} {SURNAME}" for i in range(3000))  # each once: none lost or twice
        code, shown = status_json(config)
        assert code == 0, shown
