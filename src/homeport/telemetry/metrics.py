"""Prometheus metrics: counters and histograms fed by finished requests, and provider load
gauges read at scrape time. Each `Metrics` owns its registry (no global state).

Cardinality is bounded: every label value comes from a set fixed by the configuration (model
names and aliases, providers, rules, endpoints, tiers, error classes, status classes); any
other value is counted as "other", and a missing one as "none".
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from homeport import errors
from homeport.providers.base import Provider
from homeport.routing.policy import saturation
from homeport.settings import OverflowConfig, Settings
from homeport.telemetry.events import RequestRecord
from homeport.types import Tier

log = logging.getLogger(__name__)

ENDPOINTS = ("chat", "completions", "embeddings")
DEFAULT_RULE = "requested-model"  # the rule name of a decision no configured rule made
# LLM calls: from a cache hit or a refusal (ms) to a long local generation (minutes)
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0,
                    60.0, 120.0)
TTFT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
OTHER, NONE = "other", "none"
# the classic text format: every Prometheus version reads it, and our names need nothing newer
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def error_types() -> frozenset[str]:
    """Names of the exception classes of `homeport.errors`: the only values of errors{type}."""
    return frozenset(name for name, obj in vars(errors).items()
                     if inspect.isclass(obj) and issubclass(obj, BaseException)
                     and obj.__module__ == errors.__name__)


def status_class(status: int) -> str:
    if status == 499:  # the client went away
        return "499"
    return f"{status // 100}xx" if 200 <= status < 600 else OTHER


class Bounded:
    """Maps a value to itself when it is known, else to "other" (None -> "none")."""

    def __init__(self, known: Iterable[str]):
        self.known = frozenset(known)

    def __call__(self, value: str | None) -> str:
        if not value:
            return NONE
        return value if value in self.known else OTHER


class Metrics:
    def __init__(self, settings: Settings, providers: Mapping[str, Provider],
                 endpoints: Iterable[str] = ENDPOINTS):
        self.registry = CollectorRegistry(auto_describe=True)
        models = settings.all_models()
        self._model = Bounded([*(n for m in models for n in (m.name, *m.aliases)),
                               *(m.upstream_model for m in models if m.upstream_model),
                               "auto"])
        self._provider = Bounded(providers)
        self.rules_changed([r.name for r in settings.routing.rules])
        self._endpoint = Bounded(endpoints)
        self._tier = Bounded(t.value for t in Tier)
        self._error = Bounded(error_types())
        self._define(settings.economics.currency)
        self.registry.register(LoadCollector(providers, settings.routing.overflow))

    def rules_changed(self, names: Iterable[str]) -> None:
        """Rule names are labels: the configured ones, or those saved at run time."""
        self._rule = Bounded([*names, DEFAULT_RULE])

    def _define(self, currency: str) -> None:
        r = self.registry
        self.requests = Counter(
            "homeport_requests", "API requests by endpoint, requested model, serving provider, "
            "tier, routing rule and status class.",
            ["endpoint", "model", "provider", "tier", "rule", "status"], registry=r)
        self.duration = Histogram(
            "homeport_request_duration_seconds", "Time from request to the last byte.",
            ["endpoint", "tier"], buckets=DURATION_BUCKETS, registry=r)
        self.ttft = Histogram(
            "homeport_time_to_first_token_seconds", "Time from request to the first token.",
            ["tier"], buckets=TTFT_BUCKETS, registry=r)
        self.tokens = Counter(
            "homeport_tokens", "Tokens by direction (prompt|completion), tier and model.",
            ["direction", "tier", "model"], registry=r)
        self.cost = Counter(
            "homeport_cost", f"Cost of requests in {currency}, by tier; kind=actual (cloud "
            "list price, or local energy + amortisation) or cloud_equivalent (the same tokens "
            "at the reference cloud model's price).", ["tier", "kind"], registry=r)
        self.decisions = Counter(
            "homeport_routing_decisions", "Routing decisions by the rule that made them.",
            ["rule"], registry=r)
        self.fallbacks = Counter(
            "homeport_fallbacks", "Fallbacks (attempts after the first), by the provider "
            "that finally served the request.", ["provider"], registry=r)
        self.errors = Counter(
            "homeport_errors", "Failed requests by error type.", ["type"], registry=r)

    def observe(self, record: RequestRecord) -> None:
        """Count one finished request."""
        tier = self._tier(record.tier)
        model = self._model(record.model_requested)
        self.requests.labels(self._endpoint(record.endpoint), model,
                             self._provider(record.provider), tier, self._rule(record.rule),
                             status_class(record.status)).inc()
        if record.latency_ms is not None:
            self.duration.labels(self._endpoint(record.endpoint), tier).observe(
                record.latency_ms / 1000)
        if record.ttft_ms is not None and record.endpoint != "embeddings":
            self.ttft.labels(tier).observe(record.ttft_ms / 1000)
        self._count_usage(record, tier)
        if record.rule:
            self.decisions.labels(self._rule(record.rule)).inc()
        if record.attempts > 1:
            self.fallbacks.labels(self._provider(record.provider)).inc(record.attempts - 1)
        if record.error_type:
            self.errors.labels(self._error(record.error_type)).inc()

    def _count_usage(self, record: RequestRecord, tier: str) -> None:
        model = self._model(record.model_used or record.model_requested)
        if record.prompt_tokens > 0:
            self.tokens.labels("prompt", tier, model).inc(record.prompt_tokens)
        if record.completion_tokens > 0:
            self.tokens.labels("completion", tier, model).inc(record.completion_tokens)
        if record.cost is not None and record.cost > 0:
            self.cost.labels(tier, "actual").inc(record.cost)
        if record.cost_equivalent is not None and record.cost_equivalent > 0:
            self.cost.labels(tier, "cloud_equivalent").inc(record.cost_equivalent)

    def render(self) -> tuple[bytes, str]:
        """The exposition (Prometheus text format) and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE


class LoadCollector(Collector):
    """Provider load gauges, read from the providers when Prometheus scrapes."""

    def __init__(self, providers: Mapping[str, Provider], overflow: OverflowConfig):
        self._providers = providers
        self._overflow = overflow

    def describe(self) -> Iterator[Metric]:
        return iter(_families())

    def collect(self) -> Iterator[Metric]:
        in_flight, queued, slots, saturated = families = _families()
        for name, provider in self._providers.items():
            try:
                load = provider.load()
            except Exception:  # one broken provider must not break the scrape
                log.warning("reading the load of provider %r failed", name, exc_info=True)
                continue
            in_flight.add_metric([name], load.in_flight)
            queued.add_metric([name], load.queued)
            if load.slots is not None:
                slots.add_metric([name], load.slots)
            if provider.tier == Tier.LOCAL:  # overflow routing only ever watches local ones
                saturated.add_metric([name], 1 if saturation(load, self._overflow) else 0)
        return iter(families)


def _families() -> list[GaugeMetricFamily]:
    def gauge(name: str, doc: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(f"homeport_provider_{name}", doc, labels=["provider"])

    return [gauge("in_flight", "Requests a provider is working on."),
            gauge("queue_depth", "Requests waiting for a provider's slot."),
            gauge("slots", "Parallel capacity of a provider, when known."),
            gauge("saturated", "1 when a local provider counts as saturated (overflow routing).")]
