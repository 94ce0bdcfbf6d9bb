"""Accounts and OAuth2: which user a bearer token acts for, the ``/token`` endpoint google-auth calls, and the
authorization endpoint of Google's OAuth 2.0 for installed apps.

Grants at ``/token``:

- ``urn:ietf:params:oauth:grant-type:jwt-bearer`` (service accounts). Signatures are not verified: the emulator
  trusts any well-formed JWT whose issuer is a registered service account, which is enough for google-auth's
  ``service_account.Credentials`` (domain-wide delegation, ``sub`` = the user impersonated).
- ``authorization_code``: the code the authorization endpoint gave, once, to the client it was issued to (its
  id and secret in the body or as HTTP Basic), with the same ``redirect_uri`` and, when the authorization
  request carried a PKCE ``code_challenge``, the matching ``code_verifier``. Answers an access token and a
  refresh token bound to that client.
- ``refresh_token``: a refresh token from a consent (the client must be the one it was issued to) or from the
  control API's ``refresh_token_for`` (any client).

The authorization endpoint (``GET /o/oauth2/auth``, also ``/o/oauth2/v2/auth``) plays the browser step: the
user the test signed in (``PeopleEmulator.consent``) allows or denies, and the answer is a redirect to the
client's loopback ``redirect_uri`` with ``code`` (or ``error=access_denied``) and ``state``. As with Google, an
unknown client or a redirect URI that is not loopback is an error page, never a redirect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from .control import Clock
from .errors import unauthenticated

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
#: Google's authorization codes are short-lived; ten minutes of the emulator's clock
CODE_LIFETIME = timedelta(minutes=10)
AUTHORIZATION_PATHS = frozenset({"/o/oauth2/auth", "/o/oauth2/v2/auth"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


#: what the README tells the admin to grant, and what tokens from the control API carry
CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts"


@dataclass(frozen=True)
class AccessGrant:
    user: str
    expires: datetime | None  # None: issued by the control API, valid for the emulator's lifetime
    scopes: frozenset[str] = frozenset({CONTACTS_SCOPE})


@dataclass(frozen=True)
class TokenResponse:
    """What ``/token`` answers: an OAuth2 JSON body and its HTTP status."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class AuthorizeResponse:
    """What the authorization endpoint answers: a redirect to the client, or an error page (no redirect)."""

    status: int
    location: str | None = None
    page: str = ""


@dataclass(frozen=True)
class _Code:
    user: str
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str
    expires: datetime


@dataclass(frozen=True)
class _Refresh:
    user: str
    client_id: str | None  # None: issued by the control API, accepted from any client
    scope: str


def _oauth_error(error: str, description: str, status: int = 400) -> TokenResponse:
    return TokenResponse(status, {"error": error, "error_description": description})


def _error_page(status: int, error: str, detail: str) -> AuthorizeResponse:
    return AuthorizeResponse(status, page=f"Access blocked: Error {status}: {error}\n\n{detail}\n")


def _is_loopback(uri: str) -> bool:
    """Installed apps redirect to ``http://127.0.0.1:PORT/…``, ``http://[::1]:PORT/…`` or localhost."""
    try:
        split = urlsplit(uri)
        split.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    return split.scheme == "http" and split.hostname in LOOPBACK_HOSTS and not split.fragment


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


class Accounts:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._static_tokens: dict[str, str] = {}
        self._refresh_tokens: dict[str, _Refresh] = {}
        self._grants: dict[str, AccessGrant] = {}
        #: service account → the scopes the Admin console's domain-wide delegation grants its client ID
        self._service_accounts: dict[str, frozenset[str]] = {}
        self._clients: dict[str, str] = {}  # OAuth client id → secret
        self._codes: dict[str, _Code] = {}
        self._used_codes: set[str] = set()
        self._consenting: str | None = None
        self._approves = True

    @property
    def users(self) -> list[str]:
        with self._lock:
            return list(self._static_tokens)

    def add_user(self, user: str) -> str:
        with self._lock:
            if user not in self._static_tokens:
                token = "ya29.emu-" + secrets.token_urlsafe(24)
                self._static_tokens[user] = token
                self._grants[token] = AccessGrant(user, None)
            return self._static_tokens[user]

    def token_for(self, user: str) -> str:
        with self._lock:
            try:
                return self._static_tokens[user]
            except KeyError:
                raise KeyError(f"unknown user {user!r}: call add_user first") from None

    def refresh_token_for(self, user: str, scopes: tuple[str, ...] = (CONTACTS_SCOPE,)) -> str:
        self.token_for(user)
        with self._lock:
            token = "1//emu-" + secrets.token_urlsafe(24)
            self._refresh_tokens[token] = _Refresh(user, None, " ".join(scopes))
            return token

    def add_oauth_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self._clients[client_id] = client_secret

    def consent(self, user: str | None, approve: bool) -> None:
        with self._lock:
            if user is not None and user not in self._static_tokens:
                raise KeyError(f"unknown user {user!r}: call add_user first")
            self._consenting, self._approves = user, approve

    def authorize(self, query: dict[str, str]) -> AuthorizeResponse:
        """The consent screen: checks the request as Google does, then redirects with a code or an error."""
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        with self._lock:
            known_client = client_id in self._clients
            user, approves = self._consenting, self._approves
        if not known_client:
            return _error_page(401, "invalid_client", "The OAuth client was not found.")
        if not _is_loopback(redirect_uri):
            return _error_page(
                400,
                "redirect_uri_mismatch",
                "An installed app's redirect_uri must be a loopback address (http://127.0.0.1:PORT).",
            )

        def back(**params: str) -> AuthorizeResponse:
            if "state" in query:
                params["state"] = query["state"]
            joiner = "&" if urlsplit(redirect_uri).query else "?"
            return AuthorizeResponse(302, location=redirect_uri + joiner + urlencode(params))

        if query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        scope = query.get("scope", "")
        if not scope.strip():
            return _error_page(400, "invalid_request", "Missing required parameter: scope")
        challenge = query.get("code_challenge")
        method = query.get("code_challenge_method", "plain" if challenge else "")
        if challenge is not None and (method not in {"S256", "plain"} or not 43 <= len(challenge) <= 128):
            return _error_page(400, "invalid_request", "Invalid code_challenge or code_challenge_method.")
        if method and challenge is None:
            return _error_page(400, "invalid_request", "Missing required parameter: code_challenge")
        if user is None:
            return AuthorizeResponse(200, page="Sign in - Google Accounts: choose an account to continue.\n")
        if not approves:
            return back(error="access_denied")
        code = "4/0Aemu" + secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _Code(
                user, client_id, redirect_uri, scope, challenge, method, self._clock.now() + CODE_LIFETIME
            )
        return back(code=code, scope=scope)

    def add_service_account(self, client_email: str, scopes: tuple[str, ...] = (CONTACTS_SCOPE,)) -> None:
        with self._lock:
            self._service_accounts[client_email] = frozenset(scopes)

    def authenticate(self, authorization: str | None) -> str:
        """The user a request acts for; 401 UNAUTHENTICATED in Google's format otherwise."""
        return self.grant_of(authorization).user

    def grant_of(self, authorization: str | None) -> AccessGrant:
        """The grant a request carries (its user and scopes); 401 UNAUTHENTICATED in Google's format otherwise."""
        if not authorization:
            raise unauthenticated("CREDENTIALS_MISSING")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("ACCESS_TOKEN_TYPE_UNSUPPORTED")
        with self._lock:
            grant = self._grants.get(token.strip())
        if grant is None:
            raise unauthenticated("ACCESS_TOKEN_INVALID")
        if grant.expires is not None and self._clock.now() >= grant.expires:
            raise unauthenticated("ACCESS_TOKEN_EXPIRED")
        return grant

    def token_endpoint(self, form: dict[str, str], authorization: str | None = None) -> TokenResponse:
        grant_type = form.get("grant_type")
        if grant_type == JWT_BEARER_GRANT:
            return self._jwt_bearer(form.get("assertion", ""))
        if grant_type == "authorization_code":
            return self._authorization_code(form, authorization)
        if grant_type == "refresh_token":
            with self._lock:
                grant = self._refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None:
                return _oauth_error("invalid_grant", "Token has been expired or revoked.")
            if grant.client_id is not None:
                refused = self._check_client(form, authorization, grant.client_id)
                if refused is not None:
                    return refused
            return self._issue(grant.user, scope=grant.scope)
        return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _client_of(self, form: dict[str, str], authorization: str | None) -> tuple[str, str | None]:
        """The client id and secret, from HTTP Basic (client_secret_basic) or the form (client_secret_post)."""
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return "", None
            return unquote_plus(client_id), unquote_plus(secret)
        return form.get("client_id", ""), form.get("client_secret")

    def _check_client(
        self, form: dict[str, str], authorization: str | None, expected: str | None = None
    ) -> TokenResponse | None:
        client_id, secret = self._client_of(form, authorization)
        with self._lock:
            known = self._clients.get(client_id)
        if known is None:
            return _oauth_error("invalid_client", "The OAuth client was not found.", 401)
        if secret is None or not hmac.compare_digest(known, secret):
            return _oauth_error("invalid_client", "Unauthorized", 401)
        if expected is not None and client_id != expected:
            return _oauth_error("unauthorized_client", "Unauthorized", 401)
        return None

    def _authorization_code(self, form: dict[str, str], authorization: str | None) -> TokenResponse:
        refused = self._check_client(form, authorization)
        if refused is not None:
            return refused
        client_id, _secret = self._client_of(form, authorization)
        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)
            reused = code in self._used_codes
            if grant is not None:
                self._used_codes.add(code)  # once only, whatever follows
        if grant is None:
            return _oauth_error("invalid_grant", "Bad Request" if reused else "Malformed auth code.")
        if self._clock.now() >= grant.expires:
            return _oauth_error("invalid_grant", "Bad Request")
        if grant.client_id != client_id:
            return _oauth_error("invalid_grant", "Bad Request")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error("redirect_uri_mismatch", "Bad Request")
        if grant.challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                return _oauth_error("invalid_grant", "Missing code verifier.")
            computed = _s256(verifier) if grant.method == "S256" else verifier
            if not hmac.compare_digest(computed, grant.challenge):
                return _oauth_error("invalid_grant", "Invalid code verifier.")
        refresh = "1//emu-" + secrets.token_urlsafe(32)
        with self._lock:
            self._refresh_tokens[refresh] = _Refresh(grant.user, client_id, grant.scope)
        answer = self._issue(grant.user, scope=grant.scope)
        return TokenResponse(answer.status, {**answer.body, "refresh_token": refresh})

    def _jwt_bearer(self, assertion: str) -> TokenResponse:
        claims = _jwt_claims(assertion)
        if claims is None:
            return _oauth_error("invalid_grant", "Invalid JWT: the assertion is not a well-formed JWT.")
        issuer = claims.get("iss")
        with self._lock:
            delegated = self._service_accounts.get(str(issuer))
            subject = claims.get("sub") or issuer
            known_subject = subject in self._static_tokens
        if delegated is None:
            return _oauth_error("invalid_grant", "Invalid grant: account not found")
        if not known_subject:
            return _oauth_error("invalid_grant", "Invalid email or User ID")
        requested = frozenset(str(claims.get("scope", "")).split())
        if not requested or not requested <= delegated:
            # what Google answers when the Admin console's domain-wide delegation lacks a requested scope
            return _oauth_error(
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not authorized for "
                "any of the scopes requested.",
                401,
            )
        return self._issue(str(subject), scope=" ".join(sorted(requested)))

    def _issue(self, user: str, scope: str = "") -> TokenResponse:
        token = "ya29.emu-" + secrets.token_urlsafe(32)
        with self._lock:
            self._grants[token] = AccessGrant(
                user, self._clock.now() + ACCESS_TOKEN_LIFETIME, frozenset(scope.split()) if scope else frozenset()
            )
        body: dict[str, Any] = {
            "access_token": token,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()) - 1,
            "token_type": "Bearer",
        }
        if scope:
            body["scope"] = scope
        return TokenResponse(200, body)


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    """The payload of a well-formed compact JWS (three base64url parts, JSON header and payload)."""
    parts = assertion.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict) or "alg" not in header:
        return None
    return claims


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
