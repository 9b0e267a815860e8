"""Rasa adapter for bot.ages: a `young_person` entity when a person says they are under 18, so the
crisis replies can add their country's youth line (domain/helplines.yml)."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.ages import is_young

logger = logging.getLogger(__name__)
_SOURCE = Path(__file__).resolve().parent.parent / "ages.py"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class YoungPersonExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "YoungPersonExtractor":
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return hashlib.sha256(_SOURCE.read_bytes()).hexdigest()  # the rules live in bot/ages.py

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            try:
                if is_young(message.get("text") or ""):
                    entity = {"entity": "young_person", "value": "true", "confidence": 1.0,
                              "extractor": self.__class__.__name__}
                    message.set("entities", message.get("entities", []) + [entity], add_to_output=True)
            except Exception as error:  # noqa: BLE001 - no age taken; the safety screen still runs
                logger.error("age extractor failed on a message (%s)", type(error).__name__)
        return messages
