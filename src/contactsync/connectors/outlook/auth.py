"""Entra ID tokens through msal: app-only client credentials (secret or certificate) and delegated device code.

- App-only: one app registration with the Contacts.ReadWrite *application* permission reaches many mailboxes.
  msal keeps the token in memory and hands it out until it expires.
- Delegated: ``contactsync auth outlook ACCOUNT`` runs :func:`run_device_flow` once; the token cache (refresh
  token included) is kept in ``token_cache_file``, written atomically with mode 0600, and refreshed silently.

Every refusal becomes :class:`AuthFailed` with a sentence naming the fix; a token endpoint that is down becomes
:class:`Transient` (msal raises ``MsalServiceError`` for a 5xx instead of returning an error dict).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import msal
import requests

from contactsync.errors import AuthFailed, Transient
from contactsync.tls import certificate_rejected

#: what an AADSTS code usually means for an admin, and what to do about it
ADVICE: Mapping[str, str] = {
    "AADSTS7000215": "the client secret is wrong: use the secret's Value (not its Secret ID) from the app "
    "registration's 'Certificates & secrets' as client_secret",
    "AADSTS7000222": "the client secret has expired: create a new one under 'Certificates & secrets' of the app "
    "registration and update client_secret",
    "AADSTS700016": "the application (client_id) was not found in this tenant: check client_id and tenant_id, "
    "and that the app is registered or consented in this tenant",
    "AADSTS90002": "the tenant was not found: check tenant_id (a GUID or a verified domain name)",
    "AADSTS65001": "admin consent is missing: grant admin consent for the Contacts.ReadWrite permission in the "
    "app registration's 'API permissions'",
    "AADSTS700027": "the certificate is not registered on the app: upload it under 'Certificates & secrets' and "
    "check certificate_thumbprint",
    "AADSTS70000": "the delegated grant is no longer valid: run `contactsync auth outlook ACCOUNT` again",
    "AADSTS700082": "the refresh token has expired: run `contactsync auth outlook ACCOUNT` again",
}
TRANSIENT_ERRORS = frozenset({"temporarily_unavailable", "server_error"})

#: what Entra ID and Graph quote back in a message ("The user account 'ana@contoso.com' does not exist…", "…in the
#: directory 'contoso.com'"): a UPN, a display name, any value a request carried
_QUOTED = re.compile(r"'[^']*'?|\"[^\"]*\"?")
_DOUBLE_QUOTED = re.compile(r"\"[^\"]*\"?")
_EMAIL = re.compile(r"[^\s\"'<>(),;:]+@[^\s\"'<>(),;:]+")
#: a phone number, or any id long enough to be one (digits with their usual separators)
_PHONE = re.compile(r"\+?\d[\d ().-]{5,}\d")


def scrubbed(message: str, *, keep_single_quoted: bool = False) -> str:
    """A message of Entra ID or Graph as a ConnectorError may carry it whatever ``log.personal_data`` says: its
    first line, at most 200 characters, every quoted value, every email-shaped token (a UPN, a mailbox) and every
    run of digits long enough to be a phone number replaced by "…". The AADSTS code and Graph's words for the
    rule broken stay: they are what an admin looks up. ``keep_single_quoted``: what is in single quotes stays (where
    the request carried nothing but names from the config: Graph quotes a misspelt property so)."""
    # bounded before the patterns run: they are linear per token but a hostile or broken answer may be megabytes;
    # 2,000 characters leave what is masked whole at the 200 kept
    line = (message.splitlines()[0] if message else "")[:2000]
    line = (_DOUBLE_QUOTED if keep_single_quoted else _QUOTED).sub("…", line)
    line = _EMAIL.sub("…", line)
    return _PHONE.sub("…", line)[:200]


def auth_error(result: Mapping[str, Any], account: str) -> AuthFailed | Transient:
    """An msal error dict as our error, with advice when the AADSTS code is a known one."""
    error = str(result.get("error", "unknown_error"))
    description = str(result.get("error_description", ""))
    code = description.split(":", 1)[0].strip() if description.startswith("AADSTS") else ""
    if error in TRANSIENT_ERRORS:
        return Transient(f"Entra ID is temporarily unavailable ({code or error})", account=account)
    advice = ADVICE.get(code)
    if advice is None:
        # the description of an unknown code may name the user it refused (a UPN): scrubbed
        first_line = scrubbed(description) if description else error
        return AuthFailed(f"Entra ID refused the token request: {first_line}", account=account)
    return AuthFailed(f"Entra ID refused the token request ({code}): {advice}", account=account)


class TokenSource(Protocol):
    def token(self, *, fresh: bool = False) -> str:
        """A bearer token; ``fresh`` drops the cached one (after Graph answered 401). Raises AuthFailed, Transient."""
        ...


def _calling_msal(account: str, what: Callable[[], Any]) -> Any:
    """Run an msal call, turning its exceptions into ours."""
    try:
        return what()
    except msal.exceptions.MsalServiceError as exc:
        raise Transient(f"the token endpoint failed: {type(exc).__name__}", account=account) from exc
    except requests.exceptions.SSLError as exc:
        # permanent: a certificate is not fixed by trying again
        raise certificate_rejected(exc, account=account) or Transient(
            f"the token endpoint could not be reached: {type(exc).__name__}", account=account
        ) from exc
    except requests.RequestException as exc:
        raise Transient(f"the token endpoint could not be reached: {type(exc).__name__}", account=account) from exc
    except ValueError as exc:
        # msal's wording when the authority's discovery fails, e.g. an unknown tenant
        raise AuthFailed(
            f"Entra ID refused the tenant ({scrubbed(str(exc))}): {ADVICE['AADSTS90002']}", account=account
        ) from exc


class AppTokens:
    """App-only tokens (client credentials) for one app registration."""

    def __init__(
        self,
        *,
        account: str,
        client_id: str,
        credential: str | dict[str, str],
        authority: str,
        scope: str,
        http: requests.Session,
    ) -> None:
        self.account = account
        self._client_id = client_id
        self._credential = credential
        self._authority = authority
        self._scopes = [scope]
        self._http = http
        self._app: msal.ConfidentialClientApplication | None = None

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            # built lazily: msal fetches the authority's metadata on construction
            self._app = _calling_msal(
                self.account,
                lambda: msal.ConfidentialClientApplication(
                    self._client_id,
                    client_credential=self._credential,
                    authority=self._authority,
                    instance_discovery=False,
                    http_client=self._http,
                ),
            )
        return self._app

    def token(self, *, fresh: bool = False) -> str:
        app = self._application()
        if fresh:
            # msal trusts its own expiry time; Graph said the token is no good, so forget it
            for entry in list(app.token_cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
                app.token_cache.remove_at(entry)
        result = _calling_msal(self.account, lambda: app.acquire_token_for_client(scopes=self._scopes))
        if not isinstance(result, dict) or "access_token" not in result:
            raise auth_error(result or {}, self.account)
        return str(result["access_token"])


def delegated_scopes(resource: str) -> list[str]:
    """``.default``: the token carries every delegated permission the app registration was granted (Contacts.ReadWrite,
    and MailboxSettings.Read/ReadWrite for category colours when the admin added them), so adding colours later
    needs no new sign-in."""
    return [f"{resource}/.default"]


def load_cache(path: Path) -> msal.SerializableTokenCache:
    cache = msal.SerializableTokenCache()
    with contextlib.suppress(FileNotFoundError):
        cache.deserialize(path.read_text(encoding="utf-8"))
    return cache


def save_cache(path: Path, cache: msal.SerializableTokenCache) -> None:
    """Write the token cache atomically, readable by its owner only (it holds a refresh token)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(cache.serialize())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class DelegatedTokens:
    """Tokens for one signed-in user, refreshed silently from the cache that :func:`run_device_flow` filled."""

    def __init__(
        self, *, account: str, client_id: str, authority: str, resource: str, cache_file: Path, http: requests.Session
    ) -> None:
        self.account = account
        self._client_id = client_id
        self._authority = authority
        self._scopes = delegated_scopes(resource)
        self._cache_file = cache_file
        self._http = http
        self._cache = load_cache(cache_file)
        self._app: msal.PublicClientApplication | None = None

    def _application(self) -> msal.PublicClientApplication:
        if self._app is None:
            self._app = _calling_msal(
                self.account,
                lambda: msal.PublicClientApplication(
                    self._client_id,
                    authority=self._authority,
                    instance_discovery=False,
                    http_client=self._http,
                    token_cache=self._cache,
                ),
            )
        return self._app

    def token(self, *, fresh: bool = False) -> str:
        app = self._application()
        accounts = app.get_accounts()
        if not accounts:
            raise AuthFailed(
                f"no signed-in user in {self._cache_file}: run `contactsync auth outlook {self.account}` first",
                account=self.account,
            )
        result = _calling_msal(
            self.account,
            lambda: app.acquire_token_silent_with_error(self._scopes, account=accounts[0], force_refresh=fresh),
        )
        if self._cache.has_state_changed:
            save_cache(self._cache_file, self._cache)
        if not isinstance(result, dict) or "access_token" not in result:
            if not result:
                raise AuthFailed(
                    f"the saved sign-in cannot be refreshed: run `contactsync auth outlook {self.account}` again",
                    account=self.account,
                )
            raise auth_error(result, self.account)
        return str(result["access_token"])


def device_flow(
    *,
    account: str,
    client_id: str,
    authority: str,
    resource: str,
    cache_file: Path,
    http: requests.Session,
    prompt: Callable[[str], None] | None = None,
) -> None:
    """Sign one user in with the device code flow and keep the token cache in ``cache_file``."""
    cache = load_cache(cache_file)
    app: msal.PublicClientApplication = _calling_msal(
        account,
        lambda: msal.PublicClientApplication(
            client_id, authority=authority, instance_discovery=False, http_client=http, token_cache=cache
        ),
    )
    flow = _calling_msal(account, lambda: app.initiate_device_flow(scopes=delegated_scopes(resource)))
    if "user_code" not in flow:
        raise auth_error(flow, account)
    show = prompt or (lambda message: print(message, file=sys.stderr, flush=True))
    show(str(flow["message"]))
    result = _calling_msal(account, lambda: app.acquire_token_by_device_flow(flow))
    if "access_token" not in result:
        raise auth_error(result, account)
    save_cache(cache_file, cache)
