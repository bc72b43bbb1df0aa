"""`homeport models fit`, through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import homeport.cli.models  # noqa: F401  (registers the command)
from homeport.cli.main import cli
from homeport.providers.modelfiles import SMOLLM2_GGUF, locate


def run(tmp_path: Path, *args: str, ram_gb: float = 64, extra: str = "") -> Result:
    config = tmp_path / "homeport.yaml"
    config.write_text(f"economics: {{hardware: {{ram_gb: {ram_gb}, gpu_memory_gb: 0}}}}\n{extra}")
    return CliRunner().invoke(cli, ["models", *args, "--config", str(config),
                                    "--data-dir", str(tmp_path)])


def test_params_fit_in_ram(tmp_path: Path) -> None:
    r = run(tmp_path, "fit", "--params", "8B", "--quant", "Q4_K_M", "--ctx", "8192",
            "--parallel", "4")
    assert r.exit_code == 0, r.output
    assert "fits in CPU RAM" in r.output and "8B Q4_K_M" in r.output


def test_params_do_not_fit_a_small_machine(tmp_path: Path) -> None:
    r = run(tmp_path, "fit", "--params", "8B", "--ctx", "8192", "--parallel", "4", ram_gb=8)
    assert r.exit_code == 1, r.output
    assert "does not fit" in r.output and "short by" in r.output


def test_json_output(tmp_path: Path) -> None:
    r = run(tmp_path, "fit", "--params", "70B", "--quant", "q8_0", "--format", "json")
    assert r.exit_code == 1, r.output
    body = json.loads(r.output)
    assert body["fits"] is False and body["where"] == "none" and body["quant"] == "Q8_0"
    assert body["total_gib"] == pytest.approx(body["weights_gib"] + body["kv_cache_gib"]
                                              + body["overhead_gib"], abs=0.002)
    assert body["ram_gib"] == 64 and body["margin_gib"] < 0


@pytest.mark.parametrize(("args", "says"), [
    (["--params", "8B", "--quant", "Q4_K_XL"], "Q4_K_M"),
    (["--params", "huge"], "8B"),
    (["nope"], "configured local model"),
    (["cloud"], "not served from a local GGUF"),
    (["local", "--params", "8B"], "not both"),
])
def test_bad_input_exits_2_saying_what_to_fix(tmp_path: Path, args: list[str],
                                              says: str) -> None:
    extra = ("providers: [{type: openai, name: oa, base_url: 'https://api.openai.com/v1'}]\n"
             "models: [{name: cloud, provider: oa}]\n")
    r = run(tmp_path, "fit", *args, extra=extra)
    assert r.exit_code == 2, r.output
    assert says in r.output


def test_configured_models_listed_with_their_fit(tmp_path: Path) -> None:
    r = run(tmp_path, "fit", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["model"], x["quant"], x["ctx"], x["parallel"], x["where"]) for x in rows] == [
        ("local", "Q4_1", 4096, 1, "cpu")]
    tiny = run(tmp_path, "fit", ram_gb=0.1)
    assert tiny.exit_code == 1 and "does not fit" in tiny.output


def test_a_configured_alias_and_a_gguf_path(tmp_path: Path) -> None:
    by_alias = run(tmp_path, "fit", "SmolLM2-135M-Instruct", "--parallel", "2", "--format",
                   "json")
    assert by_alias.exit_code == 0, by_alias.output
    body = json.loads(by_alias.output)
    assert (body["model"], body["parallel"]) == ("SmolLM2-135M-Instruct", 2)
    by_path = run(tmp_path, "fit", str(locate(SMOLLM2_GGUF)), "--ctx", "2048")
    assert by_path.exit_code == 0, by_path.output
    assert "2048 x 1" in by_path.output and "fits in CPU RAM" in by_path.output


def test_models_still_lists_models(tmp_path: Path) -> None:
    r = run(tmp_path)
    assert r.exit_code == 0, r.output
    assert "local-embed" in r.output
