"""The cached action-response check still refuses a malformed action-server answer."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import minwon_rasa  # noqa: F401  (applies the speedups)


def action() -> RemoteAction:
    return RemoteAction("action_check_status", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_well_formed_action_answer_passes():
    answer = {"events": [{"event": "slot", "name": "verified", "value": True}], "responses": [{"text": "hi"}]}
    assert action()._validate_action_result(answer) is True


def test_a_malformed_action_answer_is_still_refused():
    with pytest.raises(ValidationError):
        action()._validate_action_result({"events": [{"event": "slot", "name": 3}], "responses": "x"})
