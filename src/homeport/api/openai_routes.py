"""The OpenAI-compatible routes under /v1. Thin: authenticate, parse, call the gateway, encode."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp

from homeport.api import wire
from homeport.api.asgi import (
    Endpoint,
    HttpRequest,
    auditor_only,
    authenticate,
    json_response,
    too_large,
)
from homeport.api.parse import chat_request, completion_request, validate
from homeport.api.schemas import ChatCompletionRequest, CompletionRequest, EmbeddingRequest
from homeport.api.streaming import ClientGone, EventStream, until_disconnect
from homeport.errors import HomeportError, InvalidRequest
from homeport.knowledge import chat as knowledge_chat
from homeport.knowledge.service import Retrieved
from homeport.routing.router import Routing
from homeport.routing.service import CLIENT_CLOSED, Routed
from homeport.runtime import Runtime
from homeport.settings import AUTO_MODEL
from homeport.telemetry.logs import set_request_id
from homeport.telemetry.tracing import traceparent_of
from homeport.types import Caller, ChatRequest, Chunk, Sensitivity, Target

log = logging.getLogger(__name__)


async def _authenticated_body(rt: Runtime, request: HttpRequest) -> bytes:
    request.caller = await authenticate(rt, request.headers.get("authorization"))
    return await request.body(rt.settings.max_body_bytes)


SENSITIVITY_HEADER = "x-homeport-sensitivity"


def declared_sensitivity(request: HttpRequest) -> Sensitivity:
    """The caller's `x-homeport-sensitivity`: it can raise the level, never lower it."""
    value = request.headers.get(SENSITIVITY_HEADER)
    if value is None:
        return Sensitivity.PUBLIC
    try:
        return Sensitivity.parse(value)
    except ValueError as e:
        raise InvalidRequest(f"Invalid {SENSITIVITY_HEADER} header: {e}.",
                             param=SENSITIVITY_HEADER) from None


async def chat_completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    req = chat_request(validate(ChatCompletionRequest, raw))
    return await _generate(rt, request, req, "chat")


async def completions(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    req = completion_request(validate(CompletionRequest, raw))
    return await _generate(rt, request, req, "completions")


async def chat_as(rt: Runtime, request: HttpRequest, caller: Caller, body: bytes,
                  regenerate: bool = False) -> ASGIApp:
    """POST /v1/chat/completions for a caller authenticated another way (the web UI's
    session), keeping the conversation (`user` and x-homeport-conversation name it) whatever
    memory.conversations says: the chat page lists them. `regenerate`: the answer replaces the
    conversation's last turn once it is complete."""
    request.caller = caller
    if caller.reads_only:
        raise auditor_only()
    if len(body) > rt.settings.max_body_bytes:
        raise too_large(rt.settings.max_body_bytes)
    req = chat_request(validate(ChatCompletionRequest, body))
    return await _generate(rt, request, req, "chat", keep_conversation=True,
                           regenerate=regenerate)


async def _generate(rt: Runtime, request: HttpRequest, req: ChatRequest, endpoint: str,
                    keep_conversation: bool = False, regenerate: bool = False) -> ASGIApp:
    assert request.caller is not None
    rid = wire.new_id("chatcmpl" if endpoint == "chat" else "cmpl")
    set_request_id(rid)
    caller = request.caller
    declared = declared_sensitivity(request)
    rt.governance.allow_model(caller, req.model)  # before any retrieval is done for it
    req, retrieved = await _with_knowledge(rt, caller, req)
    asked = req
    req, recalled = await rt.memory.recall_into(caller, req)
    label = max(r.label if r else Sensitivity.PUBLIC for r in (retrieved, recalled))
    conversation = await _conversation(rt, request, asked, keep_conversation)
    opening = rt.gateway.open(req, caller, endpoint, rid, declared, label,
                              traceparent_of(request.headers))
    try:  # a client that leaves while its request waits for a model frees the queue slot
        if req.stream:
            routed = await until_disconnect(request.receive, opening)
        else:
            routed, collected = await until_disconnect(request.receive, _open_and_collect(opening))
    except ClientGone:
        return Response(status_code=CLIENT_CLOSED)
    headers = _route_headers(rt, routed, rid)
    if conversation:
        headers[CONVERSATION_HEADER] = conversation
    model = routed.target.served_as
    cited = knowledge_chat.citations(retrieved) if retrieved else []
    meta = {"route": headers["x-homeport-route"], "tier": headers[TIER_HEADER],
            "rule": routed.routing.decision.rule, "reason": headers["x-homeport-reason"],
            "served_as": model, "citations": cited} if conversation else None
    turn = Turn(rt, caller, asked, conversation, str(routed.routing.context.sensitivity), meta,
                regenerate)
    if req.stream:
        encoder = wire.StreamEncoder(rid, model, req.is_completion, req.include_usage, cited)
        return EventStream(_sse(routed, encoder, turn), headers)
    if cited:
        collected.text.append(knowledge_chat.sources_footer("".join(collected.text), cited))
    await turn.done("".join(collected.text))
    build = wire.text_completion if req.is_completion else wire.chat_completion
    body = build(rid, int(time.time()), model, collected)
    if cited:
        body["citations"] = cited
    return json_response(body, headers=headers)


CONVERSATION_HEADER = "x-homeport-conversation"


async def _conversation(rt: Runtime, request: HttpRequest, req: ChatRequest,
                        keep: bool) -> str | None:
    """The conversation a stored turn belongs to: the caller's header, else a new one (also
    when the header names a conversation of another user: the response names the one used)."""
    if not ((keep or rt.settings.memory.conversations) and req.user and req.messages):
        return None
    given = str(request.headers.get(CONVERSATION_HEADER, "")).strip()
    if len(given) > 40:
        raise InvalidRequest(f"{CONVERSATION_HEADER} is at most 40 characters",
                             param=CONVERSATION_HEADER)
    assert request.caller is not None
    if given:
        joinable: bool = await rt.db.run(rt.memory.conversations.joinable, request.caller,
                                         req.user, given)
        if joinable:
            return given
    return wire.new_id("conv")


class Turn:
    """After an answer: store the turn (memory.conversations) and extract facts to remember
    (memory.extract); neither may fail the answer already given."""

    def __init__(self, rt: Runtime, caller: Caller, req: ChatRequest, conversation: str | None,
                 sensitivity: str, meta: dict[str, Any] | None, replace_last: bool = False):
        self.rt, self.caller, self.req = rt, caller, req
        self.conversation, self.sensitivity, self.meta = conversation, sensitivity, meta
        self.replace_last = replace_last
        self.wanted = conversation is not None or rt.memory.extraction_request(req, "") is not None

    async def done(self, answer: str) -> None:
        if not self.wanted:
            return
        try:
            await self.rt.memory.after_turn(self.caller, self.req, self.conversation, answer,
                                            self.sensitivity, self.meta, self.replace_last)
        except Exception:
            log.exception("storing the conversation turn failed")
        ask = self.rt.memory.extraction_request(self.req, answer)
        if ask is not None:
            self.rt.memory.background(self._extract(ask))

    async def _extract(self, ask: ChatRequest) -> None:
        """Ask the model (routed like any request) which facts to remember, and store them."""
        try:
            routed = await self.rt.gateway.open(ask, self.caller, "chat", wire.new_id("mem"),
                                                Sensitivity.parse(self.sensitivity))
            reply = await _collect(routed)
            assert ask.user is not None
            await self.rt.memory.remember_extracted(self.caller, ask.user, "".join(reply.text))
        except Exception:
            log.exception("extracting memories failed")


async def _with_knowledge(rt: Runtime, caller: Caller,
                          req: ChatRequest) -> tuple[ChatRequest, Retrieved | None]:
    """Retrieve from the knowledge bases the request (or its model alias) attaches."""
    bound = rt.registry.find(req.model)
    names = [*(bound.knowledge if bound else ()), *req.knowledge]
    if not names:
        return req, None
    query = knowledge_chat.query_of(req)
    if not query.strip():
        raise InvalidRequest("attached knowledge needs a user message to search for",
                             param="messages")
    retrieved = await rt.knowledge.search(caller, names, query,
                                          rt.settings.knowledge.chat_passages)
    return knowledge_chat.attach(req, retrieved), retrieved


async def _open_and_collect(opening: Awaitable[Routed]) -> tuple[Routed, wire.Collected]:
    routed = await opening
    return routed, await _collect(routed)


async def _collect(routed: Routed) -> wire.Collected:
    collected = wire.Collected()
    status, error = 200, None  # type: int, BaseException | None
    try:
        async for chunk in routed.chunks():
            collected.add(chunk)
    except HomeportError as e:
        status, error = e.status, e
        raise
    except BaseException as e:
        status = CLIENT_CLOSED if isinstance(e, asyncio.CancelledError) else 500
        error = e
        raise
    finally:
        text = "".join(collected.text)
        routed.finish(status, error, collected.usage, text, len(text))
    return collected


async def _sse(routed: Routed, encoder: wire.StreamEncoder,
               turn: Turn) -> AsyncIterator[bytes]:
    status, error = 200, None  # type: int, BaseException | None
    answer: list[str] = []
    streamed = 0
    try:
        head = encoder.start()  # sent with the first chunk: one write, not two
        async for chunk in routed.chunks():
            streamed += len(chunk.text)
            if encoder.citations or turn.wanted or routed.logs_answer:
                answer.append(chunk.text)
            data = encoder.encode(chunk)
            if head and data:
                data, head = head + data, b""
            yield data
        footer = knowledge_chat.sources_footer("".join(answer), encoder.citations)
        await turn.done("".join(answer) + footer)  # stored before the client sees the end
        yield head + (encoder.encode(Chunk(text=footer)) if footer else b"") + encoder.end()
    except HomeportError as e:  # headers are sent: report in-band, as OpenAI does
        status, error = e.status, e
        yield wire.sse(e.to_dict())
    except Exception as e:
        log.exception("stream %s failed", routed.call.record.id)
        status, error = 500, e
        yield wire.sse(HomeportError("The stream failed inside Homeport.").to_dict())
    except BaseException as e:  # cancelled: the client went away
        status, error = CLIENT_CLOSED, e
        raise
    finally:
        routed.finish(status, error, encoder.usage, "".join(answer), streamed)


def _route_headers(rt: Runtime, routed: Routed, rid: str) -> dict[str, str]:
    return {**route_headers(rt, rid, routed.target, routed.routing),
            "x-homeport-attempts": str(routed.call.record.attempts)}


TIER_HEADER = "x-homeport-tier"


def route_headers(rt: Runtime, rid: str, target: Target, routing: Routing) -> dict[str, str]:
    d = routing.decision
    tier = rt.registry.providers[target.provider].tier
    return {"x-request-id": rid, "x-homeport-route": f"{target.provider}/{target.model}",
            TIER_HEADER: str(tier),
            "x-homeport-rule": d.rule,
            SENSITIVITY_HEADER: str(routing.context.sensitivity),
            "x-homeport-reason": "; ".join(d.reasons).encode("ascii", "replace").decode()}


async def embeddings(rt: Runtime, request: HttpRequest) -> ASGIApp:
    raw = await _authenticated_body(rt, request)
    assert request.caller is not None
    body = validate(EmbeddingRequest, raw)
    texts = [body.input] if isinstance(body.input, str) else body.input
    if any(not t for t in texts):
        raise InvalidRequest("'input' must not contain empty strings.", param="input")
    rid = wire.new_id("emb")
    set_request_id(rid)
    target, routing, result = await rt.gateway.embed(body.model, texts, request.caller, rid,
                                                     declared_sensitivity(request),
                                                     traceparent_of(request.headers))
    dims = len(result.vectors[0]) if result.vectors else 0
    if body.dimensions is not None and body.dimensions != dims:
        raise InvalidRequest(f"This model produces {dims}-dimensional vectors; 'dimensions' "
                             f"must be {dims} or omitted.", param="dimensions")
    return json_response(
        wire.embeddings(target.served_as, result.vectors, result.prompt_tokens,
                        body.encoding_format),
        headers=route_headers(rt, rid, target, routing))


async def list_models(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    virtual = [_model(rt, AUTO_MODEL, "homeport")] if has_auto(rt) else []
    return json_response({"object": "list", "data": [
        *virtual, *(_model(rt, m.name, m.provider) for m in rt.registry.models)]})


async def get_model(rt: Runtime, request: HttpRequest) -> ASGIApp:
    await authenticate(rt, request.headers.get("authorization"))
    name = request.path.removeprefix(MODELS_PREFIX)
    if name == AUTO_MODEL and has_auto(rt):
        return json_response(_model(rt, AUTO_MODEL, "homeport"))
    m = rt.registry.resolve(name)
    return json_response(_model(rt, m.name, m.provider))


def has_auto(rt: Runtime) -> bool:
    r = rt.settings.routing
    return bool(r.auto) or any(rule.when.models and AUTO_MODEL in rule.when.models
                               for rule in r.rules)


def _model(rt: Runtime, name: str, provider: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": rt.registry.created, "owned_by": provider}


MODELS_PREFIX = "/v1/models/"


def endpoints(rt: Runtime) -> tuple[dict[str, Endpoint], dict[str, Endpoint]]:
    """(exact paths, path prefixes) -> Endpoint, for ApiFront."""
    return ({
        "/v1/chat/completions": Endpoint(rt, chat_completions, "POST", "chat"),
        "/v1/completions": Endpoint(rt, completions, "POST", "completions"),
        "/v1/embeddings": Endpoint(rt, embeddings, "POST", "embeddings"),
        "/v1/models": Endpoint(rt, list_models, "GET", None),
    }, {MODELS_PREFIX: Endpoint(rt, get_model, "GET", None)})
