"""What every HTTP provider shares: a tuned aiohttp session, error mapping and SSE reading."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson

from homeport.errors import (
    HomeportError,
    InvalidRequest,
    UpstreamFailed,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from homeport.providers.base import Provider
from homeport.providers.saturation import ServiceTime
from homeport.settings import _HttpProvider as HttpConfig
from homeport.types import Load


class HttpProvider(Provider):
    """Base for providers that talk HTTP: owns the session and the request/error handling."""

    def __init__(self, cfg: HttpConfig):
        super().__init__(cfg.name, tier=cfg.effective_tier(),
                         clearance=cfg.effective_clearance(), region=cfg.region)
        self.cfg = cfg
        self._session: aiohttp.ClientSession | None = None
        self.in_flight = 0  # Homeport's own open requests to this upstream
        self.service_time = ServiceTime()  # of requests the upstream answered

    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate with the upstream; each API has its own."""
        return {}

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.cfg.max_connections, ttl_dns_cache=300,
                                         keepalive_timeout=60)
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"content-type": "application/json", **self.cfg.headers,
                     **self.auth_headers()},
            timeout=aiohttp.ClientTimeout(total=self.cfg.timeout_s,
                                          sock_connect=self.cfg.connect_timeout_s,
                                          sock_read=self.cfg.read_timeout_s),
            json_serialize=lambda o: orjson.dumps(o).decode(),
            auto_decompress=True,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def load(self) -> Load:
        """Homeport's own requests; those beyond the connection pool wait for a connection."""
        pool = self.cfg.max_connections
        return Load(in_flight=min(self.in_flight, pool), queued=max(0, self.in_flight - pool),
                    avg_service_s=self.service_time.mean)

    @asynccontextmanager
    async def post(self, url: str, body: dict[str, Any],
                   headers: dict[str, str] | None = None) -> AsyncIterator[aiohttp.ClientResponse]:
        """POST JSON; yields a 2xx response, raises mapped errors for everything else.

        The upstream may stay silent at most `read_timeout_s`, before the response starts
        (then the next fallback is tried) and between streamed chunks. The request counts as
        in flight until its response is released, however it ends (cancelled, closed early);
        its duration feeds `avg_service_s` when the upstream answered it.
        """
        self.in_flight += 1
        started, answered = time.monotonic(), False
        try:
            async with self._post(url, body, headers) as resp:
                answered = True
                yield resp
        finally:
            self.in_flight -= 1
            if answered:
                self.service_time.add(time.monotonic() - started)

    @asynccontextmanager
    async def _post(self, url: str, body: dict[str, Any],
                    headers: dict[str, str] | None) -> AsyncIterator[aiohttp.ClientResponse]:
        if self._session is None:
            await self.start()
        assert self._session is not None
        try:
            resp = await self._session.post(url, data=orjson.dumps(body), headers=headers)
        except TimeoutError as e:  # aiohttp's connect and read timeouts are TimeoutErrors
            raise UpstreamTimeout(f"{self.name}: no response within "
                                  f"{self.cfg.read_timeout_s:g}s") from e
        except aiohttp.ClientError as e:
            raise UpstreamFailed(f"{self.name}: cannot reach {self.cfg.base_url}: {e}") from e
        try:
            if resp.status >= 400:
                raise await upstream_error(self.name, resp)
            yield resp
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as e:
            raise UpstreamFailed(f"{self.name}: connection lost mid-response: {e}") from e
        except TimeoutError as e:
            raise UpstreamTimeout(f"{self.name}: response timed out") from e
        finally:
            resp.release()

    async def post_json(self, url: str, body: dict[str, Any],
                        headers: dict[str, str] | None = None) -> Any:
        async with self.post(url, body, headers) as resp:
            raw = await resp.read()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            raise UpstreamFailed(f"{self.name}: the upstream answered with invalid JSON") from e


# Google reports a bad API key and an unsupported region as 400s.
_DEPLOYMENT_FAULTS = {"API_KEY_INVALID", "FAILED_PRECONDITION"}


async def upstream_error(name: str, resp: aiohttp.ClientResponse) -> HomeportError:
    """Map an upstream error response to our tree, keeping its message."""
    raw = await resp.read()
    message = raw.decode(errors="replace")[:500]
    param = code = None
    reasons: set[str] = set()
    try:
        body = orjson.loads(raw)
        err = body.get("error", body) if isinstance(body, dict) else {}
        if isinstance(err, dict):
            message = str(err.get("message") or message)
            param = err.get("param")
            # OpenAI: code; Google: status (its code is the HTTP number); Anthropic: type.
            code = next((c for c in (err.get("code"), err.get("status"), err.get("type"))
                         if isinstance(c, str)), None)
            reasons = {str(d.get("reason")) for d in err.get("details") or []
                       if isinstance(d, dict)} | {str(code)}
    except orjson.JSONDecodeError:
        pass
    text = f"{name}: upstream returned {resp.status}: {message}"
    if reasons & _DEPLOYMENT_FAULTS:  # a 400 that is Homeport's problem, not the caller's
        return UpstreamFailed(f"{name}: the upstream refused Homeport's deployment "
                              f"({resp.status}): {message}")
    if resp.status in (408, 504):
        return UpstreamTimeout(text)
    if resp.status == 429:
        return UpstreamRateLimited(text)
    if resp.status >= 500:  # 503 unavailable, 529 Anthropic's "overloaded"
        return UpstreamUnavailable(text) if resp.status in (503, 529) else UpstreamFailed(text)
    if resp.status in (401, 403):
        return UpstreamFailed(f"{name}: the upstream refused Homeport's credentials "
                              f"({resp.status}): {message}")
    if resp.status == 413 or resp.status == 400:
        return InvalidRequest(text, param=param if isinstance(param, str) else None, code=code)
    return UpstreamRejected(text, status=resp.status)


async def sse_events(resp: aiohttp.ClientResponse) -> AsyncIterator[tuple[str | None, bytes]]:
    """(event name, data) pairs of a server-sent event stream; multi-line data joined."""
    event: str | None = None
    data: list[bytes] = []
    async for raw in resp.content:
        line = raw.rstrip(b"\r\n")
        if not line:
            if data:
                yield event, b"\n".join(data)
            event, data = None, []
        elif line.startswith(b"data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(b" ") else value)
        elif line.startswith(b"event:"):
            event = line[6:].strip().decode()
    if data:
        yield event, b"\n".join(data)
