"""MinwonEntityRules: authoritative identifiers and complaint categories after the model.

- Identifiers (case numbers, phones, dates with digits, one-time codes) come from the patterns in
  identifiers.py (value as typed, plus the normalised form under "normalised"); the model's guesses for these kinds, and any DIET entity that
  overlaps one of them, are dropped so the dialogue never sees two different values.
- complaint_category: a DIET value that is not a code ("가로등이") is mapped by keyword; when the
  message is a complaint (or a bare answer) without a category, the keyword table fills it in.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from minwon_nlu.category_keywords import CATEGORY_CODES, category_of, keyword_table
from minwon_nlu.identifiers import IDENTIFIER_ENTITIES, find_identifiers

_TABLE_FILE = "category_keywords.json"
_CATEGORY_INTENTS = ("file_complaint", "inform")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class MinwonEntityRules(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        table: Dict[str, str],
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._table = table

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MinwonEntityRules":
        return cls(model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "MinwonEntityRules":
        try:
            with model_storage.read_from(resource) as directory:
                table = json.loads((directory / _TABLE_FILE).read_text(encoding="utf-8"))
        except ValueError:  # nothing persisted (no synonyms)
            table = keyword_table({})
        return cls(model_storage, resource, table)

    def train(self, training_data: TrainingData) -> Resource:
        self._table = keyword_table(training_data.entity_synonyms)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _TABLE_FILE).write_text(
                json.dumps(self._table, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text:
                message.set(ENTITIES, self.entities_for(message, text), add_to_output=True)
        return messages

    def entities_for(self, message: Message, text: str) -> List[Dict[Text, Any]]:
        found = find_identifiers(text)
        kept = []
        for entity in message.get(ENTITIES, []):
            if entity.get("entity") in IDENTIFIER_ENTITIES and entity.get("entity") != "date":
                continue
            if entity.get("entity") == "language":  # LanguageDetector's job alone
                continue
            if any(_overlaps(entity, f.start, f.end) for f in found):
                continue
            if entity.get("entity") == "complaint_category" and entity.get("value") not in CATEGORY_CODES:
                hit = category_of(str(entity.get("value", "")), self._table)
                if hit is None:
                    continue
                entity = {**entity, "value": hit[0]}
            kept.append(entity)
        for f in found:
            # value as typed (conversation tests annotate it like any entity); the form the
            # actions can send to govapi is under "normalised"
            entity = _entity(f.entity, text[f.start:f.end], f.start, f.end, text)
            entity["normalised"] = f.value
            kept.append(entity)
        intent = (message.get(INTENT) or {}).get("name")
        has_category = any(e.get("entity") == "complaint_category" for e in kept)
        if intent in _CATEGORY_INTENTS and not has_category:
            hit = category_of(text, self._table)
            if hit and not any(_overlaps(e, hit[1], hit[2]) for e in kept):
                kept.append(_entity("complaint_category", hit[0], hit[1], hit[2], text))
        return sorted(kept, key=lambda e: (e.get("start", 0), e.get("entity", "")))


def _overlaps(entity: Dict[Text, Any], start: int, end: int) -> bool:
    return entity.get("start", 0) < end and start < entity.get("end", 0)


def _entity(name: str, value: str, start: int, end: int, text: str) -> Dict[Text, Any]:
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "extractor": "MinwonEntityRules",
    }
