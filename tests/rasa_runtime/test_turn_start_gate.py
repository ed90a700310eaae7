"""The Rasa server skips the turn-start action only when the action would change nothing, and calls it otherwise."""
import asyncio
import itertools
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.pending import ActionTurnStart
from minwon_rasa.turn_start_gate import needs_call

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def turn(domain, text, intent="greet", slots=None, language_requested=False, entities=()):
    tracker = DialogueStateTracker("tg:42", domain.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), "text": text,
                  "language_requested": language_requested}
    tracker.update(UserUttered(text, parse_data["intent"], list(entities), parse_data))
    return tracker


def action_result(tracker):
    """What the real turn-start action returns and says for this tracker (no kept request: no govapi call)."""
    dispatcher = CollectingDispatcher()
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.AFTER_RESTART))
    events = asyncio.run(ActionTurnStart().run(dispatcher, sdk_tracker, {}))
    return events, dispatcher.messages


TEXTS = ["안녕하세요", "hello", "AP-2026-000003", "123456", "in English please", "한국어로 해줘", "과태료 pay"]
SLOTS = [{}, {"language": "ko"}, {"language": "en"}, {"language": "ko", "language_locked": True},
         {"language": "en", "language_locked": True}]
INTENTS = ["greet", "switch_language", "EXTERNAL_retry_kept"]


@pytest.mark.parametrize("text, slots, intent", list(itertools.product(TEXTS, SLOTS, INTENTS)))
def test_the_call_is_skipped_exactly_when_the_action_would_change_nothing(domain, text, slots, intent):
    tracker = turn(domain, text, intent, slots, language_requested=intent == "switch_language")
    events, said = action_result(tracker)
    assert needs_call(tracker, []) == bool(events or said), (events, said)


def test_a_korean_message_in_a_korean_conversation_needs_no_call(domain):
    assert not needs_call(turn(domain, "과태료 내고 싶어요", "pay_fine", {"language": "ko"}), [])


def test_a_kept_request_is_always_retried(domain):
    kept = {"kind": "payment", "payload": {}, "idempotency_key": "k"}
    assert needs_call(turn(domain, "네", "affirm", {"language": "ko", "pending_request": kept}), [])


def test_slots_extracted_this_turn_count(domain):
    tracker = turn(domain, "hello", "greet", {"language": "ko", "language_locked": True})
    assert not needs_call(tracker, [])
    assert needs_call(tracker, [SlotSet("language_locked", False)])
