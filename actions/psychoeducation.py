"""Explaining depression and its treatments from the content store, remembering the topic."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.trackers import latest_intent

from actions import content
from actions.replies import button, evidence_line, reviewed, source_list, source_names
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


async def _current(tracker: Tracker, dispatcher: CollectingDispatcher) -> Optional[ArticleRecord]:
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
        article = await content.article(topic) if topic else None
        if article is None:
            dispatcher.utter_message(text=MISSING)
            return []
        overview = article.sections[0]
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


class ActionExplainSideEffects(Action):
    def name(self) -> str:
        return "action_explain_side_effects"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        if not tracker.get_slot("topic"):
            dispatcher.utter_message(
                text="Side effects of which treatment?",
                buttons=[button("Antidepressants", "ask_antidepressants"),
                         button("Esketamine", "ask_esketamine")])
            return []
        article = await _current(tracker, dispatcher)
        if article is None:
            return []
        section = article.section("side_effects")
        if section is None:
            dispatcher.utter_message(
                text=f"I don't have separate information on side effects for {article.title.lower()}. "
                     "A doctor or pharmacist can tell you what to expect for your situation.")
            return []
        dispatcher.utter_message(
            text=f"{section.heading}. {section.body}\n\nIf you're worried about a side effect, talk to "
                 "your doctor or pharmacist before changing or stopping any medicine.")
        return []


class ActionExplainEvidence(Action):
    def name(self) -> str:
        return "action_explain_evidence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        article = await _current(tracker, dispatcher)
        if article is None:
            return []
        section = article.section("evidence")
        lines = [f"{section.heading}. {section.body}"] if section else []
        lines.append(evidence_line(article.evidence_strength, article.evidence_note))
        lines.append(f"Sources: {source_names(article.sources)}. {reviewed(article.reviewed_on)}")
        dispatcher.utter_message(text="\n\n".join(lines))
        return []
