"""Bad input against a real server: each gets the right OpenAI-shaped error, and the server
keeps serving afterwards."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess, SpecValidator

AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}
CHAT = {"model": "local", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2}


def post(server: ServerProcess, path: str, content: bytes | str, headers: dict[str, str] | None
         = None) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", content=content, timeout=30,
                      headers={"content-type": "application/json", **AUTH, **(headers or {})})


def assert_error(r: httpx.Response, status: int, spec: SpecValidator, *words: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    spec.validate("ErrorResponse", body)
    for w in words:
        assert w in body["error"]["message"], body


@pytest.mark.parametrize("body, words", [
    (b'{"model": "local", "messages": [', ["JSON"]),
    (b"not json at all", ["JSON"]),
    (b"", ["empty"]),
    (b"[1, 2]", ["JSON object"]),
])
def test_malformed_json(server: ServerProcess, spec: SpecValidator, body: bytes,
                        words: list[str]) -> None:
    assert_error(post(server, "/v1/chat/completions", body), 400, spec, *words)


@pytest.mark.parametrize("patch, field", [
    ({"model": None}, "model"),
    ({"messages": "hello"}, "messages"),
    ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ({"messages": [{"content": "x"}]}, "messages[0].role"),
    ({"temperature": "warm"}, "temperature"),
    ({"max_tokens": -5}, "max_tokens"),
    ({"max_tokens": "10"}, "max_tokens"),
    ({"stream": "yes"}, "stream"),
    ({"tools": [{"type": "function"}]}, "tools[0].function"),
    ({"n": 3}, "n"),
])
def test_wrong_types_and_missing_fields_name_the_field(server: ServerProcess, spec: SpecValidator,
                                                       patch: dict[str, object],
                                                       field: str) -> None:
    body = {**CHAT, **patch}
    body = {k: v for k, v in body.items() if v is not None}
    r = post(server, "/v1/chat/completions", json.dumps(body))
    assert_error(r, 400, spec, field)
    assert r.json()["error"]["param"] == field


BIG = 2**64  # valid JSON, but no 64-bit integer holds it


@pytest.mark.parametrize("path, body, field", [
    ("/v1/chat/completions", {**CHAT, "metadata": {"ref": BIG}}, "metadata.ref"),
    ("/v1/chat/completions", {**CHAT, "logprobs": False, "top_logprobs": -BIG}, "top_logprobs"),
    ("/v1/chat/completions", {**CHAT, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Hi", "note": [1, BIG]}]}]}, "messages[0].content[0].note[1]"),
    ("/v1/chat/completions", {**CHAT, "max_tokens": BIG}, "max_tokens"),
    ("/v1/chat/completions", {**CHAT, "max_completion_tokens": 2**63}, "max_completion_tokens"),
    ("/v1/completions", {"model": "local", "prompt": "Hi", "max_tokens": 2, "logit_scale": BIG},
     "logit_scale"),
    ("/v1/completions", {"model": "local", "prompt": "Hi", "max_tokens": BIG}, "max_tokens"),
    ("/v1/route/explain", {**CHAT, "metadata": {"ref": BIG}}, "metadata.ref"),
    ("/v1/route/explain", {**CHAT, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Hi", "n": BIG}]}]}, "messages[0].content[0].n"),
])
def test_integers_beyond_64_bits_name_the_field(server: ServerProcess, spec: SpecValidator,
                                                path: str, body: dict[str, object],
                                                field: str) -> None:
    r = post(server, path, json.dumps(body))
    assert_error(r, 400, spec, field, "64 bits")
    assert r.json()["error"]["param"] == field


@pytest.mark.parametrize("prompt", ["", [], [""]])
def test_empty_completion_prompt(server: ServerProcess, spec: SpecValidator,
                                 prompt: object) -> None:
    r = post(server, "/v1/completions", json.dumps({"model": "local", "prompt": prompt}))
    assert_error(r, 400, spec, "prompt", "empty")
    assert r.json()["error"]["param"] == "prompt"


@pytest.mark.parametrize("patch, field, words", [
    ({"tool_choice": "auto"}, "tool_choice", ["tools"]),
    ({"tool_choice": {"type": "function", "function": {"name": "f"}}, "tools": []},
     "tool_choice", ["tools"]),
    ({"response_format": {"type": "json_schema", "json_schema": {
        "name": "answer", "schema": '{"type": "object"}'}}},
     "response_format.json_schema.schema", ["object"]),
    ({"response_format": {"type": "json_schema"}}, "response_format.json_schema", ["Missing"]),
])
def test_refused_as_openai_refuses(server: ServerProcess, spec: SpecValidator,
                                   patch: dict[str, object], field: str,
                                   words: list[str]) -> None:
    r = post(server, "/v1/chat/completions", json.dumps({**CHAT, **patch}))
    assert_error(r, 400, spec, field, *words)
    assert r.json()["error"]["param"] == field


def test_missing_field_on_embeddings(server: ServerProcess, spec: SpecValidator) -> None:
    assert_error(post(server, "/v1/embeddings", json.dumps({"model": "local-embed"})), 400, spec,
                 "input")
    assert_error(post(server, "/v1/embeddings", json.dumps(
        {"model": "local-embed", "input": "x", "encoding_format": "hex"})), 400, spec,
        "encoding_format")


def test_huge_body_is_413(server: ServerProcess, spec: SpecValidator) -> None:
    huge = json.dumps({**CHAT, "messages": [{"role": "user", "content": "a" * 9_000_000}]})
    assert_error(post(server, "/v1/chat/completions", huge), 413, spec, "max_body_bytes")


def test_huge_chunked_body_without_length_is_413(server: ServerProcess) -> None:
    def gen():  # no content-length: the limit must hold while reading
        yield b'{"model":"local","messages":[{"role":"user","content":"'
        for _ in range(100):
            yield b"a" * 100_000
        yield b'"}]}'

    r = httpx.post(f"{server.url}/v1/chat/completions", content=gen(), headers=AUTH, timeout=30)
    assert r.status_code == 413


def test_unknown_model_lists_available(server: ServerProcess, spec: SpecValidator) -> None:
    r = post(server, "/v1/chat/completions", json.dumps({**CHAT, "model": "gpt-5"}))
    assert_error(r, 404, spec, "gpt-5", "local")
    assert r.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize("headers", [{"authorization": "Bearer nope"}, {"authorization": "nope"},
                                     {"authorization": ""}])
def test_bad_key(server: ServerProcess, spec: SpecValidator, headers: dict[str, str]) -> None:
    assert_error(post(server, "/v1/chat/completions", json.dumps(CHAT), headers), 401, spec)


def test_unknown_path_and_method(server: ServerProcess, spec: SpecValidator) -> None:
    assert_error(httpx.get(f"{server.url}/v1/nothing-here", headers=AUTH), 404, spec, "/v1")
    assert_error(httpx.get(f"{server.url}/v1/chat/completions", headers=AUTH), 405, spec, "GET")


def test_client_disconnect_mid_stream_cancels_generation(server: ServerProcess) -> None:
    """Hang up after a few tokens of a long generation: the slot frees at once (the embedded
    model runs one generation at a time), so a new request is served quickly, not after the
    abandoned generation's ~2,000 tokens."""
    body = json.dumps({"model": "local", "stream": True, "max_tokens": 2000, "temperature": 1.0,
                       "logit_bias": {"0": -100, "1": -100, "2": -100},  # no end-of-text
                       "messages": [{"role": "user", "content": "Write a very long story."}]})
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
               f"{ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
               f"\r\n\r\n{body}").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(request)
        received = b""
        while received.count(b"data: ") < 4:
            received += s.recv(65536)
    t = time.monotonic()
    r = httpx.post(f"{server.url}/v1/chat/completions", headers=AUTH, timeout=60,
                   json={**CHAT, "max_tokens": 1})
    assert r.status_code == 200
    assert time.monotonic() - t < 15  # the abandoned 2,000-token generation would take ~30 s+


def test_server_still_serves_after_bad_input(server: ServerProcess) -> None:
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    r = httpx.post(f"{server.url}/v1/chat/completions", headers=AUTH, json=CHAT, timeout=30)
    assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"] is not None
