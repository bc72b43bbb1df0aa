"""NER runs only on texts where it could find something: a capitalised word that is not an
ordinary word opening a sentence."""

from __future__ import annotations

import pytest

from homeport.privacy.ner_gate import may_name


@pytest.mark.parametrize("text", [
    "Maria needs her prescription refilled.",
    "Please ask John about the invoice.",
    "Summarize the notes. Dr. Okafor saw her on Monday.",
    "SEND THE REPORT TO ACME",
    "Will called about the delivery.",
    "Wie geht es Ihnen heute?",
    "the meeting with Łukasz moved",
    "Notes:\n- Ayşe Yılmaz, room 4",
])
def test_texts_that_may_name_someone(text: str) -> None:
    assert may_name(text)


@pytest.mark.parametrize("text", [
    "Summarize the report below.",
    "Request 12: Into local cluster that it quickly?",
    "Write a poem. The sea is calm.",
    "- List the steps\n- Explain why",
    '"Hello." She left early.',
    "what is the capital of the moon",
    "",
])
def test_texts_without_a_name_candidate(text: str) -> None:
    assert not may_name(text)
