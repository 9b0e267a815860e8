"""The Rasa adapter for the safety screen: the only file in safety/ that imports Rasa.

Placed after the intent classifier, it screens every user message, writes the verdict into the
message's parse data (so Rasa persists it in the tracker store) and, when the level is `concern` or
above, overrides the intent so that the rules in data/rules/safety.yml answer it.
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

from safety import Level, Screen, Verdict
from safety.intents import intent_for

# What a message is recorded as when only the classifier suspected risk.
SUSPECTED = Verdict(level=Level.CONCERN, categories=("classifier_suspected",), evidence=())

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
        if path.suffix in (".py", ".yml", ".yaml", ".txt", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # How sure the classifier must be of a safety intent, when the screen found nothing, before we
        # ask directly (bench/safety_pipeline.py measures the trade-off).
        return {"classifier_threshold": 0.9}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyScreen":
        return cls(Screen(), float(config.get("classifier_threshold", 0.9)))

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        return _package_digest()

    def __init__(self, screen: Screen, classifier_threshold: float = 0.9) -> None:
        self.screen = screen
        self.classifier_threshold = classifier_threshold

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            classified = _classifier_choice(message)
            verdict = self.screen.message(message.get("text") or "")
            if verdict.level < Level.CONCERN and self._suspects_risk(classified):
                # The screen saw nothing but the classifier did: ask directly rather than miss it.
                verdict = SUSPECTED
            message.set("safety", {**verdict.to_dict(), "classifier": classified}, add_to_output=True)
            if verdict.level >= Level.CONCERN:
                self._override(message, verdict)
            elif classified["name"].startswith("safety_"):
                self._unsure(message, classified)
        return messages

    @staticmethod
    def _unsure(message: Message, classified: Dict[Text, Any]) -> None:
        """A safety intent that neither the screen nor a confident classifier stands behind must not
        trigger a crisis rule: it becomes the fallback, whose reply names the crisis line."""
        intent = {"name": "nlu_fallback", "confidence": classified["confidence"]}
        ranking = [intent] + [r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        message.set("intent", intent, add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)

    def _suspects_risk(self, classified: Dict[Text, Any]) -> bool:
        return classified["name"].startswith("safety_") and classified["confidence"] >= self.classifier_threshold

    def _override(self, message: Message, verdict: Verdict) -> None:
        intent = {"name": intent_for(verdict), "confidence": 1.0}
        ranking = [intent] + [r for r in message.get("intent_ranking") or [] if r.get("name") != intent["name"]]
        message.set("intent", intent, add_to_output=True)
        message.set("intent_ranking", ranking, add_to_output=True)
        entities = [self._flag("risk_concern")]
        if verdict.level >= Level.HIGH:
            entities.append(self._flag("risk_high"))
        message.set("entities", (message.get("entities") or []) + entities, add_to_output=True)

    def _flag(self, name: str) -> Dict[Text, Any]:
        return {"entity": name, "value": True, "confidence": 1.0, "extractor": self.__class__.__name__}
