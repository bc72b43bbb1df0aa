"""Responses that stop their work when the client goes away.

Uvicorn silently drops writes to a closed connection, so a disconnect is only visible on
`receive()`. Both helpers race the work against an `http.disconnect` message and cancel the
work (and with it the upstream generation) when the client leaves first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

from starlette.types import Receive, Scope, Send

from homeport.errors import HomeportError
from homeport.gateway.chat import Answer
from homeport.types import Chunk

T = TypeVar("T")
log = logging.getLogger(__name__)


class ClientGone(Exception):
    """The client disconnected before the response was ready."""


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def until_disconnect(receive: Receive, work: Awaitable[T]) -> T:
    """Await `work`, cancelling it if the client disconnects first."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(receive))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(BaseException):  # the abandoned work's outcome is moot
            await task
        raise ClientGone()
    return task.result()


class EventStream:
    """An ASGI text/event-stream response fed by an async iterator of bytes."""

    def __init__(self, body: AsyncIterator[bytes], headers: Mapping[str, str]):
        self.body = body
        self.headers = [(b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no"),
                        *((k.encode(), v.encode()) for k, v in headers.items())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            # The first piece is in hand already (the gateway waited for it before answering):
            # take it before anything is sent, so the body's own cleanup (recording the request,
            # settling its budget) runs even if sending fails; then watch for a disconnect while
            # the rest streams.
            first = await anext(self.body, b"")
            await send({"type": "http.response.start", "status": 200, "headers": self.headers})
            if first:
                await send({"type": "http.response.body", "body": first, "more_body": True})
            await until_disconnect(receive, self._pump(send))
        except ClientGone:
            return
        finally:
            await self.body.aclose()  # type: ignore[attr-defined]
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _pump(self, send: Send) -> None:
        async for data in self.body:
            if data:
                await send({"type": "http.response.body", "body": data, "more_body": True})


class Encoder(Protocol):
    """An API's event-stream encoding of Chunks (OpenAI's, Anthropic's)."""

    def start(self) -> bytes: ...

    def encode(self, chunk: Chunk) -> bytes: ...

    def end(self) -> bytes: ...


async def answer_events(answer: Answer, encoder: Encoder,
                        error: Callable[[HomeportError], bytes]) -> AsyncIterator[bytes]:
    """The answer's chunks as events; the opening event goes with the first content (one write,
    not two); an error after the headers are sent goes in-band, encoded by `error`."""
    try:
        head = encoder.start()
        async with contextlib.aclosing(answer.chunks()) as chunks:
            async for chunk in chunks:
                data = encoder.encode(chunk)
                if head and data:
                    data, head = head + data, b""
                yield data
        yield head + encoder.end()
    except HomeportError as e:
        yield error(e)
    except Exception:
        log.exception("stream %s failed", answer.id)
        yield error(HomeportError("The stream failed inside Homeport."))
