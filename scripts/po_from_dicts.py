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
    else:
        raise SystemExit(f"unknown domain {domain}")


if __name__ == "__main__":
    main()
