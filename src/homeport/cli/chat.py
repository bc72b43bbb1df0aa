"""`homeport chat "prompt"`: one question, the answer streamed to the terminal."""

from __future__ import annotations

import asyncio
import sys

import click

from homeport.cli.main import cli, common_options, console
from homeport.gateway.chat import Exchange
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Message

CLI_CALLER = Caller(key_id="cli", team="cli", roles=frozenset({"admin"}))


@cli.command()
@click.argument("prompt")
@click.option("--model", "-m", default="local", show_default=True, help="Model name or alias.")
@click.option("--system", "-s", default=None, help="System prompt.")
@click.option("--max-tokens", type=int, default=None, help="Longest answer, in tokens.")
@click.option("--temperature", type=float, default=None, help="Sampling temperature.")
@common_options
def chat(settings: Settings, prompt: str, model: str, system: str | None, max_tokens: int | None,
         temperature: float | None) -> None:
    """Ask PROMPT and stream the answer (through the same routing and ledger as the API)."""
    messages = ([Message("system", system)] if system else []) + [Message("user", prompt)]
    req = ChatRequest(model=model, messages=messages, stream=True, max_tokens=max_tokens,
                      temperature=temperature)
    asyncio.run(_chat(Runtime(settings), req))


async def _chat(runtime: Runtime, req: ChatRequest) -> None:
    err = console(stderr=True)
    with err.status("loading models…"):
        await runtime.start(wait_for_models=True)
    try:
        answer = await runtime.gateway.chat(req, Exchange(CLI_CALLER))
        usage = None
        async for chunk in answer.chunks():
            sys.stdout.write(chunk.text)
            sys.stdout.flush()
            usage = chunk.usage or usage
        sys.stdout.write("\n")
        t = answer.routed.target
        tokens = f", {usage.prompt_tokens}+{usage.completion_tokens} tokens" if usage else ""
        err.print(f"[dim]{t.served_as} via {t.provider}/{t.model}{tokens}[/dim]")
    finally:
        await runtime.stop()
