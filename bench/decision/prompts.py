"""Prompts for the decision benchmark: four domains, ~100 and ~1,000 tokens (chars / 4), each
in three variants that differ only in one sentence (`{who}`):

- clean: no personal data at all;
- pii: a person's name, an e-mail address and a phone number (confidential);
- restricted: the same plus a card number and an SSN (restricted).
"""

from __future__ import annotations

SYSTEM = "You are a careful assistant. Answer precisely and say when you are unsure."

VARIANTS = ("clean", "pii", "restricted")
DOMAINS = ("clinical", "legal", "code", "chat")

# The one sentence that differs between variants, per domain.
WHO: dict[str, dict[str, str]] = {
    "clinical": {
        "clean": "The patient's details are in the chart and are not repeated here.",
        "pii": "Patient: Maria Delgado, reachable at (415) 867-5309 or "
               "maria.delgado@example.com.",
        "restricted": "Patient: Maria Delgado, SSN 536-22-8143, reachable at (415) 867-5309 or "
                      "maria.delgado@example.com; copay card 4111 1111 1111 1111.",
    },
    "legal": {
        "clean": "The client asked us to keep the names of the parties out of this draft.",
        "pii": "Our client is Jonathan Whitaker (jwhitaker@example.org, +44 20 7946 0958).",
        "restricted": "Our client is Jonathan Whitaker (jwhitaker@example.org, +44 20 7946 0958, "
                      "SSN 219-09-9999); the retainer was paid with card 4111 1111 1111 1111.",
    },
    "code": {
        "clean": "The service runs in a container and reads its settings from the environment.",
        "pii": "The failing account belongs to Priya Raman (priya.raman@example.com, "
               "phone 415-555-0132), who reported it.",
        "restricted": "The failing account belongs to Priya Raman (priya.raman@example.com, "
                      "phone 415-555-0132, SSN 536-22-8143, card 4111 1111 1111 1111).",
    },
    "chat": {
        "clean": "I would rather not share who is coming, but there will be eight of us.",
        "pii": "I'm organising it with my friend Tom Becker; he is at tom.becker@example.net "
               "or (415) 867-5309.",
        "restricted": "I'm organising it with my friend Tom Becker (tom.becker@example.net, "
                      "(415) 867-5309); the deposit went on card 4111 1111 1111 1111 and the "
                      "venue asked for his SSN 536-22-8143.",
    },
}

SHORT: dict[str, str] = {
    "clinical": "Summarise this discharge note for the ward team in three bullet points. {who} "
                "Admitted with community-acquired pneumonia, treated with amoxicillin for five "
                "days, oxygen weaned on day three, afebrile since. Discharge with a follow-up "
                "chest X-ray in six weeks.",
    "legal": "Draft a short letter declining the supplier's request to extend the payment "
             "terms. {who} The contract allows thirty days, the supplier asks for sixty, and we "
             "want to keep the relationship friendly while holding the original terms.",
    "code": "Why does this Python function leak file handles, and how do I fix it? {who} "
            "def read_all(paths): return [open(p).read() for p in paths]. It runs in a loop "
            "over thousands of files and the process dies with too many open files.",
    "chat": "Can you suggest a simple menu for a dinner party on Saturday? {who} One guest is "
            "vegetarian, another avoids gluten, and I would like something I can prepare in "
            "the afternoon and finish in the oven.",
}

LONG: dict[str, str] = {
    "clinical": """Please turn the following inpatient notes into a structured discharge \
summary with sections for presenting complaint, course in hospital, medications on discharge, \
follow-up and advice to the patient. Keep it under one page and use plain language in the \
advice section. {who}

Presenting complaint: a man in his sixties came to the emergency department with four days of \
productive cough, fever and increasing breathlessness. He had been seen by his general \
practitioner two days earlier and started on oral antibiotics, but felt worse and could not \
climb the stairs at home. On arrival he was alert, breathing fast, with oxygen saturation of \
eighty-nine percent on room air, a temperature of thirty-eight point nine and a heart rate of \
one hundred and four. Crackles were heard at the right base. The chest X-ray showed \
consolidation in the right lower lobe without effusion. Blood tests showed a raised white cell \
count and C-reactive protein; kidney function was normal. The severity score was two, and he \
was admitted to the respiratory ward.

Course in hospital: he was started on intravenous amoxicillin and oral clarithromycin, with \
oxygen by nasal cannula aiming for saturations between ninety-four and ninety-eight percent. \
Blood cultures were negative. The urine antigen test for legionella was negative and the \
pneumococcal antigen was positive, so clarithromycin was stopped on day two. He remained \
febrile for the first forty-eight hours and then settled. Oxygen was weaned on day three and \
he mobilised with the physiotherapist on day four, managing a flight of stairs with mild \
breathlessness. Intravenous antibiotics were switched to oral amoxicillin on day four to \
complete seven days in total. His blood pressure was persistently raised during the stay; \
this was discussed with him and will be reviewed by his general practitioner rather than \
treated in hospital. He had one episode of confusion on the second night, which resolved by \
the morning and was attributed to fever and a new environment; a delirium screen was \
otherwise unremarkable.

Past history: type two diabetes managed with metformin, mild chronic kidney disease, and a \
knee replacement several years ago. He stopped smoking more than ten years ago and drinks \
alcohol occasionally. He lives with his wife in a house with stairs and is independent in all \
activities of daily living. His diabetes control during the admission was acceptable with \
capillary glucose mostly between six and eleven; metformin was held for the first two days \
while he was unwell and then restarted.

Medications on discharge: amoxicillin five hundred milligrams three times a day for three \
more days; metformin as before; paracetamol as needed for fever or aches. No new long-term \
medicines were started. He was given an inhaler technique leaflet although he does not use \
inhalers, which should be removed from the pack.

Follow-up: a chest X-ray in six weeks to confirm resolution of the consolidation, arranged \
through his general practitioner; review of blood pressure within two weeks; pneumococcal and \
annual influenza vaccination to be offered if not up to date. Please also include a line \
asking the practice to check kidney function at the blood pressure review, because of the \
recent infection and the metformin.

Advice to the patient: complete the course of antibiotics, rest but keep moving around the \
house, drink enough fluids, and expect tiredness and a cough for several weeks. Return or \
call for help if breathlessness gets worse, if he coughs up blood, if the fever comes back \
after finishing antibiotics, or if he becomes confused again. Write the advice so that his \
wife can read it too, and avoid abbreviations throughout the summary.""",
    "legal": """I need a first draft of a response to a notice of termination we received \
from a software supplier, and a short internal memo on our options. Please keep the letter \
firm but cooperative, and flag in the memo anything that needs a partner's review. {who}

Background: the client is a regional logistics company that licenses a warehouse management \
system from the supplier under a master services agreement signed four years ago, with an \
initial term of five years and automatic renewal for successive one-year periods unless \
either party gives six months' written notice. The agreement includes a service level \
schedule with monthly availability targets, service credits capped at ten percent of the \
monthly fee, and a right for the customer to terminate for persistent failure, defined as \
three missed targets in any rolling six-month period. The supplier has now sent a notice \
purporting to terminate for convenience with ninety days' notice, relying on a clause that, \
in our reading, only applies during a transition period after a change of control of the \
customer. There has been no change of control.

The notice also states that the supplier will stop providing security updates at the end of \
the ninety days and offers a migration to its new cloud product at a substantially higher \
price. The client depends on the system for daily operations in three warehouses and cannot \
migrate to another product in less than nine months without serious disruption. The client \
has paid all invoices on time, with the exception of one disputed invoice for consulting \
days that were never delivered, which was raised in writing last year and never answered.

What I need in the letter: reject the termination as invalid, explain briefly why the \
clause relied on does not apply, state that the agreement continues in force until at least \
the end of the current term, and require the supplier to confirm within fourteen days that \
it will continue to perform, including security updates. Reserve all rights, including \
damages and the right to seek an injunction, without threatening litigation in the first \
paragraph. Offer a meeting between senior representatives, which is the first step of the \
dispute resolution clause, and propose three possible dates in the next two weeks. Do not \
mention the disputed consulting invoice in the letter.

What I need in the memo: a summary of the termination clause and how the change of control \
wording should be read; whether the supplier's notice could instead be treated as notice of \
non-renewal, and what that would mean for the timeline; whether withholding security updates \
would be a breach of the service level schedule or of the general obligation to maintain the \
software in line with good industry practice; remedies available to the client, including \
whether the service credit cap limits damages for a wrongful termination; the practical risk \
that the supplier simply stops performing, and interim steps the client should take now, such \
as an escrow release request and a contingency plan for the warehouses; and anything in the \
limitation of liability clause that might cut against us.

One more point for the memo: the \
agreement has a clause requiring notices to be sent by registered post to a named office, \
and the supplier's notice arrived only by e-mail. Please say whether that defect alone makes \
the notice ineffective, or whether courts tend to treat actual receipt as enough, and how \
much weight we should put on the argument compared with the main point about the clause. \
Also note whether anything the client has said or done since receiving the notice could be \
read as accepting it, since the operations director replied to the e-mail to ask about the \
migration pricing.

Please use the defined terms from the agreement where you can guess them, mark any assumption \
in square brackets, and keep the memo to about a page and a half. The tone of the memo can be \
informal, since it goes only to the team, but the letter will be sent on letterhead and must \
read as if a senior associate wrote it.""",
    "code": """I am debugging an intermittent failure in a Python web service and would like \
a second pair of eyes. Please explain what is most likely going on, and propose a fix with \
code. {who}

The service is an asynchronous API built on Starlette and run by uvicorn with four worker \
processes. It accepts uploads of CSV files, validates them, and writes the rows to a \
PostgreSQL database through an async driver. Under light load everything works. Under load \
testing with about two hundred concurrent clients, roughly one request in five hundred fails \
with a timeout after thirty seconds, and the logs show the database pool is exhausted at that \
moment even though the database itself reports few active connections.

Here is the handler, simplified:

async def upload(request):
    form = await request.form()
    data = await form["file"].read()
    rows = parse_csv(data)
    async with pool.acquire() as conn:
        errors = validate(rows)
        if errors:
            return JSONResponse({"errors": errors}, status_code=422)
        async with conn.transaction():
            for chunk in batched(rows, 500):
                await conn.executemany(INSERT_SQL, chunk)
    await notify_indexer(len(rows))
    return JSONResponse({"rows": len(rows)})

The parse_csv function uses the standard csv module and returns a list of dictionaries. The \
validate function checks each row against a schema and can take a noticeable amount of time \
for large files, since it also normalises text and checks a few fields against lookup tables \
that are loaded into memory at start. The notify_indexer function sends a message to another \
service over HTTP with a timeout of ten seconds and retries twice on failure.

The pool is created at start with a minimum of two and a maximum of ten connections per \
worker. The load test uploads files between a few kilobytes and about twenty megabytes, with \
most of them small. When a request fails, it is usually one of the large uploads, but not \
always; sometimes small uploads that arrive just after a large one fail too. CPU usage on the \
service hosts reaches about ninety percent during the test, memory is fine, and the event \
loop lag metric we export shows spikes of several seconds that line up with the failures.

Things I have tried: raising the pool maximum to twenty made the failures rarer but did not \
remove them; setting a statement timeout on the database had no effect; moving \
notify_indexer to a background task helped a little. I suspect the validation step, because \
it runs while a connection is held and is pure Python, but I am not sure why that would \
starve other requests of connections rather than just making this one slow.

One more detail that may matter: the \
service also runs a periodic task every minute that refreshes the lookup tables used by \
validate. It reads them from the database with the same pool, replaces the dictionaries in \
place, and logs how long the refresh took. On a quiet system the refresh takes well under a \
second, but the logs from the load test show it sometimes waiting for a connection for more \
than twenty seconds, and once or twice the refresh itself timed out.

Please explain the mechanism step by step, including how the event loop, the pool and the \
CPU-bound work interact, and suggest a design that keeps the service responsive: where to \
acquire the connection, how to move parsing and validation off the event loop (threads or \
processes, and the trade-offs of each for this workload), how to bound the amount of work \
accepted at once, and what metrics would confirm the fix. Short code snippets are welcome; \
assume a recent Python version and that we can add one small dependency if it is clearly \
worth it. Please also mention anything in the handler that is wrong independently of this \
problem, such as error handling around the transaction.""",
    "chat": """We are planning a long weekend away in early autumn for a group of friends, \
and I would love some help putting together a plan that works for everyone. {who}

There will be eight adults. Two of us are keen hikers who would happily walk for six hours \
a day, three prefer shorter walks with a good lunch at the end, one has a knee problem and \
needs routes that are mostly flat, and two mainly want to relax, read and maybe swim. We \
would like to stay together in one rented house with a big kitchen and a table that fits \
everyone, within about three hours by train from the city, and we would rather not need \
cars once we arrive, although we could hire one for a day if it really opens up something \
special.

Food matters a lot to this group. One person is vegetarian, one avoids gluten, and everyone \
else eats anything. We would like to cook together on two of the evenings and eat out on \
the third, ideally somewhere local and not too formal. For the cooking evenings, please \
suggest menus that can be prepared mostly in advance, that work for the vegetarian and the \
gluten-free guest without feeling like a compromise for everyone else, and that do not need \
special equipment beyond what a typical holiday house kitchen has. A shopping list grouped by \
shop section would be a bonus, and an idea for a simple breakfast that we can leave out for \
people who get up at very different times.

For the days, we would like a rough plan with options: a long walk for the hikers on the \
first full day with a shorter loop that the others can join for the second half, a flat \
walk along a river or a lake for the whole group, and a lazy day with a market, a museum or \
a garden nearby. If the weather turns, we need indoor ideas that are not just sitting in the \
house, and it would help to know which of the plans can be swapped between days.

The budget is moderate: we want to split the costs evenly and keep the total per person \
reasonable, so please suggest where it is worth spending a bit more and where we can save. \
Also tell us what to book in advance, what can be decided on the day, and how early we \
should reserve the house and the train tickets for that time of year. Please also include a \
short packing list for changeable weather, a board game or two that works for eight people, \
and a suggestion for how to share the cooking and cleaning so that nobody ends up doing all \
of it.

A few practical points to cover as well. Nobody in the group wants to spend the \
weekend staring at a phone, so a plan that needs little coordination on the day is better \
than a clever one with many moving parts. The two relaxers would like a house with a garden \
or at least a terrace, and the knee problem means a ground-floor bedroom would be kind. We \
would like to arrive on Friday evening, so the first dinner should be something quick that \
can be bought on the way from the station and cooked in half an hour, and we leave on Monday \
after lunch, so the last morning should include a short walk and a tidy-up without rushing. \
If there is a local speciality or a seasonal dish worth trying in autumn, mention it, and \
suggest a picnic lunch for the long walk that survives a few hours in a rucksack.

On transport, please check whether \
a group ticket or a railcard would save money for eight adults travelling together, and \
whether it is better to book two taxis from the station or take the local bus with luggage. \
If the house is a little way from the nearest village, suggest what to buy in the city \
before we leave.

Finally, could you suggest three possible regions that would fit this description, with one \
or two sentences on why each might suit us, and what the main drawback of each one is? We \
have not settled on a destination yet, so a comparison would help us decide quickly.""",
}


def prompt(domain: str, size: str, variant: str) -> str:
    """The user message for `domain` ("clinical" ...), `size` ("short" | "long") and `variant`."""
    text = (SHORT if size == "short" else LONG)[domain]
    return text.replace("{who}", WHO[domain][variant])
