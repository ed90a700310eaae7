"""Login guessing is slowed per account and per address, and a flood of bad logins leaves the desk answering."""
import asyncio

import pytest
from console_helpers import HANDOFF_TOKEN, escalation

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
