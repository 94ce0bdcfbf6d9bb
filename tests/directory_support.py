"""What the directory sources' end-to-end tests share: a `contactsync sync` of a book that reads a directory into
a folder, and the cards that folder holds afterwards, by email."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli


def run_sync(config: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def cards_by_email(folder: Path) -> dict[str, str]:
    """Each card's text under its (lower-cased) first email; a card without one fails the test."""
    found = {}
    for path in folder.glob("*.vcf"):
        text = path.read_text()
        email = re.search(r"^EMAIL[^:]*:(.+?)\r?$", text, re.M)
        assert email is not None, text
        found[email.group(1).lower()] = text
    return found
