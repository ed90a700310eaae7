"""A person is one message away; cancel and help behave the same in every form."""
import time

import pytest
from rasa_sdk import Tracker

from actions.common import ActionCancel, ActionHelp, ActionSwitchService
from actions.fines import ValidatePayFineForm
from actions.interpret import Kind, read_message
from actions.handoff import ActionHandoff, ActionNluFallback, handoff_request
from actions_testkit import make_tracker, run_action, slot_updates, texts_of

pytestmark = pytest.mark.asyncio


def followups(events):
    """The actions an action's events start next (FollowupAction)."""
    return [e.get("name") for e in events if e.get("event") == "followup"]


def tracker_after(intents, slots=None, form=None):
    events = [{"event": "user", "timestamp": time.time(), "text": "x",
               "parse_data": {"intent": {"name": name, "confidence": 0.2}}} for name in intents]
    latest = events[-1]["parse_data"] | {"text": "x", "entities": [], "metadata": {}}
    return Tracker("tg:42", dict(slots or {}), latest, events, False, None, {"name": form} if form else {},
                   "action_listen")


async def test_first_misunderstanding_asks_did_you_mean_second_offers_a_person(actions_on_govapi, domain):
    unsure = tracker_after(["greet", "nlu_fallback"], {"language": "en"})
    unsure.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.5},
                                               {"name": "check_payment", "confidence": 0.41},
                                               {"name": "pay_fine", "confidence": 0.38},
                                               {"name": "out_of_scope", "confidence": 0.1}]
    _, messages = await run_action(ActionNluFallback(), unsure, domain)
    assert "Is it one of these?" in texts_of(messages)
    assert [(b["title"], b["payload"]) for b in messages[0]["buttons"]] == [
        ("Check a payment", "/check_payment"), ("Pay a fine", "/pay_fine"), ("Talk to a person", "/request_human")]
    _, messages = await run_action(ActionNluFallback(), tracker_after(["greet", "nlu_fallback"]), domain)
    assert "다시 말씀해" in texts_of(messages) and not messages[0].get("buttons")  # nothing likely to offer
    _, messages = await run_action(ActionNluFallback(), tracker_after(["nlu_fallback", "nlu_fallback"]), domain)
    assert "상담원과 이야기하시겠어요" in texts_of(messages)
    assert messages[0]["buttons"][0] == {"title": "상담원 연결", "payload": "/request_human"}


async def test_request_human_inside_a_form_leaves_it_and_gives_the_number(actions_on_govapi, domain):
    tracker = make_tracker({"language": "ko", "requested_slot": "effective_date"}, "상담원", "request_human",
                           form="change_address_form")
    events, messages = await run_action(ActionHandoff(), tracker, domain)
    assert "110" in texts_of(messages)
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    assert not any(e.get("event") == "pause" for e in events)  # no desk: the bot keeps answering


async def test_the_desk_never_gets_the_token_phone_birth_date_or_code(actions_on_govapi):
    tracker = make_tracker({"language": "en", "verified": True, "citizen_token": "secret-token",
                            "citizen_token_expires": "2999-01-01T00:00:00+00:00", "citizen_id": "ct_000001",
                            "phone": "+821012345678", "birth_date": "1985-03-14", "otp_code": "ok",
                            "fine_ids": ["f1"], "requested_slot": "payment_method"},
                           "agent please", "request_human", form="pay_fine_form", sender="tg:7")
    body = handoff_request(tracker, "requested")
    flat = repr(body)
    for secret in ("secret-token", "+821012345678", "1985-03-14"):
        assert secret not in flat
    assert body["skill"] == "payments" and body["verified"] is True and body["citizen_id"] == "ct_000001"
    assert body["channel"] == "telegram" and body["form"]["slots"]["fine_ids"] == ["f1"]


async def test_cancel_leaves_the_form_and_forgets_half_typed_verification(actions_on_govapi, domain):
    tracker = make_tracker({"language": "en", "phone": "+821012345678", "requested_slot": "birth_date",
                            "fine_options": [{"id": "x"}]}, "cancel", "cancel", form="pay_fine_form")
    events, messages = await run_action(ActionCancel(), tracker, domain)
    updates = slot_updates(events)
    assert "Cancelled" in texts_of(messages)
    assert updates["phone"] is None and updates["fine_options"] is None and updates["requested_slot"] is None


async def test_help_explains_the_current_step(actions_on_govapi, domain):
    tracker = make_tracker({"language": "en", "requested_slot": "member_ids"}, "help", "help",
                           form="change_address_form")
    _, messages = await run_action(ActionHelp(), tracker, domain)
    assert "just me" in texts_of(messages)
    _, messages = await run_action(ActionHelp(), make_tracker({"language": "en"}, "help", "help"), domain)
    assert "pay fines" in texts_of(messages)


async def test_with_the_desk_running_the_citizen_is_queued_and_the_bot_pauses(handoff_desk, actions_on_govapi,
                                                                             domain, monkeypatch):
    import aiohttp

    url, token = handoff_desk
    monkeypatch.setenv("HANDOFF_URL", url)
    monkeypatch.setenv("HANDOFF_TOKEN", token)
    tracker = make_tracker({"language": "en", "requested_slot": "payment_method", "fine_ids": ["f1"]},
                           "agent please", "request_human", form="pay_fine_form", sender="tg:4242")
    events, messages = await run_action(ActionHandoff(), tracker, domain)
    assert "Connecting you to an agent" in texts_of(messages)
    assert any(e.get("event") == "pause" for e in events)
    handoff_id = slot_updates(events)["handoff_id"]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/v1/handoffs/{handoff_id}", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
            assert (await r.json())["open"] is True
    # The same turn delivered again opens no second handoff.
    again, _ = await run_action(ActionHandoff(), tracker, domain)
    assert slot_updates(again)["handoff_id"] == handoff_id


async def test_desk_down_falls_back_to_the_call_centre(actions_on_govapi, domain, monkeypatch):
    from actions_testkit import free_port
    monkeypatch.setenv("HANDOFF_URL", f"http://127.0.0.1:{free_port()}")
    events, messages = await run_action(ActionHandoff(), make_tracker({"language": "ko"}, "상담원", "request_human"),
                                        domain)
    assert "110" in texts_of(messages) and not any(e.get("event") == "pause" for e in events)


async def test_out_of_hours_the_citizen_gets_a_callback_and_the_bot_keeps_answering(closed_handoff_desk,
                                                                                    actions_on_govapi, domain,
                                                                                    monkeypatch):
    url, token = closed_handoff_desk
    monkeypatch.setenv("HANDOFF_URL", url)
    monkeypatch.setenv("HANDOFF_TOKEN", token)
    tracker = make_tracker({"language": "ko"}, "상담원 연결해 주세요", "request_human", sender="tg:5151")
    events, messages = await run_action(ActionHandoff(), tracker, domain)
    assert messages, "the citizen is told what happens next"
    assert "110" not in texts_of(messages)
    # Nobody resumes a paused conversation tonight: the bot must not pause.
    assert not any(e.get("event") == "pause" for e in events)
    assert slot_updates(events)["handoff_id"]


async def test_asking_for_another_service_leaves_the_form_but_keeps_the_verification_so_far(actions_on_govapi, domain):
    tracker = make_tracker({"language": "ko", "phone": "+821012345678", "requested_slot": "birth_date",
                            "fine_ids": ["FN-2026-000001"]}, "주소 바꾸고 싶어요", "change_address", form="pay_fine_form")
    # The form steps aside (no slot set, so Rasa's switch rule answers): not taken as a wrong birth date.
    stepped_aside, said = await run_action(ValidatePayFineForm(), tracker, domain)
    assert stepped_aside == [] and said == []
    events, messages = await run_action(ActionSwitchService(), tracker, domain)
    assert "전입신고로 넘어갈게요" in texts_of(messages)
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    updates = slot_updates(events)
    assert updates["requested_slot"] is None and updates["fine_ids"] is None
    assert "phone" not in updates  # the phone typed so far stays for the new service


def test_a_service_request_is_a_switch_only_when_sure_and_not_the_form_in_progress():
    def kind(text, intent, confidence=0.95, requested="fine_ids"):
        return read_message(text, intent, confidence, [], requested, ["fine_ids", "payment_method"], {},
                            ["pay_fine"], False).kind
    assert kind("change my address", "change_address") == Kind.SWITCH
    assert kind("pay my fine", "pay_fine") != Kind.SWITCH
    assert kind("address?", "change_address", confidence=0.55) != Kind.SWITCH


def test_the_desk_gets_the_form_a_request_for_a_person_closed_with_its_answers_and_question():
    # The form read "a person" and ended; its answering action hands off for that form.
    events = [{"event": "active_loop", "name": "pay_fine_form"},
              {"event": "slot", "name": "requested_slot", "value": "payment_method"},
              {"event": "user", "text": "상담원 연결해 주세요", "parse_data": {"intent": {"name": "request_human"}}},
              {"event": "slot", "name": "form_outcome", "value": "person"},
              {"event": "active_loop", "name": None}]
    tracker = Tracker("tg:77", {"language": "ko", "fine_ids": ["fn_000001"], "requested_slot": None},
                      {"text": "상담원 연결해 주세요", "intent": {"name": "request_human", "confidence": 1.0}},
                      events, False, None, {}, "pay_fine_form")
    body = handoff_request(tracker, "requested")
    assert body["skill"] == "payments"
    assert body["form"] == {"name": "pay_fine_form",
                            "slots": {"fine_ids": ["fn_000001"], "requested_slot": "payment_method"}}


@pytest.mark.asyncio
async def test_a_service_named_only_in_words_ends_the_form_and_its_submit_starts_that_service(domain):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.common import early_end
    from actions.interpret import Reading

    # NLU heard only the stop ("nvm that, I'd rather sort out my unpaid fine first": cancel 0.96): no rule knows
    # the fine, so the form ends itself with the service to start
    tracker = make_tracker({"language": "en", "requested_slot": "case_number"},
                           "nvm that, I'd rather sort out my unpaid fine first", "cancel", confidence=0.96,
                           form="status_form")
    from actions.applications import ValidateStatusForm
    events = ValidateStatusForm().act_on(Reading(Kind.SWITCH, switch_to="pay_fine"), CollectingDispatcher(),
                                         tracker, "case_number")
    assert slot_updates(events) == {"form_outcome": "switch:pay_fine", "requested_slot": None}
    ended = make_tracker({"language": "en", "form_outcome": "switch:pay_fine", "citizen_token": "t"},
                         "nvm that, I'd rather sort out my unpaid fine first", "cancel")
    dispatcher = CollectingDispatcher()
    events = await early_end(dispatcher, ended)
    assert events[-1] == {"event": "followup", "name": "pay_fine_form", "timestamp": None}
    assert slot_updates(events)["form_outcome"] is None  # the old form's answers go; verification stays
    assert "pay" in texts_of(dispatcher.messages).lower()


async def test_a_case_number_with_a_request_to_check_starts_the_status_check_without_did_you_mean(actions_on_govapi,
                                                                                                  domain):
    # NLU was torn between the status check and the language ("english please"): the case number settles it
    unsure = tracker_after(["nlu_fallback"], {"language": "en"})
    unsure.latest_message.update(text="hello, i want check my 신청 AP-2026-000054. english please, my korean is not good",
                                 intent_ranking=[{"name": "nlu_fallback", "confidence": 0.5},
                                                 {"name": "check_application_status", "confidence": 0.49},
                                                 {"name": "switch_language", "confidence": 0.45}])
    events, messages = await run_action(ActionNluFallback(), unsure, domain)
    assert not messages
    assert "status_form" in followups(events)


async def test_how_long_the_case_just_handled_takes_starts_its_status_check(actions_on_govapi, domain):
    unsure = tracker_after(["check_application_status", "nlu_fallback"], {"language": "ko",
                                                                         "last_case": "AP-2026-000044"})
    unsure.latest_message.update(text="그럼 끝나려면 얼마나 더 걸려요",
                                 intent_ranking=[{"name": "nlu_fallback", "confidence": 0.5},
                                                 {"name": "out_of_scope", "confidence": 0.3}])
    events, messages = await run_action(ActionNluFallback(), unsure, domain)
    assert not messages and "status_form" in followups(events)
    nothing_before = tracker_after(["nlu_fallback"], {"language": "ko"})
    nothing_before.latest_message.update(text="그럼 끝나려면 얼마나 더 걸려요", intent_ranking=[])
    _, messages = await run_action(ActionNluFallback(), nothing_before, domain)
    assert messages  # no case talked about: asked what is meant, nothing started


async def test_a_complaint_asked_for_in_words_with_its_problem_starts_though_nlu_was_unsure(actions_on_govapi,
                                                                                            domain):
    unsure = tracker_after(["nlu_fallback"], {"language": "ko"})
    unsure.latest_message.update(
        text="언주로 168 앞 가로등이 사흘째 안 켜져서 신고하려고요. 제 번호는 010-3456-7890, 생년월일은 2012년 5월 5일입니다",
        intent_ranking=[{"name": "nlu_fallback", "confidence": 0.5}, {"name": "inform", "confidence": 0.3},
                        {"name": "file_complaint", "confidence": 0.05}])
    events, messages = await run_action(ActionNluFallback(), unsure, domain)
    assert not messages and "file_complaint_form" in followups(events)


async def test_paying_a_fine_said_in_words_with_a_birth_date_starts_the_payment(actions_on_govapi, domain):
    from actions.fallback import ActionDefaultFallback
    said = tracker_after(["inform"], {"language": "ko"})
    said.latest_message.update(text="과태료 낼라구요 생년월일 1974-06-09",
                               intent_ranking=[{"name": "inform", "confidence": 0.95},
                                               {"name": "pay_fine", "confidence": 0.04}])
    events, messages = await run_action(ActionDefaultFallback(), said, domain)
    assert not messages and "pay_fine_form" in followups(events)


async def _withdrawal_answer(url, token, handoff_id):
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/v1/handoffs/{handoff_id}", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
            return await r.json()


async def _queued_at_the_payment_method(handoff_desk, domain, monkeypatch, sender):
    """A citizen asked for a person at the payment method; the desk queued them and the bot paused."""
    url, token = handoff_desk
    monkeypatch.setenv("HANDOFF_URL", url)
    monkeypatch.setenv("HANDOFF_TOKEN", token)
    slots = {"language": "ko", "requested_slot": "payment_method", "fine_ids": ["fn_000001"], "citizen_token": "t"}
    asked = make_tracker(slots, "결제 방법이 헷갈리는데 상담원분이랑 얘기할 수 있을까요", "request_human",
                         form="pay_fine_form", sender=sender)
    events, _ = await run_action(ActionHandoff(), asked, domain)
    kept = slot_updates(events)
    return {**slots, **kept, "requested_slot": None, "fine_ids": None}, kept["handoff_id"]


async def test_taking_back_a_queued_request_for_a_person_withdraws_it_and_the_task_goes_on(
        handoff_desk, actions_on_govapi, domain, monkeypatch):
    from actions.handoff_waiting import ActionHandoffWaiting

    slots, handoff_id = await _queued_at_the_payment_method(handoff_desk, domain, monkeypatch, "tg:5151")
    assert slots["paused_task"][0]["form"] == "pay_fine_form"
    assert slots["paused_task"][0]["slots"]["fine_ids"] == ["fn_000001"]  # the answers so far, kept
    waiting = make_tracker(slots, "아 아니에요 그냥 할게요", "deny", sender="tg:5151")
    events, messages = await run_action(ActionHandoffWaiting(), waiting, domain)
    assert "상담원 연결을 취소했어요" in texts_of(messages)
    assert any(e.get("event") == "resume" for e in events)
    assert slot_updates(events)["handoff_id"] is None
    assert followups(events) == ["pay_fine_form"]  # the form asks where it stopped (its resume takes the answers)
    assert slot_updates(events)["paused_task"][0]["taken_back"] is True
    assert (await _withdrawal_answer(*handoff_desk, handoff_id))["open"] is False


async def test_words_for_the_agent_while_waiting_change_nothing(handoff_desk, actions_on_govapi, domain, monkeypatch):
    from actions.handoff_waiting import ActionHandoffWaiting

    slots, handoff_id = await _queued_at_the_payment_method(handoff_desk, domain, monkeypatch, "tg:5252")
    for words in ("언제 연결돼요?", "네 기다릴게요", "no, I still need an agent", "1번 과태료요"):
        events, messages = await run_action(ActionHandoffWaiting(), make_tracker(slots, words, sender="tg:5252"), domain)
        assert events == [] and messages == []
    assert (await _withdrawal_answer(*handoff_desk, handoff_id))["open"] is True


async def test_a_request_for_a_person_cannot_be_withdrawn_for_another_conversation(
        handoff_desk, actions_on_govapi, domain, monkeypatch):
    from actions.handoff_waiting import ActionHandoffWaiting

    slots, handoff_id = await _queued_at_the_payment_method(handoff_desk, domain, monkeypatch, "tg:5353")
    other = make_tracker(slots, "never mind the agent, I'll do it myself", sender="tg:9999")
    events, messages = await run_action(ActionHandoffWaiting(), other, domain)
    assert events == [] and messages == []  # the desk refused: the id belongs to tg:5353
    assert (await _withdrawal_answer(*handoff_desk, handoff_id))["open"] is True
