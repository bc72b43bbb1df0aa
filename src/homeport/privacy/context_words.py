"""Words that give a nearby value its meaning, in the languages Homeport's users write in:
dates of birth ("DOB", "geboren am", "née le"), medical record numbers ("MRN", "Fallnummer",
"historia clínica"), SSNs and assigned secrets; and the date formats, with month names, that
follow a birth word.
"""

from __future__ import annotations

import re

# Month names: English, then German, French, Spanish, Italian, Portuguese, Dutch, Nordic and
# Polish (genitive) full names.
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|januar[iy]?|janvier|enero|gennaio|janeiro|stycznia|februar[iy]?|f[ée]vrier|febrero"
    r"|febbraio|fevereiro|lutego|m[äa]e?rz|mars|marts|marzo|maart|mar[çc]o|marca|avril|abril"
    r"|aprile|kwietnia|mai|maj|mayo|maggio|mei|maio|maja|juin|junio|giugno|junho|czerwca"
    r"|juillet|julio|luglio|julho|lipca|ao[ûu]t|agosto|augusti|augustus|sierpnia|septembre"
    r"|septiembre|settembre|setembro|wrze[śs]nia|oktober|octobre|octubre|ottobre|outubro"
    r"|pa[źz]dziernika|novembre|noviembre|novembro|listopada|dezember|d[ée]cembre|diciembre"
    r"|dicembre|dezembro|desember|grudnia|juni|juli"
    # Finnish, Czech (genitive), Hungarian, Turkish
    r"|tammikuuta|helmikuuta|maaliskuuta|huhtikuuta|toukokuuta|kesäkuuta|heinäkuuta|elokuuta"
    r"|syyskuuta|lokakuuta|marraskuuta|joulukuuta|ledna|února|března|dubna|května|června"
    r"|července|srpna|září|října|listopadu|prosince|január|február|március|április|május"
    r"|június|július|augusztus|szeptember|október|ocak|şubat|mart|nisan|mayıs|haziran"
    r"|temmuz|ağustos|eylül|ekim|kasım|aralık)"
)
DATE = re.compile(
    r"(?<![\w/.\-])(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2}\. \d{1,2}\. \d{4}"
    rf"|{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th|er|º|\.)?\s+(?:of\s+|de\s+)?{MONTH}\.?,?\s+(?:de\s+)?\d{{4}}"
    rf"|\d{{1,2}}[-\s]{MONTH}[-\s]\d{{2,4}})(?![\w/]|[.\-]\d)",
    re.I,
)
# Keywords (in the lower-cased text) that start a context-driven search: (probe, kind, the
# whole keyword matched where the probe is found). Substring probes first, as `in` is cheap.
KEYWORDS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (probe, kind, re.compile(rx)) for probe, kind, rx in (
        ("birth", "birth", r"birth(?:\s?date|day)?"),
        ("born", "birth", r"born\b"),
        ("dob", "birth", r"dob\b\.?"),
        ("d.o.b", "birth", r"d\.o\.b\b\.?"),
        # other languages: geboren, Geburtsdatum, né(e) le, date de naissance, fecha de
        # nacimiento, data di nascita, nato il, geboortedatum, data urodzenia, födelsedatum,
        # fødselsdato, syntymäaika, született, narozen(a), doğum tarihi, data de nascimento
        ("geb", "birth", r"geb(?:oren|urtsdatum|urtstag\b|\.)"),
        ("né", "birth", r"n[ée]e?\b"),
        ("naissance", "birth", r"naissance"),
        ("nacid", "birth", r"nacid[oa]\b"),
        ("nacimiento", "birth", r"nacimiento"),
        ("nascita", "birth", r"nascita"),
        ("nato il", "birth", r"nato il\b"),
        ("nata il", "birth", r"nata il\b"),
        ("geboorte", "birth", r"geboorte(?:datum)?"),
        ("urodz", "birth", r"urodz\w*"),
        ("föd", "birth", r"föd(?:d|elsedatum|elsedag)\b"),
        ("føds", "birth", r"fødsels\w*"),
        ("født", "birth", r"født\b"),
        ("syntymä", "birth", r"syntymä\w*"),
        ("szül", "birth", r"szül(?:et\w*|\.)"),
        ("naroz", "birth", r"naroz\w*"),
        ("doğum", "birth", r"doğum\w*"),
        ("nascimento", "birth", r"nascimento"),
        ("mrn", "mrn", r"mrn\b"),
        ("medical record", "mrn", r"medical record"),
        ("patient", "mrn", r"patient[ _\-]?(?:id|identifier|number|no\b\.?|#)"),
        ("pt id", "mrn", r"pt id\b"),
        ("pt. id", "mrn", r"pt\. id\b"),
        ("chart", "mrn", r"chart[ _\-]?(?:number|no\b\.?|#|id\b)"),
        ("hospital", "mrn", r"hospital[ _\-]?(?:number|no\b\.?|id\b)"),
        # other languages: Fallnummer, Patientennummer, numéro de dossier, IPP, historia
        # clínica, cartella clinica, patiëntnummer, journalnummer, numer pacjenta
        ("fall", "mrn", r"fall(?:nummer|[ \-]?nr\b\.?)"),
        ("patient", "mrn", r"patient(?:en)?(?:nummer|nr\b\.?|[ \-]id\b)"),
        ("patiënt", "mrn", r"patiënt(?:nummer|nr\b\.?)"),
        ("dossier", "mrn", r"dossier(?:nummer|[ \-]?nr\b\.?| médical| patient)"),
        ("de dossier", "mrn", r"de dossier\b"),
        ("ipp", "mrn", r"ipp\b"),
        ("historia", "mrn", r"historia cl[ií]nica|historia\b"),
        ("nhc", "mrn", r"nhc\b"),
        ("cartella", "mrn", r"cartella(?: clinica)?\b"),
        ("journal", "mrn", r"journal(?:nummer|[ \-]?nr\b\.?)"),
        ("pacjenta", "mrn", r"pacjenta\b"),
        ("ssn", "ssn", r"ssn\b"),
        ("ss#", "ssn", r"ss#"),
        ("social security", "ssn", r"social security"),
        ("passw", "password", r"passw(?:ord|d)?"),
        ("pwd", "password", r"pwd"),
        ("passphrase", "password", r"passphrase"),
        ("passcode", "password", r"passcode"),
        ("secret", "secret", r"secret"),
        ("token", "secret", r"token"),
        ("credential", "secret", r"credentials?"),
        ("key", "key", r"key"),
    )
)
MRN_AFTER = re.compile(
    r"(?:\s*(?:number|num\b|no\b\.?|nr\b\.?|n°|#))?\s*(?:\(mrn\))?\s*[\"']?\s*[:#=\-,]?\s*"
    r"(?:[\"']?value[\"']?\s*:\s*)?[\"']?(?:is\s+|of\s+|ist\s+|est\s+)?"
    r"([A-Za-z0-9][A-Za-z0-9\-]{4,14}[A-Za-z0-9])(?![\w\-])",
    re.I,
)
SSN_AFTER = re.compile(r"[^\d\n]{0,30}?(?<!\d)(\d{3})([ \-]?)(\d{2})\2(\d{4})(?!\d)")
GAP_BREAK = re.compile(r"[!?;\n\d]|[a-z]{4,}\.\s")  # a date after these is not the birth date
