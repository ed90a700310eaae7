"""Small parsers for what a citizen types inside a form: phone, birth date, code, choices, yes/no, numbers."""
from __future__ import annotations

import re
from datetime import date
from typing import List, Optional, Sequence

from actions.dates import _EN_MONTHS, _safe
from actions.korean_numbers import sino_numbers

_PHONE = re.compile(r"(\+?82[\s-]?1[0-9]|01[0-9])[\s-]?(\d{3,4})[\s-]?(\d{4})")
_OTP = re.compile(r"(?<!\d)(\d{6})(?!\d)")
# Not \b: a Korean particle right after the number ("AP-2026-000002는요?") is a word character too.
_CASE = re.compile(r"(?<![A-Za-z0-9])(AP|CP|MV|FN|PY|RC)[\s-]?(\d{4})[\s-]?(\d{6})(?!\d)", re.IGNORECASE)
_BIRTH_ISO = re.compile(r"((?:19|20)\d{2})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")
_BIRTH_8 = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_BIRTH_6 = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)")
_BIRTH_EN = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+((?:19|20)\d{2})|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})")

# Back from a wait before the yes ("찾았어요 네 결제할게요", "found it, yes go ahead").
_BACK = r"((찾았|돌아왔)(어요|습니다|다)|found it|got it|(ok |okay )?i'?m back)[\s,.!~]+"
_YES = re.compile(r"^\s*(" + _BACK + r")?(네|예|응|넵|넹|옙|웅|ㅇㅇ|ㅇㅋ|ㄱㄱ+|고고|((접수|신고|진행|결제|납부|제출)\s*)(ㄱㄱ+|고고)|좋아요?|맞아요?|맞습니다|그래요?|확인|yes|yep|yup|yeah|yea|y|ok|okay|sure|"
                  r"correct|confirm|that'?s (right|correct|fine|good|it)|(looks|sounds|all) (good|right|fine)|go ahead|"
                  r"perfect|(접수|신고|진행|결제|납부|제출|처리)\s*(해|하)\s*(주세요|줘|주십시오|요|할게요|할께요)|"
                  r"(please )?(file|submit|send|pay|do) it|fine(?=[\s.!~]*$|,?\s+(then|go on|go ahead)\b))\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(아니(요|오)?|아뇨|no|nope|n|wrong|틀려요?|취소)\b", re.IGNORECASE)
# "all", not "cereal all over the floor", "all day", "not at all", "all good": words where "all" picks nothing.
_ALL_WORD = r"(?<!\bat )\ball\b(?!\s+(over|day|night|week|morning|evening|along|around|good|set|right|done|ready|the time)\b)"
_ALL = re.compile(r"(전부|모두|다\s*(내|낼|선택)|전체|둘\s*다|(두|세|네)\s*(개|건|장)\s*(다|모두|전부)|^\s*(그냥\s*)?다\s*(요|이요|해\s*주세요|할게요)?[\s.!~]*$|" + _ALL_WORD + r"|\bboth\b|\bevery)",
                  re.IGNORECASE)  # "다" alone, "다요": all of them
_NONE = re.compile(r"(^\s*((it'?s |i'?m )?(just|only) (moving )?(me|myself)|(me|myself)( only| alone)?|only moving myself|"
                   r"저요|나요|저\s*혼자요?)[\s.!]*$|없(어|음|습니다|이)|\bno (pics?|photos?|pictures?|images?)\b|\bwithout (a |any |the )?(pics?|photos?|pictures?|images?)\b|\b(won'?t|will not|not going to) (send|upload|attach)\b.{0,12}\b(pics?|photos?|pictures?|images?)\b|혼자|나만|저만|본인만|\bnone\b|\bnobody\b|\bno one\b|\bjust me\b|\bonly me\b|\balone\b|\bskip\b|건너뛰|생략)", re.IGNORECASE)
_RESEND = re.compile(r"(다시\s*(보내|전송)|재전송|재발송|안\s*(왔|와|옴)|아직\s*(안|없)[\s.~]*$|resend|send (it )?again|new code|didn'?t (get|receive))", re.IGNORECASE)
_KO_ORDINALS = {"첫": 1, "첫번째": 1, "두번째": 2, "세번째": 3, "네번째": 4, "다섯번째": 5, "하나": 1, "둘": 2, "셋": 3, "넷": 4}
_ORDINAL_PHRASE = re.compile(r"\b(the|number)\s+(first|second|third|fourth|fifth|one|two|three|four|five)\b(\s+one)?|"
                             r"(첫|두|세|네|다섯)\s*번째", re.IGNORECASE)
_EN_ORDINALS = {"first": 1, "one": 1, "second": 2, "two": 2, "third": 3, "three": 3, "fourth": 4, "four": 4,
                "fifth": 5, "five": 5}


def normalise_phone(text: str) -> Optional[str]:
    """'010-1234-5678', '+82 10 1234 5678' -> '+821012345678'; None when no Korean mobile number is there."""
    if not text:
        return None
    match = _PHONE.search(text.replace("(", "").replace(")", ""))
    if not match:
        return None
    prefix = re.sub(r"\D", "", match.group(1))
    prefix = prefix[2:] if prefix.startswith("82") else prefix[1:]
    return f"+82{prefix}{match.group(2)}{match.group(3)}"


def phone_from_sender(sender_id: str) -> Optional[str]:
    """SMS conversations are `sms:<E.164>`: the sender is the phone."""
    if sender_id and sender_id.startswith("sms:"):
        return normalise_phone(sender_id[4:])
    return None


def parse_birth_date(text: str) -> Optional[date]:
    if not text:
        return None
    low = text.strip().lower()
    for pattern in (_BIRTH_ISO, _BIRTH_8):
        match = pattern.search(low)
        if match:
            return _plausible(_safe(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    match = _BIRTH_EN.search(low)
    if match:
        if match.group(1):
            day, month, year = match.group(1), match.group(2), match.group(3)
        else:
            month, day, year = match.group(4), match.group(5), match.group(6)
        if month in _EN_MONTHS:
            return _plausible(_safe(int(year), _EN_MONTHS[month], int(day)))
    match = _BIRTH_6.search(low)
    if match:  # YYMMDD as on a resident registration number: 00-29 -> 2000s
        yy = int(match.group(1))
        return _plausible(_safe((2000 if yy < 30 else 1900) + yy, int(match.group(2)), int(match.group(3))))
    return None


def _plausible(value: Optional[date]) -> Optional[date]:
    if value is None or value.year < 1900 or value > date.today():
        return None
    return value


def parse_otp(text: str) -> Optional[str]:
    match = _OTP.search(re.sub(r"(?<=\d)[\s-](?=\d)", "", text or ""))
    return match.group(1) if match else None


def find_case_number(text: str) -> Optional[str]:
    match = _CASE.search(text or "")
    if not match:
        return None
    return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"


def wants_resend(text: str) -> bool:
    return bool(_RESEND.search(text or ""))


# Going ahead unchanged after saying something was wrong ("그대로 진행", "keep as is", "no changes, go ahead").
# "그대로" that tells how something stayed ("몇 달 그대로던데", "그대로였어요") keeps nothing.
_KEEP = re.compile(r"((그|이)대로(?!\s*(던데|더라|였|이었|인데|라서|있|방치|두고\s*있))|원래\s*대로|as it was|as before|how it was|the way it was|바꿀\s*(거|게|것)\s*없|수정\s*(안|없)|keep (it )?as (it )?is|as it is|as they (are|were)|no changes?\b|"
                   r"nothing to change|leave it(?!\s+(for|till|until|there|at that))|go ahead|진행해|\bkeep (it|that|them)\b(?!\s+(short|simple|up|going))|"
                   r"\bwas (right|correct|fine)\b|"
                   r"(원래|아까|처음)\s*(게|것|거|대로)\s*맞|맞았어요)", re.IGNORECASE)


# "이대로는 안돼요", "그대로 접수하면 안돼요", "don't send it as it is": keeping it, denied.
_NEGATED = re.compile(r"(안\s*(돼|되|됩|해|할|하|낼)|않|말아|마세요|마요|하지\s*마|\bnot\b|n'?t\b|\bno\b(?!\s+changes?\b)|아니|아뇨|ㄴㄴ)",
                      re.IGNORECASE)


# An alternative named only to be turned down: "card not bank transfer", "instead of the account", "카드 말고".
_REJECTED = re.compile(r"(\b(not|instead of|rather than|scratch|forget|drop|no more)\s+(just\s+|only\s+)?(by\s+|the\s+|a\s+)?[a-z]+"
                       r"([\s-]+(transfer|account|card|payment|link|one|ones))?\b|"
                       r"[가-힣a-zA-Z0-9]+\s*(말고|아니라|아니고|대신에?)(?=\s|$))", re.IGNORECASE)


def without_rejected(text: str) -> str:
    """The message without the alternatives it turns down (what is left names the one wanted)."""
    return _REJECTED.sub(" ", text or "")


def negated(text: str) -> bool:
    return bool(_NEGATED.search(text or ""))


_CHANGE = re.compile(r"(바꿔|바꾸|바꿀|변경|수정|고쳐|고치|틀렸|틀려|\bchange|\bfix\b|\bwrong\b|\bupdate\b|\bcorrect (it|the)\b)",
                     re.IGNORECASE)
_CLAUSES = re.compile(r"(?:[.,!?~…;]+|\s(?:but|그런데|근데|하지만)\s)")
_INTERJECTION = re.compile(r"^\s*((아니(요|에요|오)?|아뇨|no|nope|ㄴㄴ|음+|흠+|아+|oh|well|hmm+|wait|잠깐(만요)?)[\s,.!]*)+",
                           re.IGNORECASE)


def without_keep_words(text: str) -> str:
    """The words left beside "keep it as it is" (a value said with them is a value)."""
    return _KEEP.sub(" ", text or "").strip(" ,.!~")


# Keeping one named answer ("keep the address", "주소는 놔두고"): the keep words, and plain "keep"/"leave" beside a name.
_KEEP_PART = re.compile(_KEEP.pattern + r"|\bkeep\b|\bleave\b|놔\s*두|두고|\bok(ay)?\b|\bfine\b|\bsame\b|\bright\b|"
                                       r"\bcorrect\b|맞(고|아|는데|습니다)|괜찮", re.IGNORECASE)
# "주소랑 식구는 그대로": a name joined to the next one by "and" shares its keeping
_JOINED = re.compile(r"(랑|이랑|하고|와|과|\band\b|&|,)\s*$", re.IGNORECASE)


def kept_parts(text: str, words: dict) -> set:
    """Which of the named answers the words keep ("주소는 그대로 두고 날짜만 내일로", "keep the address but change the
    date"): each clause is cut where an answer is named (words before the first name go with it)."""
    kept = set()
    for clause in _CLAUSES.split(text or ""):
        if not clause or not clause.strip():
            continue
        found = sorted((m.start(), m.end(), name) for name, pattern in words.items() if (m := pattern.search(clause)))
        keeps_next = False
        for i in range(len(found) - 1, -1, -1):  # from the end: "A랑 B는 그대로" keeps A when B is kept
            start, end, name = found[i]
            part = clause[0 if i == 0 else start:found[i + 1][0] if i + 1 < len(found) else len(clause)]
            own = part[end - start if i else end:]
            keeps = bool(_KEEP_PART.search(part)) and not _CHANGE.search(_KEEP_PART.sub("", part))
            if not keeps and keeps_next and _JOINED.search(part) and not _CHANGE.search(own):
                keeps = True
            if keeps:
                kept.add(name)
            keeps_next = keeps
    return kept


def keeps_as_is(text: str) -> bool:
    """Going ahead unchanged, judged on the last clause that says so: "음 장소를 더 자세히 써야 하나... 아니에요 그냥
    그대로 접수해주세요" keeps; "아뇨 이대로는 안돼요" and "don't send it as it is" do not. A leading "no" only answers
    the musing before it."""
    clauses = [c for c in _CLAUSES.split(text or "") if c and c.strip()]
    keeping = [i for i, c in enumerate(clauses) if _KEEP.search(c)]
    if not keeping:
        return False
    last = keeping[-1]
    if any(_CHANGE.search(_KEEP.sub("", c)) for c in clauses[last:]):
        return False  # "주소는 그대로 두고 날짜는 바꿔주세요", "keep the address but change the date": a change
    return not negated(_INTERJECTION.sub("", clauses[last]))


# "ㅇㅋ결제", "ㅇㅇ진행": a jamo yes typed straight onto the next word (no word boundary between them).
_YES_JAMO = re.compile(r"^\s*(ㅇㅇ|ㅇㅋ)+(?=[가-힣\s.!~]|$)")


def is_yes(text: str) -> bool:
    return bool(_YES.search(text or "") or _YES_JAMO.search(text or ""))


def is_no(text: str) -> bool:
    return bool(_NO.search(text or ""))


# "not everyone is coming", "다는 아니고": all, denied.
NOT_ALL = re.compile(r"(\bnot (all|every|both)|\b(don|doesn|didn|isn|aren|won|can|wasn|weren)'?t (all|every|both)|(다|모두|전부|둘\s*다)(는|가)\s*(아니|안\s*(가|와|해|내))|"
                     r"다\s*(같이\s*)?(는\s*)?안\s*가|전부\s*는?\s*아니|"
                     r"(둘\s*다|전부|모두|(두|세|네)\s*(개|건|장)\s*다)\s*(는\s*)?(말고|아니고|아니라|빼고))", re.IGNORECASE)


def means_all(text: str) -> bool:
    return bool(_ALL.search(text or "")) and not NOT_ALL.search(text or "")


def means_none(text: str) -> bool:
    return bool(_NONE.search(text or ""))


# A place in the list shown: the top or the bottom line.
_TOP = re.compile(r"(맨\s*(위|처음|앞)|제일\s*(위|처음|앞)|가장\s*위|\bthe top( one)?\b|\btop one\b|\bfirst on the list\b)",
                  re.IGNORECASE)
_BOTTOM = re.compile(r"(맨\s*(아래|밑|끝|마지막)|제일\s*(아래|밑|끝|마지막)|\bthe bottom( one)?\b|\bbottom one\b|"
                     r"\bthe last one\b|\blast on the list\b)", re.IGNORECASE)


# A number with a unit is a quantity, not a choice: "배터리 10프로 남았네" at the category question is no "10. 기타".
_CHOICE_NUMBER = re.compile(r"(?<![\d-])(\d{1,2})(?![\d-]|\s*(?:프로|퍼센트|%|시|분|초|원|살|세|개월|명|층|일|월|년|주일|시간|"
                            r"percent|o'?clock|am\b|pm\b|mins?\b|minutes?\b|hours?\b|hrs?\b|days?\b|weeks?\b|"
                            r"months?\b|years?\b|yrs?\b|won\b|floor))", re.IGNORECASE)


_BOTH_ONLY = re.compile(r"(둘\s*다|두\s*(개|건|장)\s*(다|모두|전부)|\bboth\b)", re.IGNORECASE)
_EVERY = re.compile(r"(전부|모두|전체|\ball\b|\bevery)", re.IGNORECASE)
CHOICE_NUMBERS = re.compile(r"\d")


def parse_choices(text: str, count: int) -> Optional[List[int]]:
    """Numbers (1-based) chosen from a list of `count`: '1', '1, 3', '2번', 'the second one', '전부'.

    Returns 0-based indexes, or None when the text chooses nothing valid.
    """
    if count <= 0 or not text:
        return None
    text = sino_numbers(text)  # "일 번이요"
    if means_all(text) and (count == 2 or not _BOTH_ONLY.search(text) or _EVERY.search(text)):
        return list(range(count))
    if _BOTH_ONLY.search(text) and count != 2 and not CHOICE_NUMBERS.search(text):
        return None  # "both" of three is no choice (and 둘 is no "second"): which two is asked
    if _TOP.search(text):
        return [0]  # "맨 위에 있는 거요", "the top one"
    if _BOTTOM.search(text):
        return [count - 1]  # "맨 아래 거", "the last one"
    picked: List[int] = []
    for number in _CHOICE_NUMBER.findall(text):
        index = int(number) - 1
        if 0 <= index < count and index not in picked:
            picked.append(index)
    if not picked and (len(text.split()) <= 4 or _ORDINAL_PHRASE.search(text)):
        # Ordinal words only in a short reply ("the second", "둘째요") or a clear "the first one": in a longer
        # sentence "first" or "one" is rarely a choice ("I need to change my address first").
        low = text.lower().replace(" ", "") if re.search(r"[가-힣]", text) else text.lower()
        low = re.sub(r"\b(another|that|this|which|any|some|other|every|no) one\b", " ", low)  # no choice
        # "the usual one", "the parking one": "one" after a word other than an ordinal stands for a thing, no number
        low = re.sub(r"\b(?!(?:first|second|third|fourth|fifth|last|top|bottom|number|option|no|just|only)\b)[a-z]+ one\b",
                     " ", low)
        words = _KO_ORDINALS if re.search(r"[가-힣]", text) else _EN_ORDINALS
        for word, number in sorted(words.items(), key=lambda kv: -len(kv[0])):
            pattern = word if words is _KO_ORDINALS else r"\b" + word + r"\b"
            if re.search(pattern, low) and number - 1 < count:
                picked.append(number - 1)
                break
    return picked or None


_HANGUL_WORD = re.compile(r"[가-힣]{2,}")  # "교통" is a word of "대중교통": Korean compounds hold whole words


def match_label(text: str, labels: Sequence[str]) -> Optional[int]:
    """Index of the first label the text contains (or that contains the text), case-insensitive."""
    low = (text or "").strip().lower()
    if len(low) < 2:
        return None
    labs = [label.lower() for label in labels]
    if _HANGUL_WORD.search(low):  # "불법주정차" for "불법 주정차": Korean is often typed without its spaces
        low, labs = re.sub(r"\s+", "", low), [re.sub(r"\s+", "", lab) for lab in labs]
    # The closest first: the label itself, the label inside the text, the text as a whole word of a label ("park":
    # Parks, not Illegal parking), then the text inside any label.
    whole = re.compile(r"(?<!\w)" + re.escape(low) + r"s?(?!\w)")
    for fits in (lambda lab: lab == low, lambda lab: lab in low,
                 lambda lab: bool(whole.search(lab)), lambda lab: (len(low) >= 3 or _HANGUL_WORD.fullmatch(low)) and low in lab):
        for index, lab in enumerate(labs):
            if lab and fits(lab):
                return index
    return None


_UNITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if n > 1}
_SPELLED = re.compile(r"\b(?:(?P<h>" + "|".join(_UNITS) + r")\s+hundred(?:\s+and)?\s*)?(?:(?P<t>" + "|".join(_TENS)
                      + r")(?:[\s-](?P<tu>" + "|".join(list(_UNITS)[1:10]) + r"))?|(?P<u>" + "|".join(_UNITS) + r"))\b",
                      re.IGNORECASE)
_NUMBER_WORD = re.compile(r"(?:\bnumber|\bno\.|#)\s*(\d+)\s*,?\s*", re.IGNORECASE)


def spelled_numbers(text: str) -> str:
    """English numbers written in words as digits, and "number 12," as "12 " ("number twelve, Teheran-ro" ->
    "12 Teheran-ro"): a building number said the way it is spoken; Korean ones too (sino_numbers)."""
    text = sino_numbers(text or "")
    def digits(match: "re.Match[str]") -> str:
        low = {k: (v or "").lower() for k, v in match.groupdict().items()}
        value = 100 * _UNITS[low["h"]] if low["h"] else 0
        value += _TENS.get(low["t"], 0) + _UNITS.get(low["tu"], 0) + _UNITS.get(low["u"], 0)
        return str(value)
    return _NUMBER_WORD.sub(r"\1 ", _SPELLED.sub(digits, text or ""))

