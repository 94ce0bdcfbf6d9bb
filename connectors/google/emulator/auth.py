"""Accounts and OAuth2: which user a bearer token acts for, and the ``/token`` endpoint google-auth calls.

Signatures are not verified: the emulator trusts any well-formed JWT whose issuer is a registered service
account, which is enough for google-auth's ``service_account.Credentials`` (domain-wide delegation, ``sub``
= the user impersonated) to obtain tokens from it through ``token_uri``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .control import Clock
from .errors import unauthenticated

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class AccessGrant:
    user: str
    expires: datetime | None  # None: issued by the control API, valid for the emulator's lifetime


@dataclass(frozen=True)
class TokenResponse:
    """What ``/token`` answers: an OAuth2 JSON body and its HTTP status."""

    status: int
    body: dict[str, Any]


def _oauth_error(error: str, description: str) -> TokenResponse:
    return TokenResponse(400, {"error": error, "error_description": description})


class Accounts:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._static_tokens: dict[str, str] = {}
        self._refresh_tokens: dict[str, str] = {}
        self._grants: dict[str, AccessGrant] = {}
        self._service_accounts: set[str] = set()

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

    def refresh_token_for(self, user: str) -> str:
        self.token_for(user)
        with self._lock:
            token = "1//emu-" + secrets.token_urlsafe(24)
            self._refresh_tokens[token] = user
            return token

    def add_service_account(self, client_email: str) -> None:
        with self._lock:
            self._service_accounts.add(client_email)

    def authenticate(self, authorization: str | None) -> str:
        """The user a request acts for; 401 UNAUTHENTICATED in Google's format otherwise."""
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
        return grant.user

    def token_endpoint(self, form: dict[str, str]) -> TokenResponse:
        grant_type = form.get("grant_type")
        if grant_type == JWT_BEARER_GRANT:
            return self._jwt_bearer(form.get("assertion", ""))
        if grant_type == "refresh_token":
            with self._lock:
                user = self._refresh_tokens.get(form.get("refresh_token", ""))
            if user is None:
                return _oauth_error("invalid_grant", "Token has been expired or revoked.")
            return self._issue(user)
        return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _jwt_bearer(self, assertion: str) -> TokenResponse:
        claims = _jwt_claims(assertion)
        if claims is None:
            return _oauth_error("invalid_grant", "Invalid JWT: the assertion is not a well-formed JWT.")
        issuer = claims.get("iss")
        with self._lock:
            known_issuer = issuer in self._service_accounts
            subject = claims.get("sub") or issuer
            known_subject = subject in self._static_tokens
        if not known_issuer:
            return _oauth_error("invalid_grant", "Invalid grant: account not found")
        if not known_subject:
            return _oauth_error("invalid_grant", "Invalid email or User ID")
        return self._issue(str(subject))

    def _issue(self, user: str) -> TokenResponse:
        token = "ya29.emu-" + secrets.token_urlsafe(32)
        with self._lock:
            self._grants[token] = AccessGrant(user, self._clock.now() + ACCESS_TOKEN_LIFETIME)
        body = {
            "access_token": token,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()) - 1,
            "token_type": "Bearer",
        }
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
