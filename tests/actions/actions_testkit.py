"""Helpers of the action tests: the govapi handle, trackers built the way Rasa sends them, a form runner.

Nothing of ours is replaced: the actions talk HTTP to govapi; one-time codes are read from govapi's admin SMS
outbox like a citizen reads their phone.
"""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from actions.govapi_client import GovApiClient  # noqa: E402
from actions.settings import load_settings  # noqa: E402

SERVICE_TOKEN = "test-service-token-actions"
ADMIN_TOKEN = "test-admin-token-actions"
PROVIDER_SECRET = "test-provider-secret-actions"  # the sandbox payment provider's HMAC key
DEMO_PHONE = "010-1234-5678"        # 김민준 in govapi's seed: fines, applications, a household
DEMO_BIRTH = "1985-03-14"
DEMO_PHONE_EN = "010-9876-5432"     # Emily Park
DEMO_BIRTH_EN = "1990-07-02"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GovApi:
    def __init__(self, url: str, process: subprocess.Popen) -> None:
        self.url = url
        self.process = process

    async def admin_get(self, path: str, **params: str) -> Dict[str, Any]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path, params=params,
                                   headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as resp:
                assert resp.status == 200, await resp.text()
                return await resp.json()

    async def latest_code(self, phone_e164: str) -> str:
        messages = (await self.admin_get("/v1/admin/sms-outbox", phone=phone_e164, limit="1"))["messages"]
        assert messages, "govapi sent no SMS"
        return re.search(r"\d{6}", messages[0]["body"]).group(0)

    async def provider_confirms(self, payment_id: str, amount: int) -> None:
        """What the payment provider (outside the machine) does when the citizen paid: a signed POST."""
        import hashlib
        import hmac
        import json
        raw = json.dumps({"payment_id": payment_id, "status": "paid", "amount": amount,
                          "provider_ref": "test"}).encode()
        signature = hmac.new(PROVIDER_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        async with aiohttp.ClientSession() as session:
            async with session.post(self.url + "/v1/provider/confirmations", data=raw,
                                    headers={"Content-Type": "application/json",
                                             "X-Provider-Signature": signature}) as resp:
                assert resp.status == 200, await resp.text()

    async def citizen_get(self, token: str, path: str) -> Dict[str, Any]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path, headers={"Authorization": f"Bearer {SERVICE_TOKEN}",
                                                             "X-Citizen-Token": token}) as resp:
                assert resp.status == 200, await resp.text()
                return await resp.json()


def client_for(url: str, **overrides: Any) -> GovApiClient:
    settings = load_settings()
    values = {**settings.__dict__, "govapi_url": url, "govapi_service_token": SERVICE_TOKEN, **overrides}
    return GovApiClient(type(settings)(**values))


def make_tracker(slots: Optional[Dict[str, Any]] = None, text: str = "", intent: str = "inform",
                 confidence: float = 0.95, entities: Optional[List[Dict[str, Any]]] = None,
                 metadata: Optional[Dict[str, Any]] = None, sender: Optional[str] = None,
                 form: Optional[str] = None, message_id: Optional[str] = None) -> Tracker:
    """A tracker as Rasa sends it to the action server right after a user message."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "entities": entities or [], "metadata": metadata or {}, "message_id": message_id or uuid.uuid4().hex}
    events = [{"event": "user", "timestamp": time.time(), "text": text, "parse_data": latest}]
    return Tracker(sender or f"web:{uuid.uuid4()}", dict(slots or {}), latest, events, False, None,
                   {"name": form} if form else {}, "action_listen")


async def run_action(action: Any, tracker: Tracker, domain: Dict[str, Any]):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return events, dispatcher.messages


def slot_updates(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


class FormRunner:
    """Plays the Rasa side of a form for one conversation: keeps the slots, sends each answer to the form's
    validation action, applies its events, and notes which slot would be asked next."""

    def __init__(self, validator: Any, form: str, domain: Dict[str, Any], sender: Optional[str] = None,
                 slots: Optional[Dict[str, Any]] = None, language: str = "ko") -> None:
        self.validator = validator
        self.form = form
        self.domain = domain
        self.sender = sender or f"web:{uuid.uuid4()}"
        self.slots: Dict[str, Any] = {"language": language, "requested_slot": None, **(slots or {})}
        self.messages: List[Dict[str, Any]] = []

    async def say(self, text: str, intent: str = "inform", **kwargs: Any) -> Dict[str, Any]:
        tracker = make_tracker(self.slots, text, intent, sender=self.sender, form=self.form, **kwargs)
        events, messages = await run_action(self.validator, tracker, self.domain)
        updates = slot_updates(events)
        self.slots.update(updates)
        if "requested_slot" not in updates:  # the validator left the choice to Rasa: the domain's order
            required = self.domain["forms"][self.form]["required_slots"]
            self.slots["requested_slot"] = next((s for s in required if self.slots.get(s) is None), None)
        self.messages = messages
        return {k: v for k, v in updates.items() if k != "requested_slot"}

    @property
    def asking(self) -> Optional[str]:
        return self.slots.get("requested_slot")

    def tracker(self, text: str = "", intent: str = "affirm", **kwargs: Any) -> Tracker:
        return make_tracker(self.slots, text, intent, sender=self.sender, form=None, **kwargs)


async def verify(runner: FormRunner, govapi: GovApi, phone: str = DEMO_PHONE, birth: str = DEMO_BIRTH) -> None:
    """Verification as a citizen does it: activate, phone, birth date, the code from the SMS."""
    await runner.say("본인인증" if runner.slots.get("language") == "ko" else "verify me", intent="inform")
    if runner.asking == "phone":
        await runner.say(phone)
    assert runner.asking == "birth_date"
    await runner.say(birth)
    assert runner.asking == "otp_code", runner.messages
    e164 = "+82" + re.sub(r"\D", "", phone)[1:]
    await runner.say(await govapi.latest_code(e164))
    assert runner.slots.get("verified") is True, runner.messages
