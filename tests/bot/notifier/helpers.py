"""Steps the notifier tests share: verify a citizen in govapi, move an application, pay on the checkout page."""
from __future__ import annotations

import asyncio
import re
import time
import uuid

import aiohttp

CITIZEN = "ct_000001"  # 김민준, seeded demo citizen
CITIZEN_PHONE, CITIZEN_BIRTH = "+821012345678", "1985-03-14"
APPLICATION = "AP-2026-000002"  # business registration, seeded under_review


async def move_application(admin, number: str, status: str) -> None:
    body: dict = {"status": status, "note": None}
    if status == "supplement_requested":
        body["missing_documents"] = [{"ko": "임대차 계약서 사본", "en": "Copy of the lease contract"}]
    await admin.call("POST", f"/v1/admin/applications/{number}/status", json=body)


async def toggle_application(admin, number: str, times: int) -> list[str]:
    """under_review <-> supplement_requested, `times` events in a row; returns the statuses in order."""
    statuses = []
    for i in range(times):
        status = "supplement_requested" if i % 2 == 0 else "under_review"
        await move_application(admin, number, status)
        statuses.append(status)
    return statuses


async def citizen_token(service, admin, phone: str = CITIZEN_PHONE, birth: str = CITIZEN_BIRTH) -> str:
    started = await service.call("POST", "/v1/verifications",
                                 json={"phone": phone, "birth_date": birth, "conversation_id": f"tg:{uuid.uuid4().int % 10**9}"})
    outbox = await admin.call("GET", "/v1/admin/sms-outbox", params={"phone": phone})
    messages = outbox.get("messages") or outbox.get("sms") or []
    code = re.search(r"\b(\d{6})\b", messages[0]["body"]).group(1)  # newest first
    verified = await service.call("POST", f"/v1/verifications/{started['verification_id']}/verify", json={"code": code})
    return verified["access_token"]


async def pay_on_checkout_page(http: aiohttp.ClientSession, checkout_url: str) -> str:
    """Do what the citizen does: open the hosted page, type a card number, press Pay. Returns the page after."""
    async with http.get(checkout_url) as resp:
        assert resp.status == 200
        page = await resp.text()
    token = re.search(r"name='t' value='([^']+)'", page).group(1)
    form = {"t": token, "lang": "ko", "action": "pay", "card_number": "4111 1111 1111 1111"}
    async with http.post(checkout_url, data=form) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.text()


async def wait_until(predicate, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
