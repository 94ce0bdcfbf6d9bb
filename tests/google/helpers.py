"""Building the Google connector against the emulator exactly as the configuration would: a service-account
key generated here, delegation granted to it, the endpoint and token URI pointed at the emulator."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from contactsync.connectors.google import GoogleConnector
from contactsync.emulators.google import PeopleEmulator
from contactsync.settings import AccountSettings, BookSettings, Secret, frozen_mapping

SERVICE_ACCOUNT = "contactsync@contactsync-test.iam.gserviceaccount.com"


@cache
def private_key_pem() -> str:
    """One RSA key for the whole session: generating one takes longer than most tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def service_account_key(emulator: PeopleEmulator) -> str:
    """A JSON key like the one Google Cloud hands out, registered with the emulator."""
    emulator.add_service_account(SERVICE_ACCOUNT)
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "contactsync-test",
            "private_key_id": "k1",
            "private_key": private_key_pem(),
            "client_email": SERVICE_ACCOUNT,
            "client_id": "1234567890",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


def google_account(emulator: PeopleEmulator, user: str, name: str = "google", **options: Any) -> AccountSettings:
    return AccountSettings(
        name,
        "google",
        options=frozen_mapping({"subject": user, "endpoint": emulator.url, "token_uri": emulator.token_uri, **options}),
        secrets=frozen_mapping({"service_account": Secret(service_account_key(emulator), "test")}),
    )


def connector_for(
    emulator: PeopleEmulator, user: str, *, name: str = "google", book: BookSettings | None = None, **kwargs: Any
) -> GoogleConnector:
    """A connector for ``user``. Keyword arguments override the constructor's (``sleep``, ``batch_size``…)."""
    account = google_account(emulator, user, name)
    built = GoogleConnector.from_settings(account, book or BookSettings("book", (account,)))
    if not kwargs:
        return built
    built.close()
    from contactsync.connectors.google.auth import credentials_for

    auth = credentials_for(account, token_uri=emulator.token_uri)
    return GoogleConnector(name, auth, endpoint=emulator.url, **kwargs)


def clock_sleep(emulator: PeopleEmulator, waits: list[float]) -> Any:
    """A ``sleep`` that moves the emulator's clock instead of the test's: Retry-After is honoured, instantly."""

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        emulator.clock.advance(timedelta(seconds=seconds))

    return sleep


def google_and_folder_config(emulator: PeopleEmulator, user: str, root: Path) -> tuple[Path, Path]:
    """A configuration file of one book: the Google account of ``user`` (a service-account key written beside it)
    and a vdir folder, made under ``root``. Returns (the configuration, the folder)."""
    (root / "google-key.json").write_text(service_account_key(emulator))
    (root / "google-key.json").chmod(0o600)  # a secret file others can read is refused by the configuration
    folder = root / "vdir"
    folder.mkdir()
    config = root / "contactsync.yaml"
    config.write_text(f"""store:
  url: sqlite:///{root / "store.db"}
books:
  - name: staff
    accounts:
      - name: gmail
        type: google
        options:
          subject: {user}
          service_account_file: google-key.json
          endpoint: {emulator.url}
          token_uri: {emulator.token_uri}
      - name: folder
        type: vdir
        options: {{path: {folder}}}
""")
    return config, folder
