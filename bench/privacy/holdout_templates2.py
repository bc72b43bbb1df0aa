"""Template set 2 for the hold-out set (holdout.py --templates 2).

Written after the detector had been tuned on the misses of set 1 (holdout_templates.py), and
without reading the detector's source, its tests or any results: a fresh set of document kinds
and phrasings (SMS, voicemail transcripts, insurance claims, onboarding and enrolment forms,
pharmacy refills, rental applications, customs declarations, court filings, bank chat bots,
YAML/INI/.env config, SQL, Markdown tables, quoted e-mail threads, meeting notes, ...), about
half of them in languages other than English.

Same structure and slot names as holdout_templates.py (see its docstring): each template is
(id, language, text); "en" templates serve every locale, the others the locales of that
language. Set 2 has its own evasion contexts (the obfuscations themselves are those of
holdout_ids.py, shared with set 1); identifier labels are set 1's.
"""

from __future__ import annotations

from holdout_templates import ID_LABELS, JSON_KEYS  # noqa: F401  (what identifiers are called)

CLEAN: tuple[tuple[str, str, str], ...] = (
    # --- SMS and messenger
    ("s2_sms_buzzer", "en", "SMS from [[PHONE]]: hi its [[FIRSTNAME]], im outside "
                            "[[ADDRESS]] but the buzzer is broken, can u come down"),
    ("s2_slack_handoff", "en", "@[[FIRSTNAME]] can you send the contract to [[PERSON]]? her "
                               "mobile is [[PHONE]] and she's at [[ADDRESS]] until Tuesday"),
    ("s2_sms_reminder", "en", "Reminder: [[FIRSTNAME]], your appointment is on [[DATE]] at "
                              "[[TIME]]. Reply STOP to opt out. Questions? Call [[PHONE]]"),
    # --- voicemail
    ("s2_voicemail", "en", "Voicemail transcript (0:42): \"Hi, this is [[PERSON]] calling "
                           "about my claim, um, my date of birth is [[DOB]] and you can reach "
                           "me at [[PHONE]], that's my cell. Thanks, bye.\""),
    # --- insurance, HR, school, pharmacy, rental, customs, court
    ("s2_claim_form", "en", "CLAIM FORM - Section B\nPolicyholder: [[PERSON_LF]]\nDate of "
                            "birth: [[DOB]]\n[[NATID_LABEL]]: [[NATID]]\nLoss location: "
                            "[[ADDRESS]]\nPayout account (IBAN): [[IBAN]]"),
    ("s2_onboarding", "en", "New hire checklist for [[PERSON]] (start [[DATE]]):\n- [x] "
                            "signed contract\n- [x] [[NATID_LABEL]] provided: [[NATID]]\n- [ ] "
                            "emergency contact [[PERSON2]], [[PHONE]]\n- [ ] laptop shipped to "
                            "[[ADDRESS]]"),
    ("s2_enrolment", "en", "Enrolment form - Year 7\nPupil: [[PERSON]], born [[DOB]]\n"
                           "Parent/guardian: [[PERSON2]]\nHome address: [[ADDRESS]]\nContact "
                           "e-mail: [[EMAIL]]"),
    ("s2_rx_refill", "en", "Rx refill request: patient [[PERSON]], DOB [[DOB]], chart "
                           "#[[MRN]], atorvastatin 20 mg x 90. Deliver to [[ADDRESS]]; text "
                           "[[PHONE]] when ready."),
    ("s2_rental_app", "en", "Rental application - applicant [[PERSON]], current address "
                            "[[ADDRESS]], monthly income [[PRICE]], reference: [[PERSON2]] "
                            "([[EMAIL]]). Consent to credit check: yes, [[NATID_LABEL]] "
                            "[[NATID]]."),
    ("s2_customs", "en", "CUSTOMS DECLARATION CN23\nSender: [[PERSON]], [[ADDRESS]]\n"
                         "Contents: [[AMOUNT]] books, value [[PRICE]]\nSender's passport: "
                         "[[PASSPORT]]"),
    ("s2_court", "en", "Case No. [[TICKET]]\nPLAINTIFF: [[PERSON]], residing at [[ADDRESS]]\n"
                       "v.\nDEFENDANT: [[PERSON2]]\nThe plaintiff was born on [[DOB]]."),
    ("s2_accident", "en", "Accident report: the other driver, [[PERSON]], showed licence no. "
                          "[[DL]] and gave [[ADDRESS]] as home address; policy [[ORDER]]."),
    ("s2_hotel", "en", "Guest registration: [[PERSON_LF]] | passport [[PASSPORT]] | DOB "
                       "[[DOB]] | card on file [[CARD]]"),
    ("s2_tax_return", "en", "Taxpayer: [[PERSON]]; [[NATID_LABEL]]: [[NATID]]; refund to "
                            "account [[IBAN]]; daytime phone [[PHONE]]"),
    ("s2_pnr", "en", "PNR [[TICKET]] / PAX 1: [[PERSON]] / DOCS passport [[PASSPORT]] / DOB "
                     "[[DOB]] / CTCE [[EMAIL]]"),
    ("s2_specimen", "en", "Specimen label: [[PERSON_LF]] / MRN [[MRN]] / DOB [[DOB]] / "
                          "collected [[ISODATE]] [[TIME]]"),
    ("s2_gym", "en", "Membership [[ORDER]] - [[PERSON]], direct debit from IBAN [[IBAN]], "
                     "emergency contact [[PERSON2]] on [[PHONE]]"),
    ("s2_dropoff", "en", "Drop-off note: leave it at the side door of [[ADDRESS]], ask for "
                         "[[FIRSTNAME]], call [[PHONE]] if the gate is locked"),
    ("s2_volunteer", "en", "Thanks for signing up, [[PERSON]]! We have you down as born "
                           "[[DOB]], living in [[CITY]], reachable at [[EMAIL]]."),
    ("s2_itinerary", "en", "Itinerary for [[PERSON]]: fly to [[CITY]] on [[DATE]], hotel "
                           "guaranteed with card [[CARD]]."),
    # --- bank chat bot
    ("s2_bankbot", "en", "Bot: For security, please confirm your full name and the card you "
                         "last used.\nYou: [[PERSON]], card [[CARD]]\nBot: Thanks! We sent a "
                         "code to [[PHONE]]."),
    # --- config and code
    ("s2_yaml", "en", "smtp:\n  host: mail.internal\n  user: [[EMAIL]]\npayments:\n  "
                      "secret_key: [[API_KEY]]\nallowed_ips:\n  - [[IP]]"),
    ("s2_ini", "en", "[database]\nhost = [[IP]]\nport = 5432\n\n[notifications]\nadmin_email "
                     "= [[EMAIL]]\ntoken = [[API_KEY]]"),
    ("s2_env", "en", "# .env.production\nDB_HOST=[[IP]]\nLLM_API_KEY=[[API_KEY]]\n"
                     "SUPPORT_EMAIL=[[EMAIL]]"),
    ("s2_sql_customer", "en", "INSERT INTO customers (full_name, email, phone, dob) VALUES "
                              "('[[PERSON]]', '[[EMAIL]]', '[[PHONE]]', '[[DOB]]');"),
    ("s2_sql_payout", "en", "INSERT INTO payouts (amount, holder, iban, paid_on) VALUES "
                            "([[AMOUNT]], '[[PERSON_LF]]', '[[IBAN]]', '[[ISODATE]]');"),
    ("s2_jsonl_log", "en", '{"level":"error","msg":"payment declined","card":"[[CARD]]",'
                           '"customer":"[[EMAIL]]","ip":"[[IP]]"}'),
    ("s2_git_commit", "en", "commit [[HASH]]\nAuthor: [[PERSON]] <[[EMAIL]]>\nDate:   "
                            "[[DATE]]\n\n    remove hardcoded key [[API_KEY]] from settings"),
    # --- Markdown tables
    ("s2_md_contacts", "en", "| Name | Email | Phone |\n|---|---|---|\n| [[PERSON]] | "
                             "[[EMAIL]] | [[PHONE]] |\n| [[PERSON2]] | - | - |"),
    ("s2_md_ids", "en", "| employee | [[NATID_LABEL]] | born |\n|---|---|---|\n| [[PERSON]] | "
                        "[[NATID]] | [[DOB]] |"),
    # --- e-mail threads and meeting notes
    ("s2_quoted", "en", "Sure, done.\n\n> On [[DATE]], [[PERSON]] wrote:\n> > can you change "
                        "my payout IBAN to [[IBAN]]?\n> > thanks, [[FIRSTNAME]]"),
    ("s2_meeting", "en", "Meeting notes [[ISODATE]]\nAttendees: [[PERSON]], [[PERSON2]]\n"
                         "Action: [[FIRSTNAME]] to e-mail the signed NDA to [[EMAIL]] by "
                         "Friday."),
    # --- German
    ("s2_de_sms", "de", "Hi [[FIRSTNAME]], hier die neue Handynummer von [[PERSON]]: "
                        "[[PHONE]]. Neue Anschrift: [[ADDRESS]]."),
    ("s2_de_schaden", "de", "Schadensmeldung\nVersicherungsnehmer: [[PERSON]]\nGeburtsdatum: "
                            "[[DOB]]\nSchadensort: [[ADDRESS]]\nBankverbindung: [[IBAN]]"),
    ("s2_de_personal", "de", "Personalbogen: [[PERSON_LF]] | [[NATID_LABEL]] [[NATID]] | "
                             "IBAN [[IBAN]] | private E-Mail [[EMAIL]]"),
    ("s2_de_apotheke", "de", "Rezeptvorbestellung für [[PERSON]] (geb. [[DOB]]), "
                             "Patienten-Nr. [[MRN]]; bitte Rückruf unter [[PHONE]]."),
    # --- French
    ("s2_fr_sms", "fr", "Coucou c'est [[FIRSTNAME]] ! Mon nouveau numéro : [[PHONE]]. Et "
                        "l'adresse pour samedi : [[ADDRESS]]"),
    ("s2_fr_sinistre", "fr", "Déclaration de sinistre – assuré : [[PERSON]], né(e) le [[DOB]], "
                             "[[NATID_LABEL]] : [[NATID]], IBAN : [[IBAN]]"),
    ("s2_fr_ecole", "fr", "Fiche d'inscription scolaire\nÉlève : [[PERSON]]\nDate de "
                          "naissance : [[DOB]]\nResponsable légal : [[PERSON2]], tél. "
                          "[[PHONE]], courriel [[EMAIL]]"),
    # --- Spanish
    ("s2_es_sms", "es", "Hola [[FIRSTNAME]], soy [[PERSON]]. Mi nuevo correo es [[EMAIL]] y "
                        "mi dirección [[ADDRESS]]. ¡Un abrazo!"),
    ("s2_es_alquiler", "es", "Solicitud de alquiler: [[PERSON]], [[NATID_LABEL]] [[NATID]], "
                             "nacido el [[DOB]], cuenta para domiciliación [[IBAN]]."),
    ("s2_es_farmacia", "es", "Receta renovada para [[PERSON]], historia clínica n.º [[MRN]]; "
                             "avisar al [[PHONE]] cuando esté lista."),
    # --- Italian
    ("s2_it_sinistro", "it", "Denuncia di sinistro: assicurato [[PERSON]], nato il [[DOB]], "
                             "[[NATID_LABEL]] [[NATID]], residente in [[ADDRESS]]."),
    ("s2_it_sms", "it", "Ciao [[FIRSTNAME]], ti giro il numero di [[PERSON]]: [[PHONE]]. La "
                        "sua mail è [[EMAIL]]."),
    ("s2_it_iscrizione", "it", "Modulo di iscrizione: alunno [[PERSON]], data di nascita "
                               "[[DOB]], genitore [[PERSON2]], IBAN per il rimborso [[IBAN]]."),
    # --- Dutch
    ("s2_nl_huur", "nl", "Huuraanvraag van [[PERSON]], geboren [[DOB]], [[NATID_LABEL]] "
                         "[[NATID]], huidig adres [[ADDRESS]]."),
    ("s2_nl_app", "nl", "Hoi [[FIRSTNAME]]! Mijn nieuwe nummer is [[PHONE]], en maak het geld "
                        "maar over naar [[IBAN]]. Groetjes, [[PERSON]]"),
    # --- Polish
    ("s2_pl_sms", "pl", "Dzień dobry, tu [[PERSON]]. Proszę o kontakt pod numerem [[PHONE]] "
                        "lub mailowo: [[EMAIL]]."),
    ("s2_pl_najem", "pl", "Wniosek o najem: [[PERSON]], [[NATID_LABEL]] [[NATID]], ur. "
                          "[[DOB]], obecny adres: [[ADDRESS]]."),
    # --- Swedish
    ("s2_sv_sms", "sv", "Hej! Det är [[FIRSTNAME]]. För över till [[IBAN]] i stället, och "
                        "ring [[PHONE]] om något strular."),
    ("s2_sv_skada", "sv", "Skadeanmälan: försäkringstagare [[PERSON]], [[NATID_LABEL]] "
                          "[[NATID]], adress [[ADDRESS]], e-post [[EMAIL]]."),
    # --- Danish
    ("s2_da_sms", "da", "Hej [[FIRSTNAME]], husk at [[PERSON]] kommer i morgen. Hendes "
                        "nummer er [[PHONE]]."),
    ("s2_da_skole", "da", "Indskrivning: elev [[PERSON]], født [[DOB]], [[NATID_LABEL]] "
                          "[[NATID]], forælder [[PERSON2]]."),
    # --- Norwegian
    ("s2_no_sms", "no", "Hei, det er [[PERSON]]. Ny adresse fra [[DATE]]: [[ADDRESS]]. "
                        "Mobil: [[PHONE]]"),
    ("s2_no_skade", "no", "Skademelding: forsikringstaker [[PERSON]], født [[DOB]], e-post "
                          "[[EMAIL]], utbetaling til [[IBAN]]."),
    # --- Finnish
    ("s2_fi_sms", "fi", "Moi [[FIRSTNAME]]! Uusi numeroni on [[PHONE]] ja sähköposti "
                        "[[EMAIL]]. T. [[PERSON]]"),
    ("s2_fi_vahinko", "fi", "Vahinkoilmoitus: vakuutettu [[PERSON]], syntynyt [[DOB]], "
                            "osoite [[ADDRESS]], tilinumero [[IBAN]]."),
    # --- Czech
    ("s2_cs_kontakt", "cs", "Kontakt: [[PERSON]], tel. [[PHONE]], adresa [[ADDRESS]]."),
    ("s2_cs_pojistka", "cs", "Pojistná událost – pojištěný: [[PERSON]], datum narození "
                             "[[DOB]], e-mail [[EMAIL]], účet pro výplatu [[IBAN]]."),
    # --- Hungarian
    ("s2_hu_sms", "hu", "Szia! [[PERSON]] vagyok, az új számom [[PHONE]], az e-mailem "
                        "[[EMAIL]]."),
    ("s2_hu_kar", "hu", "Kárbejelentés: biztosított [[PERSON]], született [[DOB]], lakcím "
                        "[[ADDRESS]], kártyaszám [[CARD]]."),
    # --- Portuguese
    ("s2_pt_sms", "pt", "Oi [[FIRSTNAME]], aqui é [[PERSON]]. Meu novo e-mail é [[EMAIL]] e o "
                        "endereço [[ADDRESS]]. Beijos"),
    ("s2_pt_sinistro", "pt", "Participação de sinistro: segurado [[PERSON]], nascido em "
                             "[[DOB]], telefone [[PHONE]], IBAN para reembolso [[IBAN]]."),
    # --- Turkish
    ("s2_tr_mesaj", "tr", "Merhaba, yeni adresim [[ADDRESS]]. Telefon: [[PHONE]]. "
                          "Saygılarımla, [[PERSON]]"),
    ("s2_tr_hasar", "tr", "Hasar bildirimi: sigortalı [[PERSON]], doğum tarihi [[DOB]], "
                          "e-posta [[EMAIL]], IBAN [[IBAN]]."),
)

# Negatives: near misses, no labelled value except LOCATION for a city or street named alone.
NEGATIVE: tuple[tuple[str, str, str], ...] = (
    ("s2_neg_tracking", "en", "Your parcel [[TICKET]] is out for delivery; order [[ORDER]] "
                              "(total [[PRICE]]) should arrive before [[TIME]]."),
    ("s2_neg_release", "en", "Release notes [[VERSION]]: fixed a crash on startup, bumped the "
                             "parser to [[VERSION]] (commit [[HASH]])."),
    ("s2_neg_sql", "en", "SELECT sku, price FROM products WHERE updated_at > '[[ISODATE]]' "
                         "AND stock < [[AMOUNT]];"),
    ("s2_neg_yaml", "en", "image: registry.local/app:[[VERSION]]\nreplicas: [[AMOUNT]]\n"
                          "deployed: [[ISODATE]]T[[TIME]]Z\nchecksum: [[HASH]]"),
    ("s2_neg_md_books", "en", "| title | ISBN | price |\n|---|---|---|\n| Field Guide to "
                              "Mosses | [[ISBN]] | [[PRICE]] |"),
    ("s2_neg_company", "en", "Minutes: [[COMPANY]] and [[COMPANY]] signed the supply "
                             "agreement on [[DATE]]."),
    ("s2_neg_weather", "en", "Weather for [[CITY]]: 14°C and cloudy, wind 20 km/h, updated "
                             "[[TIME]]."),
    ("s2_neg_street", "en", "The [[STREET]] night market returns on [[DATE]] with [[AMOUNT]] "
                            "stalls."),
    ("s2_neg_trace", "en", "trace_id=[[UUID]] span=[[HASH]] latency=[[AMOUNT]]ms at "
                           "[[ISODATE]] [[TIME]]"),
    ("s2_neg_bill", "en", "Your bill dated [[DATE]] is [[PRICE]]. Pay by [[DATE]] to avoid a "
                          "late fee. Ref [[ORDER]]."),
    ("s2_neg_part", "en", "Replacement part [[ORDER]] fits units built after [[DATE]]; "
                          "firmware [[VERSION]] required."),
    ("s2_neg_backup", "en", "Backup started [[ISODATE]] [[TIME]], finished [[TIME]], "
                            "[[AMOUNT]] GB written."),
    ("s2_neg_dialin", "en", "Stand-up moved to [[TIME]]; dial-in code [[AMOUNT]], agenda in "
                            "ticket [[TICKET]]."),
    ("s2_neg_blank_form", "en", "Name: ____________\nDate of birth: __/__/____\nIBAN: "
                                "____ ____ ____ ____\nSignature: ____________"),
    ("s2_neg_policy", "en", "Card numbers, IBANs and passport numbers must be masked in "
                            "exports, per policy [[VERSION]] of [[DATE]]."),
    ("s2_neg_de", "de", "Sendungsnummer [[TICKET]], Bestellung [[ORDER]], Rechnungsbetrag "
                        "[[PRICE]], Softwarestand [[VERSION]]."),
    ("s2_neg_fr", "fr", "Colis [[TICKET]] expédié le [[DATE]] ; montant [[PRICE]], référence "
                        "[[ORDER]]."),
    ("s2_neg_es", "es", "Factura [[ORDER]] emitida el [[DATE]] por [[PRICE]]; libro ISBN "
                        "[[ISBN]]."),
    ("s2_neg_it", "it", "Ordine [[ORDER]] del [[DATE]], totale [[PRICE]], spedizione "
                        "[[TICKET]]."),
    ("s2_neg_sv", "sv", "Order [[ORDER]] skickades [[DATE]], summa [[PRICE]]."),
    ("s2_neg_nl", "nl", "Factuur [[ORDER]] van [[DATE]], bedrag [[PRICE]], versie "
                        "[[VERSION]]."),
)

# Evasion contexts: [[V]] is the obfuscated value, [[L]] what it is called.
EVASION_CONTEXTS: tuple[str, ...] = (
    "SMS: pls use [[V]] as my [[L]] thx",
    "| field | value |\n|---|---|\n| [[L]] | [[V]] |",
    "INSERT INTO kyc (kind, value) VALUES ('[[L]]', '[[V]]');",
    "> [[L]] (as requested): [[V]]\n\nThanks, noted.",
    "call notes - caller read out the [[L]] [[V]] and asked us to keep it on file",
)
JSON_CONTEXT = ('{"tool_calls": [{"function": {"name": "save_customer", "arguments": '
                '"{\\"[[K]]\\": \\"[[V]]\\", \\"source\\": \\"chat\\"}"}}]}')
