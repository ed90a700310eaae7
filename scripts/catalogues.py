"""The gettext catalogues (locale/): extract the keys the code uses, update the .po files, compile the .mo files.

    .venv-rasa/bin/python scripts/catalogues.py [actions|services ...]      (`make catalogues`: both sides)

Each side is one gettext domain read by minwon_core/catalogue.py: its .po files (ko, en) are the source of truth
for the texts, the code names each text by its key. The steps are Babel's own commands (pybabel extract, update,
compile) with the options below, so the .po files stay in the form `pybabel` writes:
  extract  every call of the side's keywords in its code -> locale/<domain>.pot (sorted, without locations, so a
           moved line changes nothing; the .pot is a by-product and not committed)
  update   new keys join each .po with an empty msgstr (a test fails until someone writes the text), keys no longer
           used leave it (--ignore-obsolete; git keeps the old text), no fuzzy guesses, no line wrapping, and the
           header's dates stay as they are, so an unchanged catalogue is not rewritten
  compile  locale/<lang>/LC_MESSAGES/<domain>.mo, committed (minwon_core/catalogue.py says why)
The catalogue tests (tests/actions/test_texts_catalogue.py, tests/bot/test_service_texts.py) use `extract()`
and `compiled()` below with the same settings, so what they check is what this script writes.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
LANGUAGES = ("ko", "en")
MAPPING = ROOT / "babel.cfg"
# The words that name a text in each side's code. ntext:1,1 makes the key both msgid and msgid_plural (a plural
# entry); N_ marks a key the code chooses at run time (a table of keys, a key built from a slot's name).
SIDES: dict[str, dict[str, list[str]]] = {
    "actions": {"paths": ["actions"], "keywords": ["text", "ntext:1,1", "N_"]},
    "services": {"paths": ["bot", "edge", "minwon_core"], "keywords": ["msg", "nmsg:1,1", "N_"]},
}


def po_path(domain: str, lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def mo_path(domain: str, lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo"


def _extracted(domain: str):
    with open(MAPPING, encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    for path in SIDES[domain]["paths"]:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / path, method_map, options_map, keywords=parse_keywords(SIDES[domain]["keywords"]),
                comment_tags=(), strip_comment_tags=True):
            yield f"{path}/{filename}", lineno, message


def extract(domain: str) -> dict[str, list[tuple[str, int]]]:
    """{key: [(file, line), ...]} for every key the side's code names (what `pybabel extract` puts in the .pot);
    a plural key comes as its msgid."""
    found: dict[str, list[tuple[str, int]]] = {}
    for where, lineno, message in _extracted(domain):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, []).append((where, lineno))
    return found


def plural_keys(domain: str) -> set[str]:
    """The keys the code asks for as plurals (ntext)."""
    return {message[0] for _w, _l, message in _extracted(domain) if isinstance(message, tuple)}


def read(domain: str, lang: str) -> Catalog:
    with open(po_path(domain, lang), "rb") as fp:
        return read_po(fp, locale=lang, domain=domain)


def compiled(domain: str, lang: str) -> bytes:
    """What `pybabel compile` writes for this .po (no fuzzy entries)."""
    out = io.BytesIO()
    write_mo(out, read(domain, lang), use_fuzzy=False)
    return out.getvalue()


def _pybabel(*argv: str) -> None:
    status = CommandLineInterface().run(["pybabel", "-q", *argv])
    if status:
        raise SystemExit(status)


def build(domain: str) -> None:
    pot = LOCALE / f"{domain}.pot"
    keywords = [arg for k in SIDES[domain]["keywords"] for arg in ("-k", k)]
    _pybabel("extract", "-F", str(MAPPING), "--no-default-keywords", *keywords, "--sort-output", "--no-location",
             "--project", "minwon", "-o", str(pot), *(str(ROOT / p) for p in SIDES[domain]["paths"]))
    _pybabel("update", "-D", domain, "-i", str(pot), "-d", str(LOCALE), "--ignore-obsolete", "--no-fuzzy-matching",
             "--no-wrap", "--ignore-pot-creation-date")
    _pybabel("compile", "-D", domain, "-d", str(LOCALE), "--statistics")


def main(argv: list[str]) -> None:
    for domain in argv or list(SIDES):
        if domain not in SIDES:
            raise SystemExit(f"unknown side {domain!r}: {', '.join(SIDES)}")
        build(domain)


if __name__ == "__main__":
    main(sys.argv[1:])
