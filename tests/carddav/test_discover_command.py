"""``contactsync discover carddav URL``: the discovery hook of the carddav connector type, through the CLI,
against real Radicale and Xandikos servers."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import EXIT_OK, cli

from .conftest import DavServer


def test_discover_lists_the_address_books_ready_for_options_url(
    dav_server: DavServer, addressbook_url: str, tmp_path: Path
) -> None:
    login = ["-u", dav_server.username]
    if dav_server.password is not None:  # Xandikos here runs without authentication
        password = tmp_path / "password"
        password.write_text(dav_server.password + "\n")
        login += ["--password-file", str(password)]
    done = CliRunner().invoke(cli, ["discover", "carddav", dav_server.base_url + "/", *login])
    assert done.exit_code == EXIT_OK, done.output
    listed = {line.split()[0] for line in done.output.splitlines() if line.strip()}
    assert addressbook_url in listed
