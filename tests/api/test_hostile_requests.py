"""A member key must not be able to take local chat offline with one request: too many messages
and prompts that cannot fit the context window are refused before they queue for the model."""

from __future__ import annotations

import concurrent.futures

import httpx
import orjson

from tests.conftest import ADMIN_KEY
from tests.helpers import ServerProcess

AUTH = {"authorization": f"Bearer {ADMIN_KEY}", "content-type": "application/json"}


def _post(server: ServerProcess, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/chat/completions", content=orjson.dumps(body),
                      headers=AUTH, timeout=120)


def test_a_hundred_thousand_tiny_messages_are_refused(server: ServerProcess) -> None:
    messages = [{"role": "user", "content": "hi"} for _ in range(100_000)]
    r = _post(server, {"model": "local", "messages": messages, "max_tokens": 4})
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["param"] == "messages" and "max_messages" in error["message"]


def test_a_prompt_beyond_the_context_window_is_refused_before_queueing(
        server: ServerProcess) -> None:
    words = "lorem ipsum dolor sit amet " * 400  # ~11 kB, over 2,000 tokens per message
    huge = {"model": "local", "max_tokens": 4,
            "messages": [{"role": "user", "content": words} for _ in range(300)]}
    small = {"model": "local", "max_tokens": 4,
             "messages": [{"role": "user", "content": "Say hi."}]}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        refused = pool.submit(_post, server, huge)
        answered = pool.submit(_post, server, small)
        r, ok = refused.result(), answered.result()
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "context_length_exceeded"
    assert r.json()["error"]["param"] == "messages"
    assert ok.status_code == 200, ok.text


def test_max_tokens_beyond_the_window_is_refused(server: ServerProcess) -> None:
    r = _post(server, {"model": "local", "max_tokens": 1_000_000,
                       "messages": [{"role": "user", "content": "Say hi."}]})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "context_length_exceeded"
    assert r.json()["error"]["param"] == "max_tokens"
