"""Ordinary English prose with no sensitive entities (numbers, dates, versions, prices and
colons included, as real text has them), for latency measurements."""

from __future__ import annotations

import random

SENTENCES = (
    "The committee reviewed the quarterly results and agreed to revisit the proposal next month.",
    "Most of the delays came from the supplier, who shipped the parts about two weeks late.",
    "We measured the response time under load and found that it stayed below 200 ms.",
    "Please summarise the attached document in three bullet points for the board.",
    "The new onboarding flow reduced support tickets by roughly 18 percent in 2023.",
    "Rewrite this paragraph so that it sounds friendlier but keeps the same meaning.",
    "Note: the library dropped support for Python 3.8 in release 2.4.0 last spring.",
    "After the migration, the nightly job finished in 41 minutes instead of 3 hours.",
    "Translate the following text into French and keep the technical terms unchanged.",
    "The survey had 1,250 responses, and most people asked for better documentation.",
    "Our team meets every Tuesday at 10:30 to plan the work for the following week.",
    "A short explanation of recursion would help the students before the exam.",
    "The contract renewal is scheduled for the first quarter, pending legal review.",
    "Each warehouse keeps a safety stock of about 400 units for the busiest products.",
    "The model was trained on public data and evaluated on a held-out test set.",
    "Can you suggest a better name for this function? It parses and validates input.",
    "The bridge was closed for maintenance, so the buses took the longer route.",
    "Costs rose by 7.5 percent, mostly because of energy prices and shipping fees.",
    "Write a haiku about autumn leaves falling on a quiet lake.",
    "The dashboard shows 12 active projects, 3 of which are behind schedule.",
    "Explain the difference between a process and a thread in simple terms.",
    "The pilot programme ran for six weeks and will be extended to two more teams.",
    "We should cache the results, since the same query runs hundreds of times a day.",
    "The recipe needs 250 g of flour, two eggs and a pinch of salt.",
    "Sales in the northern region grew faster than in any other region this year.",
    "The update improves battery life and fixes a bug in the settings menu.",
    "List the pros and cons of remote work for a small engineering team.",
    "The library is open from 9 to 5 on weekdays and closed on public holidays.",
    "Our goal for the next release is to halve the time it takes to start the app.",
    "The article argues that better tooling matters more than bigger budgets.",
)


def prose(tokens: int, seed: int = 0) -> str:
    """About `tokens` tokens (about 5 characters each) of neutral sentences."""
    r = random.Random(seed)
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < tokens * 5:
        out.append(r.choice(SENTENCES))
    return " ".join(out)
