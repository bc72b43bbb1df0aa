"""Scanning a conversation costs its new text only: findings per text are remembered by content
(bounded), and the seams between texts are read together, so split values are still found."""

from __future__ import annotations

from homeport.privacy.scan_cache import ScanCache
from homeport.privacy.scanner import SEAM, Scanner
from homeport.settings import PrivacyConfig
from homeport.types import Finding

SYSTEM = "You are a helpful assistant for the accounts team. " * 20
TURNS = [f"Question {i}: how do I reconcile invoice batch {i} with the ledger export?"
         for i in range(20)]


def _recording(scanner: Scanner) -> list[int]:
    scanned: list[int] = []
    detect = scanner.patterns.detect

    def counting(text: str) -> list[Finding]:
        scanned.append(len(text))
        return detect(text)

    scanner.patterns.detect = counting  # type: ignore[method-assign]
    return scanned


def test_a_turn_costs_its_new_text_only() -> None:
    scanner = Scanner(PrivacyConfig())
    scanned = _recording(scanner)
    history = [SYSTEM]
    for turn in TURNS[:-1]:
        history += [turn, "Here is how: export, match, post."]
        scanner.scan_texts(history)
    scanned.clear()
    scanner.scan_texts([*history, TURNS[-1]])
    assert sum(scanned) <= len(TURNS[-1]) + 2 * SEAM + 1, scanned
    assert sum(scanned) < sum(map(len, history)) / 5


def test_the_same_system_prompt_is_scanned_once() -> None:
    scanner = Scanner(PrivacyConfig())
    scanned = _recording(scanner)
    scanner.scan_texts([SYSTEM, "first question"])
    scanner.scan_texts([SYSTEM, "another question entirely"])
    assert scanned.count(len(SYSTEM)) == 1


def test_cached_findings_are_the_findings() -> None:
    text = ("Card 4111 1111 1111 1111, mail ann.lee@example.com, SSN 123-45-6789. "
            + "Unrelated notes on the office move and the weather. " * 30)
    cached, uncached = Scanner(PrivacyConfig()), Scanner(PrivacyConfig(scan_cache_texts=0))
    for _ in range(2):
        assert cached.scan_texts([text, "ok"]) == uncached.scan_texts([text, "ok"])
    assert cached.cache.hits > 0 and uncached.cache.hits == 0


def test_values_across_a_seam_are_found_in_both_texts() -> None:
    scanner = Scanner(PrivacyConfig())
    before = "Filler words about the weather and the office move. " * 20 + "my card is 4111 1111"
    after = "1111 1111, please charge it. " + "More unrelated words follow here. " * 20
    first, second = scanner.scan_texts([before, after])
    assert [f.type for f in first] == ["CREDIT_CARD"] == [f.type for f in second]
    assert before[first[0].start:first[0].end] == "4111 1111"
    assert after[second[0].start:second[0].end] == "1111 1111"


def test_a_naming_word_at_the_end_of_one_text_counts_for_the_next() -> None:
    scanner = Scanner(PrivacyConfig())
    filler = "Notes on the ward rota and the cafeteria menu for next week. " * 20
    for texts in (["The patient's medical record number (MRN) is", "00482913, admitted."],
                  [filler + "The patient's medical record number (MRN) is",  # read seam by seam
                   "00482913, admitted on Tuesday. " + filler]):
        value = scanner.scan_texts(texts)[1]
        assert any(f.type == "MRN" for f in value), value


def test_the_cache_is_bounded() -> None:
    cache = ScanCache(size=3)
    for i in range(10):
        cache.findings(f"text {i}", lambda t: [])
    assert len(cache._found) == 3
    cache.findings("text 9", lambda t: [])
    assert cache.hits == 1
