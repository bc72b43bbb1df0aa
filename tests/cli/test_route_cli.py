"""`homeport route explain` and `homeport route calibrate`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import homeport


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("route-cli")  # shared: the seed embeddings are cached here


def test_explain_prints_the_decision_as_json(data_dir: Path) -> None:
    r = homeport("route", "explain", "--json", "--model", "auto",
                 "Refund card 4111 1111 1111 1111 for Dana Whitfield", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["route"] == "local/local" and body["sensitivity"] == "restricted"
    assert {"CREDIT_CARD", "PERSON"} <= set(body["entity_types"])
    assert body["task"] and 0 <= body["complexity"] <= 1


def test_explain_reads_a_chat_body_and_a_declared_level(data_dir: Path, tmp_path: Path) -> None:
    body = tmp_path / "req.json"
    body.write_text(json.dumps({"model": "local", "messages": [
        {"role": "user", "content": "What is the boiling point of water?"}]}))
    r = homeport("route", "explain", "--file", str(body), "--sensitivity", "confidential",
                 data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    assert "local/local" in r.stdout and "confidential" in r.stdout
    bad = homeport("route", "explain", "--sensitivity", "secret", "hi", data_dir=data_dir)
    assert bad.returncode != 0 and "sensitivity" in bad.stderr


def test_calibrate_saves_a_threshold_for_the_local_share(data_dir: Path,
                                                         tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("\n".join([
        "Hi there!", "Translate 'good morning' into French.", "What is 2 + 2?",
        "Summarise this sentence: the cat sat on the mat.", "Is this review positive? 'Great!'",
        "Prove that there are infinitely many primes, then generalise to primes 4k+3.",
        "Design a distributed rate limiter with Redis and explain its failure modes.",
        "Write a haiku about rain.", "Extract the date from: meeting on 3 May.",
        "Compare the tax treatment of LLCs and S-corps for a two-founder startup."]))
    r = homeport("route", "calibrate", "--local-share", "0.8", "--prompts", str(prompts),
                 data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    saved = json.loads((data_dir / "routing-calibration.json").read_text())
    assert saved["local_share"] == 0.8 and saved["prompts"] == 10
    assert 0 <= saved["complexity_threshold"] <= 1
    assert "8/10 prompts" in r.stdout
    explained = json.loads(homeport("route", "explain", "--json", "hi",
                                    data_dir=data_dir).stdout)
    assert explained["complexity_threshold"] == pytest.approx(saved["complexity_threshold"])


def test_calibrate_rejects_an_empty_file(data_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    r = homeport("route", "calibrate", "--local-share", "0.8", "--prompts", str(empty),
                 data_dir=data_dir)
    assert r.returncode != 0 and "no prompts" in r.stderr
