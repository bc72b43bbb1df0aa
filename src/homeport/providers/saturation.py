"""How busy a provider is: Homeport's own counters, and the upstream server's own view.

`ServiceTime` keeps the mean time a request holds a slot. `SaturationPoller` reads a local
model server's load every `interval` seconds in the background (vLLM /metrics, llama.cpp
server /slots or /metrics, Ollama /api/ps) and caches the last `Reading`; `Provider.load()`
merges it with its own counters without any I/O. A reading older than `STALE_INTERVALS`
intervals is ignored, so an unreachable server falls back to Homeport's own counters.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from homeport.errors import ConfigError
from homeport.types import Load

log = logging.getLogger(__name__)
EWMA_ALPHA = 0.2  # weight of the newest request: the mean follows roughly the last 5-10
STALE_INTERVALS = 3  # a reading older than this many intervals is ignored


class ServiceTime:
    """Exponentially weighted mean of how long a request holds a slot; None until one ends."""

    __slots__ = ("mean",)

    def __init__(self) -> None:
        self.mean: float | None = None

    def add(self, seconds: float) -> None:
        self.mean = seconds if self.mean is None else self.mean + EWMA_ALPHA * (seconds - self.mean)


@dataclass(frozen=True, slots=True)
class Reading:
    """One look at an upstream server; None where it does not say."""

    running: int | None = None
    waiting: int | None = None
    slots: int | None = None
    kv_cache_usage: float | None = None  # 0..1 (vLLM, older llama.cpp servers)
    loaded_models: frozenset[str] | None = None  # Ollama


def merge(own: Load, reading: Reading | None) -> Load:
    """The provider's Load: its own counters, raised to what a fresh server reading reports.

    With the server's slot count known, Homeport's own requests beyond it count as queued.
    """
    if reading is None:
        return own
    slots = reading.slots if reading.slots is not None else own.slots
    running, queued = own.in_flight, own.queued
    if slots is not None:
        mine = own.in_flight + own.queued
        running, queued = min(mine, slots), max(0, mine - slots)
    return Load(in_flight=max(reading.running or 0, running),
                queued=max(reading.waiting or 0, queued), slots=slots,
                max_queue=own.max_queue, avg_service_s=own.avg_service_s)


# ---- parsing --------------------------------------------------------------------------------

# name, optional {labels} (quoted values may hold any character), value [timestamp]
_SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?'
                     r"[ \t]+(\S+)")


def prometheus_values(text: str, names: tuple[str, ...]) -> dict[str, list[float]]:
    """The finite sample values of the metrics `names` (one per label set) in Prometheus text."""
    out: dict[str, list[float]] = {}
    for line in text.splitlines():
        if not line.startswith(names):  # cheap filter; comments and other metrics end here
            continue
        m = _SAMPLE.match(line)
        if m is None or m.group(1) not in names:  # e.g. vllm:num_requests_waiting_by_reason
            continue
        try:
            value = float(m.group(2))
        except ValueError:
            continue
        if math.isfinite(value):
            out.setdefault(m.group(1), []).append(value)
    return out


def _sum(values: dict[str, list[float]], *names: str) -> int | None:
    for name in names:
        if name in values:
            return round(sum(values[name]))
    return None


def _mean(values: dict[str, list[float]], *names: str) -> float | None:
    for name in names:
        if values.get(name):
            return sum(values[name]) / len(values[name])
    return None


def parse_vllm(text: str) -> Reading:
    """vLLM /metrics: running and waiting summed over label sets (engines, models)."""
    v = prometheus_values(text, _VLLM)
    reading = Reading(running=_sum(v, "vllm:num_requests_running"),
                      waiting=_sum(v, "vllm:num_requests_waiting"),
                      kv_cache_usage=_mean(v, "vllm:kv_cache_usage_perc",
                                           "vllm:gpu_cache_usage_perc"))
    if reading.running is None and reading.waiting is None:
        raise ValueError("no vllm:num_requests_* metrics in /metrics")
    return reading


_VLLM = ("vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
         "vllm:gpu_cache_usage_perc")


def parse_llamacpp_slots(slots: Any) -> Reading:
    """llama.cpp server /slots: `is_processing` (newer) or `state` != 0 (older)."""
    if not isinstance(slots, list) or not all(isinstance(s, dict) for s in slots):
        raise ValueError("/slots is not a list of slots")
    busy = sum(1 for s in slots
               if (s["is_processing"] if "is_processing" in s else s.get("state", 0) != 0))
    return Reading(running=busy, slots=len(slots) or None)


def parse_llamacpp_metrics(text: str) -> Reading:
    v = prometheus_values(text, _LLAMACPP)
    reading = Reading(running=_sum(v, "llamacpp:requests_processing"),
                      waiting=_sum(v, "llamacpp:requests_deferred"),
                      kv_cache_usage=_mean(v, "llamacpp:kv_cache_usage_ratio"))
    if reading.running is None:
        raise ValueError("no llamacpp:requests_processing in /metrics")
    return reading


_LLAMACPP = ("llamacpp:requests_processing", "llamacpp:requests_deferred",
             "llamacpp:kv_cache_usage_ratio")


def parse_ollama_ps(body: Any) -> Reading:
    """Ollama /api/ps: the models in memory. It reports no queue depth."""
    models = body.get("models") if isinstance(body, dict) else None
    if not isinstance(models, list):
        raise ValueError("/api/ps has no models list")
    names = {str(m[k]) for m in models if isinstance(m, dict)
             for k in ("name", "model") if m.get(k)}
    return Reading(loaded_models=frozenset(names))


def ollama_name(model: str) -> str:
    """Ollama's full name of `model`: the tag defaults to latest."""
    return model if ":" in model.rsplit("/", 1)[-1] else model + ":latest"


# ---- probes ---------------------------------------------------------------------------------

class ProbeError(Exception):
    def __init__(self, url: str, status: int):
        super().__init__(f"GET {url} answered {status}")
        self.status = status


async def _get(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url) as resp:
        body = await resp.read()
        if resp.status != 200:
            raise ProbeError(url, resp.status)
        return body


class Probe:
    """Reads one kind of server; `read` raises on anything unexpected."""

    async def read(self, session: aiohttp.ClientSession, root: str) -> Reading:
        raise NotImplementedError


class VllmProbe(Probe):
    async def read(self, session: aiohttp.ClientSession, root: str) -> Reading:
        return parse_vllm((await _get(session, root + "/metrics")).decode())


class LlamaCppProbe(Probe):
    """/slots, or /metrics (needs --metrics) once /slots answers 404/501 (disabled)."""

    def __init__(self) -> None:
        self.slots_disabled = False

    async def read(self, session: aiohttp.ClientSession, root: str) -> Reading:
        if not self.slots_disabled:
            try:
                return parse_llamacpp_slots(orjson.loads(await _get(session, root + "/slots")))
            except ProbeError as e:
                if e.status not in (404, 501):
                    raise
                self.slots_disabled = True
                log.debug("%s/slots answered %d; reading /metrics instead", root, e.status)
        return parse_llamacpp_metrics((await _get(session, root + "/metrics")).decode())


class OllamaProbe(Probe):
    async def read(self, session: aiohttp.ClientSession, root: str) -> Reading:
        return parse_ollama_ps(orjson.loads(await _get(session, root + "/api/ps")))


PROBES: dict[str, type[Probe]] = {"vllm": VllmProbe, "llamacpp": LlamaCppProbe,
                                  "ollama": OllamaProbe}


# ---- the poller -----------------------------------------------------------------------------

class SaturationPoller:
    """Reads `kind` at `root` every `interval_s` seconds in a background task; never raises."""

    def __init__(self, name: str, kind: str, root: str, interval_s: float,
                 headers: dict[str, str] | None = None):
        if kind not in PROBES:
            raise ConfigError(f"provider {name!r}: unknown saturation probe {kind!r}; use one "
                              f"of: none, {', '.join(PROBES)}")
        self.name, self.kind, self.root = name, kind, root.rstrip("/")
        self.interval_s = interval_s
        self.headers = headers or {}
        self.probe = PROBES[kind]()
        self.last_error: str | None = None
        self._reading: Reading | None = None
        self._read_at = 0.0  # time.monotonic() of the last good reading
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=2),  # not the provider's pool: never queued
            headers=self.headers,
            timeout=aiohttp.ClientTimeout(total=max(1.0, 2 * self.interval_s)))
        self._task = asyncio.create_task(self._run(), name=f"saturation-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task])  # not `await task`: that re-raises its cancel
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def fresh(self) -> Reading | None:
        """The last reading, unless it is older than STALE_INTERVALS intervals."""
        if self._reading is None:
            return None
        if time.monotonic() - self._read_at > STALE_INTERVALS * self.interval_s:
            return None
        return self._reading

    def model_loaded(self, model: str) -> bool | None:
        """Whether the server has `model` in memory (Ollama); None when unknown."""
        reading = self.fresh()
        if reading is None or reading.loaded_models is None:
            return None
        return model in reading.loaded_models or ollama_name(model) in reading.loaded_models

    def snapshot(self) -> dict[str, Any]:
        reading = self.fresh()
        age = time.monotonic() - self._read_at if self._reading is not None else None
        out: dict[str, Any] = {"probe": self.kind, "url": self.root, "fresh": reading is not None,
                               "age_s": age, "error": self.last_error}
        if reading is not None:
            out.update(running=reading.running, waiting=reading.waiting, slots=reading.slots,
                       kv_cache_usage=reading.kv_cache_usage,
                       loaded_models=None if reading.loaded_models is None
                       else sorted(reading.loaded_models))
        return out

    async def poll_once(self) -> None:
        assert self._session is not None
        try:
            self._reading = await self.probe.read(self._session, self.root)
            self._read_at = time.monotonic()
            if self.last_error is not None:
                log.debug("%s: saturation probe %s works again", self.name, self.root)
            self.last_error = None
        except Exception as e:  # a probe must never break the provider: log once, go on
            why = str(e) or type(e).__name__
            if self.last_error is None:
                log.debug("%s: saturation probe %s failed (logged once until it recovers): "
                          "%s", self.name, self.root, why)
            self.last_error = why

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await self.poll_once()
            await asyncio.sleep(max(0.0, self.interval_s - (loop.time() - started)))


def poller_for(cfg: Any, headers: dict[str, str] | None = None) -> SaturationPoller | None:
    """The poller an HTTP provider's settings ask for, or None (`saturation: none`)."""
    kind = getattr(cfg, "saturation", "none") or "none"
    if kind == "none":
        return None
    root = getattr(cfg, "saturation_url", None) or cfg.base_url.rstrip("/").removesuffix("/v1")
    return SaturationPoller(cfg.name, kind, root, getattr(cfg, "saturation_interval_s", 1.0),
                            headers)
