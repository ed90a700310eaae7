"""`msg()`: the services' texts (the desk's, the notifier's, the console's canned replies, the SMS keyword answers)
from their gettext catalogue, domain "services" (locale/{ko,en}/LC_MESSAGES/services.po; minwon_core/catalogue.py).

Template syntax: {name} a value; [ ... ] around a value an optional part, left out when a value inside it is empty
(None or ""); brackets around plain words are shown as written ("[민원] ").
A value outside an optional part must be given (EmptyValue otherwise: the catalogue test renders every text with
each value missing). No particles here: a value that needs one carries it (the desk's callback time). A plural text
is a gettext plural entry called with nmsg(). (Not `text`: SQLAlchemy's text("SELECT ...") would be extracted.) A key the code chooses at run time is marked N_ so `pybabel extract`
sees it. To add or change a text: README, "Tests" (`make catalogues`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from minwon_core import catalogue

DOMAIN = "services"
_PLACEHOLDER = re.compile(r"{(\w+)}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


class EmptyValue(ValueError):
    """A placeholder outside an optional part had no value."""


class _Drop(Exception):
    """An optional part has an empty value: the part is left out."""


def N_(key: str) -> str:
    """Marks a key the code chooses at run time (a table, a condition) so `pybabel extract` sees it."""
    return key


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fill(piece: str, values: Mapping[str, object], optional: bool) -> str:
    if optional and not _PLACEHOLDER.search(piece):
        return f"[{piece}]"

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if _empty(value):
            if optional:
                raise _Drop()
            raise EmptyValue(match.group(1))
        return str(value)
    try:
        return _PLACEHOLDER.sub(one, piece)
    except _Drop:
        return ""


def render(template: str, values: Mapping[str, object]) -> str:
    pieces = _OPTIONAL.split(template)  # plain, optional, plain, optional, ...
    return "".join(_fill(piece, values, optional=bool(i % 2)) for i, piece in enumerate(pieces))


def msg(key: str, language: str, **values: object) -> str:
    """The text for `key` in `language` (Korean unless 'en'), its placeholders filled."""
    return render(catalogue.message(DOMAIN, key, language, values.get("count")), values)


def nmsg(key: str, language: str, count: object, **values: object) -> str:
    return msg(key, language, count=count, **values)
