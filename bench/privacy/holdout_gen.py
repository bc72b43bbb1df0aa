"""Generator of the hold-out set; runs in its own process with Faker, Mimesis and phonenumbers
from bench/.venvs (holdout.py starts it). It never imports Homeport.

    PYTHONHASHSEED=0 PYTHONPATH=bench/.venvs/holdout .venv/bin/python \
        bench/privacy/holdout_gen.py --seed 7 --n 60 --out /tmp/holdout.jsonl [--templates 2|3]

(PYTHONHASHSEED=0 because some Faker providers pick from sets.)

One JSON object a line: {"text", "spans": [{"type", "start", "end", "source"}], "locale",
"set": "clean"|"evasion", "evasion": kind|"none"|null, "template"}; offsets are code points.
A last line {"meta": {...}} counts the values that were rejected (Faker values that fail their
identifier's validator, phone numbers that no numbering plan allows).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import zlib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import holdout_ids as ids
from holdout_templates import CLEAN, EVASION_CONTEXTS, ID_LABELS, JSON_CONTEXT, JSON_KEYS, NEGATIVE

# Faker locale -> (Mimesis locale or None, template language, national ID types, IBAN country)
LOCALES: dict[str, tuple[str | None, str, tuple[str, ...], str]] = {
    "en_US": ("en", "en", ("SSN",), "GB"), "en_GB": ("en-gb", "en", ("UK_NINO", "UK_NHS"), "GB"),
    "en_CA": ("en-ca", "en", ("CA_SIN",), "GB"), "en_AU": ("en-au", "en", (), "GB"),
    "en_IN": (None, "en", ("IN_AADHAAR",), "GB"), "en_IE": (None, "en", (), "IE"),
    "en_NZ": (None, "en", (), "GB"),
    "de_DE": ("de", "de", ("DE_TAX_ID",), "DE"), "de_AT": ("de-at", "de", (), "AT"),
    "de_CH": ("de-ch", "de", (), "CH"),
    "fr_FR": ("fr", "fr", ("FR_NIR",), "FR"), "fr_CH": (None, "fr", (), "CH"),
    "fr_BE": (None, "fr", (), "BE"), "nl_BE": ("nl-be", "nl", (), "BE"),
    "es_ES": ("es", "es", ("ES_DNI", "ES_NIE"), "ES"), "es_MX": ("es-mx", "es", (), "ES"),
    "it_IT": ("it", "it", ("IT_FISCAL_CODE",), "IT"), "nl_NL": ("nl", "nl", ("NL_BSN",), "NL"),
    "pl_PL": ("pl", "pl", ("PL_PESEL",), "PL"),
    "sv_SE": ("sv", "sv", ("SE_PERSONNUMMER",), "SE"), "da_DK": ("da", "da", ("DK_CPR",), "DK"),
    "no_NO": ("no", "no", (), "NO"), "fi_FI": ("fi", "fi", (), "FI"),
    "cs_CZ": ("cs", "cs", (), "CZ"), "sk_SK": ("sk", "cs", (), "SK"),
    "hu_HU": ("hu", "hu", (), "HU"), "pt_PT": ("pt", "pt", (), "PT"),
    "pt_BR": ("pt-br", "pt", (), "PT"), "el_GR": ("el", "en", (), "GR"),
    "tr_TR": ("tr", "tr", (), "TR"), "ro_RO": (None, "en", (), "RO"),
    "hr_HR": ("hr", "en", (), "HR"),
}
# Where Mimesis has no locale: real cities nearby for cities named alone (Faker invents some).
CITY_MIMESIS = {"en_IE": "en-gb", "en_NZ": "en-au", "fr_CH": "de-ch", "fr_BE": "nl-be"}
# Faker methods that give a national identifier, per locale (validated before use).
FAKER_IDS = {("en_US", "SSN"): "ssn", ("en_CA", "CA_SIN"): "ssn", ("fr_FR", "FR_NIR"): "ssn",
             ("es_ES", "ES_DNI"): "nif", ("es_ES", "ES_NIE"): "nie",
             ("it_IT", "IT_FISCAL_CODE"): "ssn", ("nl_NL", "NL_BSN"): "ssn",
             ("pl_PL", "PL_PESEL"): "pesel", ("sv_SE", "SE_PERSONNUMMER"): "ssn",
             ("en_GB", "UK_NINO"): "ssn", ("en_IN", "IN_AADHAAR"): "aadhaar_id"}
DOB_FORMATS = {
    "en_US": ("%m/%d/%Y", "%B %d, %Y", "%Y-%m-%d", "%b %d %Y"),
    "en_CA": ("%Y-%m-%d", "%B %d, %Y", "%d/%m/%Y"),
    "en": ("%d/%m/%Y", "%d %B %Y", "%Y-%m-%d", "%d %b %Y"),
    "de": ("%d.%m.%Y",), "pl": ("%d.%m.%Y", "%d-%m-%Y"), "cs": ("%d.%m.%Y", "%d. %m. %Y"),
    "fi": ("%d.%m.%Y",), "no": ("%d.%m.%Y",), "tr": ("%d.%m.%Y",), "ro": ("%d.%m.%Y",),
    "hr": ("%d.%m.%Y.",), "hu": ("%Y.%m.%d.", "%Y-%m-%d"), "sv": ("%Y-%m-%d",),
    "da": ("%d-%m-%Y", "%d.%m.%Y"), "nl": ("%d-%m-%Y",), "fr": ("%d/%m/%Y",),
    "es": ("%d/%m/%Y",), "it": ("%d/%m/%Y",), "pt": ("%d/%m/%Y", "%d-%m-%Y"), "el": ("%d/%m/%Y",),
}
# Month names as a date writes them ("12. März 1980", "3 de marzo de 1975"), for templates in
# the locale's language: (months, layout).
MONTHS = {
    "de": ("Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
           "{d}. {m} {y}"),
    "fr": ("janvier février mars avril mai juin juillet août septembre octobre novembre "
           "décembre", "{d} {m} {y}"),
    "es": ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
           "diciembre", "{d} de {m} de {y}"),
    "it": ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
           "dicembre", "{d} {m} {y}"),
    "nl": ("januari februari maart april mei juni juli augustus september oktober november "
           "december", "{d} {m} {y}"),
    "pl": ("stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
           "listopada grudnia", "{d} {m} {y}"),
    "sv": ("januari februari mars april maj juni juli augusti september oktober november "
           "december", "{d} {m} {y}"),
    "da": ("januar februar marts april maj juni juli august september oktober november december",
           "{d}. {m} {y}"),
    "no": ("januar februar mars april mai juni juli august september oktober november desember",
           "{d}. {m} {y}"),
    "fi": ("tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta "
           "elokuuta syyskuuta lokakuuta marraskuuta joulukuuta", "{d}. {m} {y}"),
    "cs": ("ledna února března dubna května června července srpna září října listopadu prosince",
           "{d}. {m} {y}"),
    "sk": ("januára februára marca apríla mája júna júla augusta septembra októbra novembra "
           "decembra", "{d}. {m} {y}"),
    "hu": ("január február március április május június július augusztus szeptember október "
           "november december", "{y}. {m} {d}."),
    "pt": ("janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
           "dezembro", "{d} de {m} de {y}"),
    "tr": ("Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
           "{d} {m} {y}"),
}
STREET_WORDS = ("Main Street", "Park Avenue", "Abbey Road", "Sunset Boulevard", "Baker Street",
                "Canal Street", "Harbour Road", "Bahnhofstraße", "Rue de la Paix", "Via Roma",
                "Elm Street", "Broadway", "Kings Road", "Station Road", "Gran Vía")
GREEK = dict(zip("αάβγδεέζηήθιίϊΐκλμνξοόπρσςτυύϋΰφχψωώ",
                 ["a", "a", "v", "g", "d", "e", "e", "z", "i", "i", "th", "i", "i", "i", "i",
                  "k", "l", "m", "n", "x", "o", "o", "p", "r", "s", "s", "t", "y", "y", "y",
                  "y", "f", "ch", "ps", "o", "o"], strict=False))
SLOT = re.compile(r"\[\[([A-Z_0-9]+)\]\]")
LABELLED = {"PERSON": "PERSON", "PERSON2": "PERSON", "FIRSTNAME": "PERSON",
            "PERSON_LF": "PERSON", "EMAIL": "EMAIL", "PHONE": "PHONE", "ADDRESS": "ADDRESS",
            "ADDRESS_ML": "ADDRESS", "IBAN": "IBAN", "CARD": "CREDIT_CARD",
            "DOB": "DATE_OF_BIRTH", "PASSPORT": "PASSPORT", "DL": "DRIVER_LICENSE",
            "MRN": "MRN", "API_KEY": "API_KEY", "IP": "IP", "CITY": "LOCATION",
            "STREET": "LOCATION",
            # used by template set 3 only (sets 1 and 2 never draw them):
            "LASTNAME": "PERSON", "NAME_CAPS": "PERSON", "NAME_SLASH": "PERSON",
            "NAME_HL7": "PERSON", "PHONE_E164": "PHONE", "DOB_ISO": "DATE_OF_BIRTH",
            "DOB_COMPACT": "DATE_OF_BIRTH", "IBAN_C": "IBAN"}
# Set by main() for template sets that ask for it (set 3): template language per locale where
# the set has templates in the locale's own language (sets 1 and 2: none, LOCALES decides),
# and numeric date layouts for languages DOB_FORMATS lacks.
LANG_OVERRIDE: dict[str, str] = {}
DOB_FORMATS_EXTRA: dict[str, tuple[str, ...]] = {}


def latin(s: str) -> str:
    s = s.replace("ου", "ou").replace("Ου", "Ou").replace("ΟΥ", "OU")
    out = []
    for ch in s:
        low = ch.lower()
        t = GREEK.get(low)
        out.append(ch if t is None else (t.capitalize() if ch != low else t))
    return "".join(out)


def accidental(v: str) -> bool:
    """True when a near-miss number happens to pass some identifier's check."""
    d = re.sub(r"\D", "", v)
    return any(f(d) for t, f in ids.VALIDATORS.items() if t != "IBAN") or ids.iban_ok(v)


class Locale:
    def __init__(self, loc: str, seed: int, stats: Counter[str]):
        from faker import Faker

        self.loc = loc
        self.mim_loc, self.lang, self.id_types, self.iban_cc = LOCALES[loc]
        s = seed + zlib.crc32(loc.encode())
        self.r = random.Random(s)
        self.f = Faker(loc)
        self.f.seed_instance(s)
        self.stats = stats
        self.m = None
        if self.mim_loc:
            from mimesis import Address, Person
            from mimesis.locales import Locale as ML

            self.m = (Person(ML(self.mim_loc), seed=s), Address(ML(self.mim_loc), seed=s))
        self.id_type = ""
        self.local_template = False  # the template is in the locale's language
        self.city = None  # cities named alone come from Mimesis, which has real ones
        city_loc = self.mim_loc or CITY_MIMESIS.get(loc)
        if city_loc:
            from mimesis import Address
            from mimesis.locales import Locale as ML

            self.city = Address(ML(city_loc), seed=s + 1)

    def fix(self, s: str) -> str:
        return latin(s) if self.loc == "el_GR" else s

    def use_mimesis(self) -> bool:
        return self.m is not None and self.r.random() < 0.35

    # ---- labelled values: (text, source)
    def person(self) -> tuple[str, str]:
        if self.use_mimesis():
            return self.fix(f"{self.m[0].first_name()} {self.m[0].last_name()}"), "mimesis"
        if self.r.random() < 0.15:
            return self.fix(self.f.name()), "faker"
        return self.fix(f"{self.f.first_name()} {self.f.last_name()}"), "faker"

    def firstname(self) -> tuple[str, str]:
        if self.use_mimesis():
            return self.fix(self.m[0].first_name()), "mimesis"
        return self.fix(self.f.first_name()), "faker"

    def person_lf(self) -> tuple[str, str]:
        if self.use_mimesis():
            return self.fix(f"{self.m[0].last_name()}, {self.m[0].first_name()}"), "mimesis"
        return self.fix(f"{self.f.last_name()}, {self.f.first_name()}"), "faker"

    def address(self, multiline: bool = False) -> tuple[str, str]:
        # Faker's fr_BE and tr_TR addresses are US ones (no provider): Mimesis's there.
        us_fallback = self.loc in ("fr_BE", "tr_TR")
        if self.use_mimesis() or us_fallback:
            a = self.city if us_fallback else self.m[1]
            street, pc, city = a.address(), a.postal_code(), a.city()
            if self.lang == "en" and self.loc != "en_GB":
                tail = f"{city}, {a.state(abbr=True) if self.loc == 'en_US' else a.state()} {pc}"
            else:
                tail = f"{pc} {city}"
            sep = "\n" if multiline else ", "
            return self.fix(street + sep + tail), "mimesis"
        v = self.f.address()
        return self.fix(v if multiline else re.sub(r",?\n", ", ", v)), "faker"

    def email(self) -> tuple[str, str]:
        if self.use_mimesis():
            return self.m[0].email(), "mimesis"
        return self.f.email() if self.r.random() < 0.7 else self.f.free_email(), "faker"

    def phone(self) -> tuple[str, str]:
        import phonenumbers as pn

        for _ in range(60):
            p = self.f.phone_number()
            try:
                ok = pn.is_valid_number(pn.parse(p, self.loc[-2:]))
            except pn.NumberParseException:
                ok = False
            if ok:
                return p, "faker"
            self.stats[f"phone rejected (not valid in {self.loc[-2:]})"] += 1
        raise LookupError("phone")

    def iban(self) -> tuple[str, str]:
        v = self.f.iban()
        if ids.iban_ok(v) and v[:2] == self.iban_cc and not ids.iban_national_ok(v):
            self.stats[f"IBAN {v[:2]} national check digits fixed (Faker's are random)"] += 1
            v = ids.with_bban(v[:2], v[4:])
        if ids.iban_ok(v) and v[:2] == self.iban_cc:
            grouped = " ".join(ids.iban_groups(v))
            return (grouped if self.r.random() < 0.5 else v), "faker"
        if not ids.iban_ok(v):
            self.stats[f"IBAN rejected (Faker {self.loc}: fails length/mod-97)"] += 1
        v, g = ids.make_iban(self.r, self.iban_cc)
        return (" ".join(g) if self.r.random() < 0.5 else v), "own"

    def card(self) -> tuple[str, str]:
        v = self.f.credit_card_number()
        if not ids.VALIDATORS["CREDIT_CARD"](v):
            self.stats["card rejected (Faker: fails Luhn)"] += 1
            return ids.make_card(self.r)[0], "own"
        if len(v) in (15, 16) and self.r.random() < 0.5:
            g = [v[:4], v[4:10], v[10:]] if len(v) == 15 else [v[i:i + 4] for i in (0, 4, 8, 12)]
            v = self.r.choice((" ", "-")).join(g)
        return v, "faker"

    def natid(self) -> tuple[str, str]:
        t = self.id_type
        method = FAKER_IDS.get((self.loc, t))
        if method and self.r.random() < 0.7:
            v = str(getattr(self.f, method)())
            if ids.VALIDATORS[t](v):
                return v, "faker"
            self.stats[f"{t} rejected (Faker {self.loc}.{method}() fails its check)"] += 1
        return ids.MAKERS[t](self.r)[0], "own"

    def write_date(self, d: date) -> str:
        months = MONTHS.get(self.loc[:2])
        if self.local_template and months and self.r.random() < 0.4:
            return months[1].format(d=d.day, m=months[0].split()[d.month - 1], y=d.year)
        if self.lang in DOB_FORMATS_EXTRA:  # set 3 only
            return d.strftime(self.r.choice(DOB_FORMATS_EXTRA[self.lang]))
        key = self.loc if self.loc in DOB_FORMATS else self.loc[:2]
        return d.strftime(self.r.choice(DOB_FORMATS.get(key, DOB_FORMATS["en"])))

    def dob(self, layout: str = "") -> tuple[str, str]:
        d = self.f.date_between_dates(date(1930, 1, 1), date(2024, 12, 31))  # not today-based
        return (d.strftime(layout) if layout else self.write_date(d)), "faker"

    # ---- set 3's extra name layouts: given and family name drawn together
    def name_parts(self) -> tuple[str, str, str]:
        if self.use_mimesis():
            return (self.fix(self.m[0].first_name()), self.fix(self.m[0].last_name()),
                    "mimesis")
        return self.fix(self.f.first_name()), self.fix(self.f.last_name()), "faker"

    def name_layout(self, slot: str) -> tuple[str, str]:
        first, last, source = self.name_parts()
        if slot == "LASTNAME":  # after a title or under a surname column
            return last, source
        if slot == "NAME_CAPS":  # "KOWALSKA Anna", as forms and hospital letters write it
            return f"{last.upper()} {first}", source
        if slot == "NAME_SLASH":  # boarding passes, PNRs: "KOWALSKA/ANNA"
            return f"{last.upper()}/{first.upper()}", source
        if slot == "NAME_HL7":  # HL7 v2 / DICOM person name: "Kowalska^Anna"
            v = f"{last}^{first}"
            return (v.upper() if self.r.random() < 0.5 else v), source
        raise KeyError(slot)

    def phone_e164(self) -> tuple[str, str]:
        import phonenumbers as pn

        p, source = self.phone()
        return pn.format_number(pn.parse(p, self.loc[-2:]), pn.PhoneNumberFormat.E164), source

    def value(self, slot: str) -> tuple[str, str]:
        r = self.r
        match slot:
            case "PERSON" | "PERSON2":
                return self.person()
            case "FIRSTNAME":
                return self.firstname()
            case "PERSON_LF":
                return self.person_lf()
            case "EMAIL":
                return self.email()
            case "PHONE":
                return self.phone()
            case "ADDRESS" | "ADDRESS_ML":
                return self.address(slot == "ADDRESS_ML")
            case "IBAN":
                return self.iban()
            case "CARD":
                return self.card()
            case "DOB":
                return self.dob()
            case "DOB_ISO":
                return self.dob("%Y-%m-%d")
            case "DOB_COMPACT":
                return self.dob("%Y%m%d")
            case "LASTNAME" | "NAME_CAPS" | "NAME_SLASH" | "NAME_HL7":
                return self.name_layout(slot)
            case "PHONE_E164":
                return self.phone_e164()
            case "IBAN_C":
                v, source = self.iban()
                return v.replace(" ", ""), source
            case "NATID":
                return self.natid()
            case "PASSPORT":
                if r.random() < 0.6:
                    return self.f.passport_number(), "faker"
                return ids.make_passport(r, self.loc), "own"
            case "DL":
                return ids.make_driver_license(r, self.loc, self.f.last_name()), "own"
            case "MRN":
                return ids.make_mrn(r), "own"
            case "API_KEY":
                return ids.make_api_key(r)[0], "own"
            case "IP":
                return r.choice((self.f.ipv4, self.f.ipv4_private, self.f.ipv6))(), "faker"
            case "STREET":
                return r.choice(STREET_WORDS), "own"
            case "CITY":  # Faker's English, Irish and Swiss-French cities are made up
                if self.city is not None:
                    return self.fix(self.city.city()), "mimesis"
                return self.fix(self.f.city()), "faker"
        raise KeyError(slot)

    # ---- unlabelled values
    def filler(self, slot: str) -> str:
        r, f = self.r, self.f
        while True:
            match slot:
                case "NATID_LABEL":
                    en, local = ID_LABELS[self.id_type]
                    return local if self.lang != "en" or r.random() < 0.3 else en
                case "ORDER":
                    v = r.choice((lambda: f.bothify("ORD-########"), lambda: f.numerify("#" * 10),
                                  lambda: f.bothify("??######").upper(),
                                  lambda: f.numerify("1##-#######-#######")))()
                case "TICKET":
                    v = r.choice((lambda: f.bothify("INC-#######"),
                                  lambda: f.bothify("#??-####").upper(),
                                  lambda: f.numerify("1Z###########")))()
                case "PRICE":
                    return r.choice((
                        f.pricetag, lambda: f"{r.randint(5, 99999)},{r.randint(0, 99):02d} EUR",
                        lambda: f"USD {r.randint(1, 9999)}.{r.randint(0, 99):02d}"))()
                case "DATE":
                    return self.write_date(date(2023, 1, 1) + timedelta(days=r.randrange(900)))
                case "ISODATE":
                    return (date(2023, 1, 1) + timedelta(days=r.randrange(900))).isoformat()
                case "TIME":  # not Faker's time(), which depends on the clock
                    return f"{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"
                case "VERSION":
                    return r.choice((lambda: f.numerify("#.##.#"), lambda: f.numerify("#.#.###"),
                                     lambda: f"{r.randint(1, 20)}.{r.randint(0, 9)}."
                                             f"{r.randint(0, 9)}.{r.randint(1000, 30000)}"))()
                case "UUID":
                    return f.uuid4()
                case "HASH":
                    return r.choice((f.sha1, f.md5, lambda: f.sha1()[:7]))()
                case "ISBN":
                    return r.choice((f.isbn13, f.isbn10))()
                case "COMPANY":  # a bare surname is no company name to a reader
                    v = self.fix(f.company())
                    if " " in v:
                        return v
                    self.stats["company redrawn (Faker gave a single word, e.g. a surname)"] += 1
                    continue
                case "AMOUNT":
                    return str(r.randint(2, 999))
                # ---- set 3's near misses and other unlabelled values
                case "SKU":  # product, batch, part and seal codes
                    v = r.choice((lambda: f.bothify("??-####-?").upper(),
                                  lambda: f.numerify("SKU-#####"),
                                  lambda: f.numerify("#####-###"),
                                  lambda: f.bothify("??#####").upper(),
                                  lambda: f.bothify("LOT ##??##").upper()))()
                case "LUHN_BAD":  # 16 digits in groups of four that fail Luhn: no card
                    d = ids._digits(r, 16)
                    if ids.luhn_ok(d):
                        continue
                    v = " ".join(d[i:i + 4] for i in range(0, 16, 4))
                case "IBAN_BAD":  # an IBAN layout whose check digits are wrong
                    good, _ = ids.make_iban(r, r.choice(("DE", "FR", "NL", "ES", "IT", "GB")))
                    v = good[:2] + f"{(int(good[2:4]) + r.randint(1, 90)) % 100:02d}" + good[4:]
                    if ids.iban_ok(v):
                        continue
                    v = " ".join(ids.iban_groups(v)) if r.random() < 0.5 else v
                case "VATNO":  # company VAT numbers (no person's identifier)
                    v = r.choice((lambda: "DE" + ids._digits(r, 9),
                                  lambda: "FR" + ids._digits(r, 11),
                                  lambda: "IT" + ids._digits(r, 11),
                                  lambda: "NL" + ids._digits(r, 9) + "B01",
                                  lambda: "ATU" + ids._digits(r, 8),
                                  lambda: "ESB" + ids._digits(r, 8),
                                  lambda: "PL" + ids._digits(r, 10),
                                  lambda: "DK" + ids._digits(r, 8),
                                  lambda: "SE55" + ids._digits(r, 8) + "01"))()
                case "FLIGHT":
                    return (r.choice(("LH", "BA", "AF", "KL", "SK", "IB", "AZ", "LO", "TP", "TK",
                                      "FR", "U2", "OS", "LX", "AY"))
                            + r.choice((" ", "")) + str(r.randint(10, 9999)))
                case "MASKED_CARD":
                    tail = ids._digits(r, 4)
                    return r.choice((f"**** **** **** {tail}", f"XXXX-XXXX-XXXX-{tail}",
                                     f"•••• {tail}", f"************{tail}"))
                case "DATE_COMPACT":
                    return (date(2023, 1, 1) + timedelta(days=r.randrange(900))).strftime("%Y%m%d")
                case "TSCOMPACT":  # HL7 / ICS timestamps
                    d = (date(2023, 1, 1) + timedelta(days=r.randrange(900))).strftime("%Y%m%d")
                    return f"{d}{r.randrange(24):02d}{r.randrange(60):02d}{r.randrange(60):02d}"
                case "DISH" | "EPONYM":  # named after people or places (set 3's lists)
                    import holdout_templates3

                    return r.choice(holdout_templates3.DISHES if slot == "DISH"
                                    else holdout_templates3.EPONYMS)
                case _:
                    raise KeyError(slot)
            if not accidental(v):
                return v
            self.stats["near-miss number redrawn (passed an identifier check)"] += 1

    def fill(self, template: str) -> tuple[str, list[dict[str, object]]]:
        out, spans, pos = [], [], 0
        length = 0
        for m in SLOT.finditer(template):
            lit = template[pos:m.start()]
            out.append(lit)
            length += len(lit)
            slot = m.group(1)
            if slot in LABELLED or slot == "NATID":
                v, source = self.value(slot)
                t = self.id_type if slot == "NATID" else LABELLED[slot]
                spans.append({"type": t, "start": length, "end": length + len(v),
                              "source": source})
            else:
                v = self.filler(slot)
            out.append(v)
            length += len(v)
            pos = m.end()
        out.append(template[pos:])
        return "".join(out), spans


def clean_set(seed: int, n: int, stats: Counter[str]) -> list[dict[str, object]]:
    rows = []
    for loc in LOCALES:
        L = Locale(loc, seed, stats)
        L.lang = LANG_OVERRIDE.get(loc, L.lang)
        english = [t for t in CLEAN if t[1] == "en"]
        local = [t for t in CLEAN if t[1] == L.lang and L.lang != "en"]
        negs = [t for t in NEGATIVE if t[1] in ("en", L.lang)]
        for i in range(n):
            if i % 5 == 4:
                tid, lang, text = L.r.choice(negs)
            elif L.id_types and i % 5 in (1, 2):  # enough national IDs to measure
                tid, lang, text = L.r.choice([t for t in english + local if "[[NATID]]" in t[2]])
            else:
                pool = local if local and L.r.random() < 0.5 else english
                while True:
                    tid, lang, text = L.r.choice(pool)
                    if "[[NATID" not in text or L.id_types:
                        break
            L.id_type = L.r.choice(L.id_types) if L.id_types else ""
            L.local_template = lang != "en"
            try:
                t, spans = L.fill(text)
            except LookupError:
                stats[f"sentence skipped (no valid phone number for {loc})"] += 1
                continue
            rows.append({"text": t, "spans": spans, "locale": loc, "set": "clean",
                         "evasion": None, "template": tid})
    return rows


ID_LOCALE = {"CREDIT_CARD": "en_US", "SSN": "en_US", "IBAN": "de_DE", "API_KEY": "en_US",
             "UK_NINO": "en_GB", "UK_NHS": "en_GB", "CA_SIN": "en_CA", "DE_TAX_ID": "de_DE",
             "FR_NIR": "fr_FR", "ES_DNI": "es_ES", "ES_NIE": "es_ES",
             "IT_FISCAL_CODE": "it_IT", "NL_BSN": "nl_NL", "SE_PERSONNUMMER": "sv_SE",
             "DK_CPR": "da_DK", "PL_PESEL": "pl_PL", "IN_AADHAAR": "en_IN"}
EVASION_IBAN_COUNTRIES = ("DE", "FR", "GB", "ES", "IT", "NL", "PL", "SE", "CH", "AT", "BE", "NO")


def evasion_set(seed: int, k: int) -> list[dict[str, object]]:
    r = random.Random(seed * 31 + 5)
    rows = []
    for kind in ("none", *ids.EVASIONS):
        for t in ids.EVADED_TYPES:
            if kind != "none" and not ids.applies(kind, t):
                continue
            for _ in range(k):
                if t == "IBAN":
                    value, groups = ids.make_iban(r, r.choice(EVASION_IBAN_COUNTRIES))
                    if r.random() < 0.5:
                        value = " ".join(groups)
                else:
                    value, groups = ids.MAKERS[t](r)
                v = value if kind == "none" else ids.evade(kind, value, groups, r)
                label = r.choice(ID_LABELS[t])
                if kind == "json_u_escaped_digits":
                    ctx = JSON_CONTEXT.replace("[[K]]", JSON_KEYS.get(t, label.replace(" ", "_")))
                else:
                    ctx = r.choice(EVASION_CONTEXTS).replace("[[L]]", label)
                start = ctx.index("[[V]]")
                text = ctx.replace("[[V]]", v)
                rows.append({"text": text, "spans": [{"type": t, "start": start,
                                                      "end": start + len(v), "source": "own"}],
                             "locale": ID_LOCALE[t], "set": "evasion", "evasion": kind,
                             "template": "evasion"})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--n", type=int, default=100, help="clean sentences per locale")
    ap.add_argument("--k", type=int, default=5, help="evasion samples per kind and type")
    ap.add_argument("--out", required=True)
    ap.add_argument("--templates", type=int, choices=(1, 2, 3), default=1,
                    help="template set: 1 holdout_templates.py, 2 holdout_templates2.py, "
                    "3 holdout_templates3.py")
    args = ap.parse_args()
    if args.templates != 1:  # sets 2 and 3 replace the templates and evasion contexts
        global CLEAN, NEGATIVE, EVASION_CONTEXTS, JSON_CONTEXT
        import importlib

        tn = importlib.import_module(f"holdout_templates{args.templates}")
        CLEAN, NEGATIVE = tn.CLEAN, tn.NEGATIVE
        EVASION_CONTEXTS, JSON_CONTEXT = tn.EVASION_CONTEXTS, tn.JSON_CONTEXT
        # set 3 also has templates in Slovak, Romanian and Croatian (LANGS)
        LANG_OVERRIDE.update(getattr(tn, "LANGS", {}))
        DOB_FORMATS_EXTRA.update(getattr(tn, "DOB_FORMATS", {}))
    stats: Counter[str] = Counter()
    rows = clean_set(args.seed, args.n, stats) + evasion_set(args.seed, args.k)
    for row in rows:  # every label must cover text
        for s in row["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(row["text"]), row
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        meta = {"seed": args.seed, "n": args.n, "k": args.k, "rejected": dict(stats)}
        if args.templates != 1:
            meta["templates"] = args.templates
        fh.write(json.dumps({"meta": meta}) + "\n")


if __name__ == "__main__":
    main()
