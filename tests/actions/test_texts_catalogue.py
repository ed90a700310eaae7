"""The citizen's words (the gettext catalogue locale/{ko,en}/LC_MESSAGES/actions.po and the domain's responses):
both languages, every placeholder filled with realistic, empty and long values, no "None", one voice (해요체),
particles that fit the value, SMS-sized; and the catalogue itself: every key the code names (as `pybabel extract`
finds it) has a text in both languages, every text is used, plural entries have their forms, and each committed
.mo is what Babel compiles from its .po."""
from __future__ import annotations

import importlib.util
import io
import math
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import write_po
from text_samples import values

from actions.particles import attach
from actions.texts import (
    BUILT_KEYS,
    CONSTANTS,
    DOMAIN,
    DOMAIN_RESPONSES,
    FALLBACKS,
    HELP_WORD,
    SMS_BUDGET,
    EmptyValue,
    template_of,
    text,
)

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"{(\w+)(?:\|\w+)?}")
# Values the code always computes (a list's own numbers): a render without them is a bug, so text() refuses.
MUST_GIVE = {"n", "first", "last", "total"}  # total: of a page; money totals are optional parts
MUST_GIVE |= {"start", "end", "month", "day", "time"}  # quiet hours' ends, a date's parts: computed, never empty
LANGS = ("ko", "en")

_spec = importlib.util.spec_from_file_location("minwon_catalogues", ROOT / "scripts" / "catalogues.py")
tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tools)  # type: ignore[union-attr]
PO = {lang: tools.read(DOMAIN, lang) for lang in LANGS}
# key -> {lang: text, or a tuple of plural forms}: what the tests below read
TEXTS = {m.id[0] if m.pluralizable else m.id: {lang: getattr(PO[lang].get(m.id), "string", None) for lang in LANGS}
         for m in PO["ko"] if m.id}


def segments(message: str) -> int:
    """SMS segments: GSM-7 160/153 per part, else UCS-2 70/67 (minwon_core/segments.py's arithmetic)."""
    from minwon_core.segments import count_segments, to_gsm7_if_possible
    return count_segments(to_gsm7_if_possible(message))  # as the SMS connector sends it (₩ -> KRW)


def forms(key: str, lang: str) -> list:
    chosen = TEXTS[key][lang]
    return list(chosen) if isinstance(chosen, tuple) else [chosen]


def names(key: str, lang: str) -> set:
    return {n for form in forms(key, lang) for n in PLACEHOLDER.findall(form)} - set(CONSTANTS)


def domain_responses():
    domain = yaml.safe_load((ROOT / "domain" / "dialogue.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            yield name, ("en" if variant.get("condition") else "ko"), variant["text"]


# --- both languages, same placeholders -----------------------------------------------------------------------
def test_every_text_has_korean_and_english_with_the_same_placeholders():
    assert set(TEXTS) == {m.id[0] if m.pluralizable else m.id for m in PO["en"] if m.id}, "ko and en keys differ"
    for key in TEXTS:
        for lang in LANGS:
            for form in forms(key, lang):
                assert form.strip(), (key, lang)
        assert names(key, "ko") == names(key, "en"), key
        for lang in LANGS:  # a constant is the same value in both: no language may need it while the other does not
            assert {n for f in forms(key, lang) for n in PLACEHOLDER.findall(f)} & set(CONSTANTS) == \
                {n for f in forms(key, "ko") for n in PLACEHOLDER.findall(f)} & set(CONSTANTS), key


def test_every_domain_response_has_korean_and_english():
    seen = {}
    for name, lang, _ in domain_responses():
        seen.setdefault(name, set()).add(lang)
    assert seen and all(langs == {"ko", "en"} for langs in seen.values()), seen


def test_each_domain_response_is_its_catalogue_entry_word_for_word():
    """The catalogue is the responses' source of truth (actions/texts.py DOMAIN_RESPONSES says why they stay in
    domain.yml): each response's text in each language is its entry's, with nothing for Rasa to fill in."""
    said = {(name, lang): words for name, lang, words in domain_responses()}
    assert {name for name, _ in said} == set(DOMAIN_RESPONSES)
    for (name, lang), words in said.items():
        assert words == template_of(name, lang), f"domain.yml {name} ({lang}) differs from the catalogue: copy its text"
        assert not re.search(r"[{}\[\]]", words), (name, lang)


def test_no_citizen_words_are_written_as_a_language_pair_in_the_actions():
    """Labels a citizen reads come from the catalogue: no {"ko": "...", "en": "..."} of words and no button title
    chosen between two written words in actions/ (govapi's labels arrive as data and are picked with pick())."""
    pair = re.compile(r'"ko":\s*"[^"]*[가-힣A-Za-z][^"]*"\s*,\s*"en":\s*"')
    title = re.compile(r'"title":\s*"[^"]*[가-힣A-Za-z]')
    for path in sorted((ROOT / "actions").glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("HELP_WORD ="):  # words a citizen types (the fallback text names them; checked below)
                continue
            assert not pair.search(line) and not title.search(line), f"{path.name}:{n}: {line.strip()}"


# --- renders -------------------------------------------------------------------------------------------------
BROKEN = [re.compile(p) for p in (r"None", r"\{", r"\}", r"\[", r"\]", r"\(\s*\)", r"\( ", r" \)", r"^\s*[,.:]",
                                   r"(^|\s)님", r",\s*[.,]", r"\.\.", r"\s[,.]", r"^\s*님", r"[가-힣]\(\s*기준\)")]


def _clean(rendered: str, where: tuple) -> None:
    for pattern in BROKEN:
        assert not pattern.search(rendered), (where, pattern.pattern, rendered)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("long", [False, True], ids=["typical", "long"])
def test_every_text_renders_cleanly_with_realistic_values(lang, long):
    given = values(lang, long)
    for key in TEXTS:
        for count in (1, 3):
            rendered = text(key, lang, **{**given, "count": count if "count" in names(key, lang) else given["count"]})
            _clean(rendered, (key, lang, long))
            # every value given is shown (none silently dropped by an optional part)
            for name in names(key, lang):
                shown = str(given[name]) if name != "count" else str(count)
                if name in ("seconds", "expires", "paid_at", "when", "quiet", "appeal", "count"):
                    continue
                if lang == "en" and isinstance(TEXTS[key]["en"], tuple) and count == 1:
                    continue
                assert shown in rendered, (key, lang, name, rendered)


@pytest.mark.parametrize("empty", [None, "", "-"], ids=["None", "empty", "dash"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_text_with_empty_values_never_shows_none_or_a_dangling_particle(empty, lang):
    for key in TEXTS:
        given = {name: empty for name in names(key, lang)}
        try:
            rendered = text(key, lang, **given)
        except EmptyValue as refused:
            assert str(refused) in MUST_GIVE, (key, refused)
            continue
        _clean(rendered, (key, lang, empty))
        assert rendered.strip(), key


def test_each_placeholder_is_either_optional_everywhere_it_is_needed_or_has_a_fallback():
    for key in TEXTS:
        for lang in ("ko", "en"):
            for form in forms(key, lang):
                outside = re.sub(r"\[[^\[\]]*\]", "", form)
                for name in PLACEHOLDER.findall(outside):
                    assert name in FALLBACKS or name in MUST_GIVE or name in CONSTANTS, (key, name)


def test_timestamps_read_as_korean_time_never_iso():
    ko = text("payment_paid", "ko", total="40,000", paid_at="2026-03-20T05:05:00+00:00", receipt="RC-1")
    en = text("payment_paid", "en", total="40,000", paid_at="2026-03-20T05:05:00+00:00", receipt="RC-1")
    assert "3월 20일 14:05" in ko and "20 Mar 14:05" in en  # 05:05 UTC is 14:05 in Seoul
    assert "T05" not in ko + en


def test_plural_forms_follow_the_count():
    assert text("applications_header", "en", count=1) == "Your application:"
    assert text("applications_header", "en", count=2) == "Your 2 applications:"
    assert "1 item," in text("ask_payment_method", "en", count=1, total="40,000")
    assert "fine(s)" not in str(TEXTS) and "(s)" not in str(TEXTS)


def test_waits_say_the_real_time_when_known_and_nothing_invented_when_not():
    assert "1시간 뒤" in text("resend_wait", "ko", seconds=3600)
    assert "in 2 minutes" in text("verify_rate_limited", "en", seconds=90)
    assert not re.search(r"\d", text("verify_rate_limited", "ko", seconds=None))
    out_of_hours = text("handoff_callback", "ko", ticket="CB-1A2B3C4D", when="2026-12-07T09:00:00+09:00")
    assert "CB-1A2B3C4D" in out_of_hours and "12월 7일 09:00에" in out_of_hours
    assert "곧에" not in text("handoff_callback", "ko", ticket="CB-1", when="")


def test_the_appeal_text_names_all_three_routes_and_their_limits():
    ko, en = text("status_appeal", "ko", appeal="govapi's label"), text("status_appeal", "en", appeal="label")
    for word in ("이의신청", "처분을 받은 날부터 30일", "행정심판", "행정소송", "안 날부터 90일", "180일", "1년"):
        assert word in ko, word
    for word in ("30 days", "90 days", "180 days", "1 year", "object", "administrative appeal", "lawsuit"):
        assert word in en, word


# --- Korean: no stray English, one voice -----------------------------------------------------------------------
IDENTIFIERS = re.compile(r"[A-Z]{2}-\d{4}-\d{6}|\d{3}-\d{4}-\d{4}|{[^}]*}")
ALLOWED_LATIN: set = set()  # identifiers only; a product or law name would be listed here with its reason


def korean_texts():
    for key in TEXTS:
        for form in forms(key, "ko"):
            yield key, form
    for name, lang, said in domain_responses():
        if lang == "ko":
            yield name, said


def test_korean_text_holds_no_english_words_but_identifiers():
    for key, form in korean_texts():
        words = set(re.findall(r"[A-Za-z]+", IDENTIFIERS.sub(" ", form)))
        assert words <= ALLOWED_LATIN, (key, words)


SENTENCE_END = re.compile(r"([가-힣])[.?!]+(?=\s|$|\))")


def test_korean_citizen_text_speaks_haeyo_che_only():
    """Every sentence ending in a verb ends in -요 (해요체); no 합니다체 (-니다/-니까/-십시오) anywhere."""
    for key, form in korean_texts():
        assert not re.search(r"(니다|니까|십시오|합시다)", form), (key, form)
        for match in SENTENCE_END.finditer(IDENTIFIERS.sub("X", form)):
            assert match.group(1) == "요", (key, form, match.group(0))


# --- particles -----------------------------------------------------------------------------------------------
# value -> (으)로, 이/가, 을/를 as the value is read aloud
PARTICLE_CASES = {
    "배": ("로", "가", "를"),             # vowel
    "서울": ("로", "이", "을"),           # ㄹ takes 로
    "집": ("으로", "이", "을"),           # other final consonant
    "010-****-5670": ("으로", "이", "을"),  # 칠십 (or 영/공): a final consonant
    "010-****-5671": ("로", "이", "을"),    # 일: ㄹ
    "5672": ("로", "가", "를"),           # 이
    "5673": ("으로", "이", "을"),         # 삼
    "5674": ("로", "가", "를"),           # 사
    "5675": ("로", "가", "를"),           # 오
    "5676": ("으로", "이", "을"),         # 육
    "5677": ("로", "이", "을"),           # 칠: ㄹ
    "5678": ("로", "이", "을"),           # 팔: ㄹ
    "5679": ("로", "가", "를"),           # 구
    "CB-1A2B3C4D": ("로", "가", "를"),    # 디
    "CB-1A2B3C4L": ("로", "이", "을"),    # 엘: ㄹ
    "CB-1A2B3C4M": ("으로", "이", "을"),  # 엠
    "CB-1A2B3C4N": ("으로", "이", "을"),  # 엔
}


@pytest.mark.parametrize("value", sorted(PARTICLE_CASES))
def test_particles_fit_the_value_by_its_last_sound(value):
    ro, ga, reul = PARTICLE_CASES[value]
    assert (attach(value, "로"), attach(value, "이"), attach(value, "를")) == (value + ro, value + ga, value + reul)


def test_a_rendered_text_carries_the_particle_the_value_needs():
    assert text("ask_otp", "ko", masked="010-****-5670").startswith("010-****-5670으로 ")
    assert text("ask_otp", "ko", masked="010-****-5678").startswith("010-****-5678로 ")
    assert text("corrected", "ko", field="생년월일") == "생년월일을 바꿨어요."
    assert text("corrected", "ko", field="휴대폰 번호") == "휴대폰 번호를 바꿨어요."
    assert "전입신고로 넘어갈게요" in text("switched_service", "ko", service=text("service_change_address", "ko"))
    assert "민원 접수로" in text("switched_service", "ko", service=text("service_file_complaint", "ko"))


def test_no_korean_template_writes_both_particle_forms_by_hand():
    for key, form in korean_texts():
        assert not re.search(r"\((으|이|을|은|과)\)|이\(가\)|을\(를\)|은\(는\)|과\(와\)", form), (key, form)
        assert not re.search(r"}(로|으로|이|가|을|를|은|는|와|과)(?![가-힣])", form), (key, form)


# --- SMS -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_text_fits_its_sms_budget_with_realistic_values(lang):
    over = {}
    for key in TEXTS:
        budget = SMS_BUDGET.get(key, 1)
        assert budget <= 2, key
        rendered = text(key, lang, **values(lang))
        if segments(rendered) > budget:
            over[key] = (segments(rendered), budget, rendered)
    assert not over, over


def test_english_texts_hold_no_hangul_so_they_travel_as_gsm7():
    """One Hangul letter turns a whole SMS into UCS-2 (70 characters, not 160); the glossary maps the terms."""
    for key in TEXTS:
        for form in forms(key, "en"):
            assert not re.search(r"[가-힣]", form), key
    for name, lang, said in domain_responses():
        assert lang == "ko" or not re.search(r"[가-힣]", said), name


def test_domain_responses_fit_one_sms():
    for name, lang, said in domain_responses():
        assert segments(said) == 1, (name, lang, said)


def test_step_help_is_reachable_by_sms_under_a_word_the_carrier_does_not_take():
    from minwon_core.sms_keywords import keyword
    for lang in ("ko", "en"):
        assert keyword(HELP_WORD[lang]) is None
        assert f"'{HELP_WORD[lang]}'" in text("fallback", lang)
    carrier = {"도움말", "help", "info", "stop", "cancel", "중지", "수신거부"}
    for key in TEXTS:
        for lang in ("ko", "en"):
            for form in forms(key, lang):
                quoted = {q.casefold() for q in re.findall(r"'([^']+)'", form)}
                assert not quoted & carrier, (key, lang, quoted & carrier)


# --- the catalogue: every key the code names there, every entry used, plural forms, compiled .mo ----------------
EXTRACTED = tools.extract(DOMAIN)  # key -> where the code names it (pybabel extract with the side's keywords)


def _code() -> str:
    files = [p for p in (ROOT / "actions").glob("*.py") if p.name not in ("texts.py",)]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _domain_names() -> dict:
    domain = yaml.safe_load((ROOT / "domain" / "dialogue.yml").read_text(encoding="utf-8"))
    slots = {s for form in domain["forms"].values() for s in form["required_slots"]}
    return {"slots": slots, "intents": set(domain["intents"]) | {"list_applications", "check_payment"}}


# What each family of keys built at run time (actions/texts.py BUILT_KEYS) is built from: the suffix must name it.
FAMILIES = {"field_": "slots", "help_": "slots", "why_": "slots", "vague_": "slots", "options_": "slots", "intent_": "intents", "service_": "intents",
            "follow_": "case", "subscription_offer_": "case", "method_name_": "method", "faq_": "faq"}
CASE_PREFIXES = {"AP", "CP", "MV", "PY", "FN"}
METHODS = {"card", "virtual_account"}


def test_every_key_the_code_names_has_a_text_in_both_languages():
    """A key in a text()/ntext() call or marked N_ that no catalogue holds, or holds without a text, fails here
    (`make catalogues` adds it with an empty msgstr; write the text in both .po files)."""
    for lang in LANGS:
        missing = {key: where for key, where in EXTRACTED.items() if not (PO[lang].get(key) and PO[lang][key].string)}
        assert not missing, (lang, missing)


def test_every_text_in_the_catalogue_is_used_by_the_code():
    """An entry no text()/ntext() call or N_ mark names is unused: drop it (`make catalogues`) or mark its key."""
    unused = sorted(set(TEXTS) - set(EXTRACTED))
    assert not unused, unused


def test_a_key_chosen_at_run_time_is_marked_so_extraction_sees_it():
    """text(f"field_{slot}") is invisible to pybabel: its family lists every member in BUILT_KEYS (marked N_), and each
    member's suffix names something real."""
    code = _code()
    for prefix in re.findall(r"f\"(\w+_)\{", code):
        if prefix in ("action_ask_", "http_", "ActionAsk_"):
            continue
        assert prefix in BUILT_KEYS, f"code builds keys from {prefix!r}: list the family in actions/texts.py BUILT_KEYS"
    real = _domain_names()
    for prefix, members in BUILT_KEYS.items():
        kind = FAMILIES[prefix]
        for key in members:
            assert key.startswith(prefix) and key in EXTRACTED, (prefix, key)
            suffix = key[len(prefix):]
            assert (kind in ("slots", "intents") and suffix in real[kind]) or (kind == "case" and suffix in CASE_PREFIXES) \
                or (kind == "method" and suffix in METHODS) or (kind == "faq" and _faq_key(suffix, real["intents"])), key
    # a key made of two literals joined by a condition is read by pybabel as one glued key: it must not exist
    glued = [key for key in EXTRACTED if key not in TEXTS and any(key.startswith(k) and key[len(k):] in TEXTS for k in TEXTS)]
    assert not glued, f"mark each branch with N_: {glued}"


def _faq_key(suffix: str, intents: set) -> bool:
    """faq_<topic> or faq_<topic>_<service>: a topic interpret.TASK_QUESTIONS asks about, for a real service."""
    from actions.interpret import TASK_QUESTIONS

    topic, _, service = suffix.partition("_")
    return topic in TASK_QUESTIONS and (not service or service in intents)


def test_plural_entries_have_their_forms_and_are_asked_for_as_plurals():
    """Korean has one form (nplurals=1), English two; a plural entry is called with ntext() (so `pybabel update`
    keeps it plural) and every form is written."""
    assert PO["ko"].num_plurals == 1 and PO["ko"].plural_expr == "0"
    assert PO["en"].num_plurals == 2 and PO["en"].plural_expr == "(n != 1)"
    for lang in LANGS:
        plural = {m.id[0] for m in PO[lang] if m.id and m.pluralizable}
        assert plural == tools.plural_keys(DOMAIN), (lang, plural ^ tools.plural_keys(DOMAIN))
        for m in PO[lang]:
            if m.id and m.pluralizable:
                assert len(m.string) == PO[lang].num_plurals and all(f.strip() for f in m.string), (lang, m.id)
            if m.id:
                assert not m.fuzzy, (lang, m.id)
        assert not PO[lang].obsolete, (lang, list(PO[lang].obsolete))
        assert not [e for m in PO[lang] for e in m.check(PO[lang])], lang


@pytest.mark.parametrize("lang", LANGS)
def test_each_committed_mo_is_what_babel_compiles_from_its_po(lang):
    assert tools.mo_path(DOMAIN, lang).read_bytes() == tools.compiled(DOMAIN, lang), \
        f"{tools.mo_path(DOMAIN, lang)} is stale: run `make catalogues`"


@pytest.mark.parametrize("lang", LANGS)
def test_each_po_is_in_the_form_pybabel_writes(lang):
    """Sorted by key, no wrapping: a hand edit that changed the layout would be undone by the next `make catalogues`."""
    out = io.BytesIO()
    write_po(out, PO[lang], width=None, ignore_obsolete=True)
    assert out.getvalue() == tools.po_path(DOMAIN, lang).read_bytes()
    ids = [m.id[0] if m.pluralizable else m.id for m in PO[lang] if m.id]
    assert ids == sorted(ids)


def test_sms_budget_names_only_real_texts():
    assert set(SMS_BUDGET) <= set(TEXTS)
    assert all(math.isfinite(b) and b in (1, 2) for b in SMS_BUDGET.values())
    assert template_of("applications_header", "en", 1) != template_of("applications_header", "en", 2)
