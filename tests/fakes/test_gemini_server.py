"""The fake Gemini API refuses what the real one refuses, so translation tests can fail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.gemini_server import FakeGemini, Reply, serve_gemini

URL = "/models/gemini-test:{}"
USER = {"role": "user", "parts": [{"text": "hi"}]}
CALL = {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {}}}]}
ANSWER = {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {"r": 1}}}]}
F = {"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "string"}}}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeGemini]:
    async with serve_gemini() as server:
        yield server


async def post(fake: FakeGemini, method: str, body: Any, key: str | None = "test-key",
               query: str = "") -> tuple[int, bytes]:
    headers = {"x-goog-api-key": key} if key else {}
    async with (aiohttp.ClientSession() as session,
                session.post(fake.base_url + URL.format(method) + query, json=body,
                             headers=headers) as resp):
        return resp.status, await resp.read()


def with_tool(schema: dict[str, Any]) -> dict[str, Any]:
    return {"contents": [USER], "tools": [{"functionDeclarations": [
        {"name": "f", "parameters": schema}]}]}


@pytest.mark.parametrize(("body", "needle"), [
    ({"contents": []}, "contents is not specified"),
    ({"messages": [USER]}, 'Unknown name "messages"'),
    ({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}, "valid role"),
    ({"contents": [{"role": "user", "parts": []}]}, "must not be empty"),
    ({"contents": [{"role": "user", "parts": [{"text": ""}]}]}, "empty text"),
    ({"contents": [USER, USER]}, "alternate"),
    ({"contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png",
                                                              "data": "%%%"}}]}]}, "Base64"),
    ({"contents": [USER], "generationConfig": {"max_output_tokens": 5}},
     'Unknown name "max_output_tokens"'),
    ({"contents": [USER], "generationConfig": {"stopSequences": list("abcdef")}}, "at most 5"),
    ({"contents": [USER], "generationConfig": {"responseJsonSchema": {"type": "object"}}},
     "application/json"),
    ({"contents": [USER, CALL, USER]}, "function response parts"),
    ({"contents": [USER, {"role": "model", "parts": [{"text": "x"}]}, ANSWER]},
     "function response parts"),
    ({"contents": [{"role": "model", "parts": [{"functionResponse": {
        "name": "f", "response": {}}}]}]}, "function_response"),
    (with_tool({"type": "object", "additionalProperties": False,
                "properties": {"a": {"type": "string"}}}), 'Unknown name "additionalProperties"'),
    (with_tool({"type": "object", "properties": {}}), "should be non-empty"),
    (with_tool({"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}}),
     "format"),
    (with_tool({"type": "object", "properties": {"a": {"type": "integer", "enum": [1]}}}),
     "only allowed for STRING"),
    (with_tool({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}),
     "property is not defined"),
    ({"contents": [USER], "tools": [{"functionDeclarations": [F]}],
      "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["g"]}}},
     "not a declared function"),
    ({"contents": [USER], "tools": [{"functionDeclarations": [F]}],
      "toolConfig": {"functionCallingConfig": {"mode": "AUTO", "allowedFunctionNames": ["f"]}}},
     "only allowed when mode is ANY"),
])
async def test_rejects_what_gemini_rejects(fake: FakeGemini, body: dict[str, Any],
                                           needle: str) -> None:
    status, raw = await post(fake, "generateContent", body)
    err = json.loads(raw)["error"]
    assert (status, err["code"], err["status"]) == (400, 400, "INVALID_ARGUMENT")
    assert needle in err["message"]


async def test_accepts_a_valid_tool_round_trip(fake: FakeGemini) -> None:
    body = {"contents": [USER, CALL, ANSWER], "tools": [{"functionDeclarations": [F]}],
            "systemInstruction": {"parts": [{"text": "be kind"}]},
            "generationConfig": {"temperature": 0.5, "candidateCount": 1}}
    status, raw = await post(fake, "generateContent", body)
    assert status == 200
    answer = json.loads(raw)
    assert answer["candidates"][0]["content"]["parts"] == [{"text": "Hello from Gemini."}]
    assert answer["candidates"][0]["finishReason"] == "STOP"
    assert answer["usageMetadata"]["promptTokenCount"] == 3  # "hi" + "be kind"


async def test_keys(fake: FakeGemini) -> None:
    status, raw = await post(fake, "generateContent", {"contents": [USER]}, key=None)
    assert (status, json.loads(raw)["error"]["status"]) == (403, "PERMISSION_DENIED")
    status, raw = await post(fake, "generateContent", {"contents": [USER]}, key="nope")
    err = json.loads(raw)["error"]
    assert (status, err["details"][0]["reason"]) == (400, "API_KEY_INVALID")


async def test_sse_stream_shape(fake: FakeGemini) -> None:
    fake.script(Reply.text("a", "b"))
    status, raw = await post(fake, "streamGenerateContent", {"contents": [USER]},
                             query="?alt=sse")
    events = [json.loads(line[6:]) for line in raw.decode().split("\r\n\r\n") if line]
    assert status == 200 and len(events) == 2
    assert "finishReason" not in events[0]["candidates"][0]
    assert events[1]["candidates"][0]["finishReason"] == "STOP"
    assert events[1]["usageMetadata"]["candidatesTokenCount"] == 2


async def test_scripted_http_error(fake: FakeGemini) -> None:
    fake.script(Reply.error(429, "quota"))
    status, raw = await post(fake, "generateContent", {"contents": [USER]})
    assert (status, json.loads(raw)["error"]) == (
        429, {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"})


@pytest.mark.parametrize(("body", "needle"), [
    ({"requests": []}, "not specified"),
    ({"requests": [{"model": "models/other", "content": {"parts": [{"text": "x"}]}}]},
     "does not match"),
    ({"requests": [{"model": "models/gemini-test", "content": {"parts": [{"text": "x"}]}}] * 101},
     "at most 100"),
])
async def test_embed_validation(fake: FakeGemini, body: dict[str, Any], needle: str) -> None:
    status, raw = await post(fake, "batchEmbedContents", body)
    assert status == 400 and needle in json.loads(raw)["error"]["message"]
