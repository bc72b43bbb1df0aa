"""The embedded model's bounded queue: a client that leaves while queued frees its place."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import ServerProcess

KEY = "hp-queue-admin"
AUTH = {"authorization": f"Bearer {KEY}"}
NO_END = {"0": -100, "1": -100, "2": -100}  # SmolLM2's end-of-text tokens


@pytest.fixture(scope="module")
def one_slot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("queue"),
                         config="embedded: {chat: {max_queue: 1}, embeddings: null}\n",
                         env={"HOMEPORT_ADMIN_KEY": KEY})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


def raw_request(port: int, body: dict[str, object]) -> socket.socket:
    data = json.dumps(body)
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall((f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}"
               f"\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
               f"{data}").encode())
    return s


@pytest.mark.parametrize("stream", [True, False])
def test_client_leaving_the_queue_frees_its_place(one_slot: ServerProcess, stream: bool) -> None:
    busy = threading.Event()

    def hold_the_slot() -> None:  # ~100 tokens, about 1.5 s
        with httpx.stream("POST", f"{one_slot.url}/v1/chat/completions", headers=AUTH,
                          timeout=60, json={"model": "local", "stream": True, "max_tokens": 100,
                                            "logit_bias": NO_END, "messages": [
                                                {"role": "user", "content": "Go on."}]}) as r:
            for _ in r.iter_lines():
                busy.set()

    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    assert busy.wait(30)
    queued = raw_request(one_slot.port, {"model": "local", "stream": stream, "max_tokens": 5,
                                         "messages": [{"role": "user", "content": "hi"}]})
    time.sleep(0.3)  # it is in the queue now (the only place)
    queued.close()
    time.sleep(0.3)
    r = httpx.post(f"{one_slot.url}/v1/chat/completions", headers=AUTH, timeout=60,
                   json={"model": "local", "max_tokens": 2,
                         "messages": [{"role": "user", "content": "hi"}]})
    holder.join()
    assert r.status_code == 200, r.text  # 429 if the abandoned request still held the place
