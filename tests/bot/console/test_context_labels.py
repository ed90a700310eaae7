"""The context panel speaks the agent's language, never Rasa's: every slot the domain declares is labelled or
hidden on purpose, and a packet full of internal names and ids reads as words (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from console_helpers import escalate

from bot.console import context_view as cv

ROOT = Path(__file__).resolve().parents[3]
RASA_BUILT_IN_SLOTS = {"requested_slot", "session_started_metadata"}  # Rasa adds these to every domain


def domain_files() -> list[Path]:
    files = sorted((ROOT / "domain").glob("*.yml")) + [ROOT / "domain.yml"]
    assert len(files) >= 2, "the Rasa domain files were not found"
    return files


def declared_slots() -> set[str]:
    slots: set[str] = set()
    for path in domain_files():
        slots |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("slots") or {})
    assert len(slots) > 30, "fewer slots than the domain has: the YAML was not read"
    return slots | RASA_BUILT_IN_SLOTS


def declared_forms() -> dict[str, list[str]]:
    forms: dict[str, list[str]] = {}
    for path in domain_files():
        for name, spec in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {}).items():
            forms[name] = list((spec or {}).get("required_slots") or [])
    return forms


def test_every_domain_slot_is_labelled_or_internal_on_purpose():
    unhandled = sorted(slot for slot in declared_slots() if slot not in cv.ANSWERS and slot not in cv.INTERNAL)
    assert not unhandled, f"label these slots in bot/console/context_view.py (ANSWERS) or hide them (INTERNAL): {unhandled}"
    assert not set(cv.ANSWERS) & cv.INTERNAL, "a slot cannot be both shown and hidden"


def test_labels_name_only_slots_that_exist():
    stale = sorted((set(cv.ANSWERS) | cv.INTERNAL) - declared_slots())
    assert not stale, f"labels for slots the domain no longer declares: {stale}"


def test_every_form_has_a_service_name_and_its_questions_in_domain_order():
    forms = declared_forms()
    assert forms, "no forms read from the domain"
    for name, required in forms.items():
        assert name in cv.SERVICES, f"form {name} has no service name"
        assert list(cv.FORM_STEPS[name]) == required, f"{name}: steps differ from the domain's required_slots"
        for slot in required:
            assert cv.QUESTIONS[slot]["ko"] and cv.QUESTIONS[slot]["en"]


def test_every_label_exists_in_korean_and_english():
    tables = [cv.SERVICES, cv.INTENT_SERVICES, cv.QUESTIONS, cv.STATES, cv.REASONS, cv.SKILLS, cv.CHANNELS,
              cv.FINE_STATUSES, cv.CATEGORIES, cv.PAYMENT_METHODS, {k: v[0] for k, v in cv.ANSWERS.items()}]
    for table in tables:
        for key, label in table.items():
            assert label["ko"].strip() and label["en"].strip() and label["ko"] != label["en"], key


RAW_PACKET = {
    "handoff": {"state": "claimed", "reason": "agent", "skill": "payments", "channel": "telegram", "language": "ko"},
    "intent": "pay_fine",
    "form": {"name": "pay_fine_form", "slots": {
        "fine_ids": ["fn_000002"], "requested_slot": "payment_method", "session_started_metadata": {"x": 1},
        "fine_options": [{"id": "fn_000002", "number": "FN-2026-000002", "amount_due": 40000,
                          "kind_label": {"ko": "주정차 위반 과태료", "en": "Parking fine"}, "pending": "card"}],
        "citizen_id": "C-000017", "handoff_resume": {"form": "pay_fine_form"}, "language": "ko", "verified": True,
        "pending_request": {"kind": "payment", "payload": {"fine_ids": ["fn_000002"]}, "idempotency_key": "k"},
    }},
    "last_errors": ["govapi_timeout"],
    "records": {"fines": [{"status": "unpaid", "pending_payment": {"method": "card"}}, {"status": "paid"}]},
}
RAW_WORDS = ("fine_ids", "fn_000002", "requested_slot", "session_started_metadata", "pending_payment", "fine_options",
             "citizen_id", "C-000017", "handoff_resume", "pay_fine_form", "payment_method", "idempotency_key",
             "govapi_timeout", "claimed", "payments", "telegram", "True", "{", "[")


def strings(value) -> list[str]:
    """Every text the panel would show (the values, not the keys of the answer)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_packet_of_internal_names_reads_as_words_in_each_language():
    ko, en = cv.describe(RAW_PACKET, "ko"), cv.describe(RAW_PACKET, "en")
    for described in (ko, en):
        shown = strings({k: v for k, v in described.items() if k != "language"})
        leaked = [word for word in RAW_WORDS for text in shown if word in text]
        assert not leaked, f"raw names or values on the panel: {leaked}"
    assert en["service"] == "Paying a fine" and ko["service"] == "과태료 납부"
    assert en["step"]["text"] == "Step 2 of 3: asking for the payment method"
    assert ko["step"]["number"] == 2 and "결제 방법" in ko["step"]["text"]
    assert {"label": "Fines to pay", "value": "FN-2026-000002 Parking fine ₩40,000"} in en["answers"]
    assert {"label": "낼 과태료", "value": "FN-2026-000002 주정차 위반 과태료 ₩40,000"} in ko["answers"]
    assert en["fines"] == ["Payment in progress", "Paid"] and ko["fines"] == ["결제 진행 중", "납부 완료"]
    assert en["state"] == "With an agent" and en["reason"] == "Taken over by staff" and ko["skill"] == "납부"
    assert en["errors"] == ["Government system timed out"]


def test_a_value_the_tables_do_not_know_reads_as_other_not_raw():
    packet = {"handoff": {"state": "weird_state"}, "form": {"name": "file_complaint_form", "slots": {
        "complaint_category": "new_code_x", "fine_ids": ["fn_9"], "complaint_text": "call me at 010-1234-5678"}}}
    en = cv.describe(packet, "en")
    text = " ".join(strings(en))
    assert "new_code_x" not in text and "weird_state" not in text and "fn_9" not in text
    assert {"label": "Category", "value": "Other"} in en["answers"]
    assert {"label": "Fines to pay", "value": "1 fine"} in en["answers"]
    assert "1234" not in text, "a phone number in an answer is masked like the transcript"


@pytest.mark.asyncio
async def test_the_packet_route_serves_the_context_in_the_asked_language(bot, agent1):
    resp = await escalate(bot, "tg:7001", "ctx-1", form={"name": "pay_fine_form", "slots": {
        "fine_ids": ["fn_000002"], "requested_slot": "payment_method", "payment_method": "card"}})
    handoff_id = (await resp.json())["handoff_id"]
    en = (await (await agent1.get(f"/api/handoffs/{handoff_id}?lang=en")).json())["context"]
    ko = (await (await agent1.get(f"/api/handoffs/{handoff_id}")).json())["context"]
    assert en["service"] == "Paying a fine" and en["step"]["text"].startswith("Step 2 of 3")
    assert {"label": "Payment method", "value": "Card"} in en["answers"]
    assert {"label": "결제 방법", "value": "카드"} in ko["answers"] and ko["state"] == "대기 중"
    assert not [text for text in strings(en) + strings(ko) if "fn_000002" in text or "payment_method" in text]
