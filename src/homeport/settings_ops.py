"""Settings of operations: governance (budgets, rate limits, audit), economics (prices, the
hardware profile, break-even) and telemetry (metrics, traces, logs). Part of `Settings`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TASK_TYPES = ("classification", "extraction", "summarisation", "translation", "chat", "code",
              "reasoning", "creative_writing")
BudgetPeriod = Literal["day", "week", "month"]
OnExhausted = Literal["local", "reject"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GovernanceConfig(_Strict):
    redis_url: str | None = Field(
        None, description="Redis URL (redis://host:6379/0) for rate limits and budget counters "
        "shared by several gateway replicas. Default: counted in-process (one node).")
    on_budget_exhausted: OnExhausted = Field(
        "local", description="When a team's or key's budget is spent: `local` sends its "
        "requests to local models only; `reject` answers 429 naming the budget and when it "
        "resets. A team or key can override it.")
    default_max_tokens: int = Field(
        4096, ge=1, description="Completion tokens a request without max_tokens is assumed "
        "to use when its largest cost is reserved against a budget.")
    audit_fsync: bool = Field(
        True, description="SQLite: fsync each audit append, so an egress record survives a "
        "power loss, not only a crash (~2 ms per request at low load; bench/audit). Postgres "
        "follows its own synchronous_commit.")
    key_limits_ttl_s: float = Field(5.0, ge=0, description="How long team limits and budgets "
                                    "are cached; an admin change applies within this time.")


class PriceConfig(_Strict):
    input: float = Field(ge=0, description="Price per million input (prompt) tokens.")
    output: float = Field(ge=0, description="Price per million output (completion) tokens.")


class HardwareProfile(_Strict):
    name: str = Field("this machine", description="What the hardware is, for reports.")
    price: float = Field(0.0, ge=0, description="Purchase price of the hardware serving local "
                         "models (currency).")
    amortisation_months: float = Field(36, gt=0, description="Months over which the price is "
                                       "written off.")
    watts: float = Field(65, ge=0, description="Average power draw while serving (W).")
    idle_watts: float = Field(0, ge=0, description="Power draw while idle (W), for the monthly "
                              "running cost in break-even.")
    price_per_kwh: float = Field(0.30, ge=0, description="Electricity price per kWh.")
    pue: float = Field(1.0, ge=1, description="Power usage effectiveness of the room (1.0 for "
                       "an office, ~1.5 for a typical data centre).")
    monthly_operations: float = Field(0.0, ge=0, description="Other monthly costs of running "
                                      "it (hosting, support), for break-even.")
    gpu_memory_gb: float | None = Field(None, ge=0, description="GPU memory (GiB) for `models "
                                        "fit`; default: detected (nvidia-smi), else none.")
    ram_gb: float | None = Field(None, ge=0, description="System memory (GiB) for `models fit`; "
                                 "default: detected.")


class BreakevenConfig(_Strict):
    min_daily_requests: float = Field(
        500, ge=0, description="A workload counts as high volume from this many requests a day.")
    max_volume_cv: float = Field(
        0.5, ge=0, description="...and as predictable when the coefficient of variation of its "
        "daily request counts is at most this.")
    min_monthly_cloud_cost: float = Field(
        100, ge=0, description="A workload's monthly cloud(-equivalent) cost that counts as "
        "meaningful.")
    local_quality_tasks: list[str] = Field(
        ["classification", "extraction", "summarisation", "translation", "chat"],
        description="Task types for which open-weight quality is acceptable.")
    regulated: Literal["confidential", "restricted"] = Field(
        "confidential", description="Workloads with content at or above this sensitivity are "
        "regulated: local regardless.")

    @field_validator("local_quality_tasks")
    @classmethod
    def _known_tasks(cls, v: list[str]) -> list[str]:
        unknown = set(v) - set(TASK_TYPES)
        if unknown:
            raise ValueError(f"unknown task types {sorted(unknown)}; known: "
                             f"{', '.join(TASK_TYPES)}")
        return v


class EconomicsConfig(_Strict):
    currency: str = Field("USD", description="Currency of prices, budgets and reports. The "
                          "shipped catalog is in USD: with another currency, give every price "
                          "you use under `prices`.")
    prices: dict[str, PriceConfig] = Field(
        default_factory=dict, description="Per-million-token prices by upstream model name, "
        "overriding the dated catalog shipped with Homeport (economics/data/prices.yaml).")
    reference_model: str = Field(
        "gpt-4o-mini", description="Cloud model (a catalog or `prices` entry) every call is "
        "also priced at: the cloud-equivalent cost.")
    hardware: HardwareProfile = Field(default_factory=HardwareProfile,
                                      description="The hardware serving local models.")
    breakeven: BreakevenConfig = Field(default_factory=BreakevenConfig,
                                       description="The decision rule's thresholds.")


class WebConfig(_Strict):
    enabled: bool = Field(True, description="Serve the web UI at /.")
    session_secret: str | None = Field(
        None, description="Key that signs session cookies (set the same one on every replica). "
        "Default: a random key kept in data_dir/web-secret.")
    session_hours: float = Field(12, gt=0, description="How long a login lasts.")
    secure_cookies: bool = Field(False, description="Send cookies only over HTTPS (turn on "
                                 "behind a TLS proxy).")


class TelemetryConfig(_Strict):
    metrics: bool = Field(True, description="Serve Prometheus metrics at /metrics.")
    metrics_auth: bool = Field(False, description="Require an admin or auditor key for "
                               "/metrics.")
    otlp_endpoint: str | None = Field(
        None, description="OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces "
        "(Jaeger, Tempo, Langfuse, an OpenTelemetry collector). Default: no traces.")
    otlp_headers: dict[str, str] = Field(default_factory=dict, description="Headers sent with "
                                         "traces (e.g. Langfuse's Authorization).")
    service_name: str = Field("homeport", description="service.name of traces.")
    log_format: Literal["json", "text"] = Field("json", description="Log line format.")
    log_prompts: bool = Field(False, description="Put prompt and answer text in logs and "
                              "traces. Off: only sizes, hashes and routing.")
