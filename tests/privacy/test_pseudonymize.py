"""Pseudonymisation: consistent placeholders per request, restoration in whole and streamed text."""

from __future__ import annotations

import itertools
import json

import pytest

from homeport.entities import EMAIL, LOCATION, PERSON
from homeport.privacy.pseudonymize import Pseudonymizer, StreamRestorer
from homeport.types import Finding


def find(text: str, type_: str, value: str, nth: int = 0, score: float = 0.9) -> Finding:
    """The `nth` occurrence of `value` in `text` as a finding."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return Finding(type_, start, start + len(value), score)


def stream(r: StreamRestorer, chunks: list[str]) -> str:
    return "".join(r.feed(c) for c in chunks) + r.flush()


def splits(text: str, parts: int) -> list[list[str]]:
    """Every way of cutting `text` into `parts` chunks (empty chunks included)."""
    out = []
    for cuts in itertools.combinations_with_replacement(range(len(text) + 1), parts - 1):
        bounds = (0, *cuts, len(text))
        out.append([text[a:b] for a, b in itertools.pairwise(bounds)])
    return out


def masked_ann_bob() -> Pseudonymizer:
    p = Pseudonymizer()
    text = "Ann Lee and Bob"
    p.mask(text, [find(text, PERSON, "Ann Lee"), find(text, PERSON, "Bob")], {PERSON})
    return p


# --- mask -------------------------------------------------------------------------------


def test_same_value_same_placeholder_across_texts() -> None:
    p = Pseudonymizer()
    t1 = "Mail ann@x.io about Ann Lee."
    t2 = "ann@x.io wrote; ANN  lee agrees, Bob too. Reach bob@x.io"
    args = '{"to": "ann@x.io", "name": "Bob"}'
    m1 = p.mask(t1, [find(t1, PERSON, "Ann Lee"), find(t1, EMAIL, "ann@x.io")], {PERSON, EMAIL})
    m2 = p.mask(t2, [find(t2, EMAIL, "bob@x.io"), find(t2, PERSON, "ANN  lee"),
                     find(t2, EMAIL, "ann@x.io"), find(t2, PERSON, "Bob")], {PERSON, EMAIL})
    m3 = p.mask(args, [find(args, EMAIL, "ann@x.io"), find(args, PERSON, "Bob")], {PERSON, EMAIL})
    assert m1 == "Mail <EMAIL_1> about <PERSON_1>."
    assert m2 == "<EMAIL_1> wrote; <PERSON_1> agrees, <PERSON_2> too. Reach <EMAIL_2>"
    assert m3 == '{"to": "<EMAIL_1>", "name": "<PERSON_2>"}'
    assert p.masked_types == {PERSON, EMAIL}
    assert p.restore(m1) == t1
    # PERSON matches after whitespace/case normalisation; the first spelling is restored.
    assert p.restore(m2) == "ann@x.io wrote; Ann Lee agrees, Bob too. Reach bob@x.io"
    assert p.restore(m3) == args


def test_email_is_matched_exactly() -> None:
    p = Pseudonymizer()
    text = "a@x.io A@X.IO"
    masked = p.mask(text, [find(text, EMAIL, "a@x.io"), find(text, EMAIL, "A@X.IO")], {EMAIL})
    assert masked == "<EMAIL_1> <EMAIL_2>"


def test_only_requested_types_are_masked() -> None:
    p = Pseudonymizer()
    text = "Ann lives in Paris"
    masked = p.mask(text, [find(text, PERSON, "Ann"), find(text, LOCATION, "Paris")], [PERSON])
    assert masked == "<PERSON_1> lives in Paris"
    assert p.masked_types == {PERSON}
    assert Pseudonymizer().mask(text, [], {PERSON}) == text


def test_unsorted_and_overlapping_findings_keep_the_longer() -> None:
    p = Pseudonymizer()
    text = "Write to Ann Lee at ann.lee@x.io, 1 Main St, Springfield."
    findings = [
        find(text, LOCATION, "Springfield"),
        find(text, PERSON, "ann.lee", score=0.99),  # inside the email: dropped
        find(text, "ADDRESS", "1 Main St, Springfield"),  # contains the location: kept
        find(text, EMAIL, "ann.lee@x.io"),
        find(text, PERSON, "Ann Lee"),
        find(text, PERSON, "Lee at", score=0.99),  # overlaps "Ann Lee", shorter: dropped
    ]
    masked = p.mask(text, findings, {PERSON, EMAIL, LOCATION, "ADDRESS"})
    assert masked == "Write to <PERSON_1> at <EMAIL_1>, <ADDRESS_1>."
    assert p.masked_types == {PERSON, EMAIL, "ADDRESS"}
    assert p.restore(masked) == text


def test_equal_length_overlap_keeps_higher_score() -> None:
    p = Pseudonymizer()
    text = "abcdef"
    masked = p.mask(text, [Finding(PERSON, 0, 4, 0.4), Finding(LOCATION, 2, 6, 0.8)],
                    {PERSON, LOCATION})
    assert masked == "ab<LOCATION_1>"


def test_finding_outside_the_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        Pseudonymizer().mask("short", [Finding(PERSON, 2, 9, 0.9)], {PERSON})
    with pytest.raises(ValueError):
        Pseudonymizer().mask("short", [Finding(PERSON, 2, 2, 0.9)], {PERSON})


def test_unicode_offsets_are_str_indices() -> None:
    p = Pseudonymizer()
    text = "👋🏽 Zoë Ñúñez from Zürich 😀, José\u0301 too"
    findings = [find(text, PERSON, "Zoë Ñúñez"), find(text, LOCATION, "Zürich"),
                find(text, PERSON, "José\u0301")]
    masked = p.mask(text, findings, {PERSON, LOCATION})
    assert masked == "👋🏽 <PERSON_1> from <LOCATION_1> 😀, <PERSON_2> too"
    assert p.restore(masked) == text
    r = p.restorer()
    assert stream(r, [masked[:5], masked[5:14], masked[14:]]) == text


# --- lookalikes already in the user's text ----------------------------------------------


def test_lookalikes_in_the_text_are_skipped_and_never_restored() -> None:
    p = Pseudonymizer()
    text = "Template: Dear <PERSON_1>, <PERSON_2> and <EMAIL_1>. Signed Ann, ann@x.io"
    masked = p.mask(text, [find(text, PERSON, "Ann"), find(text, EMAIL, "ann@x.io")],
                    {PERSON, EMAIL})
    assert masked == ("Template: Dear <PERSON_1>, <PERSON_2> and <EMAIL_1>. "
                      "Signed <PERSON_3>, <EMAIL_2>")
    assert p.restore(masked) == text
    # The model echoing the user's literal lookalikes gets them back unchanged.
    assert p.restore("<PERSON_1> <PERSON_3> <EMAIL_1>") == "<PERSON_1> Ann <EMAIL_1>"


def test_reserve_protects_lookalikes_in_later_texts() -> None:
    p = Pseudonymizer()
    t1, t2 = "From Ann", "Please fill <PERSON_1> in"
    p.reserve(t1, t2)
    assert p.mask(t1, [find(t1, PERSON, "Ann")], {PERSON}) == "From <PERSON_2>"
    assert p.mask(t2, [], {PERSON}) == t2
    assert p.restore("<PERSON_2> / <PERSON_1>") == "Ann / <PERSON_1>"


def test_unknown_placeholders_are_left_alone() -> None:
    p = masked_ann_bob()
    out = "<PERSON_3> <EMAIL_1> <PERSON_1> <PERSON 1> [PERSON_1] <person_1> <PERSON_10>"
    # Only the exact form is restored: altered forms stay visible rather than guessed at.
    assert p.restore(out) == out.replace("<PERSON_1>", "Ann Lee")


# --- streaming --------------------------------------------------------------------------

STREAM_OUT = "Hi <PERSON_1>, <<PERSON_2>> <PERSON_1<PERSON_2>x<PERSON_10> a<b <PERS"
STREAM_RESTORED = "Hi Ann Lee, <Bob> <PERSON_1Bobx<PERSON_10> a<b <PERS"


def test_restore_whole_text() -> None:
    assert masked_ann_bob().restore(STREAM_OUT) == STREAM_RESTORED


@pytest.mark.parametrize("parts", [2, 3])
def test_every_split_restores_exactly(parts: int) -> None:
    p = masked_ann_bob()
    for chunks in splits(STREAM_OUT, parts):
        r = p.restorer()
        emitted = ""
        for c in chunks:
            emitted += r.feed(c)
            assert STREAM_RESTORED.startswith(emitted), chunks
        assert emitted + r.flush() == STREAM_RESTORED, chunks


def test_every_split_of_a_placeholder_into_single_chars() -> None:
    p = masked_ann_bob()
    assert stream(p.restorer(), list("<PERSON_2>")) == "Bob"


def test_lt_that_cannot_start_a_placeholder_is_emitted_at_once() -> None:
    r = masked_ann_bob().restorer()
    assert r.feed("a < b") == "a < b"
    assert r.feed("<div>") == "<div>"
    assert r.feed("x <E") == "x <E"  # no EMAIL placeholder was issued
    assert r.feed("<PERSON_3") == "<PERSON_3"
    assert r.feed("<PERSON 1") == "<PERSON 1"
    assert r.feed("<<") == "<"  # the last `<` could still start one
    assert r.feed("3") == "<3"
    assert r.feed("<PERSON_") == ""
    assert r.feed("1>!") == "Ann Lee!"
    assert r.flush() == ""


def test_unfinished_placeholder_is_flushed_literally() -> None:
    r = masked_ann_bob().restorer()
    assert r.feed("end <PERSON_1") == "end "
    assert r.flush() == "<PERSON_1"
    assert r.feed("again") == "again"


def test_nothing_is_held_when_nothing_was_masked() -> None:
    p = Pseudonymizer()
    text = "Ann"
    p.mask(text, [find(text, PERSON, "Ann")], {EMAIL})
    r = p.restorer()
    assert r.feed("<") == "<"
    assert r.feed("<PERSON_1>") == "<PERSON_1>"
    assert p.restorer(json_escape=True).feed("\\u003cPERSON_1\\u003") == "\\u003cPERSON_1\\u003"


def test_long_runs_of_lt_are_linear() -> None:
    p = masked_ann_bob()
    text = "<" * 200_000 + "<PERSON_1>" + "<PERSON_" * 20_000
    r = p.restorer()
    out = "".join(r.feed(text[i:i + 4096]) for i in range(0, len(text), 4096)) + r.flush()
    assert out == "<" * 200_000 + "Ann Lee" + "<PERSON_" * 20_000


# --- JSON (tool-call arguments) ---------------------------------------------------------


def masked_tricky() -> tuple[Pseudonymizer, str]:
    p = Pseudonymizer()
    text = 'Ask Jo "JJ" O\\Neil\n, ok'
    name = 'Jo "JJ" O\\Neil\n'
    p.mask(text, [find(text, PERSON, name)], {PERSON})
    return p, name


def test_json_restore_escapes_the_original() -> None:
    p, name = masked_tricky()
    args = json.dumps({"who": "<PERSON_1>", "note": "hi <PERSON_1>!"})
    restored = p.restore(args, json_escape=True)
    assert json.loads(restored) == {"who": name, "note": f"hi {name}!"}
    assert p.restore("<PERSON_1>") == name  # plain text: unescaped


@pytest.mark.parametrize("parts", [2, 3])
def test_json_every_split_restores_exactly(parts: int) -> None:
    p, name = masked_tricky()
    args = '{"a": "\\u003cPERSON_1\\u003E", "b": "x\\\\u003cPERSON_1>", "c": "<PERSON_1>"}'
    expected = {"a": name, "b": "x\\u003cPERSON_1>", "c": name}
    assert json.loads(p.restore(args, json_escape=True)) == expected
    for chunks in splits(args, parts):
        out = stream(p.restorer(json_escape=True), chunks)
        assert json.loads(out) == expected, chunks


def test_json_other_escapes_pass_through() -> None:
    p, _ = masked_tricky()
    r = p.restorer(json_escape=True)
    assert r.feed('"a\\"b\\n\\u00e9 \\u003c') == '"a\\"b\\n\\u00e9 '
    assert r.feed("div\\u003e") == "<div>"
    assert r.feed("\\") == ""
    assert r.flush() == "\\"


# --- nothing reveals the mapping ---------------------------------------------------------


def test_repr_does_not_reveal_originals() -> None:
    p = Pseudonymizer()
    text = "Secret Person and s3cret@x.io"
    p.mask(text, [find(text, PERSON, "Secret Person"), find(text, EMAIL, "s3cret@x.io")],
           {PERSON, EMAIL})
    r = p.restorer()
    r.feed("<PERSON_")
    for shown in (repr(p), str(p), repr(r), str(r), f"{p!r} {r}"):
        assert "ecret" not in shown and "s3cret" not in shown
        assert "PERSON_" not in shown
    assert not hasattr(p, "__dict__")
