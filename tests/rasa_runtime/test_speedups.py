"""minwon_rasa.speedups changes how fast Rasa does things, never what it does: each fix is checked against
Rasa's own behaviour on the same input (a real domain, real trackers, a real HTTP server on loopback)."""
import asyncio
import json
from pathlib import Path

import jsonschema
import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import ActionExtractSlots, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

import minwon_rasa  # noqa: F401  (applies the speedups)
from minwon_rasa import speedups

ROOT = Path(__file__).resolve().parents[2]
SPEC = RemoteAction.action_response_format_spec()


def action() -> RemoteAction:
    return RemoteAction("action_check_status", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


# --- the action-response check -----------------------------------------------------------------------------
ANSWERS = [
    {"events": [{"event": "slot", "name": "verified", "value": True}], "responses": [{"text": "hi"}]},
    {"events": [{"event": "followup", "name": "action_offer_subscription"}, {"event": "active_loop", "name": None},
                {"event": "bot", "text": "안녕하세요", "timestamp": None}], "responses": []},
    {"events": [], "responses": [{"text": "x", "buttons": [{"title": "a", "payload": "/b"}]}]},
    {"events": [{"event": "slot", "name": 3}]},  # name must be a string
    {"events": [{"event": "slot", "value": 1}]},  # no name
    {"events": [{"event": "nonsense"}]},  # no such event
    {"events": [{"name": "x"}]},  # no event type
    {"events": "x"},
    {"responses": "x"},
    {"events": [{"event": "user", "text": 1}]},
    [],
]


@pytest.mark.parametrize("answer", ANSWERS, ids=[json.dumps(a, ensure_ascii=False)[:50] for a in ANSWERS])
def test_the_action_answer_check_accepts_and_refuses_exactly_what_rasas_schema_does(answer):
    try:
        jsonschema.validate(answer, SPEC)
        expected_ok = True
    except ValidationError:
        expected_ok = False
    if expected_ok:
        assert action()._validate_action_result(answer) is True
    else:
        with pytest.raises(ValidationError):
            action()._validate_action_result(answer)


# --- event classes -------------------------------------------------------------------------------------------
def test_stored_events_come_back_as_the_same_event_classes():
    for event in (UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("language", "en"),
                  ActionExecuted("action_listen"), BotUttered("안녕하세요"), ActiveLoop("status_form")):
        again = Event.from_parameters(event.as_dict())
        assert type(again) is type(event) and again == event


# --- calls to the action server: one kept connection, same answers and errors ------------------------------
@pytest.fixture
def action_server():
    """A loopback HTTP server that notes the client port of every request."""
    seen = {"ports": [], "bodies": []}

    async def webhook(request: web.Request) -> web.Response:
        seen["ports"].append(request.transport.get_extra_info("peername")[1])
        seen["bodies"].append(await request.json())
        if request.query.get("fail"):
            return web.json_response({"error": "nope"}, status=400)
        return web.json_response({"events": [], "responses": [{"text": "접수됐어요"}]})

    return webhook, seen


def test_action_calls_share_one_connection_and_keep_korean_text(action_server):
    webhook, seen = action_server

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            answers = [await endpoint.request(json={"text": "민원 접수", "n": n}, method="post") for n in range(3)]
            with pytest.raises(ClientResponseError) as refused:
                await endpoint.request(json={}, method="post", params={"fail": "1"})
            return answers, refused.value.status
        finally:
            await runner.cleanup()

    answers, status = asyncio.run(scenario())
    assert answers == [{"events": [], "responses": [{"text": "접수됐어요"}]}] * 3
    assert status == 400
    assert [body.get("text") for body in seen["bodies"][:3]] == ["민원 접수"] * 3
    assert len(set(seen["ports"])) == 1, "each call opened a new connection"


# --- past states: resumed replay equals Rasa's full replay ---------------------------------------------------
def conversation_events():
    """A verified status check with a form, a digression, an undo and a second request: ~40 events."""
    def user(text, intent, entities=()):
        return [ActionExecuted("action_listen"),
                UserUttered(text, {"name": intent, "confidence": 0.99}, list(entities))]

    return [
        ActionExecuted("action_session_start"), SlotSet("language", "ko"),
        *user("AP-2026-000003 어디까지 됐나요?", "check_application_status",
              [{"entity": "case_number", "value": "AP-2026-000003", "start": 0, "end": 14}]),
        ActionExecuted("status_form"), ActiveLoop("status_form"), SlotSet("requested_slot", "phone"),
        *user("010-1234-5678", "inform"), ActionExecuted("status_form"), SlotSet("phone", "+821012345678"),
        SlotSet("requested_slot", "birth_date"),
        *user("도움말", "help"), ActionExecuted("action_help"), BotUttered("생년월일을 알려주세요"),
        ActionExecuted("status_form"), SlotSet("requested_slot", "birth_date"),
        *user("아무말", "out_of_scope"), UserUtteranceReverted(),
        *user("1985-03-14", "inform"), ActionExecuted("status_form"), SlotSet("birth_date", "1985-03-14"),
        SlotSet("verified", True), ActiveLoop(None), SlotSet("requested_slot", None),
        ActionExecuted("action_check_status"), BotUttered("보완 요청"),
        ActionExecuted("action_offer_subscription"), BotUttered("알림 받으실래요?"),
        *user("네", "affirm"), ActionExecuted("action_subscribe_updates"),
        *user("AP-2026-000003 어디까지 됐나요?", "check_application_status"),
        ActionExecuted("status_form"), ActiveLoop("status_form"), ActiveLoop(None),
        ActionExecuted("action_check_status"),
    ]


@pytest.mark.parametrize("flags", [{}, {"omit_unset_slots": True},
                                   {"ignore_rule_only_turns": True,
                                    "rule_only_data": {"slots": ["verified"], "loops": ["verify_form"]}}],
                         ids=["rules", "omit_unset", "ml_data"])
def test_past_states_after_every_event_equal_rasas_full_replay(domain, flags):
    full_replay = speedups.ORIGINALS["Domain.states_for_tracker_history"]
    tracker = DialogueStateTracker("tg:1001", domain.slots)
    for event in conversation_events():
        tracker.update(event)  # the same tracker grows, as within a turn: the replay is resumed
        expected = full_replay(domain, tracker, **flags)
        assert domain.states_for_tracker_history(tracker, **flags) == expected
        assert tracker.past_states(domain, **flags) == expected


# --- the per-turn slot-mapping action runs once per citizen message -----------------------------------------
def test_the_turn_start_action_runs_once_per_message_even_when_a_form_activates(domain, action_server):
    webhook, seen = action_server

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        extract = ActionExtractSlots(EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        output, nlg = CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses)
        tracker = DialogueStateTracker("tg:1002", domain.slots)
        try:
            for text in ("안녕하세요", "AP-2026-000003 어디까지 됐나요?"):
                tracker.update(ActionExecuted("action_listen"))
                tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
                await extract.run(output, nlg, tracker, domain)  # turn start
                await extract.run(output, nlg, tracker, domain)  # a form activating in the same turn
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    called = [body["next_action"] for body in seen["bodies"]]
    assert called == ["action_validate_slot_mappings"] * 2, called


# --- applied events: the resumed walk equals Rasa's full walk ------------------------------------------------
def test_applied_events_after_every_event_equal_rasas_full_walk(domain):
    from rasa.shared.core.events import ActionReverted, Restarted

    full_walk = speedups.ORIGINALS["DialogueStateTracker.applied_events"]
    late_form = [ActionExecuted("action_listen"), UserUttered("주소 바꿀래", {"name": "change_address", "confidence": 1}),
                 ActionExecuted("change_address_form"), ActiveLoop("change_address_form"),
                 ActionExecuted("action_listen"), UserUttered("서울", {"name": "inform", "confidence": 1}),
                 ActionExecuted("change_address_form"), ActionReverted(), ActionExecuted("change_address_form"),
                 ActiveLoop(None), Restarted(), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker("tg:1003", domain.slots)
    for event in conversation_events() + late_form + conversation_events():
        tracker.update(event)  # the walk is resumed, or restarted when a new form name appears
        assert tracker.applied_events() == full_walk(tracker)
        assert tracker.applied_events() == full_walk(tracker)  # asked twice without a new event


# --- the prediction graph runs in one order, with dask's results ---------------------------------------------
def test_the_model_answers_the_same_through_the_ordered_runner_and_dask():
    import os

    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner

    model = ROOT / "models" / "minwon.tar.gz"
    if not model.exists():
        assert not os.environ.get("MINWON_REQUIRE_MODEL"), "no trained model (make train)"
        pytest.skip("no trained model (make train)")
    agent = Agent.load(str(model))
    runner = agent.processor.graph_runner
    assert type(runner).__name__ == "OrderedGraphRunner"
    dask_runner = DaskGraphRunner.__new__(DaskGraphRunner)
    dask_runner.__dict__.update({k: v for k, v in runner.__dict__.items() if k != "_minwon_plans"})

    async def both(text):
        ordered = await agent.parse_message(text)
        agent.processor.graph_runner = dask_runner
        try:
            by_dask = await agent.parse_message(text)
        finally:
            agent.processor.graph_runner = runner
        return ordered, by_dask

    for text in ("AP-2026-000003 어디까지 됐나요?", "I want to pay my fine", "12월 1일에 이사해요", "hello"):
        ordered, by_dask = asyncio.run(both(text))
        assert ordered == by_dask

    tracker = DialogueStateTracker("tg:1004", agent.domain.slots)
    for event in conversation_events():
        tracker.update(event)
        predictions = []
        for graph_runner in (runner, dask_runner):
            agent.processor.graph_runner = graph_runner
            prediction = agent.processor._predict_next_with_tracker(tracker)
            predictions.append((prediction.probabilities, prediction.policy_name, prediction.events))
        agent.processor.graph_runner = runner
        assert predictions[0] == predictions[1]


# --- action calls: the body written from each event's kept JSON equals Rasa's -------------------------------
def test_an_action_call_sends_the_document_rasa_would_send(domain):
    from rasa.shared.core.events import EntitiesAdded

    rasas_format = speedups.ORIGINALS["RemoteAction._action_call_format"]
    tracker = DialogueStateTracker("tg:7", domain.slots)
    for event in conversation_events():
        tracker.update(event)
        ours = json.loads(speedups._dumps_with_encoded_events(action()._action_call_format(tracker, domain)))
        assert ours == json.loads(json.dumps(rasas_format(action(), tracker, domain)))
    tracker.update(EntitiesAdded([{"entity": "case_number", "value": "AP-2026-000009", "start": 0, "end": 3}]))
    ours = json.loads(speedups._dumps_with_encoded_events(action()._action_call_format(tracker, domain)))
    assert ours == json.loads(json.dumps(rasas_format(action(), tracker, domain)))  # a changed event is new
