"""What a message means while a form asks something: exactly one reading, decided in one place for every form.

A message that arrives while a form asks for `requested_slot` is read as one of:
- ANSWER: the form's own extractor for the asked slot takes it (it may still find the value invalid);
- CORRECTION: it changes an earlier answer of this task ("아 주소 틀렸어요, 역삼로 12예요", "wrong phone, it's
  010-…"); `slot` names the answer and `value` the words that hold the new value ("" = ask it again);
- PERSON, CANCEL, SWITCH: the form ends and the submit action does what was asked (actions/common.early_end);
- ROUTED: a digression Rasa's rules answer before the form asks again (help, "are you a bot?", thanks, a
  language switch, an out-of-scope line);
- QUESTION: "why do you need my birth date?": answered in place, then the question again;
- STRAY: anything else that does not answer: said so in place, with what the question expects;
- EARLY: not an answer to the asked question but to a later one of this task ("오늘 들어왔어요" asked for the
  address): kept, said so, and the asked question again (the form decides, by its parsers: VerifiedFormValidation).

Pure functions of the message, its NLU reading and the slots, so the whole table is tested without Rasa.
Precedence: a request for a person or to stop wins everywhere (including the summary and the payment method);
then a question (never an answer, whatever option it names); then a correction that names an earlier answer;
then a switch; then the asked question's own answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Tuple

from actions.dates import parse_date
from actions.parsing import (find_case_number, is_no, is_yes, keeps_as_is, kept_parts, means_all, normalise_phone, parse_birth_date,
                             without_keep_words, without_rejected)


class Kind(str, Enum):
    ANSWER = "answer"
    CORRECTION = "correction"
    PERSON = "person"
    CANCEL = "cancel"
    SWITCH = "switch"
    ROUTED = "routed"
    QUESTION = "question"
    STRAY = "stray"
    EARLY = "early"


@dataclass(frozen=True)
class Reading:
    kind: Kind
    slot: Optional[str] = None        # CORRECTION: the earlier answer it changes
    value: str = ""                   # CORRECTION: the words that hold the new value; QUESTION: "why" or ""
    switch_to: Optional[str] = None   # SWITCH: the service intent asked for


# Questions whose answer is free text: only a message that is plainly nothing else is taken.
FREE_TEXT_SLOTS = frozenset({"new_address", "complaint_text", "complaint_place"})
# The summary before each state change: yes submits, no or a named field changes one answer.
CONFIRM_SLOTS = frozenset({"address_confirm", "payment_confirm", "complaint_confirm"})

SERVICE_INTENTS = {"check_application_status", "list_applications", "check_payment", "pay_fine",
                   "change_address", "file_complaint"}
# The digressions Rasa's rules answer inside a form (data/rules/rules_digressions.yml) before asking again.
ROUTED_INTENTS = {"help", "bot_challenge", "thank", "switch_language", "out_of_scope"}

PERSON_CONFIDENCE = 0.6
CANCEL_CONFIDENCE = 0.7
SWITCH_CONFIDENCE = 0.6
SWITCH_CUED_CONFIDENCE = 0.5
FREE_TEXT_SWITCH_CONFIDENCE = 0.8   # a description often names a service ("주소가 잘못 나와요")
ROUTED_CONFIDENCE = 0.6
FREE_TEXT_OOS_CONFIDENCE = 0.5

_PERSON = re.compile(
    r"상담원|상담사|상담\s*(받|원해|하고\s*싶|연결)|(사람|직원|담당자|공무원|상담사)(분)?(이랑|랑|과|와|하고|한테|에게)?\s*(직접\s*)?(얘기|이야기|통화|연결|상담|바꿔|대화)"
    r"|(real|actual|live)\s+(person|human|agent)|\b(a|an?) human\b|\bto (a|an) (agent|operator|person)\b"
    r"|\b(human|agent|person)\s+(pls|plz|please|now)\b"
    r"|\b(talk|speak|chat)\s+(to|with)\s+(a |an |some)?(one|body|person|people|human|agent|staff)\b"
    r"|\b(talk|speak|chat)\s+(to|with)\s+(a |an )?(member of staff|staff member|officer|official|clerk)\b"
    r"|(상담|담당)\s*하시는\s*분|(상담|담당|응대)\s*(해\s*)?주시는\s*분|(사람|분|직원|상담원)(으?로)?\s*(좀\s*)?바꿔|사람이\s*(하는|해\s*주는)\s*(거|게)\s*아니"
    r"|\bget me (some(one|body)|a (real )?(person|human)|an? (agent|operator))\b|\bgive me (a|an) (real )?(person|human|agent)\b"
    r"|\brepresentative\b|\boperator\b|\bput me through\b|\bconnect me (to|with)\b|\b(some(one|body)|any(one|body)|a (real )?person|a human) (i|we) (can|could) (talk|speak)\b"
    r"|\b(some(one|body)|a person|staff) (at|from|in) the (office|centre|center|gu office|district office)\b"
    # "call me back", "can someone ring me", "전화 좀 주세요": a person by phone (not "call me at 010-…", an answer)
    # ("what happens after I send this? will somebody call me?" asks how it goes on, no request)
    r"|(?<!\bwill someone )(?<!\bwill somebody )(?<!\bwill anyone )(?<!\bwill they )(?<!\bdo they )(?<!\bwill you )"
    r"\b(call|ring|phone) me\b(?!\s+(at|on)\b)|\bgive me a (ring|call|bell)\b|\bcall\s*back\b|전화\s*(좀\s*)?(주세요|주실|줄\s*수|줘|해\s*주|부탁|받고\s*싶)"
    r"|전화로\s*(하면|할\s*수|해도|처리|상담|문의|물어)"
    # "전화로 해주실분 없나요", "도와줄 사람 없어요?": someone to do it for them
    r"|전화로\s*(좀\s*)?(해\s*주|도와|안내|알려)|(해|도와|봐|처리해)\s*주실\s*(분|사람)|(도와|해)\s*줄\s*(사람|분)\s*(없|있|좀)"
    r"|(물어볼|여쭤볼|얘기할|이야기할|상담할|통화할)\s*(수\s*있는\s*)?(분|사람|직원)"
    # "이건 담당자분이 직접 봐주셔야 할 것 같은데요", "who do I talk to about this?": a person, asked indirectly
    r"|(담당자|담당\s*직원|직원|공무원|사람)(분)?(이|가|께서)?\s*직접\s*(봐|확인|처리|보셔|해\s*주)"
    r"|누구(한테|에게|랑|와|께)\s*(물어|얘기|이야기|말|문의|연락|따져)"
    r"|\bwho (do|should|can|could) (i|we) (talk|speak|go|turn|complain|write) to\b"
    r"|\bwho (do|should|can|could) (i|we) (contact|call|ask)\b|\bwho can (i|we) (contact|call|ask)\b",
    re.IGNORECASE)
# Asking for one, not telling about one.
_ASKS_PERSON = re.compile(r"((can|could|may) i (just |please )?(talk|speak|chat)|i('d| would)? (like|want|need) to (talk|speak)|"
                          # "Honestly I'd rather explain it to a real person"
                          r"\b(rather|prefer to|want to|like to|need to) (explain|tell|talk|speak|discuss)( (it|this|that|all this))? "
                          r"(to|with) (a|an|the|some) ?(real |actual |live )?(person|human|agent|one|body|staff)\b|"
                          r"let me (talk|speak)|connect me|put me through|상담원\s*(연결|바꿔)|"
                          # "상담원분과 직접 이야기하면서 확인하고 싶은데 연결해 주실 수 있겠습니까?"
                          r"연결\s*(해\s*)?(주실|주시겠|주세요|줄\s*수|부탁)|"
                          r"is there (someone|anyone|a (real )?person|a human) (i|we) (can|could) (talk|speak)|"
                          r"(put|pass|transfer|hand) me (over )?to (a|an|the) (human|person|agent|operator)|"
                          r"(사람|직원|상담원|담당자|공무원|상담사)(분)?(이랑|하고|과|와|한테|에게)?\s*(직접\s*)?(얘기|이야기|통화|대화|상담|설명)\s*"
                          r"(하고\s*싶|할래|할게|하게\s*해|하면\s*안\s*(될|돼)|할\s*수\s*(있|없)|하면\s*좋|하는\s*게\s*(낫|좋)|가능|좀\s*하))",
                          re.IGNORECASE)
_CANCEL_WORDS = (r"(아니\s*|ㄴㄴ\s*|no,?\s*|nope,?\s*)?(안\s*해요?|안\s*낼래요?|됐어|취소(할게요|할래요|할래|해\s*주세요|해요|해|요)?|그만(할게요|둘게요|할래요|하세요|해요|요)?|안\s*할래요?"
                 r"|안\s*할게요|관둘래요?|관둘게요|됐어요|됐습니다|필요\s*없어요|다음에\s*할게요"
                 r"|never\s*mind|forget\s*(it|about it)|stop( it)?|cancel( it| that)?|quit|i'?ll do it later"
                 r"|no thanks?,? (i'?ll )?(stop|cancel))")
_YEO = re.compile(r"(?<=[가-힣])여(?=[\s.!~?]*$)")
_KKE = re.compile(r"께(?=요)")  # "취소할께요": 할게요 typed as it sounds
# Unmistakable ways to stop, wherever they stand in the message ("don't send it" at the summary too).
_STOP = re.compile(r"((do\s*n'?t|do not) (send|submit|file|charge|process|go ahead|do it|pay (it|yet|now|this|that))\b|"
                   r"(보내|접수하|신고하|결제하|신청하|진행하|처리하|내)지\s*(마(세요|요|)\b|말고)|"
                   r"취소해\s*주(세요|시기|십시오|시겠어요|실래요)|취소\s*부탁|취소하(고자|겠습니다|려고요)|취소할게요|취소할래요|취소요\b|됐(어요|다고요)\s*취소해요|그만할게요|그만할래요|그만\s*둘게요|안\s*(할|낼)래요|"
                   r"안\s*(할|낼)게요|다음에\s*할게요|그만두겠|그만하겠|(결제|신고|신청|진행|납부)(는|를)?\s*하지\s*않(고|겠)|(오늘은\s*)?여기까지(만)?\s*(할래요|할게요|하겠|요|만요)|\s취소[\s.!~]*$|\bcancel (this|it|that|everything)\b|\bforget (it|about it)\b|"
                   r"\bforget (about )?(the whole thing|everything|all of it|all (of )?this|all that)\b|"
                   r"\bforget (about )?(the|this|that|my) (fine|fines|payment|complaint|report|move|address( change)?|application|"
                   r"pothole|streetlight|street light|noise|trash|rubbish|parking|graffiti|bench)\b|"
                   r"\b(decided|going|chosen|choose) not to (file|submit|send|pay|report|go ahead|do)\b|"
                   r"\bnot (to )?(file|submit|send|report) it after all\b|\bleave (the matter|it|things) (there|at that)\b|"
                   r"\bi'?ll stop\b|\bstop here\b|\bstop for now\b|\blet'?s stop\b|\bcancel,? please\b|\bplease cancel\b|\blet'?s not\b|\bforget (that )?i (asked|said anything)\b|\bdon'?t want to make a fuss\b|"
                   r"없던\s*(걸로|일로)|\bnever\s*mind\b|\bdon'?t want to (do|pay|file|go on)\b(?![^.?!]*\b(twice|again|myself)\b)|"
                   # Konglish and plain-English ways to drop it ("이번 건은 캔슬해 주세요", "let's drop this complaint")
                   r"캔슬\s*(해|할|하|요|이요|시켜)|\b(let'?s |just )?drop (this|it|that|the (complaint|report|payment|move))\b|"
                   r"\bscrap (this|it|that)\b|\bcall it off\b|"
                   # "cancel the complaint, I'll talk to him first"; "wait stop, … cancel for now"; "그만하고 나중에"
                   r"\bcancel (the|my|this) (complaint|report|payment|fine|move|move-in report|address change|request)\b|"
                   r"\bcancel (the whole thing|all of it|everything|the lot)\b|\bnot moving after all\b|"
                   r"\bcancel (it )?for now\b|(^|[.,;!?]\s*|\b(wait|nvm|please|pls|plz|ok|okay|actually|oh),?\s+)(cancel|stop)\s*([.,;!?]|$)|"
                   # "Let's leave it for today, I'll do it with my daughter at the weekend. Please stop."
                   r"\bleave (it|this|that) for (today|now|the (moment|time being))\b|"
                   # "actually leave the fine for now, i want to report a problem on my street"
                   r"\bleave (the|my|this|that) (fines?|payment|complaint|report|move|address change) "
                   r"(for (now|later|today|the (moment|time being))|aside|till later)\b|"
                   r"그만\s*하고\s*(나중에|다음에|담에)|나중에\s*다시\s*(할게요|할께요|하겠습니다|올게요)|"
                   r"^\s*(아+\s*)?(그냥\s*)?됐(어요|습니다)[\s,.!~]|이건\s*취소)", re.IGNORECASE)
# A way to stop that closes the message stops even where a description or a place is asked ("… 관리사무소에 먼저
# 말해볼래요 이건 취소요"): a description that mentions a cancelled booking does not end on the word.
# "… my neighbour just texted me that she reported it on Friday. Cancel please, no need for two.": asked outright,
# also inside a description (a description may say that something was cancelled, not ask for it politely)
_CANCEL_PLEASE = re.compile(r"(\bcancel( it| this| that| the (complaint|report|request|payment|move))?,? (please|pls|plz)\b|"
                            r"\bcancel (it|this|that)( for now)?,? (please|pls|plz)\b|"
                            r"\bplease cancel\b|\b(can|could) you (please )?cancel (it|this|that)\b)", re.IGNORECASE)
_STOP_END = re.compile(r"((이건|이거|민원은?|신고는?|그냥)\s*)?(취소(요|해요|할게요|할래요|해\s*주세요|합니다)|그만(할게요|할래요|하겠습니다)|"
                       r"안\s*(할|낼)(래요|게요))[\s.!~]*$")
# Putting the task off ("나중에 낼게요", "I'll pay after payday") or finding it unneeded ("신고 안해도 될듯"): a stop,
# not an answer. Not "next week" or "내일", which answer a date question.
_DEFER = re.compile(r"((내일|이따가?|저녁|주말|다음\s*주|모레)[가-힣\s]{0,10}다시\s*(할|신고|낼|올|연락|해)|"
                    r"(확인|알아보|찾아보|물어보)\S{0,3}\s*(하고|고|보고|해\s*보고|해서)\s*다시\s*(할|신고|낼|올|연락|해)|\bat the bank\b|"
                    # "the address thing can wait. i need to report a broken streetlight first"
                    r"\b(thing|one|it|that|this|part|stuff|move|address|complaint|payment|report|application)\s+(can|could)\s+wait\b"
                    r"(?!\s+(a|for|one|just|till|until)\b)|"
                    r"(담달|다음\s*달|담주)에?\s*(낼|할|내|해|신고|납부)|은행\s*(가서|에서)\s*(낼|내|납부)|나중에|다음에|담에|이따가?\s*(할|낼|다시)|다음\s*기회|월급\s*(날|들어오|받)|돈\s*(들어오|생기|생겨)|"
                    r"생각\s*(좀\s*)?(해\s*보고|해볼게)|다시\s*(올게|올께|오겠|올래|들를게)|\bcome back\b|\bget back to (you|this|it)\b|"
                    r"마음이?\s*바뀌|생각이\s*바뀌|그때\s*다시|(끝나면|되면|정해지면|확정되면|나오면)\s*(그때\s*)?다시\s*(할|신청|신고|올|연락)|"
                    r"안\s*(해도|내도|하셔도)\s*(될|돼|되|괜찮)|할\s*필요\s*(가\s*)?없|직접\s*(가서|방문\S*)\s*(\S+\s*)?(할|낼|신고할|처리할|납부할|하려|내려|하겠|내겠)|"
                    r"\blater\b(?!\s+(this|in|today|tonight|on|that))|another (time|day)|some other time|"
                    r"\b(pay|do|file|report|finish|handle|sort) (it |them |this |that |the \w+ )?later\b|"
                    r"next time\b|\b(can|will|could) wait (till|until|for|to) (next|another|tomorrow|later|the weekend)|"
                    r"\bpayday\b|\bget paid\b|come back (to (this|it)|later)|changed my mind|change of plans?|"
                    r"no need\b(?!\s+(for|of)\s+(a|an|the|any)\b)|"
                    # not "I already reported it twice and nothing happened, so I'm trying again here"
                    r"already (been )?(reported|filed|sorted|fixed|paid)\b(?![^.?!]*\b(twice|times|again|nothing|but|still|yet)\b)|"
                    r"이미\s*(신고|접수|처리|해결|납부)(했|됐|되었|돼)(?![^.?!]*(는데|지만|그대로|아직|여전히|또|다시|번이나))|(don'?t|do not|won'?t) (need|have) to\b|not necessary\b|hold off\b|"
                    r"\bin person\b|\bmyself\b.*\b(office|centre|center)\b)", re.IGNORECASE)
# "not today, thanks" alone puts it off; "moving tomorrow not today" corrects a date.
_NOT_NOW = re.compile(r"^\s*(no,?\s*)?not (right )?(now|today)\b[\s,.!]*((thanks|thank you|sorry|maybe later)[\s.!]*)?$",
                      re.IGNORECASE)
# "Hold on, let me find it": the citizen needs a moment; nothing is taken, nothing asked again at once.
_WAIT = re.compile(r"^\s*(잠깐만?[요여]?|잠시만?[요여]?|잠깐|잠시|기다려\s*(주세요|봐요|줘)?|hold on|wait( a (sec|second|minute|moment|bit))?|"
                   # "sorry typing on the bus": why the answer is slow, no answer ("bus" is no category)
                   r"(sorry,? |sry,? )?(i'?m )?(typing|texting|writing) (on|from|in) (the|a|my) (bus|train|subway|metro|car|phone)|"
                   r"one (sec|second|moment|minute)|just a (sec|second|moment|minute)|hang on|give me a (sec|second|"
                   r"moment|minute)|(wait,? |sorry,? )?(brb|be right back))\b[\s,.!~]*(([가-힣\s]*(확인|찾아|찾을|볼게|볼께|올게|가져|꺼내)[가-힣\s]*)|"
                   # "sorry one sec someones at the door": the reason, no answer
                   r"((some ?one|somebody|there)'?s? (is )?(at|on) (the )?(door|phone)|(my )?(door ?bell|phone is ringing|kid|baby|boss)\b[^?]*)|"
                   r"(let me|i'?ll|i need to|gotta) (check|find|look|get|grab)[^?]*)?[\s.!~]*$", re.IGNORECASE)
# A wait with its reason ("앗 잠깐 버스 내려야돼요", "hold on, getting off the bus"): a wait even where a description
# is asked, though the reason names a bus.
_WAIT_REASON = re.compile(r"^\s*(앗|아+|어)?\s*(잠깐만?[요여]?|잠시만?[요여]?|hold on|one sec|wait a (sec|second|moment))[\s,.!~]*"
                          # "잠깐만요 버스가 와서 타고 나서 다시 보내겠습니다": the bus, then back
                          r"(\S+\s+){0,3}\S*?(내려야|내릴|타야|타고|받아야|가야|나가야|운전|와서|getting (off|on)|driving|"
                          r"다시\s*(보낼|보내|쓸|할|올))",
                          re.IGNORECASE)
def is_wait(text: str) -> bool:
    """A line that only asks for a moment ("앗 잠깐 버스 내려야돼요", "hold on"), wherever it comes."""
    text = text or ""
    return bool(_WAIT.match(text) or _WAIT.match(_LEAD.sub("", text))) or _waits_for_a_reason(text)


def _waits_for_a_reason(text: str) -> bool:
    # "아 잠깐 주소 틀렸네 주소 다시 할게요" at the summary: the address is wrong, no wait
    return bool(_WAIT_REASON.match(text)) and len(text) < 40 and not _SAYS_WRONG.search(text)


_SAYS_WRONG = re.compile(r"(틀렸|틀려|틀린|잘못|정정|수정|바꿔|바꿀|바꾸|변경|\bwrong\b|\bmistake\b|\bchange\b)", re.IGNORECASE)


# Words that an answer given was wrong ("I gave the wrong building number"), not only that something changes
_WAS_WRONG = re.compile(r"(틀렸|틀려|틀린|잘못|정정|\bwrong\b|\bmistake\b|\bincorrect\b)", re.IGNORECASE)
_WAIT_INSIDE = re.compile(r"(\bhold on\b|\bhang on\b|\bone sec(ond)?\b|\bjust a (sec|second|moment|minute)\b|"
                          r"\bgive me a (sec|second|moment|minute)\b|잠깐만|잠시만|잠만)", re.IGNORECASE)
_WAIT_END = re.compile(r"(\b(one|a|1|just a) (sec|second|moment|min|minute)|잠깐만[요여]?|잠시만[요여]?)\W*$", re.IGNORECASE)
_WAIT_START = re.compile(r"^\s*(잠깐만?[요여]?|잠시만?[요여]?|잠만[요여]?|기다려\s*(주세요|봐요|줘)?|hold on|wait a (sec|second|minute|moment|bit)|"
                         r"one (sec|second|moment|minute)|just a (sec|second|moment|minute)|hang on|"
                         r"give me a (sec|second|moment|minute))\b", re.IGNORECASE)
# A description that ends by saying it is not needed after all ("… 공사하고 있네요 신고 안 해도 되겠어요").
_NO_NEED_END = re.compile(r"(안\s*(해도|하셔도|내도)\s*(될|되겠|돼|되)[가-힣]*|필요\s*없[가-힣]*|no need( to [a-z]+)?|"
                          r"(do\s*n'?t|do not) need to (file|report|do|send) (it|this|anything)|never\s*mind)[\s.!~]*$",
                          re.IGNORECASE)
# Leaving ("bye", "오늘은 여기까지") in the middle of a task stops it: nothing is kept half-done.
LEAVE_INTENTS = {"goodbye"}
STOP_FALLBACK_CONFIDENCE = 0.35
STOP_UNSURE_CONFIDENCE = 0.5
# A message made only of ways to stop ("됐어요 안 할래요", "never mind, cancel it").
# A sigh before the word changes nothing ("ugh stop", "에휴 그만요"): still the whole message is a way to stop.
_SIGH = r"(?:(?:ugh+|argh+|ah+|oh+|meh|uh+|hmm+|okay|ok|아+|어휴|에휴|아이고|에이|하+|휴|걍|그냥|ㅠ+|ㅜ+)[\s,.!~]+)"
_CANCEL = re.compile(rf"^\s*{_SIGH}*({_CANCEL_WORDS}[\s,.!~]*)+$", re.IGNORECASE)
_WHY = re.compile(r"(왜|뭐\s*때문에|어디에\s*쓰|어디\s*(다른\s*)?(데|곳)\s*쓰|why\b|what'?s? .*for\b|what is this|이게\s*뭐|뭔가요|"
                  r"무슨\s*뜻|is (this|it) safe|\bsecure\b|who (can|will) see|\bprivacy\b|개인\s*정보|안전한가요|안전해요\?|"
                  r"안전하나요)", re.IGNORECASE)
# Korean question endings; not a bare -가요, which is also "(we) go" ("둘 다 같이 가요").
_IS_QUESTION = re.compile(r"(\?|나요|까요|[인는은던건]가요|어때요?|뭐예요|뭐에요|언제예요|어디예요|죠)\s*[.~]*\s*$")
# "가상계좌가 머예요 은행가서 돈 넣는건가요 제가 카드를 안써서요": a question, then a remark, with no "?" to end it;
# "결제하면 납부 처리되는 데 얼마나 걸려요? 오늘 안에 처리돼야 하거든요": a question word before a "?" mid-message.
_ASKED_INSIDE = re.compile(r"(뭐|머|뭔)(예요|에요|가요|지요|죠)\?*\s|(거|건)\s*(에요|예요)\s*\?\s*\S|[가-힣]가요\s*\?\s*\S|"
                           r"궁금(합니다|해요|하네요|한데요)|[는은인]\s*건가요\s|(나요|까요|죠|니까|ㄴ가요)\s*\?\s*\S|"
                           r"(얼마나|언제|어떻게|무슨|며칠|몇|어디|왜|\b(how|when|what|why|which|where|is|are|do|does|can|"
                           r"could|will|would)\b)[^?.!]*\?\s*\S")
_SWITCH_CUE = re.compile(r"(그게\s*아니라|말고|아니고|대신|먼저|(그거|이거|그것|이것)보다|더\s*급해|\bmore urgent\b|\bbefore (the|my) (address|move|fine|payment|complaint|status|application)|부터\s*([가-힣]{1,4}\s*)?(할|하고|해야|하려|내야|내고|낼래|낼게|처리|봐야|볼게)|그\s*전에|before that|\bbefore (this|we (do|finish|continue|go on))\b|"
                         r"instead|rather|actually,? i (want|need)|\bi meant to\b|\bwrong button\b|잘못\s*눌렀|"
                         r"\bbefore i (pay|file|report|do|finish|go on|continue)\b|"
                         r"first|before i forget|잊기\s*전에|잊어버리기\s*전에)", re.IGNORECASE)
# Words that say an earlier answer was wrong.
_CUE = re.compile(r"(틀렸|틀려|틀린|잘못|아니라|아니고|말고|정정|수정|바꿔|바꿀|바꾸|변경|다시\s*(말|쓸|쓰|적|할|고를)|고칠|고쳐|"
                  r"실제로는?|사실은|알고\s*보니|생각해\s*보니|라고\s*(했|말했|적었|썼)(는데|지만)|(적고|쓰고|말하고|고치고|바꾸고|추가하고)\s*싶|자세(하게|히)|"
                  r"\bmore detail|\badd (more|something)\b|\bwrite more\b|"
                  r"\bwrong\b|\bnot right\b|\bisn'?t right\b|\bincorrect\b|맞지\s*않|안\s*맞|\bactually\b|\bi meant\b|\bmeant\b|\bcorrection\b|\bchange\b|\binstead\b|\bnot\b(?!\s+(sure|certain)\b)|"
                  r"\bmixed up\b|\bmix-?up\b|헷갈|착각|\bsorry\b|\bwait,? no\b|\bno,? wait\b|\bold (number|phone|address)\b|"
                  r"예전\s*번호|옛날\s*번호|\bfix\b|\bredo\b|\brewrite\b|\bupdate\b|\boops\b|\bmistake\b|\bamend\b|\balter\b|\bmodify\b|\btypo\b|오타)",
                  re.IGNORECASE)

# Words that name an answer of a task. Specific enough that a plain answer to another question rarely names one.
SLOT_WORDS: Mapping[str, re.Pattern] = {
    "phone": re.compile(r"(휴대폰|핸드폰|전화\s*번호|폰\s*번호|연락처|\bphone\b|\bmobile\b|\bcell\b|\bmy number\b|"
                        r"\bwrong number\b)", re.IGNORECASE),
    "birth_date": re.compile(r"(생년월일|생일|태어난|\bbirth|\bborn\b|\bdob\b|\bb-?day\b|\bbirthday\b)", re.IGNORECASE),
    "case_number": re.compile(r"(접수\s*번호|신청\s*번호|\bcase number\b|\bapplication number\b)", re.IGNORECASE),
    "otp_code": re.compile(r"(인증\s*번호|인증\s*코드|\bcode\b|\botp\b)", re.IGNORECASE),
    "fine_ids": re.compile(r"(과태료|범칙금|벌금|고지서|어떤\s*걸\s*낼|낼\s*(거|것|걸)|"
                           # not "it's fine", "that's fine by me"
                           r"(?<!it's )(?<!that's )(?<!its )(?<!thats )(?<!is )(?<!all )(?<!looks )(?<!sounds )"
                           r"(?<!be )(?<!i'm )(?<!im )(?<!was )\bfines?\b(?!\s+(by|with)\s+me\b)|\bwhich (one|ones) to pay\b|"
                           r"\bwhich (ones?|fines?) (i'?m|im|i am|to be) pay|\badd another( one)?\b|\b(remove|drop) one\b|"
                           r"\bpenalt(y|ies)\b)", re.IGNORECASE),
    "payment_method": re.compile(r"((결제|납부|지불|내)(하는|할|는)?\s*방(법|식)|결제\s*수단|어떻게\s*(낼|내|결제)|카드|가상\s*계좌|계좌|"
                                 r"\bmethod\b|\bmet(h)?od\b|\bmeth?d\b|\bcard\b|\baccount\b|\btransfer\b|\bhow (i|to|we|you) pay\b|"
                                 r"\bpay(ing)? by\b|\bpayment (type|option)\b)", re.IGNORECASE),
    "new_address": re.compile(r"(새\s*주소|주소|이사\s*(갈|가는)\s*(곳|집)|\baddress\b|\badd?ress?\b|\bnew place\b|"
                              r"\bwhere (i'?m|i am|we'?re|we are) moving\b)", re.IGNORECASE),
    "effective_date": re.compile(r"(이사\s*날짜|전입\s*날짜|날짜|이사\s*날(?!짜)|이삿날|전입\s*일|이사\s*일|언제\s*이사|\bdate\b|\bday\b|"
                                 r"\bwhen (i|we) move\b|\bmoving day\b|\bmov(e|ing)[- ]in\b)", re.IGNORECASE),
    "member_ids": re.compile(r"(가족|세대원|식구|같이\s*(이사|가는)|함께\s*(이사|가는)|누가\s*(같이|함께)|\bhousehold\b|"
                             r"\bfamily\b|\bmembers?\b|\bwho('?s| is| are|'re)? (moving|coming)\b|\bwho moves\b|"
                             r"\bmoving with\b|\bpeople moving\b|\bwho('?s| is) (on|in|included|going)\b|명단|누구누구|인원)", re.IGNORECASE),
    "complaint_text": re.compile(r"(민원\s*내용|내용|설명|\bdescription\b|\bdetails\b|\bwhat happened\b|"
                                 r"\bwhat i wrote\b)", re.IGNORECASE),
    "complaint_category": re.compile(r"(분류|분야|종류|주제|카테고리|\bcategory\b|\btopic\b|(?<!\bso )(?<!\bbe )(?<!\bvery )\bkind\b(?! of\b)|\btype\b)",
                                     re.IGNORECASE),
    "complaint_place": re.compile(r"(장소|위치|주소|어디서|번지|\bplace\b|\blocation\b|\baddress\b|\bwhere\b|"
                                  r"\bstreet (number|name)\b|\bbuilding number\b)",
                                  re.IGNORECASE),
    "photo_id": re.compile(r"(사진|\bphoto\b|\bpicture\b|\bimage\b|\bpic\b)", re.IGNORECASE),
}
# Where two slots of one form share a word (주소 in a complaint is its place), the form's own slot wins
# because only slots of the active task are considered.

_APOLOGY = re.compile(r"^\s*(sorry|sry|soz|죄송해요|죄송합니다|죄송한데요?)\b[\s,.!~]*", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(아+|앗|어|음+|아니\s*|네\s*|죄송해요|죄송합니다|oh\b|ah\b|um+\b|hmm+\b|no\b|sorry\b|sry\b|soz\b|"
                   r"oops\b|actually\b)[\s,.!~]*",
                   re.IGNORECASE)
_TAIL_KO = re.compile(r"\s*(입니다|이에요|예요|이요|이어요|여요|요|이야|야|라고요|이라고요|으로\s*해\s*주세요|로\s*해\s*주세요"
                      r"|으로요|로요|으로\s*바꿔\s*주세요|로\s*바꿔\s*주세요|으로\s*할게요|로\s*할게요)\s*[.!~]*\s*$")
_LEAD_EN = re.compile(r"^\s*(it'?s|it is|it should be|should be|the (new|right|correct) one is|make it|to|is)\s+",
                      re.IGNORECASE)
_CHANGE_TO = re.compile(r"^\s*((please|pls|plz|can you|could you)\s+)?(change|make|set|update|correct|fix|switch)\s+"
                        r"((it|that|this|the|my)\s+)*(to|into|as)\s+", re.IGNORECASE)
_SPLIT = re.compile(r"[,;:!?]|\s[-–]\s|\.(?!\d)|\bbut\b|\binstead of\b|(?:이|가)?\s*아니라|(?:이|가)?\s*아니고|말고|틀렸어요|틀려요|잘못\s*(?:됐|썼|말했|적었)\w*|(?:이)?라고\s*(?:했|말했|적었|썼|쳤)\w*")


# Said wrong, then right, in one message: "1996-01-07 아 아니 1995-01-07요", "17 Huam-ro no wait sorry 20 Huam-ro",
# "3월 5일 아니 6일". A run of words that take back what came before, with at least one strong one.
# ("the kids wait in the sun" is no "wait, …": the verb with what it waits in or for)
_TAKE_BACK = r"(?:no|nope|wait(?!\s+(?:in|for|at|on|until|till|outside|there|here|around|a|the)\b)|sorry|sry|oops|i\s+mean|i\s+meant|actually|아니|아니다|아니지|아니고|아니라|말고|잠깐만?|정정)"
_FILLER = r"(?:아+|앗|참|아참|음+|um+|uh+|hmm+|so|ugh)"
_SELF_FIX = re.compile(rf"(?<![A-Za-z가-힣])(?:{_FILLER}[\s,.!~]*)*{_TAKE_BACK}(?:[\s,.!~]*(?:{_TAKE_BACK}|{_FILLER}))*(?!\w)"
                       r"[\s,.!~]*(?:(?:it'?s|its|it is|make it|that'?s)\s+)?", re.IGNORECASE)
_BARE_NUMBER_SAID = re.compile(r"\s*(\d+)\s*(일|번지|번|호|th|st|nd|rd)?\s*(이?요|이에요|예요|입니다)?[.!~]*(?P<rest>(\s+\S.*)?)\s*")
# The doubt after the value taken back ("정조로 165였나…"): not part of the value.
_DOUBT_END = re.compile(r"(이?었나|였나|인가|이던가|였던가|인지|이었는지|였는지|였을걸|일걸)[\s….?~]*$")


def said_last(text: str, takes: Callable[[str], bool]) -> Optional[str]:
    """The value said last when a message gives one, takes it back and gives another ("X 아 아니 Y"): Y, or X with
    its last number put right when Y is a bare number ("3월 5일 아니 6일" -> "3월 6일"). None unless both X and what
    replaces it are taken by `takes` (the asked question's parser)."""
    for mark in reversed(list(_SELF_FIX.finditer(text or ""))):
        head, tail = text[:mark.start()].strip(" ,."), text[mark.end():].strip()
        if not head or not tail or not takes(head) or (asks(head) and asks(tail)):
            continue  # ("전입일이 이사한 날짜 말하는거에요? 아님 오늘 신고하는 날이요?": two questions, no value taken back)
        head = _DOUBT_END.sub("", head).strip(" ,.…")
        bare, numbers = _BARE_NUMBER_SAID.fullmatch(tail), list(re.finditer(r"\d+", head))
        if bare and numbers and not _WHOLE_PLACE.search(tail):
            # "정조로 165였나… 아 아니다 167이에요 편의점 앞" -> "정조로 167 편의점 앞"
            patched = (head[:numbers[-1].start()] + bare.group(1) + head[numbers[-1].end():]).strip()
            patched += (" " + bare.group("rest").strip()) if bare.group("rest").strip() else ""
            if takes(patched):
                return patched
        if takes(tail) and not takes(without_rejected(tail)) and takes(head):
            return head  # "today actually, not yesterday": the tail only turns one down
        if takes(tail):
            return tail
    return None


# Agencies a move-in report tells, or telling them oneself: a question about a move names one ("건강보험이랑 자동차
# 등록 주소도 알아서 바뀌는 거 맞죠?", "will my car registration get the new address too?").
AGENCY_QUESTION = re.compile(r"(자동차|차량|건강\s*보험|건보|연금|국세청|세무서|세금|선거|기관|따로\s*(또\s*)?(신고|알려|알리|변경|해야)|"
                             r"직접\s*(신고|알려|알리|변경|해야)|\bcar\b|\bvehicle|\bregistration\b|\binsurance\b|"
                             r"\bpension\b|\btax\b|\belection\b|\bagenc(y|ies)\b|\btell them\b|\bmyself\b)",
                             re.IGNORECASE)


# Questions about the service itself, asked mid-form and answered in place (then the question again): what it
# costs, what to bring, how long it takes, by when it must be done (actions/verification.py picks the answer).
TASK_QUESTIONS: Mapping[str, re.Pattern] = {
    "fee": re.compile(r"(수수료|비용|요금|돈\s*(이|을|도)?\s*(들|드|내야)|무료|공짜|\bfees?\b|\bcost(s)?\b|\bfree\b|"
                      r"(?<!before i )\bpay anything\b|\bextra charge\b)", re.IGNORECASE),
    "documents": re.compile(r"(서류|준비물|구비|계약서|신분증|\bdocuments?\b|\bpaperwork\b|\bpapers\b|\bbring anything\b|"
                            r"\bid card\b)", re.IGNORECASE),
    "duration": re.compile(r"(얼마나\s*(더\s*)?걸|며칠\s*(걸|만에)|언제\s*(쯤\s*)?(처리|반영|완료|끝)|바로\s*(처리|반영)|"
                           r"\bhow long\b|\bhow soon\b|\bwhen will (it|this|that|the payment) (be|go)\b|"
                           r"\b(processed|go through|goes through) (right away|immediately|today)\b)", re.IGNORECASE),
    # "does anyone actually read these or is it just another bot", "이거 누가 읽긴 해요?": who handles it
    "handled": re.compile(r"(누가\s*(읽|보|확인|처리)|(읽|보|확인하)기는?\s*(하|해)|사람이\s*(읽|보|확인|처리)|"
                          r"(담당자|공무원)(가|이)?\s*(읽|보|확인)|"
                          r"\b(does|do|will|would) (anyone|anybody|someone|somebody|a (real )?(person|human)|they|you) "
                          r"(actually |really |even |ever )?(read|see|look at|check|handle|care)\b|"
                          r"\bwho (reads|handles|sees|looks at|deals with|checks)\b|\b(just|only) (another|a) bot\b)",
                          re.IGNORECASE),
    "deadline": re.compile(r"(기한|마감|며칠\s*(안|이내|까지)|언제까지|늦으면|늦게\s*하면|\bdeadline\b|\bby when\b|"
                           # "when is it due?", "what's the due date?", not "I need to pay a fine too, it's due soon"
                           r"\bwhen('?s| is| are| was)?\b[^.?!]*\bdue\b|\bdue date\b|\bdue by\b|"
                           r"\btill when\b|\buntil when\b|\btoo late\b|\bhow many days\b)", re.IGNORECASE),
}


def task_question(text: str) -> Optional[str]:
    """Which of TASK_QUESTIONS the words ask, or None."""
    return next((topic for topic, words in TASK_QUESTIONS.items() if words.search(text or "")), None)


# A late charge asked about while paying ("가산금 붙은거에요?", "is there a late fee on it?").
FINE_LATE = re.compile(r"(가산금|가산세|연체|늦게\s*내|\blate (fee|charge|payment)|\bsurcharge|\bextra charge|\bpenalty for)",
                       re.IGNORECASE)
# Disputing a fine ("이의신청도 할 수 있는 거예요? 좀 억울해서요", "can I appeal this?"), asked while paying it.
FINE_APPEAL = re.compile(r"(이의\s*(신청|제기)|억울|불복|\bappeal|\bdispute\b|\bcontest\b|\bobject to\b|\bunfair\b)",
                         re.IGNORECASE)


# Asking to change an answer ("can I change the date?", "날짜 바꿀 수 있어요?", "카드로 하면 안 돼요?"): a request put as a
# question, not one about what changes ("does this also update my car registration?").
ASKS_TO_CHANGE = re.compile(r"(\b(can|could|may) (i|we|you) (please )?(change|fix|correct|edit|update|redo|amend|alter|modify)\b|"
                            r"\blet me (change|fix|correct|edit|update|redo|amend|alter|modify)\b|"
                            r"바꿀\s*수|바꿔도|바꿔\s*주실|변경\s*(할|해도|가능)|수정\s*(할|해도|가능)|고칠\s*수|고쳐도|"
                            # "can I pay by card instead?", "hmm actually can I do card instead? easier": the other way
                            r"\b(can|could|may) (i|we) (just )?(pay|do|use|go with|switch to|have)\b[^?]*\binstead\b|"
                            r"(으로|로)\s*(하면|해도|바꾸면)\s*(안\s*(돼|될|되)|돼|될|되))", re.IGNORECASE)


def says_change(text: str) -> bool:
    """Words that something should change or was wrong, with or without naming what."""
    return bool(_CUE.search(text or ""))


def _intent_score(ranking: Iterable[Mapping[str, Any]], name: str) -> float:
    return max((float(r.get("confidence") or 0.0) for r in ranking if r.get("name") == name), default=0.0)


# Wondering about a person, then taking it back: "상담원한테 물어보는 게 빠를까요? 아 아니다 여기서 할게요".
_TAKEN_BACK = re.compile(r"(아\s*아니다|아니다|아냐|됐어요|됐다|\bnah\b|\bnever ?mind\b|\bon second thought\b|"
                         r"\bactually no\b|\bno wait\b|\bforget (it|that)\b)", re.IGNORECASE)


def _person_taken_back(text: str) -> bool:
    asked = _PERSON.search(text or "")
    if asked is None:
        return False
    back = _TAKEN_BACK.search(text, asked.end())
    return back is not None and not _PERSON.search(text, back.end())


# Who sees what the citizen gives ("제가 입력한 개인정보는 어느 부서에서 열람하게 되는지요?", "who will be able to see my
# personal details?"): answered where it is asked, then the question again.
PRIVACY_QUESTION = re.compile(r"(개인\s*정보|(제|내)\s*정보(를|는|가)?\s*(누가|어디|어느)|열람|"
                              # "문자로 생년월일을 보내도 괜찮은 겁니까? 누가 중간에 보는 건 아닌지 …"
                              r"(보내도|알려\s*드려도|적어도|입력해도|드려도)\s*(괜찮|안전|되)|누가\s*(중간에\s*)?(보|볼|봐)|"
                              r"\b(who|anyone|anybody)\b[^.?!]{0,30}\b(see|access|read|look at|view|get)\b[^.?!]{0,20}"
                              r"\b(data|details|information|info|number|birth ?date|birthday)\b|"
                              r"\b(personal|private) (data|details|information|info)\b|\bprivacy\b|"
                              r"\bis my (data|information|info|number) (safe|secure|protected|kept|stored|shared)\b|"
                              # "before I give you my number, who gets to see it? is it shared with anyone?"
                              r"\bwho (gets to|can|will|would|could) (see|access|read|view) (it|this|that|them)\b|"
                              r"\b(is|will|would) (it|this|that|they) (be )?(shared|given|passed on|sold) (with|to)\b|"
                              r"\bwhat (do|will) you do with my (data|details|information|info|number)\b|"
                              # "will my card details be kept in this chat or by the city?"
                              r"\b(card|bank|personal|my) (details|data|information|info|number)s? (be |are |is |get )?"
                              r"(kept|stored|saved|shared)\b|카드\s*정보|"
                              # "제가 민원을 넣었다는 사실이나 제 이름이 … 이웃에게 알려지지는 않습니까?"
                              r"(이름|신원|사실)\S*\s*.{0,30}(알려지|공개|노출)|\b(neighbou?rs?|they) (will |would )?(know|find out|learn)\b|(저장|보관)\s*(되|돼|하)\S*\s*(나요|까요|는지|습니까))",
                              re.IGNORECASE)
# Matters of other offices, asked about mid-form ("is this where I check on my income tax refund?", "143번 버스 첫차가
# 몇 시예요?"): said to be elsewhere, then the question again; never a switch to a service of ours.
ELSEWHERE = re.compile(r"(\btax refund|\bincome tax\b|\byear-end tax|연말\s*정산|(세금|소득세)\s*환급|환급금|\bpassports?\b|여권|"
                       # post is Korea Post's: no agency a move-in report tells ("이거 하면 우편물도 새 주소로 가는거죠?")
                       # (not "got a fine notice in the mail, can I pay it here?")
                       r"우편물|택배|\b(my|our) (mail|post)\b|\bmail (will |would |be |get |gets |go |goes |going |to |forward|redirect)|\bparcels?\b|\bpost(al)? (forwarding|redirect\w*)\b|\b(forward|redirect)(ing)? (my )?(mail|post)\b|"
                       r"\bvisa\b|비자|\bbus (timetable|schedule|times)\b|\b(first|last) bus\b|첫차|막차|\btimetable\b|"
                       r"\blibrary (hours|opening)|도서관\s*(운영|여는|문\s*여|시간)|"
                       # certificates are issued elsewhere (정부24, a 주민센터): "등본 뗄 수 있어요?"
                       r"(등본|초본|증명서)\s*(을|를|좀|하나)?\s*(뗄|떼|발급|출력|받)|"
                       r"\bcopy of my (resident registration|family register)|\b(resident registration|residence) "
                       r"(copy|certificate|abstract)\b|\bcertificate of (residence|family relation))", re.IGNORECASE)
# An application of another office's kind is still ours to look up ("where is my passport application at?",
# "여권 신청한거 어디까지 됐어요?": govapi holds passport and certificate applications).
_APPLICATION_ASKED = re.compile(r"(\b(my|the|our) (\w+ ){0,2}application\b|\bapplication (status|number)\b|"
                                r"신청(한|했던|했는데)\s*(거|것|건)?|신청\s*(건|현황|상태|번호)|진행\s*(상황|상태)|어디까지|"
                                r"어떻게\s*(됐|되었|되고|돼)|\bAP-\d)", re.IGNORECASE)


def is_elsewhere(text: str) -> bool:
    """Another office's matter (a passport renewed, a certificate issued, post forwarded), not an application of
    ours looked up."""
    return bool(ELSEWHERE.search(text or "")) and not _APPLICATION_ASKED.search(text or "")


# Asking what was said for an earlier answer: "sorry, what date did I give you?", "잠깐 내가 날짜 뭐라고 했었지?"
RECALL = re.compile(r"(\bwhat (\w+ )?(did|have) i (give|gave|say|said|tell|told|put|enter|type|write)\b|"
                    r"\bwhat did i (say|give|put|tell you|enter)\b|\bwhat (was|is) the (\w+ ){0,2}i (gave|said|put|entered|told|typed)\b|"
                    r"\bremind me (of )?(the|what)\b|"
                    r"(내가|제가)\s*(\S+\s*){0,2}(뭐|뭐라고|뭘로|며칠로|몇\s*일로|어디로|어디라고)\s*(했|말했|말씀|적었|불렀|드렸|그랬|얘기했|썼)|"
                    r"(뭐|뭐라고|어디라고|며칠로|뭘로)\s*(했었|말했었|말씀드렸|적었었|불렀었))", re.IGNORECASE)
RECALLABLE = ("effective_date", "new_address", "complaint_place", "complaint_text")


# Taking a cancel back: "아니다 … 다시 할게요", "scratch that … let's pay it now", "on second thought, let's do it".
_REDO = re.compile(r"(다시\s*(할게|하겠|해\s*주세요|해\s*볼게|할래|진행|시작|신청|접수|신고|낼게|납부)|지금\s*(할게|낼게|하겠|해도\s*된)|"
                   r"\bscratch that\b|\bi changed my mind\b|\bchanged my mind\b|\bon second thought\b|"
                   r"\blet'?s (just )?(pay|do|file|report|finish|go ahead with) (it|that|this|them)( now)?\b|\bstart (it )?again\b|\bdo it (now|after all)\b)",
                   re.IGNORECASE)


def redoes(text: str) -> bool:
    return bool(_REDO.search(text or ""))


# After asking for a person, not wanting one any more: "상담원은 안 불러도 돼요", "never mind the human", or taking
# it back and going on alone ("아 아니에요 그냥 할게요", "nah forget it, I'll just do it myself").
_PERSON_NOT_NEEDED = re.compile(
    r"((상담원|상담사|직원|사람|담당자)(분)?(은|는|도)?\s*(연결\s*)?(안\s*(불러|연결|해|바꿔)\S*\s*(도|돼)|필요\s*없|취소|괜찮)|"
    r"연결\s*(은|는)?\s*안\s*(해|하셔|시켜)\S*\s*(도|돼)|연결\s*(은|는)?\s*(필요\s*없|취소|괜찮)|"
    r"\b(no need for|don'?t need|never ?mind|forget|cancel|scrap)\s+(the |a |an |that )?(real )?(human|agent|person|operator|staff|call)\b|"
    r"\b(no|don'?t) need (for )?(a |an |the )?(human|agent|person|operator)\b)", re.IGNORECASE)
_TAKES_IT_BACK = re.compile(r"(^\W*(아\s*)?(아니에요|아니요|아뇨|아니|아냐|아니다|됐어요|괜찮아요)|\s(아니에요|아니다|됐어요)\b|"
                            # "아 지금 새벽 세시구나 아무도 없겠네요 그냥 번호 넣을게요": nobody there at this hour
                            r"아무도\s*없(겠|을|나|네)|(상담원|사람)(이|은|도)?\s*없(겠|을|나)|"
                            r"\b(no ?one|nobody)('?s| is| will be)? (there|around|available|awake)\b|"
                            # "그렇게 오래걸려요? 그냥 여기서 할게요": the wait is too long
                            r"(그렇게|너무|왜\s*이렇게)\s*오래|오래\s*걸리(면|네|는|나)|기다리기\s*(싫|힘들|귀찮)|"
                            r"\b(too|that|so) long\b|\bcan'?t wait\b|\b(don'?t|do not) (want to|wanna) wait\b|"
                            r"\b(nah|actually no|never ?mind|nvm|forget (it|that)|on second thought|scratch that|"
                            r"no need|it'?s (fine|ok|okay)|no,? (it'?s )?(fine|ok|okay))\b)", re.IGNORECASE)
_GOES_ON_ALONE = re.compile(r"((그냥|제가|혼자|여기서|직접)\s*((계속|마저|이어서)\s*)?(할게|해\s*볼게|해볼게|하겠|할래|진행|해\s*주세요)|"
                            r"그냥\s*(여기(서|다|에)?\s*|제가\s*|직접\s*)?(쓸게|적을게|입력할게|낼게|할게)|"
                            # "아 그냥 제가 고를게요 기다리기 싫어요": the choice the person was to help with
                            r"(그냥|제가|혼자|직접)\s*(고를|골라\s*볼|선택할|정할|찾아\s*볼|찾을)\s*(게|께|래)|"
                            r"\b(i'?ll|i will|let me) (just )?(pick|choose|select) (it|one|myself|the \w+)\b|"
                            r"그냥\s*(제가\s*)?(번호|접수번호|주소|내용|생년월일)(를|을)?\s*(넣을게|입력할게|쓸게|적을게|보낼게|알려\s*드릴게)|(계속|이어서)\s*(할게|해\s*주세요|진행)|"
                            r"\b(do|finish|handle) it myself\b|\b(figure|sort|work) (it|this|that) out\b|\b(i'?ll|i will|let me|i can) (just )?(do|handle|finish|try|carry on|continue|go on|keep going)\b|"
                            r"\bgo ahead\b|\bcarry on\b|\bkeep going\b|\bcontinue( here)?\b)", re.IGNORECASE)


# Said alone while waiting, only the request for a person is there to take back.
_ONLY_TAKES_BACK = re.compile(r"^\W*(아\s*)?(취소(할게요|해\s*주세요|요)?|됐어요|괜찮아요|cancel( it| that)?( please)?|never ?mind|nvm|forget it)\W*$",
                              re.IGNORECASE)


# Going on here instead, which only the request for a person can be taken back by ("그냥 여기서 할게요", "i'll just do
# it here then").
_HERE_INSTEAD = re.compile(r"((그냥|걍)\s*(여기서|여기로|챗봇(으로|이랑|한테)?|혼자|제가)\s*(계속\s*|마저\s*)?(할게|할께|하겠|할래|진행)|"
                           r"\b(i'?ll|i will|let me) (just )?(do|finish|continue|carry on with) (it|this) (here|with you|myself)\b)",
                           re.IGNORECASE)


def person_not_needed(text: str) -> bool:
    """The citizen waiting for a person takes the request back (actions/handoff_waiting.py)."""
    text = text or ""
    if _PERSON_NOT_NEEDED.search(text) or _ONLY_TAKES_BACK.search(text) or _HERE_INSTEAD.search(text):
        return True
    return bool(_TAKES_IT_BACK.search(text) and _GOES_ON_ALONE.search(text))


def wants_person(text: str, intent: Optional[str], confidence: float, ranking: Sequence[Mapping[str, Any]],
                 requested_slot: Optional[str]) -> bool:
    if _person_taken_back(text):
        return False
    if intent == "request_human" and confidence >= PERSON_CONFIDENCE:
        # "who gets to see it? is it shared with anyone?" asks who sees the data (NLU: request_human 0.78), no person
        return not (PRIVACY_QUESTION.search(text or "") and asks(text or "") and not _PERSON.search(text or ""))
    if not _PERSON.search(text or ""):
        return False
    # A complaint may be about staff ("the agent was rude"): there the words need NLU's agreement too, unless they
    # ask for one ("… honestly its a whole saga, can i just talk to an actual person").
    return requested_slot != "complaint_text" or _intent_score(ranking, "request_human") >= 0.2 \
        or bool(_ASKS_PERSON.search(text))


# A stop taken back, in the same message or the next ("아 그냥 취소할게요… 아 아니에요 취소 말고 계속할게요", "ok cancel
# this.. wait no, don't cancel, keep going", "no wait, sorry, don't cancel. I do want to check it").
_CANCEL_WITHDRAWN = re.compile(r"(취소\s*(말고|하지\s*마|안\s*할|는\s*아니|아니)|취소\s*(는\s*)?(안\s*해도|하지\s*않)|"
                               r"\b(don'?t|dont|do not|not) cancel\b|\bkeep going\b|\b(i )?(still|do) want to (do|check|send|file|pay|"
                               r"report|finish|go on|continue)\b|\bcarry on\b|(계속|이어서|마저)\s*(할게|할께|하겠|해\s*주세요|진행))",
                               re.IGNORECASE)


def cancel_withdrawn(text: str) -> bool:
    return bool(_CANCEL_WITHDRAWN.search(text or "")) and not _CANCEL.search(text or "")


def wants_cancel(text: str, intent: Optional[str], confidence: float, requested_slot: Optional[str],
                 ranking: Sequence[Mapping[str, Any]] = (), answers_asked: bool = False) -> bool:
    # "됐어여", "안할래여", "취소할께요": the same endings typed softly or as they sound
    text = _KKE.sub("게", _YEO.sub("요", text or ""))
    if cancel_withdrawn(text):
        return False  # "…아 아니에요 취소 말고 계속할게요": the last word is to go on
    if _CANCEL.search(text) or _CANCEL_PLEASE.search(text):
        return True
    if (_WAIT.match(text) or _WAIT.match(_LEAD.sub("", text))) and not _defers(text, requested_slot):
        # "sry hold on" asks for a moment (NLU: cancel 0.57); nothing stops. "아 잠깐만요 계약서 확인해야 돼서 나중에 다시
        # 할게요" waits, then puts it off: read on
        return False
    if (_WAIT_START.match(text) or _WAIT_START.match(_LEAD.sub("", text))) and _defers(text, requested_slot) \
            and not asks(text):
        return True  # "아 잠시만요 지금 버스와서 타야돼요 이따 집에가서 다시 할게요": a moment, then later, also mid-description
    soft = _NEVER_MIND.match(text)
    if soft and answers_asked and requested_slot not in CONFIRM_SLOTS and re.search(r"\w", text[soft.end():]) \
            and not says_stop(text[soft.end():]):
        return False  # "ok never mind, skip the photo": the doubt just voiced is dropped, the rest answers
    free_text = requested_slot in FREE_TEXT_SLOTS
    is_question = asks(text)
    # An address or a place that names no numbered place is no answer, so a way to stop there stops; a
    # description may mention a cancelled booking.
    no_place = requested_slot in ("new_address", "complaint_place") and not _WHOLE_PLACE.search(text)
    if _STOP.search(text) and (not free_text or intent == "cancel" or no_place or _STOP_END.search(text)):
        return True  # "아 잠깐만요, 그냥 다음에 할게요 취소해주세요"; a description may mention a cancelled booking
    # "사진은 나중에 보낼게요" answers the photo question (no photo now); a date put off stops the task.
    own_words = SLOT_WORDS.get(requested_slot or "") if requested_slot == "photo_id" else None
    # An address question is free text, but a line putting the task off that names no whole address is no address.
    no_address = (requested_slot == "new_address" and not _WHOLE_PLACE.search(text)) \
        or (requested_slot == "complaint_place" and not names_a_place(text))
    if _defers(text, requested_slot) and not _OTHERS_LATER.search(text) \
            and (not free_text or len(text) <= 25 or intent == "cancel" or no_address) \
            and not is_question \
            and not (answers_asked and requested_slot not in CONFIRM_SLOTS and not no_address) \
            and not (own_words and own_words.search(text)) and not _switch_asked(text, intent, confidence):
        # A description may say "다음에 또 이러면"; a short line putting the task off is not one. "Can I do it later?"
        # is a question, "사진은 나중에" is about the asked question, and "I'll pay later, first check my
        # application" is a switch: each is read after this. An answer the question's parser takes is about someone
        # or something else ("저만요, 와이프는 나중에 따로 할 거예요").
        return True
    if _NOT_NOW.match(text) or (free_text and _NO_NEED_END.search(text)):
        return True
    if not free_text and intent in LEAVE_INTENTS and confidence >= CANCEL_CONFIDENCE and not is_yes(text) \
            and not answers_asked:  # "오늘 들어가요" (I move in today) reads as goodbye to NLU: the date answers
        # "that's right now" at a summary reads as goodbye to NLU; it is a yes
        return True
    # At a yes/no summary "아니요" is a change, not a cancel; NLU's cancel must come with a cancel word there. An
    # answer the question's parser takes is not stopped by NLU alone ("지금은 사진이 없으니까 그냥 없이 할게요": cancel 0.98).
    return intent == "cancel" and confidence >= CANCEL_CONFIDENCE and requested_slot not in CONFIRM_SLOTS \
        and not answers_asked


# A soft "never mind" that opens a message: it may drop the question or doubt just voiced, not the task.
_NEVER_MIND = re.compile(r"^\W*((ok(ay)?|oh|ah|um+|hmm+|아+|음+)[\s,.]+)?(never\s*mind|nvm|forget (it|that)|됐어요|됐습니다|아\s*아니다)"
                         r"[\s,.!~]+", re.IGNORECASE)


# Waiting for money puts off a payment only: "ㅋㅋㅋ 아 오늘 월급날이다" at a complaint's photo question is a stray line.
_MONEY_LATER = re.compile(r"(월급|돈\s*(들어오|생기|생겨)|payday|get paid|at the bank|은행)", re.IGNORECASE)
_NO_MONEY_ASKED = frozenset({"complaint_text", "complaint_category", "complaint_place", "photo_id", "complaint_confirm",
                             "new_address", "address_id", "effective_date", "member_ids", "address_confirm"})


def says_stop(text: str) -> bool:
    """Stop words themselves ("취소해주세요", "don't file it"), beyond NLU's cancel or a putting off."""
    text = _YEO.sub("요", text or "")
    return bool(_CANCEL.search(text) or _CANCEL_PLEASE.search(text) or _STOP.search(text))


def _defers(text: str, requested_slot: Optional[str]) -> bool:
    found = _DEFER.search(text)
    if found is None:
        return False
    return requested_slot not in _NO_MONEY_ASKED or not _MONEY_LATER.search(found.group(0)) \
        or _DEFER.search(text[found.end():]) is not None


_NOW_NOT = re.compile(r"(오늘|지금|이번\s*(주|달)|당장)\s*(은|는)?\s*말고|\bnot (today|now)\b", re.IGNORECASE)


# Replies will be slow: a wait, whatever the reason names ("아 지금 버스라 답장 좀 늦을수도 있어요")
_SLOW_REPLY = re.compile(r"((답장|대답|답변|답)\S{0,2}\s*(좀|조금|많이)?\s*늦(을|어|게|는)|"
                         r"\b(my )?(replies|reply|answers?|responses?) (may|might|will|could) be (slow|late|delayed)\b|"
                         r"\bslow to (reply|answer|respond)\b)", re.IGNORECASE)
# "sorry my kid grabbed the phone lol": the phone (the device) was away, no phone number put right
_PHONE_TAKEN = re.compile(r"(\b(kid|son|daughter|baby|toddler|child|children|cat|dog|husband|wife|mom|dad)s?\b[^.?!]*"
                          r"\b(grabbed|took|had|got|was (playing|typing) (with|on))\b[^.?!]*\bphone\b|"
                          r"(애|아이|애기|아기|딸|아들|동생)(가|이)\s*(폰|핸드폰|휴대폰|전화기?)\S*\s*(을|를)?\s*(가져|만져|눌러|뺏어|갖고))",
                          re.IGNORECASE)
# "sorry on the train, signal keeps dropping": where the citizen is and why replies break off, nothing else
_BAD_SIGNAL = r"(the |my )?(signal|reception|connection|wifi|internet) (keeps |is |'s )?(dropping|cutting out|bad|weak|spotty|patchy)"
_ON_THE_MOVE = re.compile(r"^\W*((sorry|sry|oops),?\s*)?((i'?m\s+)?(on|in) (the|a) (bus|train|subway|metro|tube|taxi|car)\b"
                          r"([\s,.!~]*(and |so )?" + _BAD_SIGNAL + r")?|" + _BAD_SIGNAL + r")[\s.!~]*$", re.IGNORECASE)
_TYPING_ON = re.compile(r"^\W*(sorry,? |sry,? )?(i'?m )?(typing|texting|writing) (on|from|in) (the|a|my) (bus|train|subway|metro|car|phone)"
                        r"[\s.!~]*$", re.IGNORECASE)
# Someone else comes later ("가족들은 나중에 올 예정이라 이번에는 저 혼자만 전입합니다"): who moves now, no putting off.
_OTHERS_LATER = re.compile(r"((가족|식구|아내|와이프|남편|애들|아이들|아이|자녀|부모님|엄마|아빠)(들)?\s*(은|는|도)?\s*(\S+\s+){0,2}나중에|"
                           r"\b(my )?(family|wife|husband|kids|children|parents) (will )?(come|join|move)\w* later\b)",
                           re.IGNORECASE)


def puts_off(text: str) -> bool:
    """A message that starts a service only to put it off ("thats all for today, I'll do the streetlight another
    time", "과태료는 다음에 낼게요"): some clause puts something off, no clause asks for a service now, and it is no
    question ("can I do it later?")."""
    text = _NOW_NOT.sub(" ", text or "")  # "과태료는 오늘 말고 다음에 낼게요": a time turned down, no switch
    clauses = [c for c in re.split(r"[,.;!]|\bbut\b|근데|그런데", text) if c.strip()]
    later = [c for c in clauses if _defers(c, None)]
    return bool(later) and not asks(text) and not _SWITCH_CUE.search(text) and not _WANT_NOW.search(text) \
        and all(c in later for c in clauses if services_named(c))


# Wanting it done now: "나중에 이사할 집 주소 변경하려고요" is no putting off.
_WANT_NOW = re.compile(r"(하고\s*싶|하려(고|구)|해야|\bi (really )?(want|need|have) to\b|\bi'?d like to\b)", re.IGNORECASE)


# Some word of stopping, putting off or turning down. NLU's unsure lean to a stop needs one: "그때 그거요 저번에
# 물어봤던거" (cancel 0.63) points at an earlier case and "늘 하던대로요" (cancel 0.43) at a habit; neither stops.
_STOP_HINT = re.compile(r"(안\s*(해|할|하|낼|내|돼)|않|말(래|게|고|아|구)|그만|취소|됐|나중|다음에|담에|이따|필요\s*없|없던|관두|관둘|"
                        r"접을|패스|스톱|멈|중단|포기|싫|ㄴㄴ|아니|아뇨|\b(skip|stop|cancel\w*|quit|later|not|no|nope|nah|never|"
                        r"forget|drop|leave|nvm|bye|enough|done|exit)\b|n'?t\b)", re.IGNORECASE)


def leans_to_stop(text: str, intent: Optional[str], confidence: float, requested_slot: Optional[str],
                  ranking: Sequence[Mapping[str, Any]], answers_asked: bool) -> bool:
    """NLU is unsure, but it leans to a stop, some word says so, nothing answers the question and nothing corrects
    an earlier answer (read after corrections: "sorry, we actually move in on the 15th, not today" leans to cancel
    too)."""
    return (requested_slot not in FREE_TEXT_SLOTS and not asks(text or "") and not answers_asked
            and requested_slot not in CONFIRM_SLOTS and bool(_STOP_HINT.search(text or ""))
            and ((intent == "cancel" and confidence >= STOP_UNSURE_CONFIDENCE)
                 or (intent == "nlu_fallback" and _best_real(ranking) == "cancel"
                     and _intent_score(ranking, "cancel") >= STOP_FALLBACK_CONFIDENCE)))


def _best_real(ranking: Sequence[Mapping[str, Any]]) -> Optional[str]:
    real = [r for r in ranking if r.get("name") != "nlu_fallback"]
    return max(real, key=lambda r: float(r.get("confidence") or 0)).get("name") if real else None


def _switch_asked(text: str, intent: Optional[str], confidence: float) -> bool:
    return intent in SERVICE_INTENTS and confidence >= SWITCH_CONFIDENCE and bool(_SWITCH_CUE.search(text))


# Words that name one service beyond doubt. Used only where a stop comes with "rather/first/instead" words, when
# NLU's stop hides the service asked for next ("nvm that, I'd rather sort out my unpaid fine first": cancel 0.96).
SERVICE_WORDS: Mapping[str, re.Pattern] = {
    "pay_fine": re.compile(r"(과태료|과태로|과테료|범칙금|벌금|딱지|위반\s*스티커|고지서|밀린\s*(거|것|게)[^.?!]{0,12}(낼|내|납부)|\bfines?\b|\bfie?ns?\b|\bfeins?\b|"
                           r"\bpenalt(y|ies)\b|\bticket\b)", re.IGNORECASE),
    "change_address": re.compile(r"((전|젼|쩐)입\s*신고|주소\s*(먼저\s*|부터\s*)?(변경|변결|이전|바꾸|바꿀|바꿔|옮기|옮길)|주소(도|를)?\s*(바꿔야|옮겨야)|이사|\bmov(e|ed|ing)\b|\baddress\b)",
                                 re.IGNORECASE),
    # ("감사합니다. 근데 이사온 동네 관련해서 민원도 하나 넣고 싶은데요": a particle before the verb)
    "file_complaint": re.compile(r"(민원\s*(도|을|를|은|는)?\s*((하나|한\s*건|한\s*개)\s*)?(넣|접수|졉수|신고|제기|요|이요|할|하려|좀)|불편\s*신고|"
                                 # "신고 여기서 되나요?": whether one can report here
                                 r"(?<!전입)(?<!전입 )(?<!젼입)(?<!젼입 )신고\s*(는\s*)?(여기서|여기|이걸로|이거로)\s*(도\s*)?(되나요|돼요|되죠|가능|할\s*수\s*있)|(?<!전입)(?<!전입 )(?<!젼입)(?<!젼입 )신고\s*(할|하려|하고|요|합니다|부터|먼저)|"
                                 r"\bcomplain(t)?\b|\bcompl(ia|ai)nt\b|\breport (a|the|an|this|that|it)\b|"
                                 r"\b(noise|parking|pothole|street ?light|rubbish|trash|graffiti|road) (report|complaint)\b)",
                                 re.IGNORECASE),
    "check_application_status": re.compile(r"(신청\s*(건|현황|상태|한\s*(거|게|것|건))|처리\s*(현황|상황)|진행\s*(상황|현황)|접수\s*번호|"
                                           # "면허 갱신한거 언제 나오는지", "주민센터가서 신청한게 … 어떻게 됐는지"
                                           # "지금 어느 단계까지 처리되었는지 여기서 확인할 수 있는지"
                                           r"어느\s*단계|(처리|진행)\s*(가\s*)?(되었|됐|됬|되고\s*있)는지|"
                                           r"(신청|갱신|발급|접수)\s*(한|했던)\s*(거|게|것|건)[^.?!]{0,24}(어떻게\s*(됐|됬|되었|돼\s*가|되어\s*가)|"
                                           r"언제\s*(나오|나올|나와|처리|돼|될|되는))|"
                                           r"\bapplication\b|\bstatus\b|"
                                           # typed in a hurry: "whats the staus on my aplication"
                                           r"\b(staus|stauts|statsu|satus|aplication|applicaton|appliction|applcation|"
                                           r"aplicaton|applicaiton)\b|"
                                           # a case number: an application, a complaint or a move-in report
                                           r"(?<![A-Za-z0-9])(AP|CP|MV)[\s-]?\d{4}[\s-]?\d{6}(?!\d))", re.IGNORECASE),
}


# Korean names of the services as foreign residents write them in English ("my jeonip singo", "pay my gwatae-ryo",
# "file a minwon about …") or Korean writes the English ones ("컴플레인", "어드레스 체인지"): no NLU reading knows them,
# and they name their service beyond doubt.
LOAN_WORDS: Mapping[str, re.Pattern] = {
    "pay_fine": re.compile(r"(\bgwa[\s-]?tae[\s-]?r(y|i)?o\b|\bbeom[\s-]?chik[\s-]?geum\b|\bbeolgeum\b|파인\s*(내|납부)|"
                           r"과태료\s*페이)", re.IGNORECASE),
    "change_address": re.compile(r"(\bjeon[\s-]?i[pb]([\s-]?s(h)?in[\s-]?go)?\b|\bjun[\s-]?ip[\s-]?s(h)?in[\s-]?go\b|"
                                 r"어드레스\s*체인지|주소\s*체인지)", re.IGNORECASE),
    "file_complaint": re.compile(r"(\b(make|file|submit|put in|lodge|report|do|raise|open) (a |my |this |that |the )?minwon\b|"
                                 r"\bminwon (about|for|on|against|regarding)\b|컴플레인|컴플레인트)", re.IGNORECASE),
}


# The form each service that words can name starts (data/rules/rules_switch.yml does the same for NLU's intents).
SERVICE_FORMS = {"check_application_status": "status_form", "pay_fine": "pay_fine_form",
                 "change_address": "change_address_form", "file_complaint": "file_complaint_form"}
_RATHER_NOT = re.compile(r"(rather not|instead of|not (now|first)|말고|대신)", re.IGNORECASE)


# "이사한 거 신고부터": reporting a move is the move-in report, not a complaint.
_MOVE_REPORT = re.compile(r"(이사|전입)[가-힣]*\s*([가-힣]+\s*)?신고")
_COMPLAINT_WORD = re.compile(r"(민원|complain)", re.IGNORECASE)


def services_named(text: str) -> list:
    """The services the words name beyond doubt, in SERVICE_WORDS order."""
    named = [name for name, words in SERVICE_WORDS.items()
             if words.search(text or "") or (name in LOAN_WORDS and LOAN_WORDS[name].search(text or ""))]
    if "change_address" in named and "file_complaint" in named and _MOVE_REPORT.search(text or "") \
            and not _COMPLAINT_WORD.search(text or ""):
        named.remove("file_complaint")
    return named


_JOINS = re.compile(r"(\band\b|\bthen\b|\balso\b|\bplus\b|,|그리고|하고|이랑|랑|고\s|도\s|다음|및)", re.IGNORECASE)
_FIRST_CUE = re.compile(r"(먼저|부터|\bfirst\b)", re.IGNORECASE)
_ONE_NOT_OTHER = re.compile(r"(말고|대신|instead of|rather than|\bnot (the|my)\b)", re.IGNORECASE)


def two_services(text: str) -> Optional[Tuple[str, str]]:
    """'과태료도 내고 주소도 바꿔야 해요', 'check my application and then pay my fine': the two services one message asks
    for, the one to do first first (the one said with 먼저/first, else the one said first); None for any other message,
    and when one is turned down ("not the fine, my address") or both are put off."""
    named = services_named(text)
    if len(named) != 2 or _ONE_NOT_OTHER.search(text or "") or puts_off(text):
        return None
    spans = {}
    for name in named:
        found = SERVICE_WORDS[name].search(text) or (LOAN_WORDS[name].search(text) if name in LOAN_WORDS else None)
        spans[name] = (found.start(), found.end()) if found else (len(text), len(text))
    ordered = sorted(named, key=lambda name: spans[name][0])
    between = text[spans[ordered[0]][0]:spans[ordered[1]][0]]
    if not _JOINS.search(between):
        return None  # "I'd like to report a move": one thing named in two ways
    marked = [name for name in named if any(_FIRST_CUE.search(text[max(0, m.start() - 12):m.end() + 12])
                                            for m in SERVICE_WORDS[name].finditer(text))]
    if len(marked) == 1 and marked[0] != ordered[0]:
        ordered.reverse()
    return ordered[0], ordered[1]


WANT = re.compile(r"(\bi (really )?(want|need|have) to\b|\bi'?d like to\b|\bi would like to\b|\blet'?s\b|\bcan (we|i|you)\b|"
              r"하고\s*싶|(?<!그만)(?<!취소)할래|(?<!그만)(?<!취소)할게|하려(고|구)|해야\s*(겠|돼|해))", re.IGNORECASE)


def _wanted_instead(text: str, own_services: Iterable[str]) -> Optional[str]:
    """After a way to stop, the one other service the words ask for ("forget the fine, I want to report …")."""
    if not WANT.search(text or "") or _RATHER_NOT.search(text or "") or _DEFER.search(text or ""):
        return None  # "그만할게요 과태료도 이사도 나중에" puts both off
    own = set(own_services)
    named = [name for name in services_named(text) if name not in own]
    return named[0] if len(named) == 1 else None


def about_other_tasks(text: str) -> bool:
    """Words about leaving or ordering tasks ("돈은 월급날 낼게요 그거보다 … 먼저 해주세요"), which describe no problem."""
    return bool(_DEFER.search(text or "") or _SWITCH_CUE.search(text or ""))


_CLAUSE = re.compile(r"[.,;!?]+\s*|\s(?:but|근데|그런데|하지만)\s", re.IGNORECASE)


def this_put_off_for_another(text: str, intent: Optional[str], confidence: float,
                             own_services: Iterable[str]) -> Optional[str]:
    """"actually lets do the address another day, i need to pay my parking fine today …", "그건 나중에 찾아볼게요. 그냥
    과태료 납부나 할게요": one clause puts this task off, another asks for one other service now (NLU hears it too)."""
    clauses = [c for c in _CLAUSE.split(text or "") if c and c.strip()]
    if len(clauses) < 2 or not any(_defers(c, None) for c in clauses):
        return None
    own = set(own_services)
    wanted = {name for c in clauses if not _defers(c, None) and WANT.search(c)
              for name in services_named(c) if name not in own}
    return intent if wanted == {intent} and confidence >= SWITCH_CUED_CONFIDENCE else None


def named_switch(text: str, own_services: Iterable[str]) -> Optional[str]:
    """The one other service the words name, when the message also says "rather", "first" or "instead"."""
    if not _SWITCH_CUE.search(text or ""):
        return None
    if _RATHER_NOT.search(text or ""):
        # "I'd rather not move yet", "이사 말고" name no service wanted; "그거 말고 주소 먼저 바꿀래" turns down "that"
        # and names the one wanted: the words turned down are left out, and what is still named counts
        text = _TURNED_DOWN.sub(" ", text or "")
        if _RATHER_NOT.search(text):
            return None
    own = set(own_services)
    named = [name for name in services_named(text) if name not in own]
    return named[0] if len(named) == 1 else None


_TURNED_DOWN = re.compile(r"\S+\s*(말고|대신에?)(?=\s|$)")


def value_words(text: str, slot: str) -> str:
    """The part of a correction that holds the new value: '아 주소 틀렸어요, 역삼로 12예요' -> '역삼로 12'."""
    if slot in ("payment_method", "complaint_category", "effective_date", "fine_ids", "address_id"):
        # "put it on my card instead of the bank transfer", "오늘 말고 어제 들어왔어요", "앗 1번 말고 2번": the value
        # turned down is no candidate (not for who moves: "my whole family is coming, not only me")
        text = without_rejected(text or "")
    if slot in ("effective_date", "birth_date", "phone"):
        # "the move date should be tomorrow, not today. The movers come Monday": the value said to be right
        should = re.search(r"\bshould (?:be|have been)\s+(.+?)(?=,|\.|;|\bnot\b|$)", text or "", re.IGNORECASE)
        if should and _parses_for(slot, should.group(1)):
            return should.group(1).strip()
    if slot == "complaint_category":
        # "… 길이 망가진 거니까 도로 쪽이 맞겠네요": the category's name, not the reason (which is no description either)
        names = list(re.finditer(_CATEGORY_NAME, text, re.IGNORECASE))
        if names:
            return names[-1].group(0)
    # "my dob is June 3, 1954": the comma inside a date splits nothing
    text = re.sub(r"(\d{1,2}(?:st|nd|rd|th)?),\s*(\d{4})\b", r"\1 \2", text or "")
    parts = [p.strip() for p in _SPLIT.split(text or "") if p and p.strip()]
    if slot == "payment_method":
        # the way is the value itself: the last part naming one ("should I do bank transfer instead? nah, leave it on
        # card. go ahead" -> card), not a reason said after it ("… that's easier for me")
        ways = [part for part in parts if PAYMENT_WAY.search(part)]
        # "actually change it to card, the bank app is down at night": the way changed to, not the one in the reason
        taken = [part for part in ways if _WAY_TAKEN.search(part)]
        return (taken or ways)[-1] if ways else ""
    words = SLOT_WORDS.get(slot)
    candidates = []
    for part in parts:
        cleaned = _LEAD.sub("", part)
        if words:
            cleaned = words.sub("", cleaned, count=1)
        cleaned = re.sub(r"^\s*(the|my|our|its|that)\s+(?=(is|was|should be)\b)", "", cleaned, flags=re.IGNORECASE)
        cleaned = re.sub(r"^\s*(은|는|이|가|을|를|도)(\s+|\s*$)", "", cleaned)  # "이사 날짜가 틀렸어요": no value
        cleaned = re.sub(r"^\s*(is|was|should be)\b", "", cleaned, flags=re.IGNORECASE)
        cleaned = _CHANGE_TO.sub("", cleaned)  # "pls change (the address) to 306 Olympic-ro"
        cleaned = _TAIL_KO.sub("", _LEAD_EN.sub("", cleaned)).strip(" .,:'\"")
        if re.match(r"^(not|no)\b", cleaned, re.IGNORECASE):
            continue  # "…on the 15th, not today": the wrong value, said after the right one
        if cleaned and not _CUE.fullmatch(cleaned) and not re.fullmatch(r"(the|my|your|a|an)", cleaned, re.I):
            candidates.append(cleaned)
    # The value usually comes last ("not X but Y", "X 말고 Y", "wrong phone, it's Y"), unless only an earlier part
    # holds a value of its kind ("the place should be 196 Songpa-daero, I mixed up the numbers").
    valued = [c for c in candidates if _has_value(slot, c)]
    if slot in ("new_address", "complaint_place"):
        # "change the address to 306 Olympic-ro, 190 was my friend's place": the part that says a whole place
        whole = [c for c in valued if _WHOLE_PLACE.search(c)]
        if whole:
            return whole[0] if len(whole) == 1 else whole[-1]
    if slot in ("new_address", "complaint_place"):
        # Words that name no place are never written as one, nor words that say the old one was wrong ("i put the
        # wrong building"): the form asks for the place again instead.
        valued = [c for c in valued if not _CUE.search(c)]
        return valued[-1] if valued else ""
    if valued and not _has_value(slot, candidates[-1]):
        return valued[-1]
    for candidate in reversed(candidates):
        if not _CUE.search(candidate) or _parses_for(slot, candidate) \
                or (slot in ("fine_ids", "address_id") and _CHOICE_SAID.search(candidate)):
            # "2번 낼게요 잘못 눌렀어요": the number chosen, beside the words that the first choice was wrong
            return candidate
    return ""


_WAY_TAKEN = re.compile(r"(\b(to|by|with|use|using)\s+(a\s+|my\s+|the\s+)?(card|bank|virtual|transfer|account)\b|"
                        r"(카드|계좌|이체|입금)\s*(으로|로)\s*(바꿔|바꿀|변경|할게|할래|해\s*주세요|낼게|내고))", re.IGNORECASE)
_CHOICE_SAID = re.compile(r"(\d|\b(first|second|third|fourth|last|other|both|all)\b|첫|두\s*번째|세\s*번째|마지막|다른|둘\s*다|모두|전부)", re.IGNORECASE)


def _parses_for(slot: str, text: str) -> bool:
    if slot == "phone":
        return normalise_phone(text) is not None
    if slot == "birth_date":
        return parse_birth_date(text) is not None
    if slot == "effective_date":
        return parse_date(text, date.today()) is not None
    return False


def _clear_value(reading: Reading) -> bool:
    """A correction that carries a value beyond doubt: a number for a choice, a parsed phone or date, a place."""
    slot, value = reading.slot or "", reading.value or ""
    if slot in CHOICE_SLOTS:
        return bool(re.search(r"\d", value))
    if slot in ("new_address", "complaint_place"):
        # a road and its number ("the street light outside my new place is out" names place words, no place)
        return bool(_WHOLE_PLACE.search(value) or _ROAD_NUMBER.search(value))
    return _has_value(slot, value)


def _has_value(slot: str, value: str) -> bool:
    """Whether the words cut out for `slot` hold a value of its kind."""
    if slot in ("phone", "birth_date", "effective_date"):
        return _parses_for(slot, value)
    if slot in ("new_address", "complaint_place"):
        return names_a_place(value)
    if slot == "payment_method":
        # "can I pay by card instead? that's easier for me": the part naming a way to pay, not the reason after it
        return bool(PAYMENT_WAY.search(value))
    return bool(value.strip())


def _names_kept_way(slot: str, value: str, filled: Mapping[str, Any]) -> bool:
    if slot != "payment_method":
        return False
    account = bool(re.search(r"(계좌|이체|입금|무통장|\baccount\b|\btransfer\b|\bbank\b)", value, re.IGNORECASE))
    return filled.get(slot) == ("virtual_account" if account else "card")


# Words that name a way to pay (card, transfer, ...), whatever is said about it.
PAYMENT_WAY = re.compile(r"(카드|계좌|이체|입금|무통장|링크|\bcard\b|\baccount\b|\btransfer\b|\bbank\b|\bonline\b|"
                         r"\blink\b|\bcredit\b|\bdebit\b)", re.IGNORECASE)


# Words that hold a place word's letters but name no place ("그대로" ends in 로).
_NOT_PLACE = re.compile(r"(?<![가-힣])(그|이|저|제)대로|(?<![가-힣])(따|새|홀|별|스스)로(?![가-힣])|(?<![가-힣])우리(?![가-힣])|(?<![가-힣])도로(?=\s|$|[은는이가를에의쪽])|식구|앞으로|뒤로|그래서|그러니까|시간|구멍|요구|연구|친구|가구")


CHOICE_NUMBER = re.compile(r"(\d{1,2})\s*번|\bnumber\s*\d{1,2}\b|#\s*\d{1,2}\b|\bthe (first|second|third|fourth) one\b|"
                           r"\bthe [1-9](st|nd|rd|th)( one)?\b|(첫|두|세|네)\s*번째",
                            re.IGNORECASE)
_NOTHING = re.compile(r"(?!)")  # matches nothing
CHOICE_SLOTS = ("fine_ids", "address_id", "member_ids", "complaint_category")
MULTI_CHOICE_SLOTS = ("fine_ids", "member_ids")  # lists where "both" / "all of them" / "두 개 다" is an answer
_SEVERAL = re.compile(r"(둘\s*다|(두|세|네)\s*(개|건|명|장)\s*(다|모두|전부)|\bboth\b|\ball (of )?(them|three|four)\b)",
                      re.IGNORECASE)


def _value_type_slot(text: str, filled: Sequence[str], requested_slot: Optional[str]) -> Optional[str]:
    """An unnamed corrected value whose type says which answer it is (a phone number, a date, a choice from the
    list answered last: "아 잘못 골랐어요, 2번이요")."""
    if "phone" in filled and requested_slot != "phone" and normalise_phone(text):
        return "phone"
    if "birth_date" in filled and requested_slot != "birth_date" and parse_birth_date(text):
        return "birth_date"  # "oops wrong yr. 1989-06-26" while the code is asked
    if "case_number" in filled and requested_slot != "case_number" and find_case_number(text):
        return "case_number"  # "번호 잘못 쳤어요 AP-2026-000044 이거예요" while the birth date is asked
    places = [slot for slot in ("complaint_place", "new_address") if slot in filled]
    if places and _WHOLE_PLACE.search(text):
        return places[-1]  # "wait I put the wrong street number, it's 25 Yeoksam-ro"
    if CHOICE_NUMBER.search(text):
        chosen = [slot for slot in filled if slot in CHOICE_SLOTS]
        if chosen:
            return chosen[-1]
    if means_all(text) or _SEVERAL.search(text):
        several = [slot for slot in filled if slot in MULTI_CHOICE_SLOTS]
        if several:
            return several[-1]  # "아 하나만 말고 두개 다 낼래요" at the payment's summary
    if "effective_date" in filled and requested_slot != "effective_date" and parse_date(text, date.today()) is not None:
        return "effective_date"
    if "complaint_category" in filled and requested_slot != "complaint_category" \
            and _CATEGORY_SAID.search(text):  # (a swap, "roads, not waste", is read earlier by correction_of)
        return "complaint_category"  # "아 아니다, 쓰레기가 아니라 … 도로 쪽이 맞겠네요" while the place is asked
    return None


# A complaint category named as one ("도로 쪽", "소음 문제", "roads, not waste"), not a word of a place ("공원 입구").
_CATEGORY_NAME = (r"(도로|가로등|소음|쓰레기|폐기물|주정차|주차|대중교통|공원|녹지|공무원|제안|"
                  r"\broads?\b|\bstreet ?light(s|ing)?\b|\bnoise\b|\bwaste\b|\btrash\b|\brubbish\b|\bparking\b|"
                  r"\b(public )?transport\b|\bparks?\b|\bstaff\b|\bproposal\b)")
_CATEGORY_SAID = re.compile(_CATEGORY_NAME + r"\s*(쪽|분야|분류|문제|관련|민원|카테고리|\b(category|issue|problem|complaint)\b)",
                            re.IGNORECASE)
_CATEGORY_SWAP = re.compile(_CATEGORY_NAME + r"\s*(이|가|은|는)?\s*(아니라|아니고|말고).*" + _CATEGORY_NAME + "|"
                            r"\bnot\s+(the\s+|about\s+)?" + _CATEGORY_NAME + r".*" + _CATEGORY_NAME + "|"
                            + _CATEGORY_NAME + r",?\s+not\s+(the\s+)?" + _CATEGORY_NAME, re.IGNORECASE)


# "325가 아니라 388", "13 말고 23", "not 325 but 388", "388, not 325": the wrong part, then the right one.
_NOT_X_BUT_Y = (
    re.compile(r"^\s*(?:아+|앗|어|음+|아니\s*)?[\s,.]*(?P<x>[^,]+?)\s*(?:이|가)?\s*(?:아니라|아니고|말고)[\s,]*(?P<y>.+?)\s*$"),
    re.compile(r"^\s*(?:oh|oops|sorry|actually|no)?[\s,]*not\s+(?P<x>[^,]+?)[\s,]+(?:but|it'?s|its)\s+(?P<y>.+?)\s*$",
               re.IGNORECASE),
    re.compile(r"^\s*(?:oh|oops|sorry|actually|no)?[\s,]*(?:it'?s\s+)?(?P<y>[^,]+?)[\s,]+not\s+(?P<x>[^,]+?)[\s.!]*$",
               re.IGNORECASE),
)


def _answer_text(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("address") or value.get("text") or ""
    return value if isinstance(value, str) else ""


def replaced_part(text: str, slots: Sequence[str], filled: Mapping[str, Any]) -> Optional[Reading]:
    """"325가 아니라 388" after the place "역삼로 325": the earlier answer that holds the wrong part, with the right
    part put in its place. Only when exactly one earlier answer holds it."""
    clauses = []
    for sentence in re.split(r"(?<=[.!?])\s+", text or ""):  # "oops the building is 25 not 180. 25 Yeoksam-ro"
        parts = sentence.split(",")
        clauses += [",".join(parts[i:]) for i in range(len(parts))]  # "sorry wrong number, it's 38 Mapo-daero not 59"
    for clause, pattern in ((c, p) for c in clauses for p in _NOT_X_BUT_Y):
        match = pattern.match(clause)
        if not match:
            continue
        right = _TAIL_KO.sub("", _NUMBER_IS.sub("", match.group("y"))).strip(" .!'\"")
        right = _ONE_TAIL.sub("", _MEANT_LEAD.sub("", right))  # "sorry I meant the 25 one, not 12": "25"
        if _AUXILIARY_END.search(right):
            continue  # "the fire truck can not use it": a verb said in the negative, nothing taken back
        words = match.group("x").split()
        # "번지를 잘못 봤네요 325가 아니라 388": the wrong part is the shortest ending of what comes before that an
        # earlier answer holds, longest first ("역삼로 325" before "325").
        for wrong in (" ".join(words[i:]).strip(" .'\"") for i in range(len(words))):
            if not wrong or not right or (len(wrong) < 3 and not wrong.isdigit() and wrong.isascii()) \
                    or (len(wrong) < 2 and not wrong.isdigit()):
                continue  # ("it", "a": no answer's part)
            if _BARE_NUMBER.fullmatch(right) and not _BARE_NUMBER.fullmatch(wrong):
                continue  # "강남대로 93 아니고 153이에요": the number changes, the road stays
            found = {s: _find_part(_answer_text(filled.get(s)), wrong) for s in slots}
            holders = [s for s, at in found.items() if at is not None]
            if len(holders) != 1:
                continue
            slot, old, start = holders[0], _answer_text(filled.get(holders[0])), found[holders[0]]
            if slot in ("complaint_place", "new_address") and _WHOLE_PLACE.search(right):
                return Reading(Kind.CORRECTION, slot=slot, value=right)  # "38 Mapo-daero", said whole
            assert start is not None
            return Reading(Kind.CORRECTION, slot=slot, value=old[:start] + right + old[start + len(wrong):])
    return None


_BARE_NUMBER = re.compile(r"\d+(-\d+)?")
# "I meant the 25 one": the words around the right part
_MEANT_LEAD = re.compile(r"^\s*(i\s+)?(meant|mean|wanted|said)\s+(to say\s+)?(the\s+)?(?=\S)", re.IGNORECASE)
_ONE_TAIL = re.compile(r"(?<=\d)\s+(one|building)$", re.IGNORECASE)
# "the building is 25": what the number is of, said before it
_NUMBER_IS = re.compile(r"^\s*(the |my |our )?(building|house|street|road|door|flat|apartment)?\s*(number|no\.?)?\s*"
                        r"(is|was|should be|'s)\s+(?=\d)", re.IGNORECASE)
_AUXILIARY_END = re.compile(r"\b(can|do|does|did|will|would|should|could|is|are|was|were|has|have|had|may|might|must|am)$",
                            re.IGNORECASE)


def _find_part(old: str, wrong: str) -> Optional[int]:
    """Where `wrong` stands in an earlier answer; a number only as a whole number ("3" is not in "325"), a Latin word
    only as a whole word ("it" is not in "submit")."""
    if wrong[-1:].isdigit():
        pattern = r"(?<!\d)" + re.escape(wrong) + r"(?!\d)"
    elif wrong[-1:].isascii() and wrong[-1:].isalpha():
        pattern = r"(?<![A-Za-z])" + re.escape(wrong) + r"(?![A-Za-z])"
    else:
        pattern = re.escape(wrong)
    match = re.search(pattern, old, re.IGNORECASE)
    return match.start() if match else None


# A place said whole: a road name and a number ("38 Mapo-daero", "봉은사로 23").
_WHOLE_PLACE = re.compile(r"(\d+\s*[a-z]+[-\s]?(ro|gil|daero|street|st|road|avenue)\b|[가-힣]+(로|길)\s*\d+|"
                          r"\b[a-z]+-(ro|gil|daero)\s*\d+)", re.IGNORECASE)  # "Yeoksam-ro 25": the Korean order


def _on_old_road(slot: str, value: str, filled: Mapping[str, Any]) -> str:
    """A building number put right alone ("주소 역삼로 12 아니고 180이에요"): on the road of the answer it replaces."""
    if slot not in ("new_address", "complaint_place") or not value or _WHOLE_PLACE.search(value):
        return value
    # (not "101동 1203호예요": a flat within the building, no building number)
    number = re.match(r"\s*(\d+(-\d+)?)(?!\d|\s*(동|호|층)|\s*(floor|fl)\b)", value, re.IGNORECASE)
    old = _answer_text(filled.get(slot))
    numbers = list(re.finditer(r"\d+(-\d+)?", old))
    if number is None or not numbers or not _WHOLE_PLACE.search(old):
        return value
    return old[:numbers[-1].start()] + number.group(1) + old[numbers[-1].end():]


def correction_of(text: str, requested_slot: Optional[str], task_slots: Sequence[str],
                  filled: Mapping[str, Any], answers_asked: bool) -> Optional[Reading]:
    """A correction of an earlier answer of this task, or None.

    `answers_asked`: the asked question's own parser takes the message (then only a clear correction wins).
    """
    found = _correction_of(text, requested_slot, task_slots, filled, answers_asked)
    if found is not None and found.slot and found.value:
        return Reading(found.kind, slot=found.slot, value=_on_old_road(found.slot, found.value, filled),
                       switch_to=found.switch_to)
    return found


def _correction_of(text: str, requested_slot: Optional[str], task_slots: Sequence[str],
                   filled: Mapping[str, Any], answers_asked: bool) -> Optional[Reading]:
    done = [s for s in task_slots if filled.get(s) is not None and s not in CONFIRM_SLOTS and s != requested_slot]
    cue = bool(_CUE.search(text))
    at_summary = requested_slot in CONFIRM_SLOTS
    replaced = replaced_part(text, [s for s in done if s in FREE_TEXT_SLOTS], filled)
    if replaced is not None:
        return replaced
    named = [s for s in done if SLOT_WORDS.get(s) is not None and SLOT_WORDS[s].search(text)]
    if requested_slot and requested_slot in SLOT_WORDS and SLOT_WORDS[requested_slot].search(text) \
            and not at_summary and not cue:
        named = []  # "장소는 역삼로 12예요" at the place question: an answer that names its own question
    if len(named) > 1 and at_summary:
        # "주소는 그대로 두고 날짜만 내일로 바꿔주세요": the one named to change, not the one named to keep
        kept = kept_parts(text, {s: SLOT_WORDS[s] for s in named})
        named = [s for s in named if s not in kept] or named
    if named:
        slot = named[0]
        value = value_words(text, slot)
        if at_summary and keeps_as_is(text) and (not _has_value(slot, without_keep_words(value))
                                                 or _names_kept_way(slot, value, filled)):
            # "음 장소를 더 자세히 써야 하나... 아니에요 그냥 그대로 접수해주세요": musing, then keep; "should I do bank
            # transfer instead? nah, leave it on card. go ahead": the way kept is the one in the summary
            return None
        # Without words that something was wrong, naming an earlier answer corrects it only with a new value in
        # the message ("주소는 역삼로 12예요"); "hang on, my phone is in the other room" changes nothing.
        if cue or at_summary or (not answers_asked and _has_value(slot, value)):
            return Reading(Kind.CORRECTION, slot=slot, value=value)
    if requested_slot == "otp_code" and "phone" in done and normalise_phone(text):
        # A phone number where a six-digit code is asked: the code went to an old number ("예전 번호를 알려드렸어요.
        # 지금 쓰는 번호는 010-…"); a new code goes to this one.
        return Reading(Kind.CORRECTION, slot="phone", value=value_words(text, "phone"))
    places = [slot for slot in ("complaint_place", "new_address") if slot in done]
    # A place said whole in a few words; in more after a place given with no number ("Outside the post office near
    # 12 Teheran-ro" after "It's the pavement")
    short = len(text.split()) <= 5 or (len(text.split()) <= 10 and bool(places)
                                       and not re.search(r"\d", _answer_text(filled.get(places[-1]))))
    if places and not answers_asked and not (at_summary and (is_yes(text) or is_no(text))) \
            and _WHOLE_PLACE.search(text) and short:
        # (at a summary too: "Outside 180 Yeoksam-ro, Gangnam-gu." is the place put right, no yes)
        # "언주로 168 앞 사거리요" while the photo is asked, after a vague place: a place said whole is the place
        return Reading(Kind.CORRECTION, slot=places[-1], value=value_words(text, places[-1]))
    if "complaint_category" in done and requested_slot != "complaint_category" and _CATEGORY_SWAP.search(text):
        # "sorry, I meant noise, not roads" while the place is asked: "roads" may read as a place, the swap is clear
        return Reading(Kind.CORRECTION, slot="complaint_category", value=value_words(text, "complaint_category"))
    if cue and (not answers_asked or at_summary):
        slot = _value_type_slot(text, done, requested_slot)
        if slot:
            return Reading(Kind.CORRECTION, slot=slot, value=value_words(text, slot))
    if cue and answers_asked and not at_summary:
        return _fixed_in_another_sentence(text, done, requested_slot)
    return None


# Sentences of one message: "only me. oh and the move was yesterday actually, not today"
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\s[-–—]\s|\s(?:그리고|근데|그런데)\s")
# Values that never answer another question by mistake (a choice number or a category word might)
_TYPED_FIXES = frozenset({"phone", "birth_date", "case_number", "effective_date", "new_address", "complaint_place"})


def _fixed_in_another_sentence(text: str, done: Sequence[str], requested_slot: Optional[str]) -> Optional[Reading]:
    """An answer to the asked question and, in a later sentence with words that something was wrong, a new value
    of an earlier answer's type: that answer is put right (the form's more_facts then takes the asked answer from
    the other sentence)."""
    sentences = [s.strip() for s in _SENTENCE_BREAK.split(text) if s and s.strip()]
    for at, sentence in enumerate(sentences[1:], start=1):
        if not _CUE.search(sentence):
            continue
        slot = _value_type_slot(sentence, done, requested_slot)
        # A choice number may answer the asked question too: an earlier choice is put right only by a swap ("카드로
        # 할게요. 아 그리고 죄송한데 첫번째 말고 두번째꺼 낼게요") after an answer that holds no number.
        swapped_choice = slot in CHOICE_SLOTS and _CHOICE_SWAP.search(sentence) is not None \
            and not any(CHOICE_NUMBER.search(s) for s in sentences[:at])
        if (slot in _TYPED_FIXES or swapped_choice) and slot != requested_slot:
            return Reading(Kind.CORRECTION, slot=slot, value=value_words(sentence, slot))
    return None


_CHOICE_SWAP = re.compile(r"(말고|아니고|아니라|instead of|not (the )?\w+( one)?,? (but|it'?s)\b)", re.IGNORECASE)


def taken_back(text: str, requested_slot: Optional[str], task_slots: Sequence[str],
               filled: Mapping[str, Any]) -> Optional[Reading]:
    """"no wait tmrw" just after the date was answered (NLU: cancel 0.95): a take-back word first, then a value whose
    type is an earlier answer's (phone, birth date, case number, date) and not the asked question's, corrects that
    answer. Choice numbers and places are left to correction_of: a number may answer the asked question, and a place
    may be put right in part ("테헤란로 210 아니고 12이에요")."""
    lead = _SELF_FIX.match(text or "")
    if lead is None or lead.start() != 0 or _CANCEL.search(text) or _STOP.search(text):
        return None
    rest = text[lead.end():].strip()
    if not rest or requested_slot in ("effective_date", "new_address", "complaint_place"):
        return None
    done = [s for s in ("phone", "birth_date", "case_number", "effective_date")
            if s in task_slots and filled.get(s) is not None and s != requested_slot]
    slot = _value_type_slot(rest, done, requested_slot)
    return Reading(Kind.CORRECTION, slot=slot, value=value_words(rest, slot)) if slot else None


# Questions whose parser takes only a plain answer: one it takes is no request for a person that NLU heard
# ("전입하는 사람은 저 한 명뿐입니다", request_human 0.76, at the household question).
_STRICT_ANSWERS = frozenset({"member_ids", "effective_date", "phone", "birth_date", "otp_code", "case_number"})


# "fine" said as "all right" closing a message ("ugh these chatbots. fine.", "ok fine then"), with nothing of a fine
_GRUDGING_OK = re.compile(r"(^|[.!?]\s*|\b(ok(ay)?|alright|all right|ugh|well|oh|sigh|yeah)[\s,.]+)fine(\s+(then|by me|whatever))?"
                          r"[\s.!~]*$", re.IGNORECASE)
_FINE_MATTER = re.compile(r"(ticket|penalt|parking|speed|camera|pay|owe|notice|과태료|범칙금|고지서|\bfines\b)", re.IGNORECASE)


def fine_means_ok(text: str) -> bool:
    """Whether "fine" in the message only agrees ("ugh these chatbots. fine.") and names no fine to pay."""
    return bool(_GRUDGING_OK.search(text or "")) and not _FINE_MATTER.search(text or "")


def read_message(text: str, intent: Optional[str], confidence: float, ranking: Sequence[Mapping[str, Any]],
                 requested_slot: Optional[str], task_slots: Sequence[str], filled: Mapping[str, Any],
                 own_services: Iterable[str], answers_asked: bool) -> Reading:
    """The one reading of `text` while the form asks `requested_slot`.

    task_slots: this task's slots in order (verification first); filled: slot values now;
    own_services: the service intents that started this form (asking for them again is not a switch);
    answers_asked: whether the asked question's own parser takes the message (for a free-text question: whether
    the message looks like such an answer, e.g. a place names a place).
    """
    text = (text or "").strip()
    if fine_means_ok(text) and (intent == "pay_fine" or (intent == "nlu_fallback" and _best_real(ranking) == "pay_fine")):
        # "ugh these chatbots. fine.": agreement, not the fine service (NLU: pay_fine 0.70, or unsure leaning to it)
        intent, ranking = "affirm", []
    names_answer = requested_slot in CONFIRM_SLOTS and any(
        SLOT_WORDS[s].search(text) for s in task_slots if s in SLOT_WORDS and filled.get(s) is not None)
    if wants_person(text, intent, confidence, ranking, requested_slot) \
            and not ((names_answer or (answers_asked and requested_slot in _STRICT_ANSWERS))
                     and not _PERSON.search(text)):
        # "같이 가는 사람이 빠졌어요" at the summary names who moves: NLU's "person" alone does not win there.
        return Reading(Kind.PERSON)
    if cancel_withdrawn(text) and (says_stop(text) or intent == "cancel"):
        return Reading(Kind.STRAY, value="go_on")  # a stop taken back in the same message: the question again
    later = other_after_this(text, own_services)
    if later is not None:
        # "아 맞다 과태료도 내야되는데… 아 아니다 그건 이따 하고 이사 신고 먼저 마저 할게요": this task first, the other next
        return Reading(Kind.QUESTION, value="queued:" + later)
    instead = this_put_off_for_another(text, intent, confidence, own_services)
    if instead is not None:
        return Reading(Kind.SWITCH, switch_to=instead)
    took_back = taken_back(text, requested_slot, task_slots, filled)
    if took_back is not None:
        return took_back
    if wants_cancel(text, intent, confidence, requested_slot, ranking, answers_asked):
        if intent not in set(own_services) and _switch_asked(text, intent, confidence):
            return Reading(Kind.SWITCH, switch_to=intent)  # "forget it, I need to change my address first"
        other = named_switch(text, own_services) or _wanted_instead(text, own_services)
        if other:
            # "nvm that, I'd rather sort out my unpaid fine first"; "forget the fine for now, i want to report the
            # traffic light at my junction"
            return Reading(Kind.SWITCH, switch_to=other)
        return Reading(Kind.CANCEL)
    if answers_asked and intent == "cancel" and confidence >= 0.5 and named_switch(text, own_services):
        # "actually forget the bins, I need to sort out my address change first": "bins" would answer the category
        # asked, but the words drop it for another service
        return Reading(Kind.SWITCH, switch_to=named_switch(text, own_services))
    bare = _LEAD.sub("", text)  # "sorry one sec, someone at the door"
    if _TYPING_ON.match(text) or _ON_THE_MOVE.match(text) or (_SLOW_REPLY.search(text) and len(text) <= 60) \
            or (_PHONE_TAKEN.search(text) and not re.search(r"\d", text)):
        # "sorry typing on the bus", "아 지금 버스라 답장 좀 늦을수도 있어요": no answer, though "bus" names a category
        return Reading(Kind.STRAY, value="wait")
    if _waits_for_a_reason(text) and named_switch(text, own_services) is None:
        return Reading(Kind.STRAY, value="wait")  # "앗 잠깐 버스 내려야돼요" where the problem is asked
    # "hold on lemme check the building number" names place words but no place: without a number it is a wait
    no_number_place = requested_slot in ("complaint_place", "new_address") \
        and not re.search(r"(?<!\d)\d+(?!\d|\s*(시|분|am\b|pm\b|a\.m|p\.m|o'?clock|min))", text, re.IGNORECASE)  # "10시 회의"
    # ("sorry one sec someones at the door" where the problem is asked: a whole line of waiting, though the lenient
    # description reader would take it)
    waits = (not answers_asked or no_number_place or requested_slot == "complaint_text") \
        and named_switch(text, own_services) is None  # "아 잠깐 그거보다 과태료 먼저 낼게요"
    # A longer line may still end in a wait where no description is asked ("lol my kid just spilled juice all over
    # the keyboard, one sec" at the category question)
    wait_len = 50 if requested_slot in FREE_TEXT_SLOTS else 90
    if (_WAIT.match(text) or _WAIT.match(bare) or (_WAIT_END.search(text) and len(text) < wait_len
                                                     and not re.search(r"\d", text))) and waits:
        return Reading(Kind.STRAY, value="wait")  # "sorry on the bus, one sec": no answer in it, not even a category
    if (_WAIT_START.match(text) or _WAIT_START.match(bare)) and waits and not _CUE.search(bare) and not asks(text) \
            and correction_of(text, requested_slot, task_slots, filled, answers_asked) is None:
        return Reading(Kind.STRAY, value="wait")  # "hang on, my phone is in the other room"
    is_question = asks(text)
    cue = bool(_CUE.search(text))
    # "Sorry, a question first: …?": an apology before a question says nothing was wrong
    apology = _APOLOGY.match(text)
    asked_part = text[:text.rindex("?") + 1] if "?" in text else text  # "…on an android phone? I'm not at a computer"
    question_cue = bool(_CUE.search(_EMPHASIS.sub(" ", asked_part[apology.end():] if apology else asked_part)))
    free_text = requested_slot in FREE_TEXT_SLOTS
    # A question at the address or place question is an answer only if it holds a number ("183 Olympic-ro, right?");
    # "do I need the district or just the street?" names place words but asks how to answer.
    place_asked = requested_slot in ("new_address", "complaint_place") and not re.search(r"\d", text)
    if is_question and _DEFER.search(text) and named_switch(text, own_services):
        # "ok, I'll pay those later. can we finish the address change first?": its "ok" answers nothing
        return Reading(Kind.SWITCH, switch_to=named_switch(text, own_services))
    # "카드 말고는 어떤 방법으로 낼 수 있어요?": a question about the choices, whatever it says is not wanted
    # "what do you mean by category? I just want someone to fix it": a question about the step, whatever follows
    options_asked = is_question and bool(_ASKS_OPTIONS.search(text) or _CLARIFY.search(text))
    if is_question and (not question_cue or options_asked) \
            and (options_asked or not (free_text and answers_asked and not place_asked)) \
            and not (answers_asked and is_yes(text) and not _PUZZLED.match(text)):
        # "네 그거 맞는 거 같은데요?" is a yes put softly; "네? 뭐라고요?" is not.
        # A question is never taken as an answer ("what is a virtual account?" names an option, "which one should I
        # pick?" says "one"); a complaint may be put as a question, but then it names a problem.
        other = named_switch(text, own_services) if task_question(text) is None else None
        if other is None and intent in SERVICE_INTENTS and intent not in set(own_services) \
                and confidence >= SWITCH_CONFIDENCE and intent in services_named(text) and WANT.search(text) \
                and not _DEFER.search(text) and task_question(text) is None:
            # "oh also i got a parking ticket, can i pay that now?" while the photo is asked: asks to do it now
            other = intent
        if other and not answers_asked:
            # "…I've got a fine of my own to pay, can we sort that first?"; not "a question first: how many days do I
            # have to report the move? is there any penalty if I am late?" (this task's deadline, no fine)
            return Reading(Kind.SWITCH, switch_to=other)
        if _UNIT_ASKED.search(text) and filled.get("new_address") is not None:
            # "동호수는 안나오는데 그냥 이거 고르면 되나요?": the flat within the building is not asked (options_new_address)
            return Reading(Kind.QUESTION, value="options", slot="new_address")
        if options_asked and not _WHY.search(text):
            # what the choices mean: options_<slot> where there is one, of the answer it names if another one ("What
            # do you mean by category? I just want someone to come and fix it." where the place is asked)
            about = next((s for s in task_slots if s != requested_slot and s in SLOT_WORDS and filled.get(s) is not None
                          and SLOT_WORDS[s].search(text)), None)
            if about is not None and SLOT_WORDS.get(requested_slot or "", _NOTHING).search(text):
                about = None
            return Reading(Kind.QUESTION, value="options", slot=about)
        return _question(text, intent, confidence, requested_slot)
    correction = correction_of(text, requested_slot, task_slots, filled, answers_asked)
    if correction is not None and correction.slot in FREE_TEXT_SLOTS and not _clear_value(correction) \
            and _WAIT_INSIDE.search(text) and not _SAYS_WRONG.search(text):
        # "oh sorry babe hold on Im doing the address thing right now um": talking to someone else, no change ("아
        # 잠깐만요, 가족들도 다 같이 이사해요" at the summary changes who moves: a choice, not named in passing)
        return Reading(Kind.STRAY, value="wait")
    if correction is not None and is_question and not _clear_value(correction) \
            and not _has_value(correction.slot or "", correction.value or "") and not ASKS_TO_CHANGE.search(text) \
            and not _WAS_WRONG.search(text):
        # "근데 이사날짜가 계약한 날이에요 아니면 실제로 들어온 날이에요?", "do i need to pay my unpaid fines before i can
        # change my address?": a question about an earlier answer, with no new value, changes nothing; answered
        return Reading(Kind.QUESTION, value="options", slot=correction.slot)
    other = named_switch(text, own_services) if not answers_asked else None
    if correction is not None and not (other and not _clear_value(correction)):
        # "forget the fine for now - I never registered my new address, can we do that first" names the fine
        # but asks for the move-in report: the service named with "first" wins over a correction with no value
        return correction
    if other:
        return Reading(Kind.SWITCH, switch_to=other)  # "아 생각해보니 이사한거 신고부터 해야겠네요" (out_of_scope 0.52)
    if leans_to_stop(text, intent, confidence, requested_slot, ranking, answers_asked):
        return Reading(Kind.CANCEL)
    if intent in SERVICE_INTENTS and intent not in set(own_services) \
            and not (is_yes(text) and not _SWITCH_CUE.search(text)):
        # "ㅇㅇ 신고해주세요", "네 신고할게요" in a move-in report is a yes to the report (신고), not a complaint.
        cue = bool(_SWITCH_CUE.search(text))
        # Words that ask for it first or instead make a weaker reading enough ("actually forget that, I need to
        # change my address first": change_address 0.54 beside cancel 0.45).
        needed = SWITCH_CUED_CONFIDENCE if cue else (FREE_TEXT_SWITCH_CONFIDENCE if free_text else SWITCH_CONFIDENCE)
        # A choice question's parser may find a stray number or word in a whole sentence: a clear request for
        # another service with "instead"/"first" words wins over it.
        sure = cue and confidence >= FREE_TEXT_SWITCH_CONFIDENCE
        about_this_step = bool(SLOT_WORDS.get(requested_slot or "", _NOTHING).search(text)) and not cue
        # "Sorry, a question first: how many days do I have to report the move? And is there any fee or penalty if
        # I am a little late?" (pay_fine 0.57): a question about this task's deadline or fee, not another service
        # ("… my fine gets a late fee tomorrow. can I pay it now?" asks to pay, not about this task's fee)
        about_this_task = is_question and task_question(text) is not None and named_switch(text, own_services) is None \
            and not (intent in services_named(text) and WANT.search(text))
        if confidence >= needed and (sure or not (answers_asked and not free_text)) and not about_this_step \
                and not about_this_task:
            # "인증번호가 아직 안" (check_payment 0.61) names the asked code: about this step, not another service
            return Reading(Kind.SWITCH, switch_to=intent)
    if intent == "nlu_fallback" and _maybe_switch(text, ranking, own_services, answers_asked and not free_text):
        # NLU is unsure, but its best guess is another service: the form steps aside and the fallback rule asks
        # "did you mean …?" with a button for that service (actions/handoff.ActionNluFallback).
        return Reading(Kind.ROUTED)
    if free_text:
        reading = _free_text_reading(text, intent, confidence, ranking, answers_asked)
        if reading.kind == Kind.ANSWER and requested_slot == "complaint_place" and not names_a_place(text):
            return Reading(Kind.STRAY)  # "thanks, this is much quicker than phoning" names no place: asked again
        if reading.kind == Kind.ANSWER and requested_slot in ("complaint_place", "new_address") and asks(text) \
                and not _ROAD_NUMBER.search(text):
            # "근데 혹시 143번 버스 첫차가 몇 시인지도 알려주실 수 있어요?": a question with a number in it, no road
            return Reading(Kind.STRAY)
        return reading
    if answers_asked:
        return Reading(Kind.ANSWER)
    if intent in ROUTED_INTENTS and confidence >= ROUTED_CONFIDENCE:
        return Reading(Kind.ROUTED)
    return Reading(Kind.ANSWER)  # the extractor says what it expected (its own "not understood" message)


# The flat within a building ("동호수", "what about my flat number?"): no part of the address the report takes
_UNIT_ASKED = re.compile(r"(동\s*호수|몇\s*동\s*몇\s*호|\b(unit|flat|apartment|apt) (number|no)\b)", re.IGNORECASE)
# "does anyone actually read these?": "actually" stresses a question, it puts nothing right
_EMPHASIS = re.compile(r"\b(do|does|did|will|would|can|could|is|are)\s+(\w+\s+){1,2}(actually|really|even)\b", re.IGNORECASE)


_OWN_FIRST = re.compile(r"(먼저|마저|계속|이어서|\bfirst\b|\bfinish\b|\bcontinue\b|\bback to\b)", re.IGNORECASE)
_LATER_WORD = re.compile(r"(이따|나중|다음에|담에|끝나고|\bcan wait\b|\blater\b|\bafter\b|\bafterwards\b|\bthen\b)", re.IGNORECASE)


def other_after_this(text: str, own_services: Iterable[str]) -> Optional[str]:
    """Another service named to be done after this task, which the message goes on with ("과태료는 이따 하고 이사 신고
    먼저 마저 할게요", "the fine later, let's finish the move first"), or None."""
    own = set(own_services)
    named = services_named(text)
    others = [service for service in named if service not in own]
    mine = [service for service in named if service in own]
    if len(others) != 1 or not mine or not _LATER_WORD.search(text):
        return None
    other_at = SERVICE_WORDS[others[0]].search(text)
    mine_at = [m.start() for m in SERVICE_WORDS[mine[0]].finditer(text)]
    if other_at is None or not mine_at or mine_at[-1] < other_at.start():
        return None
    return others[0] if _OWN_FIRST.search(text[mine_at[-1]:]) else None


def _maybe_switch(text: str, ranking: Sequence[Mapping[str, Any]], own_services: Iterable[str],
                  answered: bool) -> bool:
    real = [r for r in ranking if r.get("name") != "nlu_fallback"]
    if not real or answered:
        return False
    best = max(real, key=lambda r: float(r.get("confidence") or 0))
    return (best.get("name") in SERVICE_INTENTS and best.get("name") not in set(own_services)
            and (float(best.get("confidence") or 0) >= 0.4 or bool(_SWITCH_CUE.search(text))))


_CLARIFY = re.compile(r"(\bwhat do you mean\b|\bdo you mean\b|\bdoes (that|this|it) mean\b|"
                      # "전입일이 이사한 날짜 말하는거에요? 아님 오늘 신고하는 날이요?": which meaning, not an answer
                      r"말하는\s*(거|건|게)\s*(에요|예요|가요|죠|인가요|맞나요)|\bwhat does (that|this|it|[\w-]+) mean\b|\bwhat'?s (a|an|the) [\w-]+\?|"
                      r"무슨\s*(뜻|말)|뭘\s*말하|(이|그|저)게\s*(뭐|무슨)|뜻이\s*뭐|"
                      # "어느정도로 자세하게 써야돼요? 위치도 여기다 같이 써요?": how to answer, asked
                      r"어느\s*정도(로|까지)?\s*(자세|길게|써|적)|얼마나\s*(자세|길게)|(뭐라고|어떻게)\s*(써|적)(야|으면|요)|"
                      r"\bhow (much )?detail(ed)?\b|\bhow (long|much) should i (write|put)\b|\bwhat (should|do) i (write|put|say)\b)",
                      re.IGNORECASE)


def _question(text: str, intent: Optional[str], confidence: float, requested_slot: Optional[str] = None) -> Reading:
    """A question about this step is answered in place ("결제하면 영수증도 받아요?" at the summary is not a request to
    check a payment); it asks for another service only with words that say "instead"."""
    if _WHY.search(text):
        return Reading(Kind.QUESTION, value="why")  # "why do you need my birth date?", "what is this fine?"
    if intent in SERVICE_INTENTS and confidence >= SWITCH_CONFIDENCE and _SWITCH_CUE.search(text) \
            and task_question(text) is None:
        # "can I change my address instead?", "…불법주차 문제로 민원을 넣어야 할 것 같습니다. 그쪽부터 도와주시겠습니까?";
        # "before that, is there a fee for this?" asks about this task and names no other service
        return Reading(Kind.SWITCH, switch_to=intent)
    own_words = SLOT_WORDS.get(requested_slot or "")
    if intent in ROUTED_INTENTS and confidence >= ROUTED_CONFIDENCE and intent != "help" \
            and not (own_words and own_words.search(text)):
        # "what's the difference between card and account?" names the asked question: about this step, however
        # out of scope NLU finds it
        return Reading(Kind.ROUTED)  # off-topic, "are you a bot?": the rules answer, then the question again
    return Reading(Kind.QUESTION)  # about this step: answered in place


# What a place or an address looks like (a number, a road, a landmark, "near ...").
# One-syllable endings (로, 동, 구 …) only at a word's end: "되는구먼", "우리", "하면" name no place.
PLACE_WORDS = re.compile(r"(\d|(?<=[가-힣])(로|길|동|역|구|시|읍|리)(?=$|[\s,.!?~)]|(에서|에|은|는|이|가|을|를|의|쪽|요|이요|입니다|이에요|예요))|"
                         r"구청|시청|주민센터|복지센터|놀이터|병원|도서관|주차장|골목|횡단보도|빌라|상가|편의점|마트|은행|"
                         r"교회|성당|육교|터널|입구|앞|옆|뒤|근처|사거리|교차로|출구|아파트|공원|학교|시장|정류장|"
                         r"\bst\b|street|road|\bro\b|-ro\b|-gil\b|-dong\b|avenue|station|near|corner|in front|park|school|"
                         r"\bhouse\b|\bhome\b|apartment|\bflat\b|building|\bshop\b|\bstore\b|market|bridge|crosswalk|crossing|"
                         r"alley|\bstop\b|playground|hospital|church|library|car park|parking lot|outside|opposite|behind|"
                         r"next to|across from|entrance|\bexit\b|\bgate\b)",
                         re.IGNORECASE)


# A road and its building number, as an address or a place is said ("강남대로 93", "26 Wausan-ro", "12 Main street").
_ROAD_NUMBER = re.compile(r"([가-힣]+(로|길)\s*\d|\b[A-Za-z]+-(ro|gil|daero)\s*\d|"
                          r"\d+(-\d+)?\s*,?\s*[A-Za-z]+(-ro|-gil|-daero|\s+(street|road|st|avenue|ro|gil))\b)",
                          re.IGNORECASE)


def says_whole_place(text: str) -> bool:
    """A road and a building number ("역삼로 12", "12 Yeoksam-ro", "Yeoksam-ro 12")."""
    return bool(_WHOLE_PLACE.search(text or ""))


def names_a_place(text: str) -> bool:
    """Whether the words hold a place ("그대로" ends in 로 but names none)."""
    return bool(PLACE_WORDS.search(_NOT_PLACE.sub(" ", text or "")))
_SMALLTALK = {"greet", "goodbye", "thank", "bot_challenge", "affirm", "deny", "switch_language", "help"}


def _free_text_reading(text: str, intent: Optional[str], confidence: float, ranking: Sequence[Mapping[str, Any]],
                       plausible: bool) -> Reading:
    """A description, an address or a place is taken unless the message is plainly something else: small talk, or
    a line NLU finds out of scope that does not look like such an answer."""
    if not text:
        return Reading(Kind.STRAY)
    if intent in _SMALLTALK and confidence >= ROUTED_CONFIDENCE and (len(text) < 25 or not plausible):
        # "thanks so much, this is way easier than calling the gu office 🙏" names no place
        return Reading(Kind.ROUTED) if intent in ROUTED_INTENTS else Reading(Kind.STRAY)
    if not plausible and intent == "out_of_scope" and confidence >= FREE_TEXT_OOS_CONFIDENCE \
            and _intent_score(ranking, "file_complaint") < 0.2:
        return Reading(Kind.ROUTED)
    return Reading(Kind.ANSWER)


_PUZZLED = re.compile(r"^\s*\S+\s*\?")
_ASKS_OPTIONS = re.compile(r"((어떤|무슨|다른)\s*(방법|종류|분류|선택|옵션|거|것|게|걸)|뭐가\s*있|뭐\s*있|"
                           r"\bwhat (other|else)\b|\bwhich (other )?(options?|ways?|methods?|choices?|categories)\b|"
                           r"\bwhat (are|r) (the )?(other |my )?(options|choices|categories|ways)\b|"
                           r"\bother (options|ways|methods|choices|categories)\b|"
                           # "이거 소음으로 넣는거 맞나요? 교통쪽 아니에요?": which kind it is, asked
                           r"(으로|로)\s*(넣는|하는|접수하는|신고하는)\s*(거|게|건)\s*(맞|아니)|쪽\s*(아니에요|아닌가요|인가요)|"
                           r"\bshould (it|this|that) be (a |an |under )?\w+|"
                           # "what kind of thing I can complain?", "not sure which category this is, rubbish or roads?",
                           # "which date is this exactly, the day I moved in or today?"
                           r"\bwhat (kind|kinds|sort|sorts|type|types) of (things?|problems?|complaints?|issues?|stuff)\b|"
                           r"\bwhat (can|could) (i|we) (complain|report|file)\b|\b(not sure|unsure|don'?t know) which\b|"
                           r"\bwhich (category|kind|type|date|day|one|address)\b[^?]*\bor\b[^?]*\?|"
                           r"\bdoes it matter (if|which)\b|"
                           r"(어떤|무슨)\s*(거|것|게|민원|문제)(를|을|도)?\s*(신고|접수|넣|할)\s*수|"
                           r"(뭘로|무엇으로|뭐로|어느\s*걸로)\s*(골라|선택|해야|하면)|[가-힣]+(이에요|예요|에요)\s+[가-힣]+(이에요|예요|에요)\?|"
                           # "what is the difference between a complaint and a proposal? which one is mine?"
                           r"\bdiff(erence)? between\b|\bwhat'?s the difference\b|\bwhich (one|kind|category|type) (is|am|should|would|do)\b|"
                           r"차이(가|점)?\s*(가\s*)?(뭐|뭔|있)|(뭘|어떤\s*걸|어느\s*(거|걸))\s*(골라|선택|고르|해야)|어느\s*(쪽|거)(예요|에요|인가요|죠))",
                           re.IGNORECASE)
def asks_about_options(text: str) -> bool:
    """'what are the options?', '어떤 종류가 있어요?': the choices asked about, not made."""
    return bool(_ASKS_OPTIONS.search(text or "") or _CLARIFY.search(text or ""))


_EN_QUESTION = re.compile(r"^\s*(what|whats|what's|how|hows|how's|when|who|why|can|could|would|do|does|did|is|are|will|should|"
                          r"may(?!\s*(the\s*)?\d))\b", re.IGNORECASE)  # "May 21, 1986" is a date


def asks(text: str) -> bool:
    """A question by its ending or its first word (after a filler: "wait um do I have to give like an exact
    address…", dictated), or a "why/what for" asked before a remark ("근데 1번은 뭐 때문에 나온 거예요? 거기 주차한 적이
    없는데", "whats the second one for?? never got any letter about it")."""
    return bool(_IS_QUESTION.search(text) or _EN_QUESTION.search(text) or _EN_QUESTION.search(_FILLERS.sub("", text))
                or ("?" in text and _WHY.search(text)) or _ASKED_INSIDE.search(text))


_FILLERS = re.compile(r"^\s*((wait|um+|uh+|er+m*|hmm+|so|ok(ay)?|oh|well|sorry|like|and|but|also|actually|hey)\b[\s,.]*)+",
                      re.IGNORECASE)


# Going back to a task left for another one ("네 확인했어요. 아까 하던 민원 이어서 할게요", "ok, back to my complaint").
_RESUME = re.compile(r"(이어서|마저|계속\s*(할|하|진행)|아까\s*하던|하던\s*(거|것|민원|신고|결제)|back to (my|the)|"
                     # the other of two things asked for at once ("이제 과태료요", "ok now the fine", "아까 말한 주소 변경도요")
                     r"이제\s*(그\s*)?(과태료|범칙금|민원|신고|전입|이사|주소|결제|가로등)|아까\s*말(한|씀\s*드린)|"
                     r"\b(ok |okay |and )?now (the|my|for the|for my|on to the)\b|"
                     r"아까\s*(그\s*)?(과태료|범칙금|민원|신고|전입|이사|주소|결제)|"
                     r"\b(the|that|my) (fines?|complaint|move|address change|payment) from (before|earlier)\b|"
                     r"\bcontinue\b|\bcarry on\b|\bresume\b|\bpick up where\b|\bfinish\b)", re.IGNORECASE)


def _gone_back_to(words: str) -> Optional[set]:
    """The services a message that goes back to a task names (maybe none), or None when it goes back to nothing."""
    if not _RESUME.search(words or ""):
        return None
    named = set(services_named(words))
    if _COMPLAINT_WORD.search(words or ""):
        named.add("file_complaint")
    return named


# Going back said outright ("back to the …", "아까 하던 …"): enough, from inside another task, to leave it for the one
# left before; "continue"/"finish" alone there may answer the question asked ("yes, continue").
GOES_BACK = re.compile(r"(\bback to\b|\bgo back\b|아까\s*하던|하던\s*(거|것|민원|신고|결제|전입))", re.IGNORECASE)


def resumed_service(words: str) -> Optional[str]:
    """The one service a message goes back to, or None."""
    named = _gone_back_to(words)
    return named.pop() if named and len(named) == 1 else None


def resumes_task(words: str, service: str) -> bool:
    """Whether the message goes back to a task of `service` ("back to it", "아까 하던 민원 이어서"): words that say
    so, naming that service or none."""
    named = _gone_back_to(words)
    return named is not None and (not named or named == {service})
