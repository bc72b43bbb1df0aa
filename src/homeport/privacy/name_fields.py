"""Names and places that the text's structure marks, in the languages of Homeport's users:

* a field label or key before a name ("Imię i nazwisko: ...", "Navn: ...", "Beteg neve: ...",
  `"nazwisko": "..."`, `<fullName>...`, "Inhaber: ...", "Pacjent ...", "Pt: Doe, Jane");
* a greeting, an introduction or a sign-off ("Hej Anna,", "Kedves Kovács Anna!", "tady Jana",
  "sou a Rita", "Groet, Joep Sas", "Mvh\\nOla Nordmann", "/Fredrik");
* layouts that only names take: "KOWALSKA Anna" (a listed name), "KOWALSKA/ANNA" (travel
  records), "Kowalska^Anna" (HL7, DICOM);
* the cells of a column headed as names ("nazwisko", "prénom", "Referred by") or as places
  ("miasto", "ville", "grad");
* with a listed given name or surname: a chat speaker ("[10:41] Ana: ..."), a name before
  "of <address>", after "it's", in meeting actions ("Sophie to book a room"), absences ("Mary
  is out today"), mentions ("@Anna"), reminders, alone on a reply's last line; and listed
  towns after a place preposition ("flew from Paramus").

`person_spans` gives (start, end) of names, `place_spans` of places; privacy.names adds them to
its own (NerDetector takes them as PERSON and LOCATION findings).
"""

from __future__ import annotations

import re

from homeport.privacy.columns import cells_below
from homeport.privacy.name_lists import _common, _first, _surname, fold, is_place


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LATIN = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
_UP = "A-Z" + "".join(c for c in map(chr, _LATIN) if c.isupper())
_LOW = "a-z" + "".join(c for c in map(chr, _LATIN) if c.islower())
_NAMEWORD = rf"[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:['’\-][{_UP}]?[{_LOW}]+)*"
_CAPSWORD = rf"[{_UP}]{{2,}}(?:['’\-][{_UP}]+)*"
_PART = rf"(?:{_NAMEWORD}|{_CAPSWORD})"
_PARTICLE = r"(?:de|da|do|dos|das|van|von|der|den|del|della|di|du|le|la|ten|ter|y|e|al|el|bin)"
_NAME = rf"{_PART}(?:[ \t]+(?:[A-Z]\.[ \t]+)?(?:{_PARTICLE}[ \t]+)*{_PART}){{0,3}}"
_INVERTED = rf"{_PART},[ \t]*{_PART}(?:[ \t]+{_PART})?"
_SLASH = rf"{_PART}(?:[ \-]{_PART})?/{_PART}(?:[ \-]{_PART})?"  # "KOWALSKA/ANNA"
_CARET = rf"{_PART}\^{_PART}(?:\^{_PART})?"
_VALUE = rf"(?:{_CARET}|{_SLASH}|{_INVERTED}|{_NAME})"
_TITLE = (r"(?i:(?:mr|mrs|ms|dr|prof|sr|sra|srta|dña|d|herr|frau|fru|hr|fr|mme|mlle|m|sig|sig\.ra"
          r"|dott|dott\.ssa|pan|pani|pane|paní|gospodine|gospođo|g|gđa|gđica|domnule|doamnă"
          r"|doamna|dl|dna|úr|dhr|mevr|heer|mevrouw|exmo|exma|sig\.na|ing|mgr|mudr|bay|bayan)"
          r"\.?[ \t]+)")

# Labels of a field that holds a person's name (lower case; ":" or a key's quotes follow)
_PERSON_LABEL = (
    r"(?:full|first|last|given|family|patient|client|customer|account|card|legal|user)?[ _]?name"
    r"|surname|forename|pt|nome(?: completo| e cognome)?|cognome(?: e nome)?|nombre(?: completo)?"
    r"|apellidos?|nom(?: et prénom| complet| de famille)?|pr[ée]nom|vorname|nachname"
    r"|familienname|name, vorname|naam|voornaam|achternaam|volledige naam|navn|fornavn"
    r"|etternavn|efternavn|fulde navn|fullt navn|namn|förnamn|efternamn|nimi|etunimi|sukunimi"
    r"|n[ée]v|teljes n[ée]v|vezet[ée]kn[ée]v|keresztn[ée]v|beteg neve|anyja neve|jm[ée]no"
    r"|jm[ée]no a p[řr][íi]jmen[íi]|p[řr][íi]jmen[íi]|cel[ée] jm[ée]no|meno|meno a priezvisko"
    r"|priezvisko|imi[ęe]|imi[ęe] i nazwisko|nazwisko|nazwisko i imi[ęe]|ime|ime i prezime"
    r"|prezime|nume|prenume|nume (?:și|si|ş) prenume|numele|ad|soyad|ad soyad|ad[ıi] soyad[ıi]"
    r"|isim|titular|titulaire|inhaber(?:in)?|indehaver|innehaver|innehavare|kontoinhaber"
    r"|kontohaver|intestatari[oa]|beneficiari[oa]|benefici[áa]ri[oa]|kedvezm[ée]nyezett"
    r"|odbiorca|p[řr][íi]jemce|pr[íi]jemca|primatelj|mottaker|modtager|mottagare|empf[äa]nger"
    r"|destinataire|destinatario|w[łl]a[śs]ciciel|tulajdonos|nositelj|dr[žz]itel|dr[žz]ite[ľl]"
    r"|k[áa]rtyabirtokos|s[öo]kande|ans[øo]ger|s[øo]ker|hakija|k[ée]relmez[őo]|wnioskodawca"
    r"|[žz]adatel|[žz]iadate[ľl]|podnositelj|solicitante|requerente|richiedente|antragsteller"
    r"|driver|passenger|passageiro|pasajero|passeggero|referred by|referrer|gp|physician"
    r"|borger|kunde|klient|cliente|assur[ée]e?|utente|paciente|pacjent(?:ka)?|pacient(?:ka)?"
    r"|pacijent(?:ica)?|pacientul|paziente|pati[ëe]nt(?:in)?|potilas|pasient|hasta|tenant"
    r"|mieter(?:in)?|lejer|leietaker|hyresg[äa]st|inquilino|najemca|n[áa]jemce|b[ée]rl[őo]"
    r"|employee|mitarbeiter(?:in)?|medewerker|ansatt|medarbejder|anst[äa]lld|zam[ěe]stnanec"
    r"|pracownik|munkav[áa]llal[óo]|zaposlenik|funcion[áa]rio|dipendente|empleado|signed"
    r"|spouse|ehepartner|partner|m[ée]decin|arzt|[äa]rztin|l[ée]ka[řr]|orvos|lekarz|doktor"
    r"|holder|pupil|student|child|parent|guardian|parent/guardian|mother|father|next of kin"
    r"|emergency contact|witness|insured|policyholder|policy holder|guest|traveller|traveler"
    r"|member|subscriber|debtor|creditor|deceased|testator|executor|buyer|seller|vendor"
    r"|purchaser|landlord|lessee|lessor|licensee|consignee|sender|addressee|recipient"
    r"|requester|reporter|caller|victim|suspect|offender|defendant|plaintiff|claimant")
_SEP = (r"(?:[ \t]*:[ \t]*|[ \t]*=[ \t]*|[\"']?[ \t]*:[ \t]*(?:\[[ \t]*)?(?:\{[ \t]*[\"'](?:text"
        r"|family|given)[\"'][ \t]*:[ \t]*(?:\[[ \t]*)?)?[\"']|>|[ \t]+[\-–][ \t]+)")
_LABELLED = re.compile(rf"(?<![\w])(?i:{_PERSON_LABEL}|(?<=[\"'])(?:given|family|forename)s?)"
                       rf"[\"']?{_SEP}(?:{_TITLE})?(?P<name>{_VALUE})")
# Role nouns that name the person right after them, without a colon ("Pacjent Jan Nowak")
_ROLE = re.compile(
    r"(?<![\w])(?:Pacjent(?:ka)?|Pacient(?:ka|ul)?|Pacijent(?:ica)?|Potilas|Pasient|Hasta"
    r"|Paziente|Paciente|Patiënt|Patientin|Cliënt|Klient(?:ka)?|Kunde|Kundin|Assurée?|Utente"
    r"|Inhaber(?:in)?|Titular|Intestatari[oa]|Beneficiari[oa]|Borger|Sökande|Ansøger)[ \t]+"
    rf"(?:{_TITLE})?(?P<name>{_VALUE})")
_GREETING = re.compile(
    r"(?<![\w])(?:Hi|Hello|Dear|Hey|Hej|Hei|Hallo|Hoi|Moi|Bok|Ahoj|Čau|Cześć|Witaj|Szia|Kedves"
    r"|Kære|Kæreste|Kära|Käre|Hyvä|Caro|Cara|Gentile|Egregio|Egregia|Querid[oa]|Estimad[oa]"
    r"|Prezad[oa]|Olá|Oi|Hola|Bonjour|Salut|Cher|Chère|Liebe|Lieber|Beste|Geachte|Drog[ia]"
    r"|Szanown[ay]|Vážen[áý]|Mil[áý]|Poštovan[ai]|Drag[aiă]|Stimat[ăe]|Sayın|Merhaba"
    r"|Tisztelt|Sehr geehrter?|Exm[oa]\.)[ \t,]+"
    rf"(?:{_TITLE})?(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n]|$))")
# Names that need a listed given name or surname: after weak introductions ("it's Anna"),
# before "of <address>" ("issued to Jane Roe of 12 ..."), as a chat speaker ("[10:41] Ana: ...")
_WEAK_INTRO = re.compile(
    r"(?<![\w])(?i:it'?s|it is|that'?s|é a|é o|c'est|das ist|det er|dette er|ovo je|to je)"
    rf"[ \t]+(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n(]|$|[ \t](?:again|here|from)\b))")
_BY = re.compile(
    r"(?<![\w])(?i:(?:opened|submitted|reported|requested|signed|approved|raised|created|sent"
    r"|written|filed|lodged|booked|paid|ordered) by|issued to|made out to|payable to"
    rf"|on behalf of)[ \t]+(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n(]|$|[ \t](?:of|from|at|on"
    r"|for|via)\b))")
_OF_ADDRESS = re.compile(rf"(?<![\w])(?P<name>{_NAME}),?[ \t]+of[ \t]+(?=\d|(?:Apt|Unit|Flat"
                         r"|Suite|PO Box|P\.O\.)\b)")
_SPEAKER = re.compile(rf"^[ \t]*(?P<stamp>\[[\d:. ]+\][ \t]*|\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
                      rf"[ \t]*[\-–]?[ \t]*)?(?P<name>{_NAME})[ \t]*:[ \t]*\S", re.M)
# One given name that the sentence marks (a listed given name that is no English word): meeting
# actions ("; Sophie to book a room", "Owner: Tom"), absences ("Mary is out today"), mentions
# ("@Anna"), reminders ("Reminder: Beata, your ..."), a name alone on the last line of a reply
_ONE_NAME = re.compile(
    rf"(?:^|(?<=[;\n•*])|(?<=\band)|(?<=[:\-]))[ \t]*(?P<a>{_NAMEWORD})"
    r"(?=[ \t]+(?:to|will|should|must|can|needs to)[ \t]+[a-z]+\b)"
    rf"|(?<![\w@])(?P<b>{_NAMEWORD})(?=[ \t]+(?:is|was|will be|'s|has been)[ \t]+(?:out|off|away"
    r"|on leave|sick|ill|on holiday|on vacation|back|unavailable|absent|travelling|traveling"
    r"|working from home|in hospital|in a meeting)\b)"
    rf"|(?<![\w])@(?P<c>{_NAMEWORD})\b"
    rf"|(?<![\w])(?i:reminder|hey|hiya|morning|good morning|good afternoon|good evening"
    rf"|attn|attention|owner|assignee|assigned to|cc)[ \t]*[:,]?[ \t]+(?P<d>{_NAMEWORD})"
    r"(?=[ \t]*[,!.;:\n]|$)"
    rf"|(?:^|\n)(?:>[ \t]*)*(?:[\-–]{{1,2}}[ \t]*)?(?P<e>{_NAMEWORD})[ \t]*$", re.M)
_FROM = re.compile(
    r"(?<![\w])(?i:voicemail|message|call|missed call|text|sms|note|letter|request|referral"
    r"|e-?mail|parcel|package|delivery|payment|transfer|complaint|feedback) from[ \t]+"
    rf"(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n(]|$|[ \t](?:at|on|about|re|regarding|to|for)\b))")
_INTRO = re.compile(
    r"(?<![\w])(?i:tady|ja sam|jsem|jestem|sou (?:a|o)|sono|soy|je suis|ich bin|jeg er|jag är"
    r"|ik ben|mein name ist|je m'appelle|me llamo|mi chiamo|nazywam się|jmenuji se|zovem se"
    r"|chamo-me|o meu nome é|mitt namn är|mit navn er|mijn naam is|minun nimeni on|numele meu"
    r" este|adım|det er|det är|dette er|detta är|dit is|das ist|hier ist|c'est|aquí|qui è|tu"
    r"|é a|é o|aqui é|ovo je|to je|tohle je|acesta este|in the matter of|estate of|the late)"
    r"[ \t]+"
    rf"(?P<name>{_NAME})(?=[ \t]*(?:[,!:;.\n]|$))")
_CLOSING = re.compile(
    r"(?<![\w])(?:Mvh|MVH|Med venlig hilsen|Venlig hilsen|Hilsen|Med vennlig hilsen|Vennlig"
    r" hilsen|Med vänliga hälsningar|Vänliga hälsningar|Hälsningar|Ystävällisin terveisin"
    r"|Terveisin|Pozdrawiam|Z poważaniem|Z wyrazami szacunku|S pozdravem|S pozdravom|Srdečně"
    r"|Üdvözlettel|Tisztelettel|Liebe Grüße|Viele Grüße|Mit freundlichen Grüßen|MfG|Gruß"
    r"|Grüße|Groet|Groeten|Met vriendelijke groet|Cordialement|Bien à vous|Amitiés"
    r"|Cordiali saluti|Distinti saluti|Saluti|Un saluto|Atenciosamente|Cumprimentos|Abraços"
    r"|Saludos|Un saludo|Atentamente|Srdačan pozdrav|Lijep pozdrav|S poštovanjem|Pozdrav"
    r"|Cu stimă|Cu respect|Saygılarımla|Best wishes|Many thanks|Thanks|Thank you|Warm regards"
    r"|Regards|Cheers)[ \t]*[,!.]?[ \t]*\n?[ \t]*"
    rf"(?P<name>{_NAME})(?=[ \t]*(?:\n|$))")
_SLASH_SIGN = re.compile(rf"(?:^|(?<=\s))/(?P<name>{_NAMEWORD}(?:[ \t]+{_NAMEWORD})?)(?=[ \t]*$)",
                         re.M)
_CARET_NAME = re.compile(rf"(?<![\w^])(?P<name>{_CARET})(?![\w])")
_SLASH_NAME = re.compile(rf"(?<![\w/])(?P<name>{_SLASH})(?![\w/])")
_CAPS_GIVEN = re.compile(rf"(?<![\w])(?P<name>{_CAPSWORD}(?:[ \-]{_CAPSWORD})?[ \t]+{_NAMEWORD}"
                         rf"(?:[ \t]+{_NAMEWORD})?)(?![\w])")
_NAME_HEADER = re.compile(rf"(?i)(?<![\w])(?:{_PERSON_LABEL})(?![\w])")
_PLACE_LABEL = (
    r"city|town|place|location|place of birth|birthplace|municipality|ort|stadt|wohnort|ville"
    r"|localit[ée]|ciudad|localidad|municipio|citt[àa]|comune|localit[àa]|cidade|localidade"
    r"|munic[íi]pio|concelho|stad|woonplaats|plaats|gemeente|by|sted|poststed|postort|kommune"
    r"|kaupunki|paikkakunta|kunta|miasto|miejscowo[śs][ćc]|m[ěe]sto|obec|mesto|v[áa]ros"
    r"|telep[üu]l[ée]s|helys[ée]g|grad|mjesto|ora[șsş]|localitate|[şs]ehir|il[çc]e")
_PLACE_JOIN = r"(?:am|an|an der|im|bei|upon|on|sur|sous|de|del|la|le|di|en|ob|pri|nad|pod)"
_PLACE = (rf"{_PART}(?:[ \-](?:{_PLACE_JOIN}[ \-])?{_PART}){{0,3}}"
          r"(?:[ \t]+[a-z]\.[A-Z]\.)?")  # "Büren a.A."
_PLACE_LABELLED = re.compile(rf"(?<![\w])(?i:{_PLACE_LABEL})[\"']?(?:[ \t]*:[ \t]*[\"']?|[\"']?"
                             rf"[ \t]*:[ \t]*[\"']|>)(?P<name>{_PLACE})(?=[ \t]*(?:$|[\n,;|\"'<]))",
                             re.M)
_PLACE_AFTER = re.compile(rf"(?<![\w])(?:in|from|to|at|near|via|around|outside|across)[ \t]+"
                          rf"(?P<name>{_NAMEWORD}(?:[ \-]{_NAMEWORD}){{0,2}})(?![\w\-])")
_PLACE_HEADER = re.compile(rf"(?i)(?<![\w])(?:{_PLACE_LABEL})(?![\w])")
_PLACE_CELL = re.compile(rf"(?:(?:home|birth|current|postal|residence)[ _])?(?:{_PLACE_LABEL})"
                         r"(?:[ _](?:name|of birth))?")
_CELL_NAME = re.compile(_VALUE)
_CELL_PLACE = re.compile(_PLACE)
_NOT_NAME = _words("""
Name Names Nome Nom Navn Namn Naam Nimi Imię Ime Nume Patient Client Customer Unknown None
Null Yes No Male Female Mr Mrs Ms Dr Test Tbd Tba Na Sig Pan Pani Herr Frau Fru Mme Date Datum
Data Dob Mrn Id Tel Phone Email Address Adresse Adres Adresa Morada Dirección Indirizzo City
Town Ville Ort Country Iban Bic Swift Pesel Bsn Cpr Nhs Ssn Sin Nir Dni Nie Nif Cf Vat Tin
Aadhaar Passport Pass Licence License Card Account Amount Total Order Invoice Reference Ref
Signature Signed Number Nr No Geb Born Street Hospital Clinic Ward Bed Room Doctor Notes Note
Summary Subject Re Fwd Hi Hello Dear Thanks Regards Sr Sra Srta Exmo Exma Sig Dott Ing Mgr
Agent User Assistant System Bot Support Operator Admin Me You Q A Answer Question Warning
Error Info Debug Status Result Total Price Monday Tuesday Wednesday Thursday Friday Saturday
Sunday January February March April May June July August September October November December
Gospodine Gospođo Domnule Doamnă Paní Pane Úr Heer Mevrouw
""")
_CAPS_NOT = _words("""
PATIENT NAME DOB MRN ID NO NR HOSPITAL UNIT DATE BIRTH SEX MALE FEMALE ADDRESS PHONE TEL EMAIL
IBAN BIC SWIFT SSN SIN NHS NIE NIF DNI BSN CPR PESEL NINO VAT TIN CF UID DL PASSPORT USD EUR GBP
PLN CZK HUF DKK NOK SEK CHF API URL PDF CSV JSON XML SQL HTML HTTP HTTPS TODO NB PS RE FWD CC
BCC ATTN REF DR MR MRS MS OK AND OR THE FOR NOT GP ICU ER ED CT MRI ECG EKG BP HR RR PM AM TBD
TBA NA INC LTD GMBH AG SA SPA SRL AB AS OY BV NV PLC LLC ASAP FYI EU UK US USA UN NATO ISO CEO
CFO CTO IT QA PR KYC AML NIB NISS NSS RIB TCP IP UDP CPU GPU RAM SSD HDD TV AV PC OS IO
AC DC N/A NB SMS MMS FAQ PO PIN PUK OTP KID NIP REGON KRS OIB JMBG CNP EGN AMKA AFM TC RC
PASS BOARDING FLIGHT SEAT GATE TICKET BOOKING PNR
""")


def person_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the names that a label, role, greeting, sign-off, layout or column marks."""
    spans: list[tuple[int, int]] = []
    for rx in (_LABELLED, _ROLE, _GREETING, _INTRO, _FROM, _CLOSING, _SLASH_SIGN):
        for m in rx.finditer(text):
            span = _trimmed(text, m.start("name"), m.end("name"))
            if span is not None:
                spans.append(span)
    for rx in (_WEAK_INTRO, _BY, _OF_ADDRESS):
        for m in rx.finditer(text):
            words = m.group("name").split()
            if _listed_any(words) or (rx is not _WEAK_INTRO and len(words) > 1):
                span = _trimmed(text, m.start("name"), m.end("name"))
                if span is not None:
                    spans.append(span)
    for m in _ONE_NAME.finditer(text):
        group = next(g for g in "abcde" if m.group(g))
        word = m.group(group)
        if _first(word) and not _common(word) and word not in _NOT_NAME:
            spans.append(m.span(group))
    if ":" in text:  # chat speakers: after a time stamp, or listed names
        for m in _SPEAKER.finditer(text):
            words = m.group("name").split()
            if len(words) <= 3 and (m.group("stamp") or all(_first(w) or _surname(w)
                                                           for w in words)):
                span = _trimmed(text, m.start("name"), m.end("name"))
                if span is not None:
                    spans.append(span)
    if "^" in text:
        spans += [m.span("name") for m in _CARET_NAME.finditer(text)
                  if _listed_any(m.group("name").split("^"))]
    if "/" in text:
        for m in _SLASH_NAME.finditer(text):
            start, value = m.start("name"), m.group("name")
            first = value.split("/")[0]
            if " " in first and _not_name(first.split()[0]):  # "Pass MARTIN/WILLIAM"
                cut = first.index(" ") + 1
                start, value = start + cut, value[cut:]
            parts = re.split(r"[/ \-]", value)
            if any(p in _CAPS_NOT or p in _NOT_NAME for p in parts):
                continue
            # a part in capitals ("KOWALSKA/ANNA"; one side may have been shown title-cased):
            # one listed name is enough; else both parts listed names
            capitals = any(p.isupper() for p in parts)
            if (capitals and _listed_any(parts)) or all(_listed_any([p]) and not _common(p)
                                                        for p in parts):
                spans.append((start, m.end("name")))
    for m in _CAPS_GIVEN.finditer(text):
        caps, given = m.group("name").rsplit(" ", 1)[0], m.group("name").split()[-1]
        if caps.split()[0] not in _CAPS_NOT and (_first(given) or _surname(caps.title())):
            spans.append(m.span("name"))
    if "\n" in text:
        spans += _column_names(text)
    return sorted(set(spans))


def place_spans(text: str) -> list[tuple[int, int]]:
    """Spans of places that a label, key or column header names ("Miasto: Łódź", "city:"),
    and listed towns after a place preposition ("flew from Paramus"; not "to Florence", a
    given name too)."""
    spans = [m.span("name") for m in _PLACE_LABELLED.finditer(text)
             if m.group("name") not in _NOT_NAME]
    for m in _PLACE_AFTER.finditer(text):
        name = m.group("name")
        if is_place(name) and not any(_first(w) or _surname(w) for w in name.split()):
            spans.append(m.span("name"))
    if "\n" in text:
        for m in _PLACE_HEADER.finditer(text):
            if not _PLACE_CELL.fullmatch(_header_cell(text, m.start())):
                continue  # "Referred by" is no place column
            for a, b in cells_below(text, m.start(), m.end()):
                if _CELL_PLACE.fullmatch(text, a, b) and text[a:b] not in _NOT_NAME:
                    spans.append((a, b))
    return spans


def _header_cell(text: str, i: int) -> str:
    """The delimited cell of the line around text[i], stripped and lower-cased."""
    head = text.rfind("\n", 0, i) + 1
    tail = text.find("\n", i)
    line = text[head : len(text) if tail == -1 else tail]
    delimiter = max(",;\t|", key=line.count)
    k = i - head
    a = line.rfind(delimiter, 0, k) + 1
    b = line.find(delimiter, k)
    return line[a : len(line) if b == -1 else b].strip(" \"'#*").lower()


def _column_names(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _NAME_HEADER.finditer(text):
        for a, b in cells_below(text, m.start(), m.end()):
            if _CELL_NAME.fullmatch(text, a, b):
                span = _trimmed(text, a, b)
                if span is not None:
                    spans.append(span)
    return spans


def _trimmed(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The name at text[a:b] without label words and trailing non-names, if one is left."""
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\s,/^]+", text[a:b])]
    while words and _not_name(text[a + words[-1][0] : a + words[-1][1]]):
        words.pop()
    while words and _not_name(text[a + words[0][0] : a + words[0][1]]):
        words.pop(0)
    if not words:
        return None
    start, end = a + words[0][0], a + words[-1][1]
    value = text[start:end]
    parts = [p for p in re.split(r"[\s,/^]+", value) if p]
    listed = [_first(p) or _surname(p.title()) for p in parts]
    if (is_place(value) and not any(listed)) or all(
            _common(p) and not known for p, known in zip(parts, listed, strict=True)):
        return None
    return start, end


def _not_name(word: str) -> bool:
    w = word.strip(".,:;!'\"")
    return (not w or w in _NOT_NAME or w.title() in _NOT_NAME
            or (w.upper() in _CAPS_NOT and w.isupper())
            or w.lower() in ("de", "van", "von", "da", "di"))


def _listed_any(parts: list[str]) -> bool:
    """Whether any part (in capitals or not) is a listed given name or surname."""
    for p in parts:
        word = p.strip().title()
        if len(word) > 1 and (_first(word) or _surname(word) or _first(fold(word))):
            return True
    return False
