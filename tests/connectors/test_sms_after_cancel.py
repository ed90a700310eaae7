"""SMS citizens who cancel a service and go on: each message gets its answer, by TwiML or, when the
turn is late, by the REST API. The load benchmark reported silence after "cancel"/"취소"; only the
English "cancel" is a carrier opt-out keyword, a Korean "취소" must leave the conversation going."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import pytest

import project_stack
from conftest import Sms, start_standins, stop
from connectors import sms_keywords
from project_stack import ProjectStack
from test_project_e2e import MODEL, project_standins, sms, stack, standins  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(MODEL is None, reason="project model models/minwon.tar.gz not built (make train)")

KOREAN_SCRIPTS = [
    ["과태료 내고 싶어요", "취소", "고마워요"],
    ["신청 현황 알려줘", "취소", "도움말", "안녕히 계세요"],  # 도움말 is HELP: the connector answers it
    ["이사했어요 주소 바꾸고 싶어요", "취소", "무엇을 할 수 있나요", "감사합니다"],
    ["민원 넣고 싶어요", "취소", "안녕하세요", "고마워요"],
]
Transcript = List[Tuple[str, List[str]]]


def converse(sms: Sms, phone: str, script: List[str], wait: float = 30) -> Transcript:
    """Send each message as Twilio would and wait for its TwiML answer, else for a new REST message."""
    transcript: Transcript = []
    for text in script:
        before = len(sms.rest_messages(phone))
        replies = sms.send(phone, text)
        deadline = time.monotonic() + wait
        while not replies and time.monotonic() < deadline:
            time.sleep(0.2)
            replies = [m["body"] for m in sms.rest_messages(phone)[before:]]
        transcript.append((text, replies))
    return transcript


def unanswered(transcript: Transcript) -> List[str]:
    return [text for text, replies in transcript if not replies]


def test_korean_cancel_word_is_not_a_carrier_keyword():
    assert sms_keywords.keyword("취소") is None
    assert sms_keywords.keyword("취소.") is None
    assert sms_keywords.keyword("CANCEL") == "opt_out"  # the English one is, by carrier rules


@pytest.mark.parametrize("script", KOREAN_SCRIPTS[:2] + [["I want to pay a fine", "never mind", "thanks"]])
def test_every_message_around_a_cancel_is_answered_by_twiml(stack, sms, phone, script):
    transcript = converse(sms, phone, script)
    assert not unanswered(transcript), transcript
    cancelled = dict(transcript)[script[1]]
    assert any("취소" in r or "Cancelled" in r for r in cancelled), transcript


@pytest.fixture(scope="module")
def late_sms(redis_prefix, tmp_path_factory):
    """A project stack whose TwiML deadline has always passed: every Rasa reply goes by REST."""
    process, info = start_standins(tmp_path_factory.mktemp("late-standins"))
    environment = project_stack.rasa_environment
    project_stack.rasa_environment = lambda *args: {**environment(*args), "SMS_TWIML_DEADLINE": "0.01"}
    try:
        late = ProjectStack(MODEL, info, redis_prefix + "late:", tmp_path_factory.mktemp("late-project"))
    except Exception:
        stop(process)
        raise
    finally:
        project_stack.rasa_environment = environment
    yield Sms(late.rasa, info["url"])
    late.stop()
    stop(process)


def test_korean_citizens_cancelling_at_once_get_every_late_reply_by_rest(late_sms):
    phones = [f"+821077{n:02d}{int(time.time() * 1000) % 10**4:04d}" for n in range(len(KOREAN_SCRIPTS))]
    with ThreadPoolExecutor(len(KOREAN_SCRIPTS)) as pool:  # 4 conversations interleaved, twice round each
        transcripts = list(pool.map(lambda pair: converse(late_sms, pair[0], pair[1] * 2),
                                    zip(phones, KOREAN_SCRIPTS)))
    for phone, transcript in zip(phones, transcripts):
        assert not unanswered(transcript), transcript
        rest = [m["body"] for m in late_sms.rest_messages(phone)]
        assert sum("취소했어요" in body for body in rest) == 2, rest  # the cancel answers came late, by REST
