"""Whether NER could find anything in a text at all: spaCy and the name rules find people and
places in capitalised words (runs in capitals included), so a text whose only capitalised
words open its sentences with ordinary words ("Summarize the report below.") holds none,
and NER (milliseconds per text) is not run on it.
"""

from __future__ import annotations

import re

# Capitalised words: names start with a capital letter in every script that has case
_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_a-zß-ÿ][\w'’-]*")
_LEAD = " \t\"'“”‘’«»([*#>-"  # what may stand between a sentence's end and its first word
# Ordinary English words that open sentences of prompts (function words, the verbs of
# instructions). A capitalised word outside this list, or not opening a sentence, may be a
# name: NER runs. (Not "may", "will", "mark", "bill": they are names too.)
_OPENER_WORDS = """
a about above according actually add after again all also although always am an analyse
analyze and another answer any anyone anything are as ask assume at based be because before
being below besides between both brainstorm but by calculate can change check choose classify
compare compute consider continue convert correct could count create define delete describe
design did do does done draft during each edit either else even every example explain extract
fill find finally first fix follow following for format from generate get give go good great
had has have having he hello help her here hey hi his how however i identify if imagine
implement improve in include instead into is it its just keep let list look make many
maybe me more most much must my name need neither never next no none nor not note now of ok
okay on once one only optimize or other our output outline over paraphrase please plus
predict prepare provide put question rank read recommend refactor remember remove rename
reply request respond return review rewrite run say see select she should show shorten simplify
since so solve some sort start step still suggest summarise summarize suppose sure take task
tell thank thanks that the their them then there these they this those though through thus
to today translate try turn under unless until up update use using very was we well were what
whatever when where whether which while who why with within without would write yes yet
you your
"""
OPENERS = frozenset(_OPENER_WORDS.split())


def may_name(text: str) -> bool:
    """Whether `text` has a capitalised word that is not an ordinary sentence opener."""
    for m in _CAPITALISED.finditer(text):
        if m.group().lower() not in OPENERS or not _opens_sentence(text, m.start()):
            return True
    return False


def _opens_sentence(text: str, start: int) -> bool:
    i = start
    while i > 0 and text[i - 1] in _LEAD:
        i -= 1
    return i == 0 or text[i - 1] in ".!?:;\n"
