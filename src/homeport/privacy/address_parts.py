"""Regex pieces for street addresses: names, street words of many languages, apartment and
floor parts, postcodes and the city/postcode tail. Assembled in homeport.privacy.addresses."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of `text`, as a set."""
    return frozenset(text.split())


# Letters keep their diacritics (the caller normalises to NFKC only): "Nørrebrogade", "Łódź".
UP = "[A-Z" + "".join(  # Latin with diacritics, Greek, Cyrillic
    c for c in map(chr, (*range(0xC0, 0x250), *range(0x386, 0x3B0), *range(0x400, 0x430)))
    if c.isupper()) + "]"
L = r"[^\W\d_]"  # any letter
NAME = rf"(?:[dlDL]['’])?{UP}{L}*(?:['’\-]{L}+)*"  # "Jaurès", "Karl-Marx", "d'Alésia"
ABBR = rf"{UP}{L}{{0,2}}\."  # "St.", "Co.", "Gen."
PARTICLE = (r"(?:de|del|della|delle|dei|degli|di|da|do|dos|das|du|des|la|las|los|le|les|el"
            r"|van|der|den|von|vom|zum|zur|y|e|i|og|och|und|of|the|d'|l'|il-|tal-)")

# -- street words ---------------------------------------------------------------------------

# English street types after the name: common ones stand alone ("10 Downing Street"), the rest
# need a city and a postcode after them ("12 Oak Ridge" is too often something else).
EN_COMMON = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq"
    "|Terrace|Tce|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Way|Close|Crescent|Cres|Mews|Trail|Alley"
    "|Plaza|Turnpike|Expressway|Loop|Pike|Quay|Embankment|Parade|Esplanade|Promenade|Ter|Trl"
    "|Expy|Fwy|Tpke|Crt|Cl"
)
EN_RARE = (
    "Bend|Bluff|Branch|Bridge|Brook|Burg|Bypass|Camp|Canyon|Cape|Causeway|Center|Centre|Cliff"
    "|Common|Corner|Course|Cove|Creek|Crest|Crossing|Curve|Dale|Dam|Divide|Estate|Extension"
    "|Falls?|Ferry|Field|Flats?|Ford|Forest|Forge|Fork|Fort|Freeway|Gardens?|Gate|Gateway|Glen"
    "|Green|Grove|Harbor|Harbour|Haven|Heights|Hill|Hollow|Inlet|Island|Isle|Junction|Key|Knoll"
    "|Lake|Landing|Light|Lock|Lodge|Mall|Manor|Meadow|Mill|Mission|Motorway|Mount|Mountain"
    "|Neck|Orchard|Oval|Overpass|Park|Pass|Passage|Path|Pine|Plain|Point|Port|Prairie|Radial"
    "|Ramp|Ranch|Rapids?|Rest|Ridge|Rise|River|Route|Row|Run|Shoal|Shore|Skyway|Spring|Spur"
    "|Station|Stravenue|Stream|Summit|Trace|Track|Trafficway|Tunnel|Underpass|Union|Vale"
    "|Valley|Via|View|Village|Ville|Vista|Walk|Wall|Wells?|Wharf|Yard|Crossroads?|Throughway"
    "|Club|Loaf|Rue|Marg|Nagar|Chowk|Ganj|Bazaa?r|Wynd|Rd|Grn|Gdns|Gr|Hts|Pde|Land|Viaduct"
    "|Circuit|Chase|Glade|Grange|Outlook|Retreat|Approach|Arcade|Strand|Concourse"
)
# Street types before the name, in text after a house number: "17 avenue Jean Jaurès".
FR_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|bld|place|pl\.|quai|chemin|ch\.|allée|impasse|cours|route"
    r"|rte|square|passage|esplanade|promenade|faubourg|chaussée|voie|sentier|montée|rampe"
    r"|ruelle|parvis|rond-point|drève|clos|cité|résidence|lieu-dit|Triq"  # Triq: Maltese
)
# Street types before the name, where the number follows the name: "Calle de Alcalá 45".
# Plain words, not regexes. Capitalised only, as many are English words too ("via") ...
PREFIX_TYPES = (
    "Via|V.le|Viale|Corso|C.so|Piazza|P.za|P.zza|Piazzale|Largo|Vicolo|Contrada|Lungomare"
    "|Lungarno|Borgo|Salita|Riva|Fondamenta|Calle|C/|Cl.|Avenida|Avda.|Av.|Avd.|Plaza|Paseo"
    "|Pº|Camino|Carretera|Ctra.|Ronda|Rambla|Travesía|Glorieta|Cuesta|Pasaje|Callejón|Carrer"
    "|Avinguda|Plaça|Passeig|Travessera|Rúa|Rua|Travessa|Tv.|Praça|Alameda|Estrada"
    "|Calçada|Beco|Praceta|Rue|Avenue|Boulevard|Bd|Quai|Chemin|Route|Rte|Allée|Impasse"
    "|Chaussée|Drève|Place|Square|Passage|Cours|Esplanade|Promenade|Faubourg|Laan|Ulica|Ul."
    "|Aleja|Aleje|Plac|Pl.|Os.|Osiedle|Trg|Cesta|Put|Obala|Bulevar|Strada|Str."
    "|Bulevardul|Bd.|B-dul|Bdul|Bdul.|Calea|Aleea|Șoseaua|Soseaua|Șos.|Sos.|Splaiul|Piața"
    "|Piata|Intrarea|Drumul|Odos|Odós|Leoforos|Leof.|Plateia|Platia|Rruga|Bul.|Ulitsa|Ulice"
    "|Náměstí|Nám.|Třída|Námestie|Am|Im|Zum|Zur|An der|An den|Auf der|Auf dem|In der"
    "|Unter den|Vor dem|Hinter der|Hinter dem|Platz|Straße|Rotonda|Stretto|Incrocio|Canale"
    "|Acceso|Cañada|Carrera|Pasadizo|Urbanización|Vía|Bairro|Caminho|Escadinhas|Ladeira"
    "|Quinta|Viela|Skwer|Rondo|Bulwar|Rampa|Rotunda|Parque|Vale|Fundătura|Prelungirea"
    "|Stradela|Οδός|Λεωφόρος|Πλατεία|Πάροδος|Ул.|Бул.|Улица"
)
# ... except these, which are no English words.
PREFIX_LOWER = (
    "rue|ul.|ulica|al.|aleja|pl.|plac|os.|calle|c/|carrer|avenida|avda.|rua|strada|str."
    "|bulevardul|bd.|calea|aleea|odos|leoforos|ulice|náměstí|nám.|třída|trg|bul.|ulitsa"
    "|skwer|rondo|bulwar|οδός|λεωφόρος|ул.|бул.|улица"
)
# Street types as the end of one word: "Hauptstraße", "Nørrebrogade", "Mannerheimintie".
SUFFIXES = (
    r"straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer|pfad|steig|chaussee|graben|markt"
    r"|zeile|kai|steg|straat|laan|gracht|plein|kade|singel|dijk|dreef|steeg|baan|steenweg|lei"
    r"|gatan|gata|vägen|väg|gränd|torget|torg|backe|stigen|leden|gade|gaden|vej|vejen|allé"
    r"|stræde|torv|plads|boulevarden|veien|vegen|vei|veg|gate|gaten|plass|katu|tie|kuja|polku"
    r"|tori|väylä|ranta|rinne|kaari|raitti|aukio|kierto|mäki|vegur|braut|stígur|kalea|hof|pad"
    r"|boulevard|allén|backen|stien|bulevardi|brücke|brücken"
)
# Street types written as a word after the name: "Karl Johans gate", "Andrássy út", "Brīvības
# iela", "Václavské nám.", "Mariahilfer Straße". English words among them need a postcode.
AFTER_TYPES = (
    "Straße|Strasse|Str.|Allee|Weg|Platz|Gasse|Ring|Damm|Ufer|Markt|Zeile|Boulevard|Kai"
    "|gate|gata|gaten|gatan|vei|veien|veg|vej|vejen|gade|allé|plass|plads|torv|torg|väg|gränd"
    "|katu|tie|iela|bulvāris|gatve|prospekts|laukums|krastmala|gatvė|g.|prospektas|pr."
    "|alėja|al.|aikštė|skg.|tänav|tn|maantee|mnt|puiestee|pst|tee|väljak|utca|u.|út|útja"
    "|körút|krt.|tér|tere|sor|köz|sétány|rakpart|fasor|cesta|ulica|ul.|trg|obala|nám."
    "|náměstí|námestie|třída|tř.|nábřeží|nábř.|ulice|trieda|kalea|kalle|bulevardi|οδός"
    "|lakótelep|dűlő|liget|udvar|kert|lejtő|part|ösvény|átjáró|árok|lépcső|körönd|sugárút"
    "|forduló|határút|park|tanya|major|kapu|sétány|Brücke|bulevardi|Bulevardi"
)
ENGLISH_AFTER = frozenset(
    {"gate", "tie", "tee", "sor", "ring", "Ring", "Boulevard", "Kai", "part", "park", "major"})

AMBIGUOUS_PREFIX = frozenset(  # English words too: these need a postcode
    {"Place", "Route", "Square", "Passage", "Cours", "Promenade", "Esplanade", "Avenue",
     "Boulevard", "Plaza", "Largo", "Riva", "Put", "Platz", "Straße", "Canale", "Quinta",
     "Carrera", "Jardim"})
GERMAN_PREFIX = frozenset({"Am", "Im", "Zum", "Zur"})  # "Im Jahr 2024", "Am Montag 3"
PREPOSITIONS = word_set("Na U K V Pod Nad Za Ve Ke Před Pri Do Od Ob")  # "U Nemocnice" (Czech)
NOT_COMPOUND = frozenset(
    {"Brigade", "Renegade", "Cutie", "Bowtie", "Necktie", "Notepad", "Keypad", "Touchpad",
     "Launchpad", "Trackpad", "Gamepad", "Scratchpad", "Numpad", "Lilypad", "Behof"})

# -- numbers, apartments and floors ------------------------------------------------------------

HOUSE = (r"\d{1,5}(?:[A-Za-z](?![^\W\d_])| [A-Z](?![\w.]| ?\d))?(?:\s?[-/]\s?\d{1,5}[A-Za-z]?)*"
         r"(?:/[A-Za-z](?![^\W\d_]))?")  # "12a", "12 B", "84/92", "45/3/12", "84/a"
NUMBER_MARKS = word_set("nr nr. Nr Nr. no no. No. nº Nº n.º n. N. num. č. br.")  # "nr. 5"
_UNIT_WORDS = (
    r"apt|apartment|appt|app|appartement|suite|ste|unit|flat|fl|floor|level|lvl|room|rm|bldg"
    r"|building|block|blk|bus|bte|boîte|bt|lgh|lägenhet|m|mieszk|lok|lokal|int|interno|scala"
    r"|appartamento|studio|dept|department|as|asunto|bost|leil|porta|portal|esc|staircase"
    r"|sc|piano|bl|bloc|et|etaj|ap|sector|sektor|top|stiege|stg|tür|whg|wohnung|esc|escalera"
    r"|piso|puerta|pta|dpto|depto|apto|étage|etage|bât|bâtiment|porte|andar|byt|door|ovi|krs"
)
_SIDE = r"(?:izq(?:da|uierda)?|izda|dcha|dch|der(?:echa)?|drcha|esq|dto|dt|dir|ctr|centro|[A-Z])"
UNIT = (
    r"(?:\d{1,2}(?:\.|\s?(?:st|nd|rd|th|e|er|re|ème|eme)\b)\s?"   # "2. OG", "3rd floor", "2e étage"
    r"(?:OG|UG|EG|DG|Stock|Etage|[EeÉé]tage|sal\.?|th\.?|tv\.?|mf\.?|[Ff]loor|[Ff]l\.?|piso"
    r"|andar|p\.|em\.?|emelet|kat|krs)(?:\s?(?:th|tv|mf)\.?)?"
    r"|st\.?\s?(?:tv|th|mf)\.?"                                    # "st. tv." (Danish ground floor)
    rf"|\d{{1,2}}\.?\s?[ºª°]\.?(?:\s?(?i:{_SIDE})\.?)?"             # "3º izq.", "2.º Esq."
    rf"|\d{{1,2}}\.?o\.?\s?(?i:{_SIDE})\.?"                         # the same after NFKC: "3o izq."
    rf"|(?i:{_UNIT_WORDS})\.?\s?#?\s?(?:[A-Za-z]{{0,3}}\d[A-Za-z0-9/\-]{{0,5}}|[A-Z](?!\w))"
    r"|#\s?[A-Za-z0-9\-]{1,6}"
    r"|(?:I{1,3}|IV|hs|bis|ter|st\.)(?![\w\-])"  # "Kerkstraat 12 III", "12 st."
    r"|[A-H]\s?\d{1,3}(?!\w)"                                      # Finnish "12 B 5"
    r")"
)
UNITS = rf"(?:(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*|[ \t]+){UNIT})*"

# -- postcodes, cities and regions ----------------------------------------------------------

POSTCODE = (
    r"(?:\d{4}\s?[A-Z]{2}(?![^\W\d_])"               # Netherlands "1012 PH"
    r"|(?:[A-Z]{1,2}-)?(?:\d{4}-\d{3}|\d{2}-\d{3}|\d{5}-\d{4}"  # Portugal, Poland, ZIP+4
    r"|\d{3}\s\d{2}|\d{4,6})"                    # "SE-113 51", "130 00", "CH-8001", "10115"
    r"|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"          # United Kingdom "SW1A 1AA"
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"                   # Canada "M5V 3L9"
    r"|[AC-FHKNPRTV-Y]\d[\dW]\s?[\dAC-FHKNPRTV-Y]{4}"  # Ireland's Eircode "D02 A342"
    r"|[A-Z]{3}\s?\d{4}"                            # Malta "VLT 1117"
    rf"|\d{{3}}(?=\s{UP})"                          # Iceland "101 Reykjavík"
    r")(?![\w\-])"
)
_CITY_WORD = rf"(?:{NAME}|{ABBR}|{UP}{{2,}}(?![\w]))"
_CITY_JOIN = (r"(?:am|an der|an|im|bei|upon|on|sur|sous|de|del|la|le|les|di|en|ob|pri|nad|pod"
              r"|da|do|dos|das|du|des)")
CITY = (
    rf"{_CITY_WORD}(?:[ \-](?:{_CITY_JOIN}[ \-])?{_CITY_WORD}){{0,2}}"
    r"(?: (?:[A-Z]|\d{1,2})(?![\w]))?"                 # district: "Praha 3", "København N"
    rf"(?: ?\((?:[A-Z]{{2}}|{NAME}(?: {NAME})?)\))?"  # province: "Milano (MI)", "(Québec)"
)
_NL = r"[ \t]*\n[ \t]*"  # one line break, not a blank line
_SEP = rf"(?:[ \t]*,(?:{_NL}|[ \t]*)|{_NL}|[ \t]+)"
# The tail after the street: cities and regions before the postcode, or a city after it.
TAIL_BEFORE = rf"(?:{_SEP}(?P<city>{CITY})){{1,3}}{_SEP}(?P<postcode>{POSTCODE})"
TAIL_AFTER = rf"{_SEP}(?P<postcode>{POSTCODE})(?:(?:[ \t]+|{_NL}|,[ \t]*)(?P<city>{CITY}))?"
# A city alone after an English street: "742 Evergreen Terrace, Springfield" (not ", IBAN DE89")
TAIL_CITY = rf",[ \t]*(?={UP}[a-zß-ÿ]){CITY}(?:,?[ \t]*[A-Z]{{2}}\b)?"

# dates: "March 10, 2009", "Admission 19 May 2025", "Mai 12, 2024"
DATE_WORDS = word_set(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday"
    " friday saturday sunday januar februar märz mai juni juli oktober dezember janvier"
    " février mars avril juin juillet août septembre octobre novembre décembre enero febrero"
    " marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre gennaio"
    " febbraio aprile maggio giugno luglio settembre ottobre dicembre"
)
# Capitalised words before a number that name no street ("Windows 11", "Chapter 4").
NOT_STREET = word_set(
    "windows python chapter section room step level phase page version release model series"
    " season episode part volume vol issue article artikel kapitel seite absatz paragraph"
    " paragraf figure fig table tabelle platz nummer number no nr top apollo studio terminal"
    " gate platform galaxy pixel android ios java office mission agenda vision euro formula"
    " grade class type group team round game week day year month line route highway"
    " interstate bus train flight track disc act scene verse psalm psalms iphone ipad macos"
    " ubuntu debian fedora node php ruby rust go swift kotlin net core edition update spring"
    " summer autumn fall winter covid iso din en rfc cve boeing airbus tesla model unit flat"
    " suite apt apartment floor building block lot box po pobox station stop exit lane bay"
    " dock hall ward bed case item order invoice ref ticket test tests level tier stage"
    " sprint q quarter h gen generation mark mk ps xbox rtx gtx"
) | DATE_WORDS
NOT_CITY = word_set(
    "edition release update model version series season report budget plan review olympics"
    " games cup championship election census survey targets goals requests users people"
    " items points units times days hours minutes euros dollars pounds"
) | DATE_WORDS
# Capitalised German words after "Am", "Im", "Zum", "Zur" that make no street ("Im Jahr 2024")
NOT_GERMAN = word_set(
    "Jahr Jahre Monat Tag Woche Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag"
    " Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
    " Beispiel Vergleich Durchschnitt Schnitt Moment Ende Anfang Rahmen Prinzip Grunde"
    " Ganzen Allgemeinen Zeitraum Quartal Schluss Abschluss Ziel Thema Punkt Kapitel"
)
