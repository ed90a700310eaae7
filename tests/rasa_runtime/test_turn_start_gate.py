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


def turn(domain, text, intent="greet", slots=None, language_requested=False, entities=(), metadata=None):
    tracker = DialogueStateTracker("tg:42", domain.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    parse_data = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), "text": text,
                  "language_requested": language_requested}
    tracker.update(UserUttered(text, parse_data["intent"], list(entities), parse_data, metadata=metadata))
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


# A button press (its payload as text, marked by the connector) and the satisfaction question after a hand-back.
PRESSES = ["/affirm", "yes", "card", "네", "4"]
PRESS_SLOTS = [{"language": "ko"}, {"language": "en"}, {}, {"language": "ko", "satisfaction_pending": True},
               {"language": "en", "satisfaction_pending": True}]
PRESS_INTENTS = ["affirm", "choose", "pay_fine"]


@pytest.mark.parametrize("text, slots, intent, button",
                         list(itertools.product(PRESSES + ["I want to pay a fine", "skip"], PRESS_SLOTS,
                                                PRESS_INTENTS, [True, False])))
def test_gate_and_action_agree_on_button_presses_and_the_survey(domain, text, slots, intent, button):
    tracker = turn(domain, text, intent, slots, metadata={"channel": "web", "input": "button"} if button else None)
    events, said = action_result(tracker)
    assert needs_call(tracker, []) == bool(events or said), (events, said)


def test_a_button_press_in_a_korean_conversation_needs_no_call_whatever_its_payload(domain):
    for payload in PRESSES + ["card please"]:
        pressed = turn(domain, payload, "affirm", {"language": "ko"}, metadata={"input": "button"})
        assert not needs_call(pressed, []), payload
    typed = turn(domain, "card please", "affirm", {"language": "ko"})
    assert needs_call(typed, [])  # the same words typed are the citizen's: English


def test_a_new_request_while_the_survey_waits_drops_it_and_a_score_keeps_it_for_its_rule(domain):
    tracker = turn(domain, "I want to pay a fine", "pay_fine", {"language": "en", "satisfaction_pending": True})
    events, _ = action_result(tracker)
    assert needs_call(tracker, []) and {"satisfaction_pending": None, "handoff_resume": None} == {
        e["name"]: e["value"] for e in events if e["name"] != "language"}
    assert not needs_call(turn(domain, "4", "choose", {"language": "en", "satisfaction_pending": True}), [])


def test_a_korean_message_in_a_korean_conversation_needs_no_call(domain):
    assert not needs_call(turn(domain, "과태료 내고 싶어요", "pay_fine", {"language": "ko"}), [])


def test_a_kept_request_is_always_retried(domain):
    kept = {"kind": "payment", "payload": {}, "idempotency_key": "k"}
    assert needs_call(turn(domain, "네", "affirm", {"language": "ko", "pending_request": kept}), [])


def test_slots_extracted_this_turn_count(domain):
    tracker = turn(domain, "hello", "greet", {"language": "ko", "language_locked": True})
    assert not needs_call(tracker, [])
    assert needs_call(tracker, [SlotSet("language_locked", False)])
