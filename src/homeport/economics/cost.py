"""What a call costs: cloud calls at list price, local calls at energy plus amortised hardware,
and every call at the cloud-equivalent price of the reference model. Pure arithmetic on the
`economics` config; nothing is rounded here (reports round for display)."""

from __future__ import annotations

from homeport.economics.prices import Price, PriceCatalog
from homeport.errors import ConfigError
from homeport.settings_ops import EconomicsConfig

DAYS_PER_MONTH = 30.44  # 365.25 / 12, rounded as the config documents it
SECONDS_PER_MONTH = DAYS_PER_MONTH * 86_400
HOURS_PER_MONTH = DAYS_PER_MONTH * 24


class CostModel:
    """Prices calls. `unknown_models` collects cloud models without a price (costed at 0.0) so
    the caller can warn once per model."""

    def __init__(self, cfg: EconomicsConfig, catalog: PriceCatalog):
        self.cfg = cfg
        self.catalog = catalog
        self.unknown_models: set[str] = set()
        reference = catalog.get(cfg.reference_model)
        if reference is None:  # PriceCatalog(cfg) already refuses it; a catalog of another cfg
            raise ConfigError(f"economics.reference_model: {cfg.reference_model!r} has no "
                              "price; add it under economics.prices")
        self._reference: Price = reference

    def cloud(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """List price: prompt_tokens * input/1e6 + completion_tokens * output/1e6 (0.0 for an
        unknown model, which is added to `unknown_models`)."""
        price = self.catalog.get(model)
        if price is None:
            self.unknown_models.add(model)
            return 0.0
        return price.cost(prompt_tokens, completion_tokens)

    def local(self, busy_s: float, slots: int = 1) -> tuple[float, float]:
        """(cost, energy_wh) of a local call that kept one of `slots` concurrent slots busy for
        `busy_s` seconds; the slots share the machine's power and its hardware:

            share     = busy_s / slots                                  (seconds of the machine)
            energy_wh = share * watts / 3600 * pue
            cost      = energy_wh / 1000 * price_per_kwh
                        + share * price / (amortisation_months * 30.44 * 86400)
        """
        hw = self.cfg.hardware
        share = busy_s / max(slots, 1)
        energy_wh = share * hw.watts / 3600 * hw.pue
        amortised = share * hw.price / (hw.amortisation_months * SECONDS_PER_MONTH)
        return energy_wh / 1000 * hw.price_per_kwh + amortised, energy_wh

    def equivalent(self, prompt_tokens: int, completion_tokens: int) -> float:
        """The call at the reference model's list price (what the cloud would have charged)."""
        return self._reference.cost(prompt_tokens, completion_tokens)

    def max_cloud(self, model: str, prompt_tokens: int, max_tokens: int) -> float:
        """Largest cost of a request: its prompt plus `max_tokens` completion tokens at list
        price, for a budget reservation (0.0 for an unknown model, recorded as in `cloud`)."""
        return self.cloud(model, prompt_tokens, max_tokens)

    def monthly_fixed(self) -> float:
        """Monthly cost of owning the hardware whatever the traffic, for break-even:

            price / amortisation_months
            + idle_watts * 24 * 30.44 / 1000 * pue * price_per_kwh
            + monthly_operations
        """
        hw = self.cfg.hardware
        idle_kwh = hw.idle_watts * HOURS_PER_MONTH / 1000 * hw.pue
        return (hw.price / hw.amortisation_months + idle_kwh * hw.price_per_kwh
                + hw.monthly_operations)
