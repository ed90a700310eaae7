"""The message catalogues at run time: gettext .mo files read with the standard library only.

One catalogue per side, one gettext domain each, in one locale tree at the repository's root:
    locale/<lang>/LC_MESSAGES/<domain>.po   the source of truth (edit these; `make catalogues` after code changes)
    locale/<lang>/LC_MESSAGES/<domain>.mo   compiled by Babel and committed (a test checks each equals its .po)
Domains: "actions" (the bot's texts, actions/texts.py renders them) and "services" (the desk, the notifier, the
console's canned replies and the SMS keyword answers). A msgid is the message's key ("ask_phone"), its msgstr the
text with {placeholders}; plural texts are gettext plural entries (Korean nplurals=1, English nplurals=2).
Each catalogue is read once per process, at its first use.

Why the .mo files are committed: every process, image and launcher (Procfile, deploy/docker, a clean clone's
tests, bench/sms_segments.py --rev) then reads the catalogue with the standard library and nothing to build,
and the services' runtime needs no Babel; the price, a .mo that drifts from its .po, is a failing test.
"""
from __future__ import annotations

import functools
import gettext
from pathlib import Path

LANGUAGES = ("ko", "en")
DOMAINS = ("actions", "services")
_DEFAULT_DIR = Path(__file__).resolve().parents[1] / "locale"
_locale_dir = _DEFAULT_DIR


class MissingMessage(KeyError):
    """The catalogue has no message under this key (a key the code names but no one wrote)."""


class _Refuse(gettext.NullTranslations):
    """The fallback behind each catalogue: a missing key is an error, never the key shown to a citizen."""

    def gettext(self, message: str) -> str:
        raise MissingMessage(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise MissingMessage(msgid1)


def locale_dir() -> Path:
    return _locale_dir


def use_locale_dir(path: Path | str | None) -> None:
    """Read the catalogues from another tree (a benchmark of an older revision); None: the repository's own."""
    global _locale_dir
    _locale_dir = Path(path) if path is not None else _DEFAULT_DIR
    translations.cache_clear()


def _lang(language: str) -> str:
    return "en" if language == "en" else "ko"


@functools.lru_cache(maxsize=None)
def translations(domain: str, language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of `domain` in `language` (Korean unless 'en'), read once."""
    path = _locale_dir / _lang(language) / "LC_MESSAGES" / f"{domain}.mo"
    with open(path, "rb") as fp:
        catalogue = gettext.GNUTranslations(fp)
    catalogue.add_fallback(_Refuse())
    return catalogue


def plural_count(count: object) -> int:
    """The number that picks a plural form; an unknown count takes the form for several ("other")."""
    if isinstance(count, (int, float, str)):
        try:
            return int(count)
        except ValueError:
            pass
    return 2


def message(domain: str, key: str, language: str, count: object = None) -> str:
    """The text stored under `key`; for a plural entry the form `count` needs. MissingMessage if there is none."""
    catalogue = translations(domain, language)
    try:
        return catalogue.ngettext(key, key, plural_count(count))
    except MissingMessage:
        return catalogue.gettext(key)


def is_plural(domain: str, key: str, language: str = "en") -> bool:
    try:
        translations(domain, language).ngettext(key, key, 1)
    except MissingMessage:
        return False
    return True


def keys(domain: str, language: str) -> set[str]:
    """Every key of a compiled catalogue (for checks and benchmarks; GNUTranslations keeps them in _catalog:
    plural entries under (key, form), the header under "")."""
    entries = translations(domain, language)._catalog  # type: ignore[attr-defined]
    return {k[0] if isinstance(k, tuple) else k for k in entries} - {""}
