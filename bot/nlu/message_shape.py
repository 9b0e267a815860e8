"""Rasa adapter for bot.message_shape: replaces the classifier's intent where the shape of a message
says more than its words (emoji only, not words, a long vent, an unclear or refused exercise)."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import words
from bot.message_shape import second_look

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

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get("intent") or {}
            ranking = tuple((r.get("name") or "", float(r.get("confidence") or 0.0))
                            for r in message.get("intent_ranking") or [])
            named = any(e.get("entity") == "country" for e in message.get("entities") or [])
            try:
                look = second_look(message.get("text") or "", intent.get("name") or "",
                                   float(intent.get("confidence") or 0.0), ranking, named)
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
