"""minwon_rasa.waiting_for_person: a paused conversation runs `action_handoff_waiting` once per message while the
bot's own handoff waits, and nothing else changes (Rasa's original loop is kept and still runs after it)."""
import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import minwon_rasa  # noqa: F401  (installs the change)
from minwon_rasa import waiting_for_person

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def paused(domain: Domain, handoff_id, text: str = "아 아니에요 그냥 할게요") -> DialogueStateTracker:
    tracker = DialogueStateTracker("tg:7001", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("상담원 연결해 주세요", {"name": "request_human", "confidence": 1.0}))
    if handoff_id:
        tracker.update(SlotSet("handoff_id", handoff_id))
    tracker.update(ConversationPaused())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "deny", "confidence": 0.9}))
    return tracker


def run_loop(domain: Domain, tracker: DialogueStateTracker, answer: dict, loop) -> list:
    """Runs the (patched) prediction loop of a processor whose action server is a loopback stand-in."""
    called = []

    async def webhook(request: web.Request) -> web.Response:
        called.append((await request.json())["next_action"])
        return web.json_response(answer)

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        processor = MessageProcessor.__new__(MessageProcessor)
        processor.domain = domain
        processor.action_endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        processor.nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        processor.max_number_of_predictions = 10
        processor.on_circuit_break = None
        output = CollectingOutputChannel()
        try:
            await loop(processor, output, tracker)
        finally:
            await runner.cleanup()
        return output.messages

    return called, asyncio.run(scenario())


def test_rasas_own_loop_is_kept_for_comparison():
    original = waiting_for_person.ORIGINALS["MessageProcessor._run_prediction_loop"]
    assert MessageProcessor._run_prediction_loop is not original
    assert original.__module__ == "rasa.core.processor"


def test_a_paused_conversation_waiting_for_the_bots_handoff_runs_the_waiting_action_once(domain):
    tracker = paused(domain, "HO-1")
    called, messages = run_loop(domain, tracker, {"events": [], "responses": []},
                                MessageProcessor._run_prediction_loop)
    assert called == ["action_handoff_waiting"]
    assert tracker.is_paused() and messages == []  # nothing said: the words are the agent's to read


def test_once_the_waiting_action_resumes_the_conversation_rasas_own_loop_goes_on(domain):
    tracker = paused(domain, "HO-1")
    # The form it names would run next; action_listen here, so no model is needed to see Rasa's loop take over.
    answer = {"events": [{"event": "resume"}, {"event": "slot", "name": "handoff_id", "value": None},
                         {"event": "followup", "name": "action_listen"}],
              "responses": [{"text": "알겠어요, 상담원 연결을 취소했어요."}]}
    called, messages = run_loop(domain, tracker, answer, MessageProcessor._run_prediction_loop)
    assert called == ["action_handoff_waiting"]
    assert not tracker.is_paused() and tracker.get_slot("handoff_id") is None
    assert [m["text"] for m in messages] == ["알겠어요, 상담원 연결을 취소했어요."]
    assert tracker.latest_action_name == "action_listen"  # run by Rasa's own loop after the waiting action


def test_without_the_bots_handoff_a_paused_conversation_is_rasas_own(domain):
    # An agent's takeover (no handoff_id set by the bot): Rasa answers nothing, as shipped.
    original = waiting_for_person.ORIGINALS["MessageProcessor._run_prediction_loop"]
    patched_tracker, original_tracker = paused(domain, None), paused(domain, None)
    called, messages = run_loop(domain, patched_tracker, {"events": []}, MessageProcessor._run_prediction_loop)
    called_original, _ = run_loop(domain, original_tracker, {"events": []}, original)
    assert called == called_original == [] and messages == []
    assert len(patched_tracker.events) == len(original_tracker.events)


def test_only_a_paused_conversation_with_this_turns_message_waits_for_a_person(domain):
    assert waiting_for_person.waits_for_person(paused(domain, "HO-1"))
    assert not waiting_for_person.waits_for_person(paused(domain, None))
    live = DialogueStateTracker("tg:7002", domain.slots)
    live.update(SlotSet("handoff_id", "HO-1"))
    live.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    assert not waiting_for_person.waits_for_person(live)  # not paused: Rasa's loop as shipped
    after_action = paused(domain, "HO-1")
    after_action.update(ActionExecuted("action_handoff_waiting"))
    assert not waiting_for_person.waits_for_person(after_action)  # once per message
