"""Documentation that is generated from code must be current."""

from homeport.settings_docs import render
from tests.helpers import ROOT


def test_configuration_reference_is_current() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert doc == render(), "run: python -m homeport.settings_docs > docs/configuration.md"
