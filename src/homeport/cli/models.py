"""`homeport models`: the models clients may ask for, and where each one runs."""

from __future__ import annotations

from rich.table import Table

from homeport.cli.main import cli, common_options, console
from homeport.settings import Settings


@cli.command()
@common_options
def models(settings: Settings) -> None:
    """List configured models with their provider, tier, clearance and fallbacks."""
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
