"""Cost of a call: the formulas, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from homeport.economics.cost import CostModel
from homeport.economics.prices import PriceCatalog
from homeport.errors import ConfigError
from homeport.settings_ops import EconomicsConfig

HARDWARE = {"price": 3600, "amortisation_months": 36, "watts": 300, "idle_watts": 50,
            "price_per_kwh": 0.25, "pue": 1.5, "monthly_operations": 20}


@pytest.fixture
def costs() -> CostModel:
    cfg = EconomicsConfig.model_validate({"hardware": HARDWARE, "reference_model": "gpt-4o-mini"})
    return CostModel(cfg, PriceCatalog(cfg))


def test_cloud_call_at_list_price(costs: CostModel) -> None:
    # gpt-4o-mini: $0.15/M in, $0.60/M out -> 2000 * 0.15e-6 + 1000 * 0.60e-6
    assert costs.cloud("gpt-4o-mini-2024-07-18", 2000, 1000) == pytest.approx(0.0009)
    assert costs.unknown_models == set()


def test_unknown_cloud_model_costs_nothing_and_is_recorded(costs: CostModel) -> None:
    assert costs.cloud("acme-llm", 1000, 1000) == 0.0
    assert costs.max_cloud("other-llm", 10, 10) == 0.0
    assert costs.unknown_models == {"acme-llm", "other-llm"}


def test_local_call_energy_and_amortisation(costs: CostModel) -> None:
    cost, wh = costs.local(10.0, slots=2)
    share = 5.0  # 10 busy seconds on one of 2 slots
    assert wh == pytest.approx(share * 300 / 3600 * 1.5)  # 0.625 Wh
    energy = 0.625 / 1000 * 0.25  # $0.00015625
    amortised = share * 3600 / (36 * 30.44 * 86400)  # $1.901e-4
    assert cost == pytest.approx(energy + amortised)
    assert cost == pytest.approx(3.4637e-4, rel=1e-4)


def test_local_with_one_slot_and_no_hardware_price() -> None:
    cfg = EconomicsConfig.model_validate({"hardware": {"watts": 100, "price_per_kwh": 0.30}})
    cost, wh = CostModel(cfg, PriceCatalog(cfg)).local(3600)
    assert wh == pytest.approx(100.0)  # 100 W for an hour, PUE 1
    assert cost == pytest.approx(0.03)


def test_cloud_equivalent_at_the_reference_price(costs: CostModel) -> None:
    assert costs.equivalent(1_000_000, 1_000_000) == pytest.approx(0.15 + 0.60)


def test_max_cloud_reserves_the_whole_completion(costs: CostModel) -> None:
    # gpt-4o: 100 prompt tokens at $2.50/M + 4096 completion tokens at $10/M
    assert costs.max_cloud("gpt-4o", 100, 4096) == pytest.approx(0.00025 + 0.04096)


def test_monthly_fixed_cost(costs: CostModel) -> None:
    amortisation = 3600 / 36  # 100
    idle = 50 * 24 * 30.44 / 1000 * 1.5 * 0.25  # 36.528 kWh * 1.5 * 0.25 = 13.698
    assert costs.monthly_fixed() == pytest.approx(amortisation + idle + 20)
    assert costs.monthly_fixed() == pytest.approx(133.698)


def test_a_catalog_of_another_config_is_refused() -> None:
    catalog = PriceCatalog(EconomicsConfig())
    with pytest.raises(ConfigError, match="acme"):
        CostModel(EconomicsConfig(reference_model="acme"), catalog)
