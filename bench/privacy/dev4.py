"""Dev set 4: the detector's development set for issue 12 (held-out set 3's weak spots).

    .venv/bin/python bench/privacy/dev4.py                 # 32 locales x 60 sentences, ~1 min
    .venv/bin/python bench/privacy/dev4.py --n 20 --show 40 --types MRN,DATE_OF_BIRTH
    .venv/bin/python bench/privacy/dev4.py --by-template   # recall per template
    .venv/bin/python bench/privacy/dev4.py --part b        # the second batch only

The templates (dev4_templates.py, dev4_templates_local.py) were written for this set, without
reading the held-out templates; values come from Faker and Mimesis through holdout_gen.py's
`Locale` (same pinned packages in bench/.venvs/holdout, same identifier generators in
holdout_ids.py), in a separate process that never imports Homeport. Scoring is holdout.py's.
The detector is tuned on this set: its figures are development figures, not held-out ones.
Output: $TMPDIR/homeport-dev4/dev4.{jsonl,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = HERE.parent / ".venvs" / "holdout"
RESULTS = Path(tempfile.gettempdir()) / "homeport-dev4"  # not results/: held-out files live there
SEED = 20270104
# Template language per locale (dev4 has templates in Croatian, Slovak and Romanian too).
LANG = {"hr_HR": "hr", "sk_SK": "sk", "ro_RO": "ro"}
# More numeric date layouts than holdout_gen's, as forms in these languages write them.
DOB_EXTRA = {
    "hu": ("%Y. %m. %d.", "%Y.%m.%d.", "%Y-%m-%d"), "pl": ("%d.%m.%Y r.", "%d.%m.%Y"),
    "cs": ("%d. %m. %Y", "%-d. %-m. %Y"), "sk": ("%d. %m. %Y", "%d.%m.%Y"),
    "hr": ("%d. %m. %Y.", "%d.%m.%Y."), "da": ("%d.%m.%Y", "%d/%m-%Y", "%d-%m-%Y"),
    "no": ("%d.%m.%Y", "%d.%m.%y"), "pt": ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"),
    "it": ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"), "en": ("%d-%b-%Y", "%b %d, %Y", "%d.%m.%Y"),
    "de": ("%d.%m.%Y", "%-d.%-m.%Y"), "ro": ("%d.%m.%Y",), "fi": ("%-d.%-m.%Y",),
}
TYPES = ("EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "SSN", "IP", "API_KEY", "MRN",
         "DATE_OF_BIRTH", "ADDRESS", "PERSON", "LOCATION", "UK_NINO", "UK_NHS", "CA_SIN",
         "DE_TAX_ID", "FR_NIR", "ES_DNI", "ES_NIE", "IT_FISCAL_CODE", "NL_BSN",
         "SE_PERSONNUMMER", "DK_CPR", "PL_PESEL", "IN_AADHAAR", "PASSPORT", "DRIVER_LICENSE")


# ------------------------------------------------------------------ generator (own process)

def _generate(seed: int, n: int, out: Path, part: str) -> None:
    sys.path.insert(0, str(HERE))
    # holdout_gen imports the held-out templates at module level: a stub keeps them unloaded
    stub = types.ModuleType("holdout_templates")
    for name in ("CLEAN", "NEGATIVE", "EVASION_CONTEXTS"):
        setattr(stub, name, [])
    stub.ID_LABELS, stub.JSON_CONTEXT, stub.JSON_KEYS = {}, "", {}  # type: ignore[attr-defined]
    sys.modules["holdout_templates"] = stub
    import dev4_templates as en
    import dev4_templates_b as part_b
    import dev4_templates_c as part_c
    import dev4_templates_local as local
    import holdout_gen as hg

    extra = {"PHONE_C": "PHONE", "DOB_YY": "DATE_OF_BIRTH"}

    class Dev4Locale(hg.Locale):  # type: ignore[misc,name-defined]
        def write_date(self, d: Any) -> str:
            formats = DOB_EXTRA.get(self.lang)
            if formats and self.r.random() < 0.35:
                return str(d.strftime(self.r.choice(formats)))
            return str(super().write_date(d))

        def value(self, slot: str) -> tuple[str, str]:
            if slot == "PHONE_C":
                p, source = self.phone()
                return "".join(c for c in p if c.isdigit() or c == "+"), source
            if slot == "DOB_YY":
                d = self.f.date_between_dates(hg.date(1930, 1, 1), hg.date(2005, 12, 31))
                layout = "%m/%d/%y" if self.loc == "en_US" else self.r.choice(
                    ("%d.%m.%y", "%d/%m/%y"))
                return d.strftime(layout), "faker"
            if slot == "NATID_C":
                v, source = self.natid()
                return "".join(c for c in v if c.isalnum()), source
            return super().value(slot)  # type: ignore[no-any-return]

        def filler(self, slot: str) -> str:
            r = self.r
            if slot == "NATID_LABEL":
                english, own = en.ID_LABELS[self.id_type]
                return r.choice(own if self.lang != "en" and r.random() < 0.7 else english)
            if slot == "AGE":
                return str(r.randint(18, 95))
            if slot == "PRODUCT":
                return r.choice(en.PRODUCTS)
            if slot == "BED":
                return r.choice((f"{r.randint(1, 40)}{r.choice('ABCD')}", str(r.randint(1, 60)),
                                 f"W{r.randint(1, 9)}-{r.randint(1, 30):02d}"))
            return super().filler(slot)  # type: ignore[no-any-return]

        def fill(self, template: str) -> tuple[str, list[dict[str, object]]]:
            out: list[str] = []
            spans: list[dict[str, object]] = []
            pos = length = 0
            for m in hg.SLOT.finditer(template):
                lit = template[pos : m.start()]
                out.append(lit)
                length += len(lit)
                slot = m.group(1)
                if slot in hg.LABELLED or slot in extra or slot in ("NATID", "NATID_C"):
                    v, source = self.value(slot)
                    t = self.id_type if slot.startswith("NATID") else (
                        extra.get(slot) or hg.LABELLED[slot])
                    spans.append({"type": t, "start": length, "end": length + len(v),
                                  "source": source})
                else:
                    v = self.filler(slot)
                out.append(v)
                length += len(v)
                pos = m.end()
            out.append(template[pos:])
            return "".join(out), spans

    clean, negative = [], []
    if part in ("a", "all"):
        clean, negative = en.CLEAN + local.CLEAN, en.NEGATIVE + local.NEGATIVE
    if part in ("b", "all"):
        clean, negative = clean + part_b.CLEAN, negative + part_b.NEGATIVE
    if part in ("c", "all"):
        clean, negative = clean + part_c.CLEAN, negative + part_c.NEGATIVE
    stats: Counter[str] = Counter()
    rows = []
    for loc in hg.LOCALES:
        L = Dev4Locale(loc, seed, stats)
        L.lang = LANG.get(loc, L.lang)
        usable = [t for t in clean if "[[NATID" not in t[2] or L.id_types]
        english = [t for t in usable if t[1] == "en"]
        own = [t for t in usable if t[1] == L.lang and L.lang != "en"]
        negs = [t for t in negative if t[1] in ("en", L.lang)]
        for i in range(n):
            if i % 5 == 4:
                tid, lang, text = L.r.choice(negs)
            elif L.id_types and i % 5 in (1, 2):
                tid, lang, text = L.r.choice([t for t in english + own if "[[NATID" in t[2]])
            else:
                tid, lang, text = L.r.choice(own if own and L.r.random() < 0.6 else english)
            L.id_type = L.r.choice(L.id_types) if L.id_types else ""
            L.local_template = lang != "en"
            try:
                t, spans = L.fill(text)
            except LookupError:
                stats[f"skipped (no valid phone number for {loc})"] += 1
                continue
            rows.append({"text": t, "spans": spans, "locale": loc, "set": "clean",
                         "evasion": None, "template": tid, "lang": lang})
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"meta": {"seed": seed, "n": n, "rejected": dict(stats)}}) + "\n")


# ------------------------------------------------------------------ runner

def generate(seed: int, n: int, out: Path, part: str) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(VENV), "PYTHONHASHSEED": "0"}
    subprocess.run([sys.executable, __file__, "--gen", "--seed", str(seed), "--n", str(n),
                    "--out", str(out), "--part", part], check=True, env=env)
    lines = out.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:-1]]


def show(rows: list[dict[str, Any]], preds: list[list[tuple[int, int, str]]], limit: int,
         wanted: set[str] | None, template: str) -> None:
    """Print up to `limit` misses and false positives (of the `wanted` types)."""
    shown = 0
    for row, pred in zip(rows, preds, strict=True):
        if not row["template"].startswith(template):
            continue
        text = row["text"]
        found = [(text[a:b], t) for a, b, t in pred]
        for s in row["spans"]:
            if (wanted is None or s["type"] in wanted) and not any(
                    t == s["type"] and a < s["end"] and s["start"] < b for a, b, t in pred):
                print(f"MISS {s['type']} {row['locale']} {row['template']} "
                      f"{text[s['start']:s['end']]!r} in {text!r} found {found}")
                shown += 1
        for a, b, t in pred:
            if (wanted is None or t in wanted) and not any(
                    t == s["type"] and a < s["end"] and s["start"] < b for s in row["spans"]):
                if t in ("PERSON", "LOCATION") and any(
                        s["type"] == "ADDRESS" and a < s["end"] and s["start"] < b
                        for s in row["spans"]):
                    continue
                print(f"FALSE {t} {row['locale']} {row['template']} {text[a:b]!r} in {text!r}")
                shown += 1
        if shown >= limit:
            return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gen", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(RESULTS / "dev4.jsonl"))
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--n", type=int, default=60, help="sentences per locale (60)")
    ap.add_argument("--show", type=int, default=0, help="print this many misses/false positives")
    ap.add_argument("--types", default="", help="only show these types (comma-separated)")
    ap.add_argument("--by-template", action="store_true")
    ap.add_argument("--part", choices=("a", "b", "c", "all"), default="all",
                    help="template batch: a (dev4_templates.py, dev4_templates_local.py), "
                    "b (dev4_templates_b.py), c (dev4_templates_c.py), all")
    ap.add_argument("--template", default="", help="only show misses of templates starting so")
    ap.add_argument("--no-ner", action="store_true", help="patterns only (PERSON/LOCATION off)")
    ap.add_argument("--src", default=str(ROOT / "src"),
                    help="the source tree to measure (e.g. an export of an older commit)")
    args = ap.parse_args()
    if args.gen:
        _generate(args.seed, args.n, Path(args.out), args.part)
        return
    sys.path.insert(0, str(HERE))
    from holdout import score  # puts this checkout's src on the path: --src goes before it

    sys.path.insert(0, args.src)

    from homeport.privacy.scanner import Scanner
    from homeport.settings import PrivacyConfig

    RESULTS.mkdir(exist_ok=True)
    rows = generate(args.seed, args.n, Path(args.out), args.part)
    scanner = Scanner(PrivacyConfig())
    t0 = time.perf_counter()
    preds = [[(f.start, f.end, f.type) for f in scanner.scan_text(r["text"], ner=not args.no_ner)]
             for r in rows]
    scan_s = time.perf_counter() - t0
    res = score(rows, preds)
    mc = res["micro"]
    print(f"dev set 4: {len(rows)} sentences, {sum(len(r['spans']) for r in rows)} labelled "
          f"spans, {len({r['template'] for r in rows})} templates; scan {scan_s:.1f} s")
    print(f"micro recall {mc['recall']:.3f} precision {mc['precision']:.3f}\n")
    print(f"{'type':16} {'support':>7} {'recall':>7} {'precision':>9} {'predicted':>9}")
    for t in TYPES:
        m = res["types"].get(t)
        if m and (m["support"] or m["predicted"]):
            print(f"{t:16} {m['support']:7d} {m['recall']:7.3f} {m['precision']:9.3f} "
                  f"{m['predicted']:9d}")
    print("\nper locale: " + ", ".join(f"{k} {v['recall']:.3f}/{v['precision']:.3f}"
                                       for k, v in sorted(res["locales"].items())))
    if args.by_template:
        by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row, pred in zip(rows, preds, strict=True):
            for s in row["spans"]:
                by[row["template"]][0] += 1
                by[row["template"]][1] += any(
                    pt == s["type"] and ps < s["end"] and s["start"] < pe for ps, pe, pt in pred)
        print("\nper template (recall):")
        for tid, (g, h) in sorted(by.items(), key=lambda kv: kv[1][1] / kv[1][0]):
            print(f"  {tid:24} {h / g:.3f} ({g})")
    if args.show:
        show(rows, preds, args.show, set(args.types.split(",")) if args.types else None,
             args.template)
    (RESULTS / "dev4.json").write_text(json.dumps(
        {k: v for k, v in res.items() if k != "examples"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
