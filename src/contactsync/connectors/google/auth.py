"""Credentials for the People API: a service account with domain-wide delegation (the admin path, one key for
every user of the domain), or one user's OAuth token from an installed-app consent (``contactsync auth google``).

Token files hold a refresh token: they are written atomically with mode 0600 (a temporary file in the same
folder, created 0600, fsynced, renamed over), so a crash never leaves a half-written or world-readable token.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import google.auth.exceptions
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from contactsync.errors import AuthFailed, ConfigError, ConfigProblem
from contactsync.settings import AccountSettings

SCOPES = ("https://www.googleapis.com/auth/contacts",)
_INSECURE = "OAUTHLIB_INSECURE_TRANSPORT"
#: the secret the config layer reads from ``service_account_file`` (the JSON key's content)
SERVICE_ACCOUNT_SECRET = "service_account"
#: the secret the config layer reads from ``client_secrets_file`` (the OAuth client's JSON)
CLIENT_SECRETS_SECRET = "client_secrets"

SERVICE_ACCOUNT_HINT = (
    "Check in the Google Admin console (Security > Access and data control > API controls > Domain-wide "
    "delegation) that the service account's client ID is granted the scope "
    "https://www.googleapis.com/auth/contacts, that options.subject names an existing user of the domain, "
    "and that the key in service_account_file has not been deleted or revoked."
)
USER_HINT = (
    "The saved Google authorization was refused (revoked, expired or for another client): run "
    "`contactsync auth google ACCOUNT` again to renew options.token_file."
)


@dataclass(frozen=True)
class GoogleAuth:
    """How one account authenticates: ready credentials and the sentence that tells the admin what to fix."""

    credentials: Credentials
    hint: str
    description: str


def _problem(account: AccountSettings, key: str, message: str) -> ConfigProblem:
    return ConfigProblem("", None, f"accounts.{account.name}.options.{key}", message)


def credentials_for(account: AccountSettings, *, token_uri: str | None = None) -> GoogleAuth:
    """The account's credentials. Raises ConfigError naming the option to fix when they cannot be built."""
    options = account.options
    secret = account.secrets.get(SERVICE_ACCOUNT_SECRET)
    if secret is not None:
        subject = options.get("subject")
        if not isinstance(subject, str) or "@" not in subject:
            raise ConfigError(
                [_problem(account, "subject", "a service account needs the user to act as (subject: user@domain)")]
            )
        try:
            info = json.loads(secret.value)
            if not isinstance(info, dict):
                raise ValueError("not a JSON object")
            if token_uri:
                info["token_uri"] = token_uri
            creds = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES), subject=subject)
        except (ValueError, KeyError) as exc:
            raise ConfigError(
                [
                    _problem(
                        account,
                        "service_account_file",
                        f"not a service account JSON key ({type(exc).__name__}); download a "
                        "key of type JSON for the service account",
                    )
                ]
            ) from None
        return GoogleAuth(creds, SERVICE_ACCOUNT_HINT, "service account with domain-wide delegation")
    token_file = options.get("token_file")
    if isinstance(token_file, str) and token_file:
        return GoogleAuth(
            load_user_credentials(account, Path(token_file), token_uri=token_uri), USER_HINT, "user authorization"
        )
    raise ConfigError(
        [
            _problem(
                account,
                "service_account_file",
                "give service_account_file and subject (a Workspace domain), or token_file and "
                "client_secrets_file (one user; then run `contactsync auth google ACCOUNT`)",
            )
        ]
    )


def load_user_credentials(account: AccountSettings, path: Path, *, token_uri: str | None = None) -> Credentials:
    """The user credentials saved by :func:`run_consent_flow`. Raises AuthFailed when there are none."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        creds: user_credentials.Credentials = user_credentials.Credentials.from_authorized_user_info(info, list(SCOPES))
        # from_authorized_user_info always sets Google's token endpoint, whatever the file says; the file holds
        # the one the consent used (the client secrets file's token_uri), the option overrides both
        saved = info.get("token_uri") if isinstance(info, dict) else None
        chosen = token_uri or (saved if isinstance(saved, str) and saved else None)
        if chosen:
            expiry = creds.expiry
            creds = creds.with_token_uri(chosen)
            creds.expiry = expiry  # the copy forgets when the saved access token expires
    except FileNotFoundError:
        raise AuthFailed(
            f"no Google authorization saved for account {account.name} yet: run "
            f"`contactsync auth google {account.name}`",
            account=account.name,
        ) from None
    except (ValueError, OSError, AttributeError) as exc:
        raise AuthFailed(
            f"the token file of account {account.name} cannot be used ({type(exc).__name__}): "
            f"run `contactsync auth google {account.name}` again",
            account=account.name,
        ) from None
    return creds


def write_token_file(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` atomically, readable by the owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 from the start: the token is never readable by others, not even briefly
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # the rename is durable only once the folder is synced
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _client_config(account: AccountSettings) -> Mapping[str, Any]:
    secret = account.secrets.get(CLIENT_SECRETS_SECRET)
    if secret is None:
        raise ConfigError(
            [
                _problem(
                    account,
                    "client_secrets_file",
                    'the OAuth client (a JSON file of type "Desktop app" from the Google Cloud '
                    "console) is needed to ask for consent",
                )
            ]
        )
    try:
        config = json.loads(secret.value)
    except ValueError:
        raise ConfigError([_problem(account, "client_secrets_file", "not a JSON file")]) from None
    if not isinstance(config, dict) or not ({"installed", "web"} & set(config)):
        raise ConfigError(
            [
                _problem(
                    account, "client_secrets_file", 'not an OAuth client file (it has neither "installed" nor "web")'
                )
            ]
        )
    return config


def _code_from(answer: str, state: str, account: AccountSettings) -> str:
    """The code in what the user pasted: the whole address the browser was sent to, or the code alone."""
    if "://" not in answer and "=" not in answer:
        return answer
    query = parse_qs(urlsplit(answer).query if "://" in answer else answer.partition("?")[2] or answer)
    error = query.get("error", [""])[0]
    if error:
        raise AuthFailed(
            f"Google did not grant access ({error}); run the command again and allow access", account=account.name
        )
    if query.get("state", [state])[0] != state:
        raise AuthFailed(
            "the pasted address belongs to another sign-in (its state differs); paste the address "
            "this command's URL led to",
            account=account.name,
        )
    code = query.get("code", [""])[0]
    if not code:
        raise AuthFailed(
            "the pasted address holds no code; paste the whole address the browser was sent to", account=account.name
        )
    return code


@contextlib.contextmanager
def _loopback_token_endpoint_allowed(token_uri: str) -> Iterator[None]:
    """Let oauthlib exchange the code over plain HTTP with a token endpoint on loopback (an emulator).

    oauthlib refuses any ``http://`` token URL unless OAUTHLIB_INSECURE_TRANSPORT is set. On loopback nothing
    crosses a network, the same reason Google accepts ``http://127.0.0.1`` redirect URIs; anything else stays
    refused.
    """
    split = urlsplit(token_uri)
    if split.scheme != "http" or split.hostname not in ("127.0.0.1", "localhost", "::1") or os.environ.get(_INSECURE):
        yield
        return
    os.environ[_INSECURE] = "1"
    try:
        yield
    finally:
        os.environ.pop(_INSECURE, None)


def run_consent_flow(
    account: AccountSettings,
    *,
    open_browser: bool,
    echo: Callable[[str], None] = print,
    prompt: Callable[[str], str] = lambda text: input(text + ": "),
) -> None:
    """Ask the user for consent and save the token to ``options.token_file`` (atomically, mode 0600).

    With ``open_browser`` a browser opens and Google redirects to a one-shot server on loopback. Without it
    (a headless server) the URL is printed; the user opens it anywhere, and pastes back the address the browser
    was sent to (or only its ``code``); ``prompt`` shows its text and reads the answer (it adds the colon, as
    ``click.prompt`` does). Raises ConfigError (options missing), AuthFailed (consent refused).
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    token_file = account.options.get("token_file")
    if not isinstance(token_file, str) or not token_file:
        raise ConfigError([_problem(account, "token_file", "give the path where the authorization is saved")])
    config = dict(_client_config(account))
    # the flow talks to the client file's auth_uri and token_uri (Google's, or an emulator's), with PKCE S256
    flow = InstalledAppFlow.from_client_config(config, scopes=list(SCOPES))
    client = config.get("installed") or config.get("web") or {}
    token_uri = str(client.get("token_uri", "")) if isinstance(client, dict) else ""
    try:
        with _loopback_token_endpoint_allowed(token_uri):
            if open_browser:
                creds = flow.run_local_server(port=0, open_browser=True)
            else:
                # Google retired the copy-the-code page; a loopback redirect nobody listens on shows the code in
                # the browser's address bar instead.
                flow.redirect_uri = "http://127.0.0.1:1/"
                url, state = flow.authorization_url(access_type="offline", prompt="consent")
                echo(f"Open this URL in a browser, sign in as the user to synchronize, and allow access:\n\n{url}\n")
                answer = prompt("Paste the address the browser was sent to (or the code)").strip()
                flow.fetch_token(code=_code_from(answer, state, account))
                creds = flow.credentials
    except AuthFailed:
        raise
    except (google.auth.exceptions.GoogleAuthError, ValueError) as exc:
        raise AuthFailed(
            f"Google did not grant access ({type(exc).__name__}); run the command again", account=account.name
        ) from None
    except Exception as exc:  # oauthlib raises its own errors for a refused or mistyped code
        raise AuthFailed(
            f"Google did not grant access ({type(exc).__name__}); run the command again", account=account.name
        ) from None
    finally:
        flow.oauth2session.close()
    write_token_file(Path(token_file), creds.to_json())
