"""The USE sentence featurizer (real encoder, pinned weights) and the intent classifier with and without it."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.base import clone
from sklearn.preprocessing import normalize

from minwon_nlu.tfidf_intent_classifier import TfidfIntentClassifier
from minwon_nlu.use_featurizer import (
    WEIGHTS_SHA256,
    EncoderWeightsMismatch,
    UseSentenceFeaturizer,
    load_encoder,
)

CONTEXT = ExecutionContext(GraphSchema({}), "test")
EXAMPLES = {
    "pay_fine": ["I want to pay my parking fine", "how do I pay the penalty", "pay a traffic ticket",
                 "과태료 낼게요", "주차 벌금 납부하고 싶어요", "범칙금 내려고요"],
    "change_address": ["I moved and need to change my address", "update my home address", "new address please",
                       "주소 바꿔 주세요", "이사해서 주소 변경하려고요", "전입신고 하고 싶어요"],
    "greet": ["hello", "hi there", "good morning", "안녕하세요", "안녕", "반가워요"],
    "out_of_scope": ["what is the weather tomorrow", "tell me a joke", "play some music",
                     "내일 날씨 어때", "노래 틀어줘", "농담 하나 해줘"],
}


@pytest.fixture(scope="module")
def featurizer():
    return UseSentenceFeaturizer.create({}, None, None, CONTEXT)


def sentence_vectors(messages):
    return [m.get_dense_features(TEXT)[1] for m in messages]


def test_each_text_gets_one_unit_length_512_wide_sentence_vector(featurizer):
    messages = [Message(data={TEXT: "주소를 바꾸고 싶어요"}), Message(data={TEXT: "How do I pay my fine?"}),
                Message(data={TEXT: ""})]
    featurizer.process(messages)
    first, second, empty = sentence_vectors(messages)
    assert first.features.shape == (1, 512) and second.features.shape == (1, 512)
    assert np.allclose(np.linalg.norm(first.features), 1.0, atol=1e-5)
    assert empty is None  # no text, no vector
    assert messages[0].get_dense_features(TEXT)[0] is None  # a sentence feature only


def test_the_same_text_gets_the_same_vector_alone_or_in_a_batch(featurizer):
    alone, again = Message(data={TEXT: "과태료 어떻게 내요?"}), Message(data={TEXT: "과태료 어떻게 내요?"})
    batch = [Message(data={TEXT: t}) for t in ("hello", "과태료 어떻게 내요?", "change my address")]
    featurizer.process([alone])
    featurizer.process([again])
    featurizer.process(batch)
    assert np.array_equal(alone.get_dense_features(TEXT)[1].features, again.get_dense_features(TEXT)[1].features)
    assert np.allclose(alone.get_dense_features(TEXT)[1].features, batch[1].get_dense_features(TEXT)[1].features,
                       atol=1e-5)


def test_a_korean_sentence_is_closest_to_its_english_meaning(featurizer):
    vectors = featurizer.embed(["주소를 바꾸고 싶어요", "I want to change my address", "What's the weather tomorrow?"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_a_weight_file_with_another_hash_refuses_to_load(tmp_path):
    forged = tmp_path / "weights.npz"
    forged.write_bytes(b"not the pinned weights")
    with pytest.raises(EncoderWeightsMismatch, match="SHA-256"):
        load_encoder(forged, WEIGHTS_SHA256)


def test_a_component_pinned_to_another_hash_refuses_to_load():
    with pytest.raises(EncoderWeightsMismatch, match="expected 0{64}"):
        UseSentenceFeaturizer.create({"weights_sha256": "0" * 64}, None, None, CONTEXT)


# -- the classifier on real features ----------------------------------------------------------------------
def featurised_data(tokenizer, tmp_path, dense):
    data = TrainingData([Message(data={TEXT: t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts])
    tokenizer.process_training_data(data)
    storage = LocalModelStorage(tmp_path)
    counts = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        storage, Resource("counts"), CONTEXT)
    counts.train(data)
    counts.process_training_data(data)
    steps = [tokenizer.process, counts.process] + ([dense.process] if dense else [])
    if dense:
        dense.process_training_data(data)
    classifier = TfidfIntentClassifier.create({**TfidfIntentClassifier.get_default_config(), "C": 300.0},
                                              storage, Resource("intent"), CONTEXT)
    classifier.train(data)

    def featurise(texts):
        messages = [Message(data={TEXT: t}) for t in texts]
        for step in steps:
            step(messages)
        return messages

    return data, classifier, featurise


def test_without_a_dense_feature_the_classifier_is_the_sparse_model_it_was(tokenizer, tmp_path):
    data, classifier, featurise = featurised_data(tokenizer, tmp_path, dense=None)
    # Before dense features: Rasa's stacked counts, log1p, idf, unit length, one logistic regression.
    examples = data.intent_examples
    counts = LogisticRegressionClassifier._create_X(classifier, examples).tocsr().astype(np.float64)
    counts.data = np.log1p(counts.data)
    frequency = np.asarray((LogisticRegressionClassifier._create_X(classifier, examples) > 0).sum(axis=0)).ravel()
    idf = np.log((1 + len(examples)) / (1 + frequency)) + 1.0
    before = clone(classifier.clf).fit(normalize(counts.multiply(idf).tocsr()), [e.get("intent") for e in examples])
    assert classifier.clf.coef_.shape == before.coef_.shape
    assert np.allclose(classifier.clf.coef_, before.coef_)
    messages = featurise([e.get(TEXT) for e in examples])
    classifier.process(messages)
    expected = before.predict_proba(normalize(
        csr_log1p(LogisticRegressionClassifier._create_X(classifier, messages)).multiply(idf).tocsr()))
    for message, probabilities in zip(messages, expected):
        assert message.get("intent")["name"] == before.classes_[np.argmax(probabilities)]
        assert np.isclose(message.get("intent")["confidence"], probabilities.max(), atol=1e-9)


def csr_log1p(matrix):
    matrix = matrix.tocsr().astype(np.float64)
    matrix.data = np.log1p(matrix.data)
    return matrix


def test_the_dense_vector_sits_beside_the_weighted_counts_at_half_weight(tokenizer, tmp_path, featurizer):
    data, classifier, featurise = featurised_data(tokenizer, tmp_path, dense=featurizer)
    sparse_width = data.intent_examples[0].get_sparse_features(TEXT)[1].features.shape[1]
    assert classifier.clf.coef_.shape[1] == sparse_width + 512
    X = classifier._create_X(data.intent_examples[:3]).toarray()
    assert np.allclose(np.linalg.norm(X[:, :sparse_width], axis=1), 1.0)  # the counts' block alone has unit length
    vectors = np.vstack([m.get_dense_features(TEXT)[1].features for m in data.intent_examples[:3]])
    assert np.allclose(X[:, sparse_width:], 0.5 * vectors)


def test_with_a_dense_feature_the_fast_path_answers_as_rasas_path(tokenizer, tmp_path, featurizer):
    _, classifier, featurise = featurised_data(tokenizer, tmp_path, dense=featurizer)
    texts = ["I need to pay a fine", "벌금 내야 돼요", "my address changed", "hey", "recommend a movie", ""]
    fast, slow = featurise(texts), featurise(texts)
    classifier.process(fast)
    LogisticRegressionClassifier.process(classifier, slow)  # stacked features, predict_proba
    for got, expected in zip(fast, slow):
        assert [r["name"] for r in got.get("intent_ranking")] == [r["name"] for r in expected.get("intent_ranking")]
        assert np.allclose([r["confidence"] for r in got.get("intent_ranking")],
                           [r["confidence"] for r in expected.get("intent_ranking")], atol=1e-9)
    assert [m.get("intent")["name"] for m in fast[:4]] == ["pay_fine", "pay_fine", "change_address", "greet"]
