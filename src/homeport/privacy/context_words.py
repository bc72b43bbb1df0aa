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
    r"|temmuz|ağustos|eylül|ekim|kasım|aralık"
    # Slovak and Slovene (genitive), Croatian (genitive), Romanian
    r"|januára|februára|apríla|mája|júna|júla|augusta|septembra|októbra|novembra|decembra"
    r"|januarja|februarja|aprila|junija|julija|avgusta|oktobra|siječnja|veljače|ožujka"
    r"|travnja|svibnja|lipnja|srpnja|kolovoza|rujna|listopada|studenoga?|prosinca"
    r"|ianuarie|februarie|martie|aprilie|iunie|iulie|septembrie|octombrie|noiembrie"
    r"|decembrie"
    # abbreviations: French, Spanish, Italian, German, Dutch, Polish
    r"|janv|f[ée]vr?|avr|juil|d[ée]c|ene|abr|ago|dic|gen|mag|giu|lug|sett?|ott|okt|dez|mrt"
    r"|m[äa]r|maj|sty|lut|kwi|cze|lip|sie|wrz|pa[źz]|lis|gru"
    # Portuguese and Hungarian abbreviations
    r"|fev|set|out|dez|febr|márc|ápr|máj|jún|júl|szept)"
)
DATE = re.compile(
    r"(?<![\w/.\-])(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2}\. \d{1,2}\. \d{4}"
    r"|\d{4}\. \d{1,2}\. \d{1,2}\.?|\d{1,2}/\d{1,2}-\d{4}"  # 1984. 03. 02., 02/03-1984
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # 19840302
    rf"|{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th|er|º|o|\.)?\s+(?:of\s+|de\s+)?{MONTH}\.?,?\s+(?:del?\s+)?\d{{4}}"
    rf"|\d{{4}}\.\s+{MONTH}\.?\s+\d{{1,2}}\.?"  # Hungarian: 1984. március 3.
    r"|\d{1,2}(?:\.\s?|\s)(?:i{1,3}|iv|vi{0,3}|ix|xi{0,2})(?:\.\s?|\s)\d{4}"  # 3 III 1984
    rf"|\d{{1,2}}[-\s]{MONTH}[-\s]\d{{2,4}})(?!(?!T\d)[\w/]|[.\-]\d)",  # T: ISO time
    re.I,
)
# Keywords (in the lower-cased text) that start a context-driven search: (probe, kind, the
# whole keyword matched where the probe is found). Substring probes first, as `in` is cheap.
# Kinds: "birth" (a date within a few words), "birth." (short abbreviations: the date right
# after), "mrn", "mrn?" (generic words, "record #", "Unit No.": only in medical text), "ssn",
# and the secret kinds.
KEYWORDS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (probe, kind, re.compile(rx)) for probe, kind, rx in (
        ("birth", "birth", r"birth(?![\s_\-]?(?:place|weight|rate|control|certificate|name"
                           r"|country|city|order))(?:\s?date|day)?"),
        ("born", "birth", r"born\b"),
        ("dob", "birth", r"dob(?![^\W\d_])\.?"),
        ("d.o.b", "birth", r"d\.o\.b\b\.?"),
        ("b.", "birth.", r"b\.(?=[ \t:]{1,3}\w)"),
        ("*", "birth.", r"\*(?= ?\d)"),  # "Hans Weber (* 3. März 1984)"
        # other languages: geboren, Geburtsdatum, né(e) le, date de naissance, fecha de
        # nacimiento, data di nascita, nato il, geboortedatum, data urodzenia, födelsedatum,
        # fødselsdato, syntymäaika, született, narozen(a), doğum tarihi, data de nascimento;
        # their abbreviations (geb., DDN, F. Nac., nasc., ur., nar., szül.) and ASCII spellings
        ("geb", "birth", r"geb(?:oren|urtsdatum|urtstag\b|\.|_?dat(?:um)?\b)"),
        ("né", "birth", r"n[ée]e?\b"),
        ("naiss", "birth", r"naiss(?:ance|\.)"),
        ("ddn", "birth", r"ddn\b"),
        ("nacid", "birth", r"nacid[oa]\b"),
        ("nac", "birth", r"nac(?:imiento|\.|_|(?![^\W\d_])(?=\s*[:=\"'|,;\t]))"),
        ("nas", "birth", r"nasc(?:imento|ita|id[oa]s?\b|\.|_)"),
        ("nat", "birth", r"nat[oa](?:/a|\(a\))?\s+(?:il|in data|a\s+[^\d\n,;]{2,30}?\s+il)\b"),
        ("geboorte", "birth", r"geboorte(?:datum)?"),
        ("urodz", "birth", r"urodz\w*"),
        ("ur.", "birth.", r"ur\.(?=[ \t:]{1,3}\w)"),
        ("föd", "birth", r"föd(?:(?:d|elsedatum|elsedag)\b|\.)"),
        ("fod", "birth", r"fod(?:elsedatum|elsedag|sels\w*)"),
        ("føds", "birth", r"fødsels\w*"),
        ("født", "birth", r"født\b"),
        ("synt", "birth", r"syntym[äa]\w*"),
        ("szül", "birth", r"szül(?:et\w*|\.)"),
        ("szulet", "birth", r"szulet\w*"),
        ("nar", "birth", r"naroz\w*"),
        ("nar", "birth.", r"nar\.(?=[ \t:]{1,3}\w)"),
        ("doğum", "birth", r"doğum\w*"),
        ("doğ.", "birth.", r"doğ\.\s?(?:tar(?:ihi|\.)?\s?)?"),  # doğ. tar.
        ("dogum", "birth", r"dogum\w*"),
        # Croatian, Serbian, Bosnian, Slovene, Slovak, Romanian, Baltic; Nordic and Finnish
        # abbreviations after a name ("Heidi Berg, f. 09.05.1938", "s. 24.04.1964")
        ("rođ", "birth", r"rođ(?:en[aoi]?\b|enja\b|\.)"),
        ("rodjen", "birth", r"rodjen\w*"),
        ("nar", "birth", r"narod(?:enia|en[ýáa]|\.)"),
        ("născ", "birth", r"născut[ăa]?\b"),
        ("nas", "birth", r"nascut[ăa]?\b"),
        ("naște", "birth", r"naşterii|nașterii"),
        ("naşte", "birth", r"naşterii"),
        ("nas", "birth", r"nasterii\b"),
        ("synt", "birth", r"synt(?:y\w*|\.)"),
        ("f.", "birth.", r"f\.(?:\s?dato\b|\s?d\.)?(?=[ \t:]{1,3}\d)"),
        ("s.", "birth.", r"s\.(?=[ \t]{1,2}\d)"),
        ("°", "birth.", r"°(?=\s?\d)"),  # Belgian: "Jan Peeters ° 03/04/1982"
        ("dn", "birth.", r"dn\b\.?(?=[ \t:]{1,3}\d)"),  # data de nascimento / di nascita
        ("bday", "birth", r"bday\b"),
        ("рожд", "birth", r"рожд\w*"),
        ("народж", "birth", r"народж\w*"),
        ("mrn", "mrn", r"mrn(?![^\W\d_])"),
        ("med", "mrn", r"medical[ _\-]?record"),
        ("health", "mrn", r"health[ _\-]?records?[ _\-]?(?:number|no\b\.?|nr\b\.?|#|id\b)"),
        ("patient", "mrn", r"patient[ _\-]?(?:id|identifier|number|no\b\.?|#)|patient(?=\s*:)"),
        ("pt id", "mrn", r"pt id\b"),
        ("pt. id", "mrn", r"pt\. id\b"),
        ("chart", "mrn", r"chart[ _\-]?(?:number|no\b\.?|#|id\b)"),
        ("hosp", "mrn", r"hosp(?:ital|\.)?[ _\-]?(?:number|no\b\.?|nr\b\.?|id\b|#)"),
        ("emr", "mrn", r"emr[ _\-]?(?:id|number|no\b\.?|#)"),
        ("ehr", "mrn", r"ehr[ _\-]?(?:id|number|no\b\.?|#)"),
        ("mr", "mrn", r"mr[ \-]?(?:#|no\.|nr\.|number)"),
        ("record", "mrn?", r"record[ _\-]?(?:number|no\b\.?|nr\b\.?|#|id\b)"),
        ("unit", "mrn?", r"unit[ _\-]?(?:number|no\b\.?|nr\b\.?)"),
        # other languages: Fallnummer, Patienten-Nr., Pat.-Nr., Krankenakte, numéro de
        # dossier, IPP, NIP, historia clínica, NHC, expediente, cartella clinica, codice
        # paziente, patiëntnummer, ziekenhuisnummer, prontuário, processo clínico,
        # journalnummer, historia choroby, karta pacjenta, betegazonosító, hasta no
        ("fall", "mrn", r"fall(?:nummer|[ \-]?(?:nr\b\.?|id\b))"),
        ("patient", "mrn", r"patient(?:en)?[ \-]?(?:nummer|nr\b\.?|id\b)"),
        ("pat", "mrn", r"pat\.?[ \-]?(?:nr\b\.?|id\b)"),
        ("kranken", "mrn", r"krankenakte(?:n?nummer)?"),
        ("aufnahme", "mrn", r"aufnahme(?:nummer|[ \-]?nr\b\.?)"),
        ("patiënt", "mrn", r"patiënt(?:nummer|nr\b\.?|[ \-]id\b)"),
        ("pasient", "mrn", r"pasient(?:nummer|[ \-]?(?:nr\b\.?|id\b))"),
        ("potilas", "mrn", r"potilas(?:numero|tunnus)"),
        ("ziekenhuis", "mrn", r"ziekenhuis(?:nummer|[ \-]?nr\b\.?)"),
        ("dossier", "mrn", r"dossier(?:nummer|[ \-]?nr\b\.?| médical| patient)"),
        ("dossier", "mrn", r"(?<=de )dossier\b"),
        ("ipp", "mrn", r"ipp\b"),
        ("nip", "mrn?", r"nip\b"),
        ("histori", "mrn", r"historia cl[ií]nica|historia\b"),
        ("nhc", "mrn", r"nhc\b"),
        ("h.c.", "mrn", r"h\.c\."),
        ("expediente", "mrn?", r"expediente(?: cl[ií]nico| m[ée]dico)?\b"),
        ("paci", "mrn", r"paciente\b"),
        ("cartella", "mrn", r"cartella(?: clinica)?\b"),
        ("paziente", "mrn", r"paziente\b"),
        ("prontu", "mrn", r"prontu[aá]rio\b"),
        ("processo", "mrn", r"processo cl[ií]nico\b"),
        ("journal", "mrn", r"journal(?:nummer|[ \-]?nr\b\.?)"),
        ("pacjenta", "mrn", r"pacjenta\b"),
        ("paci", "mrn", r"pacienta\b"),
        ("histori", "mrn", r"historii choroby\b"),
        ("beteg", "mrn", r"betegazonos[ií]t[oó]"),
        ("hasta", "mrn", r"hasta[ _\-]?(?:no\b\.?|numaras[ıi]|id\b)"),
        # more languages: processo (PT, only in medical text), registo clínico, nosologico,
        # chorobopis, kórlapszám, törzsszám, povijest bolesti, foaie de observație, ZIS,
        # sairauskertomus, protokol/dosya no, krankenblatt, księga główna
        ("processo", "mrn?", r"processo\b"),
        ("regist", "mrn", r"regist(?:o|ro) cl[ií]nico\b"),
        ("utente", "mrn?", r"utente\b"),
        ("nosolog", "mrn", r"nosologico\b"),
        ("chorobopis", "mrn", r"chorobopis\w*"),
        ("kórlap", "mrn", r"kórlap(?:sz[áa]m)?"),
        ("törzsszám", "mrn", r"törzsszám"),
        ("esetsz", "mrn", r"esetsz[áa]m"),
        ("beteg", "mrn", r"beteg[ \-]?(?:azonos\w*|sz[áa]m)"),
        ("povijest", "mrn", r"povijest\w* bolesti"),
        ("paci", "mrn", r"pacijent(?:a|ice)\b"),
        ("paci", "mrn", r"pacient(?:ul|ului)?\b(?=\s*(?:[:#]|nr\b|n[ou]\b|\d|[A-Z]{1,2}\d))"),
        ("foaie", "mrn", r"foaie\w*(?: de)? observa\w*"),
        ("sairauskertomu", "mrn", r"sairauskertomu\w*"),
        ("protokol", "mrn", r"protokol[ _\-]?(?:no\b\.?|numaras[ıi])"),
        ("dosya", "mrn?", r"dosya[ _\-]?(?:no\b\.?|numaras[ıi])"),
        ("kranken", "mrn", r"krankenblatt\w*"),
        ("księg", "mrn", r"księg[aię] główn\w*"),
        ("med", "mrn", r"med\.? ?rec(?:ord)?\b\.?"),
        ("id", "mrn?", r"id\b(?=\s*[:#]\s*[\"']?[A-Za-z]{0,2}\d)"),  # "ID: ..." in medical text
        ("record", "mrn?", r"record\b(?=\s*[:#]?\s*[A-Za-z]{0,2}\d)"),
        ("clinic", "mrn", r"clinic[ _\-]?(?:ref(?:erence)?|number|no\b\.?|id\b|#)"),
        ("karton", "mrn", r"karton\w*"),
        ("azonos", "mrn?", r"azonos[ií]t[oó]\b"),
        ("karty", "mrn?", r"(?:(?<=nr )|(?<=numer ))karty\b"),
        ("ssn", "ssn", r"ssn\b"),
        ("ss#", "ssn", r"ss#"),
        ("social security", "ssn", r"social security"),
        ("pass", "password", r"passw(?:ord|d)?"),
        ("pwd", "password", r"pwd"),
        ("pass", "password", r"passphrase"),
        ("pass", "password", r"passcode"),
        ("secret", "secret", r"secret"),
        ("token", "secret", r"token"),
        ("credential", "secret", r"credentials?"),
        ("key", "key", r"key"),
    )
)


def _probe_groups(
        keywords: tuple[tuple[str, str, re.Pattern[str]], ...],
) -> tuple[tuple[str, bool, tuple[tuple[str, str, re.Pattern[str]], ...]], ...]:
    """KEYWORDS grouped under the shortest probe that starts theirs ("pat" for "patient" and
    "patiënt"), so one `find` serves the group: (probe, is ASCII, entries)."""
    probes = {p for p, _, _ in keywords}
    groups: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {}
    for entry in keywords:
        head = min((q for q in probes if entry[0].startswith(q)), key=len)
        groups.setdefault(head, []).append(entry)
    return tuple((head, head.isascii(), tuple(entries)) for head, entries in groups.items())




PROBES = _probe_groups(KEYWORDS)
# "Nr.", "n.º", "nº", "núm.", "no.", "#" between a record-number word and its value
_NUMBER_SIGN = (r"(?:(?:number|num[eé]ro|número|nummer|numer|n[uú]m|nro|nr|no)\b\.?"
                r"|n\.?\s?[°º]\.?|n\.\s?o\b\.?|n\.(?=\s)|#)")  # normalised: "n.º" is "n.o"
MRN_AFTER = re.compile(
    rf"(?:\s*(?:\(mrn\)|{_NUMBER_SIGN}))*\s*[\"']?\s*[}}\]]*\s*[:#=\-,>]?\s*"
    r"(?:[\"']?value[\"']?\s*:\s*)?[\"']?"
    r"(?:(?:is|of|ist|est|é|è|es|er|är|je|jest|to|on|e)\s+)?"
    r"([A-Za-z0-9]+(?:(?:[\-/]|\.(?=\d))[A-Za-z0-9]+)*)(?![\w\-/])",
    re.I,
)
SSN_AFTER = re.compile(r"[^\d\n]{0,30}?(?<!\d)(\d{3})([ \-]?)(\d{2})\2(\d{4})(?!\d)")
# A date after these is not the birth date: a line break, digits, a sentence's end, the
# values of an SQL INSERT (mapped by column instead) or another key ("dob": null, "visit":)
GAP_BREAK = re.compile(
    r"[!?;\n\d]|[a-z]{4,}\.\s|\)\s*(?i:values)\b"
    r"|,\s*[\"'][^\"'\n]{1,40}[\"']\s*:|[,&]\s*[A-Za-z_][\w\-]*="
)
