"""Verification as one reusable sub-dialogue: every service form asks phone, birth date and the one-time code
first (unless the citizen is already verified in this session), then its own slots.

The phone is prefilled from the channel (SMS sender id `sms:<E.164>` or metadata `contact_phone`); the citizen
can ask to resend; wrong codes count down; a lockout ends the form and hands the conversation to a person.
"""
from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions.govapi_client import ErrKind, get_client
from actions.parsing import normalise_phone, parse_birth_date, parse_otp, phone_from_sender, wants_resend
from actions.texts import text

logger = logging.getLogger(__name__)

VERIFY_SLOTS = ["phone", "birth_date", "otp_code"]

# form_outcome tells the submit action why a form ended early.
OUTCOME_LOCKED = "locked"
OUTCOME_UNAVAILABLE = "unavailable"
OUTCOME_NOTHING = "nothing"


def verification_reset() -> Dict[str, Any]:
    return {"phone": None, "birth_date": None, "otp_code": None, "verification_id": None, "masked_phone": None}


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

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("form_outcome"):
            return []
        if not conv.citizen_token(tracker):
            return list(VERIFY_SLOTS)
        return await self.service_slots(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # rasa_sdk returns only the validated (required) slots; helper slots set while extracting (a guessed
        # category, a reset after "no, that's wrong") must reach Rasa too.
        extraction_events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction_events)
        validation_events = await self._extract_validation_events(dispatcher, tracker, domain)
        validated = {event.get("name") for event in validation_events}
        return [e for e in extraction_events if e.get("name") not in validated] + validation_events

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
            return {"phone": channel_phone} if channel_phone else {}
        phone = normalise_phone(conv.latest_text(tracker))
        if phone:
            return {"phone": phone}
        if conv.is_digression(tracker):
            return {}
        dispatcher.utter_message(text=text("bad_phone", conv.language(tracker)))
        return {"phone": None}

    # --- birth date (then the code is sent) ---------------------------------------------------------------------
    async def extract_birth_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "birth_date"):
            return {}
        born = parse_birth_date(conv.latest_text(tracker))
        if born:
            return {"birth_date": born.isoformat()}
        if conv.is_digression(tracker):
            return {}
        dispatcher.utter_message(text=text("bad_birth_date", conv.language(tracker)))
        return {"birth_date": None}

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
            dispatcher.utter_message(text=text("verify_rate_limited", lang))
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
        if conv.is_digression(tracker):
            return {}
        dispatcher.utter_message(text=text("bad_otp", lang))
        return {"otp_code": None}

    async def _resend(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> Dict[Text, Any]:
        result = await get_client().resend_code(tracker.get_slot("verification_id") or "-")
        if result.ok:
            dispatcher.utter_message(text=text("code_resent", lang))
            return {"otp_code": None}
        if result.kind == ErrKind.RATE_LIMITED:  # too soon after the last code, or too many codes
            seconds = result.detail.get("retry_after_seconds") or 30
            dispatcher.utter_message(text=text("resend_wait", lang, seconds=seconds))
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
            dispatcher.utter_message(text=text("wrong_code", lang, left=left if left is not None else "?"))
            return {"otp_code": None}
        if result.kind == ErrKind.GONE:
            return await self._resend_after_expiry(dispatcher, tracker, lang)
        if result.kind == ErrKind.LOCKED:
            dispatcher.utter_message(text=text("verify_locked", lang))
            return {**verification_reset(), **self.ended(OUTCOME_LOCKED)}
        if result.kind == ErrKind.RATE_LIMITED:
            dispatcher.utter_message(text=text("verify_rate_limited", lang))
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        if tracker.get_slot("requested_slot") is None:  # activation: the intent that asked for it
            purpose, _ = conv.latest_intent(tracker)
            tracker.slots["verify_purpose"] = purpose
            events.append(SlotSet("verify_purpose", purpose))
        return events + await super().run(dispatcher, tracker, domain)
