"""The /v1 hot path as plain ASGI: a table of endpoints in front of the Starlette app.

Each proxied request costs the gateway CPU twice (serve the client, call the upstream), so the
API routes skip Starlette's routing and middleware layers (bench/gateway measured them at
~10% of the gateway's CPU). Everything else (health, lifespan, later the web UI) is Starlette.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from homeport.errors import (
    HomeportError,
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
)
from homeport.runtime import Runtime
from homeport.types import Caller
from homeport.wire.http import HttpRequest, bounded, error_response

log = logging.getLogger(__name__)


Handler = Callable[[Runtime, HttpRequest], Awaitable[ASGIApp]]


ANY_METHOD = "*"


class Endpoint:
    """One API route: runs the handler, turns errors into responses in its API's shape
    (`errors`: OpenAI's by default), and records requests that fail before the gateway saw them
    (auth, body) in the ledger."""

    def __init__(self, rt: Runtime, handler: Handler, method: str, ledger_name: str | None,
                 errors: Callable[[HomeportError], Response] = error_response):
        self.rt = rt
        self.handler = handler
        self.method = method
        self.ledger_name = ledger_name
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = HttpRequest(scope, receive)
        if self.method != ANY_METHOD and scope["method"] != self.method:
            response: ASGIApp = self.errors(MethodNotAllowed(
                f"Method {scope['method']} is not allowed on {scope['path']}; use "
                f"{self.method}."))
        else:
            try:
                response = await self.handler(self.rt, request)
            except HomeportError as e:
                self._record_failure(request, e)
                response = self.errors(e)
            except Exception as e:
                log.error("unhandled error on %s", scope["path"], exc_info=e)
                internal = HomeportError("Internal error in Homeport; the server log has the "
                                         "details.")
                self._record_failure(request, internal)
                response = self.errors(internal)
        await response(scope, receive, send)

    def _record_failure(self, request: HttpRequest, e: HomeportError) -> None:
        if self.ledger_name is None or e.recorded:
            return
        self.rt.gateway.record_failure(self.ledger_name, request.caller, e.status,
                                       type(e).__name__)


RouteHandler = Callable[[Runtime, Caller, Request], Awaitable[Response]]


def authenticated(handler: RouteHandler,
                  upload: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint (routes beside the hot path) that authenticates the caller, reads
    the body within its limit (`upload`: a multipart document upload's) and answers errors in
    the OpenAI shape."""

    async def endpoint(request: Request) -> Response:
        rt: Runtime = request.app.state.runtime
        try:
            caller = await rt.keys.authenticate(request.headers.get("authorization"))
            if caller.reads_only and not request.url.path.startswith(AUDITOR_PATHS):
                raise auditor_only()
            return await handler(rt, caller, bounded(request, rt.settings, upload))
        except HomeportError as e:
            return error_response(e)

    return endpoint


AUDITOR_PATHS = ("/v1/audit", "/v1/reports")


def auditor_only() -> PermissionDenied:
    return PermissionDenied("auditor keys read the audit log and reports only "
                            f"({', '.join(AUDITOR_PATHS)}); use a member key for this")


async def authenticate(rt: Runtime, authorization: str | None) -> Caller:
    """The caller of a /v1 endpoint that does work (not an auditor-only key), or raise."""
    caller = await rt.keys.authenticate(authorization)
    if caller.reads_only:
        raise auditor_only()
    return caller


class ApiFront:
    """Routes /v1 paths to Endpoints (exact paths, or a prefix for `/v1/models/{id}`); hands
    everything else, lifespan included, to the Starlette app behind it."""

    def __init__(self, fallback: ASGIApp, exact: dict[str, Endpoint],
                 prefixed: dict[str, Endpoint], passthrough: tuple[str, ...] = ()):
        self.fallback = fallback
        self.exact = exact
        self.prefixed = prefixed
        self.passthrough = passthrough  # /v1 paths the Starlette app routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            endpoint = self.exact.get(path)
            if endpoint is None:
                endpoint = next((e for p, e in self.prefixed.items() if path.startswith(p)), None)
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
            if path.startswith("/v1/") and not path.startswith(self.passthrough):
                await error_response(NotFound(f"Unknown path {scope['method']} {path}. See "
                                              "GET /v1/models for what this server offers."))(
                    scope, receive, send)
                return
        await self.fallback(scope, receive, send)
