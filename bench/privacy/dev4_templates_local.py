"""Dev set 4: templates in the locales' own languages (see dev4_templates.py for the format).

Weighted towards the languages of the locales that held-out set 3 found weakest (Portuguese,
Hungarian, Polish, Czech, Croatian, Danish, Norwegian, Italian), with a few in German, French,
Dutch, Swedish, Spanish, Finnish, Slovak, Romanian and Turkish. Labels as forms, letters,
messages and exports in each language write them, with their abbreviations.
"""

from __future__ import annotations

CLEAN: list[tuple[str, str, str]] = [
    # ---- Portuguese (pt_PT, pt_BR)
    ("pt_ficha", "pt", "Ficha do utente\nNome: [[PERSON]]\nData de nascimento: [[DOB]]\n"
     "N.º processo: [[MRN]]\nMorada: [[ADDRESS]]\nTelemóvel: [[PHONE]]"),
    ("pt_msg", "pt", "Bom dia, sou a [[PERSON]] (nascida em [[DOB]]) e queria marcar consulta. "
     "O meu número de processo é [[MRN]] e o e-mail [[EMAIL]]."),
    ("pt_pipe", "pt", "Paciente: [[NAME_CAPS]] | Prontuário: [[MRN]] | DN: [[DOB]] | Tel.: "
     "[[PHONE]]"),
    ("pt_transfer", "pt", "Transferência de [[PRICE]] para [[PERSON]], IBAN [[IBAN]], "
     "referência [[ORDER]]."),
    ("pt_csv", "pt", "nome;data_nascimento;cidade;telefone\n[[PERSON]];[[DOB]];[[CITY]];"
     "[[PHONE]]"),
    ("pt_letter", "pt", "Exmo. Sr. [[LASTNAME]],\nInformamos que o cartão [[CARD]] foi "
     "bloqueado. Morada de envio:\n[[ADDRESS_ML]]"),
    ("pt_travel", "pt", "Passageiro [[NAME_SLASH]], passaporte n.º [[PASSPORT]], data nasc. "
     "[[DOB]], contacto [[PHONE_E164]]"),
    ("pt_registo", "pt", "Registo clínico n.º [[MRN]] - [[PERSON_LF]], [[AGE]] anos, nasc. "
     "[[DOB]], residente em [[ADDRESS]]."),
    ("pt_json", "pt", '{"nome": "[[PERSON]]", "dataNascimento": "[[DOB_ISO]]", "email": '
     '"[[EMAIL]]", "morada": "[[ADDRESS]]"}'),
    ("pt_carta", "pt", "Carta de condução n.º [[DL]] emitida em nome de [[PERSON]], nascido a "
     "[[DOB]]."),
    # ---- Hungarian
    ("hu_form", "hu", "Beteg neve: [[PERSON]]\nSzületési dátum: [[DOB]]\nKórlapszám: [[MRN]]\n"
     "Lakcím: [[ADDRESS]]\nTelefon: [[PHONE]]"),
    ("hu_sms", "hu", "Kedves [[PERSON]]! Időpontja: [[DATE]] [[TIME]]. Betegazonosító: "
     "[[MRN]]."),
    ("hu_born", "hu", "[[PERSON]] (szül. [[DOB]]) lakcíme: [[ADDRESS]], e-mail: [[EMAIL]]"),
    ("hu_transfer", "hu", "Átutalás: [[PRICE]], kedvezményezett: [[PERSON]], számlaszám "
     "(IBAN): [[IBAN]], közlemény: [[ORDER]]"),
    ("hu_csv", "hu", "név;születési_dátum;város;telefonszám\n[[PERSON]];[[DOB]];[[CITY]];"
     "[[PHONE]]"),
    ("hu_passport", "hu", "Útlevélszám: [[PASSPORT]], név: [[NAME_CAPS]], született: [[DOB]]"),
    ("hu_ambulans", "hu", "Ambuláns lap - Név: [[PERSON_LF]], Törzsszám: [[MRN]], Szül. idő: "
     "[[DOB]], Anyja neve: [[PERSON2]]"),
    ("hu_dl", "hu", "Jogosítvány száma: [[DL]], tulajdonos: [[PERSON]], lakcím: [[ADDRESS]]"),
    ("hu_card", "hu", "Bankkártya: [[CARD]], kártyabirtokos: [[PERSON]], tel.: [[PHONE]]"),
    # ---- Polish
    ("pl_form", "pl", "Imię i nazwisko: [[PERSON]]\nData urodzenia: [[DOB]]\nPESEL: [[NATID]]\n"
     "Adres: [[ADDRESS]]"),
    ("pl_patient", "pl", "Pacjent [[PERSON]], ur. [[DOB]], nr historii choroby [[MRN]], tel. "
     "[[PHONE]]"),
    ("pl_transfer", "pl", "Proszę o przelew [[PRICE]] na rachunek [[IBAN]] (odbiorca: "
     "[[PERSON]], tytuł: [[ORDER]])."),
    ("pl_msg", "pl", "Dzień dobry, nazywam się [[PERSON]], mój numer PESEL to [[NATID]], a "
     "e-mail [[EMAIL]]."),
    ("pl_csv", "pl", "imie_nazwisko;pesel;miasto\n[[PERSON]];[[NATID]];[[CITY]]"),
    ("pl_karta", "pl", "Karta pacjenta nr [[MRN]] - [[NAME_CAPS]], data ur. [[DOB]], adres "
     "zamieszkania: [[ADDRESS]]"),
    ("pl_docs", "pl", "Paszport nr [[PASSPORT]], prawo jazdy nr [[DL]], właściciel: [[PERSON]]"),
    ("pl_letter", "pl", "Szanowna Pani [[LASTNAME]], przypominamy o wizycie [[DATE]] o godz. "
     "[[TIME]]. Nr pacjenta: [[MRN]]."),
    ("pl_json", "pl", '{"imie": "[[FIRSTNAME]]", "nazwisko": "[[LASTNAME]]", "pesel": '
     '"[[NATID]]", "telefon": "[[PHONE]]"}'),
    # ---- Czech
    ("cs_form", "cs", "Jméno a příjmení: [[PERSON]]\nDatum narození: [[DOB]]\nČíslo pacienta: "
     "[[MRN]]\nBydliště: [[ADDRESS]]\nTelefon: [[PHONE]]"),
    ("cs_patient", "cs", "Pacientka [[PERSON]], nar. [[DOB]], ID pacienta [[MRN]], přijata "
     "[[DATE]]."),
    ("cs_transfer", "cs", "Prosím o převod [[PRICE]] na účet [[IBAN]], příjemce [[PERSON]], "
     "variabilní symbol [[ORDER]]."),
    ("cs_csv", "cs", "jmeno;datum_narozeni;mesto;email\n[[PERSON]];[[DOB]];[[CITY]];[[EMAIL]]"),
    ("cs_letter", "cs", "Vážený pane [[LASTNAME]], Vaše karta [[CARD]] byla zablokována. "
     "Kontakt: [[PHONE]]."),
    ("cs_docs", "cs", "Cestovní pas č. [[PASSPORT]], řidičský průkaz č. [[DL]], držitel "
     "[[NAME_CAPS]], narozen [[DOB]]."),
    ("cs_chorobopis", "cs", "Číslo chorobopisu: [[MRN]] | [[PERSON_LF]] | [[DOB]] | "
     "[[ADDRESS]]"),
    ("cs_chat", "cs", "Ahoj, tady [[FIRSTNAME]], moje nová adresa je [[ADDRESS]] a číslo "
     "[[PHONE]]."),
    # ---- Slovak
    ("sk_form", "sk", "Meno a priezvisko: [[PERSON]]\nDátum narodenia: [[DOB]]\nČíslo "
     "pacienta: [[MRN]]\nAdresa: [[ADDRESS]]"),
    ("sk_patient", "sk", "Pacient [[PERSON]], nar. [[DOB]], tel. [[PHONE]], e-mail [[EMAIL]]"),
    ("sk_transfer", "sk", "Platba [[PRICE]] na účet [[IBAN]], príjemca [[PERSON]]."),
    # ---- Croatian
    ("hr_form", "hr", "Ime i prezime: [[PERSON]]\nDatum rođenja: [[DOB]]\nBroj povijesti "
     "bolesti: [[MRN]]\nAdresa: [[ADDRESS]]\nTel: [[PHONE]]"),
    ("hr_patient", "hr", "Pacijent [[PERSON]], rođen [[DOB]], matični broj pacijenta [[MRN]], "
     "primljen [[DATE]]."),
    ("hr_transfer", "hr", "Molim uplatu [[PRICE]] na IBAN [[IBAN]], primatelj [[PERSON]], "
     "poziv na broj [[ORDER]]."),
    ("hr_csv", "hr", "ime;prezime;datum_rodjenja;grad\n[[FIRSTNAME]];[[LASTNAME]];[[DOB]];"
     "[[CITY]]"),
    ("hr_letter", "hr", "Poštovana gospođo [[LASTNAME]], vaša kartica [[CARD]] je blokirana. "
     "Kontakt: [[EMAIL]]"),
    ("hr_docs", "hr", "Putovnica br. [[PASSPORT]], vozačka dozvola br. [[DL]], nositelj: "
     "[[NAME_CAPS]], dat. rođ. [[DOB]]"),
    ("hr_chat", "hr", "Bok, ja sam [[FIRSTNAME]], nova adresa mi je [[ADDRESS]], mob: "
     "[[PHONE]]"),
    ("hr_otpusno", "hr", "Otpusno pismo - [[PERSON_LF]], rođena [[DOB]], ID pacijenta [[MRN]], "
     "adresa [[ADDRESS]]"),
    ("pl_form2", "pl", "Nazwisko: [[LASTNAME]]\nImię: [[FIRSTNAME]]\nNr PESEL: [[NATID_C]]\n"
     "Tel. kom.: [[PHONE]]"),
    # ---- Danish
    ("da_form", "da", "Navn: [[PERSON]]\nCPR-nr.: [[NATID]]\nAdresse: [[ADDRESS]]\nTlf.: "
     "[[PHONE]]"),
    ("da_patient", "da", "Patient [[PERSON]], født [[DOB]], journalnr. [[MRN]], indlagt "
     "[[DATE]]."),
    ("da_msg", "da", "Hej [[FIRSTNAME]], dit CPR nummer [[NATID]] og kontonummer [[IBAN]] er "
     "registreret."),
    ("da_csv", "da", "navn;cpr;by;email\n[[PERSON]];[[NATID]];[[CITY]];[[EMAIL]]"),
    ("da_transfer", "da", "Overfør [[PRICE]] til [[PERSON]], IBAN [[IBAN]], tekst: [[ORDER]]"),
    ("da_docs", "da", "Pas nr. [[PASSPORT]], kørekort nr. [[DL]], indehaver [[NAME_CAPS]], "
     "fødselsdato [[DOB]]"),
    ("da_epikrise", "da", "Epikrise: [[PERSON_LF]] ([[NATID]]), [[AGE]] år, bor på "
     "[[ADDRESS]]"),
    ("da_mail", "da", "Kære [[PERSON]], vi har modtaget din henvendelse. Dit sagsnummer er "
     "[[TICKET]].\nMvh\n[[PERSON2]]"),
    ("da_form2", "da", "Borger: [[PERSON]], personnr. [[NATID_C]], tlf. [[PHONE]]"),
    ("da_sms", "da", "Hej, det er [[FIRSTNAME]]. Mit cpr er [[NATID]] hvis I skal bruge det"),
    # ---- Norwegian
    ("no_form", "no", "Navn: [[PERSON]]\nFødselsdato: [[DOB]]\nJournalnummer: [[MRN]]\n"
     "Adresse: [[ADDRESS]]\nMobil: [[PHONE]]"),
    ("no_patient", "no", "Pasient [[PERSON]], f. [[DOB]], pasient-ID [[MRN]], innlagt "
     "[[DATE]]."),
    ("no_chat", "no", "Hei [[FIRSTNAME]]! Ny adresse: [[ADDRESS]]. Ring meg på [[PHONE]]."),
    ("no_csv", "no", "navn;fodselsdato;sted;epost\n[[PERSON]];[[DOB]];[[CITY]];[[EMAIL]]"),
    ("no_transfer", "no", "Overfør [[PRICE]] til konto [[IBAN]], mottaker [[PERSON]], KID "
     "[[ORDER]]."),
    ("no_docs", "no", "Pass nr. [[PASSPORT]], førerkort nr. [[DL]], innehaver [[NAME_CAPS]], "
     "født [[DOB]]"),
    ("no_epikrise", "no", "Epikrise for [[PERSON_LF]], født [[DOB]], journalnr. [[MRN]]"),
    ("no_card", "no", "Kortnummer [[CARD]] tilhører [[PERSON]], e-post [[EMAIL]]"),
    # ---- Italian
    ("it_form", "it", "Nome e cognome: [[PERSON]]\nCodice fiscale: [[NATID]]\nData di nascita: "
     "[[DOB]]\nIndirizzo: [[ADDRESS]]"),
    ("it_patient", "it", "Paziente [[PERSON]], nata il [[DOB]], n. cartella clinica [[MRN]], "
     "ricoverata il [[DATE]]."),
    ("it_msg", "it", "Buongiorno, sono [[PERSON]], il mio codice fiscale è [[NATID]] e il mio "
     "cellulare [[PHONE]]."),
    ("it_csv", "it", "cognome;nome;cf;comune\n[[LASTNAME]];[[FIRSTNAME]];[[NATID]];[[CITY]]"),
    ("it_transfer", "it", "Bonifico di [[PRICE]] a favore di [[PERSON]], IBAN [[IBAN]], causale "
     "[[ORDER]]."),
    ("it_docs", "it", "Passaporto n. [[PASSPORT]], patente n. [[DL]], intestatario "
     "[[NAME_CAPS]], nato il [[DOB]]"),
    ("it_dimissione", "it", "Lettera di dimissione - Sig.ra [[LASTNAME]], ID paziente [[MRN]], "
     "residente in [[ADDRESS]]"),
    ("it_json", "it", '{"nome": "[[PERSON]]", "data_nascita": "[[DOB_ISO]]", "email": '
     '"[[EMAIL]]", "codice_paziente": "[[MRN]]"}'),
    ("it_card", "it", "Carta [[CARD]] intestata a [[PERSON]]; recapito: [[ADDRESS]], tel. "
     "[[PHONE]]"),
    ("it_msg2", "it", "Per la pratica n. [[TICKET]]: intestatario [[PERSON]], C.F. [[NATID]],"
     " nato il [[DOB]]."),
    # ---- German
    ("de_form", "de", "Name: [[PERSON]]\nGeb.-Datum: [[DOB]]\nSteuer-ID: [[NATID]]\n"
     "Anschrift: [[ADDRESS]]"),
    ("de_patient", "de", "Patient [[PERSON]], geb. [[DOB]], Fallnr. [[MRN]], aufgenommen am "
     "[[DATE]]."),
    ("de_msg", "de", "Hallo, meine Steuer-Identifikationsnummer lautet [[NATID]], IBAN "
     "[[IBAN]].\nGruß [[PERSON]]"),
    ("de_csv", "de", "Name;Vorname;Geburtsdatum;Ort\n[[LASTNAME]];[[FIRSTNAME]];[[DOB]];"
     "[[CITY]]"),
    ("de_docs", "de", "Reisepass-Nr. [[PASSPORT]], Führerschein-Nr. [[DL]], Inhaber: "
     "[[NAME_CAPS]]"),
    ("de_msg2", "de", "Antrag [[TICKET]] - [[PERSON]], Steuer-IdNr [[NATID_C]], geb. am "
     "[[DOB]], wohnhaft [[ADDRESS]]"),
    # ---- French
    ("fr_form", "fr", "Nom : [[PERSON]]\nNé(e) le : [[DOB]]\nN° de sécurité sociale : "
     "[[NATID]]\nAdresse : [[ADDRESS]]"),
    ("fr_patient", "fr", "Patient [[PERSON]], né le [[DOB]], IPP [[MRN]], hospitalisé le "
     "[[DATE]]."),
    ("fr_msg", "fr", "Bonjour, mon numéro de sécu est le [[NATID]] et mon portable [[PHONE]]."
     "\n[[PERSON]]"),
    ("fr_csv", "fr", "nom;prenom;date_naissance;ville\n[[LASTNAME]];[[FIRSTNAME]];[[DOB]];"
     "[[CITY]]"),
    ("fr_transfer", "fr", "Virement de [[PRICE]] au profit de [[PERSON]], IBAN [[IBAN]], réf. "
     "[[ORDER]]"),
    ("fr_form2", "fr", "Assuré : [[NAME_CAPS]] - N° SS [[NATID_C]] - tél. [[PHONE]]"),
    # ---- Dutch
    ("nl_form", "nl", "Naam: [[PERSON]]\nBSN: [[NATID]]\nGeboortedatum: [[DOB]]\nAdres: "
     "[[ADDRESS]]"),
    ("nl_patient", "nl", "Patiënt [[PERSON]], geb. [[DOB]], patiëntnummer [[MRN]], opgenomen "
     "op [[DATE]]."),
    ("nl_msg", "nl", "Hoi, mijn burgerservicenummer is [[NATID]] en mijn IBAN [[IBAN]]. Groet, "
     "[[PERSON]]"),
    ("nl_csv", "nl", "naam;geboortedatum;woonplaats;telefoon\n[[PERSON]];[[DOB]];[[CITY]];"
     "[[PHONE]]"),
    ("nl_form2", "nl", "Cliënt [[PERSON]] (BSN [[NATID_C]]) woont op [[ADDRESS]]."),
    # ---- Swedish
    ("sv_form", "sv", "Namn: [[PERSON]]\nPersonnummer: [[NATID]]\nAdress: [[ADDRESS]]\n"
     "Telefon: [[PHONE]]"),
    ("sv_patient", "sv", "Patient [[PERSON]], född [[DOB]], journalnummer [[MRN]], inlagd "
     "[[DATE]]."),
    ("sv_msg", "sv", "Hej! Mitt personnr är [[NATID]] och min e-post [[EMAIL]]. /[[FIRSTNAME]]"),
    ("sv_csv", "sv", "namn;personnummer;ort\n[[PERSON]];[[NATID]];[[CITY]]"),
    ("sv_form2", "sv", "Sökande: [[PERSON]]\nPers.nr: [[NATID]]\nMobil: [[PHONE]]"),
    # ---- Spanish
    ("es_form", "es", "Nombre: [[PERSON]]\nDNI/NIE: [[NATID]]\nFecha de nacimiento: [[DOB]]\n"
     "Domicilio: [[ADDRESS]]"),
    ("es_patient", "es", "Paciente [[PERSON]], nacida el [[DOB]], NHC [[MRN]], ingreso "
     "[[DATE]]."),
    ("es_transfer", "es", "Transferencia de [[PRICE]] a [[PERSON]], IBAN [[IBAN]], concepto "
     "[[ORDER]]."),
    # ---- Finnish
    ("fi_form", "fi", "Nimi: [[PERSON]]\nSyntymäaika: [[DOB]]\nPotilasnumero: [[MRN]]\n"
     "Osoite: [[ADDRESS]]\nPuhelin: [[PHONE]]"),
    ("fi_patient", "fi", "Potilas [[PERSON]], s. [[DOB]], sairauskertomusnumero [[MRN]]."),
    ("fi_transfer", "fi", "Tilisiirto [[PRICE]] saajalle [[PERSON]], IBAN [[IBAN]], viite "
     "[[ORDER]]."),
    # ---- Romanian
    ("ro_form", "ro", "Nume și prenume: [[PERSON]]\nData nașterii: [[DOB]]\nNr. foaie "
     "observație: [[MRN]]\nAdresa: [[ADDRESS]]"),
    ("ro_patient", "ro", "Pacientul [[PERSON]], născut la [[DOB]], telefon [[PHONE]], e-mail "
     "[[EMAIL]]."),
    ("ro_transfer", "ro", "Transfer [[PRICE]] către [[PERSON]], IBAN [[IBAN]]."),
    # ---- Turkish
    ("tr_form", "tr", "Ad Soyad: [[PERSON]]\nDoğum Tarihi: [[DOB]]\nHasta No: [[MRN]]\nAdres: "
     "[[ADDRESS]]\nTelefon: [[PHONE]]"),
    ("tr_patient", "tr", "Hasta [[PERSON]], doğ. tar. [[DOB]], protokol no [[MRN]]."),
    ("tr_transfer", "tr", "[[PERSON]] adına [[PRICE]] havale, IBAN [[IBAN]]."),
]

NEGATIVE: list[tuple[str, str, str]] = [
    ("pt_neg_order", "pt", "Encomenda n.º [[ORDER]] enviada em [[DATE]], total [[PRICE]], NIF "
     "da empresa [[VATNO]]."),
    ("pt_neg_meeting", "pt", "Reunião marcada para [[DATE]] às [[TIME]] na sala [[AMOUNT]]; "
     "versão [[VERSION]] do relatório."),
    ("hu_neg_order", "hu", "Rendelésszám: [[ORDER]], szállítás: [[DATE]], összeg: [[PRICE]]."),
    ("pl_neg_invoice", "pl", "Zamówienie nr [[ORDER]] z dnia [[DATE]], NIP [[VATNO]], kwota "
     "[[PRICE]]."),
    ("cs_neg_order", "cs", "Objednávka č. [[ORDER]] ze dne [[DATE]], DIČ [[VATNO]], cena "
     "[[PRICE]]."),
    ("hr_neg_order", "hr", "Narudžba br. [[ORDER]] od [[DATE]], iznos [[PRICE]], šifra "
     "proizvoda [[SKU]]."),
    ("da_neg_order", "da", "Ordre nr. [[ORDER]] afsendt [[DATE]], beløb [[PRICE]], varenr. "
     "[[SKU]]."),
    ("no_neg_order", "no", "Ordrenummer [[ORDER]], levert [[DATE]], beløp [[PRICE]], artikkel "
     "[[SKU]]."),
    ("it_neg_order", "it", "Ordine n. [[ORDER]] del [[DATE]], P.IVA [[VATNO]], totale "
     "[[PRICE]]."),
    ("de_neg_order", "de", "Bestellung [[ORDER]] vom [[DATE]], USt-IdNr. [[VATNO]], Betrag "
     "[[PRICE]]."),
    ("fr_neg_order", "fr", "Commande n° [[ORDER]] du [[DATE]], TVA intracom. [[VATNO]], montant "
     "[[PRICE]]."),
    ("sv_neg_order", "sv", "Order [[ORDER]] skickad [[DATE]], belopp [[PRICE]], artikel "
     "[[SKU]]."),
]
