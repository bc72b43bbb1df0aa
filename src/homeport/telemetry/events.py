"""Typed records of what happened, consumed by the ledger writer (and later audit and metrics)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(slots=True)
class RequestRecord:
    """One API request, as stored in the `requests` table."""

    id: str
    ts: float
    endpoint: str
    model_requested: str
    key_id: str | None = None
    team: str | None = None
    provider: str | None = None
    model_used: str | None = None
    rule: str | None = None
    stream: bool = False
    status: int = 200
    error_type: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float | None = None
    ttft_ms: float | None = None
    attempts: int = 0
    sensitivity: str | None = None  # effective sensitivity of the content
    entity_types: str | None = None  # comma-separated types found (never the values)
    task: str | None = None  # task type, when the router assessed it
    pseudonymized: bool = False
    reasons: str | None = None  # why the router decided as it did
    tier: str | None = None  # local | cloud, of the provider that served it
    cost: float | None = None  # currency: cloud list price, or local energy + amortisation
    cost_equivalent: float | None = None  # the same tokens at the reference cloud model's price
    energy_wh: float | None = None
    busy_s: float | None = None  # seconds a local provider worked on it
    # prompt and answer text, only with telemetry.log_prompts (never stored in the ledger)
    prompt_text: str | None = None
    answer_text: str | None = None
    traceparent: str | None = None  # the client's W3C traceparent header, when valid

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = [f.name for f in fields(RequestRecord)]
