"""Dev set 4, part b: a second batch of templates, written after part a's first tuning round to
check that the rules found on part a generalise (document kinds and phrasings part a lacks).
Format as dev4_templates.py.
"""

from __future__ import annotations

EN = "en"
CLEAN: list[tuple[str, str, str]] = [
    # ---- English
    ("b_en_vaccine", EN, "Vaccination record - holder: [[PERSON_LF]]; born [[DOB]]; "
     "clinic ref [[MRN]]; contact [[EMAIL]]"),
    ("b_en_school", EN, "Enrolment form\nPupil: [[PERSON]]\nDate of birth: [[DOB]]\n"
     "Parent/guardian: [[PERSON2]] ([[PHONE]])\nHome address: [[ADDRESS]]"),
    ("b_en_hotel", EN, "Guest registration | [[NAME_CAPS]] | passport [[PASSPORT]] | "
     "nationality: [[CITY]] | DOB [[DOB_ISO]]"),
    ("b_en_police", EN, "Incident [[TICKET]]: the driver, [[PERSON]] (DL [[DL]]), gave "
     "[[ADDRESS]] as home address and [[PHONE]] as contact number."),
    ("b_en_contract", EN, "This agreement is made between [[COMPANY]] and [[PERSON]], born on "
     "[[DOB]], residing at [[ADDRESS]] (the Employee)."),
    ("b_en_eprescription", EN, '{"prescription": {"patientId": "[[MRN]]", "patient": '
     '{"given": "[[FIRSTNAME]]", "family": "[[LASTNAME]]", "dob": "[[DOB_ISO]]"}}}'),
    ("b_en_tsv_staff", EN, "Staff ID\tSurname\tForename\tMobile\n[[SKU]]\t[[LASTNAME]]\t"
     "[[FIRSTNAME]]\t[[PHONE]]"),
    ("b_en_chat", EN, "ok so my card got declined, number is [[CARD]] and the account is in "
     "my wife's name [[PERSON]]"),
    ("b_en_voicemail", EN, "Voicemail from [[FIRSTNAME]] at [[TIME]]: please call back on "
     "[[PHONE]] about the results for [[PERSON]], date of birth [[DOB]]."),
    ("b_en_natid_two", EN, "Both applicants: [[PERSON]] ([[NATID]]) and [[PERSON2]] "
     "([[NATID]])."),
    ("b_en_natid_colon", EN, "[[NATID_LABEL]] - [[NATID]]\nSurname - [[LASTNAME]]\n"
     "First name - [[FIRSTNAME]]"),
    ("b_en_natid_sentence", EN, "For the pension transfer we need [[PERSON]]'s "
     "[[NATID_LABEL]], which is [[NATID]], and bank details [[IBAN]]."),
    ("b_en_natid_csv2", EN, "id,full_name,[[NATID_LABEL]],city\n[[AMOUNT]],[[PERSON]],"
     "[[NATID_C]],[[CITY]]"),
    ("b_en_lab", EN, "LAB RESULT  [[NAME_HL7]]  MRN:[[MRN]]  DOB:[[DOB_COMPACT]]  "
     "HbA1c 6.1%"),
    ("b_en_parcel", EN, "Parcel [[TICKET]] for [[PERSON]], [[ADDRESS]] - could not deliver, "
     "recipient phone [[PHONE_E164]]"),
    ("b_en_court", EN, "IN THE MATTER OF [[NAME_CAPS]], deceased, late of [[ADDRESS]], who "
     "died on [[DATE]]"),
    # ---- Portuguese
    ("b_pt_consulta", "pt", "Utente [[PERSON]] (n.º processo [[MRN]]), nascido em [[DOB]], "
     "telefone [[PHONE]]."),
    ("b_pt_contrato", "pt", "Contrato de arrendamento: inquilino [[PERSON]], residente em "
     "[[ADDRESS]], NIB/IBAN [[IBAN]]."),
    ("b_pt_whats", "pt", "oi, é a [[FIRSTNAME]]! meu cel é [[PHONE]] e meu email [[EMAIL]]"),
    # ---- Hungarian
    ("b_hu_level", "hu", "Tisztelt [[PERSON]]! Értesítjük, hogy [[DATE]]-án kártyáját "
     "([[CARD]]) letiltottuk. Lakcím: [[ADDRESS]]"),
    ("b_hu_kórlap", "hu", "Kórlap - [[PERSON]], szül.: [[DOB]], azonosító: [[MRN]], "
     "tel.: [[PHONE]]"),
    # ---- Polish
    ("b_pl_umowa", "pl", "Umowa najmu: najemca [[PERSON]], PESEL [[NATID]], zamieszkały "
     "[[ADDRESS]], tel. [[PHONE]]"),
    ("b_pl_recepta", "pl", "Recepta dla: [[PERSON]], data urodzenia [[DOB]], numer karty "
     "[[MRN]]"),
    # ---- Czech
    ("b_cs_smlouva", "cs", "Nájemce: [[PERSON]], narozen [[DOB]], trvalé bydliště [[ADDRESS]],"
     " e-mail [[EMAIL]]"),
    ("b_cs_zprava", "cs", "Propouštěcí zpráva: pacient [[PERSON]], ID pacienta [[MRN]], datum "
     "nar. [[DOB]]"),
    # ---- Croatian
    ("b_hr_ugovor", "hr", "Najmoprimac: [[PERSON]], rođen [[DOB]], prebivalište [[ADDRESS]], "
     "IBAN [[IBAN]]"),
    ("b_hr_nalaz", "hr", "Nalaz za [[PERSON_LF]] (datum rođenja [[DOB]], br. kartona [[MRN]])"),
    # ---- Danish
    ("b_da_lejekontrakt", "da", "Lejer: [[PERSON]], CPR [[NATID]], nuværende adresse "
     "[[ADDRESS]], mobil [[PHONE]]"),
    ("b_da_sms", "da", "Hej [[FIRSTNAME]], din tid hos lægen er [[DATE]] kl. [[TIME]]. "
     "Journalnr [[MRN]]."),
    # ---- Norwegian
    ("b_no_leie", "no", "Leietaker: [[PERSON]], født [[DOB]], adresse [[ADDRESS]], "
     "kontonummer [[IBAN]]"),
    ("b_no_sms", "no", "Hei! Dette er [[FIRSTNAME]], nytt nummer: [[PHONE]]"),
    # ---- Italian
    ("b_it_contratto", "it", "Il conduttore [[PERSON]], nato a [[CITY]] il [[DOB]], codice "
     "fiscale [[NATID]], residente in [[ADDRESS]]"),
    ("b_it_referto", "it", "Referto - paziente [[NAME_CAPS]], data di nascita [[DOB]], "
     "n. nosologico [[MRN]]"),
    # ---- German, French, Dutch, Swedish, Spanish
    ("b_de_mietvertrag", "de", "Mieter: [[PERSON]], geboren am [[DOB]], wohnhaft in "
     "[[ADDRESS]], Tel. [[PHONE]]"),
    ("b_fr_bail", "fr", "Locataire : [[PERSON]], né(e) le [[DOB]], domicilié au [[ADDRESS]], "
     "tél. [[PHONE]]"),
    ("b_nl_huur", "nl", "Huurder: [[PERSON]], geboren op [[DOB]], BSN [[NATID]], woonadres "
     "[[ADDRESS]]"),
    ("b_sv_hyra", "sv", "Hyresgäst: [[PERSON]], personnummer [[NATID]], adress [[ADDRESS]], "
     "tel [[PHONE]]"),
    ("b_es_alquiler", "es", "Arrendatario: [[PERSON]], DNI [[NATID]], con domicilio en "
     "[[ADDRESS]], teléfono [[PHONE]]"),
]

NEGATIVE: list[tuple[str, str, str]] = [
    ("b_en_neg_stock", EN, "Stock check: [[SKU]] x[[AMOUNT]], [[SKU]] x[[AMOUNT]], next "
     "delivery [[DATE]]."),
    ("b_en_neg_meeting", EN, "Standup moved to [[TIME]] on [[DATE]]; see ticket [[TICKET]] "
     "and build [[VERSION]]."),
    ("b_en_neg_firm", EN, "[[COMPANY]] and [[COMPANY]] signed the framework agreement on "
     "[[DATE]]."),
    ("b_en_neg_menu", EN, "Specials: [[PRODUCT]], [[PRODUCT]] or [[PRODUCT]] ([[PRICE]])."),
    ("b_pl_neg_faktura", "pl", "Faktura nr [[ORDER]] z dnia [[DATE]], termin płatności "
     "[[DATE]], kwota [[PRICE]]."),
    ("b_hu_neg_szamla", "hu", "Számla sorszáma: [[ORDER]], kelt: [[DATE]], végösszeg: [[PRICE]]."),
    ("b_pt_neg_fatura", "pt", "Fatura n.º [[ORDER]] de [[DATE]], valor [[PRICE]], referência "
     "[[SKU]]."),
]
