"""KiwiTokenizer: Korean morphological tokens (kiwipiepy) for Rasa, English kept intact.

Korean glues particles and endings to words (전입신고하려고요, 과태료를 내려구요), so whitespace
tokens multiply the vocabulary and hide the stem. Kiwi splits them into morphemes; we merge
overlapping morphemes (see morphemes.py) and emit Rasa tokens on the original text, so entity
offsets from the training data still line up.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from minwon_nlu.kiwi_runtime import get_kiwi
from minwon_nlu.morphemes import HANGUL, merge_morphemes, retokenize_non_hangul_words


def kiwi_spans(text: str):
    """Analyse ``text`` with the shared Kiwi and return merged, non-overlapping spans."""
    if not text.strip():
        return []
    if not HANGUL.search(text):
        return retokenize_non_hangul_words(text, [])
    morphemes = [
        (t.form, t.tag, t.start, t.start + t.len) for t in get_kiwi().tokenize(text)
    ]
    return retokenize_non_hangul_words(text, merge_morphemes(text, morphemes))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class KiwiTokenizer(Tokenizer):
    """Tokenizer for Korean (and the English mixed into it) based on kiwipiepy."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["kiwipiepy"]

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KiwiTokenizer":
        get_kiwi()  # load at model load time, not on the first citizen's message
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        spans = kiwi_spans(text)
        if not spans:
            return [Token(text, 0, len(text))]
        tokens = [Token(s.text, s.start, s.end, lemma=s.lemma) for s in spans]
        return self._apply_token_pattern(tokens)
