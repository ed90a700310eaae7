"""Staff clients for the console tests: log in through the real login route and send the CSRF header."""
from __future__ import annotations

from aiohttp.test_utils import TestClient

HANDOFF_TOKEN = "test-handoff-token"


class Staff:
    def __init__(self, client: TestClient, csrf: str, username: str) -> None:
        self.client, self.csrf, self.username = client, csrf, username

    async def get(self, path: str):
        return await self.client.get(path)

    async def post(self, path: str, json: dict | None = None):
        return await self.client.post(path, json=json or {}, headers={"X-CSRF-Token": self.csrf})


async def log_in(client: TestClient, username: str, password: str) -> Staff:
    token = (await (await client.get("/api/login-token")).json())["csrf"]
    resp = await client.post("/api/login", json={"username": username, "password": password},
                             headers={"X-CSRF-Token": token})
    assert resp.status == 200, await resp.text()
    return Staff(client, (await resp.json())["csrf"], username)


def escalation(conversation_id: str, key: str, **extra) -> dict:
    body = {"conversation_id": conversation_id, "channel": extra.pop("channel", None) or
            {"tg": "telegram", "sms": "sms", "web": "web"}[conversation_id.split(":")[0]],
            "language": "ko", "reason": "requested", "verified": False, "citizen_id": None, "skill": "payments",
            "intent": "pay_fine", "form": {"name": "pay_fine_form", "slots": {"fine_ids": ["FN-2026-000001"]}},
            "last_errors": ["govapi_timeout"], "idempotency_key": key}
    body.update(extra)
    return body


async def escalate(client: TestClient, conversation_id: str, key: str, **extra):
    return await client.post("/v1/handoffs", json=escalation(conversation_id, key, **extra),
                             headers={"Authorization": f"Bearer {HANDOFF_TOKEN}"})
