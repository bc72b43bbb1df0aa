"""A local OTLP/HTTP trace receiver: accepts POST /v1/traces (protobuf, gzip or not), as an
OpenTelemetry collector, Jaeger or Tempo would, and keeps the spans it got.

    receiver = OtlpReceiver(); receiver.start()   # receiver.endpoint -> http://127.0.0.1:N/v1/traces
    ... export ...
    spans = receiver.wait_for(1, timeout=10)
    receiver.stop()
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tests.fakes.threaded import ThreadedApp

PROTOBUF = "application/x-protobuf"
KINDS = {Span.SPAN_KIND_INTERNAL: "internal", Span.SPAN_KIND_SERVER: "server",
         Span.SPAN_KIND_CLIENT: "client", Span.SPAN_KIND_PRODUCER: "producer",
         Span.SPAN_KIND_CONSUMER: "consumer"}


@dataclass
class ReceivedSpan:
    name: str
    kind: str  # client | server | internal | producer | consumer | unspecified
    trace_id: str  # hex
    span_id: str
    parent_span_id: str  # "" for a root span
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status: str  # unset | ok | error
    status_message: str
    events: list[tuple[str, int, dict[str, Any]]]  # (name, time_ns, attributes)
    resource: dict[str, Any]
    scope: str


@dataclass
class OtlpReceiver:
    status: int = 200  # answer exports with this status (e.g. 503 to test retries)
    spans: list[ReceivedSpan] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # of each export request

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        app = web.Application()
        app.router.add_post("/v1/traces", self._traces)
        self._server = ThreadedApp(app)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/v1/traces"

    def start(self) -> str:
        self._server.start()
        return self.endpoint

    def stop(self) -> None:
        self._server.stop()

    def wait_for(self, n: int, timeout: float = 10) -> list[ReceivedSpan]:
        """The spans received, once there are at least `n`; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.spans) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"OTLP receiver got {len(self.spans)} spans, "
                                         f"expected {n}, in {timeout} s")
                self._cond.wait(left)
            return list(self.spans)

    async def _traces(self, request: web.Request) -> web.Response:
        if request.content_type != PROTOBUF:
            return web.Response(status=415, text=f"expected {PROTOBUF}")
        body = _decompress(await request.read(), request.headers.get("Content-Encoding", ""))
        export = ExportTraceServiceRequest.FromString(body)
        with self._cond:
            self.headers.append(dict(request.headers))
            if self.status == 200:
                self.spans += _spans(export)
                self._cond.notify_all()
        if self.status != 200:
            return web.Response(status=self.status, text="receiver told to fail")
        return web.Response(body=ExportTraceServiceResponse().SerializeToString(),
                            content_type=PROTOBUF)


def _decompress(body: bytes, encoding: str) -> bytes:
    """aiohttp inflates compressed request bodies itself; other servers may not."""
    if encoding == "gzip" and body[:2] == b"\x1f\x8b":
        return gzip.decompress(body)
    if encoding == "deflate":
        with contextlib.suppress(zlib.error):
            return zlib.decompress(body)
    return body


def _spans(export: ExportTraceServiceRequest) -> list[ReceivedSpan]:
    out = []
    for rs in export.resource_spans:
        resource = _attrs(rs.resource.attributes)
        for ss in rs.scope_spans:
            for s in ss.spans:
                out.append(ReceivedSpan(
                    name=s.name, kind=KINDS.get(s.kind, "unspecified"),
                    trace_id=s.trace_id.hex(), span_id=s.span_id.hex(),
                    parent_span_id=s.parent_span_id.hex(), start_ns=s.start_time_unix_nano,
                    end_ns=s.end_time_unix_nano, attributes=_attrs(s.attributes),
                    status={0: "unset", 1: "ok", 2: "error"}[s.status.code],
                    status_message=s.status.message,
                    events=[(e.name, e.time_unix_nano, _attrs(e.attributes)) for e in s.events],
                    resource=resource, scope=ss.scope.name))
    return out


def _attrs(kvs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in kvs if isinstance(kv, KeyValue)}


def _value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return _attrs(v.kvlist_value.values)
    return getattr(v, kind) if kind else None
