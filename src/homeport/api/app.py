"""`create_app(settings)`: the ASGI application, with everything it needs built inside it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from homeport.api.openai_routes import json_response
from homeport.api.openai_routes import routes as openai_routes
from homeport.api.wire import new_id
from homeport.errors import HomeportError
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.telemetry.events import RequestRecord
from homeport.types import Caller

log = logging.getLogger(__name__)


def create_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    rt = runtime or Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await rt.start()
        try:
            yield
        finally:
            await rt.stop()

    app = Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz), *openai_routes],
        lifespan=lifespan,
        exception_handlers={HomeportError: homeport_error, HTTPException: http_error,
                            Exception: unexpected_error},
    )
    app.state.runtime = rt
    return app


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    rt: Runtime = request.app.state.runtime
    checks = rt.readiness()
    checks["database"] = checks["database"] and await asyncio.to_thread(rt.db.ping)
    ready = all(checks.values()) and rt.startup_error is None
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    if rt.startup_error:
        body["error"] = rt.startup_error
    return json_response(body, 200 if ready else 503)


_ENDPOINTS = {"/v1/chat/completions": "chat", "/v1/completions": "completions",
              "/v1/embeddings": "embeddings"}


async def homeport_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HomeportError)
    endpoint = _ENDPOINTS.get(request.url.path)
    if endpoint and not exc.recorded:  # failed before routing (auth, body): still recorded
        rt: Runtime = request.app.state.runtime
        caller: Caller | None = getattr(request.state, "caller", None)
        rt.ledger.submit(RequestRecord(
            id=new_id("req"), ts=time.time(), endpoint=endpoint, model_requested="",
            key_id=caller.key_id if caller else None, team=caller.team if caller else None,
            status=exc.status, error_type=type(exc).__name__).row())
    return json_response(exc.to_dict(), exc.status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Unknown path {request.method} {request.url.path}. The API is under /v1."
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return json_response({"error": {"message": message, "type": "invalid_request_error",
                                     "param": None, "code": None}}, exc.status_code,
                         headers=dict(exc.headers or {}))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return json_response(HomeportError("Internal error in Homeport; the server log has the "
                                       "details.").to_dict(), 500)
