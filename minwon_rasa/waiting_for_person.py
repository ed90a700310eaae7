"""A citizen waiting for a person may take the request back (issue #11): one change to Rasa 3.6's processor.

Rasa answers nothing in a paused conversation (`MessageProcessor._should_handle_message`: only /restart runs).
minwon pauses a conversation as soon as the desk queues it for a person (actions/handoff.py), and citizens often
take that back a moment later, before anyone has picked it up: "아 아니에요 그냥 할게요", "nah forget it, I'll just do it
myself". So while the slot `handoff_id` is set, each message of a paused conversation runs `action_handoff_waiting`
once before Rasa's own prediction loop (which then runs only if that action resumed the conversation). The action
(actions/handoff_waiting.py) does nothing unless the message takes the request back; then it withdraws the
handoff at the desk (only while still queued) and resumes the conversation and the task where it stopped.
Everything else, including a conversation an agent took over (no `handoff_id` set by the bot), is Rasa's own
behaviour: `ORIGINALS` keeps Rasa's function and tests/rasa_runtime/test_waiting_for_person.py compares them.

Installed by `apply()` (minwon_rasa/__init__.py), which checks the Rasa version; importing this module changes
nothing.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

ACTION = "action_handoff_waiting"
HANDOFF_SLOT = "handoff_id"
SUPPORTED_RASA = "3.6."
ORIGINALS: Dict[Text, Any] = {}


def waits_for_person(tracker: Any) -> bool:
    """Paused for a person the bot asked for, and this turn's user message is the newest event but slots."""
    if not tracker.is_paused() or not tracker.get_slot(HANDOFF_SLOT):
        return False
    for event in reversed(tracker.events):
        kind = getattr(event, "type_name", "")
        if kind == "user":
            return True
        if kind != "slot":
            return False
    return False


def apply() -> None:
    import rasa
    from rasa.core.actions.action import action_for_name_or_text
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.core.processor import MessageProcessor

    if "MessageProcessor._run_prediction_loop" in ORIGINALS:
        return
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise RuntimeError(f"minwon_rasa.waiting_for_person patches Rasa {SUPPORTED_RASA}x, not {rasa.__version__}")
    original = MessageProcessor._run_prediction_loop
    ORIGINALS["MessageProcessor._run_prediction_loop"] = original

    async def _run_prediction_loop(self: MessageProcessor, output_channel: Any, tracker: Any) -> None:
        if waits_for_person(tracker) and ACTION in self.domain.action_names_or_texts:
            action = action_for_name_or_text(ACTION, self.domain, self.action_endpoint)
            prediction = PolicyPrediction.for_action_name(self.domain, ACTION)
            await self._run_action(action, tracker, output_channel, self.nlg, prediction)
        await original(self, output_channel, tracker)

    MessageProcessor._run_prediction_loop = _run_prediction_loop  # type: ignore[method-assign]
