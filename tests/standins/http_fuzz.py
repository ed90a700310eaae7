"""A bounded HTTP fuzz for the aiohttp services (stand-ins, notifier): hypothesis draws whole requests (route,
path id, query bytes, header bytes, body), they go over a raw socket so nothing is cleaned on the way, and the
caller checks each answer is below 500 and that no log record holds the secret-looking marker planted in them.

    cases = draw(request_strategy(...), max_examples=300)
    for case in cases: status, headers, body = await send(server, case)
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import traceback
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Looks like a token, a phone number and a code together: whatever a log line copied raw would show.
MARKER = f"sk_live_{secrets.token_hex(6)}"
SECRETISH = f"{MARKER}:010-9876-5432"
JUNK_TEXT = ["\ud800", "a\udfffb", "x" * 70_000, SECRETISH, "", " ", "null", "0" * 400, "\u0000", "👍" * 30]
HUGE_BODY = b'{"a":"' + b"x" * 9_000_000 + b'"}'  # above every service's body limit: sent once, not drawn
JUNK_QUERY = [b"%ff%fe", b"%ed%a0%80", b"%00", b"%", b"%zz", b"9" * 30, b"-1", b"1e3", b"inf", b"nan",
              SECRETISH.encode(), b"\xff\xfe"]


@dataclass
class Case:
    method: str
    path: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _dumps(value: object) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: a lone surrogate travels as \ud800, as attackers send it


def bodies(keys: list[str]) -> st.SearchStrategy[bytes]:
    key = st.sampled_from(keys) | st.text(max_size=6)
    leaf = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
            | st.sampled_from(JUNK_TEXT))
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(key, inner, max_size=3),
                         max_leaves=10)
    form = st.lists(st.tuples(key, st.text(max_size=20) | st.sampled_from(JUNK_TEXT)), max_size=5).map(
        lambda pairs: "&".join(f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}"
                               for k, v in pairs).encode())
    return (st.dictionaries(st.sampled_from(keys), value, max_size=6).map(_dumps) | value.map(_dumps)
            | st.binary(max_size=300) | form
            | st.integers(1, 5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n)
            | st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n))


def queries(keys: list[str]) -> st.SearchStrategy[bytes]:
    key = st.sampled_from([k.encode() for k in keys]) | st.binary(max_size=4).map(lambda b: quote(b).encode())
    value = (st.sampled_from(JUNK_QUERY) | st.text(max_size=12).map(lambda t: quote(t, errors="surrogatepass").encode()))
    return st.lists(st.tuples(key, value), max_size=4).map(
        lambda pairs: b"?" + b"&".join(k + b"=" + v for k, v in pairs) if pairs else b"")


HEADER_NAMES = [b"Authorization", b"Content-Type", b"X-Request-Id", b"X-Conversation-Ref", b"Cookie",
                b"X-Twilio-Signature", b"X-Telegram-Bot-Api-Secret-Token", b"Accept-Language", b"X-Forwarded-For"]
# Any byte but CR, LF and NUL (which end or break the header line before the service sees it).
HEADER_VALUE = (st.binary(max_size=40).map(lambda b: bytes(c for c in b if c not in (10, 13, 0)))
                | st.sampled_from([SECRETISH.encode(), b"\xff\xfe", b"\xed\xa0\x80", b"Bearer \xc3\x28"]))


def requests(routes: list[tuple[str, str]], ids: list[str], keys: list[str],
             base_headers: dict[str, str]) -> st.SearchStrategy[Case]:
    """Requests to `routes` ("{id}" in a path is drawn from `ids`), mostly carrying the right credentials
    (`base_headers`) so the handlers are reached, with one fuzzed header now and then."""
    path_id = st.sampled_from(ids + [SECRETISH, "%ff", "..%2F..%2Fetc", "x" * 300])

    def build(route, ident, query, extra, content_type, body) -> Case:
        method, path = route
        replaced = {name.lower() for name, _ in extra}
        headers = [(k.encode(), v.encode()) for k, v in base_headers.items() if k.encode().lower() not in replaced]
        if content_type is not None:
            headers.append((b"Content-Type", content_type))
        headers += extra
        target = path.replace("{id}", quote(ident, safe="%")).encode() + query
        return Case(method, target, headers, body if method in ("POST", "PATCH", "PUT", "DELETE") else b"")

    content_type = st.none() | st.sampled_from([b"application/json", b"application/x-www-form-urlencoded",
                                                b"text/plain", b"multipart/form-data; boundary=x", b"\xff/json"])
    extra = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HEADER_VALUE), max_size=2)
    return st.builds(build, st.sampled_from(routes), path_id, queries(keys), extra, content_type, bodies(keys))


def draw(strategy: st.SearchStrategy, max_examples: int) -> list:
    """Hypothesis draws the cases here; they are sent afterwards on the test's own event loop."""
    cases: list = []

    @settings(max_examples=max_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case) -> None:
        cases.append(case)

    collect()
    return cases


async def send(host: str, port: int, case: Case, timeout: float = 15) -> tuple[int, bytes, bytes]:
    """One request as raw bytes; returns the status, the response head and the body."""
    reader, writer = await asyncio.open_connection(host, port)
    head = [case.method.encode() + b" " + case.path + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close",
            b"Content-Length: " + str(len(case.body)).encode()]
    head += [name + b": " + value for name, value in case.headers]
    writer.write(b"\r\n".join(head) + b"\r\n\r\n" + case.body)
    try:
        await writer.drain()
    except ConnectionError:
        pass  # the server answered (413) and closed before taking the whole body
    try:
        answer = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    response_head, _, body = answer.partition(b"\r\n\r\n")
    return int(response_head.split(b" ", 2)[1]), response_head, body


def leaked(records: list[logging.LogRecord]) -> list[str]:
    """Log records that carry the marker anywhere: message, arguments, extra fields, exception text."""
    found = []
    for record in records:
        parts = [record.getMessage(), repr(record.__dict__)]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        if any(MARKER in part for part in parts):
            found.append(f"{record.name}: {record.getMessage()[:120]}")
    return found
