"""NerDetector: spaCy PERSON/LOCATION plus the name rules, on the real model (loaded once)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from homeport.privacy import ner as ner_module
from homeport.privacy.entities import LOCATION, PERSON
from homeport.privacy.ner import NerDetector, name_spans


@pytest.fixture(scope="module")
def ner() -> Iterator[NerDetector]:
    detector = NerDetector()
    detector.load()
    yield detector


def found(detector: NerDetector, text: str, type_: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.type == type_]


def test_lazy_load() -> None:
    detector = NerDetector("a-model-that-is-not-installed")
    assert detector._nlp is None  # constructing loads nothing
    with pytest.raises(OSError):
        detector.load()


def test_only_what_ner_needs_runs(ner: NerDetector) -> None:
    assert ner._nlp.pipe_names == ["ner"]


@pytest.mark.parametrize(("text", "names"), [
    ("Please forward the file to Priya Raghunathan and Mateusz Wiśniewski.",
     ["Priya Raghunathan", "Mateusz Wiśniewski"]),
    ("Dr. Okafor reviewed the chart with Mrs. Lindqvist yesterday.", ["Okafor", "Lindqvist"]),
    ("Patient: Jane Doe\nDOB: 03/12/1984", ["Jane Doe"]),
    ("Name: Doe, Jane", ["Doe, Jane"]),
    ("Beneficiary: Kwame Mensah", ["Kwame Mensah"]),
    ("Dear Amara,\nyour parcel is on its way.", ["Amara"]),
    ("Client Rhea Reyes (SSN 168 30 8998) signed the form.", ["Rhea Reyes"]),
    ("Matteo Russo (MRN: A9186828) was seen at noon.", ["Matteo Russo"]),
    ("Referral: Layla Hamdan, born 08/02/1950, lives nearby.", ["Layla Hamdan"]),
    ("Consent signed by Declan D. Flanagan today.", ["Declan D. Flanagan"]),
    ("Re: Emeka Okonkwo v. Louis Laurent, case 4411.", ["Emeka Okonkwo", "Louis Laurent"]),
    ("Kind regards,\nSiobhan O'Brien", ["Siobhan O'Brien"]),
    ("Hi, my name is Oluwaseun Adebayo and I need help.", ["Oluwaseun Adebayo"]),
    ("Appointment with Dr. van Dijk on Monday.", ["van Dijk"]),
    ("Beneficiary: ŞINASI GÜLEN", ["Şinasi Gülen".upper()]),
])
def test_people(ner: NerDetector, text: str, names: list[str]) -> None:
    people = found(ner, text, PERSON)
    for name in names:
        assert name in people, (name, people)


def test_caps_names_are_seen_in_title_case(ner: NerDetector) -> None:
    text = "Please close the account of FEMKE JANSEN in NEW YORK."
    assert found(ner, text, PERSON) == ["FEMKE JANSEN"]
    assert found(ner, text, LOCATION) == ["NEW YORK"]


def test_a_name_found_once_is_found_everywhere(ner: NerDetector) -> None:
    text = "Patient: Achieng Otieno. Later Achieng Otieno asked for a copy of her records."
    assert found(ner, text, PERSON) == ["Achieng Otieno", "Achieng Otieno"]


@pytest.mark.parametrize(("text", "places"), [
    ("She flew from Berlin to Tokyo on Friday.", ["Berlin", "Tokyo"]),
    ("The clinic in Lagos referred him to a hospital in Nairobi, Kenya.",
     ["Lagos", "Nairobi", "Kenya"]),
])
def test_places(ner: NerDetector, text: str, places: list[str]) -> None:
    assert found(ner, text, LOCATION) == places


@pytest.mark.parametrize("text", [
    "The quarterly report is attached; costs rose 7 percent.",
    "SLACK_BOT_TOKEN=xoxb-1234-5678-abcdefghijkl",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "Dear Sir or Madam, thank you for your letter.",
    "Hello World!",
    "",
    "   \n ",
])
def test_no_people(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


def test_rules_skip_words_that_are_not_names() -> None:
    assert name_spans("Dear Sir or Madam,") == []
    assert name_spans("Dear Customer Service Team,") == []
    assert name_spans("Patient: Stable") == []


def test_findings_sorted_without_overlaps(ner: NerDetector) -> None:
    text = ("Mr. and Mrs. Smith visited Paris and met Dr. Amara Nwosu-Bello, "
            "whose colleague Kenji Watanabe flew in from Osaka.")
    fs = ner.detect(text)
    assert fs == sorted(fs, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(fs))
    assert {f.score for f in fs} == {0.85}
    assert {"Smith", "Amara Nwosu-Bello", "Kenji Watanabe"} <= set(found(ner, text, PERSON))


def test_long_texts_go_in_pieces_with_right_offsets(ner: NerDetector,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner_module, "_MAX_CHARS", 200)
    filler = "The weather was mild and the meeting ran long. " * 12
    text = filler + "Afterwards Angela Merkel spoke in Berlin.\n" + filler
    assert found(ner, text, PERSON) == ["Angela Merkel"]
    assert found(ner, text, LOCATION) == ["Berlin"]


def test_safe_from_worker_threads(ner: NerDetector) -> None:
    texts = [f"Dr. Okafor met Priya Raghunathan in London, visit {i}." for i in range(16)]
    expected = [ner.detect(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(ner.detect, texts)) == expected
