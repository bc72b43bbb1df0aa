"""Dev set 4: English templates, identifier labels and negatives (see dev4.py, README "Dev set 4").

Written for issue 12 by the engineer tuning the detector, without reading the held-out template
files; the detector is tuned on this set, so its figures are a development measure, not a
held-out one. Slots are those of holdout_gen.py ([[PERSON]], [[DOB]], [[NATID]] ...) plus the
ones dev4.py adds ([[PHONE_C]], [[DOB_YY]], [[NATID_C]], [[NATID_LABEL]], [[AGE]], [[PRODUCT]],
[[BED]], [[ZIP]]). Each entry: (template id, language, text).
"""

from __future__ import annotations

EN = "en"
CLEAN: list[tuple[str, str, str]] = [
    # ---- clinical
    ("en_ward_round", EN, "Ward round 07:30 - bed [[BED]]: [[PERSON]] ([[AGE]]y, DOB [[DOB]], "
     "MRN [[MRN]]), post-op day 2, obs stable."),
    ("en_referral_table", EN, "Referral list\n\nPatient | Hospital no. | DOB | Referred by\n"
     "--- | --- | --- | ---\n[[PERSON]] | [[MRN]] | [[DOB]] | [[PERSON2]]"),
    ("en_discharge", EN, "DISCHARGE SUMMARY\nName: [[NAME_CAPS]]\nD.O.B.: [[DOB]]\n"
     "Unit No: [[MRN]]\nAddress: [[ADDRESS]]\nGP: Dr [[LASTNAME]]"),
    ("en_lab_csv", EN, "sample_id,patient_mrn,collected,birth_date,result\n"
     "[[SKU]],[[MRN]],[[ISODATE]],[[DOB_ISO]],negative"),
    ("en_fhir", EN, '{"resourceType": "Patient", "identifier": [{"system": '
     '"urn:oid:2.16.840.1.113883.19.5", "type": {"text": "Medical record number"}, "value": '
     '"[[MRN]]"}], "name": [{"text": "[[PERSON]]"}], "birthDate": "[[DOB_ISO]]", "telecom": '
     '[{"system": "phone", "value": "[[PHONE_E164]]"}]}'),
    ("en_hl7", EN, "MSH|^~\\&|LAB|HOSP|||[[TSCOMPACT]]||ADT^A01|[[SKU]]|P|2.5\n"
     "PID|1||[[MRN]]^^^HOSP^MR||[[NAME_HL7]]||[[DOB_COMPACT]]|F|||[[ADDRESS]]"),
    ("en_triage_chat", EN, "hey can you summarise this triage note: pt [[FIRSTNAME]] "
     "[[LASTNAME]], hosp # [[MRN]], born [[DOB]], came in with chest pain, wife on "
     "[[PHONE]]"),
    ("en_pharmacy", EN, "Repeat prescription request from [[PERSON]] (date of birth "
     "[[DOB]]; record [[MRN]]) - please send to the pharmacy at [[ADDRESS]]."),
    ("en_radiology", EN, "RADIOLOGY REPORT  Pt: [[PERSON_LF]]  ID: [[MRN]]  DOB/Age: [[DOB]] "
     "([[AGE]])  Exam: CT abdomen  Date: [[DATE]]"),
    ("en_appt_sms", EN, "Reminder: [[FIRSTNAME]], your appointment is on [[DATE]] at "
     "[[TIME]]. Ref [[TICKET]]. Reply STOP to opt out or call [[PHONE]]."),
    ("en_mrn_after", EN, "Can you merge the duplicate charts? [[MRN]] (MRN) and the older one "
     "both belong to [[PERSON]], born [[DOB_ISO]]."),
    ("en_yaml_patient", EN, "patient:\n  name: [[PERSON]]\n  dob: '[[DOB_ISO]]'\n  "
     "mrn: \"[[MRN]]\"\n  phone: \"[[PHONE]]\"\n  city: [[CITY]]"),
    ("en_sql_patient", EN, "INSERT INTO patients (mrn, full_name, date_of_birth, email) VALUES "
     "('[[MRN]]', '[[PERSON]]', '[[DOB_ISO]]', '[[EMAIL]]');"),
    ("en_xml", EN, "<patient><id type=\"MRN\">[[MRN]]</id><name>[[PERSON]]</name>"
     "<dob>[[DOB_ISO]]</dob><postal>[[ADDRESS]]</postal></patient>"),
    # ---- HR, legal, finance
    ("en_onboarding", EN, "New starter: [[PERSON]]\nStart date: [[DATE]]\nDate of Birth: "
     "[[DOB]]\nHome address: [[ADDRESS_ML]]\nPersonal email: [[EMAIL]]\nMobile: [[PHONE]]"),
    ("en_payroll_tsv", EN, "employee\tbank_iban\tdob\tcity\n[[PERSON]]\t[[IBAN_C]]\t[[DOB]]\t"
     "[[CITY]]"),
    ("en_kyc", EN, "KYC check for [[PERSON]]: passport no. [[PASSPORT]], DOB [[DOB]], "
     "residential address [[ADDRESS]]. Source of funds verified against [[IBAN]]."),
    ("en_witness", EN, "I, [[PERSON]], of [[ADDRESS]], born on [[DOB]], make this statement "
     "believing it to be true."),
    ("en_tenancy", EN, "Tenancy application - applicant [[PERSON]] (born [[DOB]]), currently "
     "at [[ADDRESS]], references: [[PERSON2]], [[PHONE]]."),
    ("en_card_dispute", EN, "I want to dispute a charge of [[PRICE]] on my card [[CARD]] "
     "(expires 09/27). My name is [[PERSON]] and you can reach me at [[EMAIL]]."),
    ("en_wire", EN, "Please wire [[PRICE]] to [[PERSON]], IBAN [[IBAN]], reference "
     "[[ORDER]]. Beneficiary address: [[ADDRESS]]."),
    ("en_dl_form", EN, "Driver: [[PERSON]] | Licence No.: [[DL]] | DOB: [[DOB]] | "
     "Vehicle reg: [[SKU]]"),
    ("en_travel", EN, "Booking for [[NAME_SLASH]] on [[FLIGHT]], passport [[PASSPORT]], "
     "born [[DOB]], contact [[PHONE_E164]]."),
    ("en_insurance", EN, "Claim [[TICKET]]: policyholder [[PERSON]], date of birth [[DOB]], "
     "card on file [[CARD]], phone [[PHONE]], address [[ADDRESS]]."),
    # ---- national identifiers (only in locales that have one)
    ("en_natid_form", EN, "Full name: [[PERSON]]\n[[NATID_LABEL]]: [[NATID]]\nDate of birth: "
     "[[DOB]]"),
    ("en_natid_chat", EN, "my [[NATID_LABEL]] is [[NATID]] and my phone is [[PHONE]], can "
     "you update the record for [[PERSON]]?"),
    ("en_natid_csv", EN, "name,[[NATID_LABEL]],email\n[[PERSON]],[[NATID]],[[EMAIL]]"),
    ("en_natid_json", EN, '{"customer": {"name": "[[PERSON]]", "national_id": "[[NATID]]", '
     '"dob": "[[DOB_ISO]]"}}'),
    ("en_natid_compact", EN, "Verified ID [[NATID_C]] ([[NATID_LABEL]]) for [[PERSON]] on "
     "[[DATE]]."),
    ("en_natid_after_num", EN, "Case [[TICKET]], [[AMOUNT]] pages, [[NATID_LABEL]] "
     "[[NATID]], applicant [[PERSON]]."),
    ("en_natid_paren", EN, "The applicant ([[NATID_LABEL]] [[NATID]]) lives at [[ADDRESS]] "
     "and was born [[DOB]]."),
    ("en_natid_md", EN, "| Name | [[NATID_LABEL]] | Phone |\n|---|---|---|\n| [[PERSON]] | "
     "[[NATID]] | [[PHONE]] |"),
    ("en_natid_two", EN, "Spouse 1: [[PERSON]], [[NATID_LABEL]] [[NATID]]; spouse 2: "
     "[[PERSON2]], [[NATID_LABEL]] [[NATID]]."),
    ("en_natid_log", EN, "2024-05-02T10:22:31Z INFO kyc.verify user=[[EMAIL]] "
     "id_type=national id_value=[[NATID]] result=match"),
    ("en_natid_value_first", EN, "[[NATID]] is the [[NATID_LABEL]] of [[PERSON]], please "
     "add it to the file."),
    ("en_natid_yaml", EN, "applicant:\n  name: [[PERSON]]\n  id_number: [[NATID]]\n  "
     "iban: [[IBAN]]"),
    ("en_natid_generic", EN, "ID: [[NATID]]\nName: [[PERSON]]\nAddress: [[ADDRESS]]"),
    ("en_natid_xml", EN, "<applicant><fullName>[[PERSON]]</fullName><nationalId>[[NATID]]"
     "</nationalId><birthDate>[[DOB_ISO]]</birthDate></applicant>"),
    ("en_natid_camel", EN, '{"firstName": "[[FIRSTNAME]]", "lastName": "[[LASTNAME]]", '
     '"personalIdNumber": "[[NATID_C]]", "phoneNumber": "[[PHONE]]"}'),
    ("en_natid_kv", EN, "ts=[[ISODATE]] action=update_profile email=[[EMAIL]] "
     "personal_no=[[NATID]] ip=[[IP]]"),
    ("en_natid_line", EN, "Tel [[PHONE]] / [[NATID_LABEL]] [[NATID]] / IBAN [[IBAN]]"),
    ("en_natid_nospace", EN, "[[NATID_LABEL]]:[[NATID]] | DOB:[[DOB]] | [[PERSON]]"),
    ("en_natid_far", EN, "Please note the [[NATID_LABEL]] exactly as printed on the card "
     "issued last year: [[NATID]]. Thanks, [[FIRSTNAME]]"),
    ("en_natid_after_dob", EN, "[[PERSON]], born [[DOB]] [[NATID]], lives in [[CITY]]."),
    ("en_natid_after_amount", EN, "Refund of [[PRICE]] approved for customer [[PERSON]] "
     "([[NATID_LABEL]] [[NATID_C]])."),
    ("en_natid_tsv", EN, "ref\tname\tid_number\tdob\n[[TICKET]]\t[[PERSON]]\t[[NATID]]\t"
     "[[DOB]]"),
    ("en_natid_sql", EN, "INSERT INTO customers (name, national_id, phone) VALUES "
     "('[[PERSON]]', '[[NATID]]', '[[PHONE]]');"),
    ("en_natid_bare", EN, "Can you check whether [[NATID]] belongs to [[PERSON]]? They sent "
     "it from [[EMAIL]]."),
    ("en_natid_hash", EN, "Ticket [[TICKET]]: customer #[[AMOUNT]] asked us to correct "
     "their [[NATID_LABEL]] to [[NATID]]."),
    ("en_natid_several", EN, "Applicant [[PERSON]], [[NATID_LABEL]]: [[NATID]], passport "
     "[[PASSPORT]], card [[CARD]], mobile [[PHONE]]."),
    ("en_natid_number", EN, "The [[NATID_LABEL]] number [[NATID]] was entered twice in the "
     "form for [[PERSON]]."),
    ("en_natid_yaml2", EN, "- name: [[PERSON]]\n  id: \"[[NATID]]\"\n  born: [[DOB_ISO]]"),
    # ---- chat, mail, logs
    ("en_email_sig", EN, "Thanks for your help!\n\n[[PERSON]]\n[[ADDRESS_ML]]\n"
     "Tel: [[PHONE]]\n[[EMAIL]]"),
    ("en_fwd", EN, "---------- Forwarded message ---------\nFrom: [[PERSON]] <[[EMAIL]]>\n"
     "Date: [[DATE]]\nSubject: my details\n\nHi, my date of birth is [[DOB]] and I live at "
     "[[ADDRESS]]."),
    ("en_log_line", EN, "[[ISODATE]] [[TIME]] WARN auth failed for [[EMAIL]] from [[IP]] "
     "(attempt [[AMOUNT]])"),
    ("en_config", EN, "OPENAI_API_KEY=[[API_KEY]]\nADMIN_EMAIL=[[EMAIL]]\nALLOWED_IP=[[IP]]"),
    ("en_slack", EN, "@channel [[FIRSTNAME]] is out today, for anything urgent ping "
     "[[PERSON]] on [[PHONE]]"),
    ("en_meeting", EN, "Action items: [[PERSON]] to send the contract to [[PERSON2]] by "
     "[[DATE]]; [[FIRSTNAME]] to book a room."),
    ("en_lastname_title", EN, "Mrs [[LASTNAME]] called about her son's results; DOB "
     "[[DOB]], ward [[BED]]."),
    ("en_caps_name", EN, "PATIENT: [[NAME_CAPS]]   HOSPITAL NO: [[MRN]]   DOB: [[DOB]]"),
    ("en_delivery", EN, "Deliver to: [[PERSON]]\n[[ADDRESS_ML]]\nPhone: [[PHONE_C]]"),
    ("en_dob_yy", EN, "Pt [[PERSON]] d.o.b. [[DOB_YY]] presented with fever; MRN [[MRN]]."),
    ("en_place", EN, "The courier could not find the depot in [[CITY]], so the parcel for "
     "[[PERSON]] went back."),
    ("en_street_only", EN, "Roadworks on [[STREET]] until [[DATE]]; [[FIRSTNAME]] will "
     "drive around."),
    ("en_ip_json", EN, '{"event": "login", "user": "[[EMAIL]]", "ip": "[[IP]]", '
     '"ts": "[[ISODATE]]T[[TIME]]Z"}'),
]

# Identifier labels per type: (English labels, local labels).
ID_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SSN": (("SSN", "Social Security number", "SS no.", "social security #", "SSN/TIN"),
            ("SSN",)),
    "UK_NINO": (("NI number", "National Insurance no.", "NINO", "NI No"), ("NI number",)),
    "UK_NHS": (("NHS number", "NHS No.", "NHS no", "NHS #", "health and care number"),
               ("NHS number",)),
    "CA_SIN": (("SIN", "Social Insurance Number", "SIN #", "S.I.N."),
               ("NAS", "numéro d'assurance sociale")),
    "DE_TAX_ID": (("tax ID", "German tax ID", "TIN", "Steuer-ID"),
                  ("Steuer-ID", "Steueridentifikationsnummer", "IdNr.", "St.-IdNr.",
                   "Identifikationsnummer", "steuerliche ID")),
    "FR_NIR": (("French social security number", "INSEE number", "NIR"),
               ("n° de sécurité sociale", "NIR", "numéro INSEE", "N° SS", "n° sécu",
                "numéro de sécu")),
    "ES_DNI": (("DNI", "Spanish ID"), ("DNI", "NIF", "D.N.I.")),
    "ES_NIE": (("NIE", "foreigner ID"), ("NIE", "N.I.E.", "número de extranjero")),
    "IT_FISCAL_CODE": (("fiscal code", "codice fiscale", "tax code"),
                       ("codice fiscale", "C.F.", "cod. fiscale", "CF")),
    "NL_BSN": (("BSN", "citizen service number"),
               ("BSN", "burgerservicenummer", "BSN-nummer", "sofinummer")),
    "SE_PERSONNUMMER": (("personal identity number", "personnummer", "Swedish ID"),
                        ("personnummer", "pers.nr", "personnr", "samordningsnummer")),
    "DK_CPR": (("CPR number", "CPR", "Danish CPR no."),
               ("CPR-nr.", "CPR-nummer", "cpr nr", "personnummer", "CPR")),
    "PL_PESEL": (("PESEL", "PESEL number"), ("PESEL", "nr PESEL", "numer PESEL")),
    "IN_AADHAAR": (("Aadhaar", "Aadhaar no.", "UID", "Aadhaar number"),
                   ("Aadhaar", "UIDAI number")),
}

NEGATIVE: list[tuple[str, str, str]] = [
    ("en_neg_order", EN, "Order [[ORDER]] shipped on [[DATE]] via tracking [[TICKET]]; total "
     "[[PRICE]]."),
    ("en_neg_release", EN, "Release [[VERSION]] (commit [[HASH]]) fixes the timeout seen in "
     "build [[AMOUNT]]."),
    ("en_neg_sku_table", EN, "sku,batch,qty,expiry\n[[SKU]],[[SKU]],[[AMOUNT]],[[ISODATE]]"),
    ("en_neg_company", EN, "Quote from [[COMPANY]] received; [[COMPANY]] has not replied yet."),
    ("en_neg_product", EN, "Lunch menu today: [[PRODUCT]] and [[PRODUCT]], [[PRICE]] each."),
    ("en_neg_luhn", EN, "Test card numbers such as [[LUHN_BAD]] are rejected by the gateway."),
    ("en_neg_iban_bad", EN, "The IBAN [[IBAN_BAD]] failed validation, please re-check it."),
    ("en_neg_vat", EN, "Invoice [[ORDER]] - supplier VAT no. [[VATNO]], due [[DATE]]."),
    ("en_neg_masked", EN, "Payment received from card [[MASKED_CARD]] for invoice [[ORDER]]."),
    ("en_neg_flight", EN, "Flight [[FLIGHT]] departs [[TIME]], gate B[[AMOUNT]], seat "
     "[[AMOUNT]]C."),
    ("en_neg_ts", EN, "job=[[UUID]] started=[[TSCOMPACT]] finished=[[DATE_COMPACT]] "
     "rows=[[AMOUNT]]"),
    ("en_neg_visit_dates", EN, "Clinic hours changed: from [[DATE]] the ward opens at "
     "[[TIME]]; the next audit is on [[ISODATE]]."),
    ("en_neg_isbn", EN, "Reading list: ISBN [[ISBN]] and ISBN [[ISBN]], both due [[DATE]]."),
    ("en_neg_weather", EN, "Forecast for [[CITY]]: rain from [[TIME]], [[AMOUNT]] mm expected."),
    ("en_neg_prose", EN, "Never paste your password or API key into a ticket; rotate the key "
     "every [[AMOUNT]] days."),
    ("en_neg_room", EN, "Meeting room [[AMOUNT]] on floor [[AMOUNT]] is booked from [[TIME]] "
     "for the [[COMPANY]] review."),
    ("en_neg_blank", EN, "Name: ________  Date of birth: __/__/____  MRN: ________"),
    ("en_neg_sensor", EN, "sensor [[SKU]] reading [[AMOUNT]].[[AMOUNT]] at [[ISODATE]] [[TIME]]"
     ", firmware [[VERSION]]"),
]

# Dishes, products and objects named after people or places (no entity): dev4's own list.
PRODUCTS = ("Caesar salad", "Beef Wellington", "Eggs Benedict", "Black Forest gateau",
            "Peach Melba", "Earl Grey tea", "Victoria sponge", "Waldorf salad", "Margherita "
            "pizza", "Chicken Kiev", "Bolognese", "Sachertorte", "Pavlova", "Stroganoff",
            "Wiener schnitzel", "Frankfurter", "Hamburger", "Parmesan risotto", "Dijon mustard",
            "Champagne truffles", "Cheddar toastie", "Lamington", "Madeleines", "Bakewell tart",
            "Cornish pasty", "Brussels sprouts", "Danish pastry", "Swiss roll", "Boston cream pie",
            "Nicoise salad", "Cuban sandwich", "Tabasco wings", "Jersey potatoes")
