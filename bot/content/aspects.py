"""Which part of which article answers a question: the kind of question (its intent) chooses the
section, and the words of the question choose the article ("sertraline" is an antidepressant,
"spravato" is esketamine), falling back to the topic of the conversation, then to the article most
such questions are about.

Plain Python: the action server uses it (actions/psychoeducation.py), and so do fast tests.
"""
from __future__ import annotations

import re
from typing import Optional

# The intent of a question, the section keys that answer it (first found wins), and the article
# asked about when neither the question nor the conversation names one.
ASPECTS: dict[str, tuple[tuple[str, ...], Optional[str]]] = {
    "ask_interactions": (("interactions", "safety"), "antidepressants"),
    "ask_stopping": (("stopping", "safety"), "antidepressants"),
    "ask_missed_dose": (("missed_dose", "stopping"), "antidepressants"),
    "ask_side_effects": (("side_effects",), "antidepressants"),
    "ask_cost": (("cost", "getting_it"), "psychotherapy"),
    "ask_how_given": (("how_given", "how_it_works"), None),
    "ask_who_for": (("who_for", "details"), None),
    "ask_evidence": (("evidence",), "treatment_overview"),
    # Parts with no intent of their own, found by their words (aspect_in) in any question.
    "ask_pregnancy": (("pregnancy", "safety"), "antidepressants"),
    "ask_dependence": (("dependence", "stopping"), "antidepressants"),
}
WORDS_ONLY = ("ask_pregnancy", "ask_dependence")

# Words that name a topic, most specific first: "st john's wort with my sertraline" is about the
# herbal remedy's interactions, "ketamine" is in the esketamine article.
# The topics with no intent of their own come first: a question classified as any topic question goes
# to one of these when it names it ("what is postnatal depression?" is about postpartum depression).
SPECIFIC_TOPIC_WORDS: list[tuple[str, str]] = [
    ("postpartum", r"post-?partum|post-?natal|perinatal|baby blues|puerperal|after (having|giving birth to)"
                   r" (a|my|the) baby|since (having|i had) (a|my|the) baby"),
    ("self_harm", r"self[- ]?harm\w*|self[- ]?injur\w*"),
    ("treatment_resistant", r"treatment[- ]resistant|\btrd\b|tms|transcranial|\bect\b|electroconvulsive"
                            r"|electro-?shock|shock therapy|nothing (has )?(works?|worked|helps?|helped)"),
    ("young_people", r"teen\w*|adolescen\w*|my (son|daughter|child|kid)|children|kids|young people|youth"),
    ("grief", r"grie(f|ving|ve)|bereave\w*|mourning|prolonged grief"),
    ("loneliness", r"lonel\w*|loneliness|social isolation"),
    ("men", r"\bmen\b|\bmale\b|men's|\bguys\b"),
    ("seasonal", r"seasonal|winter (blues|depression)|light ?therap\w*|light ?box\w*|(?-i:SAD)"),
    ("supplements", r"omega[- ]?3|omega|fish oil|vitamin d|vitamins?|supplements?"),
    ("relapse_prevention", r"relaps\w*|(it|depression) (comes?|coming) back|stay(ing)? well|keep(ing)? well"),
    ("talking_to_gp", r"(talk|speak|tell|see|go) (to|with) (my |a |the )?(gp|doctor|physician)"
                      r"|what (do i|to|should i) say to (my |a |the )?(gp|doctor)|\bgp appointment"),
]
_TOPIC_WORDS: list[tuple[str, str]] = SPECIFIC_TOPIC_WORDS + [
    ("complementary", r"st\.? ?john'?s? ?wort|hypericum|herbal|mindfulness|yoga|acupuncture|mbct"),
    ("esketamine", r"e?s?ketamine|spravato|nasal spray"),
    ("personalised_medicine", r"genetic|genesight|pharmacogenomic|dna test|gene test"),
    ("digital_therapeutics", r"apps?\b|rejoyn|online therapy|digital|computeri[sz]ed cbt|ccbt"),
    ("collaborative_care", r"collaborative care"),
    ("antidepressants", r"antidepressants?|anti-depressants?|ssris?|snris?|maois?|tricyclics?|meds\b|medications?"
                        r"|medicines?|pills?|tablets?|sertraline|setraline|sertaline|zoloft|lustral|fluoxetine"
                        r"|prozac|citalopram|celexa|cipramil|escitalopram|lexapro|cipralex|paroxetine|seroxat"
                        r"|paxil|venlafaxine|effexor|duloxetine|cymbalta|mirtazapine|remeron|bupropion|wellbutrin"
                        r"|amitriptyline|nortriptyline|vortioxetine|trintellix|brintellix|trazodone|agomelatine"
                        r"|desvenlafaxine|pristiq|lithium"),
    ("psychotherapy", r"therapy|therapist|cbt|counsell?ing|counsell?or|psychotherap\w*|talking therap\w*|ipt"
                      r"|behavioural activation|behavioral activation|psychologist"),
]
_TOPIC_PATTERNS = [(topic, re.compile(rf"\b(?:{words})", re.IGNORECASE)) for topic, words in _TOPIC_WORDS]
SPECIFIC_TOPICS = frozenset(topic for topic, _ in SPECIFIC_TOPIC_WORDS)
# "therapy" in "talking therapies" is psychotherapy, but "how do I find a therapist" is finding one.
FINDING = re.compile(r"\b(find|finding|get|getting|see|seeing|waiting list|refer)\b.*\btherap", re.IGNORECASE)


def topic_in(text: str) -> Optional[str]:
    """The article a question names, by the first topic (in the order above) whose words it uses."""
    for topic, pattern in _TOPIC_PATTERNS:
        if pattern.search(text or ""):
            return topic
    return None


def specific_topic_in(text: str) -> Optional[str]:
    """One of the topics without an intent of its own, if the question names it."""
    topic = topic_in(text)
    return topic if topic in SPECIFIC_TOPICS else None


def answer_for(intent: str, text: str, remembered: Optional[str]) -> tuple[Optional[str], tuple[str, ...]]:
    """(article topic, section keys to try) for a question of this kind; topic None means ask which."""
    keys, default = ASPECTS[intent]
    worded = aspect_in(text)
    if worded in WORDS_ONLY:  # "is sertraline safe in pregnancy?" may come as any medication question
        keys = ASPECTS[worded][0] + keys
    topic = topic_in(text) or remembered or default
    if intent == "ask_cost" and topic == "psychotherapy" and FINDING.search(text or ""):
        topic = "finding_therapist"
    return topic, keys


# A topic question that also says which part it is about ("can I drink on sertraline?" may be
# classified as a question about antidepressants): these words pick the part.
_ASPECT_WORDS: list[tuple[str, str]] = [
    ("ask_missed_dose", r"(miss(ed)?|forg[eo]t\w*) (a |my |the |to take (my )?)?(dose|pill|tablet|meds?)|double dose"),
    ("ask_pregnancy", r"pregnan\w*|breast-?feed\w*|breast feed\w*|trying for a baby|conceiv\w*"),
    ("ask_dependence", r"addict\w*|hooked|dependen\w*|habit[- ]forming"),
    ("ask_stopping", r"stop(ped|ping)? (taking|my|them|it)|quit\w*|come off|coming off|came off|withdraw\w*"
                     r"|brain zaps?|taper\w*|wean\w*|discontinu\w*"),
    ("ask_interactions", r"alcohol|drink(ing)?|booze|wine|beer|weed|cannabis|interact\w*|mix(ing)?|combin\w*"
                         r"|ibuprofen|painkillers?|tramadol|st\.? ?john'?s? ?wort"),
    ("ask_side_effects", r"side[- ]?effects?|weight gain|sex drive|libido|blunting"),
    ("ask_cost", r"cost\w*|price|pay|afford\w*|insurance|covered|expensive|cheap"),
    ("ask_how_given", r"how (is|are) (it|they|\w+) given|what happens (in|at|during)|administ\w*|infusion"),
    ("ask_who_for", r"who (is|are) (it|they|this|that|\w+) for|who can (get|have|take|use|try)|suitable for"
                    r"|eligible|right for me|(teenagers?|children|kids) (take|have|use|get)"),
]
_ASPECT_PATTERNS = [(intent, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for intent, words in _ASPECT_WORDS]


def aspect_in(text: str) -> Optional[str]:
    """The kind of question (as its intent) that the words of a topic question point to, if any."""
    for intent, pattern in _ASPECT_PATTERNS:
        if pattern.search(text or ""):
            return intent
    return None


# A question whose part has no intent of its own ("how long does sertraline take to work?", "is it
# addictive?") is matched against the article's section headings and bodies by the words it shares.
_STOPWORDS = frozenset(
    "a an and are as at be been but by can could do does doing for from get got had has have how i if in into is "
    "it its it's just me my of on or so than that the their them then there these they this to too was we were "
    "what when where which who why will with would you your im i'm ive i've dont don't cant can't about any some "
    "really much many more most also ok okay please pls tell know like want need".split())
_TOKEN = re.compile(r"[a-z']+")
HEADING_WEIGHT = 3
SEARCH_FLOOR = 3   # a heading word, or three body words


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in _TOKEN.findall((text or "").lower()) if w not in _STOPWORDS and len(w) > 2}


def best_section(sections, question: str, topic_words: str = "") -> Optional[object]:
    """The section (not the overview) sharing most words with the question, or None below the floor.
    `topic_words` (the article's title) are left out: they name the article, not the part."""
    asked = _content_words(question) - _content_words(topic_words)
    scored = []
    for section in sections[1:]:
        score = HEADING_WEIGHT * len(asked & _content_words(section.heading)) + len(asked & _content_words(section.body))
        scored.append((score, section))
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] >= SEARCH_FLOOR else None
