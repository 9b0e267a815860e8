"""The Rasa adapter for the safety layer: the only file in safety/ that imports Rasa.

Placed after the intent classifier, it passes every user message to the safety layer
(safety/layer.py, the same verdict `python -m safety classify` gives), writes the verdict into the
message's parse data (so Rasa persists it in the tracker store) and translates it into an intent:
concern or above overrides the intent so that the rules in data/rules/safety.yml answer it, and a
message in a language the bot does not read becomes `language_unsupported`. It decides nothing.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safety import Level, Verdict
from safety.intents import LANGUAGE_UNSUPPORTED, intent_for
from safety.layer import SafetyLayer

_PACKAGE = Path(__file__).resolve().parent


def _classifier_choice(message: Message) -> Dict[Text, Any]:
    """The classifier's best intent, looking past the low-confidence fallback."""
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    best = ranking[0] if ranking else message.get("intent") or {}
    return {"name": best.get("name") or "", "confidence": round(float(best.get("confidence") or 0), 4)}


def _package_digest() -> str:
    """Screen behaviour lives in the whole package (code and pattern data), not this class alone."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yml", ".yaml", ".txt", ".json", ".tsv") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyScreen":
        return cls(SafetyLayer())

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return _package_digest()

    def __init__(self, layer: SafetyLayer) -> None:
        self.layer = layer

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            classified = _classifier_choice(message)
            verdict = self.layer.message(message.get("text") or "")
            message.set("safety", {**verdict.to_dict(), "classifier": classified}, add_to_output=True)
            if verdict.level >= Level.CONCERN:
                self._override(message, verdict)
            elif verdict.language:
                self._set_intent(message, LANGUAGE_UNSUPPORTED, 1.0)
            elif classified["name"].startswith("safety_"):
                self._unsure(message, classified)
        return messages

    @staticmethod
    def _unsure(message: Message, classified: Dict[Text, Any]) -> None:
        """A safety intent that the safety layer does not stand behind must not trigger a crisis
        rule: it becomes the fallback, whose reply names the crisis line."""
        SafetyScreen._set_intent(message, "nlu_fallback", classified["confidence"])

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        intent = {"name": name, "confidence": confidence}
        ranking = [intent] + [r for r in message.get("intent_ranking") or [] if r.get("name") not in (name, "nlu_fallback")]
        message.set("intent", intent, add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)

    def _override(self, message: Message, verdict: Verdict) -> None:
        self._set_intent(message, intent_for(verdict), 1.0)
        entities = [self._flag("risk_concern")]
        if verdict.level >= Level.HIGH:
            entities.append(self._flag("risk_high"))
        # Empties an earlier crisis's answers when no crisis form is running (domain/crisis.yml).
        entities.append(self._flag("crisis_reset", None))
        message.set("entities", (message.get("entities") or []) + entities, add_to_output=True)

    def _flag(self, name: str, value: Any = True) -> Dict[Text, Any]:
        return {"entity": name, "value": value, "confidence": 1.0, "extractor": self.__class__.__name__}
