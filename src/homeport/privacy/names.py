"""Names that nothing in the text announces: capitalised words that name lists know.

spaCy's small English model misses many names from outside its (mostly American news)
training data, or calls them organisations ("Contact Wazir Mitra for details"). Here a run of
capitalised words holds a name where two neighbouring words look like given name + family
name, judged with lists shipped in data/ (sources and licences: data/README.md):

* ``first_names.txt``, ``surnames.txt``: about 24,000 and 27,000 names of many cultures;
* ``common_words.txt``: lower-case English words. A name that is also a word ("Will",
  "Grace", "Rust") is a name only next to a name that is no word;
* ``places.txt``: countries, US states and the like, and cities of several words;
* ``cities.txt``: about 74,000 towns and cities (GeoNames), with local names ("Praha"). A
  town that is also a listed name ("Florence", "Lincoln") counts as a place only where the
  sentence puts it as one ("in Florence").

A pair of words is a name when

* the first is a known given name and no word, and the second a surname or no word
  ("Bhavya Om", "Zoltan Schottin"); a Korean or Chinese given name such as "Ha-eun" counts
  as known, also after the surname ("Kang Ha-eun");
* or the second is a surname (known, or by its ending: "-oğlu", "-yan", "-shvili", "-enko",
  "-ski", "Al-...") and no word, and the first no word ("Oluwadamilare Adeyemi") or a given
  name ("Urban Huhn").

The name runs on over further name-like words ("María José García Pérez") and particles
("Ludwig van Beethoven"). "Surname, Given" counts where the given name is known, the surname
known or marked as one by its ending, neither is a word and neither a place ("Rodriguez,
Javier"; not "Paris, Texas"). Words that begin or head place, organisation and product names end a
name or keep one from starting ("Sierra Leone", "San Jose", "Victoria Station", "Del Monte
Foods", "Aston Martin"), and so do calendar words and titles ("May Day", "Dear Sir").

Where the lists cannot tell, the sentence can: `single_spans` finds one word of a name
("Wojciech called again", "ask Takahashi about it", "Tesfaye joined the call") and
`context_pairs` two words that no list knows ("lunch with Lutgard Plauk"), both only next to
words that people do or have done to them, never after an article or a place preposition.
`street_spans` finds streets ("avenue Jean Jaurès", "Nørrebrogade"), which are places even
where they are named after a person.

For spaCy's own PERSON entities, `doubtful_person` says which are likely no person: ordinary
English words ("Exhibit B."), a place or company head ("Rohnert Park"... not: "Park" is a
surname; "Parma Heights"), a known town ("Castelo Branco"; one word only after "in", "from"
and the like), titles alone ("La Sra") or one word that no list knows ("Szczecin", "Ryzen").
"""

from __future__ import annotations

import re

from homeport.privacy import name_fields
from homeport.privacy.name_lists import (
    _DATA,
    _HYPHENATED_GIVEN,
    _city,
    _common,
    _first,
    _list,
    _place_word,
    _places,
    _surname,
    _surname_like,
    eponym_spans,
    fold,
    in_eponym,
    is_place,
    load,
    name_likeness,
)

__all__ = ["_DATA", "_list", "fold", "is_place", "load", "name_likeness"]



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Letters of the Latin alphabets, by case: Latin-1, Extended-A/B, Extended Additional (ễ, ọ).
_LATIN = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
_UP = "A-Z" + "".join(c for c in map(chr, _LATIN) if c.isupper())
_LOW = "a-z" + "".join(c for c in map(chr, _LATIN) if c.islower())
# A capitalised word: "Anna", "Nwosu-Bello", "Ha-eun", "O'Brien", "MacNamara", "D’Atri".
_WORD = (rf"[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:['’\-][{_UP}]?[{_LOW}]+)*"
         rf"|[{_UP}]['’][{_UP}][{_LOW}]+")
_PARTICLES = _words("de da van von der den del della dos das di du le la les bin binti ibn al "
                    "el ten ter y e")
_PARTICLE = "(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + ")"
# Runs of two or more capitalised words on one line, with particles and middle initials.
_RUN = re.compile(rf"(?<![\w\-'’])(?:{_WORD})(?:[ \t]+(?:(?:{_PARTICLE}|[A-Z]\.)[ \t]+)*"
                  rf"(?:{_WORD}))+(?![\w\-'’])")
_PIECE = re.compile(rf"{_WORD}|(?i:{_PARTICLE})\b|[A-Z]\.")
# A capitalised word with no capitalised word next to it on its line.
_LONE = re.compile(rf"(?<![\w\-'’.])(?:{_WORD})(?![\w\-'’]|[ \t]+[{_UP}])")
_AFTER_NOT = re.compile(rf"[ \t]*\d|[ \t]+(?:{_PARTICLE}|&)[ \t]+[{_UP}]")  # "Fuentes de La ..."
_PREVIOUS = re.compile(rf"([{_UP}][\w'’\-]*)[ \t]+$")
_INVERTED = re.compile(rf"(?<![\w\-'’])({_WORD}),[ \t]+({_WORD})(?![\w\-'’]|[ \t]+[{_UP}])")

# Words that head place, organisation and product names: a name followed by one ("Del Monte
# Foods", "Maria Lopez Foundation") names something else. Several are surnames too ("Hall",
# "Park"): such names are left to spaCy.
_HEADS = _words("""
Street St Road Rd Avenue Ave Lane Ln Drive Boulevard Blvd Way Close Court Crescent Terrace
Row Place Square Park Parkway Highway Station Bridge Church Chapel Cathedral Abbey Temple
Mosque House Hall Manor Castle Palace Tower Towers Building Center Centre Plaza Mall Market
Arcade Mountain Mountains Hill Hills Valley River Lake Bay Beach Coast Island Islands Falls
Gardens Garden Forest Woods Field Fields Airport Harbour Harbor Hospital Clinic Infirmary
College University School Academy Institute Museum Gallery Library Theatre Theater Cinema
Stadium Arena Hotel Inn Restaurant Cafe Bar Pub Bank Bancorp Bancorporation Bancshares Group
Holdings Company Co Corporation Corp Incorporated Inc Ltd Limited Llc Plc Gmbh Ag Sa Nv Bv
Foundation Trust Fund Partners Associates Capital Ventures Labs Systems Solutions Services
Technologies Technology Tech Software Airlines Airways Air Motors Motor Pharma
Pharmaceuticals Health Care Insurance Energy Power Media News Press Records Studios Studio
Films Pictures Entertainment Foods Brewery Brewing Wines Industries Enterprises Consulting
International Global National Federal Council Committee Commission Department Ministry
Agency Office Authority Board County City Town Village State States Province District Region
Republic Kingdom Empire Federation Territory Peninsula Canyon Desert Sea Ocean Gulf Strait
Channel Canal Express Line Lines Railway Rail Metro Club Team Fc Society Association Network
Cloud Pro Max Plus Mini Ultra Edition Series Model Version Update Release Day Eve Week
Weekend Holiday Festival Heights Springs Junction Creek Point Ridge Grove Heath Wharf
Straße Strasse Str Weg Gasse Allee Platz Ring Damm Ufer Lände Chaussee Steig Pfad Markt
Friedhof Bypass Gade Gate Vej Gatan Gata Laan Straat Plein Kade Utca Út Tér Ulica Iela Katu
Sokak Sokağı Caddesi Bulvarı Inf Informatik Pty Oy Ab As Aps Spa Srl Sarl Sas Kg Gbr
""")
# Words that begin place and brand names and take the next word with them ("San Jose", "El
# Paso", "Aston Martin"); several are surnames after a given name ("Rafael Costa").
_BINDS = _words("""
New San Santa Santo Sao São St Saint Sainte Ste Fort Port Porto Puerto Mount Mt Lake Cape El
Los Las Rio Río Monte Casa Costa Villa Ciudad Isla Punta Cabo Bahia Gare Rue Via Piazza
Calle Avenida Bad Sankt Glen Palm North South East West Northern Southern Eastern Western
Central Upper Lower Greater Old Great Little Royal United Grand Alfa Aston Rolls Harley Kia
Västra Östra Norra Södra Nieuw Oud Groot Neu Nueva Nuevo Nova Novo Nowy Nowa Stary Stara Velké
Veľké Vila Ilha Ponte Praia Serra Vale Ribeira Barra Baja Alta Alto Bosque Colonia Deutsche
Deutscher Deutsches Banco Banca Banque Compagnie Société Groupe
""")
# Other words that are no part of a name here: calendar words, titles, salutations, labels,
# regions, brands.
_STOP = _HEADS | _words("""
Christmas Easter Ramadan Eid Diwali Hanukkah Thanksgiving Halloween January February March
April May June July August September October November December Monday Tuesday Wednesday
Thursday Friday Saturday Sunday Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Wed
Thu Fri Sat Sun Mr Mrs Ms Mx Miss Dr Prof Sir Dame Lord Lady Rev Judge Officer Attorney Nurse
Doctor Patient Client Customer Dear Hi Hello Thanks Regards Best Re Fwd Subject Date Name
Account Card Invoice Order Total Amount Balance Payment Transfer Reference Ref Case Claim
Policy Ticket Appendix Section Chapter Article Table Figure Note Notes Summary Report Agenda
Minutes Śląski Śląska Śląskie Mazowiecki Mazowiecka Wielkopolski Wielkopolska Małopolski
Małopolska Pomorski Pomorska Kujawski Lubelski Podlaski Warmiński Sur Norte Sud Süd Oeste
Benz Tesla Porsche Ferrari Lamborghini Maserati Bugatti Chevrolet Cadillac Herr Frau Fru Hr
Fr Mme Mlle Madame Monsieur Mademoiselle Sr Sra Srta Señor Señora Señorita Doña Signor Signora
Signorina Sig Dott Pan Pani Dhr Mevr Hanım Hanim Bey Efendi Professor Het
Mitt Mein Meine Mon Mes Mio Mój Moje Moja Můj Meu Minha Jeg Jag Ich Ik Een Ein Eine Une Uno
Hej Hei Hallo Hoi Ahoj Olá Hola Ciao Bonjour Salut Cześć Szia Kedves Kære Kära Hyvä Obrigado
Obrigada Grazie Danke Takk Kiitos Dziękuję Děkuji Köszönöm Hvala Mulțumesc Teşekkürler Gracias
Merci Bitte Proszę Prosím Kérem Lütfen Exmo Exma Estimado Estimada Liebe Geachte Drogi Droga
Vážený Vážená Poštovani Poštovana Stimate Stimată Sayın Tisztelt Kontakt Telefon Adresse
Our Your Their My Its We They You
""")
_STRONG, _MEDIUM, _WEAK = 3, 2, 1
_ARTICLES = _words("La El Il Le Der Die Los Las")
_STREET_END = re.compile(r"(?i:straße|strasse|gasse|weg|allee|platz|gade|gatan|vägen|vej"
                         r"|veien|vegen|laan|straat|gracht|plein|utca|katu|iela)$")
_LABEL_WORD = re.compile(r"-(?:Nr|No|ID|Id|Nummer|Datum|Adresse)\.?$")  # "Reisepass-Nr"
# Firms named after partners: "Stein, Johnson and Ramirez", "Mulligan, Dowley & McCool"
_FIRM = re.compile(rf"(?<![\w\-'’])(?:{_WORD}),[ \t]+(?:{_WORD})(?:,[ \t]+(?:{_WORD}))*,?"
                   rf"[ \t]+(?:and|&|und|et|y|e|en|og|och|i|a)[ \t]+(?:{_WORD})(?![\w\-'’])")
_NAME_LIKE = 0.2  # name_likeness() from which an unknown word may be a name
# Languages and peoples: surnames too ("Dawn French"), but alone no person ("for English").
_LANGUAGES = _words("""English French German Spanish Italian Portuguese Dutch Polish Czech
Russian Ukrainian Chinese Japanese Korean Arabic Hindi Urdu Bengali Turkish Greek Swedish
Norwegian Danish Finnish Hungarian Romanian Hebrew Persian Thai Vietnamese Indonesian Irish
Welsh Scottish British American Canadian Mexican Brazilian African European Asian Latin""")

# Streets: a street word and the words after it ("rue Victor Hugo", "Via Eugenio Bertini",
# "ul. Marszałkowska"); words such as "via" or "place" only capitalised or after a number.
_STREET_WORD = (r"rue|avenue|ave|av|boulevard|bd|blvd|quai|chemin|allée|impasse|prom|promenade"
                r"|viale|piazza|piazzale|corso|vicolo|calle|avenida|avda|paseo|carrera|camino"
                r"|rua|rúa|travessa|praça|alameda|ulica|ul|aleja|plac|osiedle|náměstí|nám"
                r"|třída|ulice|utca|strada|str|bulevardul|calea|piața|sokak|caddesi|odos|trg"
                r"|avenija|nábrežie|nábřeží|obala")
_STREET_AMBIGUOUS = r"Via|Place|Cours|Route|Plaza|Largo|Al|Pl|Os|Rte"
_STREET_RUN = rf"(?:[ \t]+(?:(?:{_PARTICLE}|degli|delle|dei|des|du|d'|l')[ \t]*)*(?:{_WORD}))+"
_STREET = re.compile(
    rf"(?<![\w\-])(?:(?i:{_STREET_WORD})\.?|(?<=\d[ ,])[ \t]*(?i:{_STREET_AMBIGUOUS})\.?"
    rf"|(?i:{_STREET_AMBIGUOUS})\.?(?={_STREET_RUN},?[ \t]*\d))(?P<name>{_STREET_RUN})"
    rf"|(?<![\w\-])(?P<one>[{_UP}][\w\-]{{2,}}(?i:straße|strasse|gasse|weg|allee|platz|damm"
    r"|ufer|markt|gade|gatan|vägen|vej|veien|vegen|laan|straat|gracht|plein|kade|singel|steeg"
    r"|dreef|utca|katu|iela))(?![\w\-])")
# One word of a name with nothing but the sentence to mark it: "ask Takahashi about it",
# "Wojciech called again". Words that a person does (or is the object of) around it.
_BEFORE_STRONG = re.compile(
    r"(?i:\b(?:ask|asked|tell|told|thank|thanks|thanked|remind|reminded|ping|pinged|e-?mail"
    r"|e-?mailed|phone|phoned|texted|messaged|call|contact|contacted|inform"
    r"|informed|notify|notified|invite|invited|b?cc|met|meet|let|introduce|introduced"
    r"|congratulate|welcome|(?:spoke|speak|speaking|talk|talked|talking|chat|chatted|meeting"
    r"|lunch|dinner|coffee|agreed|checked|check|sync|synced) (?:to|with)|thanks to"
    r"|(?:send|sent|forward|forwarded|give|gave|pass|reply|replied|write|wrote|report"
    r"|reported|refer|referred|explain|explained|mention|mentioned) (?:it |this |that )?to))"
    r"[ \t]+$")
_BEFORE_WEAK = re.compile(r"(?i:\b(?:with|by|for|per))[ \t]+$")  # not "from", "to": places
_HUMAN = (r"called|calls|rang|phoned|texted|e-?mailed|messaged|wrote|writes|replied|replies|said"
          r"|joined|complained|thinks|thought|feels|felt|wants|wanted|needs|asked|asks|told"
          r"|tells|apologi[sz]ed|forgot|promised|is on leave|is off sick|was discharged"
          r"|was admitted|and I\b|and me\b|reports|denies|complains|presents with|is seen"
          r"|attended|was seen")
_AFTER_PERSON = re.compile(  # what only people do: for words that no list knows
    r"^[ \t]+(?:(?:has|had|will|just|also|then|already|again|never|still)[ \t]+)?(?:called"
    r"|rang|phoned|texted|joined|complained|thinks|feels|felt|apologi[sz]ed|forgot|promised"
    r"|is on leave|is off sick|was discharged|was admitted|and I\b|and me\b)\b")
_AFTER_HUMAN = re.compile(rf"^(?:['’]s)?[ \t]+(?:(?:has|had|will|just|also|then|already"
                          rf"|again|never|still)[ \t]+)?(?:{_HUMAN})\b")
_AFTER_WEAK = re.compile(
    r"^(?:['’]s\b|[ \t]+(?:says|confirmed|mentioned|explained|signed|sent|paid|agreed"
    r"|approved|reviewed|presented|visited|left|arrived|disputes|disputed|reported|requested"
    r"|prefers|noticed|suggested|is|was|has|had|will|would|can|could|should|did|does"
    r"|who)\b)")
_PLACE_BEFORE = re.compile(r"(?:(?i:\b(?:in|at|near|from|to|into|via|across|outside|around"
                           r"|between|towards?|visit|visited|and))|\d{4,5})[ \t]+$")  # "69007 Lyon"
_AFTER_BE = re.compile(r"^(?:['’]s\b|[ \t]+(?:is|was|has|had|will|would|who)\b)")
# Before a place or a company rather than a person: "in Praha", "works for Canali".
_ARTICLE = re.compile(r"(?i:\b(?:the|a|an|in|at|near|into|on|via|across|outside|visit"
                      r"|visited|around|between|towards?|(?:works?|worked|working) (?:for|at)"
                      r"|St|Ste|Mt|Ft)\.?[ \t]+$|\b(?:the|a|an|this|that|your|my|our|his|her"
                      r"|their)[ \t]+[a-z]+[ \t]+$)")  # "the email Homeport sent"


def street_spans(text: str) -> list[tuple[int, int]]:
    """Street names: after a street word ("avenue Jean Jaurès") or by their ending
    ("Nørrebrogade", "Hauptstraße"); they are places, not people."""
    spans = []
    for m in _STREET.finditer(text):
        if m.group("one") and _common(m.group("one")):
            continue  # "Brigade", "Renegade"
        start = m.start()
        while text[start] in " \t":
            start += 1
        head, name = text[start:m.start("name")].rstrip(". \t"), m.group("name")
        if (m.group("name") and re.fullmatch(_STREET_AMBIGUOUS, head.capitalize())
                and _common(name.split()[0])):
            continue  # "Place Order 2 times"
        spans.append((start, m.end()))
    return spans + name_fields.place_spans(text)


def context_pairs(text: str) -> list[tuple[int, int]]:
    """Two or three capitalised words that no list knows (or a known given name last: "Hilmi
    Kurt") where the sentence marks a person: "with", "by", "for" or a person's verb before
    or after ("Lutgard Plauk called"). Never English words, places or words of _STOP."""
    spans = []
    for run in _RUN.finditer(text):
        words = run.group().split()
        if not 2 <= len(words) <= 3 or any(
                w in _STOP or w in _LANGUAGES or _binds(w) or _common(w) or _city(w) or len(w) < 2
                or w.lower() in _PARTICLES or w.endswith(".") for w in words):
            continue
        if any(_first(w) and _surname(w) for w in words[:-1]) or _first(words[0]):
            continue  # gazetteer_spans judges pairs that begin with a known given name
        before, after = text[max(0, run.start() - 30):run.start()], text[run.end():run.end() + 40]
        if _ARTICLE.search(before) or _AFTER_NOT.match(after):
            continue
        if " ".join(words) in _list("cities.txt") or tuple(words) in _places()[1].get(
                words[0], ()):
            continue  # "Burkina Faso"
        if (_BEFORE_STRONG.search(before) or _BEFORE_WEAK.search(before)
                or _AFTER_HUMAN.match(after) or _AFTER_BE.match(after)):
            spans.append(run.span())
    return spans


def plausible_one_word_name(word: str, marker: str = "role") -> bool:
    """Whether one word after a title or role noun can be a name. After a clear title
    (`marker` "title") any word but a calendar word or title ("Mrs Brown", "Mr. Hall"; not
    "Dr. Monday"); after one that is also a word ("ambiguous": "pan", "don", "Sri") only a
    listed name ("Sri Lanka" is none); after a role a listed name, or a word that is no
    English word and no country or state ("the client Wojciech"; not "the client Portal")."""
    word = word.rstrip(".,'’")
    if len(word) < 2 or (word in _STOP and not _surname(word)):
        return False
    if marker == "title":
        return True
    listed = _first(word) or _surname_like(word)
    return listed or (marker == "role" and not (_common(word) or word in _places()[0]))


def single_spans(text: str) -> list[tuple[int, int]]:
    """One capitalised word that the sentence marks as a person (see _BEFORE_STRONG, _HUMAN).

    A listed given name or surname (or one with a surname ending) that is no English word and
    no place needs a little context ("with Wojciech", "Takahashi said"); a word that no list
    knows, an English word ("Will") or a town ("Lincoln") needs a human one ("Tesfaye joined
    the call", "ask Lincoln"). Never after an article or a place preposition ("in Praha")."""
    spans = []
    for m in _LONE.finditer(text):
        word, start, end = m.group(), m.start(), m.end()
        if (word in _STOP or word in _LANGUAGES or _binds(word) or len(word) < 3
                or word in _places()[0]):
            continue
        listed, common = _first(word) or _surname_like(word), _common(word)
        if common and not listed:  # "The", "Please": most capitalised words end here
            continue
        before, after = text[max(0, start - 30):start], text[end:end + 40]
        previous = _PREVIOUS.search(before)
        if previous and (_binds(previous[1]) or not (_common(previous[1])
                                                     or previous[1] in _STOP)):
            continue  # the last word of a longer capitalised run: gazetteer_spans' part
        if (_ARTICLE.search(before) or _AFTER_NOT.match(after) or _in_firm(text, start, end)
                or in_eponym(text, start, end)):
            continue
        human = bool(_BEFORE_STRONG.search(before) or _AFTER_HUMAN.match(after))
        if not listed:  # software is asked and thanked too ("ask Copilot"), but joins no calls
            human = bool(_AFTER_PERSON.match(after)) or (
                human and name_likeness(word) >= _NAME_LIKE)
        if human or ((_first(word) or _surname(word)) and not common and not _city(word)
                     and (_BEFORE_WEAK.search(before) or _AFTER_WEAK.match(after))):
            spans.append((start, end))
    return spans


def doubtful_person(text: str, context: str = "", start: int = 0) -> bool:
    """Whether a spaCy PERSON entity `text` (at `start` in `context`) is likely no person:
    English words and initials that no name list knows ("Exhibit B.", "Chicken"; not "Bill
    Gates"), a name of a place or company ("Parma Heights"; not "Sarah Hall", "Hall" being a
    surname), or a single word that is a calendar word or title ("Easter"), or that no list
    knows, has no surname ending and stands alone ("Szczecin", "Ryzen"; not "Wolde" in
    "Mekdes Wolde", whose neighbour is a capitalised word that is no English word either)."""
    words = [w for w in (w.strip(".,'’") for w in text.split()) if w]
    if not words or _LABEL_WORD.search(text) or (len(words) > 1 and words[-1] in _PARTICLES):
        return True  # "Reisepass-Nr", "Transferencia de"
    end = start + len(text)
    if context and in_eponym(context, start, end):
        return True  # "Beef Wellington", "Earl Grey tea"
    if context[end : end + 1] == ":" and not any(_first(w) or _surname(w) for w in words) and (
            start == 0 or context[start - 1] == "\n"):
        return True  # a field label at the start of a line: "Doğum Tarihi: ..."
    if _in_firm(context, start, end):
        return True  # "Quote from Mccormick, Carson and Webster"
    if all(len(w) <= 1 or (_common(w) and not _first(w) and not _surname(w))
           or w.capitalize() in _STOP or w in _ARTICLES for w in words):
        return True  # "Exhibit B.", "La Sra", "Il signor"
    places = _places()[1]
    if len(words) > 1 and (" ".join(words) in _list("cities.txt") or tuple(words) in places.get(
            words[0], ())):
        return True  # "Castelo Branco", "Nowa Sarzyna"
    if len(words) == 1 and _city(words[0]) and _PLACE_BEFORE.search(
            context[max(0, start - 30) : start]):
        return True  # "grew up in Córdoba"
    if (words[-1] in _HEADS or words[-1].title() in _HEADS) and not _surname(words[-1]):
        return True  # "Parma Heights", "Johnson LLC"
    if len(words) > 1:
        return False
    only = words[0]
    if only in _STOP:
        return True
    if "-" in only or _first(only) or _surname_like(only):
        return False
    for run in _RUN.finditer(context, max(0, start - 60), start + len(text) + 60):
        if run.start() <= start < run.end():
            others = [w for w in _PIECE.findall(run.group()) if w != only and w[0].isupper()
                      and w[-1] != "."]
            return not (0 < len(others) <= 2 and not any(
                _common(w) or w in _STOP or _binds(w) or w in _places()[0] for w in others))
    return True


def _in_firm(context: str, start: int, end: int) -> bool:
    """Whether context[start:end] lies in a firm's name of surnames ("Stein, Johnson and
    Ramirez", "King, Howard & Howard")."""
    for m in _FIRM.finditer(context, max(0, start - 60), min(len(context), end + 60)):
        if m.start() <= start and end <= m.end():
            return True
    return False


def _pair(a: str, b: str) -> int:
    """How strongly `a b` looks like given name + family name: 0 (not) to _STRONG."""
    if _HYPHENATED_GIVEN.fullmatch(a) and _surname(b):  # "Ha-eun Park"
        return _STRONG
    if a in _STOP or b in _STOP or _place_word(b):  # "Florence Italy"
        return 0
    first_a, word_a = _first(a), _common(a)
    surname_b, word_b = _surname_like(b), _common(b)
    if first_a and not word_a:  # "Bhavya Om", "Luzia Rust", "Zoltan Schottin"
        return _STRONG if surname_b and not word_b else _MEDIUM if surname_b or not word_b else 0
    if _HYPHENATED_GIVEN.fullmatch(b) and _surname(a) and not word_a:  # "Kang Ha-eun"
        return _MEDIUM
    if word_b:
        return 0
    if not surname_b:  # family name first: "Zhang Wei", "Nguyen Minh"
        return _WEAK if _surname(a) and not word_a and _first(b) else 0
    return _WEAK if first_a or not word_a else 0  # "Urban Huhn"; "Oluwadamilare Adeyemi"


def _more(word: str) -> bool:
    """Whether `word` can continue a name already begun."""
    return word not in _STOP and (_surname(word) or _first(word) or not _common(word))


def _binds(word: str) -> bool:
    return word in _BINDS or word.split("-")[0] in ("Saint", "Sainte", "San", "Santa", "St")


def gazetteer_spans(text: str) -> list[tuple[int, int]]:
    """Spans of names by the name lists (see the module doc)."""
    spans = []
    multi = _places()[1]
    for run in _RUN.finditer(text):
        words: list[re.Match[str]] = []
        linked: list[bool] = []  # a particle between words[i] and words[i + 1]
        for piece in _PIECE.finditer(text, run.start(), run.end()):
            w = piece.group()
            if w[-1] == "." and len(w) == 2:  # a middle initial
                continue
            if w.lower() in _PARTICLES and (w[0].islower() or words):  # "da", "Van" in a name
                if words:
                    linked[-1] = True
                continue
            words.append(piece)
            linked.append(False)
        text_of = [w.group() for w in words]
        k = 0
        while k + 1 < len(words):
            place = next((len(w) for w in multi.get(text_of[k], ())
                          if tuple(text_of[k : k + len(w)]) == w), 0)
            if place or _binds(text_of[k]) or text_of[k].lower() in _PARTICLES:
                k += max(place, 2)  # "Sierra Leone", "San Jose", "Le Havre"
                continue
            a, b = text_of[k], text_of[k + 1]
            strength = _pair(a, b)
            if not strength or (linked[k] and strength < _MEDIUM  # "Ponte de Lima"
                                and not (_first(a) and _surname(b))):  # "Maria da Silva"
                k += 1
                continue
            end = k + 2
            while end < len(words) and _more(text_of[end]):
                end += 1
            first, last = words[k].start(), words[end - 1].end()
            k = end
            if end < len(words) and text_of[end] in _HEADS:  # "Del Monte Foods"
                continue
            spans.append((first, last))
    for m in _INVERTED.finditer(text):  # "Rodriguez, Javier"
        family, given = m.group(1), m.group(2)
        if _in_firm(text, m.start(), m.end()) or _STREET_END.search(given):
            continue  # "Stein, Johnson and Ramirez" is a firm, "Tabea-Butte-Straße" a street
        if ((_surname_like(family) or _first(family)) and _first(given)
                and not _common(family) and not _common(given)
                and not {family, given} & (_places()[0] | _STOP)):
            spans.append(m.span())
    spans += name_fields.person_spans(text)
    if not eponym_spans(text):
        return spans
    return [(a, b) for a, b in spans if not in_eponym(text, a, b)]
