"""SMS segments of every citizen-facing text, rendered with realistic values, per language.

    .venv-rasa/bin/python bench/sms_segments.py [--rev GIT_REV] [--long]

Renders each reply template of the bot's catalogue (locale/*/LC_MESSAGES/actions.po), the domain's responses, the desk's messages and the
notifier's messages with the values in tests/actions/text_samples.py (--long: the longest realistic values),
plus a few whole turns as the actions send them (a rejected application's answer, a fines list, a payment
link with the notification offer), and counts segments as the SMS connector sends them (GSM-7 160/153, else
UCS-2 70/67; ₩ becomes KRW). Prints p50/p95/max per language, the templates over one segment and the share
of Korean core answers in one segment. Goal: p95 <= 2, Korean core answers 1.
--rev measures the texts as they were at a git revision (the same values and turns), for before/after figures.
Runs on the Rasa environment (actions/ needs tossi).
"""
from __future__ import annotations

import argparse
import atexit
import math
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "actions")]

from minwon_core.segments import count_segments, to_gsm7_if_possible  # noqa: E402 (after the path)

# Pieces other texts are built from (labels, buttons, fragments): not replies on their own.
FRAGMENT = re.compile(r"^(intent_|service_|field_|method_name_|method_card|method_account|members_|photo_none|"
                      r"photo_attached|place_shared|the_office|fine_late|tax_late|payment_button|keep_as_is|"
                      r"subscription_offer_yes|subscription_offer_no|list_expected|list_late|list_missing|"
                      r"label_|button_|duration_|format_when|subscription_quiet_hours)")
# The domain's responses are catalogue entries too (actions/texts.py DOMAIN_RESPONSES): counted once, from the domain.
RESPONSE = re.compile(r"^utter_")
# The answer a turn is for (what the citizen asked), as opposed to questions, help and hints.
CORE = {"verified", "case_not_found", "status_line", "no_applications", "no_fines", "payment_paid",
        "payment_pending", "payment_closed", "payment_link", "address_done", "complaint_done", "handoff_queued",
        "handoff_callback", "subscribed", "cancelled", "no_payments", "pending_done"}


def segments(message: str) -> int:
    return count_segments(to_gsm7_if_possible(message))


def _source(path: str, rev: str | None) -> str:
    if rev is None:
        return (ROOT / path).read_text(encoding="utf-8")
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def _module(name: str, path: str, rev: str | None) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__package__ = name.rpartition(".")[0]
    module.__file__ = str(ROOT / path)
    exec(compile(_source(path, rev), str(ROOT / path), "exec"), module.__dict__)  # noqa: S102 (our own file at a rev)
    return module


def _render(texts: types.ModuleType, key: str, lang: str, values: dict) -> str:
    return texts.text(key, lang, **values)


def _use_catalogues(rev: str | None) -> None:
    """Texts from gettext catalogues (locale/, since issue 16): at a revision, its committed .mo files."""
    from minwon_core import catalogue
    if rev is None:
        catalogue.use_locale_dir(None)
        return
    listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "locale"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    if not any(p.endswith(".mo") for p in listed):
        catalogue.use_locale_dir(None)  # before the catalogues: the dicts at the revision, the samples from here
        return
    target = Path(tempfile.mkdtemp(prefix="sms-segments-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    for path in (p for p in listed if p.endswith(".mo")):
        out = target / Path(path).relative_to("locale")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True,
                                       capture_output=True).stdout)
    catalogue.use_locale_dir(target)


def _keys(texts: types.ModuleType) -> list:
    """Every key of the bot's texts: the TEXTS dict before issue 16's catalogues, the catalogue after. The hand-back
    texts (handback_*, a dict of their own in actions/handoff_return.py before) stay out, so figures compare."""
    if hasattr(texts, "TEXTS"):
        return list(texts.TEXTS)
    from minwon_core import catalogue
    return sorted(k for k in catalogue.keys(texts.DOMAIN, "ko") if not k.startswith("handback_"))


def replies(rev: str | None, long: bool) -> dict:
    """{lang: [(name, text, core)]} for every reply."""
    from text_samples import values as sample_values
    _use_catalogues(rev)
    texts = _module("actions.texts", "actions/texts.py", rev)
    desk = _module("bot.desk.texts", "bot/desk/texts.py", rev)
    messages = _module("bot.notifier.messages", "bot/notifier/messages.py", rev)
    from bot.notifier import topics
    out: dict = {"ko": [], "en": []}
    domain = yaml.safe_load(_source("domain.yml", rev))
    for lang in ("ko", "en"):
        values = sample_values(lang, long)
        values["late"] = texts.text("fine_late", lang).strip()
        # the words shown for an empty value (catalogue keys in FALLBACKS since they moved there): fragments
        words_for_empty = {k for k in getattr(texts, "FALLBACKS", {}).values() if isinstance(k, str)}
        for key in _keys(texts):
            if FRAGMENT.match(key) or RESPONSE.match(key) or key in words_for_empty:
                continue
            out[lang].append((key, _render(texts, key, lang, values), key in CORE))
        for name, variants in domain["responses"].items():
            for v in variants:
                if ("en" if v.get("condition") else "ko") == lang:
                    out[lang].append((name, v["text"], False))
        for key in getattr(desk, "KEYS", None) or desk.TEXTS:  # the desk's keys (its dict before issue 16)
            out[lang].append((f"desk:{key}", desk.say(key, lang, position=3, minutes=12, ticket="CB-1A2B3C4D",
                                                      agent="agent1", when="12/07 09:00"), key == "no_answer"))
        for topic, event in _events(topics):
            out[lang].append((f"notify:{topic}:{event['data'].get('status', event['type'])}",
                              messages.render_event(topic, event, lang), True))
        for kind, number in (("fine_due", "FN-2026-000123"), ("supplement", "AP-2026-000123")):
            out[lang].append((f"remind:{kind}", messages.render_reminder(kind, number, {"due_date": "2026-12-31"},
                                                                         lang), True))
        out[lang] += _turns(texts, lang, values)
    return out


def _events(topics: types.ModuleType) -> list:
    def event(kind: str, number: str, **data: object) -> dict:
        return {"type": kind, "case_number": number, "data": data}
    return [(topics.APPLICATION_STATUS, event("application.status_changed", "AP-2026-000123", status=s))
            for s in ("received", "supplement_requested", "rejected", "completed")] + [
        (topics.COMPLAINT_ANSWERED, event("complaint.answered", "CP-2026-000123")),
        (topics.PAYMENT_RECEIPT, event("payment.paid", "PY-2026-000123", total=128000, receipt_number="RC-2026-000123")),
        (topics.ADDRESS_DELIVERIES, event("address_change.delivery_updated", "MV-2026-000123", agency="tax_office",
                                          status="delivered")),
        (topics.FINE_DUE, event("fine.late_fee_added", "FN-2026-000006", due_date="2026-11-30", amount_due=131840)),
    ]


def _turns(texts: types.ModuleType, lang: str, v: dict) -> list:
    """Whole replies as the actions join their lines (one message), with the offer where they append it."""
    t = texts.text
    offer = t("subscription_offer_AP", lang, number=v["number"])
    rejected = "\n".join([t("status_line", lang, number=v["number"], kind=v["kind"],
                            status="반려" if lang == "ko" else "Rejected"),
                          t("status_rejected", lang, reason=v["reason"]),
                          t("status_appeal", lang, appeal=v["appeal"], office=v["office"])])
    under_review = "\n".join([t("status_line", lang, number=v["number"], kind=v["kind"], status=v["status"]),
                              t("status_expected", lang, date=v["date"])])
    fine = {**v, "n": 1, "number": "FN-2026-000001", "kind": "불법 주정차 과태료" if lang == "ko" else "Illegal parking fine"}
    fines = "\n".join([t("fines_header", lang, date=v["date"]), t("fine_line", lang, **{**fine, "late": ""}),
                       t("fine_line", lang, **{**fine, "n": 2, "number": "FN-2026-000006", "late": v["late"]}),
                       t("ask_fine_ids", lang)])
    link = t("payment_link", lang, total=v["total"], expires=v["expires"]) + " https://pay.example.kr/c/AbC123"
    return [("turn:status_rejected", rejected, True), ("turn:status_rejected+offer", rejected + "\n" + offer, False),
            ("turn:status_under_review", under_review, True),
            ("turn:status_under_review+offer", under_review + "\n" + offer, False),
            ("turn:fines_list", fines, False), ("turn:payment_link_sms", link, True)]


def pct(values: list, q: float) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="measure the texts at this git revision")
    parser.add_argument("--long", action="store_true", help="the longest realistic values")
    args = parser.parse_args()
    measured = replies(args.rev, args.long)
    print(f"texts at {args.rev or 'working tree'}, {'long' if args.long else 'typical'} values")
    for lang in ("ko", "en"):
        counts = [(segments(body), name, core) for name, body, core in measured[lang]]
        n = [c for c, _, _ in counts]
        core = [c for c, _, is_core in counts if is_core]
        print(f"{lang}: {len(n)} replies, segments p50 {statistics.median(n):g} p95 {pct(n, 0.95)} max {max(n)}; "
              f"core answers in 1 segment {sum(c == 1 for c in core)}/{len(core)}")
        over = sorted(((c, name) for c, name, _ in counts if c > 1), reverse=True)
        print("  over 1: " + (", ".join(f"{name} {c}" for c, name in over) or "none"))


if __name__ == "__main__":
    main()
