"""`homeport models`: the models clients may ask for, where each one runs, and whether local
models fit this machine (`homeport models fit`)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.economics.fit import (
    DEFAULT_CTX,
    Fit,
    GiB,
    Machine,
    estimate,
    fit_gguf,
    machine,
    normalise_quant,
    parse_params,
)
from homeport.errors import ConfigError
from homeport.providers.modelfiles import SMOLLM2_GGUF, locate
from homeport.settings import LlamaCppProvider, Settings


@cli.group(invoke_without_command=True)
@common_options
def models(settings: Settings) -> None:
    """List configured models with their provider, tier, clearance and fallbacks."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    providers = {p.name: p for p in settings.all_providers()}
    table = Table("model", "aliases", "kind", "provider", "type", "tier", "clearance",
                  "fallbacks", "upstream / file")
    for m in settings.all_models():
        p = providers[m.provider]
        where = getattr(p, "base_url", None) or getattr(p, "model_path", None) or "(packaged)"
        table.add_row(m.name, ", ".join(m.aliases), m.kind, p.name, p.type,
                      str(p.effective_tier()), str(p.effective_clearance()),
                      ", ".join(m.fallbacks), f"{m.upstream_model or m.name} @ {where}")
    console().print(table)


@models.command("fit")
@click.argument("model", required=False)
@click.option("--params", help="Model size instead of a file, e.g. 8B or 135M.")
@click.option("--quant", help="GGUF quantisation, e.g. Q4_K_M. Default: the file's; Q4_K_M "
              "with --params.")
@click.option("--ctx", type=click.IntRange(min=1), help="Context tokens per sequence. Default: "
              f"the provider's n_ctx, else {DEFAULT_CTX}.")
@click.option("--parallel", type=click.IntRange(min=1), help="Sequences served at once. "
              "Default: the provider's parallel, else 1.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@common_options
def fit(settings: Settings, model: str | None, params: str | None, quant: str | None,
        ctx: int | None, parallel: int | None, fmt: str) -> None:
    """Whether a model fits this machine's GPU memory / RAM: MODEL (a configured model or a
    GGUF path), --params, or, with neither, every configured local GGUF model.
    Exits 0 when it fits (all of them), 1 when not."""
    hw = machine(settings.economics.hardware)
    try:
        fits = _fits(settings, hw, model, params, quant, ctx, parallel)
    except (ValueError, ConfigError) as e:
        raise click.BadParameter(str(e)) from e
    if fmt == "json":
        rows = [f.to_dict() for f in fits]
        click.echo(json.dumps(rows if model is None and params is None else rows[0], indent=2))
    else:
        _print(fits, hw)
    sys.exit(0 if all(f.fits for f in fits) else 1)


def _fits(settings: Settings, hw: Machine, model: str | None, params: str | None,
          quant: str | None, ctx: int | None, parallel: int | None) -> list[Fit]:
    if params is not None:
        if model is not None:
            raise ValueError("give MODEL or --params, not both")
        return [estimate(parse_params(params), normalise_quant(quant or "Q4_K_M"),
                         ctx or DEFAULT_CTX, parallel or 1, machine=hw)]
    local = _local_ggufs(settings)
    if model is None:
        first = {p.name: (name, path, p) for name, (path, p) in reversed(local.items())}
        return [_gguf_fit(n, path, hw, quant, ctx or p.n_ctx, parallel or p.parallel)
                for n, path, p in first.values()]
    if model in local:
        path, p = local[model]
        return [_gguf_fit(model, path, hw, quant, ctx or p.n_ctx, parallel or p.parallel)]
    if model.lower().endswith(".gguf") or Path(model).is_file():
        return [_gguf_fit(Path(model).name, Path(model), hw, quant, ctx, parallel or 1)]
    names = {n for m in settings.all_models() for n in [m.name, *m.aliases]}
    if model in names:
        raise ValueError(f"{model!r} is not served from a local GGUF file; give a GGUF path or "
                         "--params for the model you want to check")
    raise ValueError(f"unknown model {model!r}; give a configured local model "
                     f"({', '.join(sorted(local)) or 'none'}), a GGUF path, or --params")


def _gguf_fit(name: str, path: Path, hw: Machine, quant: str | None, ctx: int | None,
              parallel: int) -> Fit:
    return replace(fit_gguf(path, ctx, parallel, machine=hw, quant=quant), model=name)


def _local_ggufs(settings: Settings) -> dict[str, tuple[Path, LlamaCppProvider]]:
    """Every name and alias of a model served by an embedded llama.cpp provider -> its GGUF."""
    providers = {p.name: p for p in settings.all_providers() if isinstance(p, LlamaCppProvider)}
    out: dict[str, tuple[Path, LlamaCppProvider]] = {}
    for m in settings.all_models():
        p = providers.get(m.provider)
        if p is not None:
            path = Path(p.model_path) if p.model_path else locate(SMOLLM2_GGUF)
            out.update({n: (path, p) for n in [m.name, *m.aliases]})
    return out


def _print(fits: list[Fit], hw: Machine) -> None:
    table = Table("model", "params", "quant", "ctx x parallel", "weights", "KV cache",
                  "overhead", "total GiB", "fits", "margin GiB")
    for f in fits:
        table.add_row(f.model, f"{f.params_b:.3g}B", f.quant, f"{f.ctx} x {f.parallel}",
                      *(f"{n / GiB:.2f}" for n in (f.weights_bytes, f.kv_bytes,
                                                   f.overhead_bytes, f.total_bytes)),
                      f.where, f"{f.margin_bytes / GiB:.2f}")
    out = console()
    out.print(table)
    gpu = f"{hw.gpu_bytes / GiB:.1f} GiB ({hw.gpu_name})" if hw.gpu_bytes else "none"
    out.print(f"machine: GPU {gpu}, RAM {hw.ram_bytes / GiB:.1f} GiB")
    for f in fits:
        out.print(f.verdict())
