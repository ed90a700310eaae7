import uuid

import pytest

from rasa_server import REDIS_URL  # one definition (this folder is on sys.path)


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def key_prefix() -> str:
    """A prefix of its own per test, so parallel runs never share locks."""
    return f"test{uuid.uuid4().hex[:12]}"
