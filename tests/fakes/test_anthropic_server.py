"""The fake Messages API refuses what the real one refuses, so translation tests can fail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.anthropic_server import FakeAnthropic, Reply, ToolUse, serve_anthropic


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with serve_anthropic() as server:
        yield server


GOOD: dict[str, Any] = {"model": "m", "max_tokens": 5,
                        "messages": [{"role": "user", "content": "hi"}]}
TOOL_TURN = {"role": "assistant", "content": [
    {"type": "tool_use", "id": "t1", "name": "f", "input": {}}]}
TOOLS = [{"name": "f", "input_schema": {"type": "object"}}]

HEADERS = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}


async def post(fake: FakeAnthropic, body: Any, headers: dict[str, str]) -> tuple[int, bytes]:
    async with (aiohttp.ClientSession() as session,
                session.post(fake.base_url + "/v1/messages", json=body, headers=headers) as resp):
        return resp.status, await resp.read()


@pytest.mark.parametrize(("body", "message"), [
    ({"model": "m", "messages": GOOD["messages"]}, "max_tokens: Field required"),
    ({**GOOD, "stop": ["x"]}, "stop: Extra inputs"),
    ({**GOOD, "messages": [{"role": "system", "content": "s"}, *GOOD["messages"]]},
     "messages.0.role"),
    ({**GOOD, "messages": [*GOOD["messages"], {"role": "user", "content": "again"}]},
     "roles must alternate"),
    ({**GOOD, "messages": [{"role": "assistant", "content": "hi"}]}, "first message"),
    ({**GOOD, "messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]},
     "non-empty"),
    ({**GOOD, "tools": TOOLS, "messages": [*GOOD["messages"], TOOL_TURN,
                                            {"role": "user", "content": "no result"}]},
     "without `tool_result` blocks"),
    ({**GOOD, "tools": TOOLS, "messages": [{"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "nope", "content": "r"}]}]},
     "unexpected `tool_use_id`"),
    ({**GOOD, "tools": TOOLS, "messages": [*GOOD["messages"], TOOL_TURN, {
        "role": "user", "content": [{"type": "text", "text": "first"},
                                    {"type": "tool_result", "tool_use_id": "t1"}]}]},
     "at the beginning of this message"),
    ({**GOOD, "messages": [*GOOD["messages"], TOOL_TURN, {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1"}]}]}, "must define tools"),
    ({**GOOD, "messages": [*GOOD["messages"], {"role": "assistant", "content": "a "}]},
     "trailing whitespace"),
    ({**GOOD, "tool_choice": {"type": "any"}}, "while providing tools"),
    ({**GOOD, "temperature": 1.5}, "temperature"),
])
async def test_fake_rejects_what_the_api_rejects(fake: FakeAnthropic, body: dict[str, Any],
                                                 message: str) -> None:
    assert (await post(fake, GOOD, HEADERS))[0] == 200
    status, raw = await post(fake, body, HEADERS)
    assert status == 400
    answer = json.loads(raw)
    assert answer["type"] == "error"
    assert answer["error"]["type"] == "invalid_request_error"
    assert message in answer["error"]["message"]



async def test_fake_checks_headers_and_answers_scripted_errors(fake: FakeAnthropic) -> None:
    assert (await post(fake, GOOD, {"anthropic-version": "2023-06-01"}))[0] == 401
    assert (await post(fake, GOOD, {"x-api-key": "test-key"}))[0] == 400
    fake.script(Reply(status=529, error_message="Overloaded"))
    status, raw = await post(fake, GOOD, HEADERS)
    assert status == 529
    assert json.loads(raw)["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    assert fake.requests[-1].headers["x-api-key"] == "test-key"


async def test_fake_stream_follows_the_event_grammar(fake: FakeAnthropic) -> None:
    fake.script(Reply(blocks=["a", "b", ToolUse("f", {"k": "v"})], json_piece=3))
    status, raw = await post(fake, {**GOOD, "stream": True, "tools": TOOLS}, HEADERS)
    assert status == 200
    events = [e.split("\n") for e in raw.decode().strip().split("\n\n")]
    names = [e[0].removeprefix("event: ") for e in events]
    datas = [json.loads(e[1].removeprefix("data: ")) for e in events]
    assert all(d["type"] == n for n, d in zip(names, datas, strict=True))
    assert names[:3] == ["message_start", "ping", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert datas[-2]["delta"]["stop_reason"] == "tool_use"
    pieces = [d["delta"].get("partial_json", "") for d in datas
              if d["type"] == "content_block_delta" and d["index"] == 1]
    assert json.loads("".join(pieces)) == {"k": "v"} and len(pieces) > 2
