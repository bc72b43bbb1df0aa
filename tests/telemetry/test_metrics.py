"""Prometheus metrics: what the exposition says after requests, provider load, cardinality."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from homeport.providers.base import Provider
from homeport.settings import Settings
from homeport.telemetry.events import RequestRecord
from homeport.telemetry.metrics import Metrics, error_types, status_class
from homeport.types import ChatRequest, Chunk, Load, Sensitivity, Tier


class FakeProvider(Provider):
    def __init__(self, name: str, tier: Tier, load: Load | None = None):
        super().__init__(name, tier=tier, clearance=Sensitivity.RESTRICTED, region=None)
        self.current = load or Load()

    def load(self) -> Load:
        return self.current

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        raise NotImplementedError
        yield  # pragma: no cover


class BrokenProvider(FakeProvider):
    def load(self) -> Load:
        raise RuntimeError("load endpoint down")


def settings(**overflow: Any) -> Settings:
    return Settings(
        embedded={"chat": None, "embeddings": None},
        providers=[{"type": "openai", "name": "cloud", "base_url": "http://127.0.0.1:9/v1"}],
        models=[{"name": "gpt", "provider": "cloud", "aliases": ["gpt-latest"],
                 "upstream_model": "gpt-4o"},
                {"name": "local", "provider": "cloud"}],
        routing={"rules": [{"name": "secrets", "when": {"entities": ["API_KEY"]},
                            "route": ["local"]}], "overflow": overflow},
        economics={"currency": "EUR"})


@pytest.fixture
def providers() -> dict[str, Provider]:
    return {"local": FakeProvider("local", Tier.LOCAL, Load(in_flight=2, queued=1, slots=4)),
            "cloud": FakeProvider("cloud", Tier.CLOUD)}


def record(**kw: Any) -> RequestRecord:
    base: dict[str, Any] = dict(
        id="req_1", ts=1_700_000_000.0, endpoint="chat", model_requested="gpt",
        provider="cloud", model_used="gpt-4o", rule="requested-model", tier="cloud",
        status=200, prompt_tokens=12, completion_tokens=30, latency_ms=850.0, ttft_ms=120.0,
        attempts=1, cost=0.002, cost_equivalent=0.002)
    return RequestRecord(**{**base, **kw})


def scrape(m: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    body, content_type = m.render()
    assert content_type.startswith("text/plain; version=0.0.4")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(body.decode()) for s in fam.samples}


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_counters_and_histograms_move_with_requests(providers: dict[str, Provider]) -> None:
    m = Metrics(settings(), providers)
    m.observe(record())
    m.observe(record(id="req_2", latency_ms=40_000.0, ttft_ms=2_000.0, attempts=3,
                     provider="local", model_used="local", tier="local", rule="secrets",
                     cost=0.0001, cost_equivalent=0.003))
    s = scrape(m)
    assert value(s, "homeport_requests_total", endpoint="chat", model="gpt", provider="cloud",
                 tier="cloud", rule="requested-model", status="2xx") == 1
    assert value(s, "homeport_requests_total", endpoint="chat", model="gpt", provider="local",
                 tier="local", rule="secrets", status="2xx") == 1
    # 0.85 s lands at and above the 1 s bucket, not in 0.5 s
    h = "homeport_request_duration_seconds_bucket"
    assert value(s, h, endpoint="chat", tier="cloud", le="0.5") == 0
    assert value(s, h, endpoint="chat", tier="cloud", le="1.0") == 1
    assert value(s, h, endpoint="chat", tier="local", le="30.0") == 0
    assert value(s, h, endpoint="chat", tier="local", le="60.0") == 1
    assert value(s, "homeport_request_duration_seconds_sum", endpoint="chat",
                 tier="cloud") == pytest.approx(0.85)
    assert value(s, "homeport_time_to_first_token_seconds_count", tier="local") == 1
    assert value(s, "homeport_time_to_first_token_seconds_bucket", tier="cloud",
                 le="0.25") == 1
    assert value(s, "homeport_tokens_total", direction="prompt", tier="cloud",
                 model="gpt-4o") == 12
    assert value(s, "homeport_tokens_total", direction="completion", tier="local",
                 model="local") == 30
    assert value(s, "homeport_cost_total", tier="local", kind="actual") == pytest.approx(1e-4)
    assert value(s, "homeport_cost_total", tier="local",
                 kind="cloud_equivalent") == pytest.approx(0.003)
    assert value(s, "homeport_routing_decisions_total", rule="secrets") == 1
    assert value(s, "homeport_fallbacks_total", provider="local") == 2
    assert value(s, "homeport_fallbacks_total", provider="cloud") is None


def test_errors_by_type_and_status_class(providers: dict[str, Provider]) -> None:
    m = Metrics(settings(), providers)
    m.observe(record(status=503, error_type="NoClearedProvider", provider=None, tier=None))
    m.observe(record(status=499, error_type="CancelledError"))
    m.observe(record(status=401, error_type="AuthenticationFailed", model_requested="",
                     provider=None, rule=None, tier=None, latency_ms=None, ttft_ms=None))
    s = scrape(m)
    assert value(s, "homeport_errors_total", type="NoClearedProvider") == 1
    assert value(s, "homeport_errors_total", type="AuthenticationFailed") == 1
    assert value(s, "homeport_errors_total", type="other") == 1  # not a Homeport error class
    assert value(s, "homeport_requests_total", endpoint="chat", model="none", provider="none",
                 tier="none", rule="none", status="4xx") == 1
    assert value(s, "homeport_requests_total", endpoint="chat", model="gpt", provider="cloud",
                 tier="cloud", rule="requested-model", status="499") == 1
    assert [status_class(c) for c in (200, 404, 499, 502, 99)] == [
        "2xx", "4xx", "499", "5xx", "other"]
    assert {"NoClearedProvider", "QueueFull", "HomeportError"} <= error_types()


def test_currency_in_help(providers: dict[str, Provider]) -> None:
    body, _ = Metrics(settings(), providers).render()
    assert "# HELP homeport_cost_total Cost of requests in EUR" in body.decode()


def test_provider_gauges_read_load_at_scrape_time(providers: dict[str, Provider]) -> None:
    m = Metrics(settings(), providers)
    s = scrape(m)
    assert value(s, "homeport_provider_in_flight", provider="local") == 2
    assert value(s, "homeport_provider_queue_depth", provider="local") == 1
    assert value(s, "homeport_provider_slots", provider="local") == 4
    assert value(s, "homeport_provider_slots", provider="cloud") is None  # unknown capacity
    assert value(s, "homeport_provider_saturated", provider="local") == 0
    assert value(s, "homeport_provider_saturated", provider="cloud") is None  # never overflows
    local = providers["local"]
    assert isinstance(local, FakeProvider)
    local.current = Load(in_flight=4, queued=3, slots=4)  # pending 7 >= 4 slots
    s = scrape(m)
    assert value(s, "homeport_provider_in_flight", provider="local") == 4
    assert value(s, "homeport_provider_queue_depth", provider="local") == 3
    assert value(s, "homeport_provider_saturated", provider="local") == 1


def test_saturation_follows_overflow_settings(providers: dict[str, Provider]) -> None:
    s = scrape(Metrics(settings(max_pending=3), providers))  # 2 in flight + 1 queued
    assert value(s, "homeport_provider_saturated", provider="local") == 1


def test_a_failing_provider_load_does_not_break_the_scrape(
        providers: dict[str, Provider]) -> None:
    providers["broken"] = BrokenProvider("broken", Tier.LOCAL)
    s = scrape(Metrics(settings(), providers))
    assert value(s, "homeport_provider_in_flight", provider="local") == 2
    assert value(s, "homeport_provider_in_flight", provider="broken") is None


def test_registries_are_independent(providers: dict[str, Provider]) -> None:
    a, b = Metrics(settings(), providers), Metrics(settings(), providers)
    a.observe(record())
    assert value(scrape(b), "homeport_requests_total", endpoint="chat", model="gpt",
                 provider="cloud", tier="cloud", rule="requested-model", status="2xx") is None


def test_cardinality_is_bounded(providers: dict[str, Provider]) -> None:
    m = Metrics(settings(), providers)
    m.observe(record(model_requested="first-unknown", model_used="x", error_type="E0",
                     provider="p0", rule="r0", endpoint="e0", tier="t0", status=200))
    before = len(scrape(m))
    for i in range(10_000):
        m.observe(record(id=f"req_{i}", model_requested=f"model-{i}", model_used=f"up-{i}",
                         error_type=f"Error{i}", provider=f"p{i}", rule=f"r{i}",
                         endpoint=f"e{i}", tier=f"t{i}"))
    samples = scrape(m)
    assert len(samples) == before
    assert value(samples, "homeport_requests_total", endpoint="other", model="other",
                 provider="other", tier="other", rule="other", status="2xx") == 10_001
    assert value(samples, "homeport_errors_total", type="other") == 10_001
    assert not any("model-" in v for _, labels in samples for _, v in labels)
    # known names and aliases keep their own series
    m.observe(record(model_requested="gpt-latest"))
    assert value(scrape(m), "homeport_requests_total", endpoint="chat", model="gpt-latest",
                 provider="cloud", tier="cloud", rule="requested-model", status="2xx") == 1
