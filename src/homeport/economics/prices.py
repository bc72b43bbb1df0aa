"""The price catalog: cloud list prices per million tokens, from the dated catalog shipped in
`economics/data/prices.yaml`, overridden and extended by `economics.prices` in the config."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from homeport.errors import ConfigError
from homeport.settings_ops import EconomicsConfig, PriceConfig

MILLION = 1_000_000
# Suffixes that name a snapshot or a channel of the same model: -latest, -2024-08-06,
# -20241022, -0125 / -002 / -2411, -0 (claude-sonnet-4-0), -preview[-05-06], -exp[-03-25].
_SUFFIX = re.compile(r"-(latest|\d{4}-\d{2}-\d{2}|\d{8}|\d{3,4}|0|(preview|exp)(-\d{2}-\d{2})?)$")
_CACHE_MAX = 1024


@dataclass(frozen=True, slots=True)
class Price:
    """List price per million input (prompt) and output (completion) tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """prompt_tokens * input / 1e6 + completion_tokens * output / 1e6."""
        return (prompt_tokens * self.input + completion_tokens * self.output) / MILLION


class PriceCatalog:
    """Prices by model name. `get` accepts the names clients and SDKs use for the same model:
    any case, a provider prefix (`openai/gpt-4o`) and snapshot suffixes (`gpt-4o-2024-08-06`)."""

    def __init__(self, cfg: EconomicsConfig):
        shipped = _load_shipped()
        self.date: dt.date = shipped["date"]
        self.currency: str = shipped["currency"]
        self.source: str = shipped["source"]
        prices = {**shipped["models"], **{k: _price(v) for k, v in cfg.prices.items()}}
        self._exact: dict[str, Price] = prices
        self._lower: dict[str, Price] = {k.lower(): v for k, v in prices.items()}
        self._cache: dict[str, Price | None] = {}
        if self.get(cfg.reference_model) is None:
            raise ConfigError(
                f"economics.reference_model: {cfg.reference_model!r} has no price in the catalog "
                f"({self.date}); add it under economics.prices as {{input: ..., output: ...}} "
                "(per million tokens) or choose a catalog model such as gpt-4o-mini")

    def models(self) -> dict[str, Price]:
        """Every priced model name (shipped and configured)."""
        return dict(self._exact)

    def get(self, model: str) -> Price | None:
        """The price of `model`, or None when no catalog name matches it."""
        if model in self._exact:
            return self._exact[model]
        if model not in self._cache:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[model] = next(
                (self._lower[c] for c in _candidates(model) if c in self._lower), None)
        return self._cache[model]

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """List-price cost of one call, or None for a model without a price."""
        price = self.get(model)
        return None if price is None else price.cost(prompt_tokens, completion_tokens)


def _candidates(model: str) -> Iterator[str]:
    """Names to look up, most specific first. Only snapshot suffixes are removed, never a
    word of the name, so `gpt-4o-mini-2024-07-18` can become `gpt-4o-mini` but not `gpt-4o`."""
    name = model.strip().lower()
    yield name
    name = name.rsplit("/", 1)[-1]  # openai/gpt-4o, models/gemini-1.5-pro
    if name.startswith("claude-"):
        name = name.replace(".", "-")  # claude-3.5-sonnet (OpenRouter) -> claude-3-5-sonnet
    yield name
    while (m := _SUFFIX.search(name)) and m.start() > 0:
        name = name[: m.start()]
        yield name


def _price(cfg: PriceConfig) -> Price:
    return Price(input=cfg.input, output=cfg.output)


def _load_shipped() -> dict[str, Any]:
    """The catalog shipped with Homeport, validated."""
    text = resources.files("homeport.economics").joinpath("data/prices.yaml").read_text()
    raw = yaml.safe_load(text)
    try:
        models = {str(k): _price(PriceConfig.model_validate(v)) for k, v in raw["models"].items()}
    except (KeyError, TypeError, AttributeError, ValidationError) as e:
        raise ConfigError(f"the shipped price catalog is malformed ({e}); reinstall Homeport") \
            from e
    date = raw.get("date")
    if not isinstance(date, dt.date):
        raise ConfigError("the shipped price catalog has no date; reinstall Homeport")
    return {"date": date, "currency": str(raw.get("currency", "USD")),
            "source": str(raw.get("source", "")), "models": models}
