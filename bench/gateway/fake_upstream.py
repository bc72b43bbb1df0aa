"""A minimal, fast fake OpenAI server for the gateway benchmark: it answers instantly.

Raw asyncio protocol on uvloop with httptools' parser (no framework), HTTP/1.1 keep-alive.
  POST /v1/chat/completions  {"stream": false} -> a chat.completion JSON body with usage
  POST /v1/chat/completions  {"stream": true}  -> SSE in OpenAI's wire format: a role chunk,
       CONTENT_CHUNKS content chunks, a finish chunk, a usage chunk (when
       stream_options.include_usage) and `data: [DONE]`, sent with chunked transfer encoding
  GET  /health, /v1/models   -> small JSON
Anything else -> 404 in OpenAI's error format.

Run: python fake_upstream.py --port 9100 [--impl raw|aiohttp]

`--impl aiohttp` serves the same bytes through aiohttp.web instead (slower, for comparison:
a slower upstream makes any gateway look relatively cheaper).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time

import httptools
import orjson

CONTENT = ["Hello", " from", " the", " fake", " upstream."]
USAGE = {"prompt_tokens": 12, "completion_tokens": len(CONTENT), "total_tokens": 12 + len(CONTENT)}
_ids = iter(range(1, 1 << 62))


def _completion(model: str) -> bytes:
    return orjson.dumps({
        "id": f"chatcmpl-fake{next(_ids)}", "object": "chat.completion",
        "created": int(time.time()), "model": model, "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(CONTENT),
                                             "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": USAGE})


def _stream(model: str, include_usage: bool) -> bytes:
    """The whole SSE body, already in chunked transfer encoding (one HTTP chunk per event)."""
    base = {"id": f"chatcmpl-fake{next(_ids)}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model, "system_fingerprint": "fp_fake"}
    extra = {"usage": None} if include_usage else {}

    def event(delta: dict, finish: str | None) -> bytes:
        return orjson.dumps({**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                   "finish_reason": finish}], **extra})

    events = [event({"role": "assistant", "content": "", "refusal": None}, None)]
    events += [event({"content": c}, None) for c in CONTENT]
    events.append(event({}, "stop"))
    if include_usage:
        events.append(orjson.dumps({**base, "choices": [], "usage": USAGE}))
    events.append(b"[DONE]")
    out = bytearray()
    for e in events:
        data = b"data: " + e + b"\n\n"
        out += b"%x\r\n%s\r\n" % (len(data), data)
    out += b"0\r\n\r\n"
    return bytes(out)


def _head(status: bytes, ctype: bytes, length: int | None, keep_alive: bool) -> bytes:
    lines = [b"HTTP/1.1 " + status, b"content-type: " + ctype, b"server: fake-openai"]
    lines.append(b"content-length: %d" % length if length is not None
                 else b"transfer-encoding: chunked")
    if not keep_alive:
        lines.append(b"connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


class FakeOpenAI(asyncio.Protocol):
    __slots__ = ("body", "parser", "transport", "url")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.body: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.write(_head(b"400 Bad Request", b"text/plain", 0, False))
            self.transport.close()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.url, self.body = b"", []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        keep = self.parser.should_keep_alive()
        method = self.parser.get_method()
        path = self.url.split(b"?", 1)[0]
        if method == b"POST" and path.endswith(b"/chat/completions"):
            try:
                req = orjson.loads(b"".join(self.body))
                model = str(req.get("model", "gpt-4o"))
                stream = bool(req.get("stream"))
                include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
            except (orjson.JSONDecodeError, AttributeError):
                self._send(b"400 Bad Request", b'{"error":{"message":"invalid JSON",'
                           b'"type":"invalid_request_error","param":null,"code":null}}', keep)
                return
            if stream:
                self.transport.write(_head(b"200 OK", b"text/event-stream", None, keep)
                                     + _stream(model, include_usage))
                if not keep:
                    self.transport.close()
            else:
                self._send(b"200 OK", _completion(model), keep)
        elif method == b"GET" and path in (b"/health", b"/v1/models"):
            self._send(b"200 OK", b'{"object":"list","data":[{"id":"gpt-4o","object":"model",'
                       b'"created":0,"owned_by":"fake"}]}', keep)
        else:
            self._send(b"404 Not Found", b'{"error":{"message":"unknown path","type":'
                       b'"invalid_request_error","param":null,"code":null}}', keep)

    def _send(self, status: bytes, body: bytes, keep: bool) -> None:
        self.transport.write(_head(status, b"application/json", len(body), keep) + body)
        if not keep:
            self.transport.close()


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(FakeOpenAI, host, port, backlog=1024, reuse_address=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"fake upstream pid {os.getpid()} at http://{host}:{port}/v1", flush=True)
    async with server:
        await stop.wait()


async def serve_aiohttp(host: str, port: int) -> None:
    from aiohttp import web

    async def chat(request: web.Request) -> web.StreamResponse:
        try:
            req = orjson.loads(await request.read())
            model = str(req.get("model", "gpt-4o"))
            stream = bool(req.get("stream"))
            include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        except (orjson.JSONDecodeError, AttributeError):
            return web.Response(status=400, content_type="application/json",
                                body=b'{"error":{"message":"invalid JSON"}}')
        if not stream:
            return web.Response(body=_completion(model), content_type="application/json")
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        raw = _stream(model, include_usage)  # chunked-encoded: undo it, aiohttp re-chunks
        for event in raw.split(b"\r\n")[1::2]:
            if event:
                await resp.write(event)
        await resp.write_eof()
        return resp

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "gpt-4o"}]})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/health", models)
    app.router.add_get("/v1/models", models)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port, backlog=1024).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"fake upstream (aiohttp.web) pid {os.getpid()} at http://{host}:{port}/v1", flush=True)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9100)
    ap.add_argument("--impl", choices=("raw", "aiohttp"), default="raw")
    args = ap.parse_args()
    coro = (serve if args.impl == "raw" else serve_aiohttp)(args.host, args.port)
    try:
        import uvloop
        uvloop.run(coro)
    except ImportError:
        asyncio.run(coro)


if __name__ == "__main__":
    main()
