"""NER off the lock: batched in one thread (`ner_workers: 0`) or in worker processes. The
findings must be those of the code before (one text at a time through spaCy, behind a lock),
and each concurrent caller must get its own."""

from __future__ import annotations

import gc
import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import psutil
import pytest

from homeport.entities import LOCATION, PERSON
from homeport.privacy import names
from homeport.privacy import ner as ner_module
from homeport.privacy.ner import NerDetector
from homeport.privacy.ner_pool import Batcher, Result, each
from homeport.privacy.scanner import Classification, Scanner
from homeport.settings import PrivacyConfig
from homeport.types import Finding

_PEOPLE = ["Priya Raghunathan", "Mateusz Wiśniewski", "Kwame Mensah", "Siobhan O'Brien",
           "Oluwaseun Adebayo", "Kenji Watanabe", "Layla Hamdan", "Declan Flanagan",
           "Amara Nwosu-Bello", "Matteo Russo", "Rhea Reyes", "Emeka Okonkwo"]
_PLACES = ["London", "Lyon", "Nairobi", "Mumbai", "Warsaw", "Lisbon", "Accra", "Dublin"]
_FILLER = ("The committee reviewed the quarterly results and agreed to revisit the proposal. "
           "We measured the response time under load and found that it stayed below 200 ms. ")


def _texts() -> list[str]:
    r = random.Random(7)
    texts = [
        "Please forward the file to Priya Raghunathan and Mateusz Wiśniewski.",
        "Dr. Okafor reviewed the chart with Mrs. Lindqvist yesterday.",
        "Patient: Jane Doe\nDOB: 03/12/1984",
        "Name: Doe, Jane",
        "Dear Amara,\nyour parcel is on its way.",
        "Client Rhea Reyes (SSN 168 30 8998) signed the form.",
        "Re: Emeka Okonkwo v. Louis Laurent, case 4411.",
        "Kind regards,\nSiobhan O'Brien",
        "Beneficiary: ŞINASI GÜLEN",
        "Tenant EOIN O'SULLIVAN has not paid rent.",
        "Herr Müller wohnt in der Hauptstraße 5, 10115 Berlin.",
        "She moved from rue Victor Hugo in Lyon to Castelo Branco.",
        "name,city\nAnna Kowalska,Warsaw\nJoão Silva,Porto\n",
        "Angela Merkel met Emmanuel Macron in Paris and flew to New York.",
        "Write a haiku about autumn leaves falling on a quiet lake.",
        "Explain the difference between a process and a thread in simple terms.",
        "",
        "   \n ",
    ]
    for i in range(24):  # long and short prose with people and places in it
        parts = [_FILLER * r.randrange(1, 40)]
        for _ in range(r.randrange(0, 4)):
            parts.append(f"Ask {r.choice(_PEOPLE)} to call us from {r.choice(_PLACES)}. ")
            parts.append(_FILLER * r.randrange(0, 6))
        texts.append(f"Ticket {i}: " + "".join(parts))
    return texts


def _detect_before(nlp: Any, text: str) -> list[Finding]:
    """`NerDetector.detect` as it was before batching (spaCy called on each piece on its own),
    kept verbatim as the reference."""
    m = ner_module
    if not text.strip():
        return []
    shown = m._CAPS_RUN.sub(lambda x: x.group().title(), text)
    found: list[Finding] = []
    for offset, piece in m._pieces(shown):
        doc = nlp(piece)
        for e in doc.ents:
            name = e.text.split("\n", 1)[0].rstrip()
            lead = m._LEADING_TITLE.match(name) if e.label_ == "PERSON" else None
            skip = lead.end() if lead and lead.end() < len(name) else 0
            name = name[skip:]
            if e.label_ == "PERSON" and (tail := m._TRAILING_TITLE.search(name)):
                name = name[: tail.start()]
            if (e.label_ not in m._LABELS or not name or name[0].islower()
                    or name in m._NOT_NAMES or m._NOT_A_NAME_TEXT.search(name)):
                continue
            label = m._LABELS[e.label_]
            if label == PERSON and names.doubtful_person(name, piece, e.start_char + skip):
                if not names.is_place(name):
                    continue
                label = LOCATION
            start = offset + e.start_char + skip
            found.append(Finding(label, start, start + len(name), m._SCORE))
    found = m._add_names(m.name_spans(shown) + names.gazetteer_spans(shown)
                         + names.single_spans(shown) + names.context_pairs(shown)
                         + m.column_names(shown), found)
    found = m._add_names(m._repeats(shown, found), found)
    found = m._streets(names.street_spans(shown), found)
    for place in m.column_places(shown):
        found = [f for f in found if f.end <= place.start or f.start >= place.end]
        found.append(place)
    found.sort(key=lambda f: f.start)
    return found


@pytest.fixture(scope="module")
def in_thread() -> Iterator[NerDetector]:
    detector = NerDetector()
    detector.load()
    yield detector
    detector.close()


@pytest.fixture(scope="module")
def in_processes() -> Iterator[NerDetector]:
    detector = NerDetector(workers=2)
    detector.load()
    yield detector
    detector.close()


@pytest.fixture(scope="module")
def before(in_thread: NerDetector) -> dict[str, list[Finding]]:
    return {t: _detect_before(in_thread._nlp, t) for t in _texts()}


@pytest.mark.parametrize("mode", ["in_thread", "in_processes"])
def test_the_same_findings_as_before_one_by_one_and_concurrently(
        mode: str, before: dict[str, list[Finding]], request: pytest.FixtureRequest) -> None:
    detector: NerDetector = request.getfixturevalue(mode)
    texts = list(before)
    assert any(f.type == PERSON for fs in before.values() for f in fs)
    assert [detector.detect(t) for t in texts] == [before[t] for t in texts]
    with ThreadPoolExecutor(16) as pool:  # batches of whatever queued
        assert list(pool.map(detector.detect, texts * 2)) == [before[t] for t in texts * 2]


@pytest.mark.parametrize("mode", ["in_thread", "in_processes"])
def test_concurrent_callers_each_get_their_own_findings(
        mode: str, request: pytest.FixtureRequest) -> None:
    detector: NerDetector = request.getfixturevalue(mode)
    texts = {i: f"Case {i}: {person} will fly to {place} on the {i}th. " + _FILLER * (i % 5)
             for i, (person, place) in enumerate(zip(_PEOPLE * 4, _PLACES * 6, strict=False))}
    start = threading.Barrier(len(texts))

    def call(i: int) -> tuple[int, list[str]]:
        start.wait()
        text = texts[i]
        return i, [text[f.start : f.end] for f in detector.detect(text) if f.type == PERSON]

    with ThreadPoolExecutor(len(texts)) as pool:
        for i, people in pool.map(call, texts):
            assert people == [_PEOPLE[i % len(_PEOPLE)]]


def test_scanner_add_ner_from_threads_with_worker_processes() -> None:
    scanner = Scanner(PrivacyConfig(scan_cache_texts=0, ner_workers=1))
    texts = [f"Ticket {i}: please call {p} in {c}." for i, (p, c) in
             enumerate(zip(_PEOPLE, _PLACES * 2, strict=False))]
    serial = Scanner(PrivacyConfig(scan_cache_texts=0, ner_workers=0))
    try:
        expected = [serial.add_ner(serial.classify([t]), [t]).findings for t in texts]
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda t: scanner.add_ner(scanner.classify([t]), [t]).findings,
                                texts))
        assert got == expected
        assert all(any(f.type == PERSON for f in fs[0]) for fs in got)
        workers = scanner.ner()._pool.pids()
        assert len(workers) == 1
    finally:
        scanner.close()
        serial.close()
    assert not _alive(workers)  # the worker process is gone
    with pytest.raises(RuntimeError, match="closed"):
        scanner.ner_findings("Jane Doe lives in Paris.")
    empty = Classification(scanner.levels, [[]])
    with pytest.raises(RuntimeError, match="closed"):
        scanner.add_ner(empty, ["Jane Doe lives in Paris."])


def test_a_detector_nobody_holds_stops_its_workers_and_thread() -> None:
    detector = NerDetector(workers=1)
    detector.load()
    assert detector._pool is not None
    workers = detector._pool.pids()
    thread = detector._pool.batcher._thread
    assert thread.is_alive()
    del detector
    gc.collect()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (_alive(workers) or thread.is_alive()):
        time.sleep(0.1)
    assert not _alive(workers)
    assert not thread.is_alive()


def _alive(pids: list[int]) -> list[int]:
    return [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]


def test_a_missing_model_fails_loading_in_workers_too() -> None:
    detector = NerDetector("a-model-that-is-not-installed", workers=1)
    with pytest.raises(OSError):
        detector.load()
    assert detector._pool is None


def test_a_dead_worker_is_replaced() -> None:
    detector = NerDetector(workers=1)
    detector.load()
    try:
        assert detector._pool is not None
        (pid,) = detector._pool.pids()
        os.kill(pid, signal.SIGKILL)
        text = "Please forward the file to Priya Raghunathan."
        for _ in range(3):  # a batch sent before the pool saw the death fails with it
            try:
                found = detector.detect(text)
                break
            except Exception:
                time.sleep(0.2)
        assert [text[f.start : f.end] for f in found] == ["Priya Raghunathan"]
    finally:
        detector.close()


def test_close_finishes_what_is_queued_then_refuses(in_thread: NerDetector) -> None:
    detector = NerDetector()
    detector.load()
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(detector.detect, f"Ask {p} today.") for p in _PEOPLE]
        time.sleep(0.01)
        detector.close()
        done = [f for f in futures if f.exception() is None]
    assert done  # what was queued ran; later callers were refused
    for f in futures:
        assert f.exception() is None or "closed" in str(f.exception())
    with pytest.raises(RuntimeError, match="closed"):
        detector.detect("Jane Doe")


def test_what_queues_while_a_batch_runs_goes_together() -> None:
    entered, gate = threading.Event(), threading.Event()
    batches: list[list[str]] = []

    def run(items: list[str]) -> Future[Result[str]]:
        entered.set()
        gate.wait(5)
        batches.append(items)
        done: Future[Result[str]] = Future()
        done.set_result([s.upper() for s in items])
        return done

    batcher: Batcher[str] = Batcher(run, max_items=4)
    futures = [batcher.submit("a")]
    assert entered.wait(5)  # "a" runs alone: nothing else was queued
    futures += [batcher.submit(s) for s in "bcdefg"]
    gate.set()
    assert [f.result(5) for f in futures] == list("ABCDEFG")
    batcher.close()
    assert batches == [["a"], ["b", "c", "d", "e"], ["f", "g"]]


def test_what_queues_is_shared_among_the_slots() -> None:
    entered, queued = threading.Event(), threading.Event()
    batches: list[list[str]] = []

    def run(items: list[str]) -> Future[Result[str]]:
        batches.append(items)
        done: Future[Result[str]] = Future()
        if items == ["x"]:  # holds its slot until the others finish
            entered.set()
            queued.wait(5)
            threading.Thread(target=lambda: (time.sleep(0.2), done.set_result(items))).start()
        else:
            done.set_result(list(items))
        return done

    batcher: Batcher[str] = Batcher(run, slots=3)
    first = batcher.submit("x")
    assert entered.wait(5)
    futures = [batcher.submit(s) for s in "abcdef"]
    queued.set()
    assert [f.result(5) for f in futures] == list("abcdef")
    assert first.result(5) == "x"
    batcher.close()
    # six queued, three slots: a third of what is queued (one batch taking all would leave
    # the other workers idle)
    assert batches[1:] == [["a", "b"], ["c", "d"], ["e"], ["f"]]


def test_one_failing_text_fails_only_its_caller() -> None:
    def run(items: list[str]) -> list[str]:
        if "bad" in items:
            raise ValueError("bad text")
        return [s.upper() for s in items]

    results = each(run, ["a", "bad", "c"])
    assert results[0] == "A" and results[2] == "C"
    assert isinstance(results[1], ValueError)
