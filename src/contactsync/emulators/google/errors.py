"""Errors in Google's JSON error format, raised inside the emulator and rendered by the HTTP layer.

Google answers every failure with ``{"error": {"code", "message", "status", "details"?}}``; clients match on
the HTTP status and, for the interesting cases, on ``details[].reason`` (an ``ErrorInfo``). ``ApiError``
carries exactly what is needed to render that body, so handlers raise it and never build error dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PEOPLE_DOMAIN = "people.googleapis.com"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


@dataclass(frozen=True)
class ErrorInfo:
    """The ``google.rpc.ErrorInfo`` detail that carries a machine-readable reason."""

    reason: str
    domain: str = PEOPLE_DOMAIN
    metadata: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"@type": ERROR_INFO_TYPE, "reason": self.reason, "domain": self.domain}
        if self.metadata:
            body["metadata"] = dict(self.metadata)
        return body


class ApiError(Exception):
    """A failure the emulator reports to the client as Google would."""

    def __init__(
        self,
        code: int,
        status: str,
        message: str,
        *,
        info: ErrorInfo | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.info = info
        self.headers = headers

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.info is not None:
            error["details"] = [self.info.to_json()]
        return {"error": error}

    def to_status(self) -> dict[str, Any]:
        """The ``google.rpc.Status`` form used inside batch responses (``PersonResponse.status``)."""
        return {"code": _GRPC_CODES.get(self.status, 2), "message": self.message}


# gRPC numeric codes, used where Google embeds a Status object rather than an HTTP error.
_GRPC_CODES = {
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "UNAUTHENTICATED": 16,
}


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def failed_precondition(message: str, reason: str | None = None) -> ApiError:
    info = ErrorInfo(reason) if reason else None
    return ApiError(400, "FAILED_PRECONDITION", message, info=info)


STALE_ETAG_MESSAGE = (
    "Request person.etag is different than the current person.etag. Clear local cache and get the latest person."
)
EXPIRED_SYNC_TOKEN_MESSAGE = "Sync token is expired. Clear local cache and retry call without the sync token."


def expired_sync_token() -> ApiError:
    return failed_precondition(EXPIRED_SYNC_TOKEN_MESSAGE, reason="EXPIRED_SYNC_TOKEN")


def unauthenticated(reason: str) -> ApiError:
    return ApiError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
        "other valid authentication credential. "
        "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        info=ErrorInfo(reason, domain="googleapis.com", metadata={"service": PEOPLE_DOMAIN}),
        headers=(("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"'),),
    )


_SERVER_ERRORS = {
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad Gateway"),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out. Please try again."),
}


def server_error(code: int) -> ApiError:
    status, message = _SERVER_ERRORS.get(code, ("UNKNOWN", "Unknown error."))
    return ApiError(code, status, message)
