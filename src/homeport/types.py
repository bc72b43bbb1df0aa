"""Internal value objects shared by every package.

Wire formats (OpenAI, Anthropic, Gemini JSON) are translated to and from these at the
edges: `api/` for clients, `providers/` for upstreams. Nothing here does I/O.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field
from typing import Any


class Sensitivity(enum.IntEnum):
    """How sensitive a request's content is; providers have a clearance on this scale."""

    PUBLIC = 0
    INTERNAL = 1
    CONFIDENTIAL = 2
    RESTRICTED = 3

    @classmethod
    def parse(cls, value: str) -> Sensitivity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown sensitivity {value!r}; use one of: {names}") from None

    def __str__(self) -> str:
        return self.name.lower()


class Tier(enum.StrEnum):
    LOCAL = "local"
    CLOUD = "cloud"


@dataclass(slots=True)
class Message:
    """One chat message. `content` is a string, a list of OpenAI content parts, or None."""

    role: str
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[dict[str, Any]] | None = None  # OpenAI: {id, type, function{name, arguments}}
    tool_call_id: str | None = None

    def text(self) -> str:
        """The message's text, content parts joined (images and audio omitted)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")


@dataclass(slots=True)
class ChatRequest:
    """A generation request, chat (`messages`) or raw completion (`prompt`)."""

    model: str
    messages: list[Message] = field(default_factory=list)
    prompt: str | None = None  # set for /v1/completions
    stream: bool = False
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    include_usage: bool = False
    user: str | None = None
    knowledge: list[str] = field(default_factory=list)  # knowledge bases to retrieve from
    extra: dict[str, Any] = field(default_factory=dict)  # other OpenAI params, passed through

    @property
    def is_completion(self) -> bool:
        return self.prompt is not None


@dataclass(frozen=True, slots=True)
class Finding:
    """A sensitive entity found in a text: `type` is an entity name from homeport.entities."""

    type: str
    start: int
    end: int
    score: float


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    busy_s: float | None = None  # an embedded model: seconds it held a slot for the request

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class ToolCallDelta:
    """A piece of a tool call; pieces with the same `index` concatenate their `arguments`."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(slots=True)
class Chunk:
    """A piece of a generation. A non-streaming upstream yields one Chunk with everything."""

    text: str = ""
    tool_calls: list[ToolCallDelta] | None = None
    finish_reason: str | None = None  # stop | length | tool_calls | content_filter
    usage: Usage | None = None
    logprobs: dict[str, Any] | None = None  # the choice's logprobs, as the upstream sent them


# Embedding input as token ids (OpenAI's wire): one array, or one per text
TokenInput = list[int] | list[list[int]]


@dataclass(slots=True)
class EmbedResult:
    vectors: list[list[float]]
    prompt_tokens: int


@dataclass(slots=True)
class Load:
    """Saturation of a provider, read by the router."""

    in_flight: int = 0
    queued: int = 0
    slots: int | None = None  # parallel capacity, when known
    max_queue: int | None = None
    avg_service_s: float | None = None  # recent mean time one request holds a slot, if known


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: resolved from the API key."""

    key_id: str
    team: str
    roles: frozenset[str] = frozenset()
    allowed_models: frozenset[str] | None = None  # None: any model
    allowed_kbs: frozenset[str] | None = None  # None: any base the team may read

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def reads_only(self) -> bool:
        """An auditor key (and nothing more): it reads the audit log and reports only."""
        return bool(self.roles) and self.roles <= {"auditor"}

    @property
    def is_auditor(self) -> bool:
        """Admins and auditors read the audit log and reports."""
        return "admin" in self.roles or "auditor" in self.roles


@dataclass(frozen=True, slots=True)
class Target:
    """One place a request can run: a provider and the model name it knows."""

    provider: str
    model: str  # upstream model name
    served_as: str  # the Homeport model name that resolved to this target


@dataclass(slots=True)
class Decision:
    """Where a request may run, in order (first choice, then fallbacks), and why."""

    candidates: list[Target]
    rule: str
    reasons: list[str] = field(default_factory=list)
    pseudonymize: bool = False  # mask entities for providers below the content's sensitivity


def new_id(prefix: str) -> str:
    """A unique id (96 random bits; ids are labels, not secrets, so no syscall per id)."""
    return f"{prefix}-{random.getrandbits(96):024x}"
