"""Template set 3 for the hold-out set (holdout.py --templates 3).

Written after sets 1 and 2, without reading the detector's source (src/homeport/privacy/), its
tests or its rules, and without running the detector while writing: fresh document kinds and
phrasings that neither earlier set uses. Machine formats: HL7 v2 segments, DICOM header dumps,
iCalendar and vCard records, SWIFT MT103 and SEPA XML, Postgres COPY blocks and UPDATE
statements, webhook and GraphQL payloads, Kubernetes secrets, docker-compose files, .netrc,
unified diffs, logfmt and fail2ban log lines, Java exception messages, Slack export JSON, CRM
CSV exports with E.164 numbers, TSV sheets, firewall allowlists, raw mail headers. Prose and
forms: discharge summaries and dictations, vaccination and ambulance records, a vet record, a
dental recall, prescription labels, tenancy agreements, used-car sales, parking appeals, visa
invitations, boarding passes, loan, background-check and payroll forms, KYC and support chat
transcripts, a CV header, a reference letter, a lost-property report, a courier SMS, RSVPs,
call summaries. Local templates in 17 languages (discharge letters, tenancy agreements,
payment-app messages, courier notices, ...), including Slovak, Romanian and Croatian, which
sets 1 and 2 served with Czech or English templates.

Slots as in holdout_templates.py, plus (holdout_gen.py draws them for this set only):
LASTNAME (a family name alone, after a title or in a surname column), NAME_CAPS ("FAMILY
Given"), NAME_SLASH ("FAMILY/GIVEN"), NAME_HL7 ("Family^Given"), all PERSON; PHONE_E164
(the same valid numbers, in E.164); DOB_ISO and DOB_COMPACT (YYYY-MM-DD, YYYYMMDD); IBAN_C
(an IBAN without spaces). Unlabelled: SKU, LUHN_BAD (16 digits that fail Luhn), IBAN_BAD
(wrong check digits), VATNO (company VAT numbers), FLIGHT, MASKED_CARD, DATE_COMPACT,
TSCOMPACT, DISH and EPONYM (dishes and drinks; products and things named after people or
places).

Each template: (id, language, text); "en" templates serve every locale, the others the
locales of that language (LANGS below moves sk_SK, ro_RO and hr_HR to their own languages for
this set). Identifier labels (NATID_LABEL, the evasion [[L]]) are set 1's; the obfuscations
are holdout_ids.py's; the evasion contexts are new.
"""

from __future__ import annotations

from holdout_templates import ID_LABELS, JSON_KEYS  # noqa: F401  (what identifiers are called)

# Template language per locale where it differs from holdout_gen.LOCALES (set 3 only).
LANGS = {"sk_SK": "sk", "ro_RO": "ro", "hr_HR": "hr"}
# Numeric date layouts for languages that holdout_gen.DOB_FORMATS lacks.
DOB_FORMATS = {"sk": ("%d.%m.%Y", "%d. %m. %Y")}

CLEAN: tuple[tuple[str, str, str], ...] = (
    # --- hospital and clinic documents
    ("s3_discharge", "en", "DISCHARGE SUMMARY\nPatient: [[NAME_CAPS]]    Hosp. no. [[MRN]]    "
                           "D.O.B. [[DOB]]\nAdmitted [[DATE]], discharged [[DATE]]. Diagnosis: "
                           "community-acquired pneumonia.\nFollow-up with Dr [[LASTNAME]] in "
                           "[[AMOUNT]] days; collected by [[PERSON]] ([[PHONE]])."),
    ("s3_hl7", "en", "MSH|^~\\&|LAB|MAIN|||[[TSCOMPACT]]||ADT^A04|[[AMOUNT]]|P|2.5\n"
                     "PID|1||[[MRN]]^^^MAIN^MR||[[NAME_HL7]]||[[DOB_COMPACT]]|U|||||"
                     "[[PHONE]]"),
    ("s3_dicom", "en", "(0010,0010) PatientName      PN  [[NAME_HL7]]\n(0010,0020) PatientID"
                       "        LO  [[MRN]]\n(0010,0030) PatientBirthDate DA  [[DOB_COMPACT]]\n"
                       "(0008,0020) StudyDate        DA  [[DATE_COMPACT]]"),
    ("s3_dictation", "en", "[dictation, transcribed] ...this is Doctor [[LASTNAME]] dictating a "
                           "clinic letter regarding [[PERSON]], date of birth [[DOB]], hospital "
                           "number [[MRN]], seen today in the fracture clinic, full stop, new "
                           "paragraph..."),
    ("s3_vaccine", "en", "Vaccination record - [[PERSON]] (born [[DOB]]): dose 2 given "
                         "[[DATE]], batch [[SKU]]. Next of kin: [[PERSON2]], [[PHONE]]."),
    ("s3_ambulance", "en", "EMS run sheet #[[TICKET]]\nPickup: [[ADDRESS]]\nPt: [[PERSON_LF]], "
                           "DOB per relative [[DOB]]\nCaller: [[FIRSTNAME]], callback "
                           "[[PHONE]]"),
    ("s3_dental", "en", "Dear Ms [[LASTNAME]], our records show your six-monthly check-up is "
                        "overdue (patient ref [[MRN]], date of birth on file [[DOB]]). Reply "
                        "to [[EMAIL]] or call us to book."),
    ("s3_rx_label", "en", "Rx [[ORDER]]    [[NAME_CAPS]]\nTake ONE tablet twice daily with "
                          "food\nPrescriber: Dr. [[LASTNAME]]    Qty [[AMOUNT]]    Patient ID "
                          "[[MRN]]"),
    ("s3_vet", "en", "Vet clinic record - owner [[PERSON]], [[ADDRESS]], mob. [[PHONE]]; pet: "
                     "Biscuit (beagle, 4 y), microchip scanned OK, invoice to [[EMAIL]]."),
    # --- calendar, contacts, mail headers
    ("s3_ics", "en", "BEGIN:VEVENT\nDTSTART:[[TSCOMPACT]]\nSUMMARY:Contract review\n"
                     "ORGANIZER;CN=[[PERSON]]:mailto:[[EMAIL]]\nATTENDEE;CN=[[PERSON2]]:"
                     "mailto:[[EMAIL]]\nEND:VEVENT"),
    ("s3_vcard", "en", "BEGIN:VCARD\nVERSION:3.0\nFN:[[PERSON]]\nTEL;TYPE=cell:[[PHONE_E164]]\n"
                       "EMAIL;TYPE=home:[[EMAIL]]\nBDAY:[[DOB_ISO]]\nEND:VCARD"),
    ("s3_mail_headers", "en", "Received: from relay.example.net ([[IP]])\nFrom: \"[[PERSON]]\" "
                              "<[[EMAIL]]>\nReply-To: [[EMAIL]]\nSubject: invoice [[ORDER]] "
                              "overdue"),
    # --- payments
    ("s3_swift", "en", "{1:F01BANKDEFFXXXX}{4:\n:20:[[ORDER]]\n:32A:[[DATE_COMPACT]]EUR"
                       "[[AMOUNT]],00\n:50K:/[[IBAN_C]]\n[[NAME_CAPS]]\n:59:/[[IBAN_C]]\n"
                       "[[PERSON]]\n-}"),
    ("s3_sepa_xml", "en", "<Dbtr><Nm>[[PERSON]]</Nm><PstlAdr><AdrLine>[[ADDRESS]]</AdrLine>"
                          "</PstlAdr></Dbtr><DbtrAcct><Id><IBAN>[[IBAN_C]]</IBAN></Id>"
                          "</DbtrAcct>"),
    ("s3_mandate", "en", "Direct debit mandate [[ORDER]] accepted: debtor [[PERSON]], "
                         "[[ADDRESS]], account [[IBAN]]; signed online from [[IP]] at "
                         "[[TIME]]."),
    ("s3_payout_tsv", "en", "payee\taccount\tamount\n[[PERSON]]\t[[IBAN]]\t[[PRICE]]\n"
                            "[[PERSON2]]\t[[IBAN]]\t[[PRICE]]"),
    # --- chat transcripts
    ("s3_kyc_chat", "en", "[[TIME]] agent: To finish the verification I need your "
                          "[[NATID_LABEL]] and the address on your ID.\n[[TIME]] customer: "
                          "[[NATID]]\n[[TIME]] customer: [[ADDRESS]]\n[[TIME]] agent: Thank "
                          "you, [[FIRSTNAME]], you're verified. Which card should the "
                          "deposit go on?\n[[TIME]] customer: [[CARD]]"),
    ("s3_support_chat", "en", "Chat [[TICKET]]\nvisitor: hi my order never arrived\nbot: "
                              "Sorry about that! What's the e-mail on the account?\nvisitor: "
                              "[[EMAIL]]\nbot: And a phone number we can reach you on?\n"
                              "visitor: [[PHONE]]\nvisitor: i paid with [[CARD]] if that helps"),
    ("s3_slack_json", "en", '{"type": "message", "user": "U04Q7", "text": "heads up: '
                            '[[PERSON]] says the card [[CARD]] was charged twice, reply to '
                            '[[EMAIL]]", "ts": "[[AMOUNT]].000200"}'),
    ("s3_call_summary", "en", "Call summary (auto-generated): [[PERSON]] called from [[PHONE]] "
                              "to report a new address, [[ADDRESS]], and asked for written "
                              "confirmation at [[EMAIL]]."),
    ("s3_courier_sms", "en", "[[FIRSTNAME]], your parcel [[TICKET]] arrives today between "
                             "[[TIME]] and [[TIME]] at [[ADDRESS]]. Not home? Reply 2 to "
                             "reschedule."),
    ("s3_rsvp", "en", "RSVP: [[PERSON]] + [[PERSON2]], attending both days, one vegetarian. "
                      "Please send the shuttle details to [[PHONE]] or [[EMAIL]]."),
    # --- tenancy, vehicles, fines, travel
    ("s3_tenancy", "en", "THIS TENANCY AGREEMENT is made on [[DATE]] between [[PERSON]] (\"the "
                         "Landlord\") and [[PERSON2]] (\"the Tenant\") for the property at "
                         "[[ADDRESS]]. Rent is payable monthly to [[IBAN]]."),
    ("s3_car_sale", "en", "Used vehicle sale - seller [[PERSON]], licence [[DL]]; buyer "
                          "[[PERSON2]] of [[ADDRESS]]; price [[PRICE]], paid from [[IBAN]]."),
    ("s3_parking", "en", "Re: penalty notice [[TICKET]]\nI, [[PERSON]], the registered keeper "
                         "(driving licence [[DL]]), appeal this charge. I was at [[ADDRESS]] at "
                         "the time. Please reply to [[EMAIL]]."),
    ("s3_visa_invite", "en", "LETTER OF INVITATION\nWe invite [[PERSON]], born [[DOB]], "
                             "passport number [[PASSPORT]], to attend our partner summit from "
                             "[[DATE]] to [[DATE]]. Contact: [[EMAIL]]."),
    ("s3_boarding", "en", "BOARDING PASS  [[NAME_SLASH]]  FLT [[FLIGHT]]  SEAT 14C  GATE "
                          "B[[AMOUNT]]\nTravel document: [[PASSPORT]]   DOB [[DOB]]"),
    ("s3_lost_property", "en", "Lost property report [[TICKET]]: [[PERSON]] (DOB [[DOB]]) lost "
                               "a wallet with card [[CARD]] and driving licence [[DL]] near "
                               "[[STREET]]."),
    # --- HR, finance, applications
    ("s3_loan", "en", "LOAN APPLICATION\nApplicant: [[PERSON]]\nD/O/B: [[DOB]]\n"
                      "[[NATID_LABEL]]: [[NATID]]\nEmployer: [[COMPANY]]\nSalary account: "
                      "[[IBAN]]\nDaytime phone: [[PHONE]]"),
    ("s3_background", "en", "Background check consent: I, [[PERSON]], [[NATID_LABEL]] "
                            "[[NATID]], date of birth [[DOB]], previously resident at [[ADDRESS]], "
                            "authorise the "
                            "screening. Signed [[DATE]]."),
    ("s3_payroll_change", "en", "Payroll change request - employee [[NAME_CAPS]] "
                                "([[NATID_LABEL]] [[NATID]]): from [[DATE]] pay salary into "
                                "[[IBAN]]; confirmation to [[EMAIL]]."),
    ("s3_json_kyc", "en", '{"applicant": {"full_name": "[[PERSON]]", "document": {"type": '
                          '"[[NATID_LABEL]]", "number": "[[NATID]]"}, "date_of_birth": '
                          '"[[DOB_ISO]]", "phone": "[[PHONE_E164]]", "email": "[[EMAIL]]"}}'),
    ("s3_cv", "en", "CURRICULUM VITAE\n[[PERSON]]\n[[ADDRESS_ML]]\n[[PHONE]] | [[EMAIL]]\n"
                    "Born [[DOB]] in [[CITY]]"),
    ("s3_reference", "en", "To whom it may concern: [[PERSON]] worked in our [[CITY]] office "
                           "for four years. For further details contact me, [[PERSON2]], on "
                           "[[PHONE]] or at [[EMAIL]]."),
    ("s3_library", "en", "Library card application: [[PERSON_LF]], [[ADDRESS]], [[EMAIL]]; "
                         "proof of address seen, card issued [[DATE]]."),
    ("s3_badges_tsv", "en", "first_name\tlast_name\temail\tcompany\n[[FIRSTNAME]]\t"
                            "[[LASTNAME]]\t[[EMAIL]]\t[[COMPANY]]"),
    ("s3_crm_csv", "en", 'Id,"Full Name","Mobile","Email","Mailing Street","Birthdate"\n'
                         '[[UUID]],"[[PERSON_LF]]","[[PHONE_E164]]","[[EMAIL]]","[[ADDRESS]]",'
                         '[[DOB_ISO]]'),
    ("s3_meter", "en", "Move-in meter reading [[AMOUNT]] kWh at [[ADDRESS]] for new customer "
                       "[[PERSON]]; deposit taken from card [[CARD]], bills to [[EMAIL]]."),
    # --- databases, APIs, config, code, logs
    ("s3_sql_update", "en", "UPDATE patients SET phone = '[[PHONE]]', address = '[[ADDRESS]]' "
                            "WHERE mrn = '[[MRN]]';"),
    ("s3_pg_copy", "en", "COPY public.members (id, name, email, born) FROM stdin;\n"
                         "[[AMOUNT]]\t[[PERSON]]\t[[EMAIL]]\t[[DOB_ISO]]\n\\."),
    ("s3_webhook", "en", '{"event": "customer.updated", "data": {"name": "[[PERSON]]", '
                         '"email": "[[EMAIL]]", "phone": "[[PHONE_E164]]", "address": '
                         '{"line1": "[[ADDRESS]]"}}, "livemode": true}'),
    ("s3_graphql", "en", '{"query": "mutation AddPayee($input: PayeeInput!) { addPayee(input: '
                         '$input) { id } }", "variables": {"input": {"holder": "[[PERSON]]", '
                         '"iban": "[[IBAN_C]]", "card": "[[CARD]]"}}}'),
    ("s3_k8s_secret", "en", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing-worker\n"
                            "stringData:\n  UPSTREAM_KEY: [[API_KEY]]\n  ONCALL_EMAIL: "
                            "[[EMAIL]]\n  DB_HOST: \"[[IP]]\""),
    ("s3_compose", "en", "services:\n  worker:\n    image: acme/worker:[[VERSION]]\n    "
                         "environment:\n      - SERVICE_TOKEN=[[API_KEY]]\n      - ALERT_TO="
                         "[[EMAIL]]\n    extra_hosts:\n      - \"db:[[IP]]\""),
    ("s3_netrc", "en", "# ~/.netrc\nmachine api.partner.example\n  login [[EMAIL]]\n  password "
                       "[[API_KEY]]"),
    ("s3_diff", "en", "diff --git a/app/settings.py b/app/settings.py\n@@ -12,3 +12,3 @@\n"
                      "-SERVICE_KEY = \"[[API_KEY]]\"\n+SERVICE_KEY = os.environ[\"SERVICE_KEY"
                      "\"]\n # maintainer: [[EMAIL]]\n # reported-by: [[PERSON]] <[[EMAIL]]>"),
    ("s3_logfmt", "en", "ts=[[ISODATE]]T[[TIME]]Z level=warn msg=\"profile updated\" user_id="
                        "[[AMOUNT]] new_email=[[EMAIL]] client_ip=[[IP]]"),
    ("s3_fail2ban", "en", "[[ISODATE]] [[TIME]],512 fail2ban.actions [[[AMOUNT]]]: NOTICE "
                          "[sshd] Ban [[IP]]\n[[ISODATE]] [[TIME]],907 fail2ban.actions "
                          "[[[AMOUNT]]]: NOTICE [sshd] Unban [[IP]]"),
    ("s3_java_exc", "en", "com.acme.billing.ChargeException: declined for Customer{name='"
                          "[[PERSON]]', email='[[EMAIL]]', card='[[CARD]]'}\n\tat "
                          "com.acme.billing.Charger.run(Charger.java:[[AMOUNT]])"),
    ("s3_allowlist", "en", "# VPN allowlist for remote staff\n[[IP]]    # [[PERSON]], home\n"
                           "[[IP]]    # [[PERSON2]], home"),
    ("s3_curl_401", "en", "why does this return 401?? curl -H 'x-api-key: [[API_KEY]]' "
                          "https://api.example.com/v1/users?email=[[EMAIL]]"),
    # --- travel, sign-ups, rotas
    ("s3_ferry", "en", "Ferry booking [[TICKET]]: lead passenger [[PERSON]], passport "
                       "[[PASSPORT]], DOB [[DOB]], mobile [[PHONE]]; vehicle reg. on file."),
    ("s3_embassy", "en", "Your appointment is confirmed, [[PERSON]] (passport [[PASSPORT]]). "
                         "Date of birth on the application: [[DOB]]. Bring one photo; we will "
                         "text [[PHONE]] if the slot moves."),
    ("s3_race_entry", "en", "Race entry #[[AMOUNT]]: [[PERSON]], born [[DOB]], club runner; "
                            "emergency contact [[PERSON2]] on [[PHONE]]."),
    ("s3_trip_consent", "en", "Trip consent slip - child: [[PERSON]], DOB [[DOB]]; parent's "
                              "mobile [[PHONE]]; GP: Dr [[LASTNAME]]; allergies: none known."),
    ("s3_oncall", "en", "On-call rota this week: Mon-Wed [[PERSON]] [[PHONE]], Thu-Sun "
                        "[[PERSON2]] [[PHONE]]."),
    ("s3_missed_calls", "en", "Missed calls while you were out: [[PHONE]] at [[TIME]] "
                              "([[FIRSTNAME]], wants a callback) and [[PHONE]] at [[TIME]]."),
    ("s3_terraform", "en", "variable \"api_token\" {\n  default = \"[[API_KEY]]\"\n}\n"
                           "resource \"aws_instance\" \"bastion\" {\n  private_ip = "
                           "\"[[IP]]\"\n}"),
    ("s3_notebook", "en", "In [3]: client = Client(api_key=\"[[API_KEY]]\")\nIn [4]: "
                          "client.users.lookup(\"[[EMAIL]]\")\nOut[4]: <User [[AMOUNT]]>"),
    ("s3_ci_log", "en", "Run ./deploy.sh\n  env:\n    DEPLOY_TOKEN: [[API_KEY]]\n+ ssh "
                        "deploy@[[IP]] 'systemctl restart api'\nConnection to [[IP]] closed."),
    # --- German
    ("s3_de_arztbrief", "de", "Sehr geehrte Kollegin, sehr geehrter Kollege,\nwir berichten "
                              "über [[PERSON]], geb. am [[DOB]], wohnhaft [[ADDRESS]], der "
                              "sich vom [[DATE]] bis [[DATE]] in unserer stationären Behandlung "
                              "befand (Aufnahmenummer [[MRN]])."),
    ("s3_de_mietvertrag", "de", "Mietvertrag zwischen [[PERSON]] (Vermieter) und [[PERSON2]] "
                                "(Mieter) über die Wohnung [[ADDRESS]]. Die Miete ist monatlich "
                                "im Voraus auf das Konto [[IBAN]] zu zahlen."),
    ("s3_de_lohn", "de", "Änderungsmitteilung an die Lohnbuchhaltung: [[PERSON_LF]], "
                         "[[NATID_LABEL]] [[NATID]], neue Bankverbindung [[IBAN]], "
                         "erreichbar unter [[PHONE]]."),
    ("s3_de_kfz", "de", "Kaufvertrag über ein gebrauchtes Kfz: Verkäufer [[PERSON]], "
                        "Führerscheinnummer [[DL]]; Käufer [[PERSON2]], [[ADDRESS]]; "
                        "Anzahlung per Kreditkarte [[CARD]]."),
    ("s3_de_visum", "de", "Visumantrag: [[PERSON]], Reisepassnummer [[PASSPORT]], geboren am "
                          "[[DOB]] in [[CITY]], Mobil [[PHONE]]."),
    ("s3_de_ueberweisung", "de", "Überweisungsschein zur Kardiologie: [[NAME_CAPS]], "
                                 "geb. [[DOB]], Tel. [[PHONE]], Hausärztin Dr. [[LASTNAME]]."),
    # --- French
    ("s3_fr_sortie", "fr", "Compte rendu d'hospitalisation\nPatient : [[NAME_CAPS]], né(e) le "
                           "[[DOB]], IPP [[MRN]]\nAdresse : [[ADDRESS]]\nMédecin traitant : "
                           "Dr [[LASTNAME]]"),
    ("s3_fr_bail", "fr", "Contrat de location entre le bailleur [[PERSON]] et le locataire "
                         "[[PERSON2]], [[NATID_LABEL]] [[NATID]], pour le logement situé "
                         "[[ADDRESS]]."),
    ("s3_fr_rib", "fr", "Relevé d'identité bancaire - titulaire : [[PERSON]] - IBAN : [[IBAN]] - "
                        "domiciliation : agence de [[CITY]]"),
    ("s3_fr_prefecture", "fr", "Bonjour [[FIRSTNAME]], votre rendez-vous est confirmé. Pièce "
                               "à présenter : passeport [[PASSPORT]]. Un justificatif sera "
                               "envoyé à [[EMAIL]]."),
    # --- Spanish
    ("s3_es_alta", "es", "Informe de alta: paciente [[PERSON]], fecha de nacimiento [[DOB]], "
                         "NHC [[MRN]], domicilio [[ADDRESS]]."),
    ("s3_es_kyc", "es", "Verificación de identidad: [[PERSON]], [[NATID_LABEL]] [[NATID]], "
                        "teléfono [[PHONE]], correo [[EMAIL]]."),
    ("s3_es_arrendamiento", "es", "Contrato de arrendamiento entre [[PERSON]] (arrendador) y "
                                  "[[PERSON2]] (arrendatario) de la vivienda sita en "
                                  "[[ADDRESS]]; la renta se abonará en la cuenta [[IBAN]]."),
    ("s3_es_whatsapp", "es", "[[TIME]] - [[FIRSTNAME]]: te paso los datos para el parte: "
                             "[[PERSON]], carnet de conducir [[DL]], tarjeta [[CARD]]"),
    # --- Italian
    ("s3_it_dimissione", "it", "Lettera di dimissione: paziente [[PERSON]], nato/a il [[DOB]], "
                               "cartella clinica n. [[MRN]], [[NATID_LABEL]] [[NATID]]."),
    ("s3_it_locazione", "it", "Contratto di locazione: locatore [[PERSON]], conduttore "
                              "[[PERSON2]], immobile in [[ADDRESS]], canone da versare "
                              "sull'IBAN [[IBAN]]."),
    ("s3_it_noleggio", "it", "Ciao [[FIRSTNAME]], per il noleggio mi servono il passaporto "
                             "([[PASSPORT]]), la carta per la cauzione ([[CARD]]) e una mail: va "
                             "bene [[EMAIL]]?"),
    # --- Dutch
    ("s3_nl_ontslag", "nl", "Ontslagbrief: patiënt [[PERSON]], geb. [[DOB]], patiëntnummer "
                            "[[MRN]], adres [[ADDRESS]], tel. [[PHONE]]."),
    ("s3_nl_huur", "nl", "Huurovereenkomst tussen [[PERSON]] (verhuurder) en [[PERSON2]] "
                         "(huurder), [[NATID_LABEL]] [[NATID]], betreffende [[ADDRESS]]."),
    ("s3_nl_betaalverzoek", "nl", "[[FIRSTNAME]] heeft je een betaalverzoek gestuurd van "
                                  "[[PRICE]] voor het etentje. Overmaken naar [[IBAN]] t.n.v. "
                                  "[[PERSON]]."),
    # --- Polish
    ("s3_pl_wypis", "pl", "Karta informacyjna leczenia szpitalnego: pacjent [[PERSON]], "
                          "[[NATID_LABEL]] [[NATID]], nr księgi głównej [[MRN]], adres "
                          "[[ADDRESS]]."),
    ("s3_pl_auto", "pl", "Umowa kupna-sprzedaży samochodu: sprzedający [[PERSON]], prawo jazdy "
                         "nr [[DL]]; kupujący [[PERSON2]], zam. [[ADDRESS]]."),
    ("s3_pl_kurier", "pl", "[[FIRSTNAME]], Twoja paczka zostanie dziś doręczona na adres "
                           "[[ADDRESS]]. Kurier: [[PHONE]]."),
    # --- Swedish
    ("s3_sv_remiss", "sv", "Remiss till ortopedmottagningen: [[PERSON]], [[NATID_LABEL]] "
                           "[[NATID]], adress [[ADDRESS]], tel. [[PHONE]]."),
    ("s3_sv_hyresavtal", "sv", "Hyresavtal: hyresvärd [[PERSON]], hyresgäst [[PERSON2]], "
                               "lägenheten på [[ADDRESS]]; hyran betalas till [[IBAN]]."),
    ("s3_sv_swish", "sv", "Swisha [[PRICE]] till [[PHONE]] ([[FIRSTNAME]]) eller mejla kvittot "
                          "till [[EMAIL]]."),
    # --- Danish
    ("s3_da_epikrise", "da", "Epikrise: [[PERSON]], [[NATID_LABEL]] [[NATID]], indlagt "
                             "[[DATE]], udskrevet [[DATE]]; egen læge [[PERSON2]]."),
    ("s3_da_lejekontrakt", "da", "Lejekontrakt: udlejer [[PERSON]], lejer [[PERSON2]], "
                                 "lejemålet [[ADDRESS]]; huslejen indbetales på [[IBAN]]."),
    ("s3_da_mobilepay", "da", "Hej, det er [[FIRSTNAME]]. Send de [[PRICE]] til [[PHONE]] "
                              "eller skriv til [[EMAIL]]."),
    # --- Norwegian
    ("s3_no_epikrise", "no", "Epikrise for [[PERSON]], født [[DOB]], pasientnummer [[MRN]], "
                             "bosatt [[ADDRESS]]."),
    ("s3_no_husleie", "no", "Husleiekontrakt: utleier [[PERSON]], leietaker [[PERSON2]], "
                            "tlf. [[PHONE]], depositumskonto [[IBAN]]."),
    ("s3_no_vipps", "no", "Vipps [[PRICE]] til [[PHONE]] for konsertbilletten, kvittering til "
                          "[[EMAIL]]. Hilsen [[FIRSTNAME]]"),
    # --- Finnish
    ("s3_fi_epikriisi", "fi", "Loppulausunto: potilas [[PERSON]], syntymäaika [[DOB]], "
                              "potilasnumero [[MRN]], puhelin [[PHONE]]."),
    ("s3_fi_vuokra", "fi", "Vuokrasopimus: vuokranantaja [[PERSON]], vuokralainen [[PERSON2]], "
                           "asunto [[ADDRESS]], vuokra maksetaan tilille [[IBAN]]."),
    ("s3_fi_viesti", "fi", "[[FIRSTNAME]]: moikka, tässä mun uusi osoite [[ADDRESS]] ja "
                           "sähköposti [[EMAIL]]"),
    # --- Czech
    ("s3_cs_propousteci", "cs", "Propouštěcí zpráva: pacient [[PERSON]], nar. [[DOB]], "
                                "č. chorobopisu [[MRN]], bydliště [[ADDRESS]]."),
    ("s3_cs_najem", "cs", "Nájemní smlouva: pronajímatel [[PERSON]], nájemce [[PERSON2]], byt "
                          "na adrese [[ADDRESS]], tel. [[PHONE]], nájemné na účet [[IBAN]]."),
    # --- Slovak
    ("s3_sk_prepustacia", "sk", "Prepúšťacia správa: pacient [[PERSON]], dátum narodenia "
                                "[[DOB]], číslo chorobopisu [[MRN]], telefón [[PHONE]]."),
    ("s3_sk_kupna", "sk", "Kúpna zmluva: predávajúci [[PERSON]], kupujúci [[PERSON2]], bytom "
                          "[[ADDRESS]], platba na účet [[IBAN]]."),
    ("s3_sk_kurier", "sk", "Dobrý deň, [[PERSON]], zásielku vám doručíme dnes na adresu "
                           "[[ADDRESS]]. Kuriér: [[PHONE]]."),
    # --- Hungarian
    ("s3_hu_zarojelentes", "hu", "Zárójelentés: beteg [[PERSON]], születési idő [[DOB]], "
                                 "kórlapszám [[MRN]], lakcím [[ADDRESS]]."),
    ("s3_hu_berleti", "hu", "Bérleti szerződés: bérbeadó [[PERSON]], bérlő [[PERSON2]], e-mail "
                            "[[EMAIL]]; a bérleti díjat a [[IBAN]] számlára kell utalni."),
    ("s3_hu_futar", "hu", "[[FIRSTNAME]], csomagját ma szállítjuk a [[ADDRESS]] címre. Kérdés "
                          "esetén hívja a futárt: [[PHONE]]."),
    # --- Portuguese
    ("s3_pt_alta", "pt", "Nota de alta: utente [[PERSON]], data de nascimento [[DOB]], "
                         "processo n.º [[MRN]], contacto [[PHONE]], morada [[ADDRESS]]."),
    ("s3_pt_arrendamento", "pt", "Contrato de arrendamento: senhorio [[PERSON]], inquilino "
                                 "[[PERSON2]], imóvel sito em [[ADDRESS]], renda por "
                                 "transferência para [[IBAN]]."),
    ("s3_pt_zap", "pt", "[[FIRSTNAME]]: manda o comprovante pro meu e-mail [[EMAIL]] ou no zap "
                        "[[PHONE]], valeu!"),
    # --- Turkish
    ("s3_tr_epikriz", "tr", "Epikriz: hasta [[PERSON]], doğum tarihi [[DOB]], protokol no "
                            "[[MRN]], adres [[ADDRESS]]."),
    ("s3_tr_kira", "tr", "Kira sözleşmesi: kiraya veren [[PERSON]], kiracı [[PERSON2]]; kira "
                         "bedeli [[IBAN]] numaralı hesaba yatırılacaktır."),
    ("s3_tr_kargo", "tr", "Sayın [[PERSON]], kargonuz bugün [[ADDRESS]] adresine teslim "
                          "edilecektir. Kurye: [[PHONE]]"),
    # --- Romanian
    ("s3_ro_externare", "ro", "Bilet de externare: pacient [[PERSON]], data nașterii [[DOB]], "
                              "nr. foaie de observație [[MRN]], domiciliu [[ADDRESS]]."),
    ("s3_ro_chirie", "ro", "Contract de închiriere între [[PERSON]] (proprietar) și [[PERSON2]] "
                           "(chiriaș); chiria se plătește în contul [[IBAN]]; telefon "
                           "[[PHONE]]."),
    ("s3_ro_curier", "ro", "Bună ziua, [[PERSON]]! Coletul dvs. va fi livrat azi la "
                           "[[ADDRESS]]. Curier: [[PHONE]], e-mail [[EMAIL]]."),
    # --- Croatian
    ("s3_hr_otpusno", "hr", "Otpusno pismo: pacijent [[PERSON]], datum rođenja [[DOB]], broj "
                            "povijesti bolesti [[MRN]], adresa [[ADDRESS]]."),
    ("s3_hr_najam", "hr", "Ugovor o najmu: najmodavac [[PERSON]], najmoprimac [[PERSON2]], "
                          "e-pošta [[EMAIL]], mob. [[PHONE]], najamnina na račun [[IBAN]]."),
    ("s3_hr_poruka", "hr", "Bok [[FIRSTNAME]], evo mog novog broja: [[PHONE]], a od [[DATE]] "
                           "sam na adresi [[ADDRESS]]. Pozdrav, [[PERSON]]"),
)

# Negatives: no personal data. Most carry near misses (numbers in the shape of identifiers,
# dates, product codes, masked cards, company VAT numbers, words that look like names or
# places); two name a city or street alone and label it LOCATION, as sets 1 and 2 do.
NEGATIVE: tuple[tuple[str, str, str], ...] = (
    ("s3_neg_menu", "en", "Today's specials: [[DISH]], [[DISH]] and [[DISH]], "
                          "[[PRICE]] for two."),
    ("s3_neg_catalogue", "en", "Back in stock: the [[EPONYM]] (ref [[SKU]]), [[AMOUNT]] left, "
                               "ships in [[AMOUNT]] days."),
    ("s3_neg_receipt", "en", "RECEIPT [[ORDER]]\n2 x flat white  [[PRICE]]\nCard [[MASKED_CARD]]"
                             "  auth [[AMOUNT]]\n[[ISODATE]] [[TIME]]"),
    ("s3_neg_consignment", "en", "Consignment [[LUHN_BAD]] left the hub at [[TIME]]; "
                                 "[[AMOUNT]] parcels, seal [[SKU]]."),
    ("s3_neg_iban_test", "en", "Unit test fixture: [[IBAN_BAD]] must be rejected (bad check "
                               "digits), see [[TICKET]]."),
    ("s3_neg_vat", "en", "Supplier invoice [[ORDER]]: VAT ID [[VATNO]], net [[PRICE]], due "
                         "[[DATE]]."),
    ("s3_neg_flight", "en", "Flight [[FLIGHT]] is delayed; new departure [[TIME]], rebooking "
                            "code [[TICKET]]."),
    ("s3_neg_lab_ranges", "en", "Reference ranges (analyser firmware [[VERSION]]): sodium "
                                "135-145 mmol/L, potassium 3.5-5.1 mmol/L; calibrated "
                                "[[ISODATE]] [[TIME]]."),
    ("s3_neg_rollout", "en", "deployment \"api\" successfully rolled out (revision [[AMOUNT]], "
                             "image tag [[VERSION]], digest sha256:[[HASH]])"),
    ("s3_neg_merge", "en", "commit [[HASH]]\nMerge: [[HASH]] [[HASH]]\nDate:   [[DATE]]\n\n    "
                           "Bump parser to [[VERSION]]"),
    ("s3_neg_stock_tsv", "en", "sku\tqty\tunit_price\tlast_counted\n[[SKU]]\t[[AMOUNT]]\t"
                               "[[PRICE]]\t[[ISODATE]]\n[[SKU]]\t[[AMOUNT]]\t[[PRICE]]\t"
                               "[[ISODATE]]"),
    ("s3_neg_metrics", "en", '{"metric": "p99_latency_ms", "value": [[AMOUNT]], "host": '
                             '"web-[[AMOUNT]]", "build": "[[VERSION]]", "ts": '
                             '"[[ISODATE]]T[[TIME]]Z"}'),
    ("s3_neg_hl7_ack", "en", "MSH|^~\\&|LAB|MAIN|||[[TSCOMPACT]]||ACK|[[AMOUNT]]|P|2.5\n"
                             "MSA|AA|[[AMOUNT]]"),
    ("s3_neg_renewal", "en", "Passport renewals currently take [[AMOUNT]] working days; "
                             "applications dated before [[DATE]] must be resubmitted."),
    ("s3_neg_recipe", "en", "Recipe card: [[DISH]], serves 4, 180 °C for 25 "
                            "minutes, about [[PRICE]] in ingredients."),
    ("s3_neg_city_fares", "en", "Fares to [[CITY]] drop after [[DATE]]; book before [[TIME]] "
                                "to get the [[PRICE]] rate."),
    ("s3_neg_street_marathon", "en", "Parking on [[STREET]] is suspended on [[DATE]] for the "
                                     "marathon."),
    ("s3_neg_de", "de", "Fahrplanänderung ab [[DATE]]: Linie [[AMOUNT]] fährt um [[TIME]], "
                        "Tarifstufe [[SKU]], Einzelfahrschein [[PRICE]]."),
    ("s3_neg_fr", "fr", "Ticket de caisse [[ORDER]] - carte [[MASKED_CARD]] - total [[PRICE]] "
                        "- [[DATE]] [[TIME]]"),
    ("s3_neg_es", "es", "Menú del día: [[DISH]] y [[DISH]], [[PRICE]]; reserva [[TICKET]]."),
    ("s3_neg_it", "it", "Fattura [[ORDER]], partita IVA [[VATNO]], imponibile [[PRICE]], "
                        "scadenza [[DATE]]."),
    ("s3_neg_nl", "nl", "Pakket [[LUHN_BAD]] is op [[DATE]] afgeleverd bij het "
                        "afhaalpunt, [[AMOUNT]] kg."),
    ("s3_neg_pl", "pl", "Faktura [[ORDER]] z dnia [[DATE]], NIP sprzedawcy [[VATNO]], kwota "
                        "[[PRICE]]."),
    ("s3_neg_sv", "sv", "Tåg [[AMOUNT]] avgår [[TIME]] från spår [[AMOUNT]], ombokningskod "
                        "[[TICKET]]."),
    ("s3_neg_da", "da", "Kvittering [[ORDER]], kort [[MASKED_CARD]], beløb [[PRICE]], "
                        "[[DATE]]."),
    ("s3_neg_pt", "pt", "Encomenda [[ORDER]] enviada em [[DATE]], código de lote [[SKU]], "
                        "total [[PRICE]]."),
    ("s3_neg_hu", "hu", "Rendelés [[ORDER]], kelte [[DATE]], végösszeg [[PRICE]], "
                        "cikkszám [[SKU]]."),
    ("s3_neg_tr", "tr", "Sipariş [[ORDER]], tarih [[DATE]], tutar [[PRICE]], kargo takip "
                        "[[TICKET]]."),
)

# Unlabelled values for [[DISH]] and [[EPONYM]]: dishes and drinks, and products, breeds, fonts
# and objects, named after people or places. No person or place is meant; a PERSON or LOCATION
# finding on them counts as false.
DISHES: tuple[str, ...] = (
    "Beef Wellington", "Eggs Benedict", "Caesar salad", "Peach Melba", "Waldorf salad",
    "Earl Grey tea", "Pavlova", "pizza Margherita", "Bloody Mary", "Tom Collins",
    "Black Forest gateau", "Victoria sponge", "Bakewell tart", "Eccles cakes",
    "Chelsea buns", "Boston cream pie", "Buffalo wings", "Lancashire hotpot",
    "Wiener Schnitzel", "Béarnaise sauce", "Crêpes Suzette", "Oysters Rockefeller",
    "Shirley Temple", "Arnold Palmer", "Margarita", "Salisbury steak", "Hamburg steak",
    "Caprese salad", "Nicoise salad", "Florentine biscotti", "Madeleines", "Sachertorte",
    "Linzer torte", "Bolognese sauce", "Carbonara", "Chicken Kiev", "Beef Stroganoff",
    "Welsh rarebit", "Scotch eggs", "Cobb salad",
)
EPONYMS: tuple[str, ...] = (
    "Granny Smith apples", "Chesterfield sofa", "Windsor chair", "Oxford shirt",
    "Chelsea boots", "Derby shoes", "Panama hat", "Jack Russell terrier",
    "King Charles spaniel", "Labrador puppy", "Bunsen burner", "Petri dishes",
    "Geiger counter", "Ferris wheel", "Times New Roman font", "Helvetica font",
    "Georgia typeface", "Kensington Grey paint", "Hague Blue paint", "Lincoln green fabric",
    "Rubik's cube", "Diesel generator", "Zeppelin model kit", "Mason jars", "Ritz crackers",
    "Graham crackers", "Cardigan sweater", "Wellington boots", "Bermuda shorts",
    "Jersey knit dress", "Denim jacket", "Tuxedo jacket", "Davenport desk", "Morris chair",
    "Bowie knife", "Allen key set", "Phillips screwdriver", "Stanley knife", "Fresnel lens",
    "Petersburg chair",
)

# Evasion contexts: [[V]] is the obfuscated value, [[L]] what it is called.
EVASION_CONTEXTS: tuple[str, ...] = (
    '<field name="[[L]]">[[V]]</field>',
    "type,value,status\n[[L]],[[V]],pending",
    "# TODO remove before commit - [[L]] [[V]]",
    "@ops can someone double-check this [[L]]? [[V]]",
    "OCR (page 2 of 3): [[L]] ..... [[V]] ..... signature",
)
JSON_CONTEXT = ('{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": '
                '"verify_identity", "arguments": "{\\"[[K]]\\": \\"[[V]]\\"}"}}')
