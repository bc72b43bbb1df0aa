"""The chat page: conversations, a model picker (`auto` included), knowledge bases to attach,
answers streamed as Markdown with where they ran, the sensitivity found and numbered citations.

Sending goes through the gateway as POST /v1/chat/completions does (with the session's key):
routing, privacy, governance, retrieval and the ledger all apply, and the browser reads the same
OpenAI event stream an SDK would. Conversations are kept per team and
person (`Visit.user`, an opaque id), like the API's stored conversations.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import RedirectResponse, Response

from homeport.gateway.chat import Exchange
from homeport.gateway.exchange import CLIENT_CLOSED
from homeport.settings import AUTO_MODEL
from homeport.types import ChatRequest, Message
from homeport.web.pages import Visit
from homeport.wire import openai as wire
from homeport.wire.headers import answer_headers
from homeport.wire.http import validate
from homeport.wire.streaming import ClientGone, EventStream, until_disconnect

Text = Annotated[str, Field(max_length=1_000_000)]


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Annotated[str, Field(pattern="^(user|assistant)$")]
    content: Text


class Send(BaseModel):
    """What the page sends: the conversation so far (ending with the question)."""

    model_config = ConfigDict(extra="forbid")
    model: Annotated[str, Field(min_length=1, max_length=200)]
    messages: Annotated[list[ChatMessage], Field(min_length=1, max_length=1000)]
    knowledge: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=50)] = []
    conversation: Annotated[str, Field(max_length=40)] | None = None
    regenerate: bool = False


def chat_models(visit: Visit) -> list[str]:
    """`auto` (when routing offers it) and the chat models this key may use."""
    rt, allowed = visit.rt, visit.caller.allowed_models
    names = [AUTO_MODEL] if rt.settings.routing.offers_auto() else []
    names += [m.name for m in rt.registry.models if m.kind == "chat"]
    return [n for n in names if allowed is None or n in allowed]


async def chat(visit: Visit) -> Response:
    rt, caller = visit.rt, visit.caller
    conv = visit.request.path_params.get("conversation")
    conversations = rt.memory.conversations
    listed = await rt.db.run(conversations.recent, caller.team, visit.user)
    messages = await rt.db.run(conversations.messages, caller.team, visit.user, conv) \
        if conv else []
    models = chat_models(visit)
    kbs = await rt.knowledge.readable(caller)
    last_model = next((m["meta"].get("served_as") for m in reversed(messages)
                       if m["role"] == "assistant" and m["meta"].get("served_as")), None)
    return visit.render(
        "chat.html", "chat", conversations=listed, current=conv, models=models,
        model=last_model if last_model in models else (models[0] if models else None),
        kbs=kbs,
        state=_script_json({"conversation": conv, "messages": [
            {"role": m["role"], "content": m["content"], "meta": m["meta"],
             "sensitivity": m["sensitivity"]} for m in messages]}))


def _script_json(data: Any) -> Markup:
    """JSON safe inside <script>: no `</script>` or `<!--` can end it early."""
    text = orjson.dumps(data).decode()
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


async def send(visit: Visit) -> Response:
    """Stream an answer (text/event-stream in OpenAI's format); errors as OpenAI JSON."""
    rt, caller = visit.rt, visit.caller
    body = validate(Send, await visit.request.body())  # within max_body_bytes (page())
    if body.regenerate and body.conversation:  # only one's own (the turn is replaced later)
        await rt.db.run(rt.memory.conversations.check_owner, caller.team, visit.user,
                        body.conversation)
    req = ChatRequest(model=body.model, stream=True, include_usage=True, user=visit.user,
                      messages=[Message(m.role, m.content) for m in body.messages],
                      knowledge=list(body.knowledge))
    ex = Exchange(caller, conversation=body.conversation, keep_conversation=True,
                  regenerate=body.regenerate)
    try:
        answer = await until_disconnect(visit.request.receive, rt.gateway.chat(req, ex))
    except ClientGone:
        return Response(status_code=CLIENT_CLOSED)
    encoder = wire.StreamEncoder(answer.id, answer.routed.target.served_as, False, True,
                                 answer.citations)
    return EventStream(wire.event_stream(answer, encoder),  # type: ignore[return-value]
                       answer_headers(answer))


async def delete(visit: Visit) -> Response:
    await visit.rt.db.run(visit.rt.memory.conversations.delete, visit.caller.team, visit.user,
                          visit.request.path_params["conversation"])
    return RedirectResponse("/", status_code=303)
