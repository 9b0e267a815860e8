"""Rasa adapter for bot.countries: adds `country` (stated) and `country_hint` (metadata) entities."""
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

from bot import settings
from bot.countries import CountryFinder

_SOURCES = [Path(__file__).resolve().parent.parent / name for name in ("countries.py", "places.py", "words.py")]


def _helplines_file(config: Dict[Text, Any]) -> Path:
    return Path(config.get("helplines_file") or settings.load().helplines_file)


logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CountryExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"helplines_file": None}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CountryExtractor":
        return cls(CountryFinder(_helplines_file(config)))

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        # The class source alone is fingerprinted: the directory and the finder's modules must count too.
        digest = hashlib.sha256(_helplines_file(config).read_bytes())
        for source in _SOURCES:
            digest.update(source.read_bytes())
        return digest.hexdigest()

    def __init__(self, finder: CountryFinder) -> None:
        self.finder = finder

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            try:
                self._add_countries(message)
            except Exception as error:  # noqa: BLE001 - no country found; the safety screen still runs
                logger.error("country extractor failed on a message (%s); no country taken from it",
                             type(error).__name__)
        return messages

    def _add_countries(self, message: Message) -> None:
        entities = []
        stated = self.finder.stated(message.get("text") or "")
        if stated:
            entities.append(self._entity("country", stated))
        hint = self.finder.from_metadata(message.get("metadata"))
        if hint:
            entities.append(self._entity("country_hint", hint))
        if entities:
            message.set("entities", message.get("entities", []) + entities, add_to_output=True)

    def _entity(self, name: str, value: str) -> Dict[Text, Any]:
        return {"entity": name, "value": value, "confidence": 1.0, "extractor": self.__class__.__name__}
