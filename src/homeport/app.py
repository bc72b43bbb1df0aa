"""`create_app(settings)`: the ASGI application, with everything it needs built inside it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from homeport.api.admin_routes import routes as admin_routes
from homeport.api.anthropic_routes import endpoints as anthropic_endpoints
from homeport.api.asgi import ApiFront
from homeport.api.audit_routes import routes as audit_routes
from homeport.api.knowledge_routes import routes as knowledge_routes
from homeport.api.memory_routes import routes as memory_routes
from homeport.api.openai_routes import endpoints
from homeport.api.report_routes import routes as report_routes
from homeport.api.router_routes import endpoints as router_endpoints
from homeport.errors import HomeportError, PermissionDenied
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.web.pages import Web
from homeport.web.routes import routes as web_routes
from homeport.wire.http import Cors, error_response, json_response

log = logging.getLogger(__name__)


def create_app(settings: Settings, runtime: Runtime | None = None) -> ASGIApp:
    """The API (/v1, plain ASGI endpoints) in front of a Starlette app for everything else."""
    rt = runtime or Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await rt.start()
        try:
            yield
        finally:
            await rt.stop()

    app = Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics),
                *knowledge_routes(), *memory_routes(), *admin_routes(), *audit_routes(),
                *report_routes(), *(web_routes() if settings.web.enabled else [])],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: unexpected_error},
    )
    app.state.runtime = rt
    if settings.web.enabled:
        app.state.web = Web(rt)
    exact, prefixed = endpoints(rt)
    anthropic_exact, anthropic_prefixed = anthropic_endpoints(rt)
    front: ASGIApp = ApiFront(app, {**exact, **router_endpoints(rt), **anthropic_exact},
                              {**prefixed, **anthropic_prefixed},
                              passthrough=("/v1/knowledge", "/v1/memory", "/v1/admin",
                                           "/v1/audit", "/v1/reports"))
    if not settings.cors_origins:
        return front
    return Cors(front, allow_origins=settings.cors_origins,
                          allow_methods=["GET", "POST", "PATCH", "DELETE"],
                          allow_headers=["*"], expose_headers=CORS_EXPOSED, max_age=600)


# Browser apps send their key in a header (SDKs add their own x-stainless-* headers), never
# a cookie: no credentials mode. What they may read of a response:
CORS_EXPOSED = ["x-request-id", "x-homeport-route", "x-homeport-tier", "x-homeport-rule",
                "x-homeport-reason", "x-homeport-sensitivity", "x-homeport-attempts",
                "x-homeport-conversation", "retry-after"]


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


async def metrics(request: Request) -> Response:
    """Prometheus exposition (telemetry.metrics); an admin or auditor key when
    telemetry.metrics_auth is set."""
    rt: Runtime = request.app.state.runtime
    if rt.metrics is None:
        return json_response({"error": {"message": "Metrics are off (telemetry.metrics).",
                                        "type": "invalid_request_error", "param": None,
                                        "code": None}}, 404)
    if rt.settings.telemetry.metrics_auth:
        try:
            caller = await rt.keys.authenticate(request.headers.get("authorization"))
            if not caller.is_auditor:
                raise PermissionDenied("/metrics needs an admin or auditor key")
        except HomeportError as e:
            return error_response(e)
    body, content_type = rt.metrics.render()
    return Response(body, media_type=content_type)


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
