"""Runtime fixes of Rasa 3.6 that cost every turn, applied once when minwon_rasa is imported.

Rasa checks each action-server response with `jsonschema.validate(result, spec)`, which builds and
checks a validator for the whole event schema on every call: 48-64 ms per action call on this machine,
against 0.2 ms with a validator built once (measured with bench/turns.py: a status turn went from
152 ms to 50 ms p50). The check itself stays; only the validator is reused.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    validator = validators.validator_for(spec)(spec)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += ". Failed to validate Action server response from API."
            raise
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _applied = True
