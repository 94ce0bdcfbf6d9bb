"""``contactsync auth ACCOUNT`` (Google): OAuth 2.0 for installed apps, end to end against the emulator.

The emulator's authorization endpoint plays the consent screen (``emulator.consent`` says who is signed in to
the browser and whether they allow), redirects to the loopback redirect URI with a code, and its token endpoint
exchanges that code once, for the client it was issued to, with the PKCE verifier. The client secrets file is
the emulator's (its auth_uri and token_uri point at it), as the Google Cloud console would hand one out.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli
from contactsync.connectors.memory import BACKENDS, backend
from contactsync.emulators.google import PeopleEmulator, RequestKind

from .conftest import ALICE

CLIENT_ID = "123-desktop.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-emulator"
SCOPE = "https://www.googleapis.com/auth/contacts"
VERIFIER = "v" * 64


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    """The user's browser: plain HTTP on loopback, redirects looked at rather than followed."""
    with requests.Session() as session:
        session.trust_env = False  # no proxy, no CA bundle from the environment: loopback only
        yield session


def write_config(tmp_path: Path, emulator: PeopleEmulator, phone: str) -> Path:
    secrets = tmp_path / "google-oauth-client.json"
    secrets.write_text(json.dumps(emulator.add_oauth_client(CLIENT_ID, CLIENT_SECRET)))
    secrets.chmod(0o600)  # a secret file others can read is refused by the configuration
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"""store:
  url: sqlite:///{tmp_path / "store.db"}
books:
  - name: home
    accounts:
      - name: gmail
        type: google
        options:
          token_file: {tmp_path / "tokens" / "gmail.json"}
          client_secrets_file: google-oauth-client.json
          endpoint: {emulator.url}
      - name: phone
        type: memory
        options: {{backend: {phone}}}
""")
    return config


def sign_in_without_browser(
    config: Path,
    emulator: PeopleEmulator,
    browser: requests.Session,
) -> tuple[subprocess.CompletedProcess[str], requests.Response]:
    """Run the CLI as the admin would on a headless server: read the printed URL, open it in "a browser"
    elsewhere (the emulator's consent screen redirects), paste the address the browser was sent to."""
    command = [
        str(Path(sys.executable).parent / "contactsync"),
        "--config",
        str(config),
        "auth",
        "gmail",
        "--no-browser",
    ]
    env = {k: v for k, v in os.environ.items() if k != "OAUTHLIB_INSECURE_TRANSPORT"}
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("http"):
                break
        else:
            pytest.fail("no URL printed: " + "".join(printed) + (process.stderr.read() if process.stderr else ""))
        answer = browser.get(line.strip(), allow_redirects=False, timeout=10)
        process.stdin.write(answer.headers.get("Location", "") + "\n")
        process.stdin.flush()
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, "".join(printed) + out, err), answer


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_consent_without_a_browser_saves_a_0600_token_that_syncs_and_refreshes(
    emulator: PeopleEmulator, tmp_path: Path, browser: requests.Session
) -> None:
    BACKENDS.pop("consent-phone", None)
    phone = backend("consent-phone")
    config = write_config(tmp_path, emulator, "consent-phone")
    (ann,) = emulator.seed(
        ALICE,
        [{"names": [{"givenName": "Ann", "familyName": "Lee"}], "emailAddresses": [{"value": "ann@example.org"}]}],
    )
    emulator.consent(ALICE)

    done, redirect = sign_in_without_browser(config, emulator, browser)
    assert done.returncode == EXIT_OK, done.stderr
    assert "account gmail: signed in" in done.stdout
    consent_url = next(line for line in done.stdout.splitlines() if line.startswith("http"))
    asked = parse_qs(urlsplit(consent_url).query)
    assert consent_url.startswith(emulator.auth_uri)
    assert asked["code_challenge_method"] == ["S256"] and asked["access_type"] == ["offline"]
    assert asked["client_id"] == [CLIENT_ID] and asked["scope"] == [SCOPE]
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith("http://127.0.0.1:1/?")

    token_file = tmp_path / "tokens" / "gmail.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert [p.name for p in token_file.parent.iterdir()] == ["gmail.json"]  # written atomically: no leftover
    saved = json.loads(token_file.read_text())
    assert saved["token_uri"] == emulator.token_uri and saved["refresh_token"] and saved["client_id"] == CLIENT_ID
    assert emulator.requests[RequestKind.AUTHORIZE] == 1 and emulator.requests[RequestKind.TOKEN] == 1

    # the code was spent: a second exchange of it is refused
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    again = browser.post(
        emulator.token_uri,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:1/",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": VERIFIER,
        },
        timeout=10,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"

    emulator.reset_counters()
    first = run(config, "sync", "--json")
    assert first.exit_code == EXIT_OK, first.output
    assert [c.emails[0].address for c in phone.contacts().values()] == ["ann@example.org"]
    assert emulator.requests[RequestKind.TOKEN] == 0  # the saved access token was still good

    # two hours later on Google's clock the access token is dead: google-auth refreshes it and goes on
    emulator.clock.advance(timedelta(hours=2))
    emulator.edit(ALICE, ann, {"organizations": [{"title": "Pilot"}]})
    second = run(config, "sync", "--json")
    assert second.exit_code == EXIT_OK, second.output
    assert emulator.requests[RequestKind.TOKEN] == 1
    assert [c.job_title for c in phone.contacts().values()] == ["Pilot"]


def test_consent_refused_in_the_browser_is_a_clear_failure_and_saves_nothing(
    emulator: PeopleEmulator, tmp_path: Path, browser: requests.Session
) -> None:
    config = write_config(tmp_path, emulator, "consent-refused")
    emulator.consent(ALICE, approve=False)
    done, redirect = sign_in_without_browser(config, emulator, browser)
    assert "error=access_denied" in redirect.headers["Location"]
    assert done.returncode != EXIT_OK
    assert "access_denied" in done.stderr + done.stdout
    assert not (tmp_path / "tokens" / "gmail.json").exists()
    assert emulator.requests[RequestKind.TOKEN] == 0


def test_consent_with_a_browser_uses_the_local_redirect_server(
    emulator: PeopleEmulator, tmp_path: Path, browser: requests.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, emulator, "consent-browser")
    emulator.consent(ALICE)
    visits: list[str] = []

    class Browser:
        """Opens the consent URL and follows the emulator's redirect to the flow's one-shot local server."""

        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            def visit() -> None:
                answer = browser.get(url, allow_redirects=False, timeout=10)
                visits.append(answer.headers["Location"])
                browser.get(answer.headers["Location"], timeout=10)

            threading.Thread(target=visit, daemon=True).start()
            return True

    monkeypatch.setattr("webbrowser.get", lambda using=None: Browser())
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    done = run(config, "auth", "gmail")
    assert done.exit_code == EXIT_OK, done.output
    assert visits and urlsplit(visits[0]).hostname == "localhost"
    assert stat.S_IMODE((tmp_path / "tokens" / "gmail.json").stat().st_mode) == 0o600
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ  # allowed for the loopback exchange only
    assert run(config, "sync").exit_code == EXIT_OK


# ------------------------------------------------------------------------------ the emulator's rules


def authorize(browser: requests.Session, emulator: PeopleEmulator, **overrides: str) -> requests.Response:
    import base64
    import hashlib

    challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:8765/",
        "response_type": "code",
        "scope": SCOPE,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    return browser.get(emulator.auth_uri + "?" + urlencode(params), allow_redirects=False, timeout=10)


def exchange(browser: requests.Session, emulator: PeopleEmulator, code: str, **overrides: str) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:8765/",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code_verifier": VERIFIER,
        **overrides,
    }
    return browser.post(emulator.token_uri, data={k: v for k, v in form.items() if v}, timeout=10)


def code_of(answer: requests.Response) -> str:
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def test_authorization_endpoint_and_code_grant_follow_googles_rules(
    emulator: PeopleEmulator, browser: requests.Session
) -> None:
    emulator.add_oauth_client(CLIENT_ID, CLIENT_SECRET)
    emulator.add_oauth_client("other-client", "other-secret")
    emulator.consent(ALICE)

    unknown = authorize(browser, emulator, client_id="nobody")
    assert unknown.status_code == 401 and "Location" not in unknown.headers and "invalid_client" in unknown.text
    remote = authorize(browser, emulator, redirect_uri="https://evil.example/cb")
    assert remote.status_code == 400 and "Location" not in remote.headers and "redirect_uri_mismatch" in remote.text
    assert authorize(browser, emulator, code_challenge_method="S512").status_code == 400

    # PKCE: the verifier must hash to the challenge
    assert (
        exchange(browser, emulator, code_of(authorize(browser, emulator)), code_verifier="w" * 64).json()["error"]
        == "invalid_grant"
    )
    # the client must be the one the code was issued to, with its secret (in the body or as HTTP Basic)
    wrong_secret = exchange(browser, emulator, code_of(authorize(browser, emulator)), client_secret="guess")
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    other = exchange(
        browser, emulator, code_of(authorize(browser, emulator)), client_id="other-client", client_secret="other-secret"
    )
    assert other.json()["error"] == "invalid_grant"
    # the redirect URI must repeat the authorization request's
    assert (
        exchange(browser, emulator, code_of(authorize(browser, emulator)), redirect_uri="http://127.0.0.1:9/").json()[
            "error"
        ]
        == "redirect_uri_mismatch"
    )
    # codes die after ten minutes of the emulator's clock
    late = code_of(authorize(browser, emulator))
    emulator.clock.advance(timedelta(minutes=11))
    assert exchange(browser, emulator, late).json()["error"] == "invalid_grant"

    code = code_of(authorize(browser, emulator))
    basic = browser.post(
        emulator.token_uri,
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:8765/",
            "code_verifier": VERIFIER,
        },
    )
    granted = basic.json()
    assert basic.status_code == 200 and granted["scope"] == SCOPE and granted["token_type"] == "Bearer"
    assert granted["refresh_token"] and granted["expires_in"] > 3000
    reused = exchange(browser, emulator, code)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    listed = browser.get(
        emulator.url + "v1/contactGroups", timeout=10, headers={"Authorization": f"Bearer {granted['access_token']}"}
    )
    assert listed.status_code == 200

    # the refresh token works for its own client only
    refresh = {"grant_type": "refresh_token", "refresh_token": granted["refresh_token"]}
    theirs = browser.post(
        emulator.token_uri, timeout=10, data={**refresh, "client_id": "other-client", "client_secret": "other-secret"}
    )
    assert theirs.status_code == 401
    ours = browser.post(
        emulator.token_uri, timeout=10, data={**refresh, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    )
    assert ours.status_code == 200 and ours.json()["access_token"] != granted["access_token"]
    assert "refresh_token" not in ours.json()

    # nobody signed in: the consent screen asks to sign in and sends the browser nowhere
    emulator.consent(None)
    assert authorize(browser, emulator).status_code == 200
