"""Fake identities: names from many cultures, places, street addresses, dates in many formats."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (given names, family names) per naming culture; deliberately not only Anglo names.
_NAMES = {
    "english": ("James Olivia Henry Charlotte George Amelia Thomas Emily Jack Grace Harriet "
                "Oscar", "Smith Thompson Whitaker Fletcher Harrington Bennett Clarke Holloway "
                "Pemberton Ashworth Doyle Caldwell"),
    "irish": ("Siobhan Niamh Padraig Ciaran Aoife Declan Roisin Eoin", "O'Brien O'Sullivan "
              "McCarthy Byrne Gallagher Ni Dhomhnaill MacNamara Flanagan"),
    "spanish": ("Alejandro Lucia Mateo Valentina Javier Camila Diego Ximena Rocio Joaquin",
                "Garcia Fernandez Rodriguez Lopez Martinez Hernandez Gutierrez Castillo Morales "
                "Vargas"),
    "portuguese": ("Joao Ana Thiago Beatriz Rafael Larissa Goncalo Mariana", "Oliveira Souza "
                   "Carvalho Ferreira Ribeiro Almeida Pereira Costa"),
    "german": ("Lukas Hannah Maximilian Lea Jonas Katharina Felix Annika Wolfgang Ursula",
               "Mueller Schneider Fischer Weber Becker Hoffmann Schaefer Zimmermann Krueger "
               "Wagner"),
    "french": ("Camille Louis Chloe Hugo Manon Antoine Elodie Mathis Margaux Theo",
               "Dubois Lefebvre Moreau Laurent Girard Fontaine Rousseau Mercier Chevalier Blanc"),
    "italian": ("Giulia Lorenzo Francesca Matteo Chiara Alessandro Sofia Davide", "Rossi Russo "
                "Bianchi Romano Colombo Ricci Marino Greco"),
    "nordic": ("Astrid Lars Ingrid Magnus Sigrid Henrik Freya Mikkel", "Lindqvist Johansson "
               "Andersen Nilsson Halvorsen Bergstrom Eriksen Lund"),
    "polish": ("Mateusz Zofia Jakub Agnieszka Krzysztof Malgorzata Wojciech Katarzyna",
               "Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowska Zielinski Szymanska"),
    "russian": ("Dmitri Anastasia Sergei Ekaterina Alexei Natalia Mikhail Olga", "Ivanov "
                "Smirnova Kuznetsov Popova Sokolov Lebedeva Volkov Morozova"),
    "arabic": ("Fatima Omar Aisha Yousef Layla Khalid Mariam Tariq Noor Hassan", "Al-Sayed "
               "Haddad Khoury Mansour Nasser Al-Farsi Hamdan Saleh Abdullah Rahman"),
    "persian": ("Dariush Shirin Arash Leila Kian Parisa", "Hosseini Moradi Karimi Rahimi "
                "Tehrani Jafari"),
    "turkish": ("Emre Elif Burak Zeynep Mehmet Ayse", "Yilmaz Kaya Demir Sahin Celik Ozturk"),
    "indian": ("Priya Arjun Ananya Rohan Kavya Vikram Lakshmi Sanjay Deepika Rahul Meera "
               "Aditya", "Raghunathan Sharma Patel Iyer Reddy Chatterjee Nair Gupta Venkatesan "
               "Banerjee Menon Krishnamurthy"),
    "chinese": ("Wei Li Na Jun Xiaoling Hao Mei Zhiwei Yan Ming", "Zhang Wang Liu Chen Yang "
                "Huang Zhao Wu Zhou Xu"),
    "japanese": ("Aiko Haruto Yui Takumi Sakura Kenji Hana Ren", "Tanaka Suzuki Takahashi "
                 "Watanabe Yamamoto Nakamura Kobayashi Sato"),
    "korean": ("Min-jun Seo-yeon Ji-hoon Ha-eun Dong-hyun Soo-ah", "Kim Park Choi Jung Kang "
               "Yoon"),
    "vietnamese": ("Linh Minh Thao Quang Huong Tuan", "Nguyen Tran Le Pham Hoang Vu"),
    "yoruba_igbo": ("Adebayo Chiamaka Oluwaseun Ngozi Chinedu Folasade Emeka Yetunde",
                    "Okafor Adeyemi Okonkwo Nwosu Balogun Eze Afolabi Obi"),
    "east_african": ("Wanjiru Kamau Amani Baraka Achieng Tesfaye Selam", "Mwangi Otieno "
                     "Kipchoge Njoroge Haile Bekele Wambui"),
    "ghanaian": ("Kwame Akosua Kofi Ama Yaw Abena", "Mensah Boateng Owusu Asante Appiah Darko"),
    "filipino": ("Maricel Jose Rhea Paolo Jasmine Renato", "Santos Reyes Cruz Bautista "
                 "Villanueva Dela Cruz"),
    "hebrew": ("Noa Eitan Tamar Yonatan Shira Avi", "Cohen Levi Mizrahi Friedman Katz Peretz"),
    "greek": ("Eleni Nikos Dimitra Giorgos Katerina Yannis", "Papadopoulos Nikolaidis "
              "Georgiou Konstantinou Pappas Vlachos"),
    "dutch": ("Daan Sanne Bram Femke Joost Lotte", "de Vries Jansen van Dijk Bakker Visser "
              "Smit"),
}
NAMES = {k: (g.split(), f.split()) for k, (g, f) in _NAMES.items()}
# Multi-word family names are kept together.
NAMES["filipino"] = (NAMES["filipino"][0], ["Santos", "Reyes", "Cruz", "Bautista", "Villanueva",
                                            "Dela Cruz"])
NAMES["dutch"] = (NAMES["dutch"][0], ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit"])
NAMES["irish"] = (NAMES["irish"][0], ["O'Brien", "O'Sullivan", "McCarthy", "Byrne", "Gallagher",
                                      "MacNamara", "Flanagan"])

CITIES = (
    "London", "Manchester", "Dublin", "Paris", "Lyon", "Berlin", "Munich", "Hamburg", "Madrid",
    "Barcelona", "Lisbon", "Rome", "Milan", "Amsterdam", "Brussels", "Zurich", "Vienna", "Warsaw",
    "Prague", "Stockholm", "Oslo", "Copenhagen", "Helsinki", "Athens", "Istanbul", "Cairo",
    "Lagos", "Nairobi", "Accra", "Johannesburg", "Casablanca", "Dubai", "Riyadh", "Tehran",
    "Mumbai", "Delhi", "Bangalore", "Chennai", "Karachi", "Dhaka", "Beijing", "Shanghai",
    "Hong Kong", "Tokyo", "Osaka", "Seoul", "Hanoi", "Manila", "Jakarta", "Singapore", "Sydney",
    "Melbourne", "Auckland", "Toronto", "Vancouver", "Montreal", "New York", "Chicago",
    "Los Angeles", "San Francisco", "Seattle", "Boston", "Houston", "Miami", "Denver", "Atlanta",
    "Mexico City", "Bogota", "Lima", "Santiago", "Buenos Aires", "Sao Paulo",
)
COUNTRIES = ("France", "Germany", "Spain", "Italy", "Nigeria", "Kenya", "India", "Japan",
             "Brazil", "Canada", "Australia", "Mexico", "Poland", "Sweden", "Egypt", "Vietnam")
_US_PLACES = (("Springfield", "IL"), ("Austin", "TX"), ("Portland", "OR"), ("Denver", "CO"),
              ("Columbus", "OH"), ("Raleigh", "NC"), ("Madison", "WI"), ("Tucson", "AZ"),
              ("Albany", "NY"), ("Boise", "ID"), ("Sacramento", "CA"), ("Nashville", "TN"))
_STREET_NAMES = ("Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lincoln", "Park",
                 "Lake", "Hill", "Sunset", "Highland", "Church", "Mill", "Baker", "King",
                 "Victoria", "Queen", "Market", "Willow", "Chestnut", "Martin Luther King Jr",
                 "Pennsylvania", "Sandy Hook", "Old Mill", "Riverside")
_SUFFIXES = ("Street", "St", "St.", "Avenue", "Ave", "Ave.", "Road", "Rd", "Boulevard", "Blvd",
             "Lane", "Ln", "Drive", "Dr", "Court", "Ct", "Place", "Way", "Terrace", "Parkway",
             "Circle")
_RARE_SUFFIXES = ("Ridge", "Hollow", "View", "Creek", "Crossing", "Heights", "Run", "Park")
_UK_TOWNS = (("London", "NW1 6XE"), ("Manchester", "M1 1AE"), ("Leeds", "LS1 4AP"),
             ("Bristol", "BS1 5TR"), ("Edinburgh", "EH1 1YZ"), ("Cardiff", "CF10 1EP"))
_DE_STREETS = ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Lindenallee",
               "Marktplatz", "Goethestraße", "Am Rosengarten", "Konrad-Adenauer-Ring",
               "Geschwister-Scholl-Weg", "Lindengasse")
_IN_STREETS = ("MG Road", "Nehru Marg", "Gandhi Nagar", "Station Road", "Park Street")
_IN_TOWNS = (("Mumbai", "400001"), ("Pune", "411001"), ("Chennai", "600002"),
             ("Bengaluru", "560001"))
_DE_TOWNS = (("10115", "Berlin"), ("80331", "München"), ("20095", "Hamburg"),
             ("50667", "Köln"), ("60311", "Frankfurt"))
_FR_STREETS = ("rue de Rivoli", "avenue Victor Hugo", "boulevard Saint-Germain",
               "rue du Faubourg Saint-Honoré", "place de la République", "rue Lafayette")
_FR_TOWNS = (("75001", "Paris"), ("69002", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass
class Person:
    given: str
    family: str
    culture: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}"


def person(r: random.Random) -> Person:
    culture = r.choice(sorted(NAMES))
    given, family = NAMES[culture]
    return Person(r.choice(given), r.choice(family), culture)


def name_variant(r: random.Random, p: Person) -> str:
    """The person's name as a text might write it."""
    x = r.random()
    if x < 0.6:
        return p.full
    if x < 0.75:
        return f"{p.given} {r.choice('ABCDEJKLMRST')}. {p.family}"
    if x < 0.85:
        return f"{p.family}, {p.given}"
    return p.full.upper() if x < 0.88 else p.full


def email(r: random.Random, p: Person) -> str:
    g = p.given.lower().replace("'", "").replace(" ", "")
    f = p.family.lower().replace("'", "").replace(" ", "").replace("-", "")
    local = r.choice((f"{g}.{f}", f"{g[0]}{f}", f"{g}_{f}{r.randint(1, 99)}",
                      f"{g}{r.randint(70, 2005)}", f"{f}.{g}+{r.choice(('billing', 'work'))}",
                      f"{g}"))
    domain = r.choice(("gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "example.org",
                       "mail.example.de", "uni-hamburg.de", "hospital-north.nhs.uk", "law-firm.io",
                       "acme-bank.com", "web.de", "orange.fr", "rediffmail.com", "company.co.in"))
    return f"{local}@{domain}"


def address(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.55:
        number = str(r.randint(1, 9999)) + (r.choice("ABC") if r.random() < 0.05 else "")
        street = f"{number} {r.choice(('', '', '', 'N ', 'S ', 'W ', 'East '))}" \
                 f"{r.choice(_STREET_NAMES)} {r.choice(_SUFFIXES)}"
        if r.random() < 0.25:
            street += r.choice((", Apt 4B", ", Suite 210", " #12", ", Unit 7"))
        if r.random() < 0.7:
            city, state = r.choice(_US_PLACES)
            street += f", {city}, {state} {r.randint(10000, 99999)}"
        elif r.random() < 0.3:  # the long tail of street types, with city and ZIP code
            city, state = r.choice(_US_PLACES)
            street = f"{number} {r.choice(_STREET_NAMES)} {r.choice(_RARE_SUFFIXES)}, {city}, " \
                     f"{state} {r.randint(10000, 99999)}"
        return street
    if kind < 0.7:
        town, code = r.choice(_UK_TOWNS)
        return f"{r.randint(1, 250)}{r.choice(('', '', 'B'))} {r.choice(_STREET_NAMES)} " \
               f"{r.choice(('Street', 'Road', 'Lane', 'Close', 'Crescent', 'Mews'))}, {town} {code}"
    if kind < 0.82:
        code, town = r.choice(_DE_TOWNS)
        number = f"{r.randint(1, 120)}{r.choice(('', '', 'a', '/2'))}"
        return f"{r.choice(_DE_STREETS)} {number}, {code} {town}"
    if kind < 0.92:
        code, town = r.choice(_FR_TOWNS)
        return f"{r.randint(1, 150)}{r.choice(('', ','))} {r.choice(_FR_STREETS)}, {code} {town}"
    city, pin = r.choice(_IN_TOWNS)
    return f"{r.randint(1, 99)}/{r.randint(1, 999)}, {r.choice(_IN_STREETS)}, {city} {pin}"


def date(r: random.Random, year_lo: int = 1935, year_hi: int = 2012) -> str:
    y, m, d = r.randint(year_lo, year_hi), r.randint(1, 12), r.randint(1, 28)
    month = MONTHS[m - 1]
    return r.choice((
        f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{d:02d}.{m:02d}.{y}",
        f"{d:02d}/{m:02d}/{y}", f"{month} {d}, {y}", f"{d} {month} {y}", f"{month[:3]} {d}, {y}",
        f"{d}-{month[:3]}-{y}", f"{d}th of {month} {y}" if d > 3 and d < 21 else f"{d} {month} {y}",
        f"{m:02d}/{d:02d}/{y % 100:02d}",
    ))
