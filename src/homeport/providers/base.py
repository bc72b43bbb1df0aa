"""The one Provider interface every model backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from homeport.errors import InvalidRequest
from homeport.types import ChatRequest, Chunk, EmbedResult, Load, Sensitivity, Tier, TokenInput


@dataclass(frozen=True, slots=True)
class Capabilities:
    chat: bool = True
    completions: bool = True
    embeddings: bool = False
    tools: bool = True
    json_schema: bool = True


class Provider(ABC):
    """A model backend. `stream` yields Chunks; a non-streaming upstream yields one.

    Implementations raise only `homeport.errors` exceptions: UpstreamFailed and its
    subclasses (and QueueFull) for what a fallback may fix, UpstreamRejected otherwise.
    """

    capabilities = Capabilities()
    in_process = False  # runs inside Homeport (embedded): calling it sends nothing anywhere

    def __init__(self, name: str, *, tier: Tier, clearance: Sensitivity, region: str | None):
        self.name = name
        self.tier = tier
        self.clearance = clearance
        self.region = region
        self.dispatching = 0  # requests sent here whose egress record is being written

    def current_load(self) -> Load:
        """`load()` plus requests already on their way (routing counts them as in flight)."""
        load = self.load()
        if self.dispatching:
            load = replace(load, in_flight=load.in_flight + self.dispatching)
        return load

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Open connections, load weights. Called once before serving."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release everything `start` took."""

    def ready(self) -> bool:
        return True

    def load(self) -> Load:
        return Load()

    @abstractmethod
    def stream(self, req: ChatRequest, model: str) -> AsyncIterator[Chunk]:
        """Generate for `req` with the upstream model named `model`."""

    async def embed(self, texts: list[str], model: str,
                    tokens: TokenInput | None = None) -> EmbedResult:
        """Vectors of `texts`; `tokens`: the same input as the client's token ids (an
        OpenAI-compatible upstream gets them unchanged; others read the texts)."""
        raise InvalidRequest(f"provider {self.name!r} does not serve embeddings", param="model")


def refuse_logprobs(req: ChatRequest, who: str) -> None:
    """A provider that cannot return log probabilities refuses a request for them (400), rather
    than answering without them."""
    for name in ("logprobs", "top_logprobs"):
        if req.extra.get(name) not in (None, False):
            raise InvalidRequest(f"{who} does not return log probabilities: leave '{name}' out, "
                                 "or ask a model served by an OpenAI-compatible upstream that "
                                 "returns them.", param=name)
