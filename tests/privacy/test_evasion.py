"""Restricted values written to slip past the detectors are still found, at their spans as sent."""

from __future__ import annotations

import base64
import json
import random

import pytest

from homeport.privacy.normalize import normalize
from homeport.privacy.recognizers import PatternDetector
from homeport.privacy.scanner import Scanner, opaque_texts, request_texts
from homeport.settings import PrivacyConfig
from homeport.types import ChatRequest, Message

rng = random.Random(4242)
detector = PatternDetector()


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def card(prefix: str = "4", length: int = 16) -> str:
    return luhn_complete(prefix + "".join(str(rng.randrange(10))
                                          for _ in range(length - len(prefix) - 1)))


def iban_de() -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    return f"DE{98 - int(bban + '131400') % 97:02d}{bban}"


def groups(value: str, sep: str, size: int = 4) -> str:
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


def types_at(text: str, value: str) -> set[str]:
    """Types of the findings that cover exactly `value` as written in `text`."""
    start = text.index(value)
    return {f.type for f in detector.detect(text)
            if f.start == start and f.end == start + len(value)}


CARD_SEPARATORS = [".", "\u00a0", "\u2009", "\u202f", "\u2007", "\u2013", "\u2014", "\u2010",
                   "\u2212", "/", " - ", "\u200b", "\u200b\u200d", "\ufeff", "_", "\u2060"]


@pytest.mark.parametrize("sep", CARD_SEPARATORS)
def test_card_with_any_separator(sep: str) -> None:
    value = groups(card(), sep)
    assert types_at(f"Please charge {value} today.", value) == {"CREDIT_CARD"}


@pytest.mark.parametrize("digits", ["\uff10", "\u0660", "\u0966", "\U0001d7ce", "\u09e6"])
def test_card_in_other_digits(digits: str) -> None:
    raw = card()
    value = groups("".join(chr(ord(digits) + int(d)) for d in raw), " ")
    assert types_at(f"card {value} thanks", value) == {"CREDIT_CARD"}


def test_card_with_letter_lookalikes() -> None:
    raw = card("4")
    while "0" not in raw[1:-1] and "1" not in raw[1:-1]:
        raw = card("4")
    i = next(i for i in range(1, 15) if raw[i] in "01")
    value = groups(raw[:i] + ("O" if raw[i] == "0" else "l") + raw[i + 1:], " ")
    assert types_at(f"Visa {value}", value) == {"CREDIT_CARD"}


def test_card_split_across_lines_and_json_escapes() -> None:
    raw = card()
    value = f"{raw[:8]}\n{raw[8:]}"
    assert types_at(f"number:\n{value}\nexp 09/29", value) == {"CREDIT_CARD"}
    escaped = "".join(f"\\u{ord(c):04x}" for c in raw)
    args = json.dumps({"note": "x"}).replace("x", escaped)
    assert types_at(args, escaped) == {"CREDIT_CARD"}


def test_card_whose_prefix_fits_no_issuer_is_still_a_card() -> None:
    value = groups(card("80", 16), " ")  # no network issues 16-digit 80... numbers
    found = [f for f in detector.detect(f"refund {value}") if f.type == "CREDIT_CARD"]
    assert len(found) == 1 and found[0].score < 1.0
    unbroken = card("80", 16)
    assert types_at(f"order {unbroken} shipped", unbroken) == set()
    assert types_at(f"card number {unbroken}", unbroken) == {"CREDIT_CARD"}


@pytest.mark.parametrize("sep", ["\u2010", "\u2011", "\u2013", "\u2212", "\ufe63", "\uff0d", "."])
def test_ssn_with_unicode_hyphens(sep: str) -> None:
    value = f"123{sep}45{sep}6780".replace("123", "219")
    assert types_at(f"My social is {value}.", value) == {"SSN"}


@pytest.mark.parametrize("form", ["lower", "dashes", "dots", "lower-dashes", "split"])
def test_iban_variants(form: str) -> None:
    raw = iban_de()
    value = {"lower": groups(raw.lower(), " "), "dashes": groups(raw, "-"),
             "dots": groups(raw, "."), "lower-dashes": groups(raw.lower(), "-"),
             "split": f"{groups(raw[:12], ' ')}\n{groups(raw[12:], ' ')}"}[form]
    assert types_at(f"Send it to {value} please", value) == {"IBAN"}


@pytest.mark.parametrize("encoding", ["base64", "base64url", "hex", "url"])
def test_encoded_identifiers_are_decoded(encoding: str) -> None:
    for raw, kind in ((card(), "CREDIT_CARD"), (iban_de(), "IBAN"), ("219-45-6780", "SSN")):
        value = {"base64": base64.b64encode(raw.encode()).decode(),
                 "base64url": base64.urlsafe_b64encode(raw.encode()).decode().rstrip("="),
                 "hex": raw.encode().hex(),
                 "url": "".join(f"%{b:02X}" for b in raw.encode())}[encoding]
        assert kind in types_at(f"payload={value}&x=1", value) | types_at(
            f"decode {value} please", value), (encoding, raw)


def test_ordinary_text_is_not_decoded_into_findings() -> None:
    text = ("The implementation of internationalization uses getElementById and a commit "
            "3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6d7e8f901 with UUID "
            "123e4567-e89b-12d3-a456-426614174000 and ISBN 978-3-16-148410-0, version 2.14.3.")
    assert detector.detect(text) == []


def test_offsets_are_code_points_into_the_text_as_sent() -> None:
    raw = card()
    value = "\u200b".join(raw)
    text = f"\u00e9\u00e9 \U0001f600 card: {value} end"
    [f] = [f for f in detector.detect(text) if f.type == "CREDIT_CARD"]
    assert text[f.start:f.end] == value


def test_normalize_maps_every_span_back() -> None:
    text = "a\u200bb \uff11\uff12 c\\u0064 e\u2013f"
    n = normalize(text)
    assert n.text == "ab 12 cd e-f"
    assert text[slice(*n.span(3, 5))] == "\uff11\uff12"
    assert text[slice(*n.span(6, 8))] == "c\\u0064"
    assert text[slice(*n.span(0, 2))] == "a\u200bb"
    assert normalize("plain ascii").edits == []


# -- the scanner: joined texts, every field --------------------------------------------------

scanner = Scanner(PrivacyConfig())


def test_a_value_split_across_messages_is_found_in_both() -> None:
    raw = card()
    texts = ["my card is " + raw[:8], raw[8:] + " thanks"]
    found = scanner.scan_texts(texts)
    assert [f.type for f in found[0]] == ["CREDIT_CARD"]
    assert [f.type for f in found[1]] == ["CREDIT_CARD"]
    assert texts[0][found[0][0].start:found[0][0].end] == raw[:8]
    assert texts[1][found[1][0].start:found[1][0].end] == raw[8:]


def test_ssn_split_across_content_parts() -> None:
    texts = ["SSN: 219-45-", "6780 please"]
    found = scanner.scan_texts(texts)
    assert {f.type for fs in found for f in fs} == {"SSN"}


@pytest.mark.parametrize("where", ["tool_call_id", "part_key", "tool_choice", "function_name",
                                   "seed", "metadata", "metadata_number", "logit_bias"])
def test_every_field_is_scanned(where: str) -> None:
    raw = card()
    messages = [Message("user", "hi")]
    kw: dict[str, object] = {}
    if where == "tool_call_id":
        messages.append(Message("tool", "done", tool_call_id=f"call_{raw}"))
    elif where == "part_key":
        messages.append(Message("user", [{"type": "text", "text": "hi", "note": raw}]))
    elif where == "tool_choice":
        kw["tool_choice"] = {"type": "function", "function": {"name": f"pay {raw}"}}
    elif where == "function_name":
        messages.append(Message("assistant", None, tool_calls=[{
            "id": "c1", "type": "function", "function": {"name": raw, "arguments": "{}"}}]))
    elif where == "seed":
        kw["seed"] = int(raw)
    elif where == "metadata":
        kw["extra"] = {"metadata": {"customer": f"card {raw}"}}
    elif where == "metadata_number":
        kw["extra"] = {"metadata": {"customer": int(raw)}}
    else:
        kw["extra"] = {"logit_bias": {raw: 1}}
    req = ChatRequest(model="gpt", messages=messages, **kw)  # type: ignore[arg-type]
    c = scanner.classify(request_texts(req), opaque=[t for _, t in opaque_texts(req)])
    assert "CREDIT_CARD" in c.entity_types, where


def test_a_nine_digit_number_on_its_own_counts_as_an_ssn() -> None:
    req = ChatRequest(model="gpt", messages=[Message("user", "hi")], seed=219456780)
    c = scanner.classify(request_texts(req), opaque=[t for _, t in opaque_texts(req)])
    assert c.entity_types == {"SSN"}
    for seed in (42, 1234, 20240611):
        req = ChatRequest(model="gpt", messages=[Message("user", "hi")], seed=seed)
        c = scanner.classify(request_texts(req), opaque=[t for _, t in opaque_texts(req)])
        assert c.entity_types == frozenset()


def test_fields_without_user_data_are_not_scanned() -> None:
    req = ChatRequest(model="gpt", messages=[Message("user", "hi")], temperature=0.5,
                      max_tokens=4111111111111111, extra={"top_logprobs": 5})
    assert [s for s, _ in opaque_texts(req)] == []


def test_a_value_split_around_a_reply_is_found() -> None:
    raw = card()
    texts = [f"my card is {raw[:8]}.", "Go on.", f"{raw[8:]} is the rest", "thanks 42"]
    found = scanner.scan_texts(texts)
    assert [f.type for f in found[0]] == ["CREDIT_CARD"] == [f.type for f in found[2]]
    assert texts[0][found[0][0].start:found[0][0].end] == raw[:8]
    assert texts[2][found[2][0].start:found[2][0].end] == raw[8:]
    assert found[1] == [] and found[3] == []


# -- identifiers split anywhere, next to the word that names them -----------------------------

def _split_anywhere(value: str, sep: str, r: random.Random) -> str:
    cuts = sorted(r.sample(range(1, len(value)), 3))
    pieces = [value[a:b] for a, b in zip([0, *cuts], [*cuts, len(value)], strict=True)]
    return sep.join(pieces)


@pytest.mark.parametrize("sep", ["/", ".", "-", "\n", " / "])
def test_national_identifiers_split_anywhere_with_their_name(sep: str) -> None:
    from tests.privacy.test_national_ids import gen_bsn, gen_nhs, gen_nie, gen_pesel, gen_sin

    r = random.Random(sep)
    cases = [("UK_NHS", "NHS number: {}", gen_nhs(r)),
             ("NL_BSN", "please file {} as the BSN of this client", gen_bsn(r)),
             ("CA_SIN", "{} is my social insurance number", gen_sin(r)),
             ("PL_PESEL", "PESEL {}", gen_pesel(r)),
             ("ES_NIE", "NIE: {}", gen_nie(r)),
             ("SSN", "social security number {}", "219456780")]
    for kind, template, raw in cases:
        value = _split_anywhere(raw.replace("-", ""), sep, r)
        assert kind in types_at(template.format(value), value), (kind, value)
        assert types_at(f"order {value} shipped", value) <= {"PHONE"}, (kind, value)


def test_encoded_identifier_keeps_the_words_around_it() -> None:
    value = base64.b64encode(b"219456780").decode()
    assert types_at(f"my SSN: {value} thanks", value) == {"SSN"}
    assert types_at(f"batch {value} done", value) == set()


def test_fiscal_codes_slashed_ibans_and_json_key_context() -> None:
    from tests.privacy.test_national_ids import gen_cf, gen_nhs

    r = random.Random(7)
    cf = gen_cf(r)
    dotted = f"{cf[:3]}.{cf[3:6]}.{cf[6:11]}.{cf[11:]}"
    assert types_at(f"codice fiscale: {dotted}", dotted) == {"IT_FISCAL_CODE"}
    slashed = groups(iban_de(), "/")
    assert types_at(f"IBAN: {slashed} ok", slashed) == {"IBAN"}
    escaped = "".join(f"\\u{ord(c):04x}" for c in gen_nhs(r))
    args = f'{{"NHS_no.": "{escaped}"}}'
    assert types_at(args, escaped) == {"UK_NHS"}


def test_any_text_scans_without_error_and_spans_stay_inside() -> None:
    r = random.Random(99)
    alphabet = ("0123456789 abcXYZ.-/\\u\n\t%=+_@:" + "\u00a0\u200b\u2013\uff11\u0661"
                "\ud7ff\U0001d7ce\u0301é")
    pieces = ["\\ud83d\\ude00", "\\u0041\\udc00", "\\udbff", "4111 1111", "%3", "SSN "]
    for _ in range(3000):
        text = "".join(r.choice(alphabet) if r.random() < 0.9 else r.choice(pieces)
                       for _ in range(r.randrange(1, 80)))
        for f in detector.detect(text):
            assert 0 <= f.start < f.end <= len(text), (text, f)


def test_decimal_numbers_are_not_cards() -> None:
    for text in ("metrics_value=0.2662102282047272,", "np.array(4395065348745.5643764887869876)",
                 "p = 0.691341757774353"):
        assert [f for f in detector.detect(text) if f.type == "CREDIT_CARD"] == [], text


def test_a_word_names_only_the_number_next_to_it_and_lookalikes_stay_letters_in_ibans() -> None:
    text = "SSN: 219 45 6780 / Phone: 030 127100 / Email: x@example.org"
    assert types_at(text, "030 127100") <= {"PHONE"}
    iban = "SA42 78TW R1T9 HYGN WIIB 8O0I"
    assert types_at(f"IBAN {iban} thanks", iban) == {"IBAN"}
