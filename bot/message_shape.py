"""A second look at messages an intent classifier cannot judge from their words: emoji on their own,
letters that are not words, a long vent, and a request to start an exercise that is unclear, not a
request at all ("I can't sleep" is offered the sleep exercise, not started on it) or negated ("I
don't want an exercise"). Returns the intent the message should have, or None to keep the
classifier's.

Plain Python; bot/nlu/message_shape.py runs it inside Rasa, after the classifier and before the
safety screen (which still overrides everything).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from bot import reflection, words
from bot.content.aspects import ASPECTS, WORDS_ONLY, aspect_in, specific_topic_in, topic_in

# Below this the classifier is guessing which exercise: offer it instead of starting it; a request
# that names the exercise ("let's do the thought record") needs less.
LAUNCH_CONFIDENCE = 0.6
NAMED_LAUNCH_CONFIDENCE = 0.3
STOP_WORDS = 8
# A message this long that the classifier files under small talk or nothing is someone telling
# how things are.
VENT_WORDS = 40
SOFT_INTENTS = {"nlu_fallback", "mood_low", "mood_ok", "out_of_scope", "step_answer", "greet", "affirm",
                "deny", "thank", "unsure", "inform_country", "bot_challenge"}
# A message of at most this many words that names a country is the person saying where they are.
PLACE_ONLY_WORDS = 3
PLACE_SENTENCE_WORDS = 10   # "i live in toronto now, what number do i call", when nothing else fits
PLACE_FALLBACK_WORDS = 24
PLACE_INTENTS = {"inform_country", "ask_helpline", "find_professional", "find_peer_support"}
SURE_SAFETY = 0.6
# A feeling the classifier ranks first with at least this confidence answers a message the
# fallback took for being close to another intent.
FEELING_FLOOR = 0.2
FEELINGS = {"worried_about_someone", "mood_low"}

DISTRESS = set("😭😢😞😔😟😩😫🥺🙁😿💔😣😖😥😓😪🥲😰😨😱🫠🫥😶😕") | {"☹️", "☹"}
WARM = set("🙂😊😀😃😄😁👍❤🥰😌🙏💙💜🧡💛💚🤗👌")
ANGRY = set("😡🤬😠🖕")
_NEGATED_WANT = re.compile(
    r"\b(don'?t|do not|dont|doesn'?t|not|no|never|stop|nah)\s+(really\s+)?(want|wanna|need|feel like|like|"
    r"into|in the mood|suggesting|doing|offering|giving)\b|\bno (more )?(exercises?|breathing|techniques?)\b",
    re.IGNORECASE)
# A request to start, not a statement of how things are: "let's do breathing", "help me sleep", or
# an exercise's name on its own. "I can't sleep" gets the offer of the exercise instead.
_REQUEST = re.compile(
    r"\b(exercises?|techniques?|let'?s|lets|can we|could we|shall we|can you|could you|can u|help me|teach me|"
    r"show me|guide me|walk me|do (the|a|some|that|one)|try|want to|wanna|need (a|an|some|the|that)|please|pls|"
    r"plz|start|begin|give me|pick|is there|are there|got any|any chance|how about|what about|go on|kindly|"
    r"(maybe|ok|okay|yes|yeah|sure) (the|that)|whats the one|what'?s the one|the one (where|for|with))\b"
    r"|^\W*(the|that) [\w' -]{2,40} (one|thing|exercise)\W*$", re.IGNORECASE)
_EXERCISE_NAMES = re.compile(
    r"\b(breathing|breathe|breath ?work|grounding|5.?4.?3.?2.?1|senses|thought record|reframing|"
    r"self.?compassion|wind.?down|bedtime routine|sleep hygiene|behaviou?ral activation|reaching out|"
    r"reach out|relaxation)\b", re.IGNORECASE)
SHORT_REQUEST = 4   # words: "breathing", "thought record please"
# Each exercise by the names people give it. A request that names one starts that one, whatever
# intent the classifier preferred among the soft ones (the list of exercises, a feeling, nothing).
_NAMED_EXERCISES = [
    ("exercise_breathing", r"breathing|breathe|breath ?work|box breath\w*"),
    ("exercise_grounding", r"grounding|5.?4.?3.?2.?1|five senses|senses thing|(things|stuff) (you|u|i) can (see|hear)"),
    ("exercise_thought_challenging", r"thought record|reframing|challeng\w* (my |the |a |your |ur )?thoughts?"
                                     r"|catch it,? check it,? change it|cbt (thing|exercise|technique|worksheet|tool)"),
    ("exercise_self_compassion", r"self.?compassion|(be|being) (kind|kinder|gentle|nicer) (to|with) "
                                 r"(myself|yourself|me)"),
    ("exercise_sleep", r"wind.?down|winding down|bedtime routine|sleep hygiene|sleep (exercise|routine|thing|one)"),
    ("exercise_behavioural_activation", r"behaviou?ral activation|activity (plan|scheduling)|plan (an|one|a small)"
                                        r" (activity|thing)|one small thing|(pick|plan|do) (one|a) small thing"),
    ("exercise_reaching_out", r"reach(ing)? out (exercise|thing|one)|reaching out|contact (someone|a friend) exercise"
                              r"|(message|text|contact|get in touch with|reconnect with) (someone|somebody|a friend|"
                              r"an old friend|one person)"),
]
_NAMED_PATTERNS = [(intent, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for intent, words in _NAMED_EXERCISES]
_STATEMENT = re.compile(r"\b(i|i'?m|im|my|me|can'?t|cant|won'?t|is|feels?)\b", re.IGNORECASE)
PROMOTABLE = {"ask_coping", "nlu_fallback", "mood_low", "step_answer", "affirm", "greet", "unsure", "out_of_scope",
              "talk_to_me", "exercise_offer"}
# Asking to stop what is going on: "stop", "can we stop", "this isn't helping", "I'm done with this".
_STOP = re.compile(
    r"^\W*((actually|ok|okay|no|nah|wait|sorry|um+|hmm+|hey|oh)\W+)?"
    r"(stop|pause|quit|enough|cancel|end it here|skip (it|this)|no more|that'?s enough|leave it)\b"
    r"|\b(can we|could we|can i|let'?s|lets|i want to|i wanna|i'?d like to|please|pls)\s+"
    r"(stop|quit|end this|pause|leave it|skip)\b|\b(this|it|that)\s*(is|'?s)\s*(not|n'?t)\s*(helping|working)\b"
    r"|^\W*not helping\W*$|\bi'?m done with (this|it)\b|\b(stop|quit)\s+(please|pls|now|this)\b", re.IGNORECASE)
# "actually stop, focusing on my breath is making me more panicky": a stop said first, then why.
_STOP_FIRST = re.compile(r"^\W*((actually|ok|okay|no|wait|sorry|please|pls)\W+)?stop( it| this| now| please| pls)?"
                         r"\s*[,.!;:-]", re.IGNORECASE)
# Not wanting to go on with what is happening: "I don't wanna do this anymore", "not in the mood for this".
_NOT_GOING_ON = re.compile(
    r"\b(don'?t|do not|dont|not|no)\s+(really\s+)?(want|wanna|feel like)\s+(to\s+)?(do|doing|continue|carry on|"
    r"keep going|go on)\b|\bnot in the mood\b", re.IGNORECASE)
# Asking for any exercise without naming one: "give me something to do", "an exercise or something".
_ANY_EXERCISE = re.compile(
    r"\b(exercises?|techniques?|something (to do|tiny|small|to help|that helps|to calm|calming)|"
    r"anything to (do|help)|give me something)\b", re.IGNORECASE)
THANKS_WORDS = 8
_THANKS = re.compile(r"\b(thanks?|thank you|thankyou|thx|ty|tysm|cheers|danke|gracias|merci|obrigad[oa]|grazie|"
                     r"dhanyavaad|shukriya|appreciate (it|that|you))\b", re.IGNORECASE)
_NOT_ASKING = re.compile(r"\b(no|not|nah|nope|don'?t|dont|never|thanks?|thank you)\b", re.IGNORECASE)
_EXERCISE_WORDS = re.compile(r"\b(exercises?|breathing|grounding|techniques?|activit(y|ies)|coping skills?)\b",
                             re.IGNORECASE)
_LETTERS = re.compile(r"[a-z]+")
# Asking to erase the conversation in words the classifier has not seen: "wipe my history",
# "can you delete what i told you". "Forget what I said" alone is a retraction, not a deletion.
_ERASE = re.compile(
    r"\b(delete|erase|wipe|remove|clear)\b[^.?!]{0,40}?\b(chat|conversation|convo|messages?|history|data|"
    r"everything|all of (it|this)|what i (said|wrote|told you|typed)|this)\b"
    r"|\bforget\b[^.?!]{0,20}?\b(this chat|our chat|the chat|this conversation|our conversation|my messages|"
    r"my data|everything i (said|wrote|told you))\b|(?:^|\s)/forget\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(don'?t|do not|dont|never|not)\b", re.IGNORECASE)
# Someone else's state: "my son is so lonely, he never goes out" is a parent's worry, not loneliness.
_THIRD_PERSON = re.compile(r"\b(he|she|they|his|her|him|them|hes|shes|theyre|he's|she's|they're)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(i|i'?m|im|me|myself|i'?ve|ive)\b", re.IGNORECASE)


def _emoji_kind(text: str) -> Optional[str]:
    """'distress', 'warm', 'angry' or 'other' when the message is emoji only; None otherwise."""
    stripped = "".join(ch for ch in text if not ch.isspace())
    if not stripped or any(unicodedata.category(ch)[0] in "LN" for ch in stripped):
        return None
    symbols = [ch for ch in stripped if unicodedata.category(ch) == "So"]
    if not symbols:
        return None
    for kind, marks in (("distress", DISTRESS), ("angry", ANGRY), ("warm", WARM)):
        if any(ch in marks for ch in symbols):
            return kind
    return "other"


def looks_like_gibberish(text: str) -> bool:
    """Short messages made mostly of letter strings that are not words ("asdfghjkl", "jjjjjj")."""
    letters = _LETTERS.findall(text.lower())
    if not letters or len(text.split()) > 6:
        return False
    long_words = [w for w in letters if len(w) >= 3]
    if not long_words:
        return False
    unknown = [w for w in long_words
               if words.log_probability(w) <= words.KNOWN or re.search(r"(.)\1{3,}", w)]
    return len(unknown) / len(long_words) >= 0.6


@dataclass(frozen=True)
class Look:
    intent: str
    offered: Optional[str] = None   # for exercise_offer: the exercise intent to offer


@dataclass(frozen=True)
class Context:
    """What the conversation says about the message: the form waiting for an answer (`loop`), the
    bot's last action before it (`after`), and the article being talked about (`topic`)."""
    loop: Optional[str] = None
    after: Optional[str] = None
    topic: Optional[str] = None
    asked_where: bool = False   # "Which country are you in?" is the question on screen


NO_CONTEXT = Context()
EXERCISE_LOOPS = {"exercise_form", "exercise_feedback_form"}
OFFERS = {"action_offer_exercise", "utter_offer_exercises"}
ASKED_TO_FORGET = "utter_ask_forget"


def asks_to_start(text: str) -> bool:
    named_alone = len(text.split()) <= SHORT_REQUEST and bool(_EXERCISE_NAMES.search(text))
    return bool(_REQUEST.search(text)) or named_alone


def _clear_launch(text: str, confidence: float) -> bool:
    """A request to start that names the exercise is clear even when the classifier hesitates."""
    if _REQUEST.search(text) and (_EXERCISE_NAMES.search(text) or _named_request(text)):
        return confidence >= NAMED_LAUNCH_CONFIDENCE
    return confidence >= LAUNCH_CONFIDENCE and asks_to_start(text)


def second_look(text: str, intent: str, confidence: float,
                ranking: tuple[tuple[str, float], ...] = (), country_named: bool = False,
                context: Context = NO_CONTEXT) -> Optional[Look]:
    """The intent this message should have instead of the classifier's, or None to keep it.
    `ranking` is the classifier's (intent, confidence) list, best first; `country_named` whether
    the country extractor found a place in it; `context` what the conversation was doing.
    Payloads ("/intent") are never second-guessed."""
    if not text or text.startswith("/"):
        return None
    look = (_forget_confirmed(text, intent, context) or _place(text, intent, confidence, country_named)
            or _unplaced_answer(text, intent, context)
            or _emoji(text) or _erase(text, intent) or _exercise(text, intent, confidence, context)
            or _unfounded_topic(text, intent) or _shape(text, intent, confidence) or _loss(text, intent)
            or _someone_else(text, intent) or _feeling_behind_fallback(intent, ranking)
            or _question_behind_fallback(text, intent, ranking) or _follow_up(text, intent, context)
            or _feeling_in_words(text, intent))
    # Whatever reading won, inside an exercise it must be clear to take the person out of it.
    return _inside_exercise(text, look.intent if look else intent, context) or look


def _erase(text: str, intent: str) -> Optional[Look]:
    if intent in ("forget", "forget_confirmed") or intent.startswith("safety_"):
        return None
    match = _ERASE.search(text)
    if not match or _NEGATION.search(text[:match.start()]):
        return None
    return Look("forget")


def _loss(text: str, intent: str) -> Optional[Look]:
    """"my grandad passed away and the house feels wrong without him" is grief, not a worry about him."""
    if intent not in ("worried_about_someone", "mood_low", "feeling_lonely") or not _FIRST_PERSON_OR_MY.search(text):
        return None
    return Look("feeling_grief") if _GRIEF.search(text) else None


_FIRST_PERSON_OR_MY = re.compile(r"\b(i|i'?m|im|me|my|myself|i'?ve|ive)\b", re.IGNORECASE)


def _someone_else(text: str, intent: str) -> Optional[Look]:
    """A feeling described in someone else's name, by someone not speaking of themselves."""
    # Grief is always told about someone else: "my grandad passed away, the house is wrong without him".
    if not (intent.startswith("feeling_") or intent == "mood_low") or intent in ("feeling_angry_at_bot", "feeling_grief"):
        return None
    if reflection.person(text) and _THIRD_PERSON.search(text) and not _FIRST_PERSON.search(text):
        return Look("worried_about_someone")
    return None


def _place(text: str, intent: str, confidence: float, country_named: bool) -> Optional[Look]:
    """"egypt" after "are you safe right now?" names a place; it is not a "yes". But "weather in
    london" is out of scope, not a place to look up."""
    if not country_named or intent in PLACE_INTENTS:
        return None
    # A safety reading the classifier is unsure of becomes the fallback unless the safety layer stands
    # behind it (which then overrides this anyway); the place's own lines answer better than the fallback.
    if intent.startswith("safety_") and confidence >= SURE_SAFETY:
        return None
    n = len(text.split())
    place_only = n <= (PLACE_ONLY_WORDS if intent != "out_of_scope" else 1)
    # When the classifier found nothing at all, a place in a longer sentence is still what it is about
    # ("my brother is in the usa, what does he call").
    longest = PLACE_FALLBACK_WORDS if intent == "nlu_fallback" else PLACE_SENTENCE_WORDS
    place_sentence = (n <= longest and intent != "out_of_scope"
                      and (intent in SOFT_INTENTS or confidence < 0.6))
    return Look("inform_country") if place_only or place_sentence else None


def _emoji(text: str) -> Optional[Look]:
    kind = _emoji_kind(text)
    better = {"distress": "feeling_distress", "angry": "feeling_angry_at_bot", "warm": "thank"}.get(kind or "")
    return Look(better) if better else None


def _exercise(text: str, intent: str, confidence: float, context: Context = NO_CONTEXT) -> Optional[Look]:
    """Refusing, stopping, and starting only on a clear request, or on a choice from the offer."""
    short = len(text.split()) <= STOP_WORDS and not intent.startswith("safety_")
    launching = intent.startswith("exercise_") or intent == "ask_coping"
    refused = (launching or _EXERCISE_WORDS.search(text)) and _NEGATED_WANT.search(text)
    if refused or (short and _NOT_GOING_ON.search(text)):
        return Look("decline_exercise")
    if (short and _STOP.search(text)) or (_STOP_FIRST.search(text) and not intent.startswith("safety_")):
        return Look("stop_exercise")
    chosen = _chosen_from_offer(text, intent, context)
    if chosen:
        return Look(chosen)
    named = _named_request(text)
    if named and named != intent and _overridable(text, intent):
        return Look(named)
    if (intent in SOFT_INTENTS and _ANY_EXERCISE.search(text) and _REQUEST.search(text)
            and not _NOT_ASKING.search(text)):
        return Look("ask_coping")   # "give me something to do", "an exercise or something": the list
    if intent.startswith("exercise_") and not _clear_launch(text, confidence):
        return Look("exercise_offer", offered=intent)
    return None


# The article intents (actions/psychoeducation.py TOPIC_BY_INTENT). A message the classifier files
# under one of them that is neither phrased as a question nor names anything an article is about
# ("my phone, a lamp, the door and my dog", an answer to an exercise step) is an answer, not a
# question: inside an exercise it stays the step's answer, outside it the bot asks what it answers.
TOPIC_INTENTS = {
    "ask_what_is_depression", "ask_symptoms", "ask_causes", "ask_diagnosis", "ask_treatment_overview",
    "ask_antidepressants", "ask_psychotherapy", "ask_digital_therapeutics", "ask_esketamine",
    "ask_complementary", "ask_personalised_medicine", "ask_collaborative_care", "ask_depression_vs_anxiety",
    "ask_supporting_someone"}
_QUESTION_SHAPE = re.compile(
    r"\?|^\W*(what|whats|wat|how|hows|why|when|where|wheres|who|whos|which|is|are|am|can|could|do|does|did|"
    r"should|would|will|tell|"
    r"explain|info|information|any|anything|help)\b|\b(tell me|explain|what about|info (on|about)|"
    r"information (on|about)|more about|learn about|read about|know about)\b", re.IGNORECASE)
_ABOUT_WORDS = re.compile(
    r"\b(depress\w*|symptoms?|signs?|causes?|diagnos\w*|treat\w*|therap\w*|counsel\w*|medic\w*|meds|"
    r"pills?|tablets?|antidepress\w*|anxiety|anxious|mental health|doctor|gp|support(ing)?|help(ing)? "
    r"(him|her|them|my)|mood|low|sad)\b", re.IGNORECASE)


def _unfounded_topic(text: str, intent: str) -> Optional[Look]:
    if intent not in TOPIC_INTENTS or _QUESTION_SHAPE.search(text):
        return None
    if topic_in(text) or aspect_in(text) or _ABOUT_WORDS.search(text):
        return None
    return Look("step_answer")


def _overridable(text: str, intent: str) -> bool:
    """A request that names an exercise starts it, whatever else the classifier read ("my therapist
    mentioned behavioural activation, can you walk me through it" is not a search for a therapist),
    unless it is a stop, a refusal, or the safety screen's."""
    if intent.startswith("safety_") or intent in ("decline_exercise", "forget", "forget_confirmed"):
        return False
    if intent in PROMOTABLE or intent.startswith(("feeling_", "exercise_")):
        return True
    return not (_STOP.search(text) or _NOT_GOING_ON.search(text) or _NEGATED_WANT.search(text))


def _named_request(text: str) -> Optional[str]:
    """The exercise a request names ("can we do the 5 4 3 2 1 thing"), if exactly one."""
    # A name on its own asks for it ("grounding pls"); a short statement does not ("i cant breathe").
    name_alone = len(text.split()) <= SHORT_REQUEST and not _STATEMENT.search(text)
    if not (_REQUEST.search(text) or name_alone):
        return None
    named = {intent for intent, pattern in _NAMED_PATTERNS if pattern.search(text)}
    return named.pop() if len(named) == 1 else None


def _shape(text: str, intent: str, confidence: float) -> Optional[Look]:
    if intent in ("nlu_fallback", "out_of_scope", "unsure", "gibberish") and _thanks(text):
        return Look("thank")
    if looks_like_gibberish(text) and not topic_in(text):  # "spravato" is a word we know, if spaCy doesn't
        return Look("gibberish")
    if len(text.split()) >= VENT_WORDS and (intent in SOFT_INTENTS or confidence < 0.6):
        return Look("feeling_vent")
    return None


def _thanks(text: str) -> bool:
    """"cool thanks", "ty anyway", "danke", "ok thats good to know thanks": short, and thanking."""
    return len(text.split()) <= THANKS_WORDS and bool(_THANKS.search(text)) and not _NEGATION.search(text)


def _feeling_behind_fallback(intent: str, ranking: tuple[tuple[str, float], ...]) -> Optional[Look]:
    """The fallback also fires when two intents are close. Between two readings of how someone
    feels, either reply listens better than "I didn't understand"; a question or a launch stays
    with the fallback, where a wrong answer would cost more."""
    if intent != "nlu_fallback":
        return None
    best = next(((name, conf) for name, conf in ranking if name != "nlu_fallback"), None)
    if best and best[1] >= FEELING_FLOOR and (best[0].startswith("feeling_") or best[0] in FEELINGS):
        return Look(best[0])
    return None


# The questions the bot can answer, by what they ask; with too little confidence for the classifier
# they fall back, though the runner-up reading is the right one more often than not.
QUESTION_INTENTS = TOPIC_INTENTS | {"ask_side_effects", "ask_how_given", "ask_who_for", "ask_cost", "ask_stopping",
                                    "ask_interactions", "ask_missed_dose", "ask_evidence"}
QUESTION_FLOOR = 0.2
SPECIFIC_TOPIC_CARRIER = "ask_what_is_depression"
QUESTION_MARGIN = 0.05


def _question_behind_fallback(text: str, intent: str, ranking: tuple[tuple[str, float], ...]) -> Optional[Look]:
    """A question in words of the content ("what are the actual signs of depression anyway", "also my
    sex drive is gone since starting it") that the fallback took: answered by the runner-up when that
    is a question the bot answers and the words agree (a topic or a kind of question is named)."""
    if intent != "nlu_fallback" or not _QUESTION_SHAPE.search(text):
        return None
    named_aspect = aspect_in(text)
    if named_aspect:   # the words say which part is asked: stronger than a guess
        # A part with no intent of its own is found by its words under its article's intent.
        return Look(named_aspect if named_aspect not in WORDS_ONLY else f"ask_{ASPECTS[named_aspect][1]}")
    if specific_topic_in(text):
        # Postnatal depression, grief, vitamin D ... have no intent: any article intent carries the
        # question, and the article is chosen by its words (actions/psychoeducation.py).
        return Look(SPECIFIC_TOPIC_CARRIER)
    if not (topic_in(text) or _ABOUT_WORDS.search(text)):
        return None
    readings = [(name, conf) for name, conf in ranking if name != "nlu_fallback"]
    if not readings or readings[0][0] not in QUESTION_INTENTS or readings[0][1] < QUESTION_FLOOR:
        return None
    if len(readings) > 1 and readings[0][1] - readings[1][1] < QUESTION_MARGIN:
        return None   # two close readings: a wrong answer costs more than asking again
    return Look(readings[0][0])


def _chosen_from_offer(text: str, intent: str, context: Context) -> Optional[str]:
    """Just after exercises were offered, naming one of them ("the breathing one i guess") or the
    classifier reading one is a choice: that one starts."""
    if context.after not in OFFERS or intent.startswith("safety_") or _NEGATION.search(text):
        return None
    named = {name for name, pattern in _NAMED_PATTERNS if pattern.search(text)}
    if len(named) == 1:
        return named.pop()
    return intent if intent.startswith("exercise_") and intent != "exercise_offer" else None


_YES = re.compile(r"^\W*(yes|yep|yeah|yup|ya|yea|sure|ok|okay|please|pls|do it|go ahead|definitely|absolutely)\b",
                  re.IGNORECASE)


def _forget_confirmed(text: str, intent: str, context: Context) -> Optional[Look]:
    """After "do you want me to delete this conversation?", a yes in any words ("yes, wipe it")."""
    if context.after != ASKED_TO_FORGET or intent.startswith("safety_") or intent == "deny":
        return None
    if _NEGATION.search(text) or _NOT_YET.search(text):
        return None
    if intent in ("forget", "affirm", "forget_confirmed") or _YES.search(text) or _ERASE_WORD.search(text):
        return Look("forget_confirmed")
    return None


_ERASE_WORD = re.compile(r"\b(delete|erase|wipe|remove|clear|forget)\b", re.IGNORECASE)
_NOT_YET = re.compile(r"\b(no|nah|nope|keep|wait|cancel)\b", re.IGNORECASE)
# Inside an exercise these readings leave it only when the message is shaped like what they say: an
# answer to a step often sounds like a question or a complaint to a classifier ("a dumb meme maybe",
# "heavier, might actually drop off"), and leaving loses every step after it.
SOFT_LEAVERS = {"ask_privacy", "ask_capabilities", "bot_challenge", "ask_helpline", "find_professional",
                "find_peer_support", "ask_supporting_someone", "feeling_angry_at_bot"}
_AT_THE_BOT = re.compile(
    r"\b(you|u|ur|your|you'?re|youre|bot|app|robot|machine|useless|pointless|shut up|waste of (my )?time|"
    r"f+u+c*k+ (off|you|this)|screw (you|this)|piss off|go away)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”][^\"“”]*[\"“”]|(?<!\w)'[^']*'(?!\w)")


def _inside_exercise(text: str, intent: str, context: Context) -> Optional[Look]:
    if context.loop not in EXERCISE_LOOPS or intent not in (SOFT_LEAVERS | QUESTION_INTENTS):
        return None
    own_words = _QUOTED.sub(" ", text)   # a quoted draft or thought is part of the answer
    if intent == "feeling_angry_at_bot":
        return None if _AT_THE_BOT.search(own_words) else Look("step_answer")
    return None if _QUESTION_SHAPE.search(own_words) else Look("step_answer")


# Words of how someone feels, for a statement the classifier could not place: any of these listens
# better than "I didn't understand". Most specific first; the safety screen still runs after.
_GRIEF_WORDS = (r"passed away|died|death of|funeral|lost my (mum|mom|dad|mother|father|husband|wife|partner|son|"
                r"daughter|brother|sister|friend|grandma|grandad|grandpa|nan|baby|dog|cat)|griev\w*|bereave\w*")
_GRIEF = re.compile(rf"\b(?:{_GRIEF_WORDS})\b", re.IGNORECASE)
_FEELING_WORDS: list[tuple[str, str]] = [
    ("feeling_grief", _GRIEF_WORDS),
    ("feeling_self_blame", r"hate myself|my (own )?fault|i'?m (such )?(a )?(failure|useless|worthless|pathetic|idiot|"
                           r"terrible (mum|mom|dad|parent|person))|i (screamed|yelled|shouted)|ashamed|guilty|"
                           r"blame myself|feel like a failure"),
    ("feeling_lonely", r"lonely|so alone|all alone|no (one|body) to talk|no friends|isolated"),
    ("feeling_hopeless", r"never (going to|gonna) (change|get better)|nothing (will|ever) change|no point|"
                         r"hopeless|soul destroying|what'?s the point|give up"),
    ("feeling_anxious", r"anxious|anxiety|panic\w*|nervous|scared|terrified|on edge|want to throw up|dread\w*"),
    ("feeling_stress", r"stress\w*|overwhelm\w*|too much (on|going on)|under pressure|burn(t|ed)? out|burnout"),
    ("mood_low", r"cry(ing)?|cried|tears|tired|exhausted|drained|flat|empty|numb|don'?t enjoy|dont enjoy|no energy|"
                 r"sad|low|down|miserable|depressed|wrecked|can'?t sleep|cant sleep|awful|rubbish|crap|heavy|"
                 r"walking through|not myself|struggl\w*|hard time|rough"),
]
_FEELING_PATTERNS = [(name, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for name, words in _FEELING_WORDS]


def _feeling_in_words(text: str, intent: str) -> Optional[Look]:
    """A statement the fallback took that says how someone feels ("had my baby 7 weeks ago and i cry
    every single day"): answered as that feeling; about someone else, as a worry for them."""
    if intent != "nlu_fallback" or _QUESTION_SHAPE.search(text):
        return None
    found = next((name for name, pattern in _FEELING_PATTERNS if pattern.search(text)), None)
    if found is None:
        return None
    if _THIRD_PERSON.search(text) and not _FIRST_PERSON.search(text):
        return Look("worried_about_someone")
    return Look(found)


# The article intents by topic, for a follow-up question about the article being talked about.
_TOPIC_INTENT = {intent[len("ask_"):]: intent for intent in TOPIC_INTENTS}
_TOPIC_INTENT.update({"finding_therapist": "find_professional", "peer_support": "find_peer_support"})
FOLLOW_UP_WORDS = 3


def _follow_up(text: str, intent: str, context: Context) -> Optional[Look]:
    """A question the fallback took, asked while an article is being talked about ("how many sessions
    is it usually"): it is about that article, whose part its words point to."""
    if intent != "nlu_fallback" or not context.topic or len(text.split()) < FOLLOW_UP_WORDS:
        return None
    if context.loop in EXERCISE_LOOPS:   # "what do you mean by balanced?" is about the step
        return None
    if not _QUESTION_SHAPE.search(text) or topic_in(text) not in (None, context.topic):
        return None
    asked = _TOPIC_INTENT.get(context.topic)
    return Look(asked) if asked else None


WHERE_WORDS = 4


def _unplaced_answer(text: str, intent: str, context: Context) -> Optional[Look]:
    """A short answer to "which country are you in?" that names no place we know ("a small village",
    "earth lol"): the bot says it cannot place it rather than "I didn't understand"."""
    if not context.asked_where or intent not in SOFT_INTENTS - {"affirm", "deny", "thank"}:
        return None
    if len(text.split()) > WHERE_WORDS or _QUESTION_SHAPE.search(text) or looks_like_gibberish(text):
        return None
    return Look("inform_country")
