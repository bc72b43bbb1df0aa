"""Configuration: the documented shapes load, invalid ones fail naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeport.errors import ConfigError
from homeport.settings import load_settings
from homeport.types import Sensitivity, Tier


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "homeport.yaml"
    path.write_text(text)
    return path


def test_defaults_serve_the_embedded_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOMEPORT_CONFIG", raising=False)
    s = load_settings()
    models = {m.name: m for m in s.all_models()}
    assert models["local"].kind == "chat" and "SmolLM2-135M-Instruct" in models["local"].aliases
    assert models["local-embed"].kind == "embedding"
    local = s.all_providers()[0]
    assert local.effective_tier() == Tier.LOCAL
    assert local.effective_clearance() == Sensitivity.RESTRICTED


def test_issue_example_config(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, """
providers:
  - {name: cloud, type: openai, base_url: "http://127.0.0.1:9999/v1", api_key: sk-x, tier: cloud}
models:
  - {name: gpt-4o, provider: cloud, fallbacks: [local]}
"""))
    cloud = next(p for p in s.all_providers() if p.name == "cloud")
    assert cloud.effective_clearance() == Sensitivity.INTERNAL
    assert next(m for m in s.all_models() if m.name == "gpt-4o").fallbacks == ["local"]


def test_other_gguf_is_one_line(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, "embedded: {chat: {model_path: /models/qwen.gguf, "
                                      "n_gpu_layers: -1}}\n"))
    local = s.all_providers()[0]
    assert local.model_path == "/models/qwen.gguf" and local.n_gpu_layers == -1
    assert "qwen" in next(m for m in s.all_models() if m.name == "local").aliases


def test_precedence_flags_over_env_over_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "port: 7000\nmax_body_bytes: 4096\nembedded: {chat: {n_ctx: 1024}}\n")
    monkeypatch.setenv("HOMEPORT_PORT", "7100")
    monkeypatch.setenv("HOMEPORT_EMBEDDED__CHAT__N_GPU_LAYERS", "8")
    s = load_settings(path)
    assert s.port == 7100 and s.max_body_bytes == 4096
    assert s.embedded.chat is not None
    assert (s.embedded.chat.n_ctx, s.embedded.chat.n_gpu_layers) == (1024, 8)
    assert load_settings(path, port=7200).port == 7200
    monkeypatch.setenv("HOMEPORT_CONFIG", str(path))
    assert load_settings().max_body_bytes == 4096


def test_disabling_embedded_models(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, "embedded: {chat: null, embeddings: null}\n"))
    assert s.all_providers() == [] and s.all_models() == []


@pytest.mark.parametrize("text, words", [
    ("providers:\n  - {name: cloud, type: openai}\n", ["providers.0.openai.base_url",
                                                       "required"]),
    ("providers:\n  - {name: c, type: openai, base_url: x}\n", ["base_url", "http://"]),
    ("providers:\n  - {name: c, type: nope, base_url: http://x}\n", ["providers.0", "type"]),
    ("models:\n  - {name: m, provider: ghost}\n", ["models.0.provider", "ghost"]),
    ("models:\n  - {name: m, provider: local, fallbacks: [nope]}\n", ["models.0.fallbacks",
                                                                      "nope"]),
    ("port: high\n", ["port"]),
    ("prot: 8080\n", ["prot", "not permitted"]),
    ("embedded: {chat: {n_ctx: 10}}\n", ["embedded.chat.n_ctx"]),
    ("providers:\n  - {name: local, type: openai, base_url: 'http://x'}\n"
     "  - {name: local, type: openai, base_url: 'http://y'}\n", ["local", "twice"]),
    ("- just\n- a list\n", ["mapping"]),
    ("port: [\n", ["YAML"]),
])
def test_invalid_config_names_the_field(tmp_path: Path, text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    for w in words:
        assert w in str(e.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "absent.yaml")
