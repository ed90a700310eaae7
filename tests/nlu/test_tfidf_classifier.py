"""The intent classifier's own prediction gives what scikit-learn's predict_proba gives on Rasa's stacked features."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import coo_matrix

from minwon_nlu.tfidf_intent_classifier import TfidfIntentClassifier

WIDTHS = (40, 25)  # two featurizers' blocks, as config.yml has (words, character n-grams)
INTENTS = ["greet", "pay_fine", "change_address", "file_complaint"]


def featurised(rng: np.random.Generator, intent: str = "") -> Message:
    message = Message(data={TEXT: "some text", **({"intent": intent} if intent else {})})
    home = INTENTS.index(intent) if intent else int(rng.integers(len(INTENTS)))
    for origin, width in zip(("words", "chars"), WIDTHS):
        # A few columns typical of the intent, a few random ones, some repeated (counts above 1).
        cols = np.concatenate([rng.integers(home * 5, home * 5 + 5, 3), rng.integers(0, width, 3)])
        data = rng.integers(1, 3, cols.size).astype(float)
        matrix = coo_matrix((data, (np.zeros(cols.size, dtype=int), cols)), shape=(1, width))
        message.features.append(Features(matrix, FEATURE_TYPE_SENTENCE, TEXT, origin))
        sequence = coo_matrix((data, (np.arange(cols.size) % 2, cols)), shape=(2, width))
        message.features.append(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, origin))
    return message


@pytest.fixture
def classifier(tmp_path):
    rng = np.random.default_rng(7)
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.create({**TfidfIntentClassifier.get_default_config(), "C": 300.0}, storage,
                                             Resource("intent_classifier"), context)
    component.train(TrainingData([featurised(rng, intent) for intent in INTENTS for _ in range(12)]))
    return component


def test_the_ranking_equals_scikit_learns_on_rasas_stacked_features(classifier):
    rng = np.random.default_rng(11)
    for _ in range(40):
        fast, slow = featurised(rng), featurised(rng)
        slow.features = list(fast.features)
        classifier.process([fast])
        LogisticRegressionClassifier.process(classifier, [slow])  # Rasa's path: stacked, weighed, predict_proba
        got, expected = fast.get("intent_ranking"), slow.get("intent_ranking")
        assert [r["name"] for r in got] == [r["name"] for r in expected]
        assert np.allclose([r["confidence"] for r in got], [r["confidence"] for r in expected], atol=1e-9)
        assert fast.get("intent")["name"] == slow.get("intent")["name"]


def test_a_message_without_features_gets_the_same_answer_as_rasas_path(classifier):
    empty_fast, empty_slow = Message(data={TEXT: ""}), Message(data={TEXT: ""})
    for origin, width in zip(("words", "chars"), WIDTHS):
        for message in (empty_fast, empty_slow):
            message.features.append(Features(coo_matrix((1, width)), FEATURE_TYPE_SENTENCE, TEXT, origin))
    classifier.process([empty_fast])
    LogisticRegressionClassifier.process(classifier, [empty_slow])
    assert np.allclose([r["confidence"] for r in empty_fast.get("intent_ranking")],
                       [r["confidence"] for r in empty_slow.get("intent_ranking")], atol=1e-9)
