"""Login guessing is slowed per account and per address, and a flood of bad logins leaves the desk answering."""
import asyncio
import time

import pytest
from aiohttp import ClientSession, CookieJar, TCPConnector
from console_helpers import HANDOFF_TOKEN, escalation

from bot.console.app import create_app

pytestmark = pytest.mark.asyncio


async def attempt(client, username: str, password: str):
    token = (await (await client.get("/api/login-token")).json())["csrf"]
    return await client.post("/api/login", json={"username": username, "password": password},
                             headers={"X-CSRF-Token": token})


async def test_after_five_wrong_passwords_the_account_waits_even_with_the_right_one(aiohttp_client, console):
    client = await aiohttp_client(console)
    for _ in range(5):
        assert (await attempt(client, "agent1", "guess")).status == 401
    refused = await attempt(client, "agent1", "guess")
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    body = await refused.json()
    assert body["code"] == "too_many_attempts" and "try again" in body["message"]
    right = await attempt(client, "agent1", "agent1-demo")
    assert right.status == 429  # the lock holds for the right password too
    assert (await attempt(client, "agent2", "agent2-demo")).status == 200  # another account is not locked


async def test_one_address_trying_many_accounts_is_slowed_too(aiohttp_client, console):
    client = await aiohttp_client(console)
    statuses = [(await attempt(client, f"user{n}", "guess")).status for n in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429


async def test_a_right_password_clears_the_account_count(aiohttp_client, console):
    client = await aiohttp_client(console)
    for _ in range(4):
        await attempt(client, "agent1", "typo")
    assert (await attempt(client, "agent1", "agent1-demo")).status == 200
    for _ in range(5):
        assert (await attempt(client, "agent1", "typo")).status == 401


async def test_the_desk_answers_while_fifty_bad_logins_run(aiohttp_client, console):
    flood_client, bot = await aiohttp_client(console), await aiohttp_client(console)
    token = (await (await flood_client.get("/api/login-token")).json())["csrf"]

    async def bad_login(n: int) -> int:
        resp = await flood_client.post("/api/login", json={"username": f"agent{n % 3}", "password": f"wrong{n}"},
                                       headers={"X-CSRF-Token": token})
        return resp.status
    flood = asyncio.gather(*(bad_login(n) for n in range(50)))
    during, n = [], 0
    while not flood.done():  # the desk's own routes, for as long as the flood lasts
        n += 1
        health = await bot.get("/health")
        opened = await bot.post("/v1/handoffs", json=escalation(f"tg:66{n}", f"flood-{n}"),
                                headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"})
        during.append((health.status, opened.status, flood.done()))
    statuses = await flood
    assert set(statuses) <= {401, 429} and 429 in statuses
    answered_during = [(h, o) for h, o, finished in during if not finished]
    assert answered_during and all(h == 200 and o == 201 for h, o in answered_during)


def from_address(console, address: str) -> ClientSession:
    """A client whose requests come from another loopback address (the console sees it as the client's address)."""
    return ClientSession(base_url=str(console.make_url("")), cookie_jar=CookieJar(unsafe=True),
                         connector=TCPConnector(local_addr=(address, 0)))


async def guess_until_refused(http: ClientSession, username: str, n: int) -> list[tuple[float, int]]:
    """One flooding client: wrong passwords, retrying at once (ignoring Retry-After) until too_many_attempts.
    Returns the 429 answers as (when, Retry-After); checks every 429 says how long to wait."""
    refusals: list[tuple[float, int]] = []
    while True:
        answer = await attempt(http, username, f"wrong-{n}")
        assert answer.status in (401, 429), answer.status
        if answer.status == 429:
            body, wait = await answer.json(), int(answer.headers["Retry-After"])
            assert wait >= 1 and body["retry_after_seconds"] == wait and body["message"]
            assert body["code"] in ("too_many_attempts", "login_busy")
            refusals.append((time.monotonic(), wait))
            if body["code"] == "too_many_attempts":
                return refusals


async def flood(console, address: str, username: str, clients: int = 50) -> list[tuple[float, int]]:
    async with from_address(console, address) as http:
        answers = await asyncio.gather(*(guess_until_refused(http, username, n) for n in range(clients)))
    return [refusal for one in answers for refusal in one]


async def test_a_flood_of_bad_logins_gets_429s_and_the_agent_logs_in_after_the_back_off(console):
    refusals = await flood(console, "127.0.0.2", "agent1")
    assert len(refusals) >= 50  # every flooding client was told to wait, none got past the lock
    async with from_address(console, "127.0.0.2") as http:
        assert (await attempt(http, "agent1", "agent1-demo")).status == 429  # still locked right after
        # The agent waits as long as the last refusal said (the back-off itself is what is tested here).
        await asyncio.sleep(max(when + wait for when, wait in refusals) - time.monotonic())
        right = await attempt(http, "agent1", "agent1-demo")
        assert right.status == 200, await right.text()


async def as_the_page(http, username: str, password: str, tries: int = 5):
    """A login as the page makes it: a "busy" answer (every password-check slot taken, as just after a flood on a
    loaded machine) is tried again after its Retry-After; any other answer is the answer."""
    for _ in range(tries):
        answer = await attempt(http, username, password)
        if answer.status != 429 or (await answer.json())["code"] != "login_busy":
            return answer
        await asyncio.sleep(int(answer.headers["Retry-After"]))
    return answer


async def test_a_right_login_is_not_refused_because_another_address_flooded(console):
    await flood(console, "127.0.0.2", "agent1")
    # Asked right after the flood, while its lock holds (it may be a second or two: a burst gets one lock, and a
    # password check on a loaded machine can outlast it, so the order matters, not a sleep).
    async with from_address(console, "127.0.0.2") as http:
        assert (await attempt(http, "agent1", "agent1-demo")).status == 429  # the flooding address waits
    async with from_address(console, "127.0.0.3") as http:
        assert (await as_the_page(http, "agent1", "agent1-demo")).status == 200


async def test_logins_beyond_the_argon2_slots_are_refused_at_once_and_not_counted(aiohttp_server, make_settings):
    console = await aiohttp_server(create_app(make_settings(password_checks=1)))
    async with from_address(console, "127.0.0.4") as http:
        users = ("agent1", "agent2", "supervisor")
        first = await asyncio.gather(*(attempt(http, user, f"{user}-demo") for user in users))
        busy = [(user, answer) for user, answer in zip(users, first) if answer.status == 429]
        assert busy, [answer.status for answer in first]
        for user, answer in busy:  # as the page does: try again once the second has passed
            assert (await answer.json())["code"] == "login_busy" and answer.headers["Retry-After"] == "1"
            await asyncio.sleep(1)
            assert (await attempt(http, user, f"{user}-demo")).status == 200
        # A busy answer checked no password, so it cost nobody one of their five attempts.
        for _ in range(5):
            assert (await attempt(http, "agent1", "typo")).status == 401

