"""What the desk and the notifier tell a citizen: both languages, 해요체, no staff login, no "None" or "곧에",
a next step after a rejection, the right word for a tax's late charge, one SMS in Korean; and the services' gettext
catalogue (locale/{ko,en}/LC_MESSAGES/services.po) itself: every key the code names (as `pybabel extract` finds it)
has a text in both languages, every text is used, the same placeholders in both, plural entries with their forms,
and each committed .mo is what Babel compiles from its .po."""
from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import write_po

from bot.console.canned import CANNED
from bot.desk.texts import KEYS as DESK
from bot.desk.texts import say
from bot.notifier import topics
from bot.notifier.messages import render_event, render_reminder
from minwon_core import sms_keywords
from minwon_core.segments import count_segments, to_gsm7_if_possible
from minwon_core.texts import DOMAIN, EmptyValue, msg

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("ko", "en")
PLACEHOLDER = re.compile(r"{(\w+)}")
_spec = importlib.util.spec_from_file_location("minwon_catalogues", ROOT / "scripts" / "catalogues.py")
tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tools)  # type: ignore[union-attr]
PO = {lang: tools.read(DOMAIN, lang) for lang in LANGS}
# key -> {lang: text, or a tuple of plural forms}
TEXTS = {m.id[0] if m.pluralizable else m.id: {lang: getattr(PO[lang].get(m.id), "string", None) for lang in LANGS}
         for m in PO["ko"] if m.id}
SEOUL = ZoneInfo("Asia/Seoul")
DESK_VALUES = {"position": 3, "minutes": 12, "ticket": "CB-1A2B3C4D", "agent": "agent1",
               "when": dt.datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL)}
BROKEN = re.compile(r"None|\{|\}|곧에|\(\s*\)|\s[,.:]|^\s*[,.:]|,\s*[.,]|:\s*$")


def segments(message: str) -> int:
    return count_segments(to_gsm7_if_possible(message))  # as the SMS connector sends it


def haeyo_only(korean: str) -> None:
    assert not re.search(r"(니다|니까|십시오)", korean), korean
    for match in re.finditer(r"([가-힣])[.?!]+(?=\s|$)", korean):
        assert match.group(1) == "요", (korean, match.group(0))


def check(message: str, lang: str) -> None:
    assert not BROKEN.search(message), message
    if lang == "ko":
        haeyo_only(message)
        assert segments(message) == 1, (len(message), message)
    else:
        assert not re.search(r"[가-힣]", message), message  # Hangul would make the SMS UCS-2
        assert segments(message) == 1, message


# --- desk ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("key", sorted(DESK))
def test_every_desk_text_reads_cleanly_in_both_languages(key, lang):
    assert set(PLACEHOLDER.findall(TEXTS[DESK[key]]["ko"])) == set(PLACEHOLDER.findall(TEXTS[DESK[key]]["en"]))
    check(say(key, lang, **DESK_VALUES), lang)


def test_every_desk_key_the_desk_says_exists():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "desk").glob("*.py"))
    said = set(re.findall(r"\bsay\(\s*\"(\w+)\"", code))
    assert said and said <= set(DESK), sorted(said - set(DESK))


def test_the_agent_is_announced_without_their_login_name():
    for lang in ("ko", "en"):
        assert "agent1" not in say("claimed", lang, agent="agent1")
    assert say("claimed", "ko", agent="agent1").startswith("상담원이 연결됐어요")


@pytest.mark.parametrize("when, ko, en", [
    (dt.datetime(2026, 12, 7, 9, 0, tzinfo=SEOUL), "12월 7일 09:00에 연락드릴게요", "contact you on 7 Dec at 09:00"),
    ("12/07 09:00", "12월 7일 09:00에 연락드릴게요", "contact you on 7 Dec at 09:00"),  # the desk's sweep today
    ("곧", "곧 연락드릴게요", "contact you soon"),
    ("soon", "곧 연락드릴게요", "contact you soon"),
    (None, "곧 연락드릴게요", "contact you soon"),
])
def test_a_callback_says_when_with_the_right_particle(when, ko, en):
    assert ko in say("no_answer", "ko", ticket="CB-1", when=when)
    assert en in say("no_answer", "en", ticket="CB-1", when=when)
    assert "CB-1" in say("no_answer", "ko", ticket="CB-1", when=when)


# --- notifier ------------------------------------------------------------------------------------------------
def event(type_: str, number: str, **data):
    return {"type": type_, "case_number": number, "data": data}


EVENTS = [(topics.APPLICATION_STATUS, event("application.status_changed", "AP-2026-000123", status=s))
          for s in ("received", "under_review", "supplement_requested", "approved", "rejected", "completed")] + [
    (topics.COMPLAINT_ANSWERED, event("complaint.answered", "CP-2026-000123")),
    (topics.PAYMENT_RECEIPT, event("payment.paid", "PY-2026-000123", total=1234000, receipt_number="RC-2026-000123")),
    (topics.PAYMENT_RECEIPT, event("payment.paid", "PY-2026-000123", total=None, receipt_number=None)),
    (topics.ADDRESS_DELIVERIES, event("address_change.delivery_updated", "MV-2026-000123", agency="tax_office",
                                      status="delivered")),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000006", due_date="2026-11-30", amount_due=131840)),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000006", kind="vehicle_tax_arrears", amount_due=131840)),
    (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000001", kind="illegal_parking", amount_due=None)),
    (topics.FINE_DUE, event("fine.issued", "FN-2026-000001", kind="illegal_parking", amount_due=40000,
                            due_date=None)),
]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("topic, given", EVENTS)
def test_every_notification_reads_cleanly_even_with_missing_data(topic, given, lang):
    check(render_event(topic, given, lang), lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("kind, number, data", [
    ("fine_due", "FN-2026-000123", {"due_date": "2026-12-31"}),
    ("fine_due", "FN-2026-000006", {"due_date": "2026-12-31", "kind": "vehicle_tax_arrears"}),
    ("fine_due", "FN-2026-000123", {"due_date": None}),
    ("supplement", "AP-2026-000123", {}),
])
def test_every_reminder_reads_cleanly(kind, number, data, lang):
    check(render_reminder(kind, number, data, lang), lang)


def test_a_rejection_says_where_to_read_the_reason_and_the_appeal():
    ko = render_event(topics.APPLICATION_STATUS, event("x", "AP-1", status="rejected"), "ko")
    en = render_event(topics.APPLICATION_STATUS, event("x", "AP-1", status="rejected"), "en")
    assert "'처리 현황'" in ko and "불복" in ko
    assert "appeal" in en and "status" in en


def test_a_tax_in_arrears_gains_a_late_payment_charge_not_a_fine_late_fee():
    tax = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-6", kind="vehicle_tax_arrears"), "ko")
    fine = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-1", kind="speed_camera"), "ko")
    unknown = render_event(topics.FINE_DUE, event("fine.late_fee_added", "FN-1"), "ko")
    assert "납부지연가산세가" in tax and "과태료" not in tax and "가산금" not in tax.replace("가산세", "")
    assert "과태료" in fine and "가산금이" in fine
    assert "과태료" not in unknown and "가산" not in unknown  # govapi's event names no kind: no term is guessed


# --- the canned replies and the SMS keyword answers ------------------------------------------------------------
def test_the_canned_replies_come_from_the_catalogue_in_both_languages():
    assert [c["id"] for c in CANNED] == ["greeting", "checking", "verify", "payment_retry", "handback"]
    for reply in CANNED:
        assert reply["ko"].strip() and reply["en"].strip() and not re.search(r"[가-힣]", reply["en"]), reply


@pytest.mark.parametrize("kind", sorted(sms_keywords.KEYS))
def test_every_sms_keyword_answer_fits_one_sms_in_its_language(kind):
    ko, en = sms_keywords.text(kind, "중지"), sms_keywords.text(kind, "STOP")
    assert re.search(r"[가-힣]", ko) and not re.search(r"[가-힣]", en)
    assert segments(ko) == 1 and segments(en) == 1
    assert not re.search(r"(니다|니까|십시오)", ko), ko  # the bot's voice (해요체); the help line is a list of labels


# --- the catalogue: every key the code names there, every entry used, plural forms, compiled .mo ----------------
EXTRACTED = tools.extract(DOMAIN)  # key -> where the code names it (pybabel extract with the side's keywords)


def forms(key: str, lang: str) -> list:
    chosen = TEXTS[key][lang]
    return list(chosen) if isinstance(chosen, tuple) else [chosen]


def test_every_key_the_code_names_has_a_text_in_both_languages():
    for lang in LANGS:
        missing = {key: where for key, where in EXTRACTED.items() if not (PO[lang].get(key) and PO[lang][key].string)}
        assert not missing, (lang, missing)


def test_every_text_in_the_catalogue_is_used_by_the_code():
    unused = sorted(set(TEXTS) - set(EXTRACTED))
    assert not unused, unused


def test_korean_and_english_hold_the_same_texts_with_the_same_placeholders():
    assert set(TEXTS) == {m.id[0] if m.pluralizable else m.id for m in PO["en"] if m.id}
    for key in TEXTS:
        assert all(form.strip() for lang in LANGS for form in forms(key, lang)), key
        ko = {n for form in forms(key, "ko") for n in PLACEHOLDER.findall(form)}
        en = {n for form in forms(key, "en") for n in PLACEHOLDER.findall(form)}
        assert ko == en, (key, ko ^ en)


@pytest.mark.parametrize("lang", LANGS)
def test_a_placeholder_outside_an_optional_part_without_a_value_fails_the_render(lang):
    """Every text renders with a value for each placeholder, and refuses (never shows "None" or a gap) without one."""
    for key in TEXTS:
        named = {n for form in forms(key, lang) for n in PLACEHOLDER.findall(form)}
        full = msg(key, lang, **{n: "X1" for n in named}, count=2)
        assert "{" not in full and "None" not in full, (key, full)
        for form in forms(key, lang):
            required = set(PLACEHOLDER.findall(re.sub(r"\[[^\[\]]*\]", "", form)))
            for name in required:
                with pytest.raises(EmptyValue):
                    msg(key, lang, **{n: "X1" for n in named if n != name}, count=2)


def test_plural_entries_have_their_forms_and_the_headers_say_how_many():
    assert PO["ko"].num_plurals == 1 and PO["en"].num_plurals == 2
    for lang in LANGS:
        plural = {m.id[0] for m in PO[lang] if m.id and m.pluralizable}
        assert plural == tools.plural_keys(DOMAIN), lang
        for m in PO[lang]:
            if m.id and m.pluralizable:
                assert len(m.string) == PO[lang].num_plurals and all(f.strip() for f in m.string), (lang, m.id)
            assert not (m.id and m.fuzzy), (lang, m.id)
        assert not PO[lang].obsolete
        assert not [e for m in PO[lang] for e in m.check(PO[lang])], lang


@pytest.mark.parametrize("lang", LANGS)
def test_each_committed_mo_is_what_babel_compiles_from_its_po(lang):
    assert tools.mo_path(DOMAIN, lang).read_bytes() == tools.compiled(DOMAIN, lang), \
        f"{tools.mo_path(DOMAIN, lang)} is stale: run `make catalogues`"


@pytest.mark.parametrize("lang", LANGS)
def test_each_po_is_in_the_form_pybabel_writes(lang):
    out = io.BytesIO()
    write_po(out, PO[lang], width=None, ignore_obsolete=True)
    assert out.getvalue() == tools.po_path(DOMAIN, lang).read_bytes()
