"""OpenTelemetry traces of requests, following the gen_ai semantic conventions
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/), exported over OTLP/HTTP.

A span is made after the fact from the finished `RequestRecord`, with the record's own start
and end times, so nothing is traced on the hot path. `Tracing` owns its TracerProvider (never
the global one) and imports OpenTelemetry only when an endpoint is configured: without one it
costs nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from homeport.settings_ops import TelemetryConfig
from homeport.telemetry.events import RequestRecord

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

log = logging.getLogger(__name__)

OPERATIONS = {"chat": "chat", "completions": "text_completion", "embeddings": "embeddings"}
FIRST_TOKEN_EVENT = "homeport.first_token"
# W3C Trace Context: version-traceid-parentid-flags; a future version may append fields
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")


def traceparent_of(headers: Mapping[str, str]) -> str | None:
    """The request's valid `traceparent` header, or None when absent or malformed."""
    value = headers.get("traceparent")
    if value is None:
        return None
    value = value.strip()
    m = _TRACEPARENT.fullmatch(value)
    if m is None or len(value) > 512:
        return None
    version, trace_id, span_id, _, rest = m.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    return value


class Tracing:
    def __init__(self, cfg: TelemetryConfig):
        self._log_prompts = cfg.log_prompts
        self.provider: TracerProvider | None = None
        self._tracer: Tracer | None = None
        if cfg.otlp_endpoint is not None:
            self.provider, self._tracer = _build(cfg, cfg.otlp_endpoint)

    @property
    def enabled(self) -> bool:
        return self._tracer is not None

    def observe(self, record: RequestRecord) -> None:
        """Export one span for a finished request (no-op when tracing is off)."""
        if self._tracer is None:
            return
        try:
            self._span(self._tracer, record)
        except Exception:  # telemetry never fails a request
            log.warning("tracing request %s failed", record.id, exc_info=True)

    def _span(self, tracer: Tracer, record: RequestRecord) -> None:
        from opentelemetry.trace import SpanKind, Status, StatusCode
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        parent = None
        if record.traceparent:
            parent = TraceContextTextMapPropagator().extract({"traceparent": record.traceparent})
        attrs = span_attributes(record)
        if self._log_prompts:
            attrs.update(content_attributes(record))
        start = int(record.ts * 1e9)
        name = f"{attrs['gen_ai.operation.name']} {record.model_requested}".strip()
        span = tracer.start_span(name, context=parent, kind=SpanKind.CLIENT, attributes=attrs,
                                 start_time=start)
        if record.ttft_ms is not None and record.endpoint != "embeddings":
            span.add_event(FIRST_TOKEN_EVENT, {"homeport.ttft_ms": record.ttft_ms},
                           timestamp=start + int(record.ttft_ms * 1e6))
        if failed(record):
            span.set_status(Status(StatusCode.ERROR, record.error_type or str(record.status)))
        span.end(end_time=start + int((record.latency_ms or 0) * 1e6))

    def force_flush(self, timeout_s: float = 10) -> bool:
        return self.provider is None or self.provider.force_flush(int(timeout_s * 1000))

    def shutdown(self) -> None:
        """Export what is queued, then stop."""
        if self.provider is not None:
            self.provider.shutdown()
            self.provider, self._tracer = None, None


def failed(record: RequestRecord) -> bool:
    return record.error_type is not None or record.status >= 400


def span_attributes(record: RequestRecord) -> dict[str, Any]:
    """gen_ai.* attributes of the request, plus homeport.* ones for routing and cost."""
    r = record
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": OPERATIONS.get(r.endpoint, r.endpoint),
        "gen_ai.response.id": r.id,
        "gen_ai.request.stream": r.stream,
        "gen_ai.usage.input_tokens": r.prompt_tokens,
        "http.response.status_code": r.status,
        "homeport.endpoint": r.endpoint,
        "homeport.attempts": r.attempts,
        "homeport.pseudonymized": r.pseudonymized,
    }
    if r.endpoint != "embeddings":
        attrs["gen_ai.usage.output_tokens"] = r.completion_tokens
    if r.model_requested:  # none when the request failed before it was parsed
        attrs["gen_ai.request.model"] = r.model_requested
    if r.provider:  # the provider as configured in Homeport (its instance name)
        attrs["gen_ai.provider.name"] = attrs["gen_ai.system"] = r.provider
    if r.model_used:
        attrs["gen_ai.response.model"] = r.model_used
    if r.stream and r.ttft_ms is not None:
        attrs["gen_ai.response.time_to_first_chunk"] = r.ttft_ms / 1000
    if failed(r):
        attrs["error.type"] = r.error_type or str(r.status)
    if r.entity_types:
        attrs["homeport.entity_types"] = r.entity_types.split(",")
    optional = {"homeport.route.rule": r.rule, "homeport.route.reasons": r.reasons,
                "homeport.sensitivity": r.sensitivity, "homeport.task": r.task,
                "homeport.tier": r.tier, "homeport.cost": r.cost,
                "homeport.cost_equivalent": r.cost_equivalent, "homeport.ttft_ms": r.ttft_ms,
                "homeport.team": r.team, "homeport.key_id": r.key_id}
    attrs.update({k: v for k, v in optional.items() if v is not None})
    return attrs


def content_attributes(record: RequestRecord) -> dict[str, Any]:
    """Prompt and answer text (gen_ai.input.messages / gen_ai.output.messages), only with
    telemetry.log_prompts (the record carries text only then), and only for content that is
    neither confidential/restricted nor pseudonymised: a trace backend may be hosted."""
    if record.pseudonymized or record.sensitivity in ("confidential", "restricted"):
        return {}
    out: dict[str, Any] = {}
    if record.prompt_text is not None:
        out["gen_ai.input.messages"] = orjson.dumps([{"role": "user", "parts": [
            {"type": "text", "content": record.prompt_text}]}]).decode()
    if record.answer_text is not None:
        out["gen_ai.output.messages"] = orjson.dumps([{"role": "assistant", "parts": [
            {"type": "text", "content": record.answer_text}]}]).decode()
    return out


def _build(cfg: TelemetryConfig, endpoint: str) -> tuple[TracerProvider, Tracer]:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from homeport import __version__

    resource = Resource.create({SERVICE_NAME: cfg.service_name, SERVICE_VERSION: __version__})
    provider = TracerProvider(resource=resource)
    exporter = OTLPSpanExporter(endpoint=endpoint, headers=dict(cfg.otlp_headers), timeout=10)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider, provider.get_tracer("homeport", __version__)
