"""Test helpers: a real server process, and OpenAI's OpenAPI spec as a JSON-schema validator."""

from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "specs" / "openai-openapi.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """`homeport serve` in a subprocess on a free port; `stop()` sends SIGTERM."""

    def __init__(self, data_dir: Path, config: str | None = None,
                 env: dict[str, str] | None = None, port: int | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.config_path: Path | None = None
        if config is not None:
            self.config_path = data_dir / "homeport.yaml"
            self.config_path.write_text(config)
        self.env = {**os.environ, "HOMEPORT_LOG_LEVEL": "info", **(env or {})}
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "homeport", "serve", "--port", str(self.port),
               "--data-dir", str(self.data_dir)]
        if self.config_path:
            cmd += ["--config", str(self.config_path)]
        return cmd

    def start(self, timeout: float = 60) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(self.command(), env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout}s:\n{self.output()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def create_key(self, team: str, *options: str) -> str:
        """A new key of `team`, made by `homeport keys create [OPTIONS]` on this server's
        data."""
        cmd = [sys.executable, "-m", "homeport", "keys", "create", "--team", team, *options,
               "--data-dir", str(self.data_dir)]
        if self.config_path:
            cmd += ["--config", str(self.config_path)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=self.env)
        return out.stdout.strip().splitlines()[-1]

    def cli(self, *args: str, check: bool = True,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `homeport ARGS` on this server's data and configuration."""
        cmd = [sys.executable, "-m", "homeport", *args, "--data-dir", str(self.data_dir)]
        if self.config_path:
            cmd += ["--config", str(self.config_path)]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, env=self.env,
                              input=stdin)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class SpecValidator:
    """Validates bodies against components of OpenAI's OpenAPI spec (vendored in tests/specs).

    The spec mixes OpenAPI 3.0 `nullable: true` into 3.1 schemas; it is rewritten to
    JSON Schema's `anyOf [..., null]` so a plain Draft 2020-12 validator applies.
    """

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.registry: Registry[Any] = Registry().with_resource(
            "urn:openai", Resource.from_contents(document, default_specification=DRAFT202012))

    @classmethod
    def load(cls) -> SpecValidator:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(SPEC.read_text(), Loader=loader)
        return cls(_nullable_to_anyof(document))

    def validate(self, component: str, instance: Any) -> None:
        schema = {"$ref": f"urn:openai#/components/schemas/{component}"}
        Draft202012Validator(schema, registry=self.registry).validate(instance)


def _nullable_to_anyof(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _nullable_to_anyof(v) for k, v in node.items()}
        if out.pop("nullable", False):
            return {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_nullable_to_anyof(v) for v in node]
    return copy.copy(node)
