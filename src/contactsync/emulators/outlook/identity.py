"""Entra ID as far as msal and Graph need it: tenants, app registrations, tokens, the device-code flow.

Access tokens are JWT-shaped (header.claims.signature, HMAC-signed with a per-emulator key) so a client that
peeks at ``exp`` or ``tid`` sees what it would see in a real token; clients must still treat them as opaque.
Errors carry the AADSTS codes of the real service, because connectors turn those codes into advice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import GraphError, IdentityError
from .permissions import DELEGATED_ONLY

GRAPH_RESOURCE = "https://graph.microsoft.com"
CLIENT_CREDENTIALS = "client_credentials"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_TOKEN_GRANT = "refresh_token"
JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Scopes msal adds to every delegated request; they grant nothing on Graph.
OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
DEVICE_CODE_LIFETIME = timedelta(minutes=15)
# One second keeps device-flow tests fast; the real service says 5.
DEVICE_CODE_INTERVAL = 1


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_UNSIGNED_JWT_HEADER = b64url(b'{"typ":"JWT","alg":"none"}')


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str


@dataclass(frozen=True)
class AppRegistration:
    tenant_id: str
    client_id: str
    secret: str | None
    cert_thumbprint: str | None  # hex SHA-1 or SHA-256 of the certificate
    permissions: frozenset[str]
    secret_expired: bool


@dataclass(frozen=True)
class Principal:
    """Who a valid access token speaks for: an app alone, or an app acting for one user (delegated)."""

    tenant_id: str
    client_id: str
    user_id: str | None
    permissions: frozenset[str]

    @property
    def delegated(self) -> bool:
        return self.user_id is not None


@dataclass
class DeviceCode:
    tenant_id: str
    client_id: str
    scopes: tuple[str, ...]
    user_code: str
    expires_at: datetime
    user_id: str | None = None


@dataclass
class Directory:
    """Tenants, apps and issued grants. Thread-safe on its own lock."""

    now: Callable[[], datetime]
    token_ttl: timedelta
    user_lookup: Callable[[str, str], tuple[str, str] | None]  # (tenant id, user) -> (user id, upn)
    tenants: dict[str, Tenant] = field(default_factory=dict)  # by lower-case name and by id
    apps: dict[tuple[str, str], AppRegistration] = field(default_factory=dict)
    device_codes: dict[str, DeviceCode] = field(default_factory=dict)  # by device_code
    refresh_tokens: dict[str, tuple[str, str, str, tuple[str, ...]]] = field(default_factory=dict)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ----- registration
    def add_tenant(self, name: str) -> Tenant:
        with self._lock:
            existing = self.tenants.get(name.lower())
            if existing:
                return existing
            tenant = Tenant(str(uuid.uuid5(uuid.NAMESPACE_DNS, name.lower())), name)
            self.tenants[name.lower()] = tenant
            self.tenants[tenant.id] = tenant
            return tenant

    def add_app(self, app: AppRegistration) -> None:
        with self._lock:
            self.apps[(app.tenant_id, app.client_id.lower())] = app

    def tenant(self, segment: str) -> Tenant:
        tenant = self.tenants.get(segment.lower())
        if tenant is None:
            raise IdentityError(
                400,
                "invalid_request",
                90002,
                f"Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are "
                "signing into the correct cloud. Check with your subscription administrator, this may happen "
                "if there are no active subscriptions for the tenant.",
            )
        return tenant

    # ----- discovery
    def openid_configuration(self, segment: str, base_url: str) -> dict[str, Any]:
        tenant = self.tenant(segment)
        root = f"{base_url}/{tenant.id}"
        return {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base_url}/{tenant.id}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{base_url}/oidc/userinfo",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "tid",
                "oid",
                "preferred_username",
            ],
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
        }

    # ----- token endpoint
    def token(self, segment: str, form: Mapping[str, str], base_url: str) -> dict[str, Any]:
        tenant = self.tenant(segment)
        grant_type = form.get("grant_type", "")
        if grant_type == CLIENT_CREDENTIALS:
            return self._client_credentials(tenant, form, base_url)
        if grant_type == DEVICE_CODE_GRANT:
            return self._redeem_device_code(tenant, form, base_url)
        if grant_type == REFRESH_TOKEN_GRANT:
            return self._refresh(tenant, form, base_url)
        raise IdentityError(
            400,
            "unsupported_grant_type",
            70003,
            f"The app requested an unsupported grant type '{grant_type}'.",
        )

    def _app(self, tenant: Tenant, client_id: str) -> AppRegistration:
        app = self.apps.get((tenant.id, client_id.lower()))
        if app is None:
            raise IdentityError(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{tenant.name}'. "
                "This can happen if the application has not been installed by the administrator of the "
                "tenant or consented to by any user in the tenant. You may have sent your authentication "
                "request to the wrong tenant.",
            )
        return app

    def _client_credentials(self, tenant: Tenant, form: Mapping[str, str], base_url: str) -> dict[str, Any]:
        client_id = form.get("client_id", "")
        if not client_id and form.get("client_assertion"):
            client_id = _assertion_claims(form["client_assertion"]).get("sub", "")
        app = self._app(tenant, client_id)
        if "client_secret" in form:
            self._check_secret(app, form["client_secret"])
        elif "client_assertion" in form:
            self._check_assertion(app, form, f"{base_url}/{tenant.id}/oauth2/v2.0/token")
        else:
            raise IdentityError(
                401,
                "invalid_client",
                7000218,
                ("The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
            )
        scopes = form.get("scope", "").split()
        if scopes != [f"{GRAPH_RESOURCE}/.default"]:
            raise IdentityError(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {' '.join(scopes)} is not valid. Client credential flows must "
                "have a scope value with /.default suffixed to the resource identifier (application ID URI).",
            )
        # the token's roles are the app's consented application permissions (a delegated-only one is no role)
        roles = app.permissions - DELEGATED_ONLY
        self._check_consent(app, roles)
        access_token = self._issue(tenant.id, app, None, roles, delegated=False)
        seconds = int(self.token_ttl.total_seconds())
        return {
            "token_type": "Bearer",
            "expires_in": seconds,
            "ext_expires_in": seconds,
            "access_token": access_token,
        }

    @staticmethod
    def _check_secret(app: AppRegistration, secret: str) -> None:
        if app.secret is None or not hmac.compare_digest(app.secret.encode(), secret.encode()):
            raise IdentityError(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                f"secret value, not the client secret ID, for a secret added to app '{app.client_id}'.",
            )
        if app.secret_expired:
            raise IdentityError(
                401,
                "invalid_client",
                7000222,
                f"The provided client secret keys for app '{app.client_id}' are expired.",
            )

    def _check_assertion(self, app: AppRegistration, form: Mapping[str, str], audience: str) -> None:
        if form.get("client_assertion_type") != JWT_BEARER_ASSERTION:
            raise IdentityError(400, "invalid_request", 90014, "The required field 'client_assertion_type' is missing.")
        assertion = form["client_assertion"]
        header, claims = _assertion_header(assertion), _assertion_claims(assertion)
        if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
            raise IdentityError(
                401,
                "invalid_client",
                700021,
                "Client assertion application identifier doesn't match 'client_id'.",
            )
        audiences = claims.get("aud")
        audiences = audiences if isinstance(audiences, list) else [audiences]
        if audience.lower() not in {str(a).lower() for a in audiences}:
            raise IdentityError(
                401,
                "invalid_client",
                700022,
                f"The audience claim of the client assertion must be '{audience}'.",
            )
        now = self.now().timestamp()
        if not (float(claims.get("nbf", 0)) - 300 <= now <= float(claims.get("exp", 0)) + 300):
            raise IdentityError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.")
        thumbprint = _header_thumbprint(header)
        registered = (app.cert_thumbprint or "").replace(":", "").lower()
        if not registered or thumbprint != registered:
            raise IdentityError(
                401,
                "invalid_client",
                700027,
                f"The certificate with identifier used to sign the client assertion is not registered on "
                f"application. [Reason - The key was not found., Thumbprint of key used by client: "
                f"'{thumbprint.upper()}']",
            )
        _verify_signature_if_certificate_sent(assertion, header, registered)

    def _check_consent(self, app: AppRegistration, granted: frozenset[str]) -> None:
        if not granted - DELEGATED_ONLY:
            raise IdentityError(
                400,
                "invalid_grant",
                65001,
                f"The user or administrator has not consented to use the application with ID "
                f"'{app.client_id}'. Send an interactive authorization request for this user and resource.",
            )

    def _issue(
        self,
        tenant_id: str,
        app: AppRegistration,
        user_id: str | None,
        permissions: frozenset[str],
        *,
        delegated: bool,
    ) -> str:
        issued = int(self.now().timestamp())
        claims: dict[str, Any] = {
            "aud": GRAPH_RESOURCE,
            "iss": f"https://sts.windows.net/{tenant_id}/",
            "iat": issued,
            "nbf": issued,
            "exp": issued + int(self.token_ttl.total_seconds()),
            "tid": tenant_id,
            "appid": app.client_id,
            "jti": secrets.token_hex(8),
        }
        if delegated:
            claims["scp"] = " ".join(sorted(permissions))
            claims["oid"] = user_id
        else:
            claims["roles"] = sorted(permissions)
        header = b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        payload = b64url(json.dumps(claims).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(signature)}"

    # ----- device code
    def device_code(self, segment: str, form: Mapping[str, str], base_url: str) -> dict[str, Any]:
        tenant = self.tenant(segment)
        app = self._app(tenant, form.get("client_id", ""))
        scopes = tuple(form.get("scope", "").split())
        device_code = secrets.token_urlsafe(32)
        user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
        with self._lock:
            self.device_codes[device_code] = DeviceCode(
                tenant.id, app.client_id, scopes, user_code, self.now() + DEVICE_CODE_LIFETIME
            )
        verification_uri = f"{base_url}/devicelogin"
        return {
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": int(DEVICE_CODE_LIFETIME.total_seconds()),
            "interval": DEVICE_CODE_INTERVAL,
            "message": f"To sign in, use a web browser to open the page {verification_uri} and enter the "
            f"code {user_code} to authenticate.",
        }

    def approve_device_code(self, user_code: str, user: str) -> None:
        with self._lock:
            pending = [d for d in self.device_codes.values() if d.user_code == user_code.upper()]
            if not pending:
                raise KeyError(f"no pending device code {user_code!r}")
            found = self.user_lookup(pending[0].tenant_id, user)
            if found is None:
                raise KeyError(f"{user!r} is not a mailbox of the tenant that asked for {user_code!r}")
            pending[0].user_id = found[0]

    def _redeem_device_code(self, tenant: Tenant, form: Mapping[str, str], base_url: str) -> dict[str, Any]:
        with self._lock:
            pending = self.device_codes.get(form.get("device_code", ""))
        if pending is None or pending.tenant_id != tenant.id:
            raise IdentityError(400, "invalid_grant", 70000, "The provided value for the 'device_code' is not valid.")
        if pending.expires_at <= self.now():
            raise IdentityError(400, "expired_token", 70020, "The provided value for the input parameter "
                                "'device_code' is not valid. This device code has expired.")  # fmt: skip
        if pending.user_id is None:
            raise IdentityError(
                400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. "
                "Continue polling."
            )  # fmt: skip
        with self._lock:
            self.device_codes.pop(form.get("device_code", ""), None)
        return self._delegated_response(tenant, pending.client_id, pending.user_id, pending.scopes, base_url)

    def _refresh(self, tenant: Tenant, form: Mapping[str, str], base_url: str) -> dict[str, Any]:
        with self._lock:
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
        if grant is None or grant[0] != tenant.id:
            raise IdentityError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
        _, client_id, user_id, scopes = grant
        return self._delegated_response(tenant, client_id, user_id, scopes, base_url)

    def _delegated_response(
        self, tenant: Tenant, client_id: str, user_id: str, scopes: tuple[str, ...], base_url: str
    ) -> dict[str, Any]:
        app = self._app(tenant, client_id)
        requested = {s.rsplit("/", 1)[-1] for s in scopes if s not in OIDC_SCOPES}
        requested.discard(".default")
        granted = frozenset(requested & app.permissions) if requested else app.permissions
        if requested - app.permissions - {"User.Read"}:
            granted = frozenset()
        self._check_consent(app, granted)
        found = self.user_lookup(tenant.id, user_id)
        upn = found[1] if found else user_id
        access_token = self._issue(tenant.id, app, user_id, granted, delegated=True)
        refresh_token = secrets.token_urlsafe(48)
        with self._lock:
            self.refresh_tokens[refresh_token] = (tenant.id, client_id, user_id, scopes)
        issued = int(self.now().timestamp())
        id_claims = {
            "aud": client_id,
            "iss": f"{base_url}/{tenant.id}/v2.0",
            "iat": issued,
            "nbf": issued,
            "exp": issued + 3600,
            "oid": user_id,
            "sub": user_id,
            "tid": tenant.id,
            "preferred_username": upn,
            "name": upn,
            "ver": "2.0",
        }
        # Unsigned on purpose: msal only decodes the ID token's claims, it never verifies it.
        id_token = f"{_UNSIGNED_JWT_HEADER}.{b64url(json.dumps(id_claims).encode())}."
        seconds = int(self.token_ttl.total_seconds())
        return {
            "token_type": "Bearer",
            "scope": " ".join(sorted(granted)),
            "expires_in": seconds,
            "ext_expires_in": seconds,
            "access_token": access_token,
            "refresh_token": refresh_token,
            "id_token": id_token,
            "client_info": b64url(json.dumps({"uid": user_id, "utid": tenant.id}).encode()),
        }

    # ----- Graph side
    def principal(self, authorization: str | None) -> Principal:
        """Who sent ``Authorization: Bearer …``; GraphError 401 when the token is not valid now."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise _unauthenticated("Access token is empty.")
        token = authorization[7:].strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise _unauthenticated("IDX14100: JWT is not well formed, there are no dots (.).")
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            signature_ok = hmac.compare_digest(expected, b64url_decode(parts[2]))
            claims = json.loads(b64url_decode(parts[1]))
        except (ValueError, binascii.Error) as exc:
            raise _unauthenticated("Access token validation failure.") from exc
        if not signature_ok:
            raise _unauthenticated("Access token validation failure. Invalid signature.")
        if claims["exp"] <= self.now().timestamp():
            raise _unauthenticated("Lifetime validation failed, the token is expired.")
        delegated = "scp" in claims
        permissions = frozenset(claims["scp"].split()) if delegated else frozenset(claims["roles"])
        return Principal(claims["tid"], claims["appid"], claims.get("oid") if delegated else None, permissions)


def _unauthenticated(message: str) -> GraphError:
    return GraphError(
        401,
        "InvalidAuthenticationToken",
        message,
        headers={"WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/'
                 'common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'},
    )  # fmt: skip


def _assertion_part(assertion: str, index: int) -> dict[str, Any]:
    try:
        part = json.loads(b64url_decode(assertion.split(".")[index]))
    except (ValueError, IndexError, binascii.Error) as exc:
        raise IdentityError(401, "invalid_client", 50027, "JWT token is invalid or malformed.") from exc
    if not isinstance(part, dict):
        raise IdentityError(401, "invalid_client", 50027, "JWT token is invalid or malformed.")
    return part


def _assertion_header(assertion: str) -> dict[str, Any]:
    return _assertion_part(assertion, 0)


def _assertion_claims(assertion: str) -> dict[str, Any]:
    return _assertion_part(assertion, 1)


def _header_thumbprint(header: Mapping[str, Any]) -> str:
    """The hex thumbprint named in a client assertion's header (msal sends x5t#S256, or x5t for SHA-1)."""
    for name in ("x5t#S256", "x5t"):
        value = header.get(name)
        if isinstance(value, str):
            try:
                return b64url_decode(value).hex()
            except (ValueError, binascii.Error):
                break
    raise IdentityError(401, "invalid_client", 700027, "Client assertion contains no certificate thumbprint.")


def _verify_signature_if_certificate_sent(assertion: str, header: Mapping[str, Any], thumbprint: str) -> None:
    """When msal sent the certificate (x5c), check it is the registered one and that it signed the assertion.

    Without x5c the emulator only knows the thumbprint, not the public key, so the signature goes unchecked.
    """
    chain = header.get("x5c")
    if not chain:
        return
    first = chain[0] if isinstance(chain, list) else chain
    bad = IdentityError(401, "invalid_client", 700027, "Client assertion contains an invalid signature.")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(first))
    except ValueError as exc:
        raise bad from exc
    digests = {certificate.fingerprint(hashes.SHA256()).hex(), certificate.fingerprint(hashes.SHA1()).hex()}
    public_key = certificate.public_key()
    if thumbprint not in digests or not isinstance(public_key, rsa.RSAPublicKey):
        raise bad
    signed, _, signature = assertion.rpartition(".")
    scheme: padding.AsymmetricPadding = (
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
        if header.get("alg") == "PS256"
        else padding.PKCS1v15()
    )
    try:
        public_key.verify(b64url_decode(signature), signed.encode(), scheme, hashes.SHA256())
    except (InvalidSignature, ValueError, binascii.Error) as exc:
        raise bad from exc
