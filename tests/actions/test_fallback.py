"""action_default_fallback (actions/fallback.py): what the citizen reads when the bot is unsure what to do next,
and that Rasa runs ours (from the action server) instead of its built-in one."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction, action_for_name_or_text
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from actions.fallback import ActionDefaultFallback
from actions_testkit import make_tracker, run_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language, said", [
    ("ko", "잘 이해하지 못했어요. 다시 말씀해주시겠어요?"),
    ("en", "Sorry, I didn't get that. Could you rephrase?"),
])
@pytest.mark.asyncio
async def test_fallback_asks_to_rephrase_in_the_citizens_language(domain, language, said):
    tracker = make_tracker({"language": language}, "asdf qwer", "inform", confidence=0.2)
    _, messages = await run_action(ActionDefaultFallback(), tracker, domain)
    assert [m["text"] for m in messages] == [said]


@pytest.mark.asyncio
async def test_fallback_without_a_language_yet_speaks_korean(domain):
    _, messages = await run_action(ActionDefaultFallback(), make_tracker({}, "??"), domain)
    assert [m["text"] for m in messages] == ["잘 이해하지 못했어요. 다시 말씀해주시겠어요?"]


@pytest.mark.asyncio
async def test_fallback_forgets_the_confusing_message_like_rasas_own(domain):
    # Rasa's ActionDefaultFallback ends with UserUtteranceReverted: the message that confused the bot
    # does not steer the next prediction.
    events, _ = await run_action(ActionDefaultFallback(), make_tracker({"language": "ko"}, "??"), domain)
    assert [e["event"] for e in events] == ["rewind"]


def test_rasa_runs_our_fallback_not_its_built_in_one():
    whole = Domain.load(str(ROOT / "domain"))
    action = action_for_name_or_text("action_default_fallback", whole,
                                     EndpointConfig("http://127.0.0.1:5055/webhook"))
    assert isinstance(action, RemoteAction)
    assert "utter_default" not in whole.responses


@pytest.mark.asyncio
async def test_a_problem_described_outside_any_form_is_offered_as_a_complaint(domain):
    # NLU read it as a bare answer (inform) with no question open: the words describe what a complaint is for.
    tracker = make_tracker({"language": "ko"}, "밤에 가로등이 다 꺼져 있어서 골목이 너무 어두워요", "inform", confidence=0.73)
    events, messages = await run_action(ActionDefaultFallback(), tracker, domain)
    payloads = [b["payload"] for b in messages[0].get("buttons") or []]
    assert payloads[0] == "/file_complaint" and "/request_human" in payloads
    assert [e["event"] for e in events] == ["rewind"]
