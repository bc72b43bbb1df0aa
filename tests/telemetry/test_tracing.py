"""Traces: gen_ai spans exported over OTLP/HTTP to a real local receiver."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from homeport.settings_ops import TelemetryConfig
from homeport.telemetry.events import RequestRecord
from homeport.telemetry.tracing import Tracing, traceparent_of
from tests.fakes.otlp_receiver import OtlpReceiver

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
T0 = 1_700_000_000.25


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    r = OtlpReceiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def tracing(receiver: OtlpReceiver) -> Iterator[Tracing]:
    t = Tracing(TelemetryConfig(otlp_endpoint=receiver.endpoint, service_name="hp-test",
                                otlp_headers={"Authorization": "Basic c2VjcmV0"}))
    yield t
    t.shutdown()


def record(**kw: Any) -> RequestRecord:
    base: dict[str, Any] = dict(
        id="chatcmpl-abc", ts=T0, endpoint="chat", model_requested="gpt", provider="cloud",
        model_used="gpt-4o-2024", rule="legal", reasons="team legal; to cloud/gpt-4o",
        tier="cloud", stream=True, status=200, prompt_tokens=11, completion_tokens=42,
        latency_ms=1500.0, ttft_ms=250.0, attempts=2, team="legal", key_id="key_1",
        sensitivity="internal", entity_types="EMAIL,PERSON", cost=0.0012,
        cost_equivalent=0.0012)
    return RequestRecord(**{**base, **kw})


def test_chat_span_follows_gen_ai_conventions(receiver: OtlpReceiver,
                                             tracing: Tracing) -> None:
    tracing.observe(record())
    assert tracing.force_flush()
    [span] = receiver.wait_for(1)
    assert span.name == "chat gpt" and span.kind == "client"
    a = span.attributes
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.provider.name"] == a["gen_ai.system"] == "cloud"
    assert a["gen_ai.request.model"] == "gpt" and a["gen_ai.response.model"] == "gpt-4o-2024"
    assert a["gen_ai.response.id"] == "chatcmpl-abc" and a["gen_ai.request.stream"] is True
    assert a["gen_ai.usage.input_tokens"] == 11 and a["gen_ai.usage.output_tokens"] == 42
    assert a["gen_ai.response.time_to_first_chunk"] == pytest.approx(0.25)
    assert a["homeport.route.rule"] == "legal" and a["homeport.tier"] == "cloud"
    assert a["homeport.entity_types"] == ["EMAIL", "PERSON"]
    assert a["homeport.cost"] == pytest.approx(0.0012) and a["homeport.attempts"] == 2
    assert a["homeport.team"] == "legal" and a["homeport.sensitivity"] == "internal"
    assert "error.type" not in a and span.status == "unset"
    # the times are the request's, not the export's
    assert span.start_ns == int(T0 * 1e9) and span.end_ns - span.start_ns == 1_500_000_000
    [(event, at, _)] = span.events
    assert event == "homeport.first_token" and at - span.start_ns == 250_000_000
    assert span.resource["service.name"] == "hp-test" and span.scope == "homeport"
    assert span.parent_span_id == ""  # no traceparent: a root span
    assert receiver.headers[0]["Authorization"] == "Basic c2VjcmV0"


def test_span_joins_the_callers_trace(receiver: OtlpReceiver, tracing: Tracing) -> None:
    tracing.observe(record(traceparent=TRACEPARENT))
    tracing.force_flush()
    [span] = receiver.wait_for(1)
    assert span.trace_id == TRACE_ID and span.parent_span_id == PARENT_ID
    assert span.span_id not in (PARENT_ID, "0" * 16)


def test_failed_request_has_error_status(receiver: OtlpReceiver, tracing: Tracing) -> None:
    tracing.observe(record(status=503, error_type="NoClearedProvider", provider=None,
                           model_used=None, completion_tokens=0, ttft_ms=None))
    tracing.observe(record(id="r2", status=504, error_type=None))
    tracing.observe(record(id="r3", status=401, error_type="AuthenticationFailed",
                           model_requested="", provider=None, model_used=None))
    tracing.force_flush()
    spans = {s.attributes["gen_ai.response.id"]: s for s in receiver.wait_for(3)}
    failed = spans["chatcmpl-abc"]
    assert failed.status == "error" and failed.status_message == "NoClearedProvider"
    assert failed.attributes["error.type"] == "NoClearedProvider"
    assert "gen_ai.provider.name" not in failed.attributes and not failed.events
    assert spans["r2"].attributes["error.type"] == "504"
    assert spans["r3"].name == "chat" and "gen_ai.request.model" not in spans["r3"].attributes


def test_operation_names(receiver: OtlpReceiver, tracing: Tracing) -> None:
    tracing.observe(record(id="e", endpoint="embeddings", model_requested="local-embed",
                           stream=False, ttft_ms=None))
    tracing.observe(record(id="c", endpoint="completions", stream=False))
    tracing.force_flush()
    spans = {s.attributes["gen_ai.response.id"]: s for s in receiver.wait_for(2)}
    assert spans["e"].name == "embeddings local-embed"
    assert "gen_ai.usage.output_tokens" not in spans["e"].attributes
    assert spans["c"].name == "text_completion gpt"
    assert "gen_ai.response.time_to_first_chunk" not in spans["c"].attributes


def test_no_prompt_text_and_gzip_export(receiver: OtlpReceiver,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip")
    t = Tracing(TelemetryConfig(otlp_endpoint=receiver.endpoint, log_prompts=True))
    t.observe(record())
    t.shutdown()  # flushes what is queued
    [span] = receiver.wait_for(1)
    assert receiver.headers[0].get("Content-Encoding") == "gzip"
    assert span.resource["service.name"] == "homeport"
    assert not any(k.startswith(("gen_ai.input", "gen_ai.output")) for k in span.attributes)


def test_disabled_without_endpoint() -> None:
    t = Tracing(TelemetryConfig())
    assert not t.enabled and t.provider is None
    t.observe(record())
    assert t.force_flush()
    t.shutdown()


def test_disabled_tracing_does_not_import_opentelemetry() -> None:
    code = ("import sys; from homeport.settings_ops import TelemetryConfig; "
            "from homeport.telemetry.tracing import Tracing; "
            "from homeport.telemetry.events import RequestRecord; "
            "t = Tracing(TelemetryConfig()); t.observe(RequestRecord('r', 0.0, 'chat', 'm')); "
            "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("value", "valid"), [
    (TRACEPARENT, True),
    (f" {TRACEPARENT} ", True),
    (f"01-{TRACE_ID}-{PARENT_ID}-01-future", True),  # a later version may add fields
    (f"00-{TRACE_ID}-{PARENT_ID}-01-extra", False),
    (f"ff-{TRACE_ID}-{PARENT_ID}-01", False),
    (f"00-{'0' * 32}-{PARENT_ID}-01", False),
    (f"00-{TRACE_ID}-{'0' * 16}-01", False),
    (f"00-{TRACE_ID.upper()}-{PARENT_ID}-01", False),
    (f"00-{TRACE_ID[:-1]}-{PARENT_ID}-01", False),
    ("garbage", False),
    ("", False),
])
def test_traceparent_validation(value: str, valid: bool) -> None:
    assert traceparent_of({"traceparent": value}) == (value.strip() if valid else None)


def test_traceparent_absent() -> None:
    assert traceparent_of({}) is None
