"""Coping exercises as forms (domain/listening.yml): each message is the answer to the step shown,
acknowledged in the person's own words where the exercise uses them, then the next step; at the end,
the closing, the evidence, and "how do you feel now, compared with before?"."""
from __future__ import annotations

import re
import string
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import content
from actions.replies import button, evidence_line, source_names
from actions.trackers import latest_intent, had_crisis
from bot import reflection
from bot.content.store import ExerciseRecord, Step

EXERCISE_BY_INTENT = {
    "exercise_breathing": "breathing",
    "exercise_grounding": "grounding",
    "exercise_behavioural_activation": "behavioural_activation",
    "exercise_sleep": "sleep",
    "exercise_thought_challenging": "thought_challenging",
    "exercise_self_compassion": "self_compassion",
    "exercise_reaching_out": "reaching_out",
}
STEP_BUTTONS = [button("Next", "next_step"), button("Stop", "stop_exercise")]
MISSING = "Sorry, I can't open that exercise right now. Please try again in a moment."
DEFAULT_ACK = "Thank you."
# Messages that only move on ("next", "done", "ok"): no acknowledgement, nothing kept.
MOVING_ON_INTENTS = {"next_step", "ask_more", "affirm", "mood_ok", "thank"}
MOVING_ON = re.compile(r"^\W*(next|done|did it|ok(ay)?|k|yes|yep|yeah|ready|go on|continue|finished|/next_step)\W*$",
                       re.IGNORECASE)
FINISHED = [SlotSet("exercise", None), SlotSet("exercise_step", None), SlotSet("exercise_notes", None),
            SlotSet("exercise_reply", None)]


def _show_step(dispatcher: CollectingDispatcher, exercise: ExerciseRecord, index: int) -> None:
    dispatcher.utter_message(
        text=f"Step {index + 1} of {len(exercise.steps)}: {exercise.steps[index].text}", buttons=STEP_BUTTONS)


def acknowledgement(step: Step, answer: str, notes: dict) -> str:
    """The step's acknowledgement with the person's words in it; the plain one if a word it needs
    was never given (they pressed "next" at that step)."""
    values = {"answer": reflection.quote(answer), "yours": reflection.yours(answer), **notes}
    template = step.ack or DEFAULT_ACK
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not all(values.get(name) for name in needed):
        template = DEFAULT_ACK
    return reflection.capitalised(template.format(**values))


def moves_on_only(intent: Optional[str], text: str) -> bool:
    return bool(MOVING_ON.match(text)) or (intent in MOVING_ON_INTENTS and len(text.split()) <= 3)


# Said before the offer of an exercise to someone who described how things are.
OFFER_LEADS = {
    "breathing": "That sounds really uncomfortable.",
    "grounding": "That sounds disorienting and hard.",
    "behavioural_activation": "When everything feels like too much effort, even small things are hard.",
    "sleep": "Sleepless nights are exhausting.",
    "thought_challenging": "Thoughts like that can be really loud.",
    "self_compassion": "It sounds like you're being hard on yourself.",
    "reaching_out": "Reaching out can feel really daunting.",
}


class ActionOfferExercise(Action):
    """Offers one exercise, with a button to start it, instead of starting it unasked."""

    def name(self) -> str:
        return "action_offer_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        offered = tracker.get_slot("exercise_offered") or ""
        exercise = await content.exercise(EXERCISE_BY_INTENT.get(offered, ""))
        if exercise is None:
            dispatcher.utter_message(response="utter_offer_exercises")
            return []
        dispatcher.utter_message(
            text=f"{OFFER_LEADS.get(exercise.exercise, '')} Would you like to try {exercise.title.lower()} "
                 f"together? {exercise.intro}".strip(),
            buttons=[button("Yes, let's try it", offered), button("Not now", "decline_exercise")])
        return []


class ActionStartExercise(Action):
    def name(self) -> str:
        return "action_start_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = latest_intent(tracker) or ""
        # A typed "yes" to the exercise just offered starts that one.
        chosen = tracker.get_slot("exercise_offered") if intent == "affirm" else intent
        key = EXERCISE_BY_INTENT.get(chosen or "")
        exercise = await content.exercise(key) if key else None
        if exercise is None:
            dispatcher.utter_message(text=MISSING)
            return FINISHED
        dispatcher.utter_message(text=f"{exercise.title}. {exercise.intro}")
        # exercise_reply is not touched here: a slot set in this turn would be validated as the first
        # answer the moment the form starts.
        return [SlotSet("exercise", key), SlotSet("exercise_step", 0), SlotSet("exercise_notes", {}),
                SlotSet("exercise_offered", None)]


class ActionAskExerciseReply(Action):
    """How exercise_form asks for its slot: by showing the current step."""

    def name(self) -> str:
        return "action_ask_exercise_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        exercise = await content.exercise(tracker.get_slot("exercise") or "")
        if exercise is None:
            dispatcher.utter_message(text=MISSING)
            return []
        index = min(int(tracker.get_slot("exercise_step") or 0), len(exercise.steps) - 1)
        _show_step(dispatcher, exercise, index)
        return []


class ValidateExerciseForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_exercise_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        # No exercise could be opened: nothing to ask, the form ends at once.
        return domain_slots if tracker.get_slot("exercise") else []

    async def validate_exercise_reply(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        exercise = await content.exercise(tracker.get_slot("exercise") or "")
        if exercise is None:
            dispatcher.utter_message(text=MISSING)
            return {"exercise_reply": "ended", "exercise": None}
        if value is None or not str(value).strip():
            return {"exercise_reply": None}
        index = int(tracker.get_slot("exercise_step") or 0)
        notes = dict(tracker.get_slot("exercise_notes") or {})
        answer = str(value)
        step = exercise.steps[min(index, len(exercise.steps) - 1)]
        if not moves_on_only(latest_intent(tracker), answer):
            dispatcher.utter_message(text=acknowledgement(step, answer, notes))
            if step.keep:
                notes[step.keep] = reflection.quote(answer)
        following = index + 1
        finished = following >= len(exercise.steps)
        return {"exercise_reply": answer if finished else None, "exercise_step": following,
                "exercise_notes": notes}


class ActionFinishExercise(Action):
    def name(self) -> str:
        return "action_finish_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        exercise = await content.exercise(tracker.get_slot("exercise") or "")
        if exercise is not None:
            dispatcher.utter_message(text=exercise.closing)
            if not had_crisis(tracker):  # a grade of the evidence is no reply to someone in crisis
                dispatcher.utter_message(
                    text=f"{evidence_line(exercise.evidence_strength, exercise.evidence_note)} "
                         f"Sources: {source_names(exercise.sources)}.")
        return FINISHED


# How the person feels after an exercise, from their own words; "not better" is not better.
_WORSE = re.compile(r"\b(worse|awful|terrible|more (anxious|stressed|upset)|didn'?t help|did not help"
                    r"|not help(ing|ful)|made it worse|bad)\b", re.IGNORECASE)
_SAME = re.compile(r"\b(same|no different|not (really|much)|nothing|meh|idk|don'?t know|not sure|no change"
                   r"|not better|no better)\b", re.IGNORECASE)
_BETTER = re.compile(r"\b(better|calmer|calm|relaxed|lighter|helped|good|okay|ok|fine|less|bit easier|easier"
                     r"|grounded|steadier)\b", re.IGNORECASE)
FEEDBACK = {
    "worse": ("I'm sorry it didn't help, and thank you for telling me honestly. Not every exercise suits "
              "everyone. Would you like to talk about what's going on, or find someone to talk to?"),
    "same": ("Thanks for giving it a go. It's fine if nothing changed: these skills often help more with "
             "practice, and a different one might suit you better."),
    "better": "I'm glad it helped a little. You can come back to it any time you need it.",
}
QUOTED_WORDS = 8   # a short answer is given back before the reply
FEEDBACK_BUTTONS = {
    "worse": [button("Just talk", "talk_to_me"), button("Find someone to talk to", "ask_helpline")],
    "same": [button("Another exercise", "ask_coping"), button("Just talk", "talk_to_me")],
    "better": [],
}


def how_it_went(text: str) -> str:
    if _WORSE.search(text):
        return "worse"
    if _SAME.search(text):
        return "same"
    return "better" if _BETTER.search(text) else "same"


class ActionExerciseFeedback(Action):
    def name(self) -> str:
        return "action_exercise_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        feeling = tracker.get_slot("exercise_feeling")
        if feeling:
            went = how_it_went(str(feeling))
            said = str(feeling)
            heard = f'You said: "{reflection.quote(said)}". ' if len(said.split()) <= QUOTED_WORDS else ""
            dispatcher.utter_message(text=heard + FEEDBACK[went], buttons=FEEDBACK_BUTTONS[went])
        return [SlotSet("exercise_feeling", None)]
