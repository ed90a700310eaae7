"""`text()`: the bot's texts from its gettext catalogue (domain "actions"), rendered in Korean or English.

The texts live in locale/{ko,en}/LC_MESSAGES/actions.po, one entry per key (msgid = the key the code names, msgstr =
the text), compiled to .mo and read once per process with the standard library (minwon_core/catalogue.py). To add
or change a text: README, "Tests" (`make catalogues`). Template syntax (resolved here at render time, so callers
pass plain values):
  {name}        the value
  {name|로}     the value and the Korean particle that fits it (actions/particles.py picks 로/으로, 이/가, ...)
  [ ... ]       an optional part: left out when any value inside it is empty (None, "", "-")
A plural text is a gettext plural entry (English one/other, Korean one form), called with `ntext(key, lang, count)`
so extraction knows; its form is chosen by `count`. A key chosen at run time is marked with N_ (BUILT_KEYS for keys
built from a name). A value that is empty outside an optional part takes its word from FALLBACKS, so no reply
reads "None", "님," or "( 기준)"; a timestamp is shown as a date and time in the citizen's language and Korean time.
Voice: 해요체 in Korean (docs/GLOSSARY.md). Words and their English names: docs/GLOSSARY.md.
SMS: a Korean text fits one segment (70 characters) with realistic values unless SMS_BUDGET allows two;
tests/actions/test_texts_catalogue.py and bench/sms_segments.py check it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from actions.particles import attach
from actions.settings import CALL_CENTRE_NUMBER
from minwon_core import catalogue

# Step help reaches SMS users under these words: the SMS connector answers "도움말"/"help"/"info" itself as the
# carrier HELP keyword (connectors/sms_keywords.py), so the bot never hears them there. The fallback text names them.
HELP_WORD = {"ko": "사용법", "en": "instructions"}
DOMAIN = "actions"
# Values every text may use without the caller passing them.
CONSTANTS: dict[str, object] = {"call_centre": CALL_CENTRE_NUMBER}


def N_(key: str) -> str:
    """Marks a key the code chooses at run time (a table, a condition) so `pybabel extract` sees it."""
    return key


# Keys the code builds from a name at run time (f"field_{slot}"): each family's members, for extraction.
# tests/actions/test_texts_catalogue.py checks that every such f-string has its family here and that each member's
# suffix names something real (a form's slot, an intent, a case number's prefix, a payment method, a FAQ topic).
BUILT_KEYS: dict[str, tuple[str, ...]] = {
    # the label of a slot: "corrected", "change_field", "recall_value", the summary's "what to change"
    "field_": (N_("field_phone"), N_("field_birth_date"), N_("field_otp_code"), N_("field_case_number"),
               N_("field_fine_ids"), N_("field_payment_method"), N_("field_new_address"), N_("field_address_id"),
               N_("field_effective_date"), N_("field_member_ids"), N_("field_complaint_text"),
               N_("field_complaint_category"), N_("field_complaint_place"), N_("field_photo_id")),
    # a step's help (the requested slot); help_general where a step has none
    "help_": (N_("help_phone"), N_("help_birth_date"), N_("help_otp_code"), N_("help_case_number"),
              N_("help_fine_ids"), N_("help_payment_method"), N_("help_new_address"), N_("help_address_id"),
              N_("help_effective_date"), N_("help_member_ids"), N_("help_address_confirm"),
              N_("help_payment_confirm"), N_("help_complaint_confirm"), N_("help_complaint_text"),
              N_("help_complaint_category"), N_("help_complaint_place"), N_("help_photo_id")),
    # "why do you need it?" / a vague answer, where the step has its own text
    "why_": (N_("why_phone"), N_("why_birth_date"), N_("why_fine_ids"), N_("why_otp_code")),
    "vague_": (N_("vague_complaint_place"), N_("vague_effective_date")),
    # what the choices mean, asked where they are asked (actions/interpret.py: "which category is it, rubbish or roads?")
    "options_": (N_("options_complaint_text"), N_("options_complaint_category"), N_("options_effective_date"),
                 N_("options_payment_method"), N_("options_new_address")),
    # a button each, in the clarifying question (actions/handoff.py CLARIFIABLE)
    "intent_": (N_("intent_check_application_status"), N_("intent_list_applications"), N_("intent_check_payment"),
                N_("intent_pay_fine"), N_("intent_change_address"), N_("intent_file_complaint"),
                N_("intent_subscribe_updates"), N_("intent_request_human"), N_("intent_help")),
    # {service} of switched_service, queued_next and resumed_task
    "service_": (N_("service_check_application_status"), N_("service_list_applications"),
                 N_("service_check_payment"), N_("service_pay_fine"), N_("service_change_address"),
                 N_("service_file_complaint")),
    # by a case number's prefix (actions/subscriptions.py)
    "follow_": (N_("follow_PY"), N_("follow_MV"), N_("follow_CP")),
    "subscription_offer_": (N_("subscription_offer_AP"), N_("subscription_offer_CP"), N_("subscription_offer_MV"),
                            N_("subscription_offer_PY"), N_("subscription_offer_FN")),
    # by govapi's payment method
    "method_name_": (N_("method_name_card"), N_("method_name_virtual_account")),
    # faq_<topic> or faq_<topic>_<service> (actions/interpret.py TASK_QUESTIONS, actions/verification.py)
    "faq_": (N_("faq_fee"), N_("faq_fee_pay_fine"), N_("faq_documents"), N_("faq_duration"),
             N_("faq_duration_pay_fine"), N_("faq_duration_change_address"), N_("faq_duration_file_complaint"),
             N_("faq_duration_check_application_status"), N_("faq_deadline"), N_("faq_deadline_change_address"),
             N_("faq_deadline_check_application_status"), N_("faq_deadline_pay_fine"),
             N_("faq_handled"), N_("faq_handled_file_complaint"), N_("faq_handled_pay_fine")),
}


# The word an empty value outside an optional part is shown as (by placeholder name): the catalogue key of its text
# (fallback_<name>, in both languages), or None where an empty value shows nothing at all. A placeholder that is
# neither optional nor here must always be given: the catalogue test renders every text with empty values.
FALLBACKS: dict[str, str | None] = {
    "masked": N_("fallback_masked"),
    "number": N_("fallback_number"),
    "status": N_("fallback_status"),
    "office": N_("fallback_office"),
    "department": N_("fallback_department"),
    "reason": N_("fallback_reason"),
    "answer": N_("fallback_answer"),
    "docs": N_("fallback_docs"),
    "date": N_("fallback_date"),
    "deadline": N_("fallback_deadline"),
    "due": N_("fallback_due"),
    "kind": None,
    "count": N_("fallback_count"),
    "left": None,
    "minutes": N_("fallback_minutes"),
    "service": N_("fallback_service"),
    "field": N_("fallback_field"),
    "fields": N_("fallback_fields"),
    "fines": N_("fallback_fines"),
    "method": N_("fallback_method"),
    "bank": None,
    "account": N_("fallback_account"),
    "payment_id": N_("fallback_payment_id"),  # English texts keep the number optional: no word there
    "address": N_("fallback_address"),
    "members": N_("fallback_members"),
    "names": N_("fallback_names"),
    "agencies": N_("fallback_agencies"),
    "label": N_("fallback_label"),
    "text": N_("fallback_text"),
    "category": N_("fallback_category"),
    "place": N_("fallback_place"),
    "photo": N_("fallback_photo"),
    "topics": N_("fallback_topics"),
    "quiet": None,
    "items": N_("fallback_items"),
    "value": N_("fallback_value"),
}

# The domain's responses (domain.yml `responses:`) are catalogue entries under their own names, and the catalogue is
# their source of truth: edit the .po files, then copy the text into domain.yml. They stay in the domain because Rasa
# sends them itself, with no call to the action server (each call costs the turn a serialised tracker and domain, see
# DESIGN.md), and rules and conversation tests name them; tests/actions/test_texts_catalogue.py fails while a
# response's text in either language differs from its entry here.
DOMAIN_RESPONSES = (N_("utter_greet"), N_("utter_goodbye"), N_("utter_you_are_welcome"), N_("utter_out_of_scope"),
                    N_("utter_bot_challenge"), N_("utter_language_switched"))

# Segments (SMS) a text may take with realistic values, where one is not enough; every other text: one.
SMS_BUDGET: dict[str, int] = {
    "status_appeal": 2,  # three routes and their limits, sourced above
    "complaint_summary": 2,  # the citizen's own words, shown back before filing
}


class EmptyValue(ValueError):
    """A placeholder outside an optional part had no value and has no fallback word."""


_PLACEHOLDER = re.compile(r"{(\w+)(?:\|(\w+))?}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_TZ = ZoneInfo("Asia/Seoul")
# A month's name in a date shown to the citizen ('3월' / 'Mar'), by its number.
_MONTHS = (N_("label_month_1"), N_("label_month_2"), N_("label_month_3"), N_("label_month_4"), N_("label_month_5"),
           N_("label_month_6"), N_("label_month_7"), N_("label_month_8"), N_("label_month_9"), N_("label_month_10"),
           N_("label_month_11"), N_("label_month_12"))


def _empty(value: object) -> bool:
    # "-" is what callers pass for "unknown"; "None" is str(None) from a caller that formatted first.
    return value is None or (isinstance(value, str) and value.strip() in ("", "-", "None"))


def duration(seconds: object, lang: str) -> str:
    """30 -> '30초' / '30 seconds'; 3600 -> '1시간' / '1 hour' (rounded up to the unit shown)."""
    s = max(1, int(float(seconds)))  # type: ignore[arg-type]
    if s < 60:
        return ntext("duration_seconds", lang, s)
    if s < 3600:
        return ntext("duration_minutes", lang, -(-s // 60))
    return ntext("duration_hours", lang, -(-s // 3600))


def when(value: object, lang: str) -> str:
    """A timestamp (datetime or ISO text) in Korean time: '12월 7일 09:00' / '7 Dec 09:00'."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))  # noqa: FURB162 (3.10 reads no Z)
    if moment.tzinfo is not None:
        moment = moment.astimezone(_TZ)
    return text("format_when", lang, month=text(_MONTHS[moment.month - 1], lang), day=moment.day,
                time=f"{moment:%H:%M}")


def _show(name: str, value: object, lang: str) -> str:
    if name == "seconds":
        return duration(value, lang)
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _TIMESTAMP.match(value)):
        try:
            return when(value, lang)
        except ValueError:
            return str(value)
    return str(value)


def _fill(template: str, values: Mapping[str, object], lang: str, optional: bool) -> str:
    def one(match: re.Match) -> str:
        name, particle_name = match.group(1), match.group(2)
        value = values.get(name)
        if _empty(value):
            if optional:
                raise _Drop()
            if name not in FALLBACKS:
                raise EmptyValue(name)
            fallback = FALLBACKS[name]
            shown = catalogue.message(DOMAIN, fallback, lang) if fallback else ""
        else:
            shown = _show(name, value, lang)
        return attach(shown, particle_name) if particle_name and shown else shown
    return _PLACEHOLDER.sub(one, template)


class _Drop(Exception):
    """An optional part has an empty value: the part is left out."""


def _part(piece: str, values: Mapping[str, object], lang: str, optional: bool) -> str:
    try:
        return _fill(piece, values, lang, optional)
    except _Drop:
        return ""


def template_of(key: str, language: str, count: object = None) -> str:
    """The template for `key` in `language` (Korean unless 'en'), its plural form chosen by `count`."""
    return catalogue.message(DOMAIN, key, "en" if language == "en" else "ko", count)


def has_text(key: str) -> bool:
    """Whether the catalogue holds `key` (in both languages: the catalogue test makes sure of that)."""
    try:
        catalogue.message(DOMAIN, key, "ko")
    except catalogue.MissingMessage:
        return False
    return True


def render(template: str, language: str, values: Mapping[str, object]) -> str:
    lang = "en" if language == "en" else "ko"
    values = {**CONSTANTS, **values}
    # One pass over the template's own pieces: a value (a complaint's text) is never read as a template.
    pieces = _OPTIONAL.split(template)  # plain, optional, plain, optional, ...
    out = "".join(_part(piece, values, lang, optional=bool(i % 2)) for i, piece in enumerate(pieces))
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([.,:)])", r"\1", out)
    return out.strip()


def text(key: str, language: str, **values: object) -> str:
    """The text for `key` in `language` (Korean unless 'en'), with its placeholders filled (see module doc)."""
    return render(template_of(key, language, values.get("count")), language, values)


def ntext(key: str, language: str, count: object, **values: object) -> str:
    """A plural text: the form `count` needs (extraction reads the key as a plural entry)."""
    return text(key, language, count=count, **values)


def pick(labels: object, language: str) -> str:
    """A govapi {ko, en} label in the citizen's language (tolerates a plain string or None)."""
    if isinstance(labels, dict):
        return str(labels.get("en" if language == "en" else "ko") or labels.get("ko") or labels.get("en") or "")
    return "" if labels is None else str(labels)


def won(amount: object) -> str:
    """12345 -> '12,345'; nothing for a missing amount (never 'None')."""
    try:
        return f"{int(amount):,}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "" if amount is None else str(amount)
