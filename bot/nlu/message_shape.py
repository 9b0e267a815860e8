"""Rasa adapter for bot.message_shape: replaces the classifier's intent where the shape of a message
says more than its words (emoji only, not words, a long vent, an unclear or refused exercise), or
where the conversation does (an exercise waiting for its answer, an offer just made)."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import words
from bot.message_shape import NO_CONTEXT, Context, second_look

logger = logging.getLogger(__name__)

_SOURCE = Path(__file__).resolve().parent.parent / "message_shape.py"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageShape(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageShape":
        # The word table takes about a second to load: at start-up, not on someone's first message.
        words.preload()
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        # The class source alone is fingerprinted: the rules it applies live in bot/message_shape.py.
        return hashlib.sha256(_SOURCE.read_bytes()).hexdigest()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        # Rasa hands an NLU component the conversation's tracker when it asks for one by this name.
        context = conversation_context(tracker)
        for message in messages:
            intent = message.get("intent") or {}
            ranking = tuple((r.get("name") or "", float(r.get("confidence") or 0.0))
                            for r in message.get("intent_ranking") or [])
            named = any(e.get("entity") == "country" for e in message.get("entities") or [])
            try:
                look = second_look(message.get("text") or "", intent.get("name") or "",
                                   float(intent.get("confidence") or 0.0), ranking, named, context)
            except Exception as error:  # noqa: BLE001 - a second look must never stop the safety screen after it
                logger.error("message shape failed, the classifier's intent stands: %s", type(error).__name__)
                continue
            if look:
                self._set(message, look)
        return messages

    def _set(self, message: Message, look) -> None:
        # What the classifier said is kept beside it, as the safety screen keeps its own choice.
        message.set("second_look", {"intent": look.intent, "classifier": message.get("intent")},
                    add_to_output=True)
        chosen = {"name": look.intent, "confidence": 1.0}
        ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != look.intent]
        message.set("intent", chosen, add_to_output=True)
        message.set("intent_ranking", [chosen] + ranking, add_to_output=True)
        if look.offered:
            entity = {"entity": "exercise_offered", "value": look.offered, "confidence": 1.0,
                      "extractor": self.__class__.__name__}
            message.set("entities", (message.get("entities") or []) + [entity], add_to_output=True)


def conversation_context(tracker: Optional[DialogueStateTracker]) -> Context:
    """The form waiting for an answer, the bot's last action and the article talked about."""
    if tracker is None:
        return NO_CONTEXT
    after = next((e.action_name for e in reversed(tracker.events)
                  if isinstance(e, ActionExecuted) and e.action_name and e.action_name != "action_listen"), None)
    return Context(loop=tracker.active_loop_name, after=after, topic=tracker.get_slot("topic"),
                   asked_where=after == "action_helpline_lookup" and bool(tracker.get_slot("pending_lookup")))
