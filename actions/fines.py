"""Pay fines: the citizen's unpaid fines with today's amount (govapi computes it), choose one or all, confirm
the total by choosing how to pay, get a payment link (a button) or a virtual account; later, the receipt."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions import pending
from actions.common import ask_what_to_change, early_end, then_offer_updates, yes_no_buttons
from actions.conversation import clear_form_slots
from actions.govapi_client import ErrKind, GovApiClient, Result, get_client
from actions.interpret import says_change
from actions.parsing import is_yes, means_all, parse_choices, without_rejected
from actions.texts import N_, ntext, pick, text, won
from actions.verification import OUTCOME_NOTHING, OUTCOME_UNAVAILABLE, VerifiedFormValidation

_CARD = re.compile(r"(^\s*1\s*$|카드|링크|card|link|online|\bvisa\b|master\s*card|\bamex\b|\bcredit\b|\bdebit\b)",
                   re.IGNORECASE)
_ACCOUNT = re.compile(r"(^\s*2\s*$|계좌|가상|이체|입금|무통장|account|\bac+ou?nt\b|\bacct\b|\ba/c\b|transfer|bank)", re.IGNORECASE)
# In the message that starts a payment only the way itself counts ("can I pay online?" chooses nothing).
_CARD_NAMED = re.compile(r"(카드|\bcard\b|\bcredit\b|\bvisa\b|master\s*card)", re.IGNORECASE)
_ACCOUNT_NAMED = re.compile(r"(가상\s*계좌|계좌\s*(이체|입금)|무통장|virtual (account|acct|ac+ou?nt)|bank transfer)", re.IGNORECASE)
ALL_FINES = "*all*"  # fine_ids before the list is fetched: "all of them", said in the first message


_NOTICE = re.compile(r"FN[\s-]?(\d{4})[\s-]?(\d{6})", re.IGNORECASE)


def _option(fine: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": fine.get("id"), "number": fine.get("notice_number"), "kind": fine.get("kind"),
            "kind_label": fine.get("kind_label"),
            "amount_due": fine.get("amount_due"), "due_date": fine.get("due_date"),
            "overdue": bool(fine.get("overdue")) or bool(fine.get("late_fee")),
            "pending": (fine.get("pending_payment") or {}).get("method")}


def pick_fines(message: str, options: List[Dict[str, Any]]) -> Optional[List[int]]:
    """Fines chosen by number in the list, notice number (FN-2026-000123), kind ('주정차', 'speed camera') or all."""
    message = without_rejected(message or "")  # "1번 말고 2번", "the first one not the second"
    notices = {f"FN-{a}-{b}" for a, b in _NOTICE.findall(message)}
    if notices:
        picked = [i for i, o in enumerate(options) if str(o.get("number") or "").upper() in notices]
        return picked or None
    # A kind or an amount first: "the parking one" and "the 40,000 one" are not choice number one.
    low = (message or "").lower()
    named = [i for i, o in enumerate(options)  # whole words: "credit card" does not name a "Red light" fine
             if any(len(label) >= 2 and re.search(rf"(?<![a-z]){re.escape(label.lower())}(?![a-z])", low)
                    for label in _kind_words(o))]
    if not named:  # "the parking one", "버스전용차로 거": a telling word of the kind
        named = [i for i, o in enumerate(options)
                 if any(re.search(rf"(?<![a-z]){re.escape(word)}", low) for word in _telling_words(o))]
    if named and _about_something_else(low, [w.lower() for i in named for w in _kind_words(options[i])]):
        named = []  # "sorry was just getting off the bus" names no bus lane fine
    if not named:  # "the 40,000 one", "4만원짜리": the amount
        named = [i for i, o in enumerate(options) if _names_amount(low, o.get("amount_due"))]
    if not named and options and _DUE_FIRST.search(low) and all(o.get("due_date") for o in options):
        dues = [str(o.get("due_date"))[:10] for o in options]
        named = [dues.index(min(dues))]  # the first of equal ones
    if not named and options and (_CHEAPEST.search(low) or _DEAREST.search(low)):
        # "제일 싼 거 하나 먼저", "the most expensive one": by the amount due (the first of equal ones)
        amounts = [float(o.get("amount_due") or 0) for o in options]
        target = min(amounts) if _CHEAPEST.search(low) else max(amounts)
        named = [amounts.index(target)]
    return named or parse_choices(message, len(options)) or None


# Words around a choice that choose nothing ("could I pay just the parking one for now").
_FILLER = frozenset("the a an one ones that this those these pay paying please pls i i'd i'll i'm id ill im want wanna "
                    "would like to just only it its it's is for now first can could do let me my lets let's go with fine "
                    "fines ticket tickets and then ok okay yes yeah sure of".split())


def _about_something_else(low: str, kind_words: List[str]) -> bool:
    """An English sentence with three or more words beside the kind's words and words of choosing."""
    if re.search(r"[가-힣]", low):
        return False
    named = {w for label in kind_words for w in re.findall(r"[a-z']+", label)}
    other = [w for w in re.findall(r"[a-z']+", low) if w not in _FILLER and w not in named]
    return len(other) >= 3


def _kind_words(option: Dict[str, Any]) -> List[str]:
    label = option.get("kind_label") or {}
    words = [str(v) for v in label.values()] if isinstance(label, dict) else [str(label)]
    # '주정차 위반' is also said '주정차'; 'Speed camera' also 'speed'.
    return words + [w.split()[0] for w in words if " " in w]


_CHEAPEST = re.compile(r"((제일|가장|젤|더)\s*(싼|적은|작은|저렴한)|금액\s*(제일|가장|젤|더)?\s*(적은|작은)|cheap(est|er)|smaller|smallest|"
                       r"lower|lowest|least expensive|less expensive)")
_DEAREST = re.compile(r"((제일|가장|젤|더)\s*(비싼|큰|많은)|most expensive|more expensive|bigger|biggest|larger|largest|"
                      r"higher|highest)")
# The one due first ("기한 젤 급한거요", "the one due first", "the most urgent"); its due date decides.
_DUE_FIRST = re.compile(r"((기한|마감|납부\s*기한)\S*\s*(이|가)?\s*(제일|가장|젤|더)?\s*(급한|빠른|가까운|먼저|임박)|(제일|가장|젤)\s*급한|"
                        r"\bdue (first|soonest|earliest|sooner)\b|\b(earliest|soonest|most urgent|closest) (due|deadline|one)\b|"
                        r"\bmost urgent\b|\bdue date (is )?(first|earliest|soonest)\b)")


# Words every kind shares: they tell no fine from another.
_GENERIC = {"fine", "fines", "tax", "taxes", "penalty", "violation", "illegal", "unpaid", "arrears", "vehicle", "car",
            "과태료", "범칙금", "위반", "체납", "세금", "미납", "자동차"}


def _telling_words(option: Dict[str, Any]) -> List[str]:
    words = set()
    for label in _kind_words(option):
        for word in re.findall(r"[a-z]{3,}|[가-힣]{2,}", label.lower()):
            if word not in _GENERIC:
                words.add(word)
    return sorted(words)


def _names_amount(low: str, amount: Any) -> bool:
    """'40,000', '40000원', '4만원' name an amount of 40000."""
    if not isinstance(amount, (int, float)) or amount <= 0:
        return False
    said = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]{2,}", low)}
    said |= {int(n) * 10000 for n in re.findall(r"(\d+)\s*만", low)}
    return int(amount) in said


def _late_key(option: Dict[str, Any]) -> str:
    """A tax in arrears gains 납부지연가산세, a fine 가산금 (docs/GLOSSARY.md)."""
    return N_("tax_late") if str(option.get("kind") or "").endswith("tax_arrears") else N_("fine_late")


def chosen(tracker: Tracker) -> List[Dict[str, Any]]:
    ids = tracker.get_slot("fine_ids") or []
    return [option for option in tracker.get_slot("fine_options") or [] if option["id"] in ids]


# A way to pay said with a verb that chooses it ("카드로 할래요", "I'll pay by card"), not in a reason beside it.
_CARD_CHOSEN = re.compile(r"(카드\s*(로|으로)\s*(바로\s*|그냥\s*)?(할|해|낼|결제|갈|하겠|바꿔|부탁)|\b(by|with|use|on) (my |a )?(credit |debit )?card\b)",
                          re.IGNORECASE)
_ACCOUNT_CHOSEN = re.compile(r"((가상\s*)?계좌\s*(이체)?\s*(로|으로)\s*(할|해|낼|결제|갈|하겠|바꿔|부탁|입금)|이체\s*(로|으로)\s*(할|해|낼|갈|하겠|바꿔)|"
                             r"\b(by|with|use|via) (a |the )?(virtual account|bank transfer|transfer|account)\b)", re.IGNORECASE)

class ValidatePayFineForm(VerifiedFormValidation):
    def name(self) -> Text:
        return "validate_pay_fine_form"

    def form_slots(self) -> List[Text]:
        return ["fine_ids", "payment_method", "payment_confirm"]

    def own_services(self) -> List[Text]:
        return ["pay_fine"]

    def accepts(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "fine_ids":
            return bool(pick_fines(message, tracker.get_slot("fine_options") or []) or means_all(message))
        if slot == "payment_method":
            return bool(_ACCOUNT.search(message) or _CARD.search(message) or is_yes(message)
                        or (len(parse_choices(message, 2) or []) == 1 and not says_change(message)
                            and not says_change(conv.latest_text(tracker))))
            # ("앗 1번 말고 2번 낼게요 잘못 눌렀어요", "아 잠깐 1번 말고 2번이요 그게 더 급해요": a number put right, in any
            # part of the message, is the fine chosen before, not a way to pay)
        return super().accepts(slot, message, tracker)

    def fits(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "payment_method":  # unasked, only the way itself ("둘다 카드로 낼께요"), never a bare yes or number
            return bool(_CARD_NAMED.search(message) or _ACCOUNT_NAMED.search(message))
        return super().fits(slot, message, tracker)

    async def prepare(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if tracker.get_slot("fine_options") is not None:
            return {}
        lang = conv.language(tracker)
        result = await get_client().fines(conv.citizen_token(tracker), "unpaid")
        if not result.ok:
            dispatcher.utter_message(text=text(N_("session_expired") if result.kind == ErrKind.UNAUTHORIZED
                                               else N_("unavailable_read"), lang))
            return self.ended(OUTCOME_UNAVAILABLE)
        options = [_option(f) for f in result.value.get("fines") or [] if f.get("status", "unpaid") == "unpaid"]
        if not options:
            dispatcher.utter_message(text=text("no_fines", lang))
            return {"fine_options": [], **self.ended(OUTCOME_NOTHING)}
        updates: Dict[Text, Any] = {"fine_options": options, "fines_as_of": result.value.get("as_of")}
        if len(options) == 1:
            updates["fine_ids"] = [options[0]["id"]]  # nothing to choose: go straight to the total
        elif tracker.get_slot("fine_ids") == [ALL_FINES]:  # "과태료 전부 카드로 낼게요" said first: every fine, shown
            updates["fine_ids"] = [options[i]["id"] for i in pick_fines("all", options) or []] or None
        return updates

    async def extract_fine_ids(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "fine_ids"):
            if tracker.get_slot("requested_slot") is None and tracker.get_slot("fine_options") is None \
                    and means_all(conv.latest_text(tracker)):
                return {"fine_ids": [ALL_FINES]}  # the list is not known yet: chosen once it is (prepare)
            return {}
        options = tracker.get_slot("fine_options") or []
        picked = pick_fines(conv.latest_text(tracker), options)
        if picked:
            return {"fine_ids": [options[i]["id"] for i in picked]}
        dispatcher.utter_message(text=text("choose_number", conv.language(tracker)))
        return {"fine_ids": None}

    async def extract_payment_method(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        message = conv.latest_text(tracker)
        if not self.answering(tracker, "payment_method"):
            if tracker.get_slot("requested_slot") is None and not tracker.get_slot("payment_method"):
                # "과태료 카드로 낼게요": the way to pay said in the message that starts the payment
                if _ACCOUNT_NAMED.search(message):
                    return {"payment_method": "virtual_account"}
                if _CARD_NAMED.search(message):
                    return {"payment_method": "card"}
            return {}
        said = without_rejected(message)  # "oops, I meant card not bank transfer": card
        if _ACCOUNT.search(said) and _CARD_CHOSEN.search(said) and not _ACCOUNT_CHOSEN.search(said):
            # "그냥 카드로 할래요 이체하러 은행앱 들어가기 귀찮네요": the card chosen, the transfer only in the reason
            return {"payment_method": "card"}
        if _ACCOUNT.search(said):
            return {"payment_method": "virtual_account"}
        if _CARD.search(said) or (is_yes(message) and len(message.split()) <= 3):
            # a plain "ok" takes the first choice (card); "ok thanks, back to the …" is no choice
            return {"payment_method": "card"}
        picked = parse_choices(said, 2)
        if picked is not None and len(picked) == 1 and not says_change(message):
            # "1번이요", "두번째요", "the first one": the numbered choice (SMS numbers them)
            return {"payment_method": ("card", "virtual_account")[picked[0]]}
        dispatcher.utter_message(text=text("help_payment_method", conv.language(tracker)))
        return {"payment_method": None}

    async def extract_payment_confirm(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "payment_confirm"):
            return {}
        return self.confirm_answer("payment_confirm", dispatcher, tracker)


class ActionAskFineIds(Action):
    def name(self) -> Text:
        return "action_ask_fine_ids"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        options = tracker.get_slot("fine_options") or []
        lines = [text("fines_header", lang, date=tracker.get_slot("fines_as_of") or "")]
        for n, option in enumerate(options, 1):
            lines.append(text("fine_line", lang, n=n, kind=pick(option.get("kind_label"), lang),
                              number=option.get("number") or "", amount=won(option.get("amount_due")),
                              due=str(option.get("due_date") or "")[:10],
                              late=text(_late_key(option), lang) if option.get("overdue") else ""))
            if option.get("pending"):
                lines.append("  " + text("fine_pending", lang))
        lines.append(text("ask_fine_ids", lang))
        buttons = [{"title": str(n), "payload": str(n)} for n in range(1, len(options) + 1)]
        buttons.append({"title": text("button_all", lang), "payload": "전부" if lang == "ko" else "all"})
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


class ActionAskPaymentMethod(Action):
    def name(self) -> Text:
        return "action_ask_payment_method"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        fines = chosen(tracker)
        total = sum(int(f.get("amount_due") or 0) for f in fines)
        options = tracker.get_slot("fine_options") or []
        if len(options) == 1 and len(fines) == 1:
            # the only unpaid fine, chosen without a list: named, so the citizen knows what is being paid
            one = fines[0]
            said = text(N_("ask_payment_method_only_fine"), lang, kind=pick(one.get("kind_label"), lang),
                        number=one.get("number") or "", amount=won(one.get("amount_due")),
                        due=str(one.get("due_date") or "")[:10],
                        late=text(_late_key(one), lang) if one.get("overdue") else "")
        else:
            said = ntext("ask_payment_method", lang, count=len(fines), total=won(total))
        dispatcher.utter_message(
            text=said,
            buttons=[{"title": text("method_card", lang), "payload": "1"},
                     {"title": text("method_account", lang), "payload": "2"}])
        return []


class ActionAskPaymentConfirm(Action):
    """The summary before a payment is issued: which fines, how much, how; yes issues it, a named field changes."""

    def name(self) -> Text:
        return "action_ask_payment_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        if tracker.get_slot("summary_change"):
            ask_what_to_change(dispatcher, lang, ["fine_ids", "payment_method"])
            return []
        fines = chosen(tracker)
        total = sum(int(f.get("amount_due") or 0) for f in fines)
        names = ", ".join(f"{pick(f.get('kind_label'), lang)} {f.get('number') or ''}".strip() for f in fines)
        method = text(f"method_name_{tracker.get_slot('payment_method') or 'card'}", lang)
        dispatcher.utter_message(text=text("payment_summary", lang, fines=names, total=won(total), method=method),
                                 buttons=yes_no_buttons(lang))
        return []


async def perform_payment(client: GovApiClient, token: Optional[str], payload: Dict[str, Any], key: str) -> Result:
    return await client.create_payment(token or "", payload["fine_ids"], payload["method"], key)


def payment_reply(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str, value: Dict[str, Any]) -> None:
    total = won(value.get("total"))
    expires = value.get("expires_at")  # text() shows it in Korean time, in the citizen's language
    account = value.get("virtual_account")
    url = checkout_in(str(value.get("checkout_url") or ""), lang)
    if account:
        dispatcher.utter_message(text=text("payment_account", lang, bank=account.get("bank", ""),
                                           account=account.get("account", ""), holder=account.get("holder", ""),
                                           total=total, expires=expires))
    elif conv.channel(tracker) == "sms":  # no buttons on SMS: the link itself
        dispatcher.utter_message(text=text("payment_link", lang, total=total, expires=expires) + " " + url)
    else:
        dispatcher.utter_message(text=text("payment_link", lang, total=total, expires=expires),
                                 buttons=[{"title": text("payment_button", lang), "url": url, "payload": url,
                                           "type": "web_url"}])
    dispatcher.utter_message(text=text("payment_ref", lang, payment_id=value.get("payment_id", "")))


def checkout_in(url: str, lang: str) -> str:
    """The checkout link opening in the conversation's language (govapi's page reads `lang`; Korean by default,
    so a Korean link stays as short as govapi made it)."""
    if not url or lang != "en":
        return url
    return url + ("&" if "?" in url else "?") + "lang=en"


pending.register("payment", perform_payment, payment_reply)


class ActionPayFine(Action):
    def name(self) -> Text:
        return "action_pay_fine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        payload = {"fine_ids": tracker.get_slot("fine_ids") or [], "method": tracker.get_slot("payment_method")}
        events = await pending.perform_or_keep(dispatcher, tracker, "payment", payload,
                                               conv.state_change_key(tracker, "payment"))
        return then_offer_updates(events + clear_form_slots(tracker))


async def check_payment(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """'Did my payment go through?': the newest payment, with its receipt once paid."""
    lang = conv.language(tracker)
    result = await get_client().my_payments(conv.citizen_token(tracker))
    if not result.ok:
        dispatcher.utter_message(text=text(N_("session_expired") if result.kind == ErrKind.UNAUTHORIZED
                                           else N_("unavailable_read"), lang))
        return []
    payments = result.value.get("payments") or []
    if not payments:
        dispatcher.utter_message(text=text("no_payments", lang))
        return []
    latest = payments[0]
    payment_id = latest.get("payment_id") or latest.get("id")
    status = latest.get("status")
    if status == "paid":
        dispatcher.utter_message(text=text("payment_paid", lang, total=won(latest.get("total")),
                                           paid_at=latest.get("paid_at"),
                                           receipt=latest.get("receipt_number") or "-"))
    elif status == "pending":
        dispatcher.utter_message(text=text("payment_pending", lang, payment_id=payment_id))
    else:
        label = {"expired": N_("label_payment_status_expired"), "cancelled": N_("label_payment_status_cancelled")}
        dispatcher.utter_message(text=text("payment_closed", lang, payment_id=payment_id,
                                           status=text(label[status], lang) if status in label else status))
    return [SlotSet("payment_id", payment_id)]
