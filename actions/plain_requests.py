"""A service the words ask for beyond doubt while NLU was unsure (nlu_fallback, a bare answer outside any form, or
out of scope): started at once instead of "did you mean …?". Only where one service is named by its own words
("과태료 낼래요 생년월일 1992-05-02" read as inform; "음식물쓰레기 일주일째 안가져가요 민원요") or the message
describes a problem a complaint is for in several words NLU also leans to ("the bar downstairs plays loud music
every night till 3am": out_of_scope 0.84, file_complaint 0.14). Nothing is written by starting: every service
verifies, asks and shows a summary first."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

from actions.complaints import TO_FILE, guess_category, problem_words
from actions.interpret import LOAN_WORDS, SERVICE_FORMS, asks, puts_off, services_named, two_services
from actions.parsing import find_case_number
from actions.paused_task import SERVICE_OF_FORM, going_back_to

# NLU must see the service too, if only a little (a bare "과태료" question is not a request to pay).
LEANS = 0.1
# One word of a problem is enough when NLU leans this far to a complaint and the line is no question
# ("밤에 가로등이 다 꺼져 있어서 골목이 너무 어두워요": inform 0.73, file_complaint 0.26; "버스 몇시에 와요" is a question).
LEANS_ONE_WORD = 0.2
_WH = re.compile(r"(몇\s*시|언제|어디|어떻게|무슨|\bwhat\b|\bwhen\b|\bwhere\b|\bhow\b|\bwhich\b)", re.IGNORECASE)


def _score(ranking: List[Dict[str, Any]], name: str) -> float:
    return max((float(r.get("confidence") or 0) for r in ranking if r.get("name") == name), default=0.0)


# When the case just handled will be done ("그럼 끝나려면 얼마나 더 걸려요", "how long will that take?"): its status.
_WHEN_DONE = re.compile(r"(얼마나\s*(더\s*)?걸|언제\s*(쯤|까지\s*)?(끝|나와|나올|처리|완료|고쳐|해\s*주)|처리\s*결과|"
                        # "그럼 이건 이번 달 안에는 끝나는 거죠?", "will it be done before the end of the month?"
                        r"(안에|내에|까지|전에)\s*(는|은)?\s*(끝|완료|처리|나오|나올)|"
                        r"\b(done|finished|ready|processed) (by|before|within)\b|"
                        r"\bhow (much )?long\b|\bwhen will (it|that|this|they)\b|\bany news\b)", re.IGNORECASE)


# Every application of the citizen, not one case: the list.
_ALL_MINE = re.compile(r"(\ball (of )?my (applications|cases|requests)\b|\bmy applications\b|\bapplications i (made|filed|submitted)\b|"
                       r"신청\s*(건|한\s*거)\s*(들|전부|다|모두)|(신청|접수)\S*\s*(건|거)?\s*(들)?\s*(한\s*번에\s*)?(전부|모두|다)\s*(보|확인|조회)|"
                       r"내\s*신청\s*(목록|내역))", re.IGNORECASE)
# How to file one, asked: the form answers it by asking what happened.
_HOW_TO_COMPLAIN = re.compile(r"(\bhow (do|can|should|would) (i|we) (complain|report|file|make|submit|lodge)\b|"
                              r"어떻게\s*(민원|신고)|(민원|신고)\S*\s*(어떻게|어디서))", re.IGNORECASE)
PAY_VERB = re.compile(r"(낼|내려|내고|납부|결제|\bpay\b|\bpaying\b)", re.IGNORECASE)


def plain_request(tracker: Tracker) -> Optional[str]:
    message = tracker.latest_message or {}
    words = message.get("text") or ""
    ranking = message.get("intent_ranking") or []
    if puts_off(words):
        return None  # "thats all for today, I'll do the streetlight another time" names a complaint, put off
    back = going_back_to(tracker, words)
    if back is not None:
        return SERVICE_OF_FORM[back]  # its form resumes the paused task where it stopped
    if tracker.get_slot("last_case") and _WHEN_DONE.search(words) and not services_named(words):
        return "check_application_status"  # the status form takes the case just handled (REFERS_BACK)
    if _ALL_MINE.search(words) and not find_case_number(words) and not PAY_VERB.search(words):
        return "list_applications"  # "the status of all my applications … thank you po" (nlu_fallback)
    pair = two_services(words)
    if pair:
        return pair[0]  # "I need to change my address and then maybe pay a fine": the first; its form keeps the other
    named = services_named(words)
    if len(named) == 1 and named[0] != "file_complaint" and _score(ranking, named[0]) >= LEANS:
        return named[0]
    loaned = [name for name, loan in LOAN_WORDS.items() if loan.search(words)]
    if len(named) == 1 and loaned == named:
        return named[0]  # "I need to do my jeonip singo. Can I do it here?": NLU knows no such word
    if named == ["pay_fine"] and PAY_VERB.search(words) and not asks(words):
        return "pay_fine"  # "과태료 낼라구요 생년월일 1974-06-09": the fine and the paying said (inform 0.95)
    if named == ["file_complaint"] and not asks(words) and len(words.split()) <= 4:
        return "file_complaint"  # "민원이요", "complaint pls": the service asked for in its own word, nothing else said
    if named == ["file_complaint"] and _HOW_TO_COMPLAIN.search(words):
        return "file_complaint"  # "how do I complain about the rental e-scooters left everywhere" (out of scope 0.9)
    if named == ["file_complaint"] and TO_FILE.search(words) and _score(ranking, "file_complaint") >= LEANS:
        # "… sorry for english. i want to make complain to the city" (after background), "여기서 불편신고도
        # 받아주시나요?": asking to file, or whether one can; the form asks what happened
        return "file_complaint"
    if named not in ([], ["file_complaint"]) or not guess_category(words, []):
        return None
    complaint = _score(ranking, "file_complaint")
    if (named or problem_words(words) >= 2) and complaint >= LEANS:
        return "file_complaint"
    if named == ["file_complaint"] and not asks(words):
        # "언주로 168 앞 가로등이 사흘째 안 켜져서 신고하려고요. 제 번호는 010-…": the complaint asked for in words
        # and its problem told, though the phone and birth date beside them left NLU unsure
        return "file_complaint"
    if complaint >= LEANS_ONE_WORD and not asks(words) and not _WH.search(words):
        return "file_complaint"
    return None


def start_plain_request(tracker: Tracker) -> Optional[List[EventType]]:
    """The events that start the service the words ask for, or None."""
    service = plain_request(tracker)
    if service == "list_applications":
        return [FollowupAction("verify_form")]  # verification alone, then the list (action_verified_request)
    return [FollowupAction(SERVICE_FORMS[service])] if service else None

