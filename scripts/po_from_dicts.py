"""One-off (issue 16): write the gettext catalogues from the Python dicts the texts lived in before them.

    .venv-rasa/bin/python scripts/po_from_dicts.py REV actions|services

Reads the dicts as they were at git revision REV (the last one that had them) and writes
locale/{ko,en}/LC_MESSAGES/<domain>.po in the form `pybabel update` keeps (sorted by key, no locations, no
wrapping); `make catalogues` then compiles them. The comment above a text in the dict becomes its translator
comment. Kept for the record of how the catalogues began: the dicts are gone, the .po files are the source now.
"""
from __future__ import annotations

import ast
import datetime as dt
import io
import subprocess
import sys
import tokenize
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from catalogues import po_path  # noqa: E402

HEADER = ("minwon: the {side} texts in {language}, one gettext catalogue ({domain}).\n"
          "The msgid is the key the code names, the msgstr the text.\n"
          "{extra}\n"
          "Edit a text here; after a code change run `make catalogues` (README, \"Tests\").")


def source(rev: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def comments_before_keys(code: str, dict_name: str) -> dict[str, list[str]]:
    """{key: [comment lines]}: the comment lines right above each key of the dict `dict_name` (section rulers and
    blank lines end a block)."""
    tree = ast.parse(code)
    target = next(node.value for node in ast.walk(tree)
                  if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict)
                  and any(isinstance(t, ast.Name) and t.id == dict_name
                          for t in (node.targets if isinstance(node, ast.Assign) else [node.target])))
    key_lines = {k.lineno: k.value for k in target.keys if isinstance(k, ast.Constant)}
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT and tok.line.strip().startswith("#"):
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    out: dict[str, list[str]] = {}
    for line, key in key_lines.items():
        block, above = [], line - 1
        while above in comments and not comments[above].startswith("---"):
            block.insert(0, comments[above])
            above -= 1
        if block:
            out[key] = block
    return out


def load(code: str, name: str, **given: object) -> dict:
    namespace: dict = dict(given)
    tree = ast.parse(code)
    # the module's own simple constants first (HELP_WORD, _HW_KO), then the dict
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)} | {
                e.id for t in targets if isinstance(t, ast.Tuple) for e in t.elts if isinstance(e, ast.Name)}
            if names & {name, "HELP_WORD", "_HW_KO", "_HW_EN"}:
                exec(compile(ast.Module([node], []), "<dict>", "exec"), namespace)  # noqa: S102 (our own file)
    return namespace[name]


def entries_actions(rev: str) -> dict[str, tuple[dict, list[str]]]:
    code = source(rev, "actions/texts.py")
    # The call centre's number stays in actions/settings.py: the texts name it {call_centre}, text() fills it.
    code = code.replace("{CALL_CENTRE_NUMBER}", "{{call_centre}}")
    texts = load(code, "TEXTS", CALL_CENTRE_NUMBER="{call_centre}")
    # A particle after a value is chosen by actions/particles.py, never written by hand.
    texts = {k: {lang: v.replace("{call_centre}로", "{call_centre|로}") if isinstance(v, str) else v
                 for lang, v in entry.items()} for k, entry in texts.items()}
    notes = comments_before_keys(code, "TEXTS")
    # Comments that stood above a group: each member gets them.
    for key in texts:
        if key.startswith("service_"):
            notes[key] = ["{service} of switched_service, queued_next and resumed_task (the particle is added there)"]
        if key.startswith("intent_"):
            notes[key] = ["A button each, in the clarifying question (actions/handoff.py CLARIFIABLE)"]
    # Misplaced above recall_value in the dict: it describes handoff_withdrawn.
    took_back = "The citizen took back a request for a person before anyone picked it up (actions/handoff_waiting.py)"
    notes["recall_value"] = [n for n in notes.get("recall_value", []) if n != took_back]
    notes["handoff_withdrawn"] = [took_back]
    out = {key: (value, notes.get(key, [])) for key, value in texts.items()}
    back = source(rev, "actions/handoff_return.py")
    for key, value in load(back, "TEXTS").items():
        out[f"handback_{key}"] = (value, ["After an agent hands the conversation back (actions/handoff_return.py)"])
    return out


def entries_services(rev: str) -> dict[str, tuple[dict, list[str]]]:
    """The desk's, the console's canned, the SMS keyword and the notifier's texts. The notifier built its sentences
    with f-strings: they are written out here as templates, one per sentence shape."""
    out: dict[str, tuple[dict, list[str]]] = {}
    desk = load(source(rev, "bot/desk/texts.py"), "TEXTS")
    for key, value in desk.items():
        out[f"desk_{key}"] = (value, ["What the desk tells the citizen (bot/desk/texts.py): no staff login ever."])
    out["desk_no_answer"] = (out["desk_no_answer"][0], out["desk_no_answer"][1]
                             + ["{when}: desk_when_at or desk_when_soon, its particle included."])
    out["desk_when_at"] = ({"ko": "{month}월 {day}일 {time}에", "en": "on {day} {month} at {time}"},
                           ["A callback time in a sentence (desk_no_answer): {month} is a number in Korean, "
                            "a short English month name in English."])
    out["desk_when_soon"] = ({"ko": "곧", "en": "soon"}, ["A callback within opening hours: never '곧에'."])
    for item in load(source(rev, "bot/console/canned.py"), "CANNED"):
        out[f"canned_{item['id']}"] = ({"ko": item["ko"], "en": item["en"]},
                                       ["A reply the agent can insert and edit (bot/console/canned.py); 합니다체 "
                                        "by choice (docs/GLOSSARY.md)."])
    for key, value in load(source(rev, "minwon_core/sms_keywords.py"), "TEXTS").items():
        out[f"sms_{key}"] = (value, ["The answer to a carrier SMS keyword (STOP/START/HELP and the Korean ones), "
                                     "sent by the edge itself (minwon_core/sms_keywords.py)."])
    messages = source(rev, "bot/notifier/messages.py")
    for table, prefix, note in (("APPLICATION_STATUS", "application_status_", "An application's status in "
                                 "notify_application ({status})."),
                                ("DELIVERY_STATUS", "delivery_status_", "An agency's delivery of a move-in report, "
                                 "in notify_address ({status})."),
                                ("AGENCIES", "agency_", "An agency told of a move-in report, in notify_address "
                                 "({agency}).")):
        for key, value in load(messages, table).items():
            out[prefix + key] = (value, [note])
    fine_law = ("A fine's late charge is 가산금 (질서위반행위규제법 제24조); a local tax's is 납부지연가산세 "
                "(지방세기본법 제55조). govapi's fine events do not say the kind yet (FN- numbers cover both): then "
                "no charge is named (_unknown).")
    notifications = {
        "money": ({"ko": "{amount}원", "en": "₩{amount}"}, ["An amount of money, {amount} with thousands separators."]),
        "notify_application": ({"ko": "[민원] {number} {status}", "en": "[minwon] Application {number}: {status}."},
                               ["An application moved (topic application_status); {status}: application_status_*."]),
        "notify_complaint_answered": ({"ko": "[민원] 민원 {number}에 답변이 왔어요. '처리 현황'이라고 보내 보세요.",
                                       "en": "[minwon] Your complaint {number} has been answered. Ask me for its "
                                             "status to read it."}, []),
        "notify_payment": ({"ko": "[민원] 납부 완료[({total})], 영수증 {receipt}",
                            "en": "[minwon] Payment received[: {total}]. Receipt {receipt}. Thank you."},
                           ["{total}: money; {receipt}: the receipt number, else the payment's."]),
        "notify_address": ({"ko": "[민원] 전입신고 {number}: [{agency} ]{status}",
                            "en": "[minwon] Move-in report {number}: [{agency} ]{status}."},
                           ["A move-in report's delivery to an agency moved; {agency}: agency_*, {status}: "
                            "delivery_status_*."]),
        "notify_due_on": ({"ko": "납부기한 {due}", "en": "due {due}"}, ["A part of notify_fine_* {details}."]),
    }
    groups = {"fine": ("과태료 ", "Fine ", "가산금이 붙었어요", "A late fee was added", "가산금이 붙어요",
                       "a late fee is added"),
              "tax": ("자동차세 ", "Vehicle tax ", "납부지연가산세가 붙었어요", "A late-payment charge was added",
                      "납부지연가산세가 붙어요", "a late-payment charge is added"),
              "unknown": ("", "", "낼 금액이 늘었어요", "The amount due went up", "낼 금액이 늘어요",
                          "the amount due goes up")}
    for group, (ko_name, en_name, ko_added, en_added, ko_will, en_will) in groups.items():
        en_notice = en_name or "Notice "
        notifications[f"notify_fine_{group}"] = (
            {"ko": f"[민원] {ko_name}{{number}}[: {{details}}]", "en": f"[minwon] {en_notice}{{number}}[: {{details}}]."},
            ["A fine or tax notice (topic fine_due); {details}: money and notify_due_on, joined by ', '."])
        notifications[f"notify_fine_late_{group}"] = (
            {"ko": f"[민원] {ko_name}{{number}}: 납부기한이 지나 {ko_added}.[ 낼 금액은 {{amount}}이에요.]",
             "en": f"[minwon] {en_added} ({en_name}{{number}}).[ Now due: {{amount}}.]"},
            [fine_law, "{amount}: money (it ends in 원, hence 이에요)."])
        notifications[f"remind_fine_due_{group}"] = (
            {"ko": f"[민원] {ko_name}{{number}}: {{due}}까지 내 주세요. 지나면 {ko_will}.",
             "en": f"[minwon] {en_notice}{{number}} is due on {{due}}. After that {en_will}."},
            ["A reminder before the due date (bot/notifier/reminders.py)."])
        notifications[f"remind_fine_soon_{group}"] = (
            {"ko": f"[민원] {ko_name}{{number}}: 납부기한 전에 내 주세요. 지나면 {ko_will}.",
             "en": f"[minwon] {en_notice}{{number}} is due soon. After that {en_will}."},
            ["A reminder before the due date, when the date is not known."])
    notifications["remind_supplement"] = (
        {"ko": "[민원] {number} 보완 서류가 아직 접수되지 않았어요. '처리 현황'으로 확인해 보세요.",
         "en": "[minwon] {number}: the office is still waiting for your documents. Ask me for its status."},
        ["A reminder while the office waits for the citizen's documents."])
    out.update(notifications)
    return out


def write(domain: str, entries: dict[str, tuple[dict, list[str]]], side: str, extra: str = "") -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    for lang, language in (("ko", "Korean (해요체)"), ("en", "English")):
        catalog = Catalog(locale=lang, domain=domain, project="minwon", version="1", fuzzy=False,
                          msgid_bugs_address="minwon issues", creation_date=now, revision_date=now,
                          last_translator="minwon", language_team=f"minwon {lang}",
                          header_comment="\n".join("# " + line if line else "#"
                                                   for line in HEADER.format(side=side, language=language,
                                                                             domain=domain, extra=extra).split("\n")))
        for key in sorted(entries):
            value, notes = entries[key]
            chosen = value[lang]
            other = value["en"]
            if isinstance(other, dict):  # a plural entry in both languages
                msgid: object = (key, key)
                string: object = (chosen["one"], chosen["other"]) if isinstance(chosen, dict) else (chosen,)
            else:
                msgid, string = key, chosen
            catalog.add(msgid, string, user_comments=notes)
        path = po_path(domain, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fp:
            write_po(fp, catalog, width=None, no_location=True, sort_output=True, ignore_obsolete=True)
        print(f"{path.relative_to(ROOT)}: {len(entries)} texts")


def main() -> None:
    rev, domain = sys.argv[1], sys.argv[2]
    if domain == "actions":
        write("actions", entries_actions(rev), "bot's",
              extra="{name} is a value, {name|로} the value with the particle it needs, [ ... ] an optional part\n"
                    "(actions/texts.py); {call_centre} is actions/settings.py's CALL_CENTRE_NUMBER.")
    elif domain == "services":
        write("services", entries_services(rev), "services'",
              extra="{name} is a value, [ ... ] around a value an optional part, around plain words plain brackets\n"
                    "(minwon_core/texts.py). The desk, the notifier, the console's canned replies, the SMS keyword answers.")
    else:
        raise SystemExit(f"unknown domain {domain}")


if __name__ == "__main__":
    main()
