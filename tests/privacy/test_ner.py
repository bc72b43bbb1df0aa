"""NerDetector: spaCy PERSON/LOCATION plus the name rules, on the real model (loaded once)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from homeport.entities import LOCATION, PERSON
from homeport.privacy import names
from homeport.privacy import ner as ner_module
from homeport.privacy.ner import NerDetector, name_spans


@pytest.fixture(scope="module")
def ner() -> Iterator[NerDetector]:
    detector = NerDetector()
    detector.load()
    yield detector


def found(detector: NerDetector, text: str, type_: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.type == type_]


def test_lazy_load() -> None:
    detector = NerDetector("a-model-that-is-not-installed")
    assert detector._nlp is None  # constructing loads nothing
    with pytest.raises(OSError):
        detector.load()


def test_only_what_ner_needs_runs(ner: NerDetector) -> None:
    assert ner._nlp.pipe_names == ["ner"]


@pytest.mark.parametrize(("text", "names"), [
    ("Please forward the file to Priya Raghunathan and Mateusz Wiśniewski.",
     ["Priya Raghunathan", "Mateusz Wiśniewski"]),
    ("Dr. Okafor reviewed the chart with Mrs. Lindqvist yesterday.", ["Okafor", "Lindqvist"]),
    ("Patient: Jane Doe\nDOB: 03/12/1984", ["Jane Doe"]),
    ("Name: Doe, Jane", ["Doe, Jane"]),
    ("Beneficiary: Kwame Mensah", ["Kwame Mensah"]),
    ("Dear Amara,\nyour parcel is on its way.", ["Amara"]),
    ("Client Rhea Reyes (SSN 168 30 8998) signed the form.", ["Rhea Reyes"]),
    ("Matteo Russo (MRN: A9186828) was seen at noon.", ["Matteo Russo"]),
    ("Referral: Layla Hamdan, born 08/02/1950, lives nearby.", ["Layla Hamdan"]),
    ("Consent signed by Declan D. Flanagan today.", ["Declan D. Flanagan"]),
    ("Re: Emeka Okonkwo v. Louis Laurent, case 4411.", ["Emeka Okonkwo", "Louis Laurent"]),
    ("Kind regards,\nSiobhan O'Brien", ["Siobhan O'Brien"]),
    ("Hi, my name is Oluwaseun Adebayo and I need help.", ["Oluwaseun Adebayo"]),
    ("Appointment with Dr. van Dijk on Monday.", ["van Dijk"]),
    ("Beneficiary: ŞINASI GÜLEN", ["Şinasi Gülen".upper()]),
    ("Tenant EOIN O'SULLIVAN has not paid rent.", ["EOIN O'SULLIVAN"]),
])
def test_people(ner: NerDetector, text: str, names: list[str]) -> None:
    people = found(ner, text, PERSON)
    for name in names:
        assert name in people, (name, people)


# Bare names, nothing but the name itself marks them: the name lists (names.py) find them.
@pytest.mark.parametrize(("text", "name"), [
    # Nigerian (Igbo, Yoruba), Ghanaian
    ("Please forward the lab results to Chukwuemeka Obi before noon.", "Chukwuemeka Obi"),
    ("Adaeze Nwankwo disputes the late fee on her savings account.", "Adaeze Nwankwo"),
    ("The transfer from Babajide Ogunbiyi was flagged for review.", "Babajide Ogunbiyi"),
    ("Dear team, Oluwafemi Adeyemi has joined the legal department.", "Oluwafemi Adeyemi"),
    ("Yaw Boateng asked about the wire to Accra.", "Yaw Boateng"),
    # Vietnamese, with and without accents, family name first
    ("Tran Van Minh signed the lease yesterday.", "Tran Van Minh"),
    ("We spoke with Pham Thu Trang about the refund.", "Pham Thu Trang"),
    ("Payment from Hoang Thi Mai is overdue.", "Hoang Thi Mai"),
    ("Nguyễn Thị Lan asked for a copy of the discharge summary.", "Nguyễn Thị Lan"),
    # Polish
    ("Małgorzata Wiśniewska called about the overdraft.", "Małgorzata Wiśniewska"),
    ("Please ask Krzysztof Wójcik whether the invoice was paid.", "Krzysztof Wójcik"),
    # Indian
    ("Ananya Krishnamurthy was seen in the cardiology clinic.", "Ananya Krishnamurthy"),
    ("The loan for Rajesh Venkataraman was approved.", "Rajesh Venkataraman"),
    ("Rohan Mehta was discharged with a prescription for metformin.", "Rohan Mehta"),
    # Arabic
    ("Ahmed Al-Mansouri requested the closing statement.", "Ahmed Al-Mansouri"),
    ("Thanks to Fatima Benali for the quick reply.", "Fatima Benali"),
    ("Khalid Al-Hashimi opened a joint account with Layla Haddad.", "Layla Haddad"),
    # Hispanic
    ("Alejandro Gutiérrez Ramírez filed the complaint in March.", "Alejandro Gutiérrez Ramírez"),
    ("The affidavit of María José Castillo is attached.", "María José Castillo"),
    ("The claim by Javier Hernández Ruiz was rejected.", "Javier Hernández Ruiz"),
    # Chinese romanised (both orders), Korean
    ("Zhang Wei and Liu Yang attended the hearing.", "Zhang Wei"),
    ("Please copy Xiaoling Chen on the reply.", "Xiaoling Chen"),
    ("Seo-yeon Park and Lee Min-ho reviewed the contract.", "Seo-yeon Park"),
    # Nordic
    ("Sigrid Halvorsen reports mild dizziness.", "Sigrid Halvorsen"),
    ("The mortgage of Bjørn Åsheim is in arrears.", "Bjørn Åsheim"),
    ("Jón Sigurðsson moved the meeting to Friday.", "Jón Sigurðsson"),
    ("Ingrid Lindqvist and Mikkel Sørensen share the account.", "Mikkel Sørensen"),
    # Turkish, Armenian, Georgian surnames by their endings
    ("Contact Birant Nalbantoğlu for details.", "Birant Nalbantoğlu"),
    ("The report was written by Varujan Petrosyan.", "Varujan Petrosyan"),
    ("I had lunch with Nikoloz Maisuradze last week.", "Nikoloz Maisuradze"),
    # "Surname, Given"
    ("Please call Rodriguez, Javier at the number on file.", "Rodriguez, Javier"),
])
def test_bare_names_of_many_cultures(ner: NerDetector, text: str, name: str) -> None:
    assert name in found(ner, text, PERSON), found(ner, text, PERSON)


# Capitalised words that are no person, several of them names too ("Sierra", "Victoria").
@pytest.mark.parametrize("text", [
    "The quarterly report is attached; costs rose 7 percent in May.",
    "Flights to Sierra Leone, Costa Rica and Hong Kong were cancelled.",
    "The Apple Watch and the Google Pixel sold out before Black Friday.",
    "May and June were busy; the office closes for the June Bank Holiday.",
    "Our team in Kuala Lumpur moved to the Petronas Towers.",
    "Annual General Meeting Of The Shareholders Of Acme Holdings.",
    "Please install Visual Studio Code and Microsoft Teams before Monday.",
    "We drove from San Diego to Las Vegas and on to Salt Lake City.",
    "The Amazon Prime subscription renews every April.",
    "The patient was transferred to Saint Thomas Hospital on Tuesday.",
    "The new Toyota Corolla and the Honda Civic are both hybrids.",
    "Ramadan and Easter fell in the same month this year.",
    "The Bank of America branch on Market Street closes at noon.",
    "The contract is governed by the laws of the State of New York.",
    "Our Berlin, Paris and Madrid offices switched to Google Workspace.",
    "Tokyo, Osaka and Kyoto saw record tourism in August.",
    "The Mercedes Benz and the Alfa Romeo were parked outside.",
    "Grace period ends on Friday; Will you renew the policy?",
    "Victoria Falls and Table Mountain are on the itinerary.",
    "We changed trains at Victoria Station and walked to Lincoln Park.",
    "The affidavit is attached as Exhibit B.",
    "Austin, Texas and Paris, France host the two offices.",
])
def test_no_people_among_places_products_and_months(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


@pytest.mark.parametrize(("text", "spans"), [
    ("Contact Wazir Mitra for details.", ["Wazir Mitra"]),
    ("Thanks to Luzia Rust for the help.", ["Luzia Rust"]),  # "rust" is a word, Rust a surname
    ("Please ask Ludwig van Beethoven and Maria da Silva Santos.",
     ["Ludwig van Beethoven", "Maria da Silva Santos"]),
    ("Kang Ha-eun signed the form.", ["Kang Ha-eun"]),
    ("We flew from Sierra Leone to Hong Kong.", []),
    ("The Del Monte Foods plant and the Jordan River.", []),
    ("Shipped via Ponte de Lima and Comunidad de Madrid.", []),
    ("Will Grace Hope mark the date?", []),  # given names that are words need a surname
    ("Florence Italy", []),
])
def test_gazetteer_spans(text: str, spans: list[str]) -> None:
    assert [text[s:e] for s, e in names.gazetteer_spans(text)] == spans


def test_fold_and_lists() -> None:
    assert names.fold("Nguyễn Wiśniewska Łukasz Øster") == "Nguyen Wisniewska Lukasz Oster"
    names.load()
    for name in ("first_names.txt", "surnames.txt", "common_words.txt", "places.txt"):
        path = names._DATA / name
        assert path.read_text(encoding="utf-8").startswith("#")  # the source notice
        assert len(names._list(name)) > 500


@pytest.mark.parametrize(("text", "doubtful"), [
    ("Exhibit B.", True), ("Chicken", True), ("Parma Heights", True), ("Szczecin", True),
    ("Easter", True), ("Bill Gates", False), ("Okafor", False), ("Sarah Hall", False),
    ("Petrosyan", False), ("Ji-hoon", False),
])
def test_doubtful_spacy_people(text: str, doubtful: bool) -> None:
    assert names.doubtful_person(text) is doubtful


def test_an_unknown_word_next_to_another_name_word_stays_a_person() -> None:
    text = "Referral letter for Mekdes Wolde sent to cardiology."
    assert not names.doubtful_person("Wolde", text, text.index("Wolde"))
    text = "Branches in Hajnówka and Szczecin close at noon."
    assert names.doubtful_person("Szczecin", text, text.index("Szczecin"))


def test_caps_names_are_seen_in_title_case(ner: NerDetector) -> None:
    text = "Please close the account of FEMKE JANSEN in NEW YORK."
    assert found(ner, text, PERSON) == ["FEMKE JANSEN"]
    assert found(ner, text, LOCATION) == ["NEW YORK"]


def test_a_name_found_once_is_found_everywhere(ner: NerDetector) -> None:
    text = "Patient: Achieng Otieno. Later Achieng Otieno asked for a copy of her records."
    assert found(ner, text, PERSON) == ["Achieng Otieno", "Achieng Otieno"]


@pytest.mark.parametrize(("text", "places"), [
    ("She flew from Berlin to Tokyo on Friday.", ["Berlin", "Tokyo"]),
    ("The clinic in Lagos referred him to a hospital in Nairobi, Kenya.",
     ["Lagos", "Nairobi", "Kenya"]),
])
def test_places(ner: NerDetector, text: str, places: list[str]) -> None:
    assert found(ner, text, LOCATION) == places


@pytest.mark.parametrize("text", [
    "The quarterly report is attached; costs rose 7 percent.",
    "SLACK_BOT_TOKEN=xoxb-1234-5678-abcdefghijkl",
    "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "Dear Sir or Madam, thank you for your letter.",
    "Hello World!",
    "",
    "   \n ",
])
def test_no_people(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


def test_rules_skip_words_that_are_not_names() -> None:
    assert name_spans("Dear Sir or Madam,") == []
    assert name_spans("Dear Customer Service Team,") == []
    assert name_spans("Patient: Stable") == []


def test_findings_sorted_without_overlaps(ner: NerDetector) -> None:
    text = ("Mr. and Mrs. Smith visited Paris and met Dr. Amara Nwosu-Bello, "
            "whose colleague Kenji Watanabe flew in from Osaka.")
    fs = ner.detect(text)
    assert fs == sorted(fs, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(fs))
    assert {f.score for f in fs} == {0.85}
    assert {"Smith", "Amara Nwosu-Bello", "Kenji Watanabe"} <= set(found(ner, text, PERSON))


def test_long_texts_go_in_pieces_with_right_offsets(ner: NerDetector,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner_module, "_MAX_CHARS", 200)
    filler = "The weather was mild and the meeting ran long. " * 12
    text = filler + "Afterwards Angela Merkel spoke in Berlin.\n" + filler
    assert found(ner, text, PERSON) == ["Angela Merkel"]
    assert found(ner, text, LOCATION) == ["Berlin"]


def test_safe_from_worker_threads(ner: NerDetector) -> None:
    texts = [f"Dr. Okafor met Priya Raghunathan in London, visit {i}." for i in range(16)]
    expected = [ner.detect(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(ner.detect, texts)) == expected


# A title or role and one word of a name, in several languages (the title is no part of it).
@pytest.mark.parametrize(("text", "name"), [
    ("Dr. Takahashi will call you back after the ward round.", "Takahashi"),
    ("Mrs Adeyemi-Cole asked for the discharge letter.", "Adeyemi-Cole"),
    ("Please send the signed form to Ms Wąsowska.", "Wąsowska"),
    ("Prof. Kowalczyk approved the study protocol.", "Kowalczyk"),
    ("Mr. Hall paid the deposit.", "Hall"),  # a surname that also heads place names
    ("The patient Wojciech was moved to ward 4.", "Wojciech"),
    ("Our client Tesfaye disputes the overdraft fee.", "Tesfaye"),
    ("My colleague Þórdís will cover the late shift.", "Þórdís"),
    ("Nurse Oyelaran took the second blood sample.", "Oyelaran"),
    ("Herr Brünninghaus hat den Termin abgesagt.", "Brünninghaus"),
    ("Frau Yıldırım ist heute nicht im Büro.", "Yıldırım"),
    ("Mme Ouédraogo a envoyé le dossier complet.", "Ouédraogo"),
    ("M. Lefebvre demande un rendez-vous.", "Lefebvre"),
    ("Mlle Nkemelu a appelé ce matin.", "Nkemelu"),
    ("El Sr. Quispe pidió una cita para el lunes.", "Quispe"),
    ("La Sra. Etxeberria llamó ayer por la tarde.", "Etxeberria"),
    ("Il signor Esposito ha chiamato due volte.", "Esposito"),
    ("La Sig.ra Bianchi è arrivata in anticipo.", "Bianchi"),
    ("Pan Grzegorz zadzwonił wczoraj wieczorem.", "Grzegorz"),
    ("Pani Szymańska czeka na wyniki badań.", "Szymańska"),
    ("dhr. Vermeulen belde gisteren over de factuur.", "Vermeulen"),
    ("mevr. Bakker heeft de afspraak verzet.", "Bakker"),
    ("Ayşe Hanım will join the meeting.", "Ayşe"),
])
def test_one_word_after_a_title_or_role(ner: NerDetector, text: str, name: str) -> None:
    assert found(ner, text, PERSON) == [name]


# One word of a name that only the sentence marks, from many naming cultures.
@pytest.mark.parametrize(("text", "name"), [
    ("Wojciech called again about the invoice.", "Wojciech"),  # Polish
    ("Can you ask Takahashi about it before Friday?", "Takahashi"),  # Japanese
    ("Tesfaye joined the call ten minutes late.", "Tesfaye"),  # Ethiopian, in no list
    ("I had lunch with Zsófia on Tuesday.", "Zsófia"),  # Hungarian
    ("Please remind Ștefan to sign the consent form.", "Ștefan"),  # Romanian
    ("Thanks to Gülşen for covering the night shift.", "Gülşen"),  # Turkish
    ("Sigrún wrote that the transfer failed twice.", "Sigrún"),  # Icelandic
    ("Let Kęstutis know that the results are back.", "Kęstutis"),  # Lithuanian
    ("Giorgos said the contract is ready.", "Giorgos"),  # Greek
    ("We spoke with Farzaneh this morning.", "Farzaneh"),  # Persian
    ("Please cc Abdulrahman on the reply.", "Abdulrahman"),  # Arabic
    ("Oluwaseun asked whether the refund was sent.", "Oluwaseun"),  # Yoruba
    ("Ask Kwabena to bring the signed lease.", "Kwabena"),  # Akan
    ("Lakshmi phoned about her blood test.", "Lakshmi"),  # South Asian
    ("Huong replied that she cannot come on Monday.", "Huong"),  # Vietnamese
])
def test_one_word_names_in_context(ner: NerDetector, text: str, name: str) -> None:
    assert found(ner, text, PERSON) == [name]


# Full names with the letters of their languages.
@pytest.mark.parametrize(("text", "name"), [
    ("Łukasz Wąsowski signed the lease yesterday.", "Łukasz Wąsowski"),
    ("Þórdís Guðmundsdóttir asked for a copy of her records.", "Þórdís Guðmundsdóttir"),
    ("The payment from Nguyễn Thị Hương is overdue.", "Nguyễn Thị Hương"),
    ("Gülşen Öztürk opened a savings account.", "Gülşen Öztürk"),
    ("Please forward the letter to Ștefan Popescu.", "Ștefan Popescu"),
    ("Zsófia Nagy disputes the late fee.", "Zsófia Nagy"),
    ("Dāvis Bērziņš moved the meeting to Friday.", "Dāvis Bērziņš"),
    ("Referral letter for Chidinma Okonkwo sent today.", "Chidinma Okonkwo"),
])
def test_full_names_with_diacritics(ner: NerDetector, text: str, name: str) -> None:
    assert name in found(ner, text, PERSON), found(ner, text, PERSON)


# Towns, streets and companies: no person, even where a street is named after one.
@pytest.mark.parametrize("text", [
    "Meet me at Nørrebrogade 12, 2200 København.",
    "The office on Vinohradská moved to Praha last year.",
    "We drove from Praha to København and on to Warszawa.",
    "The shop is at 14 avenue Jean Jaurès, 69007 Lyon.",
    "She lives on rue Victor Hugo in Bordeaux.",
    "Deliver the parcel to Via Giuseppe Garibaldi 12, Torino.",
    "The clinic is on ul. Marszałkowska in the city centre.",
    "The office moved to Hauptstraße 5 in Bamberg.",
    "Flights between Bergen and Tromsø resume in May.",
    "The branch in Székesfehérvár closes at noon.",
    "Shares of Procter & Gamble rose 3% today.",
    "She grew up in Teramo and works for Canali.",
    "I opened a savings account with Bank of America in May.",
    "The shipment from Bay City to Cape Verde arrived late.",
    "We ordered the laptops from Pearson.",
])
def test_no_people_among_towns_streets_and_companies(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


@pytest.mark.parametrize(("text", "streets"), [
    ("The shop is at 14 avenue Jean Jaurès, 69007 Lyon.", ["avenue Jean Jaurès"]),
    ("Meet me at Nørrebrogade 12.", ["Nørrebrogade"]),
    ("Deliver to 287 Via Eugenio Bertini, Velletri.", ["Via Eugenio Bertini"]),
    ("The invoice was sent via Slack to Anna.", []),  # "via" in English
])
def test_street_spans(text: str, streets: list[str]) -> None:
    assert [text[s:e] for s, e in names.street_spans(text)] == streets


def test_streets_are_places(ner: NerDetector) -> None:
    text = "She lives on rue Victor Hugo, 75016 Paris."
    assert found(ner, text, LOCATION)[0] == "rue Victor Hugo"


@pytest.mark.parametrize(("text", "spans"), [
    ("Wojciech called again.", ["Wojciech"]),
    ("We moved from Praha to Brno.", []),  # places
    ("Will you call me?", []),  # an English word needs a human context and a list
    ("The Mercedes is parked outside.", []),  # after an article
    ("Lunch with Jana Nováková on Monday.", []),  # two words: gazetteer_spans' part
])
def test_single_spans(text: str, spans: list[str]) -> None:
    assert [text[s:e] for s, e in names.single_spans(text)] == spans


@pytest.mark.parametrize(("text", "spans"), [
    ("I had lunch with Lutgard Plauk last week.", ["Lutgard Plauk"]),  # no list knows either
    ("Ruzhdi Morina called about the transfer.", ["Ruzhdi Morina"]),
    ("We drove from Slavonski Brod to Vinkovci.", []),  # places, no person context
    ("The invoice from Burkina Faso was paid.", []),  # a country
    ("The invoice from Deutsche Telekom was paid.", []),
])
def test_context_pairs(text: str, spans: list[str]) -> None:
    assert [text[s:e] for s, e in names.context_pairs(text)] == spans


@pytest.mark.parametrize("text", [
    "M. Delete any section Entitled Endorsements.",  # a list letter, not "Monsieur"
    "Detection is tuned for English text.",
    "Our office in Sri Lanka opens on Monday.",  # "Sri" before a place
    "Dr. Monday is not a name here.",
])
def test_titles_and_contexts_that_mark_no_person(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


def test_name_likeness_tells_names_from_software() -> None:
    for name in ("Tesfaye", "Oluwaseun", "Hideyuki", "Ruzhdi"):
        assert names.name_likeness(name) >= names._NAME_LIKE, name
    for word in ("Postgres", "Copilot", "Terraform", "Docker", "Outlook"):
        assert names.name_likeness(word) < names._NAME_LIKE, word


@pytest.mark.parametrize("text", [
    "Thanks to Docker the deploy was easy.",
    "Can you ask Copilot to refactor this?",
    "Postgres wrote the WAL to disk.",
    "Let Terraform manage the bucket.",
])
def test_software_in_a_person_context_is_no_person(ner: NerDetector, text: str) -> None:
    assert found(ner, text, PERSON) == []


def test_names_in_a_column_headed_as_people() -> None:
    from homeport.privacy.ner import NerDetector

    detector = NerDetector()
    text = "employee;team;start\nKowalczyk, Agnieszka;Ops;2021\nTomás Álvarez;Legal;2019"
    found = {text[f.start:f.end] for f in detector.detect(text) if f.type == "PERSON"}
    assert {"Kowalczyk, Agnieszka", "Tomás Álvarez"} <= found
    assert "Ops" not in found and "Legal" not in found


def test_places_in_a_column_headed_as_places_and_acronyms_are_neither() -> None:
    from homeport.privacy.ner import NerDetector

    detector = NerDetector()
    text = "city,stores,revenue\nOakland Park,999,$37,731.44\nHaddington,105,USD 222.77"
    found = {(f.type, text[f.start:f.end]) for f in detector.detect(text)}
    assert {("LOCATION", "Oakland Park"), ("LOCATION", "Haddington")} <= found
    for text in ("my PESEL is 500925 38219", "NIE: Y1234567X", "my NI number is on file"):
        assert detector.detect(text) == [], text
