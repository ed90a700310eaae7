"""LanguageDetector: marks each message's language for the dialogue's `language` slot.

Output on every message with letters:
- parse-data keys ``language`` ("ko"/"en") and ``language_requested`` (bool);
- an entity ``language`` (value "ko"/"en"). For an explicit request its span is the request
  phrase ("영어로", "in English"); otherwise it is the first run of letters of the detected
  script (Hangul for ko, A-Z for en) that lies outside every other entity, so conversation
  tests can annotate it like any other entity. ``entity_for_every_message: false`` limits the
  entity to explicit requests.
Digits- or identifier-only messages ("010-1234-5678", "123456") get nothing: the slot keeps
its value.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from minwon_nlu.language import detect_language

_RUNS = {
    "ko": re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+"),
    "en": re.compile(r"[A-Za-z]+"),
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"entity_for_every_message": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._every_message = bool(config.get("entity_for_every_message", True))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            guess = detect_language(text)
            if guess is None:
                continue
            message.set("language", guess.value, add_to_output=True)
            message.set("language_requested", guess.requested, add_to_output=True)
            entities = list(message.get(ENTITIES, []))
            span = (guess.start, guess.end) if guess.requested else None
            if span is None and self._every_message:
                span = _first_free_run(text, guess.value, entities)
            if span is None:
                continue
            entities.append(
                {
                    "entity": "language",
                    "value": guess.value,
                    "start": span[0],
                    "end": span[1],
                    "confidence_entity": 1.0,
                    "extractor": "LanguageDetector",
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _first_free_run(
    text: str, language: str, entities: List[Dict[Text, Any]]
) -> Optional[Tuple[int, int]]:
    for run in _RUNS[language].finditer(text):
        if not any(e.get("start", 0) < run.end() and run.start() < e.get("end", 0) for e in entities):
            return run.start(), run.end()
    return None
