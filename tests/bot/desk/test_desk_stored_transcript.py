"""What the desk keeps of a conversation: one-time codes never, phone numbers and birth dates masked at rest.

The real console app (its desk, its inbox consumer on the real Redis stream) on SQLite and on a fresh PostgreSQL
database; Rasa and the edge are the console suite's loopback stand-in (tests/bot/console/loopback_upstream.py).
Rows are read back from the database itself, not through the console, so display masking cannot hide a raw row."""
from __future__ import annotations

import asyncio
import os
import re
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "console"))  # the console suite's stand-ins

from console_helpers import escalate, log_in
from desk_helpers import REDIS_TEST_URL
from loopback_upstream import OUTBOUND_TOKEN, RASA_TOKEN, Upstream, build

from bot.console.app import create_app
from bot.console.settings import ConsoleSettings
from bot.desk.hours import BusinessHours

pytestmark = pytest.mark.asyncio
PG_ADMIN_DSN = os.environ.get("PG_TEST_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
CID = "tg:770001"
CODE = "482913"


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}"
        return
    name = f"minwon_desk_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture
def upstream():
    return Upstream()


@pytest_asyncio.fixture
async def console(aiohttp_server, upstream, database_url, redis, keys):
    upstream_server = await aiohttp_server(build(upstream))
    base = str(upstream_server.make_url("")).rstrip("/")
    settings = ConsoleSettings(
        env="test", instance=f"test-{uuid.uuid4().hex[:6]}", database_url=database_url, redis_url=REDIS_TEST_URL,
        namespace=keys.ns, rasa_url=base, rasa_token=RASA_TOKEN, outbound_token=OUTBOUND_TOKEN, govapi_url=base,
        handoff_token="test-handoff-token", hours=BusinessHours(always_open=True), seed_demo=True)
    return await aiohttp_server(create_app(settings))


@pytest_asyncio.fixture
async def supervisor(aiohttp_client, console):
    return await log_in(await aiohttp_client(console), "supervisor", "supervisor-demo")


async def stored_rows(database_url: str) -> list[tuple[str, str]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return [(r[0], r[1]) for r in await conn.execute(sql("SELECT direction, text FROM console_messages ORDER BY id"))]
    finally:
        await engine.dispose()


async def citizen_writes(redis, keys, upstream, database_url, said: str) -> None:
    """What the connector does with a line while a person has the conversation: Rasa logs it (paused) and the
    desk inbox stream gets a copy; returns once the console's inbox consumer has stored it."""
    upstream.say(CID, "user", said, intent="inform")
    before = len(await stored_rows(database_url))
    await redis.xadd(keys.inbox, {"conversation_id": CID, "text": said, "metadata": "{}"})
    for _ in range(100):  # the consumer blocks on the stream, so a row appears within milliseconds
        if len(await stored_rows(database_url)) > before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the desk did not store the citizen's line within 5 s")


def asking_for_the_code(upstream) -> None:
    """The verification step as Rasa records it: the form asks for the code and the bot says so."""
    upstream.say(CID, "user", "과태료 조회하고 싶어요", intent="check_fines")
    events = upstream.tracker(CID)["events"]
    events.append({"event": "active_loop", "name": "pay_fine_form"})
    events.append({"event": "slot", "name": "requested_slot", "value": "otp_code"})
    events.append({"event": "action", "name": "action_ask_otp_code"})
    upstream.say(CID, "bot", "010-****-5678로 보낸 인증번호 6자리를 입력해주세요.")


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


async def test_a_code_typed_after_a_takeover_mid_verification_is_never_stored(
        supervisor, redis, keys, upstream, database_url):
    asking_for_the_code(upstream)
    resp = await supervisor.post("/api/takeover", {"conversation_id": CID, "reason": "stuck at the code"})
    assert resp.status == 201, await resp.text()
    handoff_id = (await resp.json())["handoff_id"]
    await citizen_writes(redis, keys, upstream, database_url, "482 913")
    await citizen_writes(redis, keys, upstream, database_url, f"코드는 {CODE} 이고 번호는 010-2222-3333, 생일은 1990년 5월 6일")

    rows = await stored_rows(database_url)
    citizen = [t for who, t in rows if who == "citizen"]
    assert citizen == ["******", "코드는 ****** 이고 번호는 010-****-3333, 생일은 ****-**-**"]
    assert all(CODE not in digits(t) and "2222" not in t and "1990" not in t for _, t in rows)

    # The audited reveal still shows the phone and birth date (from Rasa's copy of the line), never the code.
    revealed = await (await supervisor.post(f"/api/handoffs/{handoff_id}/reveal",
                                            {"fields": ["phone", "birth_date"]})).json()
    shown = [m["text"] for m in revealed["messages"] if m["who"] == "citizen"]
    assert shown == ["******", "코드는 ****** 이고 번호는 010-2222-3333, 생일은 1990년 5월 6일"]
    plain = await (await supervisor.get(f"/api/handoffs/{handoff_id}")).json()
    assert "2222" not in str(plain["messages"]) and "1990" not in str(plain["messages"])


async def test_a_code_typed_after_asking_for_a_person_at_the_code_question_is_never_stored(
        supervisor, redis, keys, upstream, database_url, aiohttp_client, console):
    # The citizen asked for a person while the form asked for the code; the form then ended (the bot no longer
    # asks), but the actions told the desk which slot was being asked.
    asking_for_the_code(upstream)
    upstream.say(CID, "user", "상담원 연결해 주세요", intent="request_human")
    upstream.tracker(CID)["events"] += [{"event": "active_loop", "name": None},
                                        {"event": "slot", "name": "requested_slot", "value": None}]
    upstream.say(CID, "bot", "상담원을 연결하고 있어요.")
    bot = await aiohttp_client(console)
    resp = await escalate(bot, CID, "stored-1", form={"name": "pay_fine_form", "slots": {"requested_slot": "otp_code"}})
    assert resp.status == 201
    await citizen_writes(redis, keys, upstream, database_url, CODE)
    assert [t for who, t in await stored_rows(database_url) if who == "citizen"] == ["******"]


async def test_numbers_that_are_not_codes_are_kept_and_rasa_down_means_masked(
        supervisor, redis, keys, upstream, database_url, aiohttp_client, console):
    upstream.say(CID, "user", "상담원 연결해 주세요", intent="request_human")
    upstream.say(CID, "bot", "상담원을 연결하고 있어요.")
    bot = await aiohttp_client(console)
    assert (await escalate(bot, CID, "stored-2", form=None)).status == 201
    await citizen_writes(redis, keys, upstream, database_url, "과태료 FN-2026-000001 문의예요")
    upstream.rasa_down = True  # where the talk stands cannot be read: six digits are treated as a code
    await citizen_writes(redis, keys, upstream, database_url, "FN-2026-000002 도요")
    assert [t for who, t in await stored_rows(database_url) if who == "citizen"] == [
        "과태료 FN-2026-000001 문의예요", "FN-2026-****** 도요"]


async def test_an_agents_reply_is_stored_masked_and_revealed_from_the_tracker(
        supervisor, upstream, database_url, aiohttp_client, console):
    upstream.say(CID, "user", "상담원 연결해 주세요", intent="request_human")
    bot = await aiohttp_client(console)
    handoff_id = (await (await escalate(bot, CID, "stored-3", form=None)).json())["handoff_id"]
    assert (await supervisor.post(f"/api/handoffs/{handoff_id}/claim")).status == 200
    said = "등록된 번호 010-4444-5555로 전화드릴게요"
    assert (await supervisor.post(f"/api/handoffs/{handoff_id}/reply", {"text": said})).status == 200
    assert ("agent", "등록된 번호 010-****-5555로 전화드릴게요") in await stored_rows(database_url)
    revealed = await (await supervisor.post(f"/api/handoffs/{handoff_id}/reveal", {"fields": ["phone"]})).json()
    assert said in [m["text"] for m in revealed["messages"]]
