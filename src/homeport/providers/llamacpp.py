"""The embedded provider: a GGUF model run in-process by llama-cpp-python.

Each of `parallel` slots owns one model instance and runs its generation in a worker thread;
tokens cross to the event loop through an asyncio queue. Requests beyond the free slots wait,
at most `max_queue` of them; more get QueueFull (429, or the next fallback). Closing the
stream (client gone) stops generation at the next token.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from homeport.errors import HomeportError, InvalidRequest, NotReady, QueueFull
from homeport.providers.base import Capabilities, Provider, refuse_logprobs
from homeport.providers.modelfiles import SMOLLM2_GGUF, locate, verify
from homeport.providers.openai import stream_chunk
from homeport.providers.saturation import ServiceTime
from homeport.settings import LlamaCppProvider as Config
from homeport.types import ChatRequest, Chunk, Load, ToolCallDelta, Usage, new_id

log = logging.getLogger(__name__)
_DONE = object()
# llama.cpp's OpenMP threads spin ~300k iterations after each step by default, holding the
# cores the event loop needs to send the token just made; 20k keeps decode speed and cuts the
# time to first token through the API by ~2 ms (bench/inference). Set in the environment to
# override.
OPENMP_ENV = {"GOMP_SPINCOUNT": "20000"}
# OpenAI parameters llama-cpp-python understands, passed through from `extra`.
_PASSTHROUGH = ("presence_penalty", "frequency_penalty", "top_k", "min_p", "repeat_penalty",
                "typical_p")


class LlamaCppProvider(Provider):
    capabilities = Capabilities(tools=True, json_schema=True)
    in_process = True

    def __init__(self, cfg: Config):
        super().__init__(cfg.name, tier=cfg.effective_tier(),
                         clearance=cfg.effective_clearance(), region=cfg.region)
        self.cfg = cfg
        self.path = Path(cfg.model_path) if cfg.model_path else None
        self._verified: Path | None = None
        self._slots: asyncio.Queue[Any] = asyncio.Queue()
        self._waiting = 0
        self._service_time = ServiceTime()  # from a slot's acquire to its release
        self._loaded = False
        self._longest_token = 1  # bytes of the vocabulary's longest token (read at start)
        self._threads = ThreadPoolExecutor(cfg.parallel, thread_name_prefix=f"llama-{cfg.name}")

    def model_file(self) -> tuple[Path, str | None]:
        """The GGUF path and the SHA-256 it must have."""
        if self.cfg.model_path is None:
            return locate(SMOLLM2_GGUF), self.cfg.sha256 or SMOLLM2_GGUF.sha256
        return Path(self.cfg.model_path), self.cfg.sha256

    def verify(self) -> Path:
        """Check the model file once (its SHA-256 when known)."""
        if self._verified is None:
            path, sha = self.model_file()
            verify(path, sha)
            self._verified = path
        return self._verified

    async def start(self) -> None:
        self.path = await asyncio.to_thread(self.verify)
        for _ in range(self.cfg.parallel):
            llm = await asyncio.to_thread(self._load_instance)
            self._slots.put_nowait(llm)
        self._longest_token = await asyncio.to_thread(_longest_token, llm)
        self._loaded = True
        log.info("loaded %s (%d slot%s)", self.path.name, self.cfg.parallel,
                 "s" if self.cfg.parallel > 1 else "")

    def _load_instance(self) -> Any:
        return load_llama(self.path, self.cfg)

    def ready(self) -> bool:
        return self._loaded

    def load(self) -> Load:
        free = self._slots.qsize()
        return Load(in_flight=self.cfg.parallel - free if self._loaded else 0,
                    queued=self._waiting, slots=self.cfg.parallel, max_queue=self.cfg.max_queue,
                    avg_service_s=self._service_time.mean)

    async def close(self) -> None:
        while not self._slots.empty():
            self._slots.get_nowait().close()
        self._loaded = False
        self._threads.shutdown(wait=False)

    async def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        if not self._loaded:
            raise NotReady(f"the local model {self.name!r} is still loading; retry shortly")
        kwargs = _generation_args(req)  # validate before queueing
        self._check_context(req)
        llm = await self._acquire()
        held_from = time.monotonic()
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        out: asyncio.Queue[Any] = asyncio.Queue()

        def produce() -> None:
            try:
                for item in _generate(llm, req, kwargs, cancel):
                    loop.call_soon_threadsafe(out.put_nowait, item)
            except BaseException as e:  # handed to the event loop, raised there
                loop.call_soon_threadsafe(out.put_nowait, e)
            finally:
                loop.call_soon_threadsafe(out.put_nowait, _DONE)

        worker = loop.run_in_executor(self._threads, produce)
        try:
            while (item := await out.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise _convert(item)
                if item.usage is not None:  # the end: how long this request held its slot
                    item.usage.busy_s = time.monotonic() - held_from
                yield item
        finally:
            cancel.set()
            try:
                await asyncio.shield(worker)  # the slot is free only once the thread is done
            finally:
                self._slots.put_nowait(llm)
                self._service_time.add(time.monotonic() - held_from)

    def _check_context(self, req: ChatRequest) -> None:
        """Refuse, before queueing, a prompt that cannot fit the context window: no token is
        longer than the vocabulary's longest, so bytes / that length is fewer tokens than the
        prompt has (and every message adds its role markers). Closer calls are left to
        llama.cpp's exact count, cheap for what can fit."""
        text = req.prompt or ""
        size = len(text.encode()) + sum(len(m.text().encode()) for m in req.messages)
        at_least = size // self._longest_token + 2 * len(req.messages)
        if at_least + (req.max_tokens or 1) > self.cfg.n_ctx:
            raise InvalidRequest(
                f"This request's messages come to at least {at_least} tokens, and "
                f"{req.max_tokens or 1} more are asked for; the model {self.name!r} reads "
                f"{self.cfg.n_ctx} at most. Shorten the messages or lower max_tokens.",
                param="messages" if at_least >= self.cfg.n_ctx else "max_tokens",
                code="context_length_exceeded")

    async def _acquire(self) -> Any:
        if self._slots.empty() and self._waiting >= self.cfg.max_queue:
            raise QueueFull(f"The local model {self.name!r} is busy: {self.cfg.parallel} "
                            f"running and {self._waiting} queued (max_queue="
                            f"{self.cfg.max_queue}). Retry later.")
        self._waiting += 1
        try:
            return await self._slots.get()
        finally:
            self._waiting -= 1


def load_llama(path: Path | None, cfg: Any) -> Any:
    """A llama-cpp-python model that also counts the tokens it reads and writes."""
    for name, value in OPENMP_ENV.items():  # read when llama.cpp's library loads
        os.environ.setdefault(name, value)
    from llama_cpp import Llama, llama_vocab_is_eog

    class CountingLlama(Llama):
        prompt_tokens = 0
        completion_tokens = 0

        def generate(  # type: ignore[override]
            self, tokens: Any, *args: Any, **kwargs: Any
        ) -> Iterator[int]:
            self.prompt_tokens, self.completion_tokens = len(tokens), 0
            for token in super().generate(tokens, *args, **kwargs):
                if not llama_vocab_is_eog(self._model.vocab, token):
                    self.completion_tokens += 1
                yield token

    return CountingLlama(
        model_path=str(path), n_ctx=cfg.n_ctx, n_batch=cfg.n_batch,
        n_threads=cfg.n_threads or os.cpu_count(), n_gpu_layers=cfg.n_gpu_layers,
        chat_format=cfg.chat_format, verbose=False)


def _longest_token(llm: Any) -> int:
    return max(1, max(len(llm.detokenize([i])) for i in range(llm.n_vocab())))


def _generation_args(req: ChatRequest) -> dict[str, Any]:
    args: dict[str, Any] = {"stream": True, "stop": req.stop or None}
    for name in ("temperature", "top_p", "seed", "max_tokens"):
        value = getattr(req, name)
        if value is not None:
            args[name] = value
    for name in _PASSTHROUGH:
        if name in req.extra and req.extra[name] is not None:
            args[name] = req.extra[name]
    refuse_logprobs(req, "The embedded model")
    if req.extra.get("logit_bias"):
        args["logit_bias"] = {int(k): float(v) for k, v in req.extra["logit_bias"].items()}
    if req.is_completion:
        args.setdefault("max_tokens", 16)  # OpenAI's default for /v1/completions
        for name in ("echo", "suffix"):
            if req.extra.get(name) is not None:
                args[name] = req.extra[name]
        return args
    args["messages"] = [_message(m) for m in req.messages]
    if req.response_format and req.response_format.get("type") != "text":
        args["response_format"] = _response_format(req.response_format)
    if req.tools:
        args["tools"] = req.tools
        if req.tool_choice == "required":
            _require_a_call(args, req.tools)
        elif req.tool_choice is not None:
            args["tool_choice"] = req.tool_choice
    return args


def _functions(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [t["function"] for t in tools or () if t.get("type") == "function"]


def _calls_one_of_several(req: ChatRequest) -> bool:
    """Whether the answer is the JSON of one call among several tools (`_require_a_call`)."""
    return req.tool_choice == "required" and len(_functions(req.tools)) > 1


def _require_a_call(args: dict[str, Any], tools: list[dict[str, Any]]) -> None:
    """`tool_choice: "required"`: one tool is named outright (llama.cpp then constrains the
    arguments to its schema); among several, a grammar allows exactly one call of one of them:
    {"name": <a tool>, "arguments": <its parameters>}, read back as a tool call."""
    functions = _functions(tools)
    if len(functions) == 1:
        args["tool_choice"] = {"type": "function", "function": {"name": functions[0]["name"]}}
        return
    listed = "; ".join(f"{f['name']}: {f.get('description') or 'no description'}"
                       for f in functions)
    args["messages"] = [{"role": "system", "content": (
        f"Answer with a call of one of these tools ({listed}) as JSON: "
        '{"name": <tool>, "arguments": {...}}.')}, *args["messages"]]
    args["response_format"] = {"type": "json_object", "schema": {"anyOf": [
        {"type": "object", "properties": {
            "name": {"const": f["name"]},
            "arguments": f.get("parameters") or {"type": "object"}},
         "required": ["name", "arguments"]} for f in functions]}}


def _message(m: Any) -> dict[str, Any]:
    if isinstance(m.content, list) and any(p.get("type") != "text" for p in m.content):
        raise InvalidRequest("The local model reads text only; remove image/audio/file parts.",
                             param="messages")
    out: dict[str, Any] = {"role": "system" if m.role == "developer" else m.role,
                           "content": m.text()}
    if m.tool_calls:
        out["tool_calls"] = m.tool_calls
    if m.tool_call_id:
        out["tool_call_id"] = m.tool_call_id
    if m.name:
        out["name"] = m.name
    return out


def _response_format(fmt: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's json_schema, or json_object with a `schema` (as llama.cpp's server takes it),
    as the grammar llama-cpp-python builds from a schema."""
    schema = (fmt.get("json_schema") or {}).get("schema") if fmt.get("type") == "json_schema" \
        else fmt.get("schema")
    return {"type": "json_object", "schema": schema} if schema else {"type": "json_object"}


def _generate(llm: Any, req: ChatRequest, args: dict[str, Any],
              cancel: threading.Event) -> Iterator[Chunk]:
    """Runs in the worker thread: llama-cpp-python's OpenAI-shaped chunks as Chunks, then usage."""
    any_tool = _calls_one_of_several(req)
    if req.is_completion:
        parts = llm.create_completion(prompt=req.prompt, **args)
    else:
        parts = llm.create_chat_completion(**args)
    held: list[str] = []  # the JSON of a call among several tools, read whole
    try:
        for part in parts:
            if cancel.is_set():
                return
            chunk = stream_chunk(part, req.is_completion, "local")
            if chunk is None or not (chunk.text or chunk.tool_calls or chunk.finish_reason):
                continue
            if any_tool:
                held.append(chunk.text)
                if chunk.finish_reason is not None:
                    yield _tool_call("".join(held), chunk.finish_reason)
                continue
            yield chunk
    finally:
        parts.close()
    yield Chunk(usage=Usage(llm.prompt_tokens, llm.completion_tokens))


def _tool_call(text: str, finish_reason: str) -> Chunk:
    """The grammar-constrained answer {"name", "arguments"} as a tool call; cut off (at
    max_tokens) it stays text, finish_reason `length`, as OpenAI returns a cut-off answer."""
    try:
        call = orjson.loads(text)
        name, arguments = call["name"], call["arguments"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return Chunk(text=text, finish_reason=finish_reason)
    return Chunk(tool_calls=[ToolCallDelta(0, new_id("call"), name,
                                           orjson.dumps(arguments).decode())],
                 finish_reason="tool_calls")


def _convert(e: BaseException) -> BaseException:
    if isinstance(e, HomeportError):
        return e
    if isinstance(e, ValueError) and "exceed context window" in str(e):
        return InvalidRequest(f"{e}. Shorten the messages or lower max_tokens.",
                              param="messages", code="context_length_exceeded")
    return HomeportError(f"local generation failed: {e}")
