"""The conversation corpus: a matrix generated from the forms in domain/*.yml and the table in corpus_data.yml
(every form x question x kind of interruption, Korean and English, web chat and SMS), plus the hand-written
held-out conversations of every heldout*.yml (heldout.yml, heldout2.yml, ...). Pure data: nothing here talks to a server (conv_driver.py does).

A conversation is a list of steps, each a dict:
  {say: TEXT}                    one message (placeholders filled per citizen, see corpus_data.yml)
  {press: TITLE}                 press the button whose title contains TITLE (web: its token; SMS: its number)
  {drive: SLOT, wrong: SLOT2}    answer whatever the form asks until it asks SLOT (SLOT2 gets its wrong answer);
                                 SLOT `done`: until the form has ended
and an optional `expect` (checked after that step): see conv_checks.py.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "corpus_data.yml"

KINDS = ("person", "cancel", "switch", "correction", "question", "stray")
SUMMARY_KINDS = ("change", "deny")
LANGS = ("ko", "en")


@dataclasses.dataclass
class Conversation:
    id: str
    lang: str
    channel: str  # web | sms
    kind: str
    steps: list[dict[str, Any]]
    final: dict[str, Any]  # what must hold at the end (writes, state)
    needs: dict[str, Any]  # what the citizen must have in govapi
    form: str | None = None
    question: str | None = None
    min_turns: int | None = None  # the fewest messages a citizen needs for this; None: counted by the driver
    tags: tuple[str, ...] = ()


class CorpusError(AssertionError):
    """The table or the hand-written file does not cover what the domain asks (a new question, a new form)."""


def load_data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def domain_forms(domain_dir: Path = ROOT / "domain") -> dict[str, list[str]]:
    """Every form's required_slots, as Rasa reads them from the domain fragments."""
    forms: dict[str, list[str]] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, spec in (part.get("forms") or {}).items():
            forms[name] = list((spec or {}).get("required_slots") or [])
    return forms


def questions(form: str, forms: dict[str, list[str]], verification: list[str]) -> list[str]:
    """What the form asks, in order: verification first (it is put in front of every form), then its own."""
    own = [slot for slot in forms[form] if slot not in verification]
    return list(verification) + own


def check_table(data: dict[str, Any], forms: dict[str, list[str]]) -> None:
    """Every question of every form has its row; every form its opening. Fails loudly naming what is missing."""
    slots = data.get("slots") or {}
    missing = sorted({s for form in forms for s in questions(form, forms, data["verification"]) if s not in slots})
    if missing:
        raise CorpusError(f"tests/conversations/corpus_data.yml has no row for slot(s) {missing}: add how a citizen "
                          f"answers, asks about and corrects each new question")
    no_open = sorted(f for f in forms if f not in (data.get("forms") or {}))
    if no_open:
        raise CorpusError(f"tests/conversations/corpus_data.yml has no opening for form(s) {no_open}")
    for name, row in slots.items():
        for lang in LANGS:
            if not (row.get("answer") or {}).get(lang) or not (row.get("question") or {}).get(lang):
                raise CorpusError(f"corpus_data.yml: slot {name} needs `answer` and `question` in {lang}")
            if row.get("wrong") and not ((row.get("correction") or {}).get(lang) and (row.get("right") or {}).get(lang)):
                raise CorpusError(f"corpus_data.yml: slot {name} has `wrong` but no `correction`/`right` in {lang}")
        if row.get("summary"):
            for change in row.get("change") or [None]:
                if not change or any(not (change.get(k) or {}).get(lang) if k == "to" else not change.get(k)
                                      for k in ("slot", "ko", "en", "to", "contains") for lang in LANGS):
                    raise CorpusError(f"corpus_data.yml: summary {name} needs `change` entries with slot, ko, en, "
                                      f"to and contains (how one field is changed)")


def _rotate(items: list[str], n: int) -> str:
    return items[n % len(items)]


def _correction_target(form: str, question: str, qs: list[str], data: dict[str, Any], lang: str) -> str | None:
    """The earlier answer corrected while `question` is asked: verification answers while verifying, the form's
    own answers after it; Korean takes the nearest earlier one, English the one before it when there is one."""
    verification = data["verification"]
    index = qs.index(question)
    pool = verification if question in verification else [s for s in qs if s not in verification]
    candidates = [s for s in qs[:index] if s in pool and (data["slots"][s].get("wrong"))]
    if not candidates:
        return None
    candidates.reverse()  # nearest first
    return candidates[0] if lang == "ko" or len(candidates) == 1 else candidates[1]


def _channel(n: int, lang: str, question: str, corrected: str | None) -> str:
    """Korean and English alternate between web chat and SMS; the phone is never asked on SMS (the sender is it)."""
    if question == "phone" or corrected == "phone":
        return "web"
    first = "web" if n % 2 == 0 else "sms"
    return first if lang == "ko" else ("sms" if first == "web" else "web")


def _verified_at(question: str, data: dict[str, Any]) -> bool:
    return question not in data["verification"]


def generate(data: dict[str, Any] | None = None, forms: dict[str, list[str]] | None = None) -> list[Conversation]:
    data = data or load_data()
    forms = forms if forms is not None else domain_forms()
    check_table(data, forms)
    slots, out, n = data["slots"], [], 0
    per_kind: dict[str, int] = {}  # channels alternate per kind, so every kind meets both in both languages
    interruptions = data["interruptions"]
    services = data["services"]
    for form in sorted(forms):
        qs = questions(form, forms, data["verification"])
        form_data = data["forms"][form]
        record = form_data.get("record")
        for question in qs:
            kinds = list(KINDS) + (list(SUMMARY_KINDS) if slots[question].get("summary") else [])
            for kind in kinds:
                for lang in LANGS:
                    corrected = _correction_target(form, question, qs, data, lang) if kind == "correction" else None
                    if kind == "correction" and corrected is None:
                        continue
                    channel = _channel(per_kind.get(kind, 0), lang, question, corrected)
                    conv = _matrix_conversation(form, question, kind, lang, channel, n, qs, data, services,
                                                interruptions, corrected, record)
                    if conv is not None:
                        out.append(conv)
                per_kind[kind] = per_kind.get(kind, 0) + 1
                n += 1
    return out


def _matrix_conversation(form: str, question: str, kind: str, lang: str, channel: str, n: int, qs: list[str],
                         data: dict[str, Any], services: dict[str, Any], interruptions: dict[str, Any],
                         corrected: str | None, record: str | None) -> Conversation | None:
    slots = data["slots"]
    needs = dict(data["forms"][form].get("needs") or {})
    # A real citizen when the conversation gets past verification or checks a code it was sent.
    needs["real"] = _verified_at(question, data) or kind == "correction" or (kind == "change")
    opener = data["forms"][form]["open"][lang]
    steps: list[dict[str, Any]] = [{"say": opener}]
    reach = {"drive": question}
    if corrected:
        reach["wrong"] = corrected
    steps.append(reach)
    stay = {"active_loop": form, "requested_slot": question, "filled_not": [question], "writes": "none",
            "handoff": False}
    final: dict[str, Any] = {"writes": "none"}
    tag_id = f"{form}.{question}.{kind}.{lang}.{channel}"
    if kind == "person":
        text = _rotate(interruptions["person"][lang], n)
        steps.append({"say": text, "expect": {"active_loop": None, "handoff": True, "writes": "none"}})
        if qs.index(question) % 2:  # at every other question it is taken back while still queued: the form goes
            # on at the same question
            steps.append({"say": _rotate(interruptions["person_taken_back"][lang], n + (lang == "en")), "expect": stay})
    elif kind == "cancel":
        text = _rotate(interruptions["cancel"][lang], n)
        steps.append({"say": text, "expect": {"active_loop": None, "writes": "none", "handoff": False}})
    elif kind == "switch":
        options = [s for s in sorted(services) if services[s]["form"] != form]
        service = services[options[n % len(options)]]
        for key, value in (data["forms"][service["form"]].get("needs") or {}).items():  # the new form's needs too
            needs[key] = max(needs.get(key, 0), value)
        steps.append({"say": service[lang], "expect": {"active_loop": service["form"], "writes": "none",
                                                      "handoff": False}})
    elif kind == "question":
        steps.append({"say": slots[question]["question"][lang], "expect": stay})
    elif kind == "stray":
        steps.append({"say": _rotate(interruptions["stray"][lang], n), "expect": stay})
    elif kind == "correction":
        row = slots[corrected]
        steps.append({"say": row["correction"][lang], "role": "correction", "slot": corrected,
                      "expect": {"active_loop": form, "changed": [corrected], "writes": "none",
                                 "code_to_phone": bool((row.get("written") or {}).get("code_to_phone"))
                                 and question == data.get("code_question"), "handoff": False}})
        if _verified_at(question, data):
            steps.append({"drive": "done"})
            final = {"writes": {row["written"]["record"]: _contains(row["written"], lang)}, "active_loop": None}
        else:  # a verification answer corrected: verification then goes through
            steps.append({"drive": "verified"})
            final = {"writes": "none", "filled": ["citizen_id"]}
    elif kind == "change":
        changes = slots[question]["change"]
        change = changes[n % len(changes)]
        field = change["slot"]
        steps.append({"say": change[lang], "expect": {
            "active_loop": form, "requested_slot": field, "writes": "none",
            "kept_except": [field, question, *change.get("resets", [])]}})
        steps.append({"say": change["to"][lang], "role": "change", "slot": field, "expect": {"changed": [field]}})
        steps.append({"drive": "done"})
        final = {"writes": {record: _contains(change, lang)}, "active_loop": None}
    elif kind == "deny":
        steps.append({"say": "아니요" if lang == "ko" else "no", "expect": {
            "active_loop": form, "writes": "none", "kept_except": [question]}})
    return Conversation(id=f"gen:{tag_id}", lang=lang, channel=channel, kind=kind, steps=steps, final=final,
                        needs=needs, form=form, question=question, tags=("generated", kind, lang, channel, form))


def _contains(written: dict[str, Any], lang: str) -> list[str]:
    contains = written.get("contains") or []
    return list(contains[lang]) if isinstance(contains, dict) else list(contains)


# --- the hand-written part ---------------------------------------------------------------------------------------
def heldout_files() -> list[Path]:
    """Every hand-written set: heldout.yml, then later sets (heldout2.yml, ...), each written without the others."""
    return sorted(HERE.glob("heldout*.yml"))


def heldout(path: Path | None = None) -> list[Conversation]:
    """The held-out conversations of one file, or of every heldout*.yml; ids and tags name the file. A file with
    `bench_only: true` is tagged bench-only: the bench reports it, test_conversations.py does not assert it."""
    out = []
    for one in [path] if path else heldout_files():
        raw = yaml.safe_load(one.read_text(encoding="utf-8")) or {}
        for item in raw.get("conversations") or []:
            steps = [s if isinstance(s, dict) else {"say": s} for s in item["steps"]]
            kind = item.get("kind", "task")
            out.append(Conversation(
                id=f"{one.stem}:{item['id']}", lang=item["lang"], channel=item["channel"], kind=kind,
                steps=steps, final=item.get("final") or {"writes": "none"},
                needs={"real": True, **(item.get("needs") or {})}, form=item.get("form"),
                min_turns=item.get("min_turns"), tags=("heldout", kind, item["lang"], item["channel"], one.stem)
                + (("bench-only",) if raw.get("bench_only") else ())))
    return out


def corpus(only_heldout: bool = False) -> list[Conversation]:
    held = heldout()
    return held if only_heldout else generate() + held


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def citizen_texts(conv: Conversation) -> list[str]:
    """Every literal message of a conversation (placeholders left in)."""
    return [s["say"] for s in conv.steps if "say" in s]
