"""Structured logs: JSON lines with the request id, an access line per request, no prompts."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from homeport.settings_ops import TelemetryConfig
from homeport.telemetry.events import RequestRecord
from homeport.telemetry.logs import access_log, configure_logging, set_request_id

PROMPT = "My card is 4111 1111 1111 1111, summarise my diagnosis"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    yield out
    for h in root.handlers:  # put back what pytest had
        if getattr(h, "homeport", False):
            root.removeHandler(h)
    for h in handlers:
        if h not in root.handlers:
            root.addHandler(h)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_with_request_id_fields_and_exception(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(), "info", stream)
    log = logging.getLogger("homeport.test")
    log.debug("not at info")
    token = set_request_id("req_42")
    try:
        log.info("hello %s", "world", extra={"fields": {"n": 3, "level": "ignored"}})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        from homeport.telemetry.logs import request_id
        request_id.reset(token)
    log.warning("outside")
    first, second, third = lines(stream)
    assert first["message"] == "hello world" and first["level"] == "info"
    assert first["logger"] == "homeport.test" and first["request_id"] == "req_42"
    assert first["n"] == 3 and first["ts"].endswith("Z")
    assert second["level"] == "error" and "ValueError: boom" in second["exception"]
    assert second["request_id"] == "req_42"
    assert "request_id" not in third


async def test_request_id_follows_each_task(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(), "info", stream)
    log = logging.getLogger("homeport.test")

    async def serve(rid: str) -> None:
        set_request_id(rid)
        await asyncio.sleep(0)
        log.info("step")

    await asyncio.gather(serve("a"), serve("b"))
    assert sorted(line["request_id"] for line in lines(stream)) == ["a", "b"]


def test_configure_twice_does_not_duplicate(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(), "info", stream)
    configure_logging(TelemetryConfig(), "info", stream)
    logging.getLogger("homeport.test").info("once")
    assert len(lines(stream)) == 1
    assert logging.getLogger("uvicorn.access").getEffectiveLevel() == logging.WARNING


def test_access_log_has_the_request_and_no_prompt(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(log_prompts=True), "info", stream)
    record = RequestRecord(
        id="req_7", ts=0.0, endpoint="chat", model_requested="auto", provider="local",
        model_used="smollm2", tier="local", rule="secrets", team="legal", key_id="key_1",
        status=200, prompt_tokens=12, completion_tokens=5, latency_ms=820.5, ttft_ms=91.0,
        cost=0.0001, reasons="entities PERSON found", entity_types="PERSON")
    set_request_id(None)
    access_log(record, log_prompts=True)
    [line] = lines(stream)
    assert line["logger"] == "homeport.access" and line["request_id"] == "req_7"
    assert line["message"] == "chat auto -> local/smollm2 200"
    expected = {"team": "legal", "key_id": "key_1", "endpoint": "chat",
                "model_requested": "auto", "model_used": "smollm2", "provider": "local",
                "tier": "local", "rule": "secrets", "status": 200, "prompt_tokens": 12,
                "completion_tokens": 5, "latency_ms": 820.5, "ttft_ms": 91.0, "cost": 0.0001}
    # only these keys: nothing that could carry content (reasons, entities, text) is logged
    assert line.items() >= expected.items()
    assert set(line) == {*expected, "ts", "level", "logger", "message", "request_id", "stream"}


def test_prompt_and_answer_only_when_explicitly_enabled(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(), "info", stream)
    record = RequestRecord(id="req_8", ts=0.0, endpoint="chat", model_requested="local",
                           prompt_text="What is in ward 7?", answer_text="Beds.")
    access_log(record, log_prompts=False)
    access_log(record, log_prompts=True)
    off, on = lines(stream)
    assert "prompt" not in off and "answer" not in off
    assert on["prompt"] == "What is in ward 7?" and on["answer"] == "Beds."


def test_prompt_text_in_a_log_call_is_not_added_by_context(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(), "info", stream)
    set_request_id("req_8")
    logging.getLogger("homeport.test").info("routed", extra={"prompt": PROMPT})
    set_request_id(None)
    assert "4111" not in stream.getvalue()  # only `fields` extras are written


def test_text_format(stream: io.StringIO) -> None:
    configure_logging(TelemetryConfig(log_format="text"), "info", stream)
    set_request_id("req_9")
    logging.getLogger("homeport.test").info("plain", extra={"fields": {"k": "v"}})
    set_request_id(None)
    text = stream.getvalue()
    assert "INFO homeport.test: plain request_id=req_9 k=v" in text
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(text)
