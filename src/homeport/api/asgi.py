"""The /v1 hot path as plain ASGI: a table of endpoints in front of the Starlette app.

Each proxied request costs the gateway CPU twice (serve the client, call the upstream), so the
API routes skip Starlette's routing and middleware layers (bench/gateway measured them at
~10% of the gateway's CPU). Everything else (health, lifespan, later the web UI) is Starlette.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from homeport.api.wire import new_id
from homeport.errors import (
    BodyTooLarge,
    HomeportError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
)
from homeport.runtime import Runtime
from homeport.telemetry.events import RequestRecord
from homeport.types import Caller

log = logging.getLogger(__name__)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers,
                    media_type="application/json")


class HttpRequest:
    """What an endpoint needs of a request: headers, the body, `receive` for disconnects."""

    __slots__ = ("caller", "headers", "path", "receive")

    def __init__(self, scope: Scope, receive: Receive):
        self.receive = receive
        self.path: str = scope["path"]
        self.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.caller: Caller | None = None  # set once authenticated

    async def body(self, limit: int) -> bytes:
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(limit)
        parts: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise InvalidRequest("The client disconnected before sending the whole body.")
            part = message.get("body", b"")
            size += len(part)
            if size > limit:
                raise too_large(limit)
            parts.append(part)
            if not message.get("more_body", False):
                return b"".join(parts)


def too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(f"Request body too large: the limit is {limit} bytes "
                        "(setting max_body_bytes).")


Handler = Callable[[Runtime, HttpRequest], Awaitable[ASGIApp]]


class Endpoint:
    """One API route: runs the handler, turns errors into OpenAI-shaped responses, and records
    requests that fail before the gateway saw them (auth, body) in the ledger."""

    def __init__(self, rt: Runtime, handler: Handler, method: str, ledger_name: str | None):
        self.rt = rt
        self.handler = handler
        self.method = method
        self.ledger_name = ledger_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = HttpRequest(scope, receive)
        if scope["method"] != self.method:
            response: ASGIApp = error_response(MethodNotAllowed(
                f"Method {scope['method']} is not allowed on {scope['path']}; use "
                f"{self.method}."))
        else:
            try:
                response = await self.handler(self.rt, request)
            except HomeportError as e:
                self._record_failure(request, e)
                response = error_response(e)
            except Exception as e:
                log.error("unhandled error on %s", scope["path"], exc_info=e)
                internal = HomeportError("Internal error in Homeport; the server log has the "
                                         "details.")
                self._record_failure(request, internal)
                response = error_response(internal)
        await response(scope, receive, send)

    def _record_failure(self, request: HttpRequest, e: HomeportError) -> None:
        if self.ledger_name is None or e.recorded:
            return
        c = request.caller
        self.rt.gateway.record(RequestRecord(
            id=new_id("req"), ts=time.time(), endpoint=self.ledger_name, model_requested="",
            key_id=c.key_id if c else None, team=c.team if c else None, status=e.status,
            error_type=type(e).__name__))


RouteHandler = Callable[[Runtime, Caller, Request], Awaitable[Response]]


def authenticated(handler: RouteHandler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint (routes beside the hot path) that authenticates the caller and
    answers errors in the OpenAI shape."""

    async def endpoint(request: Request) -> Response:
        rt: Runtime = request.app.state.runtime
        try:
            caller = await rt.keys.authenticate(request.headers.get("authorization"))
            if caller.reads_only and not request.url.path.startswith(AUDITOR_PATHS):
                raise auditor_only()
            return await handler(rt, caller, request)
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


def error_response(e: HomeportError) -> Response:
    headers = None if e.retry_after is None else {"retry-after": str(max(1, round(e.retry_after)))}
    return json_response(e.to_dict(), e.status, headers)


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
