"""Helpers for the Outlook connector tests: connectors on the emulator built the way the config builds them."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contactsync.connectors.outlook import OutlookConnector, OutlookOptions
from contactsync.emulators.outlook import GraphEmulator
from contactsync.settings import AccountSettings, BookSettings, Secret, frozen_mapping

from .conftest import CLIENT_ID, SECRET, TENANT, USER


@dataclass
class Waits:
    """A ``sleep`` that records what it was asked to wait and returns at once (the emulator needs no pause)."""

    asked: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def account_settings(
    emu: GraphEmulator, *, name: str = "outlook", mailbox: str = USER, **options: Any
) -> AccountSettings:
    opts = {
        "tenant_id": TENANT,
        "client_id": CLIENT_ID,
        "mailbox": mailbox,
        "authority_host": emu.base_url,
        "graph_url": emu.graph_url,
        "ca_bundle": emu.ca_file,
        "page_size": 1000,
        **options,
    }
    secrets = {} if "token_cache_file" in options else {"client_secret": Secret(SECRET, "test")}
    return AccountSettings(name=name, type="outlook", options=frozen_mapping(opts), secrets=frozen_mapping(secrets))


def book_of(*accounts: AccountSettings) -> BookSettings:
    return BookSettings(name="main", accounts=tuple(accounts))


def outlook(
    emu: GraphEmulator,
    *,
    name: str = "outlook",
    mailbox: str = USER,
    waits: Waits | None = None,
    attempts: int = 5,
    **options: Any,
) -> OutlookConnector:
    account = account_settings(emu, name=name, mailbox=mailbox, **options)
    # the Graph client's own retries (attempts, sleep) are moving to the one retry policy (contactsync.retry):
    # pass them only while the connector still takes them
    accepted = inspect.signature(OutlookConnector).parameters
    retries: dict[str, Any] = {"attempts": attempts, "sleep": waits if waits is not None else Waits()}
    return OutlookConnector(
        name,
        OutlookOptions.from_settings(account, book_of(account)),
        **{k: v for k, v in retries.items() if k in accepted},
    )


def mailbox_config(tmp_path: Path, emu: GraphEmulator, others: str = "") -> Path:
    """A contactsync.yaml whose book ``staff`` holds the Outlook account ``mailbox`` on the emulator (its client
    secret from ``$GRAPH_CLIENT_SECRET``) and then ``others``: more account entries, as YAML list items."""
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"""store:
  url: sqlite:///{tmp_path / "store.db"}
books:
  - name: staff
    accounts:
      - name: mailbox
        type: outlook
        options:
          tenant_id: {TENANT}
          client_id: {CLIENT_ID}
          client_secret: ${{GRAPH_CLIENT_SECRET}}
          mailbox: {USER}
          authority_host: {emu.base_url}
          graph_url: {emu.graph_url}
          ca_bundle: {emu.ca_file}
{others}""")
    return config
