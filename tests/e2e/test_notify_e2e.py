"""End to end for notifications (issue 6), through the REAL channel edge: govapi, the Telegram/Twilio stand-ins,
the action server, the Rasa server (its internal turn channel only) with the trained model, the edge and the
notifier, each a process on a free port; Redis is the machine's, under a key prefix of its own. Only stdlib +
pytest:

    make train        # once: models/minwon.tar.gz (or set MINWON_E2E_MODEL=/path/to/model.tar.gz)
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_notify_e2e.py

What a citizen notices: a status change in govapi arrives on Telegram and in the web chat (and in the Rasa
transcript); a fine paid on the hosted checkout page brings the receipt by SMS within seconds; a citizen who
subscribes in the web chat is told when the application moves. The last one needs the model trained with
domain/subscriptions.yml and data/rules/rules_subscriptions.yml (see the notifier's README section).
"""
from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from e2e_kit import BROWSER, MODEL, PY, RASA, REDIS_URL, ROOT, RPY, RUN, free_port, http, run_tokens, wait_for

TOKENS = run_tokens("NOTIFIER_TOKEN")
CITIZEN, PHONE, BIRTH = "ct_000001", "+821012345678", "1985-03-14"  # govapi's seeded demo citizen


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.ports = {n: free_port() for n in ("govapi", "rasa", "edge", "actions", "standins", "notifier")}
        self.url = {n: f"http://127.0.0.1:{p}" for n, p in self.ports.items()}

    def env(self) -> dict[str, str]:
        prefix = f"e2e-notify-{RUN}:"
        return {**os.environ, **TOKENS, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2", "REDIS_URL": REDIS_URL, "MINWON_ENV": "test",
                "GOVAPI_PORT": str(self.ports["govapi"]), "GOVAPI_URL": self.url["govapi"],
                "GOVAPI_PUBLIC_URL": self.url["govapi"], "GOVAPI_AUTO_MIGRATE": "1",
                "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'govapi.sqlite3'}",
                "RASA_URL": self.url["rasa"], "ACTION_PORT": str(self.ports["actions"]),
                "ACTION_SERVER_URL": f"{self.url['actions']}/webhook",
                "CONNECTORS_REDIS_PREFIX": prefix + "ch:", "HANDOFF_REDIS_PREFIX": prefix + "handoff:",
                "CONNECTORS_PUBLIC_URL": self.url["edge"], "STANDINS_PORT": str(self.ports["standins"]),
                "EDGE_PORT": str(self.ports["edge"]), "EDGE_URL": self.url["edge"],
                "TELEGRAM_API_BASE": self.url["standins"] + "/telegram",
                "TWILIO_API_BASE": self.url["standins"] + "/twilio",
                "NOTIFIER_PORT": str(self.ports["notifier"]), "NOTIFIER_URL": self.url["notifier"],
                "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'notifier.sqlite3'}",
                "NOTIFIER_OUTBOUND_URL": self.url["edge"]}  # the notifier sends through the edge

    def start(self, name: str, argv: list[str], ready: Callable[[], Any], timeout: float = 60, **env: str) -> None:
        log = self.tmp / f"{name}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(argv, cwd=ROOT, env=self.env() | env, stdout=out, stderr=out)
        self.procs.append((name, proc))

        def check():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited:\n" + log.read_text()[-3000:])
            return ready()
        wait_for(check, timeout, f"{name} answering")

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            proc.terminate()
        for _, proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    # --- the parts, as a test talks to them ---
    def govapi(self, method: str, path: str, body: Any = None, admin: bool = True, **headers: str):
        token = TOKENS["GOVAPI_ADMIN_TOKEN" if admin else "GOVAPI_SERVICE_TOKEN"]
        return http(method, self.url["govapi"] + path, body, {"Authorization": f"Bearer {token}", **headers})

    def subscribe(self, conversation_id: str, topics: list[str], **extra: Any) -> dict:
        status, body = http("POST", self.url["notifier"] + "/v1/subscriptions",
                            {"citizen_id": CITIZEN, "conversation_id": conversation_id, "topics": topics,
                             "language": "ko", **extra},
                            {"Authorization": f"Bearer {TOKENS['NOTIFIER_TOKEN']}"})
        assert status in (200, 201), body
        return body

    def deliveries(self, conversation_id: str) -> list[dict]:
        status, body = http("GET", self.url["notifier"] + "/v1/deliveries?" +
                            urllib.parse.urlencode({"conversation_id": conversation_id}),
                            None, {"Authorization": f"Bearer {TOKENS['NOTIFIER_TOKEN']}"})
        assert status == 200, body
        return body["deliveries"]

    def telegram_texts(self, chat_id: int) -> list[str]:
        _, body = http("GET", self.url["standins"] + "/_control/telegram/calls?" +
                       urllib.parse.urlencode({"chat_id": str(chat_id), "method": "sendMessage"}))
        return [c["params"]["text"] for c in body["calls"]]

    def sms_texts(self, phone: str) -> list[str]:
        _, body = http("GET", self.url["standins"] + "/_control/twilio/messages?" + urllib.parse.urlencode({"to": phone}))
        return [m.get("body") or m.get("Body") or "" for m in body["messages"]]

    def web_poll(self, session: str) -> list[str]:
        _, body = http("POST", self.url["edge"] + "/webhooks/webchat/poll", {"session": session}, opener=BROWSER)
        return [m.get("text", "") for m in body.get("messages", [])]

    def web_say(self, session: str, text: str) -> list[str]:
        status, body = http("POST", self.url["edge"] + "/webhooks/webchat/messages", {"session": session, "text": text},
                            opener=BROWSER)
        assert status == 200, body
        return [m.get("text", "") for m in body.get("messages", [])]

    def transcript_bot_texts(self, conversation_id: str) -> list[str]:
        _, body = http("GET", f"{self.url['rasa']}/conversations/{urllib.parse.quote(conversation_id, safe=':+')}/tracker?"
                       + urllib.parse.urlencode({"token": TOKENS["RASA_TOKEN"]}))
        return [e.get("text") or "" for e in body.get("events", []) if e.get("event") == "bot"]


def answers(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return http("GET", url)[0] < 500
        except OSError:
            return False
    return check


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    assert MODEL.exists(), f"no trained model at {MODEL}: run `make train` first (or set MINWON_E2E_MODEL)"
    credentials = ROOT / "credentials.yml"
    s = Stack(tmp_path_factory.mktemp("notify-e2e"))
    try:
        s.start("govapi", [str(PY), "-m", "govapi", "serve"], answers(s.url["govapi"] + "/openapi.json"))
        s.start("standins", [str(PY), "-m", "standins"], answers(s.url["standins"] + "/simulator/"))
        s.start("actions", [str(RPY), "-m", "actions.server"], answers(s.url["actions"] + "/health"))
        s.start("rasa", [str(RASA), "run", "--model", str(MODEL), "--interface", "127.0.0.1",
                         "--port", str(s.ports["rasa"]), "--credentials", str(credentials),
                         "--endpoints", str(ROOT / "endpoints.yml"), "--enable-api",
                         "--auth-token", TOKENS["RASA_TOKEN"]],
                answers(s.url["rasa"] + "/status?token=" + TOKENS["RASA_TOKEN"]), timeout=300)
        s.start("edge", [str(PY), "-m", "edge"], lambda: http("GET", s.url["edge"] + "/readyz")[0] == 200
                if answers(s.url["edge"] + "/healthz")() else False)
        s.start("notifier", [str(PY), "-m", "bot.notifier"], answers(s.url["notifier"] + "/healthz"),
                NOTIFIER_SMS_QUIET_HOURS="off")  # the demo runs at any hour; quiet hours have their own tests
        yield s
    finally:
        s.stop()


def move(stack: Stack, number: str, status: str) -> None:
    body: dict = {"status": status}
    if status == "supplement_requested":
        body["missing_documents"] = [{"ko": "임대차 계약서 사본", "en": "Copy of the lease contract"}]
    code, answer = stack.govapi("POST", f"/v1/admin/applications/{number}/status", body)
    assert code == 200, answer


def test_status_change_reaches_telegram_web_chat_and_the_transcript(stack):
    chat_id = 10**9 + uuid.uuid4().int % 10**9
    session = str(uuid.uuid4())
    stack.subscribe(f"tg:{chat_id}", ["application_status"], case_number="AP-2026-000002")
    stack.subscribe(f"web:{session}", ["application_status"], case_number="AP-2026-000002")
    move(stack, "AP-2026-000002", "supplement_requested")
    tg = wait_for(lambda: [t for t in stack.telegram_texts(chat_id) if "AP-2026-000002" in t], 20, "Telegram message")
    web = wait_for(lambda: [t for t in stack.web_poll(session) if "AP-2026-000002" in t], 20, "web chat message")
    assert "보완" in tg[0] and "보완" in web[0]
    wait_for(lambda: [t for t in stack.transcript_bot_texts(f"tg:{chat_id}") if "AP-2026-000002" in t and "보완" in t],
             20, f"the notification in the transcript (bot texts: {stack.transcript_bot_texts(f'tg:{chat_id}')})")


def test_blocked_telegram_bot_stops_deliveries_through_the_edge(stack):
    chat_id = 10**9 + uuid.uuid4().int % 10**9
    http("POST", stack.url["standins"] + "/_control/telegram/block", {"chat_id": chat_id})
    sub = stack.subscribe(f"tg:{chat_id}", ["application_status"], case_number="AP-2026-000007")
    move(stack, "AP-2026-000007", "approved")
    state = wait_for(lambda: [s["state"] for s in http(
        "GET", stack.url["notifier"] + f"/v1/subscriptions?conversation_id=tg:{chat_id}&all=1",
        headers={"Authorization": f"Bearer {TOKENS['NOTIFIER_TOKEN']}"})[1]["subscriptions"]
        if s["id"] == sub["id"] and s["state"] != "active"], 20, "the subscription to stop")
    assert state == ["blocked"]


def test_fine_paid_on_the_checkout_page_brings_the_receipt_by_sms(stack):
    stack.subscribe(f"sms:{PHONE}", ["payment_receipt"])
    code, started = stack.govapi("POST", "/v1/verifications", {"phone": PHONE, "birth_date": BIRTH,
                                                                "conversation_id": f"sms:{PHONE}"}, admin=False)
    assert code == 202, started
    _, outbox = stack.govapi("GET", "/v1/admin/sms-outbox?" + urllib.parse.urlencode({"phone": PHONE}))
    otp = re.search(r"\b(\d{6})\b", outbox["messages"][0]["body"]).group(1)
    _, verified = stack.govapi("POST", f"/v1/verifications/{started['verification_id']}/verify", {"code": otp}, admin=False)
    citizen = {"X-Citizen-Token": verified["access_token"]}
    _, fines = stack.govapi("GET", "/v1/me/fines?status=unpaid", admin=False, **citizen)
    code, payment = stack.govapi("POST", "/v1/payments", {"fine_ids": [fines["fines"][0]["id"]], "method": "card"},
                                 admin=False, **citizen, **{"Idempotency-Key": f"e2e-{RUN}"})
    assert code == 201, payment
    status, page = http("GET", payment["checkout_url"])
    token = re.search(r"name='t' value='([^']+)'", page).group(1)
    paid_at = time.monotonic()
    status, _ = http("POST", payment["checkout_url"], form={"t": token, "lang": "ko", "action": "pay",
                                                            "card_number": "4111111111111111"})
    assert status == 200
    receipt = wait_for(lambda: [t for t in stack.sms_texts(PHONE) if "영수증" in t], 20, "the receipt SMS")
    assert time.monotonic() - paid_at < 10, "the receipt arrives within seconds"
    _, paid = stack.govapi("GET", f"/v1/payments/{payment['payment_id']}", admin=False, **citizen)
    assert paid["receipt_number"] in receipt[0]
    # Twilio's delivery report reaches the connector, which passes it on: the notifier's record says delivered.
    wait_for(lambda: [d for d in stack.deliveries(f"sms:{PHONE}")
                      if d["topic"] == "payment_receipt" and d["provider_status"] == "delivered"],
             20, "the delivery report of the receipt SMS")


def test_citizen_subscribes_in_the_web_chat_and_hears_when_the_application_moves(stack):
    _, domain = http("GET", stack.url["rasa"] + "/domain?token=" + TOKENS["RASA_TOKEN"],
                     headers={"Accept": "application/json"})
    assert "action_subscribe_updates" in domain.get("actions", []), \
        "the model was trained without domain/subscriptions.yml and data/rules/rules_subscriptions.yml"
    session = str(uuid.uuid4())
    stack.web_say(session, "내 신청 목록 보여줘")
    stack.web_say(session, "010-1234-5678")
    stack.web_say(session, BIRTH)
    _, outbox = stack.govapi("GET", "/v1/admin/sms-outbox?" + urllib.parse.urlencode({"phone": PHONE}))
    otp = re.search(r"\b(\d{6})\b", outbox["messages"][0]["body"]).group(1)
    stack.web_say(session, otp)
    replies = stack.web_say(session, "AP-2026-000001 진행되면 알려줘")
    assert any("알림" in r for r in replies), replies
    move(stack, "AP-2026-000001", "under_review")
    wait_for(lambda: [t for t in stack.web_poll(session) if "AP-2026-000001" in t and "검토" in t], 20,
             "the notification in the web chat")
