"""What a configuration that passed leaves in the state directory (``config-checked.json``, #18) never holds a
password: an account's or the store's URL with one is refused, and a URL with one written further inside a value
(another URL in its query) means the file's values are not kept, and the file is read in full on every start, as
before the values were kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOAD = (
    "import sys; from pathlib import Path; from contactsync.config import load_settings; "
    "load_settings(Path(sys.argv[1]))"
)


def load_in_a_new_process(config: Path, state: Path, *, refused: bool = False) -> str:
    env = {**os.environ, "STATE_DIRECTORY": str(state)}
    done = subprocess.run([sys.executable, "-c", LOAD, str(config)], env=env, capture_output=True, text=True)
    assert (done.returncode != 0) == refused, done.stderr
    return done.stderr


def write_config(tmp_path: Path, dav_url: str) -> Path:
    password = tmp_path / "pw"
    password.write_text("from-a-file\n")
    password.chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path}/state/store.db\n"
        "books:\n  - name: staff\n    accounts:\n"
        f"      - name: dav\n        type: carddav\n        options:\n          url: {dav_url}\n"
        f"          username: alice\n          password_file: {password}\n"
        f"      - name: local\n        type: vdir\n        options:\n          path: {tmp_path}/vdir\n"
    )
    config.chmod(0o600)
    return config


def test_a_password_in_an_account_url_is_refused_and_never_copied(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    config = write_config(tmp_path, "https://alice:hunter2@dav.example.org/a/")
    error = load_in_a_new_process(config, state, refused=True)
    assert "books[0].accounts[0].options.url" in error and "hunter2" not in error
    assert not (state / "config-checked.json").exists()


def test_a_password_in_a_url_inside_a_value_is_never_copied_to_the_state_directory(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    config = write_config(tmp_path, "https://dav.example.org/a/?next=https://bob:hunter2@x/")
    load_in_a_new_process(config, state)
    load_in_a_new_process(config, state)
    kept = state / "config-checked.json"
    assert not kept.exists() or "hunter2" not in kept.read_text()


def test_a_file_without_one_is_kept(tmp_path: Path) -> None:
    """The same file with the password only in its file: its values are kept (so the test above can fail)."""
    state = tmp_path / "state"
    state.mkdir()
    load_in_a_new_process(write_config(tmp_path, "https://dav.example.org/a/"), state)
    assert "dav.example.org" in (state / "config-checked.json").read_text()
