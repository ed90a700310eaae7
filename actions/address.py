"""Change address (전입신고): new address checked against the register (numbered choices when several),
the effective date in natural language, household members moving too, a summary to confirm, then the
tracking number and the agencies that will be told."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions import pending
from actions.common import ask_what_to_change, early_end, then_offer_updates, yes_no_buttons
from actions.conversation import clear_form_slots
from actions.dates import parse_date
from actions.govapi_client import GovApiClient, Result, get_client
from actions.interpret import (AGENCY_QUESTION, CHOICE_NUMBER, Kind, Reading, asks, names_a_place, says_stop,
                               two_services)
from actions.korean_numbers import sino_numbers
from actions.parsing import NOT_ALL, means_all, means_none, parse_choices, spelled_numbers, without_rejected
from actions.texts import N_, pick, text
from actions.verification import OUTCOME_NOTHING, OUTCOME_UNAVAILABLE, VerifiedFormValidation

DAYS_BACK, DAYS_AHEAD = 30, 90  # govapi's window for a move-in report



def _label(address: Dict[str, Any], lang: str) -> str:
    return str((address.get("road_address_en") if lang == "en" else None) or address.get("road_address") or "")


class ValidateChangeAddressForm(VerifiedFormValidation):
    def name(self) -> Text:
        return "validate_change_address_form"

    def form_slots(self) -> List[Text]:
        return ["new_address", "address_id", "effective_date", "member_ids", "address_confirm"]

    def own_services(self) -> List[Text]:
        return ["change_address"]

    def accepts(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "new_address":  # "식구들 다 데리고 가요" says who moves, not where
            return names_a_place(message) and who_moves(message) is None
        if slot == "address_id":
            options = tracker.get_slot("address_options") or []
            return bool(parse_choices(message, len(options))) or building_number_choice(message, options) is not None
        if slot == "member_ids":
            return pick_members(message, tracker.get_slot("household_options") or []) is not None
        return super().accepts(slot, message, tracker)

    def read(self, tracker: Tracker, requested: Text) -> Reading:
        reading = super().read(tracker, requested)
        message = conv.latest_text(tracker)
        if requested == "address_confirm" and AGENCY_QUESTION.search(message) and asks(message) \
                and reading.kind not in (Kind.PERSON, Kind.CANCEL):
            # "before I say yes: will this change my address for health insurance too?": which agencies it tells,
            # not a change of the address; "… go over the car registration part with a person. can someone call me?"
            # asks for a person
            return Reading(Kind.QUESTION, value="agencies")
        members = tracker.get_slot("household_options") or []
        if requested == "address_confirm" and reading.kind == Kind.CANCEL and members and not says_stop(message) \
                and (named_members(message, members) or who_moves(message) == "none"):
            # "아 이영수은 나중에 따로 할게요 저만 해주세요": someone else moves later, this report goes on without them
            said = pick_members(message, members)
            if said is not None and sorted(said) != sorted(tracker.get_slot("member_ids") or []):
                return Reading(Kind.CORRECTION, slot="member_ids", value=message)
        if requested == "address_confirm" and reading.kind == Kind.ANSWER:
            said = pick_members(message, members) if named_members(message, members) else None
            if said is not None and sorted(said) != sorted(tracker.get_slot("member_ids") or []):
                # "ok back. me and 안예준" to a summary moving the whole household: its "ok" agrees to go on, its
                # names say who moves
                return Reading(Kind.CORRECTION, slot="member_ids", value=message)
        return reading

    def fits(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "new_address":  # a road-name address with its building number
            return bool(_KO_ROAD_ADDRESS.search(message) or _EN_ROAD_ADDRESS.search(message))
        if slot == "member_ids":  # a member named ("김하준도 같이 가요") or the household in words ("온 가족이",
            # "저 혼자요"); a bare number or "all" is not clearly this
            return bool(named_members(message, tracker.get_slot("household_options") or [])) \
                or who_moves(message) is not None
        if slot == "address_id":
            return False
        return super().fits(slot, message, tracker)

    async def more_facts(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict, requested: Text, message: Text,
                         events: List[EventType]) -> List[EventType]:
        """Also in one run of words: "송파구 잠실로 213 내일 이사고 저 혼자요" answers the address, the date and who
        moves; what is left without the address is read for the date and the household."""
        taken = await super().more_facts(reading, dispatcher, tracker, domain, requested, message, events)
        place = road_address_in(message) if reading.kind == Kind.ANSWER and requested == "new_address" else None
        if not place:
            return taken
        rest = message.replace(place, " ")
        if tracker.get_slot("effective_date") is None and (_MOVED.search(message) or _only_a_date(rest)) \
                and parse_date(rest, conv.now_local().date()) is not None:
            taken += await self.take_unasked("effective_date", rest, dispatcher, tracker, domain, requested)
        if tracker.get_slot("member_ids") is None and tracker.get_slot("household_options") \
                and self.fits("member_ids", rest, tracker):
            taken += await self.take_unasked("member_ids", rest, dispatcher, tracker, domain, requested)
        return taken

    def correction_target(self, slot: Text, value: Text, tracker: Tracker) -> Text:
        options = tracker.get_slot("address_options") or []
        if slot == "new_address" and len(options) > 1 and parse_choices(value, len(options)) \
                and (CHOICE_NUMBER.search(value) or value.strip().isdigit()):
            return "address_id"  # "아 잘못 눌렀어요, 2번 주소예요": another of the addresses offered
        return slot

    async def prepare(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if await self._answered_about_filed_move(dispatcher, tracker):
            return self.ended(OUTCOME_NOTHING)
        updates = await self._household(dispatcher, tracker)
        said = tracker.get_slot("new_address")
        if said and tracker.get_slot("address_options") is None and not tracker.get_slot("address_id") \
                and not updates.get("form_outcome"):
            # An address from the first message, kept before verification (validation waits for the citizen):
            # searched now, like a typed one.
            updates.update(await self.validate_new_address(said, dispatcher, tracker, {}))
        return updates

    async def _answered_about_filed_move(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """"will my car registration get the new address too, or must I tell them myself?" just after a move was
        filed (NLU: change_address) asks about that move, not for another one: its status and the agencies told."""
        last, said = tracker.get_slot("last_case"), conv.latest_text(tracker)
        if tracker.get_slot("requested_slot") or tracker.get_slot("household_options") is not None \
                or not (isinstance(last, str) and last.startswith("MV-")) or not asks(said) \
                or not AGENCY_QUESTION.search(said) or self.fits("new_address", said, tracker):
            return False
        from actions.applications import explain_case  # here: applications imports the verification module too

        lang = conv.language(tracker)
        result = await get_client().case(conv.citizen_token(tracker), last)
        if not result.ok:
            dispatcher.utter_message(text=text("unavailable_read", lang))
            return True
        body = result.value
        dispatcher.utter_message(text="\n".join(explain_case(body.get("type", ""), body.get("case") or {}, lang)))
        return True

    async def _household(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if tracker.get_slot("household_options") is not None:
            return {}
        result = await get_client().household(conv.citizen_token(tracker))
        if not result.ok:
            dispatcher.utter_message(text=text("unavailable_read", conv.language(tracker)))
            return self.ended(OUTCOME_UNAVAILABLE)
        members = [{"id": m.get("id"), "name": m.get("name"), "relation": m.get("relation_label") or m.get("relation")}
                   for m in result.value.get("members") or []]
        updates: Dict[Text, Any] = {"household_options": members}
        if not members:
            updates["member_ids"] = []  # lives alone: nobody to ask about
        elif tracker.get_slot("member_ids") == [ALL_MEMBERS]:
            updates["member_ids"] = [m["id"] for m in members]  # "the whole family", said in the first message
        return updates

    @staticmethod
    def _in_first_message(tracker: Tracker, slot: Text) -> Dict[Text, Any]:
        """What the message that started the report already says ("전입신고요 마포구 양화로 92로 오늘 이사옴"): the
        address and the date are not asked again (each still validated, and shown in the summary)."""
        message = conv.latest_text(tracker)
        if tracker.get_slot("requested_slot") is not None or tracker.get_slot(slot) is not None:
            return {}
        if slot == "new_address":
            place = road_address_in(message)
            return {"new_address": place} if place else {}
        today = conv.now_local().date()
        day = parse_date(message, today) if _MOVED.search(message) else None
        if day and today - timedelta(days=DAYS_BACK) <= day <= today + timedelta(days=DAYS_AHEAD):
            return {"effective_date": day.isoformat()}
        return {}

    # --- the new address --------------------------------------------------------------------------------------
    async def extract_new_address(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "new_address"):
            return self._in_first_message(tracker, "new_address")
        message = address_words(conv.latest_text(tracker))
        return {"new_address": message} if message else {}

    async def validate_new_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if not value:
            return {}
        lang = conv.language(tracker)
        district = _DISTRICT_ONLY.fullmatch(str(value).strip())
        if district:  # "송파구요": where in it is asked, not "not found" nor five of its addresses at random
            dispatcher.utter_message(text=text("address_district_only", lang, district=district.group("name")))
            return {"new_address": None}
        result = await get_client().search_addresses(str(value), limit=5)
        if not result.ok:
            dispatcher.utter_message(text=text("unavailable_read", lang))
            return {"new_address": None}
        matches = result.value.get("addresses") or []
        if not matches:
            dispatcher.utter_message(text=text("address_not_found", lang))
            return {"new_address": None}
        options = [{"id": a.get("id"), "ko": a.get("road_address"), "en": a.get("road_address_en"),
                    "near": a.get("match") == "near"} for a in matches]
        if len(options) == 1 and not options[0]["near"]:  # a near match is only a suggestion: the citizen picks
            return {"new_address": value, "address_options": options, "address_id": options[0]["id"],
                    "address_label": options[0]}
        return {"new_address": value, "address_options": options, "address_id": None}

    async def extract_address_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "address_id"):
            return {}
        options = tracker.get_slot("address_options") or []
        numbered = building_number_choice(conv.latest_text(tracker), options)
        # "the 180 one": a building number of the list (never one of its line numbers) before the words' "one"
        picked = [numbered] if numbered is not None else parse_choices(conv.latest_text(tracker), len(options))
        if picked and len(picked) == 1:
            return {"address_id": options[picked[0]]["id"], "address_label": options[picked[0]]}
        message = conv.latest_text(tracker)
        if re.search(r"\d", message) and re.search(r"[가-힣A-Za-z]{2,}", message):
            return {"new_address": message, "address_id": None, "address_options": None}  # another address: search it
        dispatcher.utter_message(text=text("choose_number", conv.language(tracker)))
        return {"address_id": None}

    # --- the date ----------------------------------------------------------------------------------------------
    async def extract_effective_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "effective_date"):
            return self._in_first_message(tracker, "effective_date")
        today = conv.now_local().date()
        day = parse_date(without_rejected(conv.latest_text(tracker)), today)  # "오늘 말고 어제 들어왔어요": yesterday
        lang = conv.language(tracker)
        if day is None:
            dispatcher.utter_message(text=text("bad_date", lang))
            return {"effective_date": None}
        if not today - timedelta(days=DAYS_BACK) <= day <= today + timedelta(days=DAYS_AHEAD):
            dispatcher.utter_message(text=text("date_out_of_range", lang))
            return {"effective_date": None}
        return {"effective_date": day.isoformat()}

    # --- household ----------------------------------------------------------------------------------------------
    async def extract_member_ids(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "member_ids"):
            if tracker.get_slot("requested_slot") is None and tracker.get_slot("household_options") is None \
                    and tracker.get_slot("member_ids") is None:
                # "온 가족이 이사했어요", "just me": who moves, said before the household is known (prepare)
                said = conv.latest_text(tracker)
                # "주소 변경이랑 과태료 납부 둘 다 해야 돼요": both of two services, nobody's household
                who = who_moves(said) if not two_services(said) else None
                return {"member_ids": [] if who == "none" else [ALL_MEMBERS]} if who else {}
            return {}
        members = tracker.get_slot("household_options") or []
        picked = pick_members(conv.latest_text(tracker), members)
        if picked is not None:
            return {"member_ids": picked}
        dispatcher.utter_message(text=text("choose_number", conv.language(tracker)))
        return {"member_ids": None}

    # --- confirmation --------------------------------------------------------------------------------------------
    async def extract_address_confirm(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "address_confirm"):
            return {}
        return self.confirm_answer("address_confirm", dispatcher, tracker)


# A road-name address inside a sentence: "양화로 146이에요" -> "양화로 146", "서울 마포구 양화로 146로 이사했어요"
# -> "서울 마포구 양화로 146", "12 Teheran-ro, please" -> "12 Teheran-ro".
_REGIONS = "서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
_KO_ROAD_ADDRESS = re.compile(rf"((?:(?:{_REGIONS}|[가-힣]+(?:특별시|광역시|특별자치시|시|도|군|구))\s+)*"
                              r"[가-힣0-9]+(?:대로|로|길)(?:\s*\d+(?:번)?길)?\s*\d+(?:-\d+)?)")
_EN_ROAD_ADDRESS = re.compile(r"(\d+(?:-\d+)?\s+(?:[A-Z][a-z]+\s+)?[A-Za-z]+(?:-[a-z]+)?-(?:ro|gil|daero)\b(?:,?\s*[A-Za-z]+-gu\b)?"
                              r"(?:,?\s*(?:Seoul|Busan|Daegu|Incheon|Gwangju|Daejeon|Ulsan|Sejong|[A-Za-z]+-si)\b)?|"
                              # the Korean order, romanised: "Yeoksam-ro 25", "Gangnam-gu Yeoksam-ro 180, Seoul"
                              r"(?:[A-Za-z]+-gu,?\s+)?[A-Za-z]+-(?:ro|gil|daero)\s+\d+(?:-\d+)?(?!\d|[:.]\d|\s*(?:times?|am|pm|min\w*|hours?|"
                              r"days?|weeks?|years?|won|people|cars?)\b)(?:,?\s*[A-Za-z]+-gu\b)?)",
                              re.IGNORECASE)


def road_address_in(message: str) -> Optional[str]:
    """A road address said inside a longer message ("streetlight out in front of 20 Huam-ro for a week"), or None."""
    said = sino_numbers(message or "")  # "역삼로 백팔십 앞이요"
    found = _KO_ROAD_ADDRESS.search(said) or _EN_ROAD_ADDRESS.search(said)
    return found.group(1).strip() if found else None


def address_words(message: str) -> str:
    """The address inside what the citizen wrote, without the words around it (govapi searches the address)."""
    said = spelled_numbers(message or "")  # "number twelve, Teheran-ro"
    found = _KO_ROAD_ADDRESS.search(said) or _EN_ROAD_ADDRESS.search(said)
    return found.group(1).strip() if found else (message or "").strip()


_BOTH = re.compile(r"(둘\s*다|셋\s*다|넷\s*다|다\s*(같이|함께|가|이사|데리고)|모두|전부|다들|온\s*가족|(가족|식구|(같이|함께)\s*사는\s*(사람|분))(들|분들)?[은는이도]?\s*(다|전부|모두|같이|함께)|"
                   r"everyone|everybody|both|all of (us|them)|(the|my|our) (whole|entire) (family|household)|"
                   r"(whole|entire) family|all the family|all \d+ of (us|them)|(me|i) and (my|the) (family|household)|"
                   r"with (my|the) (family|household)|(my|the) family (too|as well|also)|^\s*(my|the) family\s*$)",
                   re.IGNORECASE)


# Words of moving beside a date in the first message: the date is the move-in date.
# Who moves, said in plain words: the whole household, or the citizen alone.
_ALONE = re.compile(r"(^\s*(저\s*|나\s*)?혼자[\s.!~]*$|저\s*(한\s*(명|사람)|하나)\s*(뿐|만|이에요|입니다|예요)|(사람|인원)은\s*저\s*(뿐|만|혼자)|저\s*혼자|나\s*혼자|혼자(서|만)?\s*(이사|가|옮|해|요|입니다|이에요|예요|구요|고요|에요|라요)|저만|나만|본인만|\bjust me\b|\bonly me\b|"
                    r"\bjust myself\b|\bby myself\b|\bon my own\b|\bme alone\b|\bonly myself\b)", re.IGNORECASE)
ALL_MEMBERS = "*all*"  # member_ids before the household is known: "the whole family", said first


_UNIT = re.compile(r"\d+\s*(동|호|층|번지|f\b|floor|apt|unit)|#\s*\d", re.IGNORECASE)


def _only_a_date(rest: str) -> bool:
    """What follows the address is a date and nothing else ("역삼로 25 내일요", "12 Teheran-ro, tomorrow"): the
    move-in date, with no word of moving. A building or flat number ("101동 1203호") is part of the address."""
    return 0 < len(rest.split()) <= 3 and not _UNIT.search(rest) \
        and parse_date(rest, conv.now_local().date()) is not None


# A district or city alone ("송파구요", "Mapo-gu", "해운대"): no road, no number.
_DISTRICT_ONLY = re.compile(r"(?:[가-힣]+\s+)?(?P<name>[가-힣]{1,6}(?:구|군|시)|[A-Za-z]+-gu)"
                            r"\s*(?:요|이요|예요|이에요|입니다|쪽이요|쪽)?[\s.!~]*", re.IGNORECASE)


def building_number_choice(message: str, options: List[Dict[str, Any]]) -> Optional[int]:
    """The one listed address a bare building number names ("264" for "달맞이길 264", "264번지요"); None when the
    number is also a line of the list, or names no line or several."""
    numbers = re.findall(r"(?<![\d-])(\d{1,5}(?:-\d{1,4})?)(?![\d-])", message or "")
    if len(numbers) != 1 or (numbers[0].isdigit() and 1 <= int(numbers[0]) <= len(options)):
        return None
    pattern = re.compile(rf"(?<![\d-]){re.escape(numbers[0])}(?![\d-])")
    hits = [i for i, option in enumerate(options) if pattern.search(str(option.get("ko") or option.get("en") or ""))]
    return hits[0] if len(hits) == 1 else None


def who_moves(message: str) -> Optional[str]:
    """'all' for the whole household in words, 'none' for the citizen alone, else None (numbers and names are
    answers to the asked question only)."""
    text_ = message or ""
    if _BOTH.search(text_) and not NOT_ALL.search(text_):
        return "all"
    if _ALONE.search(text_) and not _BOTH.search(text_):
        return "none"
    return None


_MOVED = re.compile(r"(이사|전입|들어(와|왔|갔|가|옴|감)|입주|\bmov(e|ed|ing)\b|\bmove-in\b)", re.IGNORECASE)
# "no" alone answers "who moves with you?" (nobody); "no wait tmrw" takes back an earlier answer.
_ONLY_NO = re.compile(r"^\s*(아니(요|오)?|아뇨|no|nope|n|nah)[\s.!~]*$", re.IGNORECASE)
_WITH = re.compile(r"(\band\b|\bwith\b|\bplus\b|랑|하고|이랑|같이|함께|둘이)", re.IGNORECASE)
_APART = re.compile(r"(나중|따로|안\s*(가|와)|\blater\b|\bseparately\b|\bnot\b|n'?t\b)", re.IGNORECASE)


def pick_members(message: str, members: List[Dict[str, Any]]) -> Optional[List[str]]:
    """Household members moving too: numbers, names, relations ('아내', 'my son'), all ('둘 다'), none ('혼자요')."""
    if (_BOTH.search(message or "") and not NOT_ALL.search(message or "")) or means_all(message):
        return [m["id"] for m in members]
    named = named_members(message, members)
    staying = {member for clause in _CLAUSE.split(message or "") if clause and _STAYS.search(clause)
               for member in named_members(clause, members)}
    if staying:
        # "only my daughter, my wife stays": the others named; "my wife is staying at the old place … can I change
        # who is moving?" names only who stays: who moves is asked again, never guessed
        going = [member for member in named if member not in staying]
        if going:
            return going
        return [] if _ALONE.search(message or "") or means_none(message) else None
    if named and _WITH.search(message or "") and not _APART.search(message or ""):
        return named  # "just me and my wife", "저랑 신건우 둘이 해요"
    if means_none(message) or _ONLY_NO.match(message or "") or _ALONE.search(message or ""):
        return []  # "저만요, 와이프는 나중에 따로 할 거예요": only me, whoever else is named
    if named:
        return named  # "저랑 신건우 둘이 해요": the names say who, "둘" is no choice number here
    picked = parse_choices(message, len(members))
    return [members[i]["id"] for i in picked] if picked else None


# A member named in a clause that says they stay behind or come later is not moving now.
_STAYS = re.compile(r"(\bstay(s|ing)?\b|\bremain(s|ing)?\b|\bnot\b|n'?t\b|\blater\b|\bseparately\b|\bexcept\b|"
                    r"남(아|는|을|고|겠)|안\s*(가|와|옮|해|함)|그대로|나중|따로|빼고|제외|말고)", re.IGNORECASE)
_CLAUSE = re.compile(r"[,.;!?]|\bbut\b|\bwhile\b|근데|그런데|하지만|(?<=[가-힣]고)\s+")


def named_members(message: str, members: List[Dict[str, Any]]) -> List[str]:
    """The members the message names by name or relation ('김하준', 'my wife')."""
    return [m["id"] for m in members
            if any(label and _names(message, label)
                   for label in (str(m.get("name") or ""), *_relation_words(m.get("relation"))))]


def _names(message: str, label: str) -> bool:
    """A whole word: "Songpa-gu" does not name a "son", "딸기" no "딸"; a name may carry a particle ("김하준도")."""
    said = message.strip().lower()
    if len(said) >= 2 and said in label.lower():
        return True  # "하준" for 김하준: a short reply that is part of the name
    if label.isascii():
        return re.search(rf"(?<![a-z]){re.escape(label.lower())}s?(?![a-z])", message.lower()) is not None  # "kids"
    return re.search(rf"(?<![가-힣]){re.escape(label)}(?=$|[^가-힣]|{_PARTICLE})", message) is not None


_PARTICLE = "(이랑|하고|한테|까지|이|가|은|는|도|랑|와|과|을|를|만|요|님|네|씨)"


# What people call a relation govapi labels 배우자/자녀/부모.
_RELATION_SYNONYMS = {"spouse": ["아내", "남편", "와이프", "wife", "husband"],
                      "child": ["아들", "딸", "아이", "son", "daughter", "kid"],
                      "parent": ["엄마", "아빠", "어머니", "아버지", "mom", "dad", "mother", "father"]}


def _relation_words(relation: Any) -> List[str]:
    labels = [str(v) for v in relation.values() if v] if isinstance(relation, dict) else ([str(relation)] if relation else [])
    english = next((label.lower() for label in labels if label.isascii()), "")
    return labels + _RELATION_SYNONYMS.get(english, [])


def _member_names(tracker: Tracker) -> List[str]:
    ids = tracker.get_slot("member_ids") or []
    return [m.get("name", "") for m in tracker.get_slot("household_options") or [] if m.get("id") in ids]


class ActionAskAddressId(Action):
    def name(self) -> Text:
        return "action_ask_address_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        options = tracker.get_slot("address_options") or []
        near = any(o.get("near") for o in options)
        lines = [text(N_("ask_address_near") if near else N_("ask_address_id"), lang)] + [
            f"{n}. {pick(o, lang)}" for n, o in enumerate(options, 1)]
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=[{"title": str(n), "payload": str(n)} for n in range(1, len(options) + 1)])
        return []


class ActionAskMemberIds(Action):
    def name(self) -> Text:
        return "action_ask_member_ids"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        members = tracker.get_slot("household_options") or []
        lines = [text("ask_member_ids", lang)] + [f"{n}. {m.get('name')} ({pick(m.get('relation'), lang)})"
                                                  for n, m in enumerate(members, 1)]
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionAskAddressConfirm(Action):
    def name(self) -> Text:
        return "action_ask_address_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        if tracker.get_slot("summary_change"):
            fields = ["new_address", "effective_date"] + (["member_ids"] if tracker.get_slot("household_options") else [])
            ask_what_to_change(dispatcher, lang, fields)
            return []
        names = _member_names(tracker)
        members = text("members_some", lang, names=", ".join(names)) if names else text("members_none", lang)
        dispatcher.utter_message(
            text=text("address_summary", lang, address=pick(tracker.get_slot("address_label") or {}, lang),
                      date=tracker.get_slot("effective_date"), members=members),
            buttons=yes_no_buttons(lang))
        return []


async def perform_address_change(client: GovApiClient, token: Optional[str], payload: Dict[str, Any],
                                 key: str) -> Result:
    return await client.create_address_change(token or "", payload["address_id"], payload["effective_date"],
                                              payload["member_ids"], key)


def address_reply(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str, value: Dict[str, Any]) -> None:
    agencies = ", ".join(pick(d.get("agency_label") or d.get("agency"), lang) for d in value.get("deliveries") or [])
    dispatcher.utter_message(text=text("address_done", lang, number=value.get("tracking_number", ""),
                                       agencies=agencies or "-"))


pending.register("address_change", perform_address_change, address_reply)


class ActionChangeAddress(Action):
    def name(self) -> Text:
        return "action_change_address"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        payload = {"address_id": tracker.get_slot("address_id"), "effective_date": tracker.get_slot("effective_date"),
                   "member_ids": tracker.get_slot("member_ids") or []}
        events = await pending.perform_or_keep(dispatcher, tracker, "address_change", payload,
                                               conv.state_change_key(tracker, "address_change"))
        return then_offer_updates(events + clear_form_slots(tracker))
