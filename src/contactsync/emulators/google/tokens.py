"""Opaque page and sync tokens.

A token carries the listing's position (change-sequence numbers) and a hash of the parameters of the call
that started the listing, so the server stays stateless and can reject a token used with other parameters.
The payload is encrypted with a per-emulator secret and authenticated: clients see random-looking text and
cannot forge or edit a token, which keeps them from depending on its contents (as with Google's).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from .errors import invalid_argument

_NONCE_BYTES = 12
_MAC_BYTES = 16


class TokenKind(enum.Enum):
    PAGE = "p"
    SYNC = "s"


class Listing(enum.Enum):
    CONNECTIONS = "c"
    GROUPS = "g"
    DIRECTORY = "d"  # people.listDirectoryPeople (workspace.py)


@dataclass(frozen=True)
class TokenState:
    """Where a listing stands.

    ``since`` is the change sequence a sync token was issued at (-1 for a full listing); ``cursor`` the
    last position returned; ``snapshot`` the change sequence at the listing's first page, which becomes the
    next sync token so changes made while paging are replayed rather than lost; ``generation`` lets the
    control API expire every earlier sync token at once; ``issued`` is the emulator clock (epoch seconds);
    ``chain_start`` is when the full sync that began this chain of tokens was asked for: Google's sync tokens
    "expire 7 days after the full sync" (people.connections.list reference), however recent the last token.
    """

    kind: TokenKind
    listing: Listing
    user: str
    params: str
    since: int
    cursor: int
    snapshot: int
    total: int
    generation: int
    issued: float
    chain_start: float
    request_sync_token: bool = False

    def issued_at(self) -> datetime:
        return datetime.fromtimestamp(self.issued, UTC)

    def chain_started_at(self) -> datetime:
        return datetime.fromtimestamp(self.chain_start, UTC)


def params_hash(*parts: object) -> str:
    """A short digest of the parameters a continuation must repeat."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class TokenCodec:
    """Seals ``TokenState`` into an opaque string and opens it again, refusing anything it did not seal."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def seal(self, state: TokenState) -> str:
        fields = asdict(state)
        fields["kind"] = state.kind.value
        fields["listing"] = state.listing.value
        plain = json.dumps(fields, separators=(",", ":")).encode()
        nonce = secrets.token_bytes(_NONCE_BYTES)
        cipher = bytes(a ^ b for a, b in zip(plain, self._keystream(nonce, len(plain)), strict=True))
        mac = hmac.new(self._secret, nonce + cipher, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(nonce + cipher + mac).decode().rstrip("=")

    def open(self, token: str, expected_kind: TokenKind, what: str) -> TokenState:
        """Decode a token or raise 400 INVALID_ARGUMENT, as Google does for garbage tokens."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            raise invalid_argument(f"{what} is invalid.") from None
        if len(raw) <= _NONCE_BYTES + _MAC_BYTES:
            raise invalid_argument(f"{what} is invalid.")
        nonce, cipher, mac = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_MAC_BYTES], raw[-_MAC_BYTES:]
        expected_mac = hmac.new(self._secret, nonce + cipher, hashlib.sha256).digest()[:_MAC_BYTES]
        if not hmac.compare_digest(mac, expected_mac):
            raise invalid_argument(f"{what} is invalid.")
        plain = bytes(a ^ b for a, b in zip(cipher, self._keystream(nonce, len(cipher)), strict=True))
        fields = json.loads(plain)
        fields["kind"] = TokenKind(fields["kind"])
        fields["listing"] = Listing(fields["listing"])
        state = TokenState(**fields)
        if state.kind is not expected_kind:
            raise invalid_argument(f"{what} is invalid.")
        return state

    def _keystream(self, nonce: bytes, length: int) -> bytes:
        blocks = []
        for counter in range(length // 32 + 1):
            blocks.append(hashlib.sha256(self._secret + nonce + counter.to_bytes(4, "big")).digest())
        return b"".join(blocks)[:length]
