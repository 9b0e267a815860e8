"""Explaining depression and its treatments from the content store, remembering the topic."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.trackers import latest_intent

from actions import content
from actions.replies import button, evidence_line, reviewed, source_list, source_names
from bot import reflection
from bot.content import aspects
from bot.content.store import ArticleRecord

TOPIC_BY_INTENT = {
    "ask_what_is_depression": "what_is_depression",
    "ask_symptoms": "symptoms",
    "ask_causes": "causes",
    "ask_diagnosis": "diagnosis",
    "ask_treatment_overview": "treatment_overview",
    "ask_antidepressants": "antidepressants",
    "ask_psychotherapy": "psychotherapy",
    "ask_digital_therapeutics": "digital_therapeutics",
    "ask_esketamine": "esketamine",
    "ask_complementary": "complementary",
    "ask_personalised_medicine": "personalised_medicine",
    "ask_collaborative_care": "collaborative_care",
    "ask_depression_vs_anxiety": "depression_vs_anxiety",
    "ask_supporting_someone": "supporting_someone",
    "find_professional": "finding_therapist",
    "find_peer_support": "peer_support",
}

INTENT_BY_TOPIC = {topic: intent for intent, topic in TOPIC_BY_INTENT.items()}
MEDICINE_QUESTIONS = {"ask_interactions", "ask_stopping", "ask_missed_dose", "ask_side_effects"}
MEDICINE_CAUTION = ("If you're worried, talk to your doctor or pharmacist before changing or stopping "
                    "any medicine.")
WHICH_TREATMENT = "Which treatment do you mean?"
WHICH_TREATMENT_BUTTONS = [button("Antidepressants", "ask_antidepressants"),
                           button("Talking therapy", "ask_psychotherapy"),
                           button("Esketamine", "ask_esketamine")]
MISSING = "Sorry, I can't find that information right now. Please try again in a moment."
NO_TOPIC = "What would you like to know more about? For example: antidepressants, talking therapy or mindfulness."


def _follow_up_buttons(article: ArticleRecord, shown: int) -> List[dict]:
    buttons = []
    if shown + 1 < len(article.sections):
        buttons.append(button("Tell me more", "ask_more"))
    if article.section("side_effects"):
        buttons.append(button("Side effects", "ask_side_effects"))
    buttons.append(button("How well does it work?", "ask_evidence"))
    return buttons


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _whole_article(article: ArticleRecord) -> dict:
    return button(f"All about {article.title.lower()}", INTENT_BY_TOPIC.get(article.topic, "ask_more"))


def _part(article: ArticleRecord, keys, question: str):
    """The first of `keys` the article has, else the section the question's words point to."""
    keyed = next((article.section(k) for k in keys if article.section(k)), None)
    return keyed or aspects.best_section(article.sections, question, article.title)


def _answer_part(dispatcher: CollectingDispatcher, article: ArticleRecord, section, intent: str) -> None:
    caution = f"\n\n{MEDICINE_CAUTION}" if intent in MEDICINE_QUESTIONS else ""
    dispatcher.utter_message(
        text=f"{section.heading}. {section.body}{caution}\n\nSources: {source_names(article.sources)}.",
        buttons=[_whole_article(article)])


async def _current(tracker: Tracker, dispatcher: CollectingDispatcher) -> Optional[ArticleRecord]:
    """The article the conversation is about."""
    topic = tracker.get_slot("topic")
    if not topic:
        dispatcher.utter_message(text=NO_TOPIC)
        return None
    article = await content.article(topic)
    if article is None:
        dispatcher.utter_message(text=MISSING)
    return article


class ActionExplainTopic(Action):
    def name(self) -> str:
        return "action_explain_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        topic = TOPIC_BY_INTENT.get(latest_intent(tracker) or "")
        if topic:  # postpartum, grief, seasonal ... have no intent: their words pick them
            topic = aspects.specific_topic_in(_text(tracker)) or topic
        article = await content.article(topic) if topic else None
        if article is None:
            dispatcher.utter_message(text=MISSING)
            return []
        # Only the part's own section: a fallback (details, getting it) would not answer it.
        aspect = aspects.aspect_in(_text(tracker))
        section = _part(article, aspects.ASPECTS[aspect][0][:1] if aspect else (), _text(tracker))
        if section is not None:
            _answer_part(dispatcher, article, section, aspect or "")
            return [SlotSet("topic", topic), SlotSet("topic_section", None)]
        if tracker.get_slot("topic") == topic and tracker.get_slot("topic_section") is not None:
            # Asked again: the opening they already read would not answer it; go on to the next part.
            return await ActionExplainMore().run(dispatcher, tracker, domain)
        overview = article.sections[0]
        who = reflection.person(_text(tracker)) if topic == "supporting_someone" else None
        if who:
            dispatcher.utter_message(text=f"It sounds like you're worried about {who}, and it's good that "
                                          "you're looking into how to help.")
        dispatcher.utter_message(text=f"{article.title}. {article.summary}")
        dispatcher.utter_message(
            text=f"{overview.body}\n\nSources: {source_names(article.sources)}. {reviewed(article.reviewed_on)}",
            buttons=_follow_up_buttons(article, 0),
        )
        return [SlotSet("topic", topic), SlotSet("topic_section", 0)]


class ActionExplainMore(Action):
    def name(self) -> str:
        return "action_explain_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        article = await _current(tracker, dispatcher)
        if article is None:
            return []
        shown = int(tracker.get_slot("topic_section") or 0) + 1
        if shown >= len(article.sections):
            dispatcher.utter_message(
                text=f"That's everything I have on {article.title.lower()}. Where it comes from:\n"
                     f"{source_list(article.sources)}\n{reviewed(article.reviewed_on)}")
            return []
        section = article.sections[shown]
        dispatcher.utter_message(text=f"{section.heading}. {section.body}",
                                 buttons=_follow_up_buttons(article, shown))
        return [SlotSet("topic_section", shown)]


class ActionExplainAspect(Action):
    """The part of an article a question asks about (interactions, stopping, a missed dose, side
    effects, cost, how it is given, who it is for), with the whole article one tap away."""

    def name(self) -> str:
        return "action_explain_aspect"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = latest_intent(tracker) or ""
        if intent not in aspects.ASPECTS:
            dispatcher.utter_message(text=NO_TOPIC)
            return []
        topic, keys = aspects.answer_for(intent, _text(tracker), tracker.get_slot("topic"))
        if topic is None:
            dispatcher.utter_message(text=WHICH_TREATMENT, buttons=WHICH_TREATMENT_BUTTONS)
            return []
        article = await content.article(topic)
        if article is None:
            dispatcher.utter_message(text=MISSING)
            return []
        section = _part(article, keys, _text(tracker))
        if section is None:
            dispatcher.utter_message(
                text=f"I don't have a specific answer to that for {article.title.lower()}. A doctor or "
                     "pharmacist can tell you what applies to you.", buttons=[_whole_article(article)])
            return [SlotSet("topic", topic)]
        _answer_part(dispatcher, article, section, intent)
        # The opening was not shown: "all about ..." afterwards starts from the beginning.
        return [SlotSet("topic", topic), SlotSet("topic_section", None)]


class ActionExplainEvidence(Action):
    def name(self) -> str:
        return "action_explain_evidence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        topic, _ = aspects.answer_for("ask_evidence", _text(tracker), tracker.get_slot("topic"))
        article = await content.article(topic) if topic else None
        if article is None:
            dispatcher.utter_message(text=MISSING)
            return []
        section = article.section("evidence")
        lines = [f"{section.heading}. {section.body}"] if section else []
        lines.append(evidence_line(article.evidence_strength, article.evidence_note))
        lines.append(f"Sources: {source_names(article.sources)}. {reviewed(article.reviewed_on)}")
        dispatcher.utter_message(text="\n\n".join(lines))
        return [SlotSet("topic", article.topic)]
