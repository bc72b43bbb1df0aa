"""A real `homeport serve` against hostile clients: one that connects and sends nothing, sends
its headers or body and stalls, sends headers without end, or a 300 MB body. Each is cut off
(cli/protocol.py, the body limits of wire/http.py) and the server's memory stays flat."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ServerProcess

ADMIN = "hp-slow-admin-key"
TIMEOUT_S = 1.0  # header_timeout_s and body_timeout_s of the server under test


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("slow"),
                         config="embedded: {chat: null, embeddings: null}\n",
                         env={"HOMEPORT_ADMIN_KEY": ADMIN, "HOMEPORT_MAX_BODY_BYTES": "65536",
                              "HOMEPORT_HEADER_TIMEOUT_S": str(TIMEOUT_S),
                              "HOMEPORT_BODY_TIMEOUT_S": str(TIMEOUT_S)})
    proc.start()
    yield proc
    assert proc.stop() == 0, proc.output()


def connect(server: ServerProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=15)


def read_all(s: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    t = time.monotonic()
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    return out, time.monotonic() - t


def status_of(response: bytes) -> int:
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", response)
    assert match, response[:200]
    return int(match[1])


def test_a_silent_connection_is_closed(server: ServerProcess) -> None:
    with connect(server) as s:
        out, waited = read_all(s)
    assert status_of(out) == 408 and waited < 5 * TIMEOUT_S


def test_headers_sent_slowly_are_cut_off(server: ServerProcess) -> None:
    with connect(server) as s:
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        time.sleep(TIMEOUT_S / 2)
        s.sendall(b"X-Slow: 1\r\n")  # still coming, but the deadline is for all of them
        out, waited = read_all(s)
    assert status_of(out) == 408 and b"took too long" in out and waited < 5 * TIMEOUT_S


@pytest.mark.parametrize("path, headers", [
    ("/v1/chat/completions", f"Authorization: Bearer {ADMIN}\r\n"),
    ("/v1/admin/teams", f"Authorization: Bearer {ADMIN}\r\n"),
    ("/login", "Content-Type: application/x-www-form-urlencoded\r\n"),
])
def test_a_stalled_body_is_cut_off(server: ServerProcess, path: str, headers: str) -> None:
    with connect(server) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n{headers}\r\n"
                  "name=".encode())
        out, waited = read_all(s)
    assert out == b"" and waited < 5 * TIMEOUT_S, out


def test_a_slow_but_steady_body_is_served(server: ServerProcess) -> None:
    """The body deadline is for silence, not for the whole body."""
    body = json.dumps({"name": "steady"}).encode()
    with connect(server) as s:
        s.sendall(f"POST /v1/admin/teams HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
                  f"Authorization: Bearer {ADMIN}\r\nConnection: close\r\n\r\n".encode())
        start = time.monotonic()
        for i in range(0, len(body), 4):
            s.sendall(body[i:i + 4])
            time.sleep(TIMEOUT_S / 3)
        assert time.monotonic() - start > 1.5 * TIMEOUT_S
        out, _ = read_all(s)
    assert status_of(out) == 200 and b'"steady"' in out


def read_response(s: socket.socket) -> bytes:
    """One response (with a content-length) from a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"content-length: (\d+)", head, re.I)
    assert match, head
    length = int(match[1])
    while len(body) < length:
        body += s.recv(65536)
    return head + b"\r\n\r\n" + body


def test_kept_alive_connections_serve_their_next_request(server: ServerProcess) -> None:
    with connect(server) as s:
        for _ in range(2):
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status_of(read_response(s)) == 200
            time.sleep(TIMEOUT_S * 1.5)  # idle between requests: timeout_keep_alive (5 s)


def test_headers_without_end_get_431(server: ServerProcess) -> None:
    with connect(server) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(
            f"X-Filler-{i}: {'a' * 1000}\r\n".encode() for i in range(70)))  # > 64 KiB
        out, _ = read_all(s)
    assert status_of(out) == 431


def rss_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    assert match, text
    return int(match[1])


def post_chunked(server: ServerProcess, path: str, headers: str, total: int) -> bytes:
    piece = b"a" * (1 << 20)
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    with connect(server) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  f"Connection: close\r\n{headers}\r\n".encode())
        try:
            for _ in range(total // len(piece)):
                s.sendall(chunk)
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        out, _ = read_all(s)
    return out


@pytest.mark.parametrize("path, headers", [
    ("/v1/knowledge", f"Authorization: Bearer {ADMIN}\r\nContent-Type: application/json\r\n"),
    ("/v1/memory", f"Authorization: Bearer {ADMIN}\r\nContent-Type: application/json\r\n"),
    ("/login", "Content-Type: application/x-www-form-urlencoded\r\n"),
])
def test_a_300_mb_body_does_not_lift_memory(server: ServerProcess, path: str,
                                            headers: str) -> None:
    assert server.proc is not None
    pid = server.proc.pid
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = rss_kb(pid, "VmRSS")
    out = post_chunked(server, path, headers, 300 << 20)
    assert status_of(out) == 413, out[:300]
    peak = rss_kb(pid, "VmHWM")
    assert peak - before < 64 * 1024, f"RSS rose by {(peak - before) // 1024} MB"
