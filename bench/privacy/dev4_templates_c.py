"""Dev set 4, part c: a third batch, written after the tuning on parts a and b and measured
before any tuning on it (document kinds and phrasings neither earlier batch uses; mostly
English, as most prompts are). Format as dev4_templates.py.
"""

from __future__ import annotations

EN = "en"
CLEAN: list[tuple[str, str, str]] = [
    ("c_en_chatlog", EN, "[[[TIME]]] [[FIRSTNAME]]: hi, I moved, new address is [[ADDRESS]]\n"
     "[[[TIME]]] agent: thanks, and your date of birth?\n[[[TIME]]] [[FIRSTNAME]]: [[DOB]]"),
    ("c_en_update_sql", EN, "UPDATE patients SET phone = '[[PHONE]]', dob = '[[DOB_ISO]]' "
     "WHERE mrn = '[[MRN]]';"),
    ("c_en_jsonrpc", EN, '{"jsonrpc": "2.0", "method": "crm.update", "params": {"contact": '
     '"[[PERSON]]", "email": "[[EMAIL]]", "mobile": "[[PHONE_E164]]"}, "id": [[AMOUNT]]}'),
    ("c_en_ticket", EN, "Ticket [[TICKET]] opened by [[PERSON]] ([[EMAIL]]): card ending "
     "[[MASKED_CARD]] was charged twice; full number on file [[CARD]]."),
    ("c_en_caption", EN, "[[NAME_CAPS]], Plaintiff, v. [[COMPANY]], Defendant. Case No. "
     "[[TICKET]]"),
    ("c_en_handover", EN, "Handover: Mr [[LASTNAME]] in bed [[BED]], hosp no [[MRN]], DOB "
     "[[DOB_COMPACT]]; wife [[FIRSTNAME]] on [[PHONE]]."),
    ("c_en_md_staff", EN, "| Employee | Start | Bank account |\n|---|---|---|\n| [[PERSON_LF]] "
     "| [[DATE]] | [[IBAN_C]] |"),
    ("c_en_boarding", EN, "BOARDING PASS [[NAME_SLASH]] [[FLIGHT]] seat [[AMOUNT]]A, passport "
     "no [[PASSPORT]], DOB [[DOB]]"),
    ("c_en_dicom", EN, "PatientName=[[NAME_HL7]] PatientID=[[MRN]] PatientBirthDate="
     "[[DOB_COMPACT]] StudyDate=[[DATE_COMPACT]]"),
    ("c_en_reference", EN, "To whom it may concern: I have known [[PERSON]] for [[AMOUNT]] "
     "years. They can be reached at [[PHONE]] or [[ADDRESS]]."),
    ("c_en_pharmacy2", EN, "Rx for [[PERSON]] (DOB: [[DOB_ISO]], MRN: [[MRN]]) - deliver to "
     "[[ADDRESS]]"),
    ("c_en_natid_line", EN, "[[PERSON]] | [[NATID]] | [[EMAIL]] | [[CITY]]"),
    ("c_en_natid_kyc", EN, "KYC: name=[[PERSON]]; id_type=national; id=[[NATID]]; "
     "dob=[[DOB_ISO]]"),
    ("c_en_natid_prose", EN, "Hi, it's [[FIRSTNAME]] again - I forgot to include my "
     "[[NATID_LABEL]] earlier, it's [[NATID]]."),
    ("c_en_natid_after_phone", EN, "Contact [[PHONE]], [[NATID_LABEL]] [[NATID]], "
     "IBAN [[IBAN]]"),
    ("c_en_dl", EN, "Driving licence [[DL]] issued to [[PERSON]] of [[ADDRESS]]."),
    ("c_en_lastname_dear", EN, "Dear Ms [[LASTNAME]],\nYour appointment on [[DATE]] is "
     "confirmed. Please bring your card ending [[MASKED_CARD]].\nRegards,\n[[PERSON]]"),
    ("c_en_city", EN, "[[PERSON]] flew from [[CITY]] yesterday and lands at [[TIME]]."),
    # ---- a few in the weak locales' languages
    ("c_pt_whatsapp", "pt", "[[FIRSTNAME]]: o meu NIF? não, o IBAN é [[IBAN]]\n[[FIRSTNAME]]: "
     "e a morada [[ADDRESS]]"),
    ("c_pl_sms", "pl", "Pani [[LASTNAME]], wynik badania gotowy. PESEL [[NATID]], data ur. "
     "[[DOB]]."),
    ("c_cs_form", "cs", "Příjmení: [[LASTNAME]] | Jméno: [[FIRSTNAME]] | Nar.: [[DOB]] | "
     "Tel.: [[PHONE]]"),
    ("c_hu_email", "hu", "Kedves [[PERSON]]!\nA megrendelésed ([[ORDER]]) a következő címre "
     "megy: [[ADDRESS]].\nÜdvözlettel:\n[[PERSON2]]"),
    ("c_hr_sms", "hr", "Poštovani [[PERSON]], vaš termin je [[DATE]]. Broj kartona: [[MRN]]."),
    ("c_da_note", "da", "Notat: [[PERSON]] (f. [[DOB]]) ringede fra [[PHONE]] om sit CPR "
     "[[NATID]]."),
    ("c_no_form", "no", "Pasient: [[NAME_CAPS]], fødselsdato [[DOB]], telefon [[PHONE]], "
     "adresse [[ADDRESS]]"),
    ("c_it_email", "it", "Gentile [[PERSON]], le confermiamo l'appuntamento del [[DATE]]. Codice "
     "fiscale registrato: [[NATID]]. Cordiali saluti, [[PERSON2]]"),
]

NEGATIVE: list[tuple[str, str, str]] = [
    ("c_en_neg_flight", EN, "Flights [[FLIGHT]] and [[FLIGHT]] are delayed; gate changes at "
     "[[TIME]]."),
    ("c_en_neg_vat", EN, "Our VAT ID is [[VATNO]]; invoices [[ORDER]] and [[ORDER]] are due "
     "[[DATE]]."),
    ("c_en_neg_ts", EN, "[[TSCOMPACT]] job [[UUID]] processed [[AMOUNT]] rows from batch "
     "[[SKU]]."),
    ("c_en_neg_product", EN, "Bestsellers: [[PRODUCT]], [[PRODUCT]], [[PRODUCT]]."),
    ("c_en_neg_luhn", EN, "Rejected test numbers: [[LUHN_BAD]], [[LUHN_BAD]]."),
]
