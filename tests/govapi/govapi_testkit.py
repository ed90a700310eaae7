"""What the govapi tests share: test settings, fixed demo citizens, and an API client with the usual steps."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import socket
from typing import Any

import asyncpg
import pytest

from govapi.clock import Clock
from govapi.db import Database
from govapi.security import sign
from govapi.seed import seed
from govapi.settings import Settings, load_settings

TODAY = dt.date(2026, 11, 25)
SERVICE_TOKEN = "test-service-token"
ADMIN_TOKEN = "test-admin-token"
PROVIDER_SECRET = "test-provider-secret"
PG_SERVER = os.environ.get("GOVAPI_TEST_PG", "postgresql://postgres@127.0.0.1:5432")

MINJUN = {"id": "ct_000001", "phone": "+821012345678", "birth_date": "1985-03-14"}
SEOYEON = {"id": "ct_000002", "phone": "+821023456789", "birth_date": "1987-08-21"}
EMILY = {"id": "ct_000004", "phone": "+821098765432", "birth_date": "1990-07-02"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def create_pg_database(name: str) -> None:
    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def fresh_database_url(kind: str, tmp_path_factory: pytest.TempPathFactory, pg_database: Any) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('govapi')}/govapi.sqlite3"
    return pg_database()


def settings_for_tests(database_url: str, **overrides: Any) -> Settings:
    env = {
        "GOVAPI_DATABASE_URL": database_url,
        "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN,
        "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAYMENT_PROVIDER_SECRET": PROVIDER_SECRET,
        "GOVAPI_TODAY": TODAY.isoformat(),
        "GOVAPI_VERIFY_LIMIT_PER_PHONE": "1000",
        "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "1000",
    }
    return load_settings(env, **overrides)


async def seed_database(url: str) -> None:
    db = Database(url)
    try:
        await seed(db, Clock(TODAY))
    finally:
        await db.close()


_citizen_numbers = itertools.count(120)


class Api:
    """A client for one running test app, with the tokens and steps tests share."""

    def __init__(self, client: Any, clock: Clock, settings: Settings) -> None:
        self.client = client
        self.clock = clock
        self.settings = settings
        self.base_url = settings.public_url

    async def call(self, method: str, path: str, *, token: str | None = SERVICE_TOKEN, citizen: str | None = None,
                   json: Any = None, data: Any = None, headers: dict[str, str] | None = None,
                   key: str | None = None) -> tuple[int, Any]:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        if citizen:
            all_headers["X-Citizen-Token"] = citizen
        if key:
            all_headers["Idempotency-Key"] = key
        resp = await self.client.request(method, path, json=json, data=data, headers=all_headers,
                                         allow_redirects=False)
        text = await resp.text()
        body: Any = text
        if resp.content_type == "application/json":
            body = await resp.json()
        return resp.status, body

    async def admin(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call(method, path, token=ADMIN_TOKEN, **kwargs)

    async def start_verification(self, phone: str, birth_date: str, conversation_id: str = "web:test") -> str:
        status, body = await self.call("POST", "/v1/verifications", json={
            "phone": phone, "birth_date": birth_date, "conversation_id": conversation_id})
        assert status == 202, body
        return body["verification_id"]

    async def last_code(self, phone: str) -> str:
        status, body = await self.admin("GET", f"/v1/admin/sms-outbox?phone={phone.replace('+', '%2B')}&limit=1")
        assert status == 200 and body["messages"], body
        return re.search(r"\b\d{6}\b", body["messages"][0]["body"]).group()

    async def login(self, citizen: dict[str, str]) -> str:
        """Verify like a citizen would: start, read the SMS, send the code back."""
        verification_id = await self.start_verification(citizen["phone"], citizen["birth_date"])
        code = await self.last_code(citizen["phone"])
        status, body = await self.call("POST", f"/v1/verifications/{verification_id}/verify", json={"code": code})
        assert status == 200, body
        return body["access_token"]

    async def fresh_citizen(self) -> dict[str, str]:
        """A generated citizen no other test uses (the test session hands each one out once)."""
        citizen_id = f"ct_{next(_citizen_numbers):06d}"
        status, body = await self.admin("GET", f"/v1/admin/citizens/{citizen_id}")
        assert status == 200, body
        return body

    async def issue_fine(self, citizen_id: str, *, base_amount: int = 40000, due_in_days: int = 10,
                         kind: str = "illegal_parking") -> dict[str, Any]:
        status, body = await self.admin("POST", "/v1/admin/fines", json={
            "citizen_id": citizen_id, "kind": kind, "plate": "99하9999",
            "place": {"ko": "서울특별시 강남구 테헤란로 부근", "en": "Near Teheran-ro, Gangnam-gu"},
            "base_amount": base_amount, "due_date": (TODAY + dt.timedelta(days=due_in_days)).isoformat()})
        assert status == 201, body
        return body


async def confirm(api: Api, payment_id: str, amount: int, status: str = "paid",
                  secret: str = PROVIDER_SECRET) -> tuple[int, dict]:
    """The payment provider's signed confirmation, as it would POST it."""
    body = json.dumps({"payment_id": payment_id, "status": status, "amount": amount,
                       "provider_ref": "test"}).encode()
    return await api.call("POST", "/v1/provider/confirmations", token=None, data=body, headers={
        "Content-Type": "application/json", "X-Provider-Signature": sign(secret, body)})


async def citizen_with_fines(api: Api, *amounts_and_due: tuple[int, int]) -> tuple[str, list[dict]]:
    """A fresh citizen's token and new fines of (base amount, days until due)."""
    citizen = await api.fresh_citizen()
    fines = [await api.issue_fine(citizen["id"], base_amount=a, due_in_days=d) for a, d in amounts_and_due]
    return await api.login(citizen), fines
