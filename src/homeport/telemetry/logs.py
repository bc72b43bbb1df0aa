"""Structured logs: one JSON object per line on stderr (or plain text), with the id of the
request being served, and one access line per request. Prompt text is never logged here.

    log.info("cache warmed", extra={"fields": {"entries": 120}})
    -> {"ts": "...Z", "level": "info", "logger": "...", "message": "cache warmed",
        "request_id": "req_...", "entries": 120}
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from homeport.settings_ops import TelemetryConfig
from homeport.telemetry.events import RequestRecord

ACCESS_LOGGER = "homeport.access"
# the id of the request this task serves; asyncio copies it into tasks the request starts
request_id: ContextVar[str | None] = ContextVar("homeport_request_id", default=None)
# loggers that say too much at INFO; uvicorn.access is replaced by our access log
QUIET = ("uvicorn.access", "httpx", "httpcore", "urllib3", "alembic", "aiosqlite",
         "multipart")
_BASE = ("ts", "level", "logger", "message", "request_id")


def set_request_id(rid: str | None) -> Token[str | None]:
    """Tag the logs of this context (a request's task) with `rid`."""
    return request_id.set(rid)


class _ContextFilter(logging.Filter):
    """Puts the current request id on every record that has none of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            out["request_id"] = rid
        for key, value in _fields(record).items():
            if key not in _BASE:
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        rid = getattr(record, "request_id", None)
        extra = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        return " ".join(p for p in (line, f"request_id={rid}" if rid else "", extra) if p)


def configure_logging(cfg: TelemetryConfig, level: str, stream: IO[str] | None = None) -> None:
    """Send logs at `level` and above to `stream` (stderr) in `cfg.log_format`. Calling it
    again replaces the handler it added (and Python's default stderr handler): no duplicates."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "homeport", False) or _is_default_stderr(h):
            root.removeHandler(h)
            h.close()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.homeport = True  # type: ignore[attr-defined]  # how a later call finds it
    handler.addFilter(_ContextFilter())
    handler.setFormatter(JsonFormatter() if cfg.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):  # through our handler, in our format
        uv = logging.getLogger(name)
        uv.handlers.clear()
        uv.propagate = True
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def access_log(record: RequestRecord, log_prompts: bool = False) -> None:
    """One INFO line for a finished request: who, what, where it ran, outcome, time, cost."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not logger.isEnabledFor(logging.INFO):
        return
    r = record
    fields = {"team": r.team, "key_id": r.key_id, "endpoint": r.endpoint,
              "model_requested": r.model_requested, "model_used": r.model_used,
              "provider": r.provider, "tier": r.tier, "rule": r.rule, "status": r.status,
              "error_type": r.error_type, "prompt_tokens": r.prompt_tokens,
              "completion_tokens": r.completion_tokens, "latency_ms": r.latency_ms,
              "ttft_ms": r.ttft_ms, "cost": r.cost, "stream": r.stream}
    if log_prompts:
        fields.update(prompt=r.prompt_text, answer=r.answer_text)
    target = f"{r.provider}/{r.model_used}" if r.provider else "-"
    logger.info("%s %s -> %s %d", r.endpoint, r.model_requested or "-", target, r.status,
                extra={"request_id": r.id,
                       "fields": {k: v for k, v in fields.items() if v is not None}})


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


def _iso(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def _is_default_stderr(h: logging.Handler) -> bool:
    """A plain stderr handler such as logging.basicConfig adds."""
    return type(h) is logging.StreamHandler and h.stream in (sys.stderr, sys.__stderr__)
