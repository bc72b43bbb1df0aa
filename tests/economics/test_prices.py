"""The price catalog: the shipped dated prices, name matching, overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from homeport.economics.prices import Price, PriceCatalog
from homeport.errors import ConfigError
from homeport.settings_ops import EconomicsConfig

REQUIRED = [
    "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o4-mini", "o1",
    "gpt-3.5-turbo", "text-embedding-3-small", "text-embedding-3-large", "claude-3-5-haiku",
    "claude-3-5-sonnet", "claude-3-7-sonnet", "claude-sonnet-4", "claude-opus-4",
    "claude-3-haiku", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash",
    "gemini-1.5-pro", "gemini-1.5-flash", "mistral-large", "mistral-small",
]


@pytest.fixture(scope="module")
def catalog() -> PriceCatalog:
    return PriceCatalog(EconomicsConfig())


def test_shipped_catalog_is_dated_and_covers_the_main_models(catalog: PriceCatalog) -> None:
    assert isinstance(catalog.date, dt.date) and catalog.date.year >= 2025
    assert catalog.currency == "USD" and "economics.prices" in catalog.source
    for name in REQUIRED:
        assert name in catalog.models(), name
    assert catalog.get("gpt-4o") == Price(2.50, 10.00)
    assert catalog.get("text-embedding-3-small") == Price(0.02, 0.0)
    assert all(p.input > 0 and p.output >= 0 for p in catalog.models().values())


@pytest.mark.parametrize(("asked", "priced_as"), [
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),  # the trap: never gpt-4o's price
    ("openai/gpt-4o-mini", "gpt-4o-mini"),
    ("GPT-4o-Mini", "gpt-4o-mini"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
    ("gpt-4.1-nano", "gpt-4.1-nano"),
    ("o4-mini-2025-04-16", "o4-mini"),
    ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
    ("gpt-4-1106-preview", "gpt-4-1106-preview"),  # GPT-4 Turbo, not GPT-4
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
    ("claude-sonnet-4-0", "claude-sonnet-4"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4"),
    ("claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("anthropic/claude-3.7-sonnet", "claude-3-7-sonnet"),
    ("gemini-2.5-flash-001", "gemini-2.5-flash"),
    ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite"),
    ("models/gemini-1.5-pro-002", "gemini-1.5-pro"),
    ("gemini-2.5-pro-preview-05-06", "gemini-2.5-pro"),
    ("mistral-large-latest", "mistral-large"),
    ("mistral-small-2503", "mistral-small"),
])
def test_names_match_their_own_model(catalog: PriceCatalog, asked: str, priced_as: str) -> None:
    assert catalog.get(asked) == catalog.models()[priced_as]


def test_mini_and_nano_prices_differ_from_the_big_model(catalog: PriceCatalog) -> None:
    assert catalog.get("gpt-4o-mini") != catalog.get("gpt-4o")
    assert catalog.get("gpt-4.1-nano") != catalog.get("gpt-4.1")


@pytest.mark.parametrize("name", ["gpt-4o-audio-preview", "my-llm", "claude-3-5", "gpt",
                                  "-latest", "mistral-tiny-2"])
def test_unknown_models_have_no_price(catalog: PriceCatalog, name: str) -> None:
    assert catalog.get(name) is None
    assert catalog.cost(name, 1000, 1000) is None


def test_cost_per_million_tokens(catalog: PriceCatalog) -> None:
    # 1,000 prompt tokens at $2.50/M + 500 completion tokens at $10/M
    assert catalog.cost("gpt-4o", 1000, 500) == pytest.approx(0.0025 + 0.005)
    assert catalog.cost("gpt-4o-mini", 0, 0) == 0.0


def test_config_prices_override_and_add() -> None:
    cfg = EconomicsConfig.model_validate({"prices": {
        "gpt-4o": {"input": 1.0, "output": 2.0},
        "Acme-LLM": {"input": 0.5, "output": 0.5}}})
    catalog = PriceCatalog(cfg)
    assert catalog.get("gpt-4o") == Price(1.0, 2.0)
    assert catalog.get("gpt-4o-2024-08-06") == Price(1.0, 2.0)  # snapshots follow the override
    assert catalog.get("gpt-4o-mini") == Price(0.15, 0.60)  # the rest is untouched
    assert catalog.get("acme-llm") == Price(0.5, 0.5)
    assert catalog.cost("Acme-LLM", 2_000_000, 0) == pytest.approx(1.0)


def test_an_unpriced_reference_model_fails_at_construction() -> None:
    with pytest.raises(ConfigError) as e:
        PriceCatalog(EconomicsConfig(reference_model="acme-llm"))
    assert "acme-llm" in str(e.value) and "economics.prices" in str(e.value)
    priced = EconomicsConfig.model_validate({"reference_model": "acme-llm", "prices": {
        "acme-llm": {"input": 1, "output": 1}}})
    assert PriceCatalog(priced).get("acme-llm") == Price(1, 1)
