"""Verification as one reusable sub-dialogue: every service form asks phone, birth date and the one-time code
first (unless the citizen is already verified in this session), then its own slots.

The phone is prefilled from the channel (SMS sender id `sms:<E.164>` or metadata `contact_phone`); the citizen
can ask to resend; wrong codes count down; a lockout ends the form and hands the conversation to a person.
"""
from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.dates import VAGUE_DATE, parse_date
from actions.govapi_client import ErrKind, get_client
from actions.interpret import (AGENCY_QUESTION, ASKS_TO_CHANGE, CHOICE_NUMBER, CHOICE_SLOTS, CONFIRM_SLOTS, FINE_APPEAL,
                               FINE_LATE, FREE_TEXT_SLOTS, GOES_BACK, PRIVACY_QUESTION, RECALL, RECALLABLE,
                               PAYMENT_WAY, task_question,
                               SERVICE_FORMS, SLOT_WORDS, Kind, Reading, asks, asks_about_options, puts_off, read_message, resumed_service,
                               is_elsewhere, is_wait, said_last, says_change, says_whole_place, services_named, two_services, wants_person)
from actions.paused_task import SERVICE_OF_FORM, going_back_to, never_begun, paused_here, queue, resumed, without
from actions.parsing import (find_case_number, is_no, is_yes, keeps_as_is, means_all, negated, normalise_phone,
                             parse_birth_date, parse_otp,
                             phone_from_sender, wants_resend)
from actions.texts import N_, has_text, text

logger = logging.getLogger(__name__)

VERIFY_SLOTS = ["phone", "birth_date", "otp_code"]

# form_outcome tells the submit action why a form ended early.
OUTCOME_LOCKED = "locked"
OUTCOME_UNAVAILABLE = "unavailable"
OUTCOME_NOTHING = "nothing"
OUTCOME_PERSON = "person"          # the citizen asked for a person
OUTCOME_CANCELLED = "cancelled"    # the citizen stopped
OUTCOME_LIST = "list"              # the citizen asked to see their cases instead of giving a number
OUTCOME_SWITCH = "switch:"         # + a service intent: asked for in words NLU did not name (actions/common.py)
# Actions that run between the citizen's message and the form without being an answer to it.
_PHONE_OR_CASE = re.compile(r"(\+?82[\s-]?1[0-9]|01[0-9])[\s-]?\d{3,4}[\s-]?\d{4}|[A-Z]{2}-?\d{4}-?\d{6}", re.I)
# Answers with a value of a type of their own (not a choice from a list, not free text, never a summary's yes).
_TYPED_ANSWERS = frozenset({"phone", "birth_date", "otp_code", "case_number", "effective_date"})
# Questions whose answer leaves room for a later answer in the same clause, read only by that answer's strict words.
_WHOLE_LINE_OK = frozenset({"fine_ids"})
_UNASKED_OK = frozenset({"birth_date", "case_number", "effective_date", "payment_method", "member_ids", "new_address",
                         "complaint_place", "photo_id"})
_TYPED_VALUE = re.compile(r"\d{3,}|\d+\s*(월|일|년)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
# Clauses of one message: commas, sentence ends, "그리고"/"and also" (not the comma inside "January 5, 1989").
CLAUSE = re.compile(r",(?!\s*\d{4})|[;!?]|\.(?!\d)|\s[-–—]\s|\s(?:그리고|그리고요|또|and also|also|plus)\s|\sand\s(?=(?:i|we)\b)",
                     re.IGNORECASE)
# Later answers taken while verifying: kinds no verification answer looks like.
_UNASKED_WHILE_VERIFYING = frozenset({"payment_method"})
_TURN_START_ACTIONS = {"action_listen", "action_extract_slots", "action_validate_slot_mappings"}
# What a changed answer makes stale: it is worked out again from the new answer.
_DEPENDANTS = {
    "phone": ("otp_code", "verification_id", "masked_phone"),
    "birth_date": ("otp_code", "verification_id", "masked_phone"),
    "new_address": ("address_id", "address_label", "address_options"),
}
# Answers that hold several choices, and words that add to them ("2번 과태료도 같이", "my son too") rather than
# replace them.
MULTI_CHOICE_SLOTS = frozenset({"fine_ids", "member_ids"})
# Words that turn a value down: a change that reads as the same value then was misread.
_TURNS_DOWN = re.compile(r"(\bnot\b|n't\b|\binstead\b|\bscratch\b|\brather\b|말고|대신|아니라|아니고|아닌)", re.IGNORECASE)
# "May I ask first: if I choose card, will my card details be kept …?": a choice supposed, not made.
_CONDITIONAL = re.compile(r"(\bif\b|\bwhether\b|만약|만일)", re.IGNORECASE)
# Wanting a change, in words that give no new value of their own.
_WANTS_TO_CHANGE = re.compile(r"(바꿀래|바꾸고\s*싶|바꿀게|바꾸려|바꿔야\s*(겠|할|돼|될)|변경해야\s*(겠|할|돼)|변경하고\s*싶|변경할래|"
                              r"\bi (want|'d like|would like|need) to "
                              r"(change|switch)\b|\b(can|could|may) i (please )?(change|switch)\b)", re.IGNORECASE)
# Another service for after this task, not instead of it.
_AFTER_THIS = re.compile(r"(\bafter (this|that|it)\b|\bafterwards\b|\bnext\b|끝나고|끝나면|하고\s*나서|다음에|이거\s*하고)",
                         re.IGNORECASE)
_NOW_INSTEAD = re.compile(r"(\binstead\b|\bfirst\b|먼저|말고|대신|\bbefore (this|that)\b)", re.IGNORECASE)
# Only part of it, or something else instead, at a summary ("just the first one", "첫번째 것만 낼게요", "카드 대신").
_NARROW = re.compile(r"(\b(just|only|instead)\b|[가-힣]만(?=\s|$|요)|대신|말고)", re.IGNORECASE)
_ADDS = re.compile(r"(도\s*(같이|함께|포함|추가|넣어|내|낼|할|가|이사|요)|추가|\btoo\b|\bas well\b|\balso\b|\bplus\b|"
                   r"\badd\b|\binclude\b)", re.IGNORECASE)


def verification_reset() -> Dict[str, Any]:
    return {"phone": None, "birth_date": None, "otp_code": None, "verification_id": None, "masked_phone": None}


_SENTENCE = re.compile(r"[^.?!？]+[.?!？]*")


def _asks_somewhere(message: Text) -> bool:
    """A sentence of the message is a question ("…맞죠? 따로 또 해야 되면 곤란해서요")."""
    return any(s.strip().endswith(("?", "？")) or asks(s.strip()) for s in _SENTENCE.findall(message or "") if s.strip())


_PLACE_SLOTS = frozenset({"complaint_place", "new_address"})
# Having the case number at hand ("접수번호는 제가 가지고 있습니다", "I have the case number")
_HAS_NUMBER = re.compile(r"((접수|신청)?\s*번호\S{0,2}\s*(제가|저한테|여기)?\s*(가지고|갖고|알고|있)\s*(있|어|습|요)|"
                         r"\bi (have|got|know) (the|my) (case |application |reference )?number\b)", re.IGNORECASE)
# Asking to be told, not to do ("알림 신청", "notify me", "let me know when")
_ASKS_NOTICE = re.compile(r"(알림\s*(신청|받|설정|켜|해)|알려\s*(주|줘)|연락\s*(주|줘)|\bnotif|\blet me know\b|\btell me when\b|"
                          r"\bupdates?\b|\balerts?\b)", re.IGNORECASE)
# Asking to do something, or whether one can ("낼수 있는지요", "can I pay it")
_WANT_OR_CAN = re.compile(r"(수\s*있|되나요|될까요|가능|하고\s*싶|하려|할게|낼게|낼래|할래|\b(can|could|may) i\b|"
                         r"\bi (want|need|'?d like) to\b)", re.IGNORECASE)

# Words that carry nothing of a description ("oh wait").
_FILLER_WORDS = frozenset({"wait", "oh", "um", "uh", "er", "sorry", "ok", "okay", "so", "hmm", "well", "actually", "아", "어",
                           "음", "잠깐", "잠깐만", "잠깐만요", "죄송해요", "아니", "그"})


def _beside_musing(message: Text) -> Text:
    """The message without its questions when it also says something else; else the whole message."""
    sentences = [s.strip() for s in _SENTENCE.findall(message or "") if s.strip()]
    plain = [s for s in sentences if not (s.rstrip().endswith(("?", "？")) or asks(s))]
    return " ".join(plain) if plain and len(plain) < len(sentences) else message


class VerifiedFormValidation(FormValidationAction):
    """Base of every form's validation: verification slots first, then `service_slots`."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form>; abstract so the SDK does not register this base class as an action."""

    def form_slots(self) -> List[Text]:
        """This form's own slots, in the order they are asked (after verification)."""
        return []

    def domain_slots(self, domain: DomainDict) -> List[Text]:
        """The form's required_slots as domain.yml lists them, known here so Rasa need not send the domain
        with every validation call (selective domain: the whole domain is the biggest part of a call)."""
        return self.form_slots() or list(VERIFY_SLOTS)

    async def service_slots(self, tracker: Tracker) -> List[Text]:
        return self.form_slots()

    async def prepare(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """Runs once the citizen is verified (e.g. fetch their fines); returns slot updates."""
        return {}

    def meant_instead(self, message: Text, tracker: Tracker) -> Optional[Text]:
        """Another service the message that started this form asks for in words, where NLU's reading was swayed by
        the rest of it; None keeps this form."""
        return None

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("form_outcome"):
            return []
        if not conv.citizen_token(tracker):
            return list(VERIFY_SLOTS)
        return await self.service_slots(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        fresh = self.fresh_message(tracker)
        message = conv.latest_text(tracker)  # a correction reads its value as the message: the words said are these
        undo = tracker.get_slot("summary_undo")
        if requested and fresh and isinstance(undo, dict) and undo.get("slot") == requested:
            if keeps_as_is(message):
                dispatcher.utter_message(text=text("kept_as_before", conv.language(tracker)))
                events = [SlotSet(name, value) for name, value in (undo.get("values") or {}).items()]
                return events + [SlotSet("summary_undo", None)]  # the summary question comes next, unchanged
        if requested and fresh and undo:
            tracker.slots["summary_undo"] = None  # any other answer ends the chance to undo
            undo_cleared: List[EventType] = [SlotSet("summary_undo", None)]
        else:
            undo_cleared = []
        if not requested and fresh and not tracker.get_slot("form_outcome") and puts_off(message):
            # "thats all for today, I'll do the streetlight another time": nothing starts, nothing is asked
            dispatcher.utter_message(text=text("put_off", conv.language(tracker)))
            undo_cleared += [without(tracker, self.form_name())] if paused_here(tracker, self.form_name()) else []
            return undo_cleared + [SlotSet(name, value) for name, value in self.ended(OUTCOME_NOTHING).items()]
        if not requested and paused_here(tracker, self.form_name()):
            answers = resumed(tracker, self.form_name(), message)
            if answers is not None and not never_begun(tracker, self.form_name()):
                return await self.resume(answers, dispatcher, tracker, domain, message)
            # a task asked for earlier and never begun ("ok, now the pothole. there's a deep hole …") starts as new,
            # its message read as a first message
            undo_cleared.append(without(tracker, self.form_name()))  # the same service asked afresh: a new task
        if not requested and fresh and not tracker.get_slot("form_outcome"):
            ended, kept = self.started_for_something_else(message, dispatcher, tracker)
            if ended is not None:
                return undo_cleared + ended
            undo_cleared += kept
        if requested and fresh:
            last = self.said_last(requested, message, tracker)
            if last is not None:  # "1996-01-07 아 아니 1995-01-07요": only what was said last answers
                tracker.latest_message = {**(tracker.latest_message or {}), "text": last, "entities": []}
                message = last
            reading = self.read(tracker, requested)
            beside = self.answer_beside_question(reading, requested, message, tracker)
            if beside is not None:
                # "2012-05-05 이요. 근데 생년월일은 왜 필요해요?": the question is answered, the answer is taken too
                # ("all of them, how much is that?": the next question shows the total, no help text first)
                if reading.value == "why":
                    self.act_on(reading, dispatcher, tracker, requested)
                tracker.latest_message = {**(tracker.latest_message or {}), "text": beside, "entities": []}
                reading = Reading(Kind.ANSWER)
            ended = self.act_on(reading, dispatcher, tracker, requested)
            if ended is not None:
                return ended
            if reading.kind == Kind.CORRECTION:
                extraction_events = await self.correct(reading, dispatcher, tracker, domain, requested)
            elif reading.kind == Kind.EARLY:
                extraction_events = await self.keep_early(reading, dispatcher, tracker, domain, requested)
            else:
                extraction_events = await self.get_extraction_events(dispatcher, tracker, domain)
            extraction_events += await self.more_facts(reading, dispatcher, tracker, domain, requested, message,
                                                       extraction_events)
        elif requested:
            # Back after a digression the rules answered: that message was read already.
            extraction_events = []
        else:
            extraction_events = await self.get_extraction_events(dispatcher, tracker, domain)
        # rasa_sdk returns only the validated (required) slots; helper slots set while extracting (a guessed
        # category, a reset after "no, that's wrong") must reach Rasa too.
        tracker.add_slots(extraction_events)
        validation_events = await self._extract_validation_events(dispatcher, tracker, domain)
        validated = {event.get("name") for event in validation_events}
        return undo_cleared + [e for e in extraction_events if e.get("name") not in validated] + validation_events

    def started_for_something_else(self, message: Text, dispatcher: CollectingDispatcher,
                                   tracker: Tracker) -> Tuple[Optional[List[EventType]], List[EventType]]:
        """The message that starts this form, read for what NLU's intent missed: (events that end the form at once,
        or None; events to keep when it goes on)."""
        lang = conv.language(tracker)

        def end(outcome: str) -> List[EventType]:
            return [SlotSet(name, value) for name, value in self.ended(outcome).items()]

        if is_wait(message):
            # "앗 잠깐 버스 내려야돼요" (NLU: a complaint about buses) between tasks: nothing starts
            dispatcher.utter_message(text=text("wait_ok", lang))
            return end(OUTCOME_NOTHING), []
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        # "Can someone call me about my application AP-…? Easier on the phone" (NLU: a status check): a person first;
        # a complaint's first message may tell about staff, so there the words must ask for one
        if wants_person(message, None, 0.0, ranking,
                        "complaint_text" if self.form_name() == "file_complaint_form" else None):
            return end(OUTCOME_PERSON), []
        if is_elsewhere(message) and _asks_somewhere(message) and not find_case_number(message) \
                and not wants_person(message, None, 0.0, [], None):
            # "can you renew my passport?", "등본 뗄 수 있어요?" (NLU: a status check): another office's matter, said so
            dispatcher.utter_message(text=text("not_ours", lang))
            return end(OUTCOME_NOTHING), []
        other = self.meant_instead(message, tracker)
        if other:
            return end(OUTCOME_SWITCH + other), []
        own, kept = SERVICE_OF_FORM.get(self.form_name()), []
        pair = two_services(message)
        if pair and own in pair:
            # Two things asked for at once: the one to do first runs now, the other waits for "now the fine"
            if pair[0] != own:
                return [queue(tracker, self.form_name())] + end(OUTCOME_SWITCH + pair[0]), []
            kept.append(queue(tracker, SERVICE_FORMS[pair[1]]))
        back = going_back_to(tracker, message)
        if back and back != self.form_name() and resumed_service(message) == SERVICE_OF_FORM.get(back):
            # "네 확인했어요 이제 과태료요" (NLU: check_payment) names the task asked for earlier: that one starts
            return end(OUTCOME_SWITCH + SERVICE_OF_FORM[back]), []
        return None, kept

    async def resume(self, answers: Dict[Text, Any], dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict, message: Text) -> List[EventType]:
        """Back to this form's paused task (actions/paused_task.py): its answers return unchecked (they were checked
        when given) and the form asks the question where it stopped, unless the message answers it too ("그럼 아까
        과태료는 카드로 낼게요")."""
        lang = conv.language(tracker)
        service = SERVICE_OF_FORM.get(self.form_name())
        if service:
            dispatcher.utter_message(text=text("resumed_task", lang, service=text(f"service_{service}", lang)))
        tracker.slots.update(answers)  # not as events: only what changes now is validated
        events: List[EventType] = [SlotSet(name, value) for name, value in answers.items()]
        events.append(without(tracker, self.form_name()))
        waiting = [slot for slot in await self.service_slots(tracker) if tracker.get_slot(slot) is None]
        if not conv.citizen_token(tracker):
            waiting = [slot for slot in VERIFY_SLOTS if tracker.get_slot(slot) is None]
        if waiting and waiting[0] in VERIFY_SLOTS and waiting[0] != "phone":
            # "ok fine, never mind the human. birthday is October 17, 1981": back from asking for a person, with
            # the answer (a birth date or a code: nothing else reads as one)
            holding = [c.strip() for c in CLAUSE.split(message) if c and c.strip() and self.accepts(waiting[0], c.strip(), tracker)]
            if holding:
                tracker.latest_message = {**(tracker.latest_message or {}), "text": holding[-1], "entities": []}
                tracker.slots["requested_slot"] = waiting[0]
                events.append(SlotSet("requested_slot", waiting[0]))
                taken = await self.get_extraction_events(dispatcher, tracker, domain)
                tracker.add_slots(taken)
                events += taken
        elif waiting and waiting[0] in _UNASKED_OK:
            # "thanks. ok back to the pothole, it's in front of 168 Eonju-ro": the clause that answers it
            holding = [c.strip() for c in CLAUSE.split(message) if c and c.strip() and self.fits(waiting[0], c, tracker)]
            if holding:
                taken = await self.take_unasked(waiting[0], holding[-1], dispatcher, tracker, domain, waiting[0])
                tracker.add_slots(taken)
                events += taken
        return events + await self._extract_validation_events(dispatcher, tracker, domain)

    # --- the one reading of a message inside a form (actions/interpret.py) ----------------------------------------
    def fresh_message(self, tracker: Tracker) -> bool:
        """The form runs right after the citizen's message, not again after a digression the rules answered."""
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return True
            if event.get("event") == "action" and event.get("name") not in _TURN_START_ACTIONS \
                    and event.get("name") != self.form_name():
                return False
        return False

    def task_slots(self) -> List[Text]:
        return list(VERIFY_SLOTS) + self.form_slots()

    def own_services(self) -> List[Text]:
        """The service intents this form serves: asking for them again is not a switch."""
        return []

    def accepts(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        """Whether the asked question's own parser takes the message (choice questions add their options)."""
        if slot == "phone":
            return normalise_phone(message) is not None
        if slot == "birth_date":
            return parse_birth_date(message) is not None
        if slot == "otp_code":
            return parse_otp(message) is not None or wants_resend(message)
        if slot == "case_number":
            return find_case_number(message) is not None
        if slot == "effective_date":
            return parse_date(message, conv.now_local().date()) is not None
        if slot in CONFIRM_SLOTS:
            return is_yes(message) or is_no(message) or keeps_as_is(message) \
                or conv.latest_intent(tracker)[0] in ("affirm", "deny")
        return False

    def read(self, tracker: Tracker, requested: Text) -> Reading:
        meta = conv.metadata(tracker)
        if isinstance(meta.get("location"), dict) or isinstance(meta.get("photo"), dict):
            return Reading(Kind.ANSWER)  # a shared place or a photo answers its question (or fills it early)
        message = conv.latest_text(tracker)
        back = going_back_to(tracker, message)
        if back is not None and back != self.form_name() \
                and (resumed_service(message) == SERVICE_OF_FORM[back] or GOES_BACK.search(message)):
            # "ok I'll pay that later. back to the move": this task is put aside, the one left before goes on
            return Reading(Kind.SWITCH, switch_to=SERVICE_OF_FORM[back])
        # Questions answered in place before NLU's reading, which hears a person or a service in them; words that ask
        # for a person still win ("my visa status changed … can I text with a real person?").
        person_asked = wants_person(message, None, 0.0, [], requested)
        if is_elsewhere(message) and _asks_somewhere(message) and not find_case_number(message) and not person_asked:
            return Reading(Kind.QUESTION, value="elsewhere")  # another office's matter: said so, asked again
        later = self.asked_for_after(message)
        if later:  # "before i say yes, can you also change my address after this?": yes, next; this goes on
            return Reading(Kind.QUESTION, value="queued:" + later)
        recalled = self.recalled(message, tracker)
        if recalled:  # "sorry, what date did I give you?": told, then the question again; nothing changes
            return Reading(Kind.QUESTION, slot=recalled, value="recall")
        if PRIVACY_QUESTION.search(message) and (asks(message) or "?" in message) and not person_asked \
                and (not self.accepts(requested, message, tracker) or _CONDITIONAL.search(message)):
            # with the answer beside it: as a "why" below; "if I choose card, will my card details be kept?" supposes
            return Reading(Kind.QUESTION, value="privacy")  # who sees the citizen's data: told, then asked again
        intent, confidence = conv.latest_intent(tracker)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        filled = {slot: tracker.get_slot(slot) for slot in self.task_slots()}
        if conv.citizen_token(tracker):  # verified: its answers are no longer part of the task
            filled.update({slot: None for slot in VERIFY_SLOTS})
        reading = read_message(message, intent, confidence, ranking, requested, self.task_slots(), filled,
                               self.own_services(), self.accepts(requested, message, tracker))
        if requested not in VERIFY_SLOTS and conv.citizen_token(tracker) and re.fullmatch(r"\s*\d{6}\s*", message) \
                and (requested in FREE_TEXT_SLOTS or not self.accepts(requested, message, tracker)):
            return Reading(Kind.STRAY, value="verified")  # the code sent again after it was taken ("153356")
        if reading.kind in (Kind.ROUTED, Kind.STRAY, Kind.ANSWER, Kind.QUESTION) and reading.value != "why" \
                and not self.accepts(requested, message, tracker) and self.vague(requested, message):
            return Reading(Kind.QUESTION, value="vague")  # said only roughly: what exactly is needed, asked again
        if reading.kind == Kind.SWITCH and reading.switch_to == "file_complaint":
            from actions.complaints import tells_trouble  # here: complaints imports this module

            if not tells_trouble(message):
                # "sorry was just getting off the bus" (file_complaint 0.92): a stray line, not a complaint
                return Reading(Kind.STRAY)
        if requested in CONFIRM_SLOTS and reading.kind in (Kind.ANSWER, Kind.CORRECTION) and _asks_somewhere(message):
            plain = _beside_musing(message)
            if plain == message or not (is_yes(plain) or is_no(plain) or says_change(plain) or keeps_as_is(plain)):
                # "이거 접수하면 실제로 치워주긴 하는 거예요? 저번에도 신고했는데 몇 달 그대로던데": a question beside a
                # remark is no yes (NLU heard affirm) and no change: it is answered and the summary asked again. A
                # correction stands when the whole message is the question, when its question asks for a change
                # ("can I change the date? the movers got pushed back"), or when a plain sentence names the answer;
                # "…주소도 알아서 바뀌는 거 맞죠? 따로 또 해야 되면 곤란해서요" names the address in its question only.
                asked = " ".join(s for s in _SENTENCE.findall(message) if s.strip() and s.strip() not in plain)
                named_plainly = reading.kind == Kind.CORRECTION and (plain == message or bool(ASKS_TO_CHANGE.search(asked)) or (
                    reading.slot is not None and (bool(SLOT_WORDS.get(reading.slot) and SLOT_WORDS[reading.slot].search(plain))
                                                  or self.fits(reading.slot, plain, tracker))))
                if not named_plainly:
                    reading = Reading(Kind.QUESTION, value="help")
        if reading.kind in (Kind.QUESTION, Kind.ROUTED, Kind.STRAY) and reading.value != "why":
            # Questions about the task itself, answered where they are asked (then the question again)
            if "new_address" in self.form_slots() and AGENCY_QUESTION.search(message):
                return Reading(Kind.QUESTION, value="agencies")  # the agencies a move-in report tells
            if "fine_ids" in self.form_slots() and FINE_APPEAL.search(message) and _asks_somewhere(message):
                return Reading(Kind.QUESTION, value="appeal")  # how to dispute a fine instead of paying it
            if "fine_ids" in self.form_slots() and task_question(message) == "fee" and PAYMENT_WAY.search(message) \
                    and _asks_somewhere(message):
                # "is there an extra charge if I pay by card?": a fee for the way to pay, not a late charge
                return Reading(Kind.QUESTION, value="faq:fee")
            if "fine_ids" in self.form_slots() and FINE_LATE.search(message) and _asks_somewhere(message):
                return Reading(Kind.QUESTION, value="late")  # where the list shows a late charge
            topic = task_question(message)
            if topic and _asks_somewhere(message):
                return Reading(Kind.QUESTION, value="faq:" + topic)  # "is there a fee?", "며칠 안에 해야 돼요?"
        # At a summary a question answered in the same message is musing ("should I do bank transfer instead? nah,
        # leave it on card. go ahead"): what the rest says counts.
        said = _beside_musing(message) if requested in CONFIRM_SLOTS else message
        # "can you add 오하준 as well? they're moving in with me": a question that adds to one answer changes it too
        adds = reading.kind == Kind.QUESTION and requested in CONFIRM_SLOTS and bool(_ADDS.search(message))
        if adds:
            said = message
        narrows = adds or (reading.kind in (Kind.ANSWER, Kind.QUESTION) and bool(_NARROW.search(said)))
        if (reading.kind == Kind.ANSWER or narrows) and requested in CONFIRM_SLOTS and not is_yes(message) \
                and (tracker.get_slot("summary_change") or says_change(said) or _ADDS.search(said) or narrows):
            # "can I just do the first one for now?" asks to change one answer, put as a question.
            # A new value at the summary, after "what should change?" ("all of them", "카드로요") or with words that
            # something is wrong ("nope, wrong building, it's 264 Mapo-daero"): the one answer it fits.
            fits = [slot for slot in self.form_slots()
                    if slot not in CONFIRM_SLOTS and self.fits(slot, said, tracker)]
            if len(fits) == 1:
                return Reading(Kind.CORRECTION, slot=fits[0], value=said)
        if reading.kind in (Kind.ANSWER, Kind.STRAY, Kind.ROUTED) and reading.value != "wait" \
                and requested not in CONFIRM_SLOTS and not self.accepts(requested, message, tracker):
            later = self.later_answer(requested, message, tracker)
            if later:
                return Reading(Kind.EARLY, slot=later, value=message)  # "오늘 들어왔어요" asked for the address
        return reading

    def asked_for_after(self, message: Text) -> Optional[Text]:
        """The other service a question asks to do after this one ("can you also change my address after this?",
        "이거 끝나고 과태료도 낼 수 있어요?"), or None."""
        if not asks(message) or not _AFTER_THIS.search(message) or _NOW_INSTEAD.search(message):
            return None
        own = SERVICE_OF_FORM.get(self.form_name())
        named = [name for name in services_named(message) if name != own]
        return named[0] if len(named) == 1 else None

    def recalled(self, message: Text, tracker: Tracker) -> Optional[Text]:
        """The earlier answer a question about what was said names, when it has a value to tell."""
        if not RECALL.search(message or ""):
            return None
        named = [slot for slot in RECALLABLE if slot in self.form_slots() and tracker.get_slot(slot)
                 and SLOT_WORDS[slot].search(message)]
        if "new_address" in named and "complaint_place" in named:
            named.remove("new_address")
        return named[0] if len(named) == 1 else None

    def recalled_value(self, slot: Text, tracker: Tracker) -> str:
        value = tracker.get_slot("address_label") if slot == "new_address" else tracker.get_slot(slot)
        if isinstance(value, dict):
            value = value.get("address") or value.get("label") or ""
        return str(value or "")

    def said_last(self, requested: Text, message: Text, tracker: Tracker) -> Optional[Text]:
        """The value said last when one message takes back an answer of the asked kind and gives another. Not at a
        summary ("yes wait no" is read there), a description, or a list where "아 아니 와이프도요" adds someone."""
        if requested in CONFIRM_SLOTS or requested in MULTI_CHOICE_SLOTS or requested == "complaint_text":
            return None
        places = requested in ("new_address", "complaint_place")
        return said_last(message, lambda part: self.accepts(requested, part, tracker)
                         and (not places or bool(re.search(r"\d", part))))

    def vague(self, slot: Text, message: Text) -> bool:
        """An answer said only roughly ("이번 달 초쯤", "기억이 잘 안 나요"): vague_<slot> says what is needed."""
        return slot == "effective_date" and bool(VAGUE_DATE.search(message))

    def answer_beside_question(self, reading: Reading, requested: Text, message: Text,
                               tracker: Tracker) -> Optional[Text]:
        """The one clause of a message with a question about this step that answers the asked question itself (not
        at a summary, where a yes must never come out of a question, nor for a free-text answer)."""
        if reading.kind != Kind.QUESTION or (requested not in _TYPED_ANSWERS and requested not in MULTI_CHOICE_SLOTS):
            return None
        if asks_about_options(message):
            return None  # "전입일이 이사한 날짜 말하는거에요? 아님 오늘 신고하는 날이요?": which is meant, no answer yet
        parts = [c.strip() for c in re.split(r"(?<=[?？])|" + CLAUSE.pattern, message) if c and c.strip()]
        if requested in MULTI_CHOICE_SLOTS and any(CHOICE_NUMBER.search(c) or re.search(r"\d", c)
                                                   for c in parts if asks(c)):
            return None  # a choice may be what the question is about ("1번은 뭐 때문에 나온 거예요?")
        answering = [c for c in parts if not asks(c) and not _CONDITIONAL.search(c) and self.accepts(requested, c, tracker)
                     and (requested not in MULTI_CHOICE_SLOTS or means_all(c) or re.fullmatch(r"[\d\s,번and&]+", c))]
        return answering[0] if len(parts) > 1 and len(answering) == 1 else None

    async def more_facts(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict, requested: Text, message: Text,
                         events: List[EventType]) -> List[EventType]:
        """Other answers said in the same message, one clause each: "송파구 올림픽로 183으로 가요, 날짜는 내일이요" at the
        address also gives the date; after a correction ("아까 날짜는 내일로 해주세요. 그리고 저 혼자만 가요") the rest
        still answers the asked question. A clause is taken only when it clearly carries one answer of its kind and no
        other clause carries another value for it; each is validated like a typed answer."""
        if reading.kind not in (Kind.ANSWER, Kind.CORRECTION, Kind.EARLY):
            return []
        clauses = [c.strip() for c in CLAUSE.split(message) if c and c.strip()]
        order = self.task_slots()
        if requested not in order or not clauses:
            return []
        if len(clauses) < 2 and not (reading.kind == Kind.ANSWER and requested in _WHOLE_LINE_OK):
            return []  # one clause: only beside a choice ("둘다 카드로 낼께요": the fines and the way to pay)
        now = {slot: tracker.get_slot(slot) for slot in order}
        now.update({e.get("name"): e.get("value") for e in events if e.get("event") == "slot"})
        if now.get("form_outcome") or tracker.get_slot("form_outcome"):
            return []
        # Later answers only of a kind no other answer looks like: a choice from a list is never taken unasked (a
        # number in "it's November 1, 1976" would choose category 1).
        open_slots = [slot for slot in order[order.index(requested) + 1:]
                      if slot in _UNASKED_OK and now.get(slot) is None
                      # while verifying, only verification answers: "born January 5, 1989" is no move-in date;
                      # the way to pay looks like nothing else ("1990-04-23 - and I'll pay by card btw")
                      and (requested not in VERIFY_SLOTS or slot in VERIFY_SLOTS or slot in _UNASKED_WHILE_VERIFYING)]
        # A place is taken beside a correction only when said whole in a clause of its own ("역삼로 12 앞 인도요. 아 근데
        # 분류 잘못 눌렀어요 교통 말고 도로로 바꿔주세요" at the place question)
        place_beside = requested in _PLACE_SLOTS and reading.kind == Kind.CORRECTION and reading.slot != requested
        asked_open = reading.kind != Kind.ANSWER and now.get(requested) is None \
            and requested not in CONFIRM_SLOTS and (requested not in FREE_TEXT_SLOTS or place_beside)
        taken: List[EventType] = []
        said = tracker.latest_message
        for slot in ([requested] if asked_open else []) + open_slots:
            def carries(clause: Text) -> bool:
                if slot == requested and place_beside:
                    # ("역삼로 12 앞 인도요": "인도" would also name the roads category)
                    return says_whole_place(clause) and not says_change(clause)
                if reading.kind in (Kind.CORRECTION, Kind.EARLY) and reading.slot \
                        and self.accepts(reading.slot, clause, tracker):
                    return False  # the clause that held the corrected (or early) value
                if reading.kind == Kind.CORRECTION and says_change(clause):
                    return False  # "oh wait, wrong number, it's 247 …" at the photo question: "wrong number" is no "no"
                if slot in CHOICE_SLOTS and _TYPED_VALUE.search(clause):
                    return False  # a date's or a phone's digits are no choice from a list
                if slot not in VERIFY_SLOTS and (normalise_phone(clause) or parse_birth_date(clause)):
                    return False  # a phone number or a birth date is never a service's answer
                if slot == requested:
                    return self.accepts(slot, clause, tracker)
                # a later answer never comes out of the clause that answered the asked question
                return self.fits(slot, clause, tracker) and not (reading.kind == Kind.ANSWER and len(clauses) > 1
                                                                and self.accepts(requested, clause, tracker))
            holding = [clause for clause in clauses if carries(clause)]
            if len(holding) == 1:
                taken += await self.take_unasked(slot, holding[0], dispatcher, tracker, domain, requested)
        tracker.latest_message = said
        return taken

    async def take_unasked(self, slot: Text, words: Text, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict, requested: Text) -> List[EventType]:
        """`slot` read from `words` by its own extractor, as if its question were asked (then validated as usual)."""
        said = tracker.latest_message
        tracker.latest_message = {**(said or {}), "text": words, "entities": []}
        tracker.slots["requested_slot"] = slot
        extracted = await self._extract_slot(slot, dispatcher, tracker, domain)
        tracker.slots["requested_slot"] = requested
        tracker.latest_message = said
        if extracted.get(slot) is None:
            return []
        tracker.slots.update(extracted)
        return [SlotSet(name, value) for name, value in extracted.items()]

    def later_answer(self, requested: Text, message: Text, tracker: Tracker) -> Optional[Text]:
        """The one not yet answered question after the asked one whose value the message clearly carries."""
        order = self.task_slots()
        if requested not in order:
            return None
        # Never a verification answer: a code typed early was not sent yet.
        after = [slot for slot in order[order.index(requested) + 1:]
                 if slot not in CONFIRM_SLOTS and slot not in VERIFY_SLOTS and tracker.get_slot(slot) is None]
        fits = [slot for slot in after if self.fits(slot, message, tracker)]
        return fits[0] if len(fits) == 1 else None

    def fits(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        """Whether the message carries a value for this answer, clearly enough to change it without being asked
        (a free-text answer never does by default: a form may say what its value looks like)."""
        return slot not in FREE_TEXT_SLOTS and self.accepts(slot, message, tracker)

    def act_on(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
               requested: Text) -> Optional[List[EventType]]:
        """The events of a reading that is not an answer or a correction; None for those two."""
        lang = conv.language(tracker)
        if reading.kind == Kind.PERSON:
            return [SlotSet("form_outcome", OUTCOME_PERSON), SlotSet("requested_slot", None)]
        if reading.kind == Kind.CANCEL:
            return [SlotSet("form_outcome", OUTCOME_CANCELLED), SlotSet("requested_slot", None)]
        if reading.kind == Kind.SWITCH and reading.switch_to != conv.latest_intent(tracker)[0] \
                and reading.switch_to in SERVICE_FORMS:
            # No rule knows a service NLU did not name: the form ends and its submit action starts the other one.
            return [SlotSet("form_outcome", OUTCOME_SWITCH + reading.switch_to), SlotSet("requested_slot", None)]
        if reading.kind in (Kind.SWITCH, Kind.ROUTED):
            # No slot set: the form steps aside for the rules of the intent NLU named (a switch is always a service
            # intent: data/rules/rules_switch.yml; digressions: rules_digressions.yml, then the form asks again).
            return []
        if reading.kind == Kind.QUESTION and (reading.value or "").startswith("queued:"):
            service = (reading.value or "")[len("queued:"):]
            dispatcher.utter_message(text=text("queued_next", lang, service=text(f"service_{service}", lang)))
            return self.ask_again(requested) + [queue(tracker, SERVICE_FORMS[service])]
        if reading.kind == Kind.QUESTION and (reading.value or "").startswith("faq:"):
            topic, service = (reading.value or "")[len("faq:"):], SERVICE_OF_FORM.get(self.form_name(), "")
            key = f"faq_{topic}_{service}" if has_text(f"faq_{topic}_{service}") else f"faq_{topic}"
            dispatcher.utter_message(text=text(key, lang))
            return self.ask_again(requested)
        if reading.kind == Kind.QUESTION and reading.value == "recall" and reading.slot:
            dispatcher.utter_message(text=text("recall_value", lang, field=text(f"field_{reading.slot}", lang),
                                               value=self.recalled_value(reading.slot, tracker)))
            return self.ask_again(requested)
        if reading.kind == Kind.QUESTION:
            # "Why do you need it?" is answered by why_<slot> where there is one; "what do I type?" by the step's help.
            # "이번 달 초쯤? 기억이 잘 안 나요" where a date is asked: vague_<slot> says what exactly is needed.
            about = reading.slot or requested  # "what do you mean by category?" where the place is asked
            key = f"{reading.value}_{about}" if reading.value in ("why", "vague", "options") \
                and has_text(f"{reading.value}_{about}") else f"help_{requested}"
            key = {"agencies": N_("move_agencies"), "appeal": N_("fine_appeal"), "late": N_("fine_late_question"),
                   "privacy": N_("privacy_answer"), "elsewhere": N_("not_ours")}.get(
                reading.value or "", key)
            dispatcher.utter_message(text=text(key if has_text(key) else "help_general", lang))
            return self.ask_again(requested)
        if reading.kind == Kind.STRAY and reading.value == "go_on":
            dispatcher.utter_message(text=text(N_("going_on"), lang))
            return self.ask_again(requested)
        if reading.kind == Kind.STRAY and reading.value in ("wait", "verified"):
            # "take your time" / "you are verified already", then the question again
            dispatcher.utter_message(text=text(N_("wait_ok") if reading.value == "wait" else N_("already_verified"), lang))
            return self.ask_again(requested)
        if reading.kind == Kind.STRAY:
            help_key = f"help_{requested}"
            dispatcher.utter_message(text=text("not_an_answer", lang) + " "
                                     + text(help_key if has_text(help_key) else "help_general", lang))
            return self.ask_again(requested)
        return None

    @staticmethod
    def ask_again(requested: Text) -> List[EventType]:
        """The same question once more. Named explicitly: Rasa would otherwise pick the first empty slot of the
        domain's form, which never lists the verification questions in front of it."""
        return [SlotSet(requested, None), SlotSet("requested_slot", requested)]

    async def correct(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict, requested: Text) -> List[EventType]:
        """An earlier answer changes: its own extractor reads the new value as if its question were asked, what
        depended on it is worked out again, and the summary (if any) is shown again with the new value."""
        slot = self.correction_target(reading.slot or requested, reading.value or conv.latest_text(tracker), tracker)
        lang = conv.language(tracker)
        resets = {name: None for name in _DEPENDANTS.get(slot, ())}
        resets.update({name: None for name in self.form_slots() if name in CONFIRM_SLOTS})
        resets["summary_change"] = None
        if slot == "phone" and tracker.get_slot("birth_date"):
            resets["birth_date"] = tracker.get_slot("birth_date")  # validated again: a new code to the new phone
        value = reading.value
        if slot == "complaint_text" and value and len([w for w in re.findall(r"[\w가-힣]+", value)
                                                       if w.lower() not in _FILLER_WORDS]) < 2:
            value = ""  # "oh wait, I need to change the description": "wait" is no description; it is asked for
        said_wrong = slot in ("complaint_place", "new_address") and says_change(conv.latest_text(tracker))
        if not (value and self.accepts(slot, value, tracker)) and slot != "complaint_text" and not said_wrong \
                and self.accepts(slot, conv.latest_text(tracker), tracker):
            # A question with its own parser reads the whole message ("그냥 카드로 할게요", "wrong phone, it's 010-…");
            # an address or a place is found inside it by its own extractor; a description is never the whole
            # message that asks to change it ("내용을 좀 더 자세하게 적고 싶은데요" asks the description again), nor is a
            # place the message that says the old one was wrong ("the location, i put the wrong building").
            value = conv.latest_text(tracker)
        if value and slot != "complaint_text" and not self.accepts(slot, value, tracker):
            value = ""  # words that are no value of its kind ("장소가 잘못됐어요"): the question is asked again
        if not value:
            dispatcher.utter_message(text=text("change_field", lang, field=text(f"field_{slot}", lang)))
            undo: List[EventType] = []
            if requested in CONFIRM_SLOTS and tracker.get_slot(slot) is not None:
                # "can I change the date?" then "actually no, leave it as it was": the old answer comes back
                kept = {name: tracker.get_slot(name) for name in (slot, *_DEPENDANTS.get(slot, ()))}
                undo = [SlotSet("summary_undo", {"slot": slot, "values": kept})]
            return [SlotSet(slot, None)] + [SlotSet(name, value) for name, value in resets.items()] + undo
        before, said = tracker.get_slot(slot), conv.latest_text(tracker)
        tracker.latest_message = {**(tracker.latest_message or {}), "text": value, "entities": []}
        tracker.slots.update({slot: None, "requested_slot": slot, **resets})
        extracted = await self._extract_slot(slot, dispatcher, tracker, domain)
        tracker.slots["requested_slot"] = requested
        if slot in MULTI_CHOICE_SLOTS and _ADDS.search(said) \
                and isinstance(before, list) and isinstance(extracted.get(slot), list):
            extracted[slot] = before + [choice for choice in extracted[slot] if choice not in before]
        if requested in CONFIRM_SLOTS and is_yes(said) and not _asks_somewhere(said) and extracted.get(slot) == before \
                and before is not None:
            # "네 1번 카드로 결제할게요": a yes that repeats what the summary shows changes nothing; it is a yes
            return [SlotSet(requested, True), SlotSet("summary_change", None)]
        if requested in CONFIRM_SLOTS and before is not None and extracted.get(slot) == before:
            # A change read as the same value is never "changed". Where it turns something down ("scratch the bank
            # transfer, I'll just use my card" taken as the transfer again) the question itself is asked again; a
            # restatement ("가족 다 같이 가요" when all move already) keeps it and shows the summary again.
            if _TURNS_DOWN.search(said) or _WANTS_TO_CHANGE.search(said):
                # ("결제방법 바꿀래요 이번달 카드값이 너무 많이 나와서": the card named in the reason, the change wanted)
                dispatcher.utter_message(text=text("change_field", lang, field=text(f"field_{slot}", lang)))
                return [SlotSet(slot, None)] + [SlotSet(name, value) for name, value in resets.items()]
            # "확인 누르면 바로 카드에서 돈 빠져나가요? 아니면 결제창이 따로 뜨는거에요?": a question about the answer
            # shown, no change to it; what confirming does is told, then the summary again
            asked_about = _asks_somewhere(said) and has_text(f"help_{requested}")
            dispatcher.utter_message(text=text(f"help_{requested}" if asked_about else "kept_as_before", lang))
            return [SlotSet(name, value) for name, value in {**resets, slot: before}.items()
                    if name not in _DEPENDANTS.get(slot, ())]
        if extracted.get(slot) is not None:
            dispatcher.utter_message(text=text("corrected", lang, field=text(f"field_{slot}", lang)))
        updates = {**resets, slot: None, **extracted}
        return [SlotSet(name, value) for name, value in updates.items()]

    async def keep_early(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict, requested: Text) -> List[EventType]:
        """An answer to a later question: its own extractor reads it as if it were asked, it is kept, and the asked
        question comes again."""
        slot = reading.slot or requested
        tracker.slots.update({"requested_slot": slot})
        extracted = await self._extract_slot(slot, dispatcher, tracker, domain)
        tracker.slots["requested_slot"] = requested
        if extracted.get(slot) is not None:
            dispatcher.utter_message(text=text("noted_early", conv.language(tracker),
                                               field=text(f"field_{slot}", conv.language(tracker))))
        return [SlotSet(name, value) for name, value in extracted.items()] + self.ask_again(requested)

    def correction_target(self, slot: Text, value: Text, tracker: Tracker) -> Text:
        """The answer a correction really changes (a form may know better: "2번 주소예요" is the address choice)."""
        return slot

    # --- the summary before a state change: yes, or change one answer ---------------------------------------------
    def confirm_answer(self, slot: Text, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        message = conv.latest_text(tracker)
        intent, _ = conv.latest_intent(tracker)
        if not keeps_as_is(message) and (is_no(message) or (negated(message) and not is_yes(message))):
            # "아뇨 이대로는 안돼요", "아니 그대로 접수하면 안돼요": never a yes, whatever else the words say
            return {slot: None, "summary_change": True}
        if tracker.get_slot("summary_change") and not keeps_as_is(message) and (is_yes(message) or intent == "affirm"):
            # "아니요" then "네": after saying something is wrong, a bare yes answers "what should change?" with
            # nothing; it is asked again (its text says how to keep everything as it is).
            return {slot: None}
        if is_yes(message) or intent == "affirm" or keeps_as_is(message):
            return {slot: True, "summary_change": None}
        if is_no(message) or intent == "deny" or says_change(message):
            # "no", or "I need to change something" naming no answer we know: "what should change?"
            return {slot: None, "summary_change": True}
        dispatcher.utter_message(text=text("help_summary", conv.language(tracker)))
        return {slot: None}

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if tracker.get_slot("requested_slot") is None and not conv.citizen_token(tracker):
            # Activation before verification: the first message may already hold the service's answer
            # ("AP-2026-000123 어디까지 됐나요?", "가로등이 꺼졌어요"); keep it for after verification.
            for slot in self.form_slots():
                extracted = await self._extract_slot(slot, dispatcher, tracker, domain)
                tracker.slots.update(extracted)
                events += [SlotSet(key, value) for key, value in extracted.items()]
        return events

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        if conv.citizen_token(tracker) and not tracker.get_slot("form_outcome"):
            updates = await self.prepare(dispatcher, tracker)
            if updates:
                tracker.slots.update(updates)
                events += [SlotSet(key, value) for key, value in updates.items()]
        return events

    # --- helpers for subclasses -------------------------------------------------------------------------------
    @staticmethod
    def answering(tracker: Tracker, slot: Text) -> bool:
        return tracker.get_slot("requested_slot") == slot

    def ended(self, outcome: str) -> Dict[Text, Any]:
        """Slot updates that end the form early; the submit action reads `form_outcome`."""
        return {"form_outcome": outcome, "requested_slot": None}

    # --- phone -------------------------------------------------------------------------------------------------
    async def extract_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("phone"):
            return {}
        if not self.answering(tracker, "phone"):
            channel_phone = (normalise_phone(str(conv.metadata(tracker).get("contact_phone") or ""))
                             or phone_from_sender(tracker.sender_id))
            if not channel_phone and tracker.get_slot("requested_slot") is None:
                channel_phone = normalise_phone(conv.latest_text(tracker))  # said in the first message
            return {"phone": channel_phone} if channel_phone else {}
        phone = normalise_phone(conv.latest_text(tracker))
        if phone:
            return {"phone": phone}
        dispatcher.utter_message(text=text("bad_phone", conv.language(tracker)))
        return {"phone": None}

    # --- birth date (then the code is sent) ---------------------------------------------------------------------
    async def extract_birth_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "birth_date"):
            return self._birth_date_in_first_message(tracker)
        born = parse_birth_date(conv.latest_text(tracker))
        if born:
            return {"birth_date": born.isoformat()}
        dispatcher.utter_message(text=text("bad_birth_date", conv.language(tracker)))
        return {"birth_date": None}

    @staticmethod
    def _birth_date_in_first_message(tracker: Tracker) -> Dict[Text, Any]:
        """'010-1234-5678 850314 과태료 낼게요': a message with the phone (the first one, or the answer to the phone
        question: "my mobile is 010-… and my date of birth is January 5, 1989") often has the birth date too. Only
        beside a phone number or words that name it ('과태료 낼래요 생년월일 1992-05-02'), so a case number's
        digits are never read as a date."""
        message = conv.latest_text(tracker)
        if tracker.get_slot("requested_slot") not in (None, "phone") or tracker.get_slot("birth_date") \
                or not (normalise_phone(message) or SLOT_WORDS["birth_date"].search(message)):
            return {}
        rest = _PHONE_OR_CASE.sub(" ", message)
        born = parse_birth_date(rest)
        return {"birth_date": born.isoformat()} if born else {}

    async def validate_birth_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        if not value or not tracker.get_slot("phone"):
            return {}
        lang = conv.language(tracker)
        result = await get_client().start_verification(tracker.get_slot("phone"), value, tracker.sender_id)
        if result.ok:
            return {"birth_date": value, "verification_id": result.value.get("verification_id"),
                    "masked_phone": result.value.get("masked_phone")}
        if result.kind == ErrKind.INVALID and result.code == "invalid_phone":
            dispatcher.utter_message(text=text("bad_phone", lang))
            return {"phone": None, "birth_date": None}
        if result.kind == ErrKind.INVALID:
            dispatcher.utter_message(text=text("bad_birth_date", lang))
            return {"birth_date": None}
        if result.kind == ErrKind.RATE_LIMITED:
            dispatcher.utter_message(text=text("verify_rate_limited", lang,
                                               seconds=result.detail.get("retry_after_seconds")))
        else:
            dispatcher.utter_message(text=text("verify_unavailable", lang))
        return {**verification_reset(), **self.ended(OUTCOME_UNAVAILABLE)}

    # --- one-time code ----------------------------------------------------------------------------------------------
    async def extract_otp_code(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "otp_code"):
            return {}
        lang = conv.language(tracker)
        message = conv.latest_text(tracker)
        code = parse_otp(message)
        if code:
            return {"otp_code": code}
        if wants_resend(message):
            return await self._resend(dispatcher, tracker, lang)
        dispatcher.utter_message(text=text("bad_otp", lang))
        return {"otp_code": None}

    async def _resend(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> Dict[Text, Any]:
        result = await get_client().resend_code(tracker.get_slot("verification_id") or "-")
        if result.ok:
            dispatcher.utter_message(text=text("code_resent", lang))
            return {"otp_code": None}
        if result.kind == ErrKind.RATE_LIMITED:  # too soon after the last code, or too many codes
            dispatcher.utter_message(text=text("resend_wait", lang, seconds=result.detail.get("retry_after_seconds")))
            return {"otp_code": None}
        if result.kind == ErrKind.LOCKED:
            dispatcher.utter_message(text=text("verify_locked", lang))
            return {**verification_reset(), **self.ended(OUTCOME_LOCKED)}
        dispatcher.utter_message(text=text("verify_unavailable", lang))
        return {**verification_reset(), **self.ended(OUTCOME_UNAVAILABLE)}

    async def validate_otp_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if not value:
            return {}
        lang = conv.language(tracker)
        result = await get_client().verify_code(tracker.get_slot("verification_id") or "-", str(value))
        if result.ok:
            citizen = result.value.get("citizen") or {}
            dispatcher.utter_message(text=text("verified", lang, name=citizen.get("name", "")))
            return {"otp_code": "ok", "verified": True, "citizen_token": result.value.get("access_token"),
                    "citizen_token_expires": result.value.get("expires_at"), "citizen_id": citizen.get("id"),
                    "citizen_name": citizen.get("name")}
        if result.kind == ErrKind.INVALID:
            left = result.detail.get("attempts_left")
            dispatcher.utter_message(text=text("wrong_code", lang, left=left))
            return {"otp_code": None}
        if result.kind == ErrKind.GONE:
            return await self._resend_after_expiry(dispatcher, tracker, lang)
        if result.kind == ErrKind.LOCKED:
            dispatcher.utter_message(text=text("verify_locked", lang))
            return {**verification_reset(), **self.ended(OUTCOME_LOCKED)}
        if result.kind == ErrKind.RATE_LIMITED:
            dispatcher.utter_message(text=text("verify_rate_limited", lang,
                                               seconds=result.detail.get("retry_after_seconds")))
            return {**verification_reset(), **self.ended(OUTCOME_UNAVAILABLE)}
        if result.kind == ErrKind.NOT_FOUND:  # the verification vanished: start again from the phone
            dispatcher.utter_message(text=text("session_expired", lang))
            return verification_reset()
        dispatcher.utter_message(text=text("verify_unavailable", lang))
        return {"otp_code": None}

    async def _resend_after_expiry(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   lang: str) -> Dict[Text, Any]:
        result = await get_client().resend_code(tracker.get_slot("verification_id") or "-")
        if result.ok:
            dispatcher.utter_message(text=text("code_expired", lang))
            return {"otp_code": None}
        dispatcher.utter_message(text=text("session_expired", lang))
        return verification_reset()


class ValidateVerifyForm(VerifiedFormValidation):
    """Verification alone, for 'my applications' and 'did my payment go through'; remembers which."""

    def name(self) -> Text:
        return "validate_verify_form"

    def meant_instead(self, message: Text, tracker: Tracker) -> Optional[Text]:
        purpose = tracker.slots.get("verify_purpose")
        if purpose == "list_applications" and _HAS_NUMBER.search(message):
            # "신청한 서류가 어디까지 되었는지 알고 싶어서요. 접수번호는 제가 가지고 있습니다.": one case, by its number
            return "check_application_status"
        if purpose == "subscribe_updates" and not _ASKS_NOTICE.search(message):
            # "과태료 안내 문자를 받고 연락 드립니다. 이 문자로 바로 낼수 있는지요" (NLU: subscribe_updates 0.52, pay_fine
            # 0.45): the notice is the background, paying is asked
            ranking = (tracker.latest_message or {}).get("intent_ranking") or []
            heard = {str(r.get("name")) for r in ranking[1:3] if float(r.get("confidence") or 0) >= 0.3}
            named = [name for name in services_named(message) if name in heard]
            if len(named) == 1 and _WANT_OR_CAN.search(message):
                return named[0]
        return None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        if tracker.get_slot("requested_slot") is None:  # activation: the intent that asked for it
            purpose, _ = conv.latest_intent(tracker)
            tracker.slots["verify_purpose"] = purpose
            events.append(SlotSet("verify_purpose", purpose))
        return events + await super().run(dispatcher, tracker, domain)
