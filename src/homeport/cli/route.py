"""`homeport route explain|calibrate|rules`: the router's decision without calling a model, the
complexity threshold calibrated to a share of local traffic, and the routing rules in force."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click

from homeport.cli.keys import CLI_ACTOR, admin
from homeport.cli.main import cli, common_options, console
from homeport.errors import HomeportError
from homeport.gateway.chat import Exchange
from homeport.routing.assessor import read_prompts
from homeport.routing.calibration import save_calibration
from homeport.routing.rules import parse_rules, rules_yaml
from homeport.runtime import Runtime
from homeport.settings import Settings
from homeport.types import Caller, ChatRequest, Message, Sensitivity
from homeport.wire.http import validate
from homeport.wire.openai_parse import chat_request
from homeport.wire.openai_schemas import ChatCompletionRequest


@cli.group()
def route() -> None:
    """Inspect and tune the router."""


@route.command("explain")
@click.argument("prompt", required=False)
@click.option("--file", "-f", "file", type=click.File("r"), default=None,
              help="Read the prompt (or a chat request JSON body) from a file; - for stdin.")
@click.option("--model", "-m", default="auto", show_default=True, help="Requested model.")
@click.option("--system", "-s", default=None, help="System prompt.")
@click.option("--team", default="cli", show_default=True, help="Caller's team.")
@click.option("--sensitivity", default=None, help="Declared sensitivity (as the "
              "x-homeport-sensitivity header).")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@common_options
def explain(settings: Settings, prompt: str | None, file: Any, model: str, system: str | None,
            team: str, sensitivity: str | None, as_json: bool) -> None:
    """Where PROMPT would go, why, and what was found in it — no model is called."""
    req = _request(prompt, file, model, system)
    try:
        declared = Sensitivity.parse(sensitivity) if sensitivity else Sensitivity.PUBLIC
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--sensitivity") from None
    caller = Caller(key_id="cli", team=team, roles=frozenset({"member"}))
    result = asyncio.run(_explain(Runtime(settings), req, caller, declared))
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    out = console()
    out.print(f"route        [bold]{result['route'] or 'none (fails closed: 503)'}[/bold]")
    out.print(f"rule         {result['rule']}")
    out.print(f"sensitivity  {result['sensitivity']}  "
              f"(entities: {', '.join(result['entity_types']) or 'none'}; NER {result['ner']})")
    if result["task"]:
        out.print(f"task         {result['task']} ({result['task_confidence']:.2f}), complexity "
                  f"{result['complexity']:.2f} (threshold {result['complexity_threshold']:.2f})")
    for c in result["candidates"]:
        out.print(f"  {c['action']:<8} {c['provider']}/{c['model']} (tier {c['tier']}, "
                  f"clearance {c['clearance']})")
    for r in result["reasons"]:
        out.print(f"  [dim]{r}[/dim]")


def _request(prompt: str | None, file: Any, model: str, system: str | None) -> ChatRequest:
    text = file.read() if file is not None else prompt
    if text is None:
        raise click.UsageError("give a PROMPT or --file")
    stripped = text.lstrip()
    if file is not None and stripped.startswith("{"):
        try:
            return chat_request(validate(ChatCompletionRequest, stripped.encode()))
        except HomeportError as e:
            raise click.ClickException(f"{file.name}: {e.message}") from e
    messages = ([Message("system", system)] if system else []) + [Message("user", text)]
    return ChatRequest(model=model, messages=messages)


async def _explain(rt: Runtime, req: ChatRequest, caller: Caller,
                   declared: Sensitivity) -> dict[str, Any]:
    await rt.start_assessor()
    try:
        return await rt.gateway.explain(req, Exchange(caller, declared))
    finally:
        await rt.registry.close()


@route.command("calibrate")
@click.option("--local-share", type=click.FloatRange(0, 1), required=True,
              help="Share of the prompts that should count as not complex (e.g. 0.8).")
@click.option("--prompts", "prompts_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), required=True,
              help="Representative prompts: one per line, or JSONL with `text`, `prompt` or "
              "`messages`.")
@common_options
def calibrate(settings: Settings, local_share: float, prompts_file: Path) -> None:
    """Set the complexity threshold so LOCAL_SHARE of typical prompts stay local."""
    try:
        prompts = read_prompts(prompts_file)
    except ValueError as e:
        raise click.ClickException(str(e)) from e
    rt = Runtime(settings)
    err = console(stderr=True)
    with err.status(f"scoring {len(prompts)} prompts…"):
        threshold, scores = asyncio.run(_calibrate(rt, prompts, local_share))
    path = save_calibration(settings.data_dir, threshold, local_share, len(prompts))
    local = sum(s <= threshold for s in scores)
    console().print(f"complexity threshold {threshold:.4f}: {local}/{len(scores)} prompts "
                    f"({local / len(scores):.0%}) at or below it stay local; saved to {path}")
    if settings.routing.complexity_threshold is not None:
        err.print("[yellow]note: routing.complexity_threshold in your config overrides the "
                  "saved threshold[/yellow]")


async def _calibrate(rt: Runtime, prompts: list[str],
                     share: float) -> tuple[float, list[float]]:
    from homeport.routing.classifier import calibrate_threshold

    assessor = await rt.start_assessor()
    try:
        if assessor is None:
            raise click.ClickException("calibration needs the embedded embedding model "
                                       "(embedded.embeddings)")
        t0 = time.perf_counter()
        scores = [a.complexity for a in await assessor.many(prompts)]
        print(f"scored in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        return calibrate_threshold(scores, share), scores
    finally:
        await rt.registry.close()


@route.group("rules")
def rules() -> None:
    """Show or replace the routing rules in force (saved rules replace the configured ones on
    every replica within seconds)."""


@rules.command("show")
@common_options
def show_rules(settings: Settings) -> None:
    """Print the rules in force as YAML (the saved version, else the configured rules)."""
    store = admin(settings).rules
    assert store is not None
    source = f"saved version {store.version}" if store.version else "configuration"
    click.echo(f"# routing rules from the {source}", err=True)
    click.echo(rules_yaml(settings.routing.rules), nl=False)


@rules.command("set")
@click.argument("file", type=click.File("r"))
@common_options
def set_rules(settings: Settings, file: TextIO) -> None:
    """Validate the rules in FILE (YAML: a list of rules) and save them (audited)."""
    manager = admin(settings)
    version = manager.set_rules(CLI_ACTOR, parse_rules(file.read(), settings))
    click.echo(f"saved routing rules version {version} ({len(settings.routing.rules)} rules)")
