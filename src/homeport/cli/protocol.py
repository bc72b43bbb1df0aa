"""The HTTP/1.1 protocol `homeport serve` runs: uvicorn's httptools protocol with the deadlines
and the header limit uvicorn leaves out.

uvicorn's `timeout_keep_alive` only closes a connection that is idle *between* requests.
Nothing closes one whose client connects and sends nothing, sends its headers a byte at a time
(slowloris), or stops in the middle of a body; and httptools takes headers of any size. Here:

- `header_timeout_s`: the request line and headers must all arrive within this time from the
  connection's start (or the next request's first byte); else 408 and the connection closes.
- `body_timeout_s`: while a body is being received, the client may stay silent at most this
  long; else the connection closes (the endpoint reading it sees a disconnect). Time the
  server itself takes to read what arrived (reading paused) does not count.
- `MAX_HEADER_BYTES`: a request line and headers larger than this get 431 and a close.

Body sizes are limited where bodies are read (max_body_bytes, knowledge.max_upload_mb).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 64 * 1024


class HeaderOverflow(Exception):
    """The request line and headers passed MAX_HEADER_BYTES."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout_s = 10.0  # set by `serve` from the settings (see timed_protocol)
    body_timeout_s = 30.0

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._overflow = False
        self._reading_body = False
        self._body_seen = 0.0  # loop time of the body's last piece

    # --- the deadline: headers, then the body ---

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        self._disarm()
        self._timer = self.loop.call_later(delay, callback)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _headers_late(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # nothing else is answering
            self._reply(408, b"Request Timeout", b"The request headers took too long.")
        self.transport.close()

    def _body_late(self) -> None:
        self._timer = None
        if self.transport.is_closing() or not self._reading_body:
            return
        now = self.loop.time()
        if self.flow.read_paused:  # the endpoint has not taken what came: not the client's delay
            self._body_seen = now
        idle = now - self._body_seen
        if idle < self.body_timeout_s:
            self._arm(self.body_timeout_s - idle, self._body_late)
        else:
            self.transport.close()

    # --- uvicorn's hooks ---

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout_s, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._timer is None:  # the next request on a kept-alive connection
            self._arm(self.header_timeout_s, self._headers_late)

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        self._reading_body = True
        self._body_seen = self.loop.time()
        self._arm(self.body_timeout_s, self._body_late)

    def on_body(self, body: bytes) -> None:
        self._body_seen = self.loop.time()
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._reading_body = False
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if self._reading_body:  # answered before the whole body came: the rest is dropped
            self._reading_body = False
            self._disarm()
        super().on_response_complete()

    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > MAX_HEADER_BYTES:
            self._overflow = True
            raise HeaderOverflow()  # httptools raises a parser error; uvicorn answers with ...

    def send_400_response(self, msg: str) -> None:  # ... this, for every bad request
        if not self._overflow:
            super().send_400_response(msg)
            return
        self._reply(431, b"Request Header Fields Too Large",
                    f"The request line and headers exceed {MAX_HEADER_BYTES} bytes.".encode())
        self.transport.close()

    def _reply(self, status: int, reason: bytes, text: bytes) -> None:
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(text), text))


def timed_protocol(header_timeout_s: float, body_timeout_s: float) -> type[HttpToolsProtocol]:
    """The protocol class for uvicorn's `http` setting, with these deadlines."""
    return type("HomeportHttpProtocol", (GuardedHttpToolsProtocol,),
                {"header_timeout_s": header_timeout_s, "body_timeout_s": body_timeout_s})
