"""The trained NLU model (config.yml + data/nlu) understands what citizens really type.

Trains the NLU part once per session into a temporary directory (about half a minute), or
uses MINWON_NLU_MODEL (a model archive made from the current data) when set.
"""
import asyncio
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def parse(tmp_path_factory):
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    model = os.environ.get("MINWON_NLU_MODEL")
    if not model:
        cwd = os.getcwd()
        os.chdir(ROOT)  # config.yml names minwon_nlu components by module path
        try:
            model = train_nlu(str(ROOT / "config.yml"), str(ROOT / "data" / "nlu"),
                              str(tmp_path_factory.mktemp("nlu-model")), fixed_model_name="nlu")
        finally:
            os.chdir(cwd)
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


@pytest.mark.parametrize("text, intent", [
    ("과태료 내려구요", "pay_fine"),
    ("주소 바꿀래", "change_address"),
    ("전입신고 하려고요", "change_address"),
    ("민원 넣고 싶어요", "file_complaint"),
    ("상담원 연결", "request_human"),
    ("사람이랑 얘기할래", "request_human"),
    ("결제 됐나요?", "check_payment"),
    ("진행되면 알려주세요", "subscribe_updates"),
    ("I want to pay my parking ticket", "pay_fine"),
    ("I moved, please update my address", "change_address"),
    ("the streetlight outside my house is broken", "file_complaint"),
    ("did my payment go through", "check_payment"),
    ("talk to a human", "request_human"),
    ("notify me when it changes", "subscribe_updates"),
    ("show my applications", "list_applications"),
])
def test_requests_in_korean_and_english_reach_their_service(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent


def test_a_case_number_in_free_text_is_found_and_normalised(parse):
    result = parse("ap2026000123 어디까지 됐어요?")
    assert result["intent"]["name"] == "check_application_status"
    [case] = [e for e in result["entities"] if e["entity"] == "case_number"]
    assert case["normalised"] == "AP-2026-000123"


def test_bare_answers_are_inform_with_their_entity(parse):
    for text, entity in [("010-1234-5678", "phone"), ("1985-03-14", "birth_date"),
                         ("123456", "otp_code"), ("서울특별시 강남구 테헤란로 12", "address"),
                         ("12 Teheran-ro, Gangnam-gu, Seoul", "address"),
                         ("다음 주 월요일", "date"), ("next Monday", "date")]:
        result = parse(text)
        assert result["intent"]["name"] == "inform", text
        assert entity in {e["entity"] for e in result["entities"]}, text


def test_complaint_category_comes_out_as_a_govapi_code(parse):
    result = parse("윗집 층간소음 때문에 못 살겠어요 민원 넣을래요")
    assert {e["value"] for e in result["entities"] if e["entity"] == "complaint_category"} == {"noise"}


def test_an_explicit_language_switch_carries_the_target_language(parse):
    result = parse("in English please")
    assert result["intent"]["name"] == "switch_language"
    assert [e["value"] for e in result["entities"] if e["entity"] == "language"] == ["en"]
    assert parse("한국어로 해줘")["language"] == "ko"


def test_weather_small_talk_is_out_of_scope_not_a_service(parse):
    for text in ("오늘 날씨 어때?", "what's the weather like tomorrow"):
        assert parse(text)["intent"]["name"] in {"out_of_scope", "nlu_fallback"}, text
