"""PERSON held-out check with names from sources that the name lists were not built from.

homeport.privacy.names ships name lists derived from Faker (names_build.py), so Faker's names
(heldout.py) are no longer held out for PERSON. Here the names come from elsewhere:

* Mimesis 22 (MIT; a separate project with its own data): full names of 24 Latin-script
  locales;
* gender-guesser 0.4 (first names from Jörg Michael's nam_dict.txt, GNU FDL; used here to
  measure only, never shipped): first names common in 16 regions outside western Europe,
  each with surnames of that region written for this check (below);
* names written for this check: given names and surnames of 12 African, South and Southeast
  Asian naming cultures.

Full names (given + family) are counted per source; one word of a name (a given name or a
surname alone) is counted in sentences where only the context marks it ("{n} called again")
and after a title or role in English, German, French, Spanish, Italian, Polish and Dutch
("Herr {n}", "La Sra. {n}", "The patient {n}").

Each name sits in a sentence from clinical notes, legal or banking requests or office mail,
most with nothing but the name itself to mark it; some sentences have two. Negatives are
sentences without people but with capitalised words: Mimesis cities, countries, states, cars,
hardware, dishes and drinks, programming languages, companies, banks, months and weekdays;
Mimesis cities and regions of the 24 locales; and hand-written places, products,
organisations and holidays, some with words that are names too ("Victoria Station", "Sierra
Leone", "May Day"); Mimesis streets, addresses, cities and companies of the 24 locales (many
streets are named after people: "Rue Victor Hugo").

Recall: labeled names that a PERSON finding overlaps. Precision: PERSON findings that overlap
a labeled name, over all sentences (negatives included).

    .venv/bin/python bench/privacy/names_heldout.py                  # installs its packages once
    .venv/bin/python bench/privacy/names_heldout.py --no-gazetteer   # the rules before names.py
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE.parent / ".venvs" / "names"
sys.path.insert(0, str(HERE.parents[1] / "src"))

from homeport.privacy import names as names_module  # noqa: E402
from homeport.privacy.ner import NerDetector  # noqa: E402

MIMESIS_LOCALES = ("en", "en-gb", "en-au", "de", "de-at", "de-ch", "fr", "es", "es-mx", "it",
                   "nl", "nl-be", "pt", "pt-br", "pl", "cs", "sk", "hu", "hr", "tr", "fi", "sv",
                   "da", "no")
# gender-guesser region -> surnames of that region (written for this check).
REGIONS = {
    "india": "Sharma Verma Gupta Agarwal Iyer Iyengar Nair Menon Pillai Reddy Rao Naidu Patil "
             "Deshmukh Kulkarni Joshi Chatterjee Mukherjee Banerjee Bose Ghosh Sen Singh Kaur "
             "Sandhu Dhillon Malhotra Kapoor Khanna Mehta Shah Desai Trivedi Pandey Mishra "
             "Tiwari Dubey Yadav Chaudhary Bhattacharya Saxena Srivastava Krishnan Subramanian "
             "Venkataraman Ramachandran Narayanan Raghavan Hegde Shetty Kamath Naik Jain Bansal "
             "Goel Mittal Arora Sethi Chopra Bajaj Rathore Chauhan",
    "china": "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Zhu Hu Guo Gao Lin Luo "
             "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai "
             "Jiang Du Ye Cheng Wei Su Ding Ren Shen Yao Jin Fu Zhong Cui Lau Chan Wong Cheung "
             "Leung Ng Chow Yip Kwok",
    "korea": "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song "
             "Jeon Hong Yoo Ko Moon Yang Son Bae Baek Heo Nam Noh",
    "vietnam": "Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Truong "
               "Dinh Lam Mai Trinh Luong Cao",
    "japan": "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
             "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki "
             "Mori Abe Ikeda Hashimoto Ishikawa Ogawa Fujita Okada Goto Hasegawa Murakami Kondo "
             "Ishii Saito Sakamoto Endo Aoki Fujii Nishimura Fukuda",
    "arabia": "Haddad Khoury Nasser Mansour Saleh Hamdan Aziz Karim Rahman Hussein Abbas "
              "Qureshi Siddiqui Farouk Hakimi Jaber Khalil Darwish Shaheen Bakr Hassan Ibrahim "
              "Mahmoud Mustafa Othman Sabbagh Awad Barakat Zaidi Al-Amin Al-Masri Al-Rashid "
              "El-Sayed Abdelrahman Hosseini Mohammadi Rezaei Ahmadi Jafari Moradi Rahimi "
              "Kazemi Ebrahimi Sadeghi Hashemi Ghorbani Rostami Shirazi Farahani Nazari Amini",
    "israel": "Cohen Levi Mizrahi Peretz Biton Dahan Avraham Friedman Azoulay Katz Ohana Gabay "
              "Ben-David Shapiro Goldberg Rosenberg Segal Klein Weiss Ashkenazi Shalom",
    "turkey": "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
              "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Erdoğan Aktaş Güneş",
    "russia": "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov "
              "Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev "
              "Orlov Andreev Makarov Zakharov",
    "ukraine": "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boyko Oliynyk "
               "Lysenko Marchenko Rudenko Savchenko Petrenko Moroz Kovalchuk Polishchuk",
    "the_stans": "Abdullaev Rakhimov Karimov Yusupov Akhmetov Iskakov Suleimenov Zhumabaev "
                 "Nazarov Tursunov Ismoilov Saidov Kasymov Baimukhamedov",
    "greece": "Papadopoulos Papadakis Georgiou Nikolaou Dimitriou Konstantinou Ioannou "
              "Vasileiou Christodoulou Antoniou Karagiannis Oikonomou Makris Alexiou Pappas "
              "Vlachos Stavrou Athanasiou Theodorou Kyriakou",
    "armenia": "Petrosyan Hovhannisyan Sargsyan Harutyunyan Grigoryan Khachatryan Avetisyan "
               "Gevorgyan Karapetyan Manukyan",
    "georgia": "Beridze Kapanadze Gelashvili Maisuradze Giorgadze Lomidze Tsiklauri Bolkvadze "
               "Kvaratskhelia Japaridze",
    "azerbaijan": "Mammadov Aliyev Hasanov Huseynov Guliyev Ismayilov Rzayev Abbasov Babayev",
    "albania": "Hoxha Shehu Krasniqi Gashi Berisha Kelmendi Morina Dervishi Leka Hysa",
}
# Naming cultures written for this check: (given names, surnames).
WRITTEN = {
    "yoruba": ("Adebayo Adewale Babatunde Olufemi Oluwaseun Temitope Folake Funmilayo Yewande "
               "Kehinde Taiwo Ayodele Bolanle Titilayo Olumide Damilola Abimbola Oluwatobi "
               "Adeola Olamide", "Adeyemi Balogun Afolabi Ogunleye Adeleke Ogundipe Oyelaran "
               "Olawale Bakare Adesina Fashola Oduya Akinola Oyebanji Adebisi"),
    "igbo": ("Chinedu Chukwuemeka Obinna Ngozi Chiamaka Nnamdi Ifeanyi Uchenna Adaeze Chidinma "
             "Ebuka Ikenna Nkechi Amarachi Kelechi Chinonso Ifeoma Obiageli Tochukwu",
             "Okonkwo Okafor Nwosu Eze Obi Okeke Nwachukwu Uzoma Anyanwu Igwe Chukwu Emenike "
             "Nwankwo Ezeh Onyeama"),
    "hausa": ("Abubakar Aminu Musa Hauwa Zainab Usman Sani Garba Halima Yakubu Jamila Lawal "
              "Nasiru Hadiza", "Danjuma Abdullahi Yusuf Shehu Bello Lawal Sule Garba Dikko "
              "Gwarzo Bichi Kano"),
    "akan": ("Kwame Kofi Kwaku Yaw Kwabena Akua Ama Abena Akosua Efua Adwoa Esi Kojo Kwesi "
             "Afua Yaa", "Mensah Boateng Owusu Asante Appiah Darko Ofori Agyeman Acheampong "
             "Amoah Antwi Osei Ansah Gyamfi Addo Quaye Tetteh Quartey Bonsu"),
    "kenyan": ("Wanjiru Njeri Wambui Kamau Otieno Achieng Akinyi Atieno Omondi Ochieng Kiprop "
               "Kiptoo Chebet Jepchirchir Wafula Nafula Mutua Mwende Muthoni",
               "Mwangi Kariuki Njoroge Kimani Odhiambo Onyango Okoth Kiplagat Rotich Koech "
               "Cheruiyot Mutiso Musyoka Wekesa Barasa Nyambura Gitau Macharia Ndungu Oduor"),
    "ethiopian": ("Abebe Tesfaye Selam Meron Bethlehem Dawit Yonas Tigist Mekdes Biniam Hiwot "
                  "Getachew Alemu Kebede Girma Tadesse Mulugeta", "Bekele Tesfaye Girma Wolde "
                  "Alemayehu Gebremedhin Haile Mengistu Assefa Negash Desta Tekle"),
    "southern_african": ("Thabo Sipho Lerato Nomvula Themba Zanele Bongani Thandiwe Mpho "
                         "Nandi Sibusiso Lindiwe Kagiso Palesa Tshepo Ayanda", "Nkosi Dlamini "
                         "Ndlovu Khumalo Mokoena Mthembu Molefe Mahlangu Sithole Ngcobo "
                         "Buthelezi Maseko Mabaso Radebe Naidoo Pillay Botha"),
    "west_african_francophone": ("Mamadou Moussa Aminata Fatou Ousmane Ibrahima Awa Seydou "
                                 "Adama Mariama Cheikh Ndeye", "Diallo Diop Ndiaye Sow Fall "
                                 "Traoré Keïta Coulibaly Touré Camara Cissé Sylla Kaboré "
                                 "Ouédraogo Mukendi Tshibangu Ilunga Kabongo"),
    "somali": ("Abdi Hodan Ayaan Warsame Hassan Mohamed Jama Osman Yusuf Faduma Hawa Sahra",
               "Abdi Farah Warsame Jama Omar Hirsi Egal Dualeh Guled Nur"),
    "filipino": ("Maricel Jocelyn Rowena Marites Rodel Ramil Jerome Mylene Arnel Lorna "
                 "Rommel Divina", "Santos Reyes Bautista Villanueva Mendoza Ramos Aquino "
                 "Castillo Navarro Mercado Tolentino Macaraeg Dimaculangan Panganiban Manalo "
                 "Magbanua Pangilinan"),
    "indonesian_malay": ("Budi Siti Dewi Agus Wahyu Rizky Putri Ayu Eko Hendra Nurul Hafiz "
                         "Aiman Farah Indah Fajar", "Santoso Wijaya Susanto Hidayat Saputra "
                         "Kusuma Gunawan Setiawan Pratama Nugroho Halim Hamzah Ismail "
                         "Rahmat"),
    "pakistani_bangladeshi": ("Ayesha Bilal Hamza Zainab Usman Sana Fahad Hira Imran Nadia "
                              "Rashid Saima Tanvir Farhana Rafiq Shirin", "Qureshi Siddiqui "
                              "Chaudhry Malik Butt Sheikh Hussain Rahman Islam Hossain "
                              "Chowdhury Ahmed Akhtar Mirza Javed Baig Khan Abbasi Awan "
                              "Bhatti"),
}
SENTENCES = (
    # clinical
    "{n} was admitted overnight with chest pain and discharged this morning.",
    "Follow-up visit: {n} reports mild dizziness since starting the new medication.",
    "Discussed the MRI results with {n} and her brother {m}.",
    "Referral letter for {n} sent to cardiology on Tuesday.",
    "Blood pressure of {n} was 142/91; recheck in two weeks.",
    # legal
    "We act for {n} in the tenancy dispute with {m}.",
    "The affidavit sworn by {n} is attached as Exhibit B.",
    "{n} disputes the claim and asks for the hearing to be moved.",
    "Please send the draft settlement to {n} before Friday.",
    "The lease between {n} and {m} ends in March.",
    # banking
    "Please reverse the duplicate charge on the account of {n}.",
    "{n} asked why the transfer to {m} has not arrived.",
    "The loan application from {n} needs a second reference.",
    "Close the joint account held by {n} and {m}.",
    "A wire of 2,400 EUR from {n} is pending review.",
    # office mail
    "I had lunch with {n} last week.",
    "Thanks to {n} for the help with the migration.",
    "Can you ask {n} to call me back?",
    "{n}, {m} and I will review the budget tomorrow.",
    "Meeting notes: {n} presented the roadmap; {m} will follow up.",
)
# One word of a name: a given name or a surname, marked by the sentence only.
SINGLE_SENTENCES = (
    "{n} called again about the invoice.", "Can you ask {n} about it?",
    "{n} joined the call late.", "I spoke with {n} this morning.",
    "Please cc {n} on the reply.", "{n} said the report is ready.",
    "Thanks to {n} for covering the night shift.", "{n} asked whether the refund was sent.",
    "Remind {n} to sign the consent form.", "We met {n} at the branch yesterday.",
    "{n} wrote that the payment failed twice.", "Let {n} know that the results are back.",
)
# A title or role and one word of a name, in English and in the title's own language.
TITLE_SENTENCES = (
    "Mr. {n} called again about the invoice.", "Dr {n} will see you now.",
    "Please send the form to Mrs {n}.", "Prof. {n} approved the protocol.",
    "The patient {n} was discharged this morning.", "Our client {n} disputes the fee.",
    "My colleague {n} sent the file.", "Nurse {n} took the blood sample.",
    "Ms {n} asked for a copy of the contract.", "Herr {n} hat den Termin verschoben.",
    "Frau {n} ist heute nicht im Büro.", "Mme {n} a envoyé le dossier.",
    "M. {n} demande un rendez-vous.", "El Sr. {n} pidió una cita.",
    "La Sra. {n} llamó ayer.", "Il signor {n} ha chiamato ieri.",
    "La Sig.ra {n} è arrivata.", "Pan {n} zadzwonił wczoraj.",
    "Pani {n} czeka na wyniki.", "dhr. {n} belde gisteren.", "mevr. {n} heeft gebeld.",
)
NEGATIVE_SENTENCES = (
    "The shipment from {city} to {country} arrived late.", "We flew to {city} in {month}.",
    "Our office in {state} closes early on {day}.", "The fleet now includes a {car}.",
    "The new workstation has a {cpu} and {graphics}.", "Dinner was {dish} with {drink}.",
    "The service is written in {lang} and runs on {os}.", "Shares of {company} rose 3% today.",
    "I opened a savings account with {bank} in {month}.", "The {phone} was sold out in {city}.",
    "{manufacturer} recalled 12,000 vehicles sold in {country}.",
)
STREET_SENTENCES = (
    "The office moved to {street}.", "Deliver the parcel to {address}, {city}.",
    "The clinic on {street} closes at six.", "Meet me at {address} in {city}.",
    "{company} signed the contract on Monday.", "We ordered the laptops from {company}.",
    "She grew up in {city} and works for {company}.", "{city} was hit by floods last year.",
)
PLACE_SENTENCES = (
    "The parcel went from {a} to {b} via the depot in {s}.", "We drove from {a} to {b} today.",
    "Branches in {a} and {b} close at noon.", "Flights between {a} and {b} resume in {s}.",
)
# Hand-written negatives: places, products, organisations, holidays and titles; several
# contain words that are also given names or surnames.
WRITTEN_NEGATIVES = """\
We changed trains at Victoria Station and walked to Lincoln Park.
The conference moved from Hong Kong to Kuala Lumpur this year.
Flights to Sierra Leone and Costa Rica were cancelled.
Our team in Ho Chi Minh City ships the release on Monday.
The branch in Buenos Aires reported higher deposits than the one in Sao Paulo.
She studied at Georgia Tech before moving to Santa Monica.
The hotel is near the Jordan River, an hour from Tel Aviv.
Spring break in Florence, then a week in Monte Carlo.
May Day is a public holiday; the office reopens after the June Bank Holiday.
Black Friday sales start on the Thursday after Thanksgiving.
We upgraded from Windows Server to Red Hat Enterprise Linux.
The Apple Watch and the Amazon Echo were both out of stock.
Install Visual Studio Code and the Google Cloud command line tools.
Our Tesla Model Y is charged at the Shell station every Saturday.
The Mercedes Benz dealership on Harbour Road is closed for repairs.
Tickets for the Champions League final went on sale in April.
The invoice from Deutsche Telekom was paid by Direct Debit.
Please book a room at the Grand Hyatt for the Annual General Meeting.
Quarterly Report: Revenue Growth In Emerging Markets.
Terms And Conditions Apply To All Orders Placed Before Christmas Eve.
The Royal Mail parcel was left at the Post Office in Bristol.
He works at Goldman Bank in Frankfurt and commutes from Mainz.
The Rio Grande floods every spring near El Paso.
We visited Cape Town, Port Elizabeth and Durban in February.
The World Health Organization issued new guidance for Southeast Asia.
Our servers in Ashburn and Frankfurt am Main were upgraded on Sunday.
The Easter Monday service runs on the Sunday timetable.
Install Microsoft Teams and sign in with your Office account.
The Grand Canyon and Death Valley are both in the American West.
The United Nations office in Addis Ababa hosted the summit.
Members of the Supreme Court heard the appeal in Washington.
Order the Chicken Tikka Masala and a Mango Lassi.
The Nintendo Switch and the Sony PlayStation were on sale.
The Brooklyn Bridge was closed; we took the Staten Island Ferry.
Our Dublin office moved to Grand Canal Dock last summer.
The Eurostar from Gare du Nord arrived in London at noon.
The pharmacy stocks Vitamin D and Omega Three capsules.
New Year's Day falls on a Wednesday, Independence Day on a Friday.
Read the Privacy Policy and the Cookie Notice before you sign up.
The Golden Gate Bridge was shrouded in fog all morning.
Ramadan ends with Eid al-Fitr; Diwali comes in late autumn.
The Rocky Mountains and the Great Plains cover most of Colorado.
We signed the lease at Canary Wharf and moved in during August.
Patient transferred from Saint Mary Hospital to the Royal Infirmary.
The Bank of England kept rates unchanged in November.
The South China Sea and the Bay of Bengal had rough weather.
Download the Adobe Acrobat Reader to open the Annual Report.
Our Kubernetes cluster runs on Amazon Web Services in Northern Virginia.
Turn left at Queen Street, then right onto King Edward Avenue.
The Chelsea Flower Show and Royal Ascot are both in June.
"""


def packages() -> None:
    if not VENV.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(VENV),
                        "mimesis==22.2.0", "gender-guesser==0.4.0"], check=True)
    sys.path.insert(0, str(VENV))


def region_first_names(min_freq: int = 3) -> dict[str, list[str]]:
    """First names that nam_dict.txt marks as at least moderately common in each region."""
    import gender_guesser.detector as gg

    countries = gg.Detector.COUNTRIES
    path = Path(gg.__file__).with_name("data") / "nam_dict.txt"
    out: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=" or (len(line) > 29 and line[29] == "+"):
            continue
        name = line.split()[1]
        if "+" in name or not name[0].isupper():
            continue
        freqs = line[30:].rstrip("$ \r")
        for region in REGIONS:
            i = countries.index(region)
            if i < len(freqs) and freqs[i] != " " and int(freqs[i], 16) >= min_freq:
                out[region].add(name)
    return {k: sorted(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--no-gazetteer", action="store_true",
                    help="NerDetector without names.py, as before it")
    ap.add_argument("-n", type=int, default=60, help="sentences per locale or culture")
    ap.add_argument("--show", action="store_true", help="print misses and false positives")
    args = ap.parse_args()
    packages()
    from mimesis import Address, Datetime, Development, Finance, Food, Hardware, Person, Transport
    from mimesis.locales import Locale

    if args.no_gazetteer:  # NerDetector as it was before names.py
        names_module.gazetteer_spans = lambda text: []
        names_module.doubtful_person = lambda text: False
    ner = NerDetector()
    ner.load()
    r = random.Random(7)
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    clean: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    findings = [0, 0]  # PERSON findings on a labeled name, all PERSON findings

    def check(group: str, text: str, labeled: list[str]) -> None:
        spans, pos = [], 0
        for name in labeled:
            s = text.index(name, pos)
            spans.append((s, s + len(name)))
            pos = s + len(name)
        people = [f for f in ner.detect(text) if f.type == "PERSON"]
        for f in people:
            hit = any(f.start < e and s < f.end for s, e in spans)
            findings[0] += hit
            findings[1] += 1
            if not hit and args.show:
                print(f"FALSE {group}: {text[f.start:f.end]!r} in {text!r}")
        if not labeled:
            clean[group][0] += not people
            clean[group][1] += 1
            return
        s, e = spans[0]  # the first name is the one counted; a second one adds findings
        hit = any(f.start < e and s < f.end for f in people)
        recall[group][0] += hit
        recall[group][1] += 1
        if not hit and args.show:
            print(f"MISS {group}: {text[s:e]!r} in {text!r}")

    def sentence(full: str, other: str) -> tuple[str, list[str]]:
        template = r.choice(SENTENCES)
        labeled = [full, other] if "{m}" in template else [full]
        return template.format(n=full, m=other), labeled

    def single(source: str, given: list[str], family: list[str]) -> None:
        """One word of a name with context only, and after a title (mostly the surname)."""
        for _ in range(args.n * 2):
            word = rs.choice(given if rs.random() < 0.5 else family)
            check(f"single, context: {source}", rs.choice(SINGLE_SENTENCES).format(n=word),
                  [word])
            word = rs.choice(family if rs.random() < 0.8 else given)
            check(f"single, title: {source}", rs.choice(TITLE_SENTENCES).format(n=word), [word])

    for loc in MIMESIS_LOCALES:
        p = Person(Locale(loc), seed=11)
        for _ in range(args.n):
            text, labeled = sentence(f"{p.first_name()} {p.last_name()}",
                                     f"{p.first_name()} {p.last_name()}")
            check(f"mimesis {loc}", text, labeled)
    rs = random.Random(13)  # its own generator: the groups above and below stay as they were
    people = [Person(Locale(loc), seed=13) for loc in MIMESIS_LOCALES]
    single("mimesis", [rs.choice(people).first_name() for _ in range(2000)],
           [rs.choice(people).last_name() for _ in range(2000)])
    regions = region_first_names()
    single("nam_dict", [n for v in regions.values() for n in v],
           [n for k in regions for n in REGIONS[k].split()])
    single("written", [n for g, _ in WRITTEN.values() for n in g.split()],
           [n for _, f in WRITTEN.values() for n in f.split()])
    for region, firsts in regions.items():
        lasts = REGIONS[region].split()
        for _ in range(args.n):
            text, labeled = sentence(f"{r.choice(firsts)} {r.choice(lasts)}",
                                     f"{r.choice(firsts)} {r.choice(lasts)}")
            check(f"nam_dict {region}", text, labeled)
    for culture, (given, family) in WRITTEN.items():
        g, f = given.split(), family.split()
        for _ in range(args.n):
            text, labeled = sentence(f"{r.choice(g)} {r.choice(f)}", f"{r.choice(g)} {r.choice(f)}")
            check(f"written {culture}", text, labeled)

    a, dt, fi, fo = Address(Locale.EN, seed=5), Datetime(Locale.EN, seed=5), \
        Finance(Locale.EN, seed=5), Food(Locale.EN, seed=5)
    t, h, d = Transport(seed=5), Hardware(seed=5), Development(seed=5)
    for _ in range(args.n * 10):
        values = {"city": a.city(), "country": a.country(), "state": a.state(), "car": t.car(),
                  "manufacturer": t.manufacturer(), "cpu": h.cpu(), "graphics": h.graphics(),
                  "phone": h.phone_model(), "dish": fo.dish(), "drink": fo.drink(),
                  "lang": d.programming_language(), "os": d.os(), "company": fi.company(),
                  "bank": fi.bank(), "month": dt.month(), "day": dt.day_of_week()}
        check("negatives: mimesis values", r.choice(NEGATIVE_SENTENCES).format(**values), [])
    for loc in MIMESIS_LOCALES:  # places of many countries, two to a sentence
        addr = Address(Locale(loc), seed=9)
        for _ in range(args.n // 3):
            check("negatives: mimesis places", r.choice(PLACE_SENTENCES).format(
                a=addr.city(), b=addr.city(), s=addr.state()), [])
    for loc in MIMESIS_LOCALES:  # streets (many named after people), addresses, companies
        addr, fin = Address(Locale(loc), seed=17), Finance(Locale(loc), seed=17)
        for _ in range(args.n // 3):
            check("negatives: streets, companies", r.choice(STREET_SENTENCES).format(
                street=addr.street_name(), address=addr.address(), city=addr.city(),
                company=fin.company()), [])
    for line in WRITTEN_NEGATIVES.splitlines():
        check("negatives: written", line, [])

    label = "rules only (no names.py)" if args.no_gazetteer else "rules + names.py"
    print(f"PERSON held-out, {label}\n{'group':<34}{'found':>12}")
    total = [0, 0]
    for group, (hit, n) in recall.items():
        total[0] += hit
        total[1] += n
        print(f"{group:<34}{hit:>6}/{n:<5} {hit / n:.3f}")
    print(f"{'all names':<34}{total[0]:>6}/{total[1]:<5} {total[0] / total[1]:.3f}")
    for group, (ok, n) in clean.items():
        print(f"{group:<34}{ok:>6}/{n:<5} {ok / n:.3f} without PERSON")
    print(f"{'PERSON precision':<34}{findings[0]:>6}/{findings[1]:<5} "
          f"{findings[0] / max(findings[1], 1):.3f}")


if __name__ == "__main__":
    main()
