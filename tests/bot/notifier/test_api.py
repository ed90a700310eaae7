"""The subscriptions API as a client (the action server) uses it, built from the real factory."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import pytest_asyncio

from bot.notifier.app import create_app
from bot.notifier.settings import NotifierSettings

TOKEN = "api-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
pytestmark = pytest.mark.asyncio(loop_scope="function")


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path):
    """Both stores the notifier supports: SQLite (default) and a unique PostgreSQL database per test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/n.sqlite3"
        return
    import asyncpg

    name = f"notifier_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture
async def client(aiohttp_client, database_url):
    settings = NotifierSettings(token=TOKEN, database_url=database_url)
    return await aiohttp_client(create_app(settings, run_worker=False))


def body(**changes):
    return {"citizen_id": "ct_000001", "conversation_id": "tg:42", "topics": ["application_status"],
            "language": "ko"} | changes


async def test_without_the_token_nothing_is_answered(client):
    resp = await client.get("/v1/subscriptions", params={"citizen_id": "ct_000001"})
    assert resp.status == 401 and (await resp.json())["code"] == "unauthorized"
    assert (await client.get("/healthz")).status == 200


async def test_subscribe_list_and_cancel(client):
    resp = await client.post("/v1/subscriptions", json=body(case_number="ap-2026-000002"), headers=AUTH)
    assert resp.status == 201
    sub = await resp.json()
    assert sub["channel"] == "telegram" and sub["case_number"] == "AP-2026-000002" and sub["quiet_hours"] is None
    listed = await (await client.get("/v1/subscriptions", params={"citizen_id": "ct_000001"}, headers=AUTH)).json()
    assert [s["id"] for s in listed["subscriptions"]] == [sub["id"]]
    resp = await client.delete(f"/v1/subscriptions/{sub['id']}", params={"citizen_id": "ct_000001"}, headers=AUTH)
    assert resp.status == 200 and (await resp.json())["state"] == "cancelled"
    listed = await (await client.get("/v1/subscriptions", params={"conversation_id": "tg:42"}, headers=AUTH)).json()
    assert listed["subscriptions"] == []


async def test_subscribing_again_widens_the_same_subscription(client):
    first = await (await client.post("/v1/subscriptions", json=body(), headers=AUTH)).json()
    resp = await client.post("/v1/subscriptions", json=body(topics=["payment_receipt"]), headers=AUTH)
    assert resp.status == 200
    again = await resp.json()
    assert again["id"] == first["id"] and again["topics"] == ["application_status", "payment_receipt"]


async def test_sms_gets_the_night_window_unless_the_citizen_changes_it(client):
    sms = await (await client.post("/v1/subscriptions", json=body(conversation_id="sms:+821012345678"),
                                   headers=AUTH)).json()
    assert sms["quiet_hours"] == {"start": "21:00", "end": "08:00", "timezone": "Asia/Seoul"}
    resp = await client.patch(f"/v1/subscriptions/{sms['id']}", json={"quiet_hours": "22:00-07:30"}, headers=AUTH)
    assert (await resp.json())["quiet_hours"]["start"] == "22:00"


async def test_someone_elses_subscription_looks_unknown(client):
    sub = await (await client.post("/v1/subscriptions", json=body(), headers=AUTH)).json()
    resp = await client.delete(f"/v1/subscriptions/{sub['id']}", params={"citizen_id": "ct_000002"}, headers=AUTH)
    assert resp.status == 404 and (await resp.json())["code"] == "not_found"


@pytest.mark.parametrize("changes, words", [
    ({"topics": ["weather"]}, "unknown topics"),
    ({"topics": []}, "topics"),
    ({"conversation_id": "whatsapp:1"}, "conversation_id"),
    ({"language": "fr"}, "language"),
    ({"case_number": "12345"}, "case_number"),
    ({"quiet_hours": "late"}, "quiet_hours"),
])
async def test_bad_subscriptions_are_refused_with_a_reason(client, changes, words):
    resp = await client.post("/v1/subscriptions", json=body(**changes), headers=AUTH)
    assert resp.status == 400
    answer = await resp.json()
    assert answer["code"] == "invalid_request" and words in answer["message"]


async def test_provider_status_callback_is_recorded_on_the_delivery(client):
    resp = await client.post("/v1/deliveries/status", json={"message_id": "SM123", "status": "delivered"},
                             headers=AUTH)
    assert resp.status == 200 and (await resp.json()) == {"updated": 0}
    resp = await client.post("/v1/deliveries/status", json={"status": "delivered"}, headers=AUTH)
    assert resp.status == 400


def follow_body(**changes):
    return {"citizen_id": "ct_000001", "conversation_id": "sms:+821012345678", "case_number": "PY-2026-000123",
            "language": "en"} | changes


async def test_a_follow_is_kept_apart_from_the_citizens_subscriptions(client):
    resp = await client.post("/v1/follows", json=follow_body(), headers=AUTH)
    assert resp.status == 201
    made = await resp.json()
    assert (made["automatic"], made["topics"], made["language"], made["state"]) == \
        (True, ["payment_receipt"], "en", "active")
    days = (dt.datetime.fromisoformat(made["expires_at"]) - dt.datetime.fromisoformat(made["created_at"])).days
    assert days == 30
    listed = await (await client.get("/v1/subscriptions", params={"citizen_id": "ct_000001"}, headers=AUTH)).json()
    assert listed["subscriptions"] == []
    with_follows = await (await client.get("/v1/subscriptions", params={"citizen_id": "ct_000001", "follows": "1"},
                                           headers=AUTH)).json()
    assert [s["id"] for s in with_follows["subscriptions"]] == [made["id"]]


async def test_subscribing_to_a_followed_case_makes_it_the_citizens_own(client):
    made = await (await client.post("/v1/follows", json=follow_body(), headers=AUTH)).json()
    sub = await (await client.post("/v1/subscriptions", json=body(conversation_id="sms:+821012345678",
                                                                  topics=["payment_receipt"], language="ko",
                                                                  case_number="PY-2026-000123"),
                                   headers=AUTH)).json()
    assert sub["id"] == made["id"] and sub["automatic"] is False and sub["expires_at"] is None
    assert sub["language"] == "ko"
    again = await client.post("/v1/follows", json=follow_body(), headers=AUTH)  # a retried state change
    assert again.status == 200 and (await again.json())["automatic"] is False, "the subscription stays as it is"
    listed = await (await client.get("/v1/subscriptions", params={"citizen_id": "ct_000001"}, headers=AUTH)).json()
    assert [s["id"] for s in listed["subscriptions"]] == [made["id"]]


@pytest.mark.parametrize("changes, words", [
    ({"case_number": None}, "case_number"),
    ({"case_number": "12345"}, "case_number"),
    ({"conversation_id": "rest:1"}, "conversation_id"),
    ({"citizen_id": ""}, "citizen_id"),
    ({"language": "fr"}, "language"),
])
async def test_bad_follows_are_refused_with_a_reason(client, changes, words):
    resp = await client.post("/v1/follows", json=follow_body(**changes), headers=AUTH)
    assert resp.status == 400 and words in (await resp.json())["message"]


async def test_a_database_of_an_older_notifier_gets_the_new_columns(database_url):
    """A notifier upgraded in place keeps its subscriptions: the tables it made before follows existed."""
    from sqlalchemy import inspect, text

    from bot.notifier.db import create_tables, make_engine

    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text(
            "CREATE TABLE notifier_subscriptions (id VARCHAR(40) PRIMARY KEY, citizen_id VARCHAR(32),"
            " conversation_id VARCHAR(120), channel VARCHAR(16), topics JSON, case_number VARCHAR(30),"
            " language VARCHAR(2), quiet_hours VARCHAR(16), state VARCHAR(16), created_at TIMESTAMP,"
            " updated_at TIMESTAMP)"))
        await conn.execute(text(
            "INSERT INTO notifier_subscriptions VALUES ('sub_old', 'ct_000001', 'tg:42', 'telegram',"
            " '[\"application_status\"]', NULL, 'ko', NULL, 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        await conn.execute(text("CREATE TABLE notifier_seen_events (event_id VARCHAR(64) PRIMARY KEY,"
                                " type VARCHAR(60), seen_at TIMESTAMP)"))
    await create_tables(engine)
    await create_tables(engine)  # every start does it again
    async with engine.connect() as conn:
        columns = await conn.run_sync(lambda c: {x["name"] for x in inspect(c).get_columns("notifier_subscriptions")})
        seen = await conn.run_sync(lambda c: {x["name"] for x in inspect(c).get_columns("notifier_seen_events")})
        old = (await conn.execute(text("SELECT automatic, expires_at FROM notifier_subscriptions"))).one()
    await engine.dispose()
    assert {"automatic", "expires_at"} <= columns and "case_number" in seen
    assert (bool(old[0]), old[1]) == (False, None)
