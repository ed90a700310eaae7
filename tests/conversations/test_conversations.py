"""Every corpus conversation (conv_corpus.py: the generated matrix and the held-out hand-written ones) against the
real stack: what govapi finally holds, the form's state in Rasa's tracker, a reply in the citizen's language."""
from __future__ import annotations

import pytest
from conftest import record
from conv_corpus import corpus

CORPUS = [c for c in corpus() if "bench-only" not in c.tags]  # bench-only sets: reported by the bench only


@pytest.mark.parametrize("conv", CORPUS, ids=[c.id for c in CORPUS])
def test_conversation(conv, results):
    result = results[conv.id].result(timeout=600)
    record(result)
    assert result.passed, result.report()
