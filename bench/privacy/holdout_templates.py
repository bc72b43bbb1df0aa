"""Templates for the hold-out set (holdout.py), written for it without reading the detector.

Slots are written [[NAME]]. Labelled slots (the span of the value is labelled with the type):
PERSON, PERSON2, FIRSTNAME (PERSON), PERSON_LF ("Family, Given"; PERSON), EMAIL, PHONE,
ADDRESS (one line), ADDRESS_ML (as a letter writes it, with line breaks), IBAN, CARD
(CREDIT_CARD), DOB (DATE_OF_BIRTH), NATID (the locale's national identifier; its type comes
with the value), PASSPORT, DL (DRIVER_LICENSE), MRN, API_KEY, IP, CITY and STREET (LOCATION;
STREET is a street named without an address).
Unlabelled slots: NATID_LABEL (what the locale calls its identifier), ORDER, PRICE, DATE,
ISODATE, TIME,
VERSION, UUID, HASH, ISBN, COMPANY, TICKET, AMOUNT.

Each template: (id, language, text). Language "en" templates serve every locale; the others
serve the locales of that language.
"""

from __future__ import annotations

CLEAN: tuple[tuple[str, str, str], ...] = (
    # --- chat messages
    ("chat_card", "en", "hey can u charge my other card instead? [[CARD]] exp 09/28 thx"),
    ("chat_move", "en", "lol we finally moved!! new place is [[ADDRESS]], come by sometime"),
    ("chat_phone", "en", "[[FIRSTNAME]] said to text her on [[PHONE]] when you land"),
    ("chat_key", "en", "ugh the deploy broke, i pasted the key [[API_KEY]] into the wrong "
                       "channel, can you rotate it?"),
    ("chat_iban", "en", "sending you the money for the tickets now, just confirm your iban is "
                        "[[IBAN]]?"),
    ("chat_intro", "en", "btw this is [[PERSON]] from accounting, cc'ing [[PERSON2]] too"),
    ("chat_natid", "en", "they keep asking me for my [[NATID_LABEL]] on the form, it's "
                         "[[NATID]], is that safe to send here?"),
    # --- e-mails
    ("mail_hr", "en", "Subject: Onboarding documents\n\nHi [[FIRSTNAME]],\n\nplease find "
                      "attached the contract for [[PERSON]]. For payroll we still need the "
                      "bank details (IBAN [[IBAN]]) and the [[NATID_LABEL]] ([[NATID]]).\n\n"
                      "Best regards,\n[[PERSON2]]"),
    ("mail_reply", "en", "On [[DATE]] [[PERSON]] <[[EMAIL]]> wrote:\n> Could you send the "
                         "invoice to my home address instead? [[ADDRESS]]"),
    ("mail_sig", "en", "Kind regards,\n[[PERSON]]\nSenior Buyer, [[COMPANY]]\nM: [[PHONE]]\n"
                       "E: [[EMAIL]]"),
    ("mail_travel", "en", "Dear travel desk, please book the flight for [[PERSON]] (passport "
                          "no. [[PASSPORT]], born [[DOB]]). Invoice to [[EMAIL]]."),
    ("mail_fwd", "en", "---------- Forwarded message ---------\nFrom: [[PERSON]] "
                       "<[[EMAIL]]>\nDate: [[DATE]]\nTo: billing\n\nMy card [[CARD]] was "
                       "charged twice for order [[ORDER]]."),
    # --- support tickets
    ("ticket_refund", "en", "Ticket [[TICKET]] | Priority: high\nCustomer: [[PERSON]]\n"
                            "Issue: refund of [[PRICE]] not received, refund requested to "
                            "IBAN [[IBAN]]\nCallback: [[PHONE]]"),
    ("ticket_login", "en", "User [[EMAIL]] cannot log in since the [[VERSION]] update; last "
                           "successful login from [[IP]] at [[TIME]]."),
    ("ticket_kyc", "en", "KYC check failed for [[PERSON]]: uploaded ID shows [[NATID]] but "
                         "the application says something else. DOB on file: [[DOB]]."),
    ("ticket_ship", "en", "Hi support, the courier left my parcel ([[ORDER]]) at the wrong "
                          "house. The right one is [[ADDRESS]]. Thanks, [[PERSON]]"),
    ("ticket_dl", "en", "Rental desk note: [[PERSON]] presented driving licence [[DL]] and "
                        "paid the deposit with card [[CARD]]."),
    ("ticket_dl_form", "en", "DL#: [[DL]]   Exp: 03/2029   Name: [[PERSON_LF]]   DOB: [[DOB]]"),
    # --- clinical notes
    ("clin_admit", "en", "ADMISSION NOTE\nPt: [[PERSON]]   MRN [[MRN]]   DOB [[DOB]]\n"
                         "CC: shortness of breath x3 days. Lives at [[ADDRESS]] with spouse."),
    ("clin_soap", "en", "S: [[FIRSTNAME]] reports worsening knee pain after the fall.\n"
                        "O: BP 128/84, HR 77. A/P: X-ray ordered; pt reachable on [[PHONE]]."),
    ("clin_referral", "en", "Referral: [[PERSON]] (hospital no. [[MRN]], born [[DOB]]) to "
                            "dermatology, urgent; GP [[PERSON2]]."),
    ("clin_lab", "en", "Lab result for patient [[PERSON_LF]], MRN: [[MRN]] - HbA1c 7.9%, "
                       "repeat in [[AMOUNT]] weeks."),
    ("clin_insurance", "en", "Insurance claim: member [[PERSON]], [[NATID_LABEL]] "
                             "[[NATID]], treated on [[DATE]] for a fractured wrist."),
    # --- legal letters
    ("legal_notice", "en", "WITHOUT PREJUDICE\n\nDear [[PERSON]],\n\nWe act for [[PERSON2]] "
                           "in relation to the property at [[ADDRESS]]. Our client demands "
                           "payment of [[PRICE]] within 14 days."),
    ("legal_caption", "en", "IN THE MATTER OF the estate of [[PERSON]], deceased, late of "
                            "[[ADDRESS]], date of birth [[DOB]]."),
    ("legal_witness", "en", "Witness statement of [[PERSON_LF]]. I live at [[ADDRESS]]. "
                            "My [[NATID_LABEL]] is [[NATID]]."),
    ("legal_poa", "en", "Power of attorney: I, [[PERSON]], born on [[DOB]], holder of "
                        "passport [[PASSPORT]], appoint [[PERSON2]] as my attorney."),
    # --- bank forms
    ("bank_form", "en", "Account holder: [[PERSON]]\nDate of birth: [[DOB]]\nIBAN: [[IBAN]]\n"
                        "Phone: [[PHONE]]\nE-mail: [[EMAIL]]"),
    ("bank_dispute", "en", "I dispute the transaction of [[PRICE]] on [[DATE]] made with "
                           "card ending in [[CARD]], cardholder [[PERSON]]."),
    ("bank_wire", "en", "Wire instructions: beneficiary [[PERSON]], IBAN [[IBAN]], reference "
                        "[[ORDER]], amount [[PRICE]]."),
    ("bank_kyc", "en", "Customer due diligence - name: [[PERSON]]; [[NATID_LABEL]]: "
                       "[[NATID]]; residential address: [[ADDRESS]]"),
    # --- CSV rows
    ("csv_customers", "en", "id,name,email,phone\n[[ORDER]],[[PERSON]],[[EMAIL]],[[PHONE]]"),
    ("csv_payroll", "en", "employee;iban;national_id;dob\n[[PERSON_LF]];[[IBAN]];[[NATID]];"
                          "[[DOB]]"),
    ("csv_ship", "en", "order_id,recipient,address,city\n[[ORDER]],[[PERSON]],"
                       "\"[[ADDRESS]]\",[[CITY]]"),
    # --- JSON snippets
    ("json_user", "en", '{"user": {"name": "[[PERSON]]", "email": "[[EMAIL]]", '
                        '"phone": "[[PHONE]]", "birthDate": "[[DOB]]"}}'),
    ("json_payment", "en", '{"tool": "create_payment", "arguments": {"iban": "[[IBAN]]", '
                           '"card": "[[CARD]]", "amount": "[[PRICE]]"}}'),
    ("json_config", "en", '{"service": "mailer", "version": "[[VERSION]]", '
                          '"api_key": "[[API_KEY]]", "region": "eu-west-1"}'),
    ("json_patient", "en", '{"resourceType": "Patient", "identifier": [{"system": "mrn", '
                           '"value": "[[MRN]]"}], "name": "[[PERSON]]", "birthDate": '
                           '"[[DOB]]"}'),
    # --- log lines
    ("log_auth", "en", "[[ISODATE]]T[[TIME]]Z WARN auth failed user=[[EMAIL]] src=[[IP]] "
                       "attempts=5"),
    ("log_req", "en", "[[IP]] - - [[[DATE]]] \"POST /api/v2/orders HTTP/1.1\" 201 512 "
                      "\"-\" \"curl/[[VERSION]]\""),
    ("log_leak", "en", "DEBUG payment.client request headers={'Authorization': 'Bearer "
                       "[[API_KEY]]'} trace=[[UUID]]"),
    ("log_pii", "en", "INFO signup completed name=\"[[PERSON]]\" phone=[[PHONE]] "
                      "address=\"[[ADDRESS]]\""),
    # --- letters with multi-line addresses
    ("letter_head", "en", "[[PERSON]]\n[[ADDRESS_ML]]\n\n[[DATE]]\n\nDear Sir or Madam,\n"
                          "I am writing to cancel my subscription."),
    # --- German
    ("de_mail", "de", "Hallo [[FIRSTNAME]],\nbitte überweise die Miete ab nächsten Monat "
                      "auf mein neues Konto: IBAN [[IBAN]]. Danke!\n[[PERSON]]"),
    ("de_form", "de", "Name: [[PERSON]], geboren am [[DOB]], wohnhaft in [[ADDRESS]], "
                      "[[NATID_LABEL]] [[NATID]]"),
    ("de_travel", "de", "Reisepass-Nr. [[PASSPORT]], Führerschein-Nr. [[DL]], Inhaber: "
                        "[[PERSON]]"),
    ("de_clin", "de", "Pat. [[PERSON]], geb. [[DOB]], Fallnummer [[MRN]], wurde heute "
                      "nach Hause entlassen. Rückfragen unter [[PHONE]]."),
    # --- French
    ("fr_mail", "fr", "Bonjour, je m'appelle [[PERSON]], mon adresse : [[ADDRESS]]. Vous "
                      "pouvez me joindre au [[PHONE]] ou par e-mail : [[EMAIL]]."),
    ("fr_bank", "fr", "Merci de prélever le montant sur le compte IBAN [[IBAN]] au nom de "
                      "[[PERSON]], né le [[DOB]]."),
    ("fr_travel", "fr", "Passager : [[PERSON]], passeport n° [[PASSPORT]], né le [[DOB]]."),
    ("fr_secu", "fr", "Pour le remboursement, mon [[NATID_LABEL]] est le [[NATID]]."),
    # --- Spanish
    ("es_form", "es", "Nombre: [[PERSON]]. Fecha de nacimiento: [[DOB]]. [[NATID_LABEL]]: "
                      "[[NATID]]. Domicilio: [[ADDRESS]]."),
    ("es_travel", "es", "Viajero: [[PERSON]], pasaporte [[PASSPORT]], fecha de nacimiento "
                        "[[DOB]]."),
    ("es_chat", "es", "Hola, soy [[FIRSTNAME]], te paso mi tarjeta para la reserva: [[CARD]] "
                      "y mi móvil [[PHONE]]"),
    # --- Italian
    ("it_letter", "it", "Gentile [[PERSON]], le confermiamo che il rimborso sarà accreditato "
                        "sull'IBAN [[IBAN]]. Cordiali saluti, [[PERSON2]]"),
    ("it_car", "it", "Noleggio auto: [[PERSON]], patente di guida n. [[DL]], carta [[CARD]]."),
    ("it_form", "it", "Il sottoscritto [[PERSON]], nato il [[DOB]], residente in [[ADDRESS]], "
                      "[[NATID_LABEL]] [[NATID]], dichiara quanto segue."),
    # --- Dutch
    ("nl_mail", "nl", "Beste [[FIRSTNAME]], kun je het bedrag overmaken naar [[IBAN]] t.n.v. "
                      "[[PERSON]]? Groet, [[PERSON2]]"),
    ("nl_travel", "nl", "Paspoortnummer [[PASSPORT]] van [[PERSON]], geboren op [[DOB]]."),
    ("nl_form", "nl", "Naam: [[PERSON]]; geboortedatum: [[DOB]]; [[NATID_LABEL]]: [[NATID]]; "
                      "adres: [[ADDRESS]]"),
    # --- Polish
    ("pl_form", "pl", "Imię i nazwisko: [[PERSON]], data urodzenia: [[DOB]], "
                      "[[NATID_LABEL]]: [[NATID]], adres: [[ADDRESS]]"),
    ("pl_chat", "pl", "Cześć, tu [[FIRSTNAME]]. Przelej proszę na konto [[IBAN]], dzięki!"),
    # --- Swedish
    ("sv_form", "sv", "Namn: [[PERSON]], [[NATID_LABEL]]: [[NATID]], adress: [[ADDRESS]], "
                      "telefon: [[PHONE]]"),
    ("sv_mail", "sv", "Hej [[FIRSTNAME]]! Pengarna kan skickas till [[IBAN]]. Hälsningar, "
                      "[[PERSON]]"),
    # --- Danish
    ("da_form", "da", "Navn: [[PERSON]], [[NATID_LABEL]]: [[NATID]], adresse: [[ADDRESS]]"),
    ("da_mail", "da", "Hej [[FIRSTNAME]], du kan ringe til mig på [[PHONE]] eller skrive til "
                      "[[EMAIL]]. Mvh [[PERSON]]"),
    # --- Norwegian
    ("no_mail", "no", "Hei [[FIRSTNAME]], fakturaen sendes til [[ADDRESS]]. Kontonummer/IBAN: "
                      "[[IBAN]]. Hilsen [[PERSON]]"),
    ("no_clin", "no", "Pasient [[PERSON]], født [[DOB]], journalnummer [[MRN]], ble innlagt "
                      "i natt."),
    # --- Finnish
    ("fi_mail", "fi", "Hei [[FIRSTNAME]], lähetä lasku osoitteeseen [[ADDRESS]]. Tilinumero "
                      "[[IBAN]]. Terveisin [[PERSON]]"),
    ("fi_form", "fi", "Nimi: [[PERSON]], syntymäaika: [[DOB]], puhelin: [[PHONE]], "
                      "sähköposti: [[EMAIL]]"),
    # --- Czech / Slovak
    ("cs_form", "cs", "Jméno: [[PERSON]], datum narození: [[DOB]], bydliště: [[ADDRESS]], "
                      "číslo účtu: [[IBAN]]"),
    ("cs_mail", "cs", "Dobrý den, jmenuji se [[PERSON]], můj telefon je [[PHONE]] a e-mail "
                      "[[EMAIL]]."),
    # --- Hungarian
    ("hu_form", "hu", "Név: [[PERSON]], születési dátum: [[DOB]], lakcím: [[ADDRESS]], "
                      "bankszámla: [[IBAN]]"),
    ("hu_chat", "hu", "Szia, [[FIRSTNAME]] vagyok, a kártyám száma [[CARD]], hívj a "
                      "[[PHONE]] számon."),
    # --- Portuguese
    ("pt_form", "pt", "Nome: [[PERSON]]; data de nascimento: [[DOB]]; morada: [[ADDRESS]]; "
                      "IBAN: [[IBAN]]"),
    ("pt_mail", "pt", "Olá [[FIRSTNAME]], o meu cartão é [[CARD]] e o telemóvel [[PHONE]]. "
                      "Obrigado, [[PERSON]]"),
    # --- Turkish
    ("tr_form", "tr", "Ad Soyad: [[PERSON]], doğum tarihi: [[DOB]], adres: [[ADDRESS]], "
                      "IBAN: [[IBAN]]"),
    ("tr_chat", "tr", "Merhaba, ben [[FIRSTNAME]]. Kart numaram [[CARD]], telefonum "
                      "[[PHONE]]."),
)

# Negatives: near misses and no labelled value except LOCATION for a city named alone.
NEGATIVE: tuple[tuple[str, str, str], ...] = (
    ("neg_order", "en", "Order [[ORDER]] shipped on [[DATE]]; tracking ref [[TICKET]], total "
                        "[[PRICE]]."),
    ("neg_version", "en", "Upgraded the cluster from [[VERSION]] to [[VERSION]] and the build "
                          "[[HASH]] passed all checks."),
    ("neg_price", "en", "The quote came to [[PRICE]] plus VAT, valid until [[DATE]]; "
                        "[[AMOUNT]] units in stock."),
    ("neg_date", "en", "The meeting was moved from [[DATE]] to [[DATE]] at [[TIME]]."),
    ("neg_isbn", "en", "Please order ISBN [[ISBN]] for the library, we need [[AMOUNT]] "
                       "copies."),
    ("neg_uuid", "en", "request_id=[[UUID]] status=200 duration_ms=[[AMOUNT]] "
                       "commit=[[HASH]]"),
    ("neg_street", "en", "Roadworks will close [[STREET]] to traffic until [[DATE]]; the "
                         "budget is [[PRICE]]."),
    ("neg_company", "en", "[[COMPANY]] reported revenue of [[PRICE]] for the quarter ending "
                          "[[DATE]]."),
    ("neg_city", "en", "Our next offsite will probably be in [[CITY]], dates to be "
                       "confirmed."),
    ("neg_city_csv", "en", "city,stores,revenue\n[[CITY]],[[AMOUNT]],[[PRICE]]"),
    ("neg_json", "en", '{"sku": "[[ORDER]]", "price": "[[PRICE]]", "updated": "[[DATE]]", '
                       '"etag": "[[HASH]]"}'),
    ("neg_log", "en", "[[ISODATE]] [[TIME]] INFO worker-3 processed batch [[ORDER]] in "
                      "[[AMOUNT]] ms (v[[VERSION]])"),
    ("neg_secret_talk", "en", "Never paste your API key or password into chat; use the "
                              "vault and rotate tokens every [[AMOUNT]] days."),
    ("neg_placeholder", "en", "export API_KEY=<your-key-here>\nexport DB_PASSWORD=${SECRET}"),
    ("neg_invoice", "en", "Invoice [[ORDER]] dated [[DATE]]: [[AMOUNT]] x licence at "
                          "[[PRICE]], due in 30 days."),
    ("neg_de", "de", "Bestellung [[ORDER]] vom [[DATE]], Gesamtbetrag [[PRICE]], Lieferung "
                     "in [[AMOUNT]] Tagen."),
    ("neg_fr", "fr", "Commande [[ORDER]] du [[DATE]] : [[AMOUNT]] articles pour [[PRICE]]."),
    ("neg_es", "es", "Pedido [[ORDER]] con fecha [[DATE]], importe [[PRICE]]."),
    ("neg_nl", "nl", "Bestelling [[ORDER]] van [[DATE]] is verzonden, totaal [[PRICE]]."),
    ("neg_pl", "pl", "Zamówienie [[ORDER]] z dnia [[DATE]], kwota [[PRICE]]."),
)

# Evasion contexts: [[V]] is the obfuscated value, [[L]] what it is called.
EVASION_CONTEXTS: tuple[str, ...] = (
    "my [[L]] is [[V]] - please update the record",
    "[[L]]: [[V]]",
    "Customer wrote: \"[[L]] [[V]]\", can you check it?",
    "please store [[V]] as the [[L]] for this user",
    "Hi, for the form you need my [[L]]:\n[[V]]\nthanks",
)
JSON_CONTEXT = '{"name": "update_profile", "arguments": "{\\"[[K]]\\": \\"[[V]]\\"}"}'

# What a type is called in English and, where the locale has its own word, locally.
ID_LABELS: dict[str, tuple[str, str]] = {
    "SSN": ("SSN", "social security number"),
    "UK_NINO": ("National Insurance number", "NI number"),
    "UK_NHS": ("NHS number", "NHS no."),
    "CA_SIN": ("SIN", "social insurance number"),
    "DE_TAX_ID": ("tax ID", "Steuer-ID"),
    "FR_NIR": ("social security number", "numéro de sécurité sociale"),
    "ES_DNI": ("DNI", "DNI"),
    "ES_NIE": ("NIE", "NIE"),
    "IT_FISCAL_CODE": ("fiscal code", "codice fiscale"),
    "NL_BSN": ("BSN", "burgerservicenummer"),
    "SE_PERSONNUMMER": ("personal identity number", "personnummer"),
    "DK_CPR": ("CPR number", "CPR-nr."),
    "PL_PESEL": ("PESEL", "PESEL"),
    "IN_AADHAAR": ("Aadhaar number", "Aadhaar no."),
    "CREDIT_CARD": ("card number", "card number"),
    "IBAN": ("IBAN", "IBAN"),
    "API_KEY": ("API key", "token"),
}
JSON_KEYS = {"CREDIT_CARD": "card_number", "IBAN": "iban", "API_KEY": "api_key",
             "SSN": "ssn"}
