"""Homeport's own headers: what a caller declares (x-homeport-sensitivity, the conversation)
and where an exchange ran and why (x-homeport-route, -tier, -rule, -reason)."""

from __future__ import annotations

from homeport.errors import InvalidRequest
from homeport.gateway.chat import MAX_CONVERSATION_ID, Answer, Exchange
from homeport.telemetry.tracing import traceparent_of
from homeport.types import Caller, Sensitivity
from homeport.wire.http import HttpRequest

SENSITIVITY_HEADER = "x-homeport-sensitivity"
CONVERSATION_HEADER = "x-homeport-conversation"
TIER_HEADER = "x-homeport-tier"


def answer_headers(answer: Answer) -> dict[str, str]:
    headers = {**route_headers(answer.id, answer.routed.route),
        "x-homeport-attempts": str(answer.routed.call.record.attempts)}
    if answer.conversation:
        headers[CONVERSATION_HEADER] = answer.conversation
    return headers


def route_headers(rid: str, route: dict[str, str]) -> dict[str, str]:
    return {"x-request-id": rid, "x-homeport-route": route["route"],
            TIER_HEADER: route["tier"], "x-homeport-rule": route["rule"],
            SENSITIVITY_HEADER: route["sensitivity"],
            "x-homeport-reason": route["reason"].encode("ascii", "replace").decode()}


def exchange_of(request: HttpRequest, caller: Caller) -> Exchange:
    """The typed exchange a request's headers ask for."""
    conversation = request.headers.get(CONVERSATION_HEADER, "").strip() or None
    if conversation is not None and len(conversation) > MAX_CONVERSATION_ID:
        raise InvalidRequest(f"{CONVERSATION_HEADER} is at most {MAX_CONVERSATION_ID} "
                             "characters", param=CONVERSATION_HEADER)
    return Exchange(caller, declared_sensitivity(request), traceparent_of(request.headers),
                    conversation=conversation)


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
