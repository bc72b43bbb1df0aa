"""Saturation signals: pollers against real HTTP fakes of vLLM, llama.cpp server and Ollama,
Homeport's own in-flight counters, and how the two merge into `Provider.load()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiohttp import web

from homeport.errors import UpstreamFailed
from homeport.providers.llamacpp import LlamaCppProvider
from homeport.providers.openai import OpenAIProvider
from homeport.providers.saturation import (
    Reading,
    merge,
    parse_vllm,
    poller_for,
    prometheus_values,
)
from homeport.settings import LlamaCppProvider as LlamaConfig
from homeport.settings import OpenAIProvider as Config
from homeport.types import ChatRequest, Load, Message
from tests.fakes.openai_server import FakeOpenAI, Reply

INTERVAL = 0.05

# ---- what the real servers answer ------------------------------------------------------------

# vLLM V1 engine, two data-parallel engines (label `engine`), trimmed to a few families.
# (A backslash joins a sample line split here for the line length.)
VLLM_V1 = """\
# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 11922.0
python_gc_objects_collected_total{generation="1"} 2317.0
# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-8B"} 7.0
vllm:num_requests_running{engine="1",model_name="Qwen/Qwen3-8B"} 5.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-8B"} 2.0
vllm:num_requests_waiting{engine="1",model_name="Qwen/Qwen3-8B"} 1.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen3-8B"} 0.62
vllm:kv_cache_usage_perc{engine="1",model_name="Qwen/Qwen3-8B"} 0.48
# HELP vllm:lora_requests_info Running stats on lora requests.
# TYPE vllm:lora_requests_info gauge
vllm:lora_requests_info{max_lora="2",running_lora_adapters="sql-lora,fin-lora",\
waiting_lora_adapters=""} 1.7e+09
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="Qwen/Qwen3-8B"} 1.048576e+06
vllm:prompt_tokens_total{engine="1",model_name="Qwen/Qwen3-8B"} 998231.0
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="Qwen/Qwen3-8B"} 0.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.5",model_name="Qwen/Qwen3-8B"} 1402.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="Qwen/Qwen3-8B"} 1523.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="Qwen/Qwen3-8B"} 1523.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="Qwen/Qwen3-8B"} 210.4
"""

# vLLM V0 engine (before 0.8): no engine label, KV cache as gpu_cache_usage_perc.
VLLM_V0 = """\
# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig
# TYPE vllm:cache_config_info gauge
vllm:cache_config_info{block_size="16",cache_dtype="auto",gpu_memory_utilization="0.9",\
num_cpu_blocks="2048",num_gpu_blocks="7282"} 1.0
# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
# HELP vllm:num_requests_swapped Number of requests swapped to CPU.
# TYPE vllm:num_requests_swapped gauge
vllm:num_requests_swapped{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.9712
# HELP vllm:cpu_cache_usage_perc CPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:cpu_cache_usage_perc gauge
vllm:cpu_cache_usage_perc{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
"""


def llamacpp_slot(i: int, busy: bool, *, old: bool = False) -> dict[str, Any]:
    """One /slots entry: recent servers (`is_processing`) or older ones (`state` 0..3)."""
    if old:  # e.g. b3xxx: flat sampling params, state 0 idle / 1-3 prompt..generating
        return {"dynatemp_exponent": 1.0, "dynatemp_range": 0.0, "frequency_penalty": 0.0,
                "grammar": "", "id": i, "ignore_eos": False, "logit_bias": [], "min_p": 0.05,
                "model": "llama-2-7b-32k-instruct.Q2_K.gguf", "n_ctx": 2048, "n_keep": 0,
                "n_predict": -1, "n_probs": 0,
                "next_token": {"has_next_token": True, "n_remain": -1, "n_decoded": 12 if busy
                               else 0, "stopped_eos": False, "stopped_limit": False,
                               "stopped_word": False, "stopping_word": ""},
                "prompt": "Say hello" if busy else "", "seed": 4294967295,
                "state": 3 if busy else 0, "stop": [], "stream": True,
                "task_id": 40 + i if busy else -1, "temperature": 0.8, "top_k": 40,
                "top_p": 0.95}
    return {"id": i, "id_task": 135 + i if busy else -1, "n_ctx": 65536, "speculative": False,
            "is_processing": busy,
            "params": {"n_predict": -1, "seed": 4294967295, "temperature": 0.800000011920929,
                       "top_k": 40, "top_p": 0.949999988079071, "min_p": 0.05000000074505806,
                       "max_tokens": -1, "n_keep": 0, "stream": True, "chat_format": "GPT-OSS",
                       "samplers": ["penalties", "dry", "top_k", "typ_p", "top_p", "min_p",
                                    "xtc", "temperature"], "lora": []},
            "next_token": {"has_next_token": True, "has_new_line": False, "n_remain": -1,
                           "n_decoded": 136 if busy else 0}}


LLAMACPP_METRICS = """\
# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 18422
# HELP llamacpp:prompt_seconds_total Prompt process time
# TYPE llamacpp:prompt_seconds_total counter
llamacpp:prompt_seconds_total 12.771
# HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
# TYPE llamacpp:tokens_predicted_total counter
llamacpp:tokens_predicted_total 6021
# HELP llamacpp:prompt_tokens_seconds Average prompt throughput in tokens/s.
# TYPE llamacpp:prompt_tokens_seconds gauge
llamacpp:prompt_tokens_seconds 1442.5
# HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s.
# TYPE llamacpp:predicted_tokens_seconds gauge
llamacpp:predicted_tokens_seconds 48.02
# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.
# TYPE llamacpp:kv_cache_usage_ratio gauge
llamacpp:kv_cache_usage_ratio 0.35
# HELP llamacpp:requests_processing Number of requests processing.
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 2
# HELP llamacpp:requests_deferred Number of requests deferred.
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 3
"""

SLOTS_DISABLED = {"error": {"code": 501, "message": "This server does not support slots "
                            "endpoint. Start it with `--slots`", "type": "not_supported_error"}}

OLLAMA_PS = {"models": [
    {"name": "llama3.2:latest", "model": "llama3.2:latest", "size": 3583981568,
     "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
     "details": {"parent_model": "", "format": "gguf", "family": "llama",
                 "families": ["llama"], "parameter_size": "3.2B",
                 "quantization_level": "Q4_K_M"},
     "expires_at": "2025-06-10T17:03:41.219624-07:00", "size_vram": 3583981568,
     "context_length": 4096},
    {"name": "nomic-embed-text:latest", "model": "nomic-embed-text:latest", "size": 849202176,
     "digest": "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f",
     "details": {"parent_model": "", "format": "gguf", "family": "nomic-bert",
                 "families": ["nomic-bert"], "parameter_size": "137M",
                 "quantization_level": "F16"},
     "expires_at": "2025-06-10T17:01:12.002841-07:00", "size_vram": 849202176,
     "context_length": 2048}]}


# ---- a fake monitoring server ----------------------------------------------------------------

@dataclass
class Page:
    body: str | bytes | Any  # str/bytes as is; anything else as JSON
    status: int = 200
    hang: bool = False  # never answer (until the test ends)


@dataclass
class Monitor:
    """A local model server's monitoring endpoints on 127.0.0.1; unknown paths get 404."""

    pages: dict[str, Page] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    auth: list[str | None] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    root: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.auth.append(request.headers.get("authorization"))
        page = self.pages.get(request.path)
        if page is None:
            return web.Response(status=404, text="File Not Found")
        if page.hang:
            await self.release.wait()
        if isinstance(page.body, (str, bytes)):
            text = page.body if isinstance(page.body, str) else page.body.decode()
            return web.Response(status=page.status, text=text,
                                content_type="text/plain", charset="utf-8")
        return web.Response(status=page.status, body=orjson.dumps(page.body),
                            content_type="application/json")


@contextlib.asynccontextmanager
async def monitor(**pages: Page) -> AsyncIterator[Monitor]:
    mon = Monitor({"/" + k.replace("_", "/"): v for k, v in pages.items()})
    app = web.Application()
    app.router.add_get("/{tail:.*}", mon.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    mon.root = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield mon
    finally:
        mon.release.set()
        await runner.cleanup()


if "saturation" in Config.model_fields:
    SatConfig = Config
else:  # before the settings fields land: the same fields on a test subclass
    class SatConfig(Config):  # type: ignore[no-redef]
        saturation: str = "none"
        saturation_url: str | None = None
        saturation_interval_s: float = 1.0


@contextlib.asynccontextmanager
async def provider(base_url: str, **cfg: Any) -> AsyncIterator[OpenAIProvider]:
    p = OpenAIProvider(SatConfig(type="openai", name="gpu-box", base_url=base_url, tier="local",
                                 **{"saturation_interval_s": INTERVAL, **cfg}))
    await p.start()
    try:
        yield p
    finally:
        await p.close()


async def until(cond: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def fresh(p: OpenAIProvider) -> bool:
    return p.poller is not None and p.poller.fresh() is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chat(stream: bool = True) -> ChatRequest:
    return ChatRequest(model="m", messages=[Message("user", "hi")], stream=stream)


# ---- probes ----------------------------------------------------------------------------------

async def test_vllm_running_and_waiting_summed_over_engines() -> None:
    async with monitor(metrics=Page(VLLM_V1)) as mon, provider(
            mon.root + "/v1", saturation="vllm") as p:
        await until(lambda: fresh(p))
        assert p.load() == Load(in_flight=12, queued=3, slots=None, avg_service_s=None)
        server = p.saturation()["server"]
        assert server["kv_cache_usage"] == pytest.approx(0.55)
        assert server["fresh"] and server["probe"] == "vllm" and server["url"] == mon.root
        assert mon.hits["/metrics"] >= 1


async def test_vllm_v0_reports_gpu_cache_usage() -> None:
    async with monitor(metrics=Page(VLLM_V0)) as mon, provider(
            mon.root + "/v1", saturation="vllm") as p:
        await until(lambda: fresh(p))
        assert (p.load().in_flight, p.load().queued) == (3, 4)
        assert p.saturation()["server"]["kv_cache_usage"] == pytest.approx(0.9712)


@pytest.mark.parametrize("old", [False, True], ids=["is_processing", "state"])
async def test_llamacpp_slots(old: bool) -> None:
    slots = [llamacpp_slot(i, busy, old=old) for i, busy in enumerate([True, False, True, False])]
    async with monitor(slots=Page(slots)) as mon, provider(
            mon.root + "/v1", saturation="llamacpp", api_key="sk-local") as p:
        await until(lambda: fresh(p))
        assert p.load() == Load(in_flight=2, queued=0, slots=4)
        assert set(mon.auth) == {"Bearer sk-local"}  # /slots needs the key on --api-key servers


@pytest.mark.parametrize("status", [501, 404])
async def test_llamacpp_falls_back_to_metrics_when_slots_is_disabled(status: int) -> None:
    async with monitor(slots=Page(SLOTS_DISABLED, status=status),
                       metrics=Page(LLAMACPP_METRICS)) as mon, provider(
            mon.root + "/v1", saturation="llamacpp") as p:
        await until(lambda: fresh(p) and mon.hits["/metrics"] >= 3)
        assert p.load() == Load(in_flight=2, queued=3, slots=None)
        assert p.saturation()["server"]["kv_cache_usage"] == pytest.approx(0.35)
        assert mon.hits["/slots"] == 1  # found disabled once, not asked again


async def test_ollama_reports_loaded_models_and_own_counter() -> None:
    fake = FakeOpenAI(default=Reply(text="one two three four", chunk_delay_s=0.05)).start()
    try:
        async with monitor(api_ps=Page(OLLAMA_PS)) as mon, provider(
                fake.base_url, saturation="ollama", saturation_url=mon.root) as p:
            await until(lambda: fresh(p))
            assert p.model_loaded("llama3.2") is True  # the tag defaults to latest
            assert p.model_loaded("llama3.2:latest") is True
            assert p.model_loaded("qwen2.5:7b") is False
            assert p.saturation()["server"]["loaded_models"] == [
                "llama3.2:latest", "nomic-embed-text:latest"]
            assert p.load() == Load()
            stream = p.stream(chat(), "llama3.2")
            await anext(stream)
            assert p.load().in_flight == 1  # Ollama has no queue depth: Homeport's own count
            async for _ in stream:
                pass
            assert p.load().in_flight == 0
    finally:
        fake.stop()


async def test_probe_url_defaults_to_base_url_without_v1() -> None:
    def root(base_url: str, **cfg: Any) -> str:
        poller = poller_for(SatConfig(type="openai", name="x", base_url=base_url,
                                      saturation="vllm", **cfg))
        assert poller is not None
        return poller.root

    assert root("http://gpu:8000/v1") == "http://gpu:8000"
    assert root("http://gpu:8000/v1/") == "http://gpu:8000"
    assert root("http://gpu:11434") == "http://gpu:11434"
    assert root("http://gpu:8000/v1", saturation_url="http://gpu:9000/") == "http://gpu:9000"
    assert poller_for(SatConfig(type="openai", name="x", base_url="http://gpu:8000/v1")) is None


# ---- stale and failing servers ---------------------------------------------------------------

async def test_erroring_server_falls_back_to_own_counters_and_logs_once(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="homeport.providers.saturation")
    async with monitor(metrics=Page(VLLM_V1)) as mon, provider(
            mon.root + "/v1", saturation="vllm") as p:
        await until(lambda: fresh(p))
        assert p.load().in_flight == 12
        mon.pages["/metrics"] = Page("Internal Server Error", status=500)
        await until(lambda: not fresh(p))  # stale after ~3 intervals of failures
        errors_at = mon.hits["/metrics"]
        await until(lambda: mon.hits["/metrics"] >= errors_at + 3)
        assert p.load() == Load()
        failed = [r for r in caplog.records if "failed" in r.getMessage()]
        assert len(failed) == 1 and "500" in failed[0].getMessage()
        assert "500" in (p.saturation()["server"]["error"] or "")

        mon.pages["/metrics"] = Page(VLLM_V1)
        await until(lambda: fresh(p))
        assert p.load().in_flight == 12
        assert any("works again" in r.getMessage() for r in caplog.records)


async def test_hanging_server_goes_stale() -> None:
    async with monitor(metrics=Page(VLLM_V1)) as mon, provider(
            mon.root + "/v1", saturation="vllm") as p:
        await until(lambda: fresh(p))
        mon.pages["/metrics"] = Page(VLLM_V1, hang=True)
        started = time.monotonic()
        await until(lambda: not fresh(p))
        assert time.monotonic() - started < 1.0  # well before the probe's own timeout
        assert p.load() == Load()


async def test_unreachable_or_garbled_server_never_raises() -> None:
    async with provider(f"http://127.0.0.1:{free_port()}/v1", saturation="llamacpp") as p:
        assert p.poller is not None
        await until(lambda: p.poller is not None and p.poller.last_error is not None)
        assert p.load() == Load() and p.model_loaded("x") is None
    async with monitor(metrics=Page("<html>not metrics</html>")) as mon, provider(
            mon.root, saturation="vllm") as p:
        await until(lambda: mon.hits["/metrics"] >= 2)
        assert p.load() == Load() and not fresh(p)


# ---- Homeport's own counter ------------------------------------------------------------------

@pytest.fixture
def upstream() -> Any:
    fake = FakeOpenAI(default=Reply(text="a b c d e f g h", chunk_delay_s=0.05)).start()
    yield fake
    fake.stop()


async def test_own_in_flight_during_a_stream_and_after(upstream: FakeOpenAI) -> None:
    async with provider(upstream.base_url) as p:
        assert p.poller is None and p.load() == Load()
        stream = p.stream(chat(), "m")
        await anext(stream)
        assert p.load().in_flight == 1 and p.load().avg_service_s is None
        async for _ in stream:
            pass
        load = p.load()
        assert load.in_flight == 0
        assert load.avg_service_s is not None and 0.3 < load.avg_service_s < 5
        assert len([c async for c in p.stream(chat(stream=False), "m")]) == 1
        after = p.load().avg_service_s  # a quick whole response pulls the mean down
        assert p.load().in_flight == 0 and after is not None and after < load.avg_service_s


async def test_own_in_flight_after_cancel_and_early_close(upstream: FakeOpenAI) -> None:
    async with provider(upstream.base_url) as p:
        async def consume() -> None:
            async for _ in p.stream(chat(), "m"):
                pass

        tasks = [asyncio.create_task(consume()) for _ in range(3)]
        await until(lambda: p.load().in_flight == 3)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert p.load().in_flight == 0

        stream = p.stream(chat(), "m")
        await anext(stream)
        assert p.load().in_flight == 1
        await stream.aclose()  # the client went away after the first chunk
        assert p.load().in_flight == 0
        assert p.load().avg_service_s is not None  # both were answered: they held the server


async def test_own_in_flight_after_errors(upstream: FakeOpenAI) -> None:
    upstream.replies = [Reply(status=500), Reply(stream_error=True)]
    async with provider(upstream.base_url) as p:
        for _ in range(2):
            with pytest.raises(UpstreamFailed):
                async for _ in p.stream(chat(), "m"):
                    pass
            assert p.load().in_flight == 0
    async with provider(f"http://127.0.0.1:{free_port()}/v1") as p:
        with pytest.raises(UpstreamFailed):
            async for _ in p.stream(chat(), "m"):
                pass
        assert p.load() == Load()  # refused: nothing in flight, nothing timed


async def test_server_slots_turn_own_excess_into_queued(upstream: FakeOpenAI) -> None:
    upstream.default = Reply(text="a b c d e f g h i j", chunk_delay_s=0.2)
    slots = [llamacpp_slot(i, busy=True) for i in range(2)]
    async with monitor(slots=Page(slots)) as mon, provider(
            upstream.base_url, saturation="llamacpp", saturation_url=mon.root) as p:
        streams = [p.stream(chat(), "m") for _ in range(3)]
        for s in streams:
            await anext(s)
        await until(lambda: fresh(p))
        assert p.load() == Load(in_flight=2, queued=1, slots=2)
        assert p.saturation()["own_in_flight"] == 3
        for s in streams:
            await s.aclose()
        load = p.load()  # the server's own view stays
        assert (load.in_flight, load.queued, load.slots) == (2, 0, 2)


# ---- pure parts ------------------------------------------------------------------------------

def test_prometheus_values_exact_names_and_awkward_labels() -> None:
    text = ('vllm:num_requests_waiting_by_reason{reason="capacity"} 9\n'
            'vllm:num_requests_waiting{model_name="a}b \\"c\\" d",engine="0"} 2 1712000000\n'
            "vllm:num_requests_waiting 1.5e0\n"
            'vllm:num_requests_running{model_name="m"} NaN\n')
    assert prometheus_values(text, ("vllm:num_requests_waiting", "vllm:num_requests_running")) \
        == {"vllm:num_requests_waiting": [2.0, 1.5]}
    with pytest.raises(ValueError):
        parse_vllm("# HELP nothing here\n")


def test_merge() -> None:
    own = Load(in_flight=3, queued=0, avg_service_s=1.5)
    assert merge(own, None) is own
    assert merge(own, Reading(running=10, waiting=4)) == Load(10, 4, None, None, 1.5)
    assert merge(own, Reading(running=1, slots=2)) == Load(2, 1, 2, None, 1.5)
    assert merge(Load(), Reading(loaded_models=frozenset())) == Load()


# ---- the embedded model ----------------------------------------------------------------------

async def test_embedded_model_tracks_service_time() -> None:
    p = LlamaCppProvider(LlamaConfig(type="llamacpp", name="local", n_ctx=512))
    await p.start()
    try:
        assert p.load() == Load(in_flight=0, queued=0, slots=1, max_queue=16)
        req = ChatRequest(model="local", messages=[Message("user", "hi")], max_tokens=8,
                          stream=True)
        stream = p.stream(req, "local")
        await anext(stream)
        assert p.load().in_flight == 1 and p.load().avg_service_s is None
        async for _ in stream:
            pass
        first = p.load().avg_service_s
        assert first is not None and first > 0 and p.load().in_flight == 0
        stream = p.stream(req, "local")
        await anext(stream)
        await stream.aclose()  # released early: a short hold pulls the mean down
        second = p.load().avg_service_s
        assert second is not None and second != first and p.load().in_flight == 0
    finally:
        await p.close()
