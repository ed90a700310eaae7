"""Short links are unguessable and a client cannot scan them: 128-bit codes, and per client address (read from
X-Forwarded-For only when the load balancer sent it) a limit per minute, then 429 with Retry-After."""
from __future__ import annotations

import re
import uuid

import httpx
import pytest
from aiohttp.test_utils import make_mocked_request

from edge.client_address import client_address

LOOPBACK = ("127.0.0.1/32", "::1/128")


def test_a_short_link_code_carries_128_bits(sms, phone):
    (body,) = sms.send(phone, "link")
    code = body.split("/s/")[1].strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", code)  # 22 url-safe characters: 132 bits
    assert httpx.get(sms.edge + "/s/" + code, follow_redirects=False).status_code == 302


def test_one_client_scanning_codes_is_refused_for_the_minute_and_others_are_not(edge):
    scanner = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    # 61 guesses: whichever way a minute boundary splits them, one window holds more than the limit of 30
    answers = [httpx.get(f"{edge.url}/s/{uuid.uuid4().hex[:22]}", headers={"X-Forwarded-For": scanner})
               for _ in range(61)]
    codes = {r.status_code for r in answers}
    assert codes == {404, 429}
    refused = next(r for r in answers if r.status_code == 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 60 and "1분 뒤에 다시" in refused.text and "Try again in a minute" in refused.text
    other = httpx.get(f"{edge.url}/s/{uuid.uuid4().hex[:22]}", headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status_code == 404


def request_from(peer: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return make_mocked_request("GET", "/s/x", headers=headers, transport=_Transport(peer))


class _Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default=None):
        return (self.peer, 40000) if name == "peername" else default


@pytest.mark.parametrize("peer,forwarded,expected", [
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not our proxy: its header is the client's own say-so
    ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # our proxy: the address it saw
    ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own header comes first: not believed
    ("127.0.0.1", "198.51.100.1, 127.0.0.1", "198.51.100.1"),  # two proxies of ours: the first untrusted hop
    ("127.0.0.1", "not-an-address", "127.0.0.1"),  # unreadable: the peer
    ("127.0.0.1", None, "127.0.0.1"),
])
def test_the_client_address_is_read_from_trusted_proxies_only(peer, forwarded, expected):
    assert client_address(request_from(peer, forwarded), LOOPBACK) == expected
