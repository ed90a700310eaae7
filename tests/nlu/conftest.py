"""Fixtures for the NLU component tests (run: .venv-rasa/bin/pytest tests/nlu)."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # minwon_nlu lives at the repository root
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def tokenizer():
    from minwon_nlu.kiwi_tokenizer import KiwiTokenizer

    return KiwiTokenizer(KiwiTokenizer.get_default_config())


@pytest.fixture
def tokenize(tokenizer):
    from rasa.shared.nlu.training_data.message import Message

    def run(text):
        return tokenizer.tokenize(Message(data={"text": text}), "text")

    return run
