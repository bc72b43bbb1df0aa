"""Builds providers from settings and resolves model names (and aliases) to them."""

from __future__ import annotations

import asyncio
import importlib
import time
from typing import Any

from homeport.errors import ModelNotFound
from homeport.providers.base import Provider
from homeport.settings import ModelConfig, Settings

# provider type -> "module:Class", imported only when a provider of that type is configured
_TYPES = {
    "llamacpp": "homeport.providers.llamacpp:LlamaCppProvider",
    "embedder": "homeport.providers.embedder:EmbedderProvider",
    "openai": "homeport.providers.openai:OpenAIProvider",
    "anthropic": "homeport.providers.anthropic:AnthropicProvider",
    "gemini": "homeport.providers.gemini:GeminiProvider",
}


def build_provider(cfg: Any) -> Provider:
    module, _, cls = _TYPES[cfg.type].partition(":")
    provider_cls = getattr(importlib.import_module(module), cls)
    provider: Provider = provider_cls(cfg)
    return provider


class Registry:
    def __init__(self, settings: Settings):
        self.providers: dict[str, Provider] = {
            p.name: build_provider(p) for p in settings.all_providers()}
        self.models: list[ModelConfig] = settings.all_models()
        self._by_name = {n: m for m in self.models for n in (m.name, *m.aliases)}
        self.created = int(time.time())

    def resolve(self, name: str, kind: str | None = None) -> ModelConfig:
        """The model a client asked for (of `kind`, if given), or 404 listing what exists."""
        model = self._by_name.get(name)
        if model is None or (kind is not None and model.kind != kind):
            label = f"{kind} models" if kind else "models"
            available = ", ".join(m.name for m in self.models
                                  if kind is None or m.kind == kind) or "none"
            raise ModelNotFound(f"The model '{name}' does not exist. Available {label}: "
                                f"{available}.", param="model")
        return model

    def get(self, name: str) -> ModelConfig:
        return self._by_name[name]

    def find(self, name: str) -> ModelConfig | None:
        return self._by_name.get(name)

    async def start(self) -> None:
        await asyncio.gather(*(p.start() for p in self.providers.values()))

    async def close(self) -> None:
        await asyncio.gather(*(p.close() for p in self.providers.values()),
                             return_exceptions=True)

    def ready(self) -> bool:
        return all(p.ready() for p in self.providers.values())
