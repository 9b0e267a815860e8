"""Coping exercises, walked through one step at a time; the place is kept in two slots."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.trackers import latest_intent

from actions import content
from actions.replies import button, evidence_line, source_names
from bot.content.store import ExerciseRecord

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
FINISHED = [SlotSet("exercise", None), SlotSet("exercise_step", None)]


def _step(dispatcher: CollectingDispatcher, exercise: ExerciseRecord, index: int) -> None:
    dispatcher.utter_message(
        text=f"Step {index + 1} of {len(exercise.steps)}: {exercise.steps[index]}", buttons=STEP_BUTTONS)


class ActionStartExercise(Action):
    def name(self) -> str:
        return "action_start_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        key = EXERCISE_BY_INTENT.get(latest_intent(tracker) or "")
        exercise = await content.exercise(key) if key else None
        if exercise is None:
            dispatcher.utter_message(text=MISSING)
            return []
        dispatcher.utter_message(text=f"{exercise.title}. {exercise.intro}")
        _step(dispatcher, exercise, 0)
        return [SlotSet("exercise", key), SlotSet("exercise_step", 0)]


class ActionExerciseNextStep(Action):
    def name(self) -> str:
        return "action_exercise_next_step"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        key = tracker.get_slot("exercise")
        if not key:
            dispatcher.utter_message(response="utter_offer_exercises")
            return []
        exercise = await content.exercise(key)
        if exercise is None:
            dispatcher.utter_message(text=MISSING)
            return FINISHED
        index = int(tracker.get_slot("exercise_step") or 0) + 1
        if index < len(exercise.steps):
            _step(dispatcher, exercise, index)
            return [SlotSet("exercise_step", index)]
        dispatcher.utter_message(text=exercise.closing)
        dispatcher.utter_message(
            text=f"{evidence_line(exercise.evidence_strength, exercise.evidence_note)} "
                 f"Sources: {source_names(exercise.sources)}.")
        return FINISHED


class ActionStopExercise(Action):
    def name(self) -> str:
        return "action_stop_exercise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        dispatcher.utter_message(
            text="Okay, we can stop here. That's completely fine. What would you like to do instead?",
            buttons=[button("Another exercise", "ask_coping"), button("Learn about depression",
                                                                      "ask_what_is_depression")])
        return FINISHED
