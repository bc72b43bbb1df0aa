"""One exception tree; every error a client sees is one of these, in OpenAI's error shape.

    HomeportError                 500 server_error
    ├── InvalidRequest            400 invalid_request_error  (param names the field)
    │   └── BodyTooLarge          413
    ├── AuthenticationFailed      401
    ├── PermissionDenied          403 permission_error
    ├── NotFound                  404
    │   └── ModelNotFound         404 model_not_found
    ├── MethodNotAllowed          405
    ├── RateLimited               429                    (retry_after: seconds, when known)
    │   ├── QueueFull             429 queue_full        (retriable: next candidate)
    │   └── BudgetExceeded        429 budget_exceeded
    ├── UpstreamRejected          upstream's 4xx status (not retriable)
    ├── UpstreamFailed            502 bad_gateway        (retriable)
    │   ├── UpstreamUnavailable   503                    (retriable)
    │   ├── UpstreamRateLimited   429                    (retriable)
    │   └── UpstreamTimeout       504                    (retriable)
    ├── NotReady                  503
    └── NoClearedProvider         503 no_cleared_provider (privacy: fails closed)

    ConfigError                   bad configuration; raised at start, never over HTTP

Third-party exceptions are converted where they are caught (`raise X(...) from exc`).
"""

from __future__ import annotations

from typing import Any


class HomeportError(Exception):
    status = 500
    type = "server_error"
    code: str | None = None
    recorded = False  # set once the request ledger has a record of this failure
    retry_after: float | None = None  # seconds; sent as the Retry-After header when set

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code
        if retry_after is not None:
            self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class InvalidRequest(HomeportError):
    status = 400
    type = "invalid_request_error"


class BodyTooLarge(InvalidRequest):
    status = 413
    code = "request_too_large"


class AuthenticationFailed(HomeportError):
    status = 401
    type = "authentication_error"
    code = "invalid_api_key"


class PermissionDenied(HomeportError):
    status = 403
    type = "permission_error"
    code = "permission_denied"


class NotFound(HomeportError):
    status = 404
    type = "invalid_request_error"
    code = "not_found"


class ModelNotFound(NotFound):
    code = "model_not_found"


class MethodNotAllowed(HomeportError):
    status = 405
    type = "invalid_request_error"
    code = "method_not_allowed"


class RateLimited(HomeportError):
    status = 429
    type = "rate_limit_error"
    code = "rate_limit_exceeded"


class QueueFull(RateLimited):
    code = "queue_full"


class BudgetExceeded(RateLimited):
    """A team's or key's budget is spent and its policy is to reject (not to route local)."""

    code = "budget_exceeded"


class UpstreamRejected(HomeportError):
    """The upstream refused the request itself (4xx): trying elsewhere would not help."""

    type = "invalid_request_error"

    def __init__(self, message: str, *, status: int, param: str | None = None,
                 code: str | None = None):
        super().__init__(message, param=param, code=code)
        self.status = status


class UpstreamFailed(HomeportError):
    """The upstream could not be reached or answered badly; fallbacks are tried."""

    status = 502
    type = "upstream_error"
    code = "bad_gateway"


class UpstreamUnavailable(UpstreamFailed):
    status = 503
    code = "upstream_unavailable"


class UpstreamRateLimited(UpstreamFailed):
    status = 429
    type = "rate_limit_error"
    code = "upstream_rate_limited"


class UpstreamTimeout(UpstreamFailed):
    status = 504
    code = "upstream_timeout"


class NotReady(HomeportError):
    status = 503
    type = "server_error"
    code = "not_ready"


class NoClearedProvider(HomeportError):
    """No provider cleared for the request's content could take it in time; none other gets it."""

    status = 503
    type = "server_error"
    code = "no_cleared_provider"


class NotCleared(HomeportError):
    """Content above the clearance of the one provider that could take it (a knowledge base's
    embedding model): nothing was sent."""

    status = 400
    type = "invalid_request_error"
    code = "not_cleared"


class AuditWriteFailed(HomeportError):
    """The audit record could not be made durable: the action it records must not happen."""

    status = 503
    code = "audit_unavailable"


class UnsupportedFormat(InvalidRequest):
    """A document format knowledge ingestion cannot read."""

    code = "unsupported_format"


class ConfigError(Exception):
    """Invalid configuration: the message names the field and what to do."""


RETRIABLE = (UpstreamFailed, QueueFull)
