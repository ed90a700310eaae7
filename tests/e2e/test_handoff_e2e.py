"""End to end: a citizen on Telegram (and on SMS) asks for a person mid-payment; an agent in headless
Chromium sees the queue and the transcript, claims, replies (the citizen receives it on their channel),
hands back; the bot resumes the payment and records the satisfaction score. Two agents claim at once.

The whole stack runs for real, each part a process on a free port: govapi (seeded demo data), the channel
edge (every webhook), the Rasa server (its internal turn channel only) with the trained model, the action server, the console, the Telegram/Twilio
stand-ins; Redis is the machine's, under a key prefix of its own. Runs under .venv (Playwright):

    make train        # once: models/minwon.tar.gz (or set MINWON_E2E_MODEL=/path/to/model.tar.gz)
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_handoff_e2e.py
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e_kit import MODEL, PY, RASA, REDIS_URL, ROOT, RPY, RUN, free_port, http, run_tokens, wait_for

TOKENS = run_tokens("HANDOFF_TOKEN")
DEMO_PHONE, DEMO_BIRTH = "010-1234-5678", "1985-03-14"  # govapi's seeded citizen ct_000001 (has unpaid fines)


# --- plumbing ---------------------------------------------------------------------------------------------
class Stack:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.ports = {name: free_port() for name in ("govapi", "rasa", "edge", "actions", "console", "standins")}
        self.url = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.prefix = f"e2e-{RUN}:"

    def env(self) -> dict[str, str]:
        env = {**os.environ, **TOKENS, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
               "TF_CPP_MIN_LOG_LEVEL": "2", "REDIS_URL": REDIS_URL, "MINWON_ENV": "test",
               "GOVAPI_PORT": str(self.ports["govapi"]), "GOVAPI_URL": self.url["govapi"],
               "GOVAPI_PUBLIC_URL": self.url["govapi"], "GOVAPI_AUTO_MIGRATE": "1",
               "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'govapi.sqlite3'}",
               "RASA_URL": self.url["rasa"], "ACTION_PORT": str(self.ports["actions"]),
               "ACTION_SERVER_URL": f"{self.url['actions']}/webhook",
               "CONSOLE_PORT": str(self.ports["console"]), "HANDOFF_URL": self.url["console"],
               "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'console.sqlite3'}",
               "DESK_ALWAYS_OPEN": "1", "HANDOFF_REDIS_PREFIX": self.prefix + "handoff:",
               "CONNECTORS_REDIS_PREFIX": self.prefix + "ch:", "CONNECTORS_PUBLIC_URL": self.url["edge"],
               # the edge serves the webhooks (the stand-ins post there) and the outbound routes
               "EDGE_PORT": str(self.ports["edge"]), "EDGE_URL": self.url["edge"],
               "CHANNEL_OUTBOUND_URL": self.url["edge"], "NOTIFIER_OUTBOUND_URL": self.url["edge"],
               "STANDINS_PORT": str(self.ports["standins"]),
               "TELEGRAM_API_BASE": self.url["standins"] + "/telegram",
               "TWILIO_API_BASE": self.url["standins"] + "/twilio"}
        return env

    def start(self, name: str, argv: list[str], ready: Callable[[], Any], timeout: float = 60) -> None:
        log = self.tmp / f"{name}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=out, stderr=out)
        self.procs.append((name, proc, log))

        def check():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited:\n" + log.read_text()[-3000:])
            return ready()
        wait_for(check, timeout, f"{name} answering")

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            proc.terminate()
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def answers(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            status, _ = http("GET", url)
            return status < 500
        except OSError:
            return False
    return check


def ready(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return http("GET", url)[0] == 200
        except OSError:
            return False
    return check


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    assert MODEL.exists(), f"no trained model at {MODEL}: run `make train` first (or set MINWON_E2E_MODEL)"
    credentials = ROOT / "credentials.yml"
    s = Stack(tmp_path_factory.mktemp("e2e"))
    try:
        s.start("govapi", [str(PY), "-m", "govapi", "serve"], answers(s.url["govapi"] + "/openapi.json"))
        s.start("standins", [str(PY), "-m", "standins"], answers(s.url["standins"] + "/simulator/"))
        s.start("console", [str(PY), "-m", "bot.console"], answers(s.url["console"] + "/health"))
        s.start("actions", [str(RPY), "-m", "actions.server"], answers(s.url["actions"] + "/health"))
        s.start("rasa", [str(RASA), "run", "--model", str(MODEL), "--interface", "127.0.0.1",
                         "--port", str(s.ports["rasa"]), "--credentials", str(credentials),
                         "--endpoints", str(ROOT / "endpoints.yml"), "--enable-api",
                         "--auth-token", TOKENS["RASA_TOKEN"]] + (["--debug"] if os.environ.get("MINWON_E2E_DEBUG") else []),
                answers(s.url["rasa"] + "/status?token=" + TOKENS["RASA_TOKEN"]), timeout=300)
        s.start("edge", [str(PY), "-m", "edge"], ready(s.url["edge"] + "/readyz"))
        yield s
    finally:
        s.stop()


# --- the citizen's side -------------------------------------------------------------------------------------
class TelegramCitizen:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.chat_id = 10**9 + uuid.uuid4().int % 10**9
        self.update_id = uuid.uuid4().int % 10**8
        self.conversation_id = f"tg:{self.chat_id}"

    def say(self, text: str) -> None:
        self.update_id += 1
        update = {"update_id": self.update_id, "message": {
            "message_id": self.update_id, "date": int(time.time()), "text": text,
            "from": {"id": self.chat_id, "is_bot": False, "first_name": "Minjun"},
            "chat": {"id": self.chat_id, "type": "private"}}}
        status, body = http("POST", self.stack.url["edge"] + "/webhooks/telegram/webhook", update,
                            {"X-Telegram-Bot-Api-Secret-Token": TOKENS["TELEGRAM_SECRET_TOKEN"]})
        assert status == 200, body

    def received(self) -> list[str]:
        _, body = http("GET", self.stack.url["standins"] + "/_control/telegram/calls?" +
                       urllib.parse.urlencode({"chat_id": str(self.chat_id), "method": "sendMessage"}))
        return [c["params"]["text"] for c in body["calls"]]

    def wait_reply(self, after: int, match: Callable[[str], bool] = lambda t: True, timeout: float = 60) -> str:
        try:
            return wait_for(lambda: next((t for t in self.received()[after:] if match(t)), None), timeout,
                            f"a Telegram reply after #{after}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the citizen received: {self.received()!r}") from None


class SmsCitizen:
    def __init__(self, stack: Stack, phone: str) -> None:
        self.stack = stack
        self.phone = phone
        self.conversation_id = f"sms:{phone}"

    def say(self, text: str) -> list[str]:
        sid = "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": TOKENS["TWILIO_ACCOUNT_SID"], "From": self.phone,
                "To": TOKENS["TWILIO_FROM_NUMBER"], "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        url = self.stack.url["edge"] + "/webhooks/twilio/webhook"
        payload = url + "".join(k + form[k] for k in sorted(form))  # Twilio's signature scheme
        signature = base64.b64encode(hmac.new(TOKENS["TWILIO_AUTH_TOKEN"].encode(), payload.encode(),
                                              hashlib.sha1).digest()).decode()
        status, body = http("POST", url, form=form, headers={"X-Twilio-Signature": signature})
        assert status == 200, body
        return [body] if isinstance(body, str) else []

    def received(self) -> list[str]:
        _, body = http("GET", self.stack.url["standins"] + "/_control/twilio/messages?" +
                       urllib.parse.urlencode({"to": self.phone}))
        return [m.get("body") or m.get("Body") or "" for m in body["messages"]]


# --- the agent's side ---------------------------------------------------------------------------------------
def agent_page(browser: Browser, stack: Stack, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(stack.url["console"] + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo")
    page.click("#login-form button")
    expect(page.locator("#who-name")).to_contain_text(username[:5].capitalize() if username != "supervisor" else "Supervisor")
    return page


def as_agents_see(conversation_id: str) -> str:
    """An SMS conversation id is the citizen's phone: agents see it masked (010-****-1234)."""
    if conversation_id.startswith("sms:+82"):
        return f"sms:010-****-{conversation_id[-4:]}"
    return conversation_id


def open_from_queue(page: Page, conversation_id: str) -> None:
    page.click("nav button[data-view=queue]")
    row = page.locator("#list tbody tr", has_text=as_agents_see(conversation_id))
    expect(row).to_be_visible(timeout=30_000)
    if conversation_id.startswith("sms:"):
        expect(page.locator("#list")).not_to_contain_text(conversation_id[4:])  # never the raw phone
    row.click()


def desk_score(stack: Stack, browser: Browser, conversation_id: str) -> str:
    """The satisfaction score a supervisor sees in the history (it arrives a moment after the citizen's answer)."""
    page = agent_page(browser, stack, "supervisor")

    def score() -> str | None:
        page.click("nav button[data-view=queue]")
        page.click("nav button[data-view=history]")
        row = page.locator("#list tbody tr", has_text=as_agents_see(conversation_id)).first
        if not row.count():
            return None
        value = row.locator("td").nth(3).inner_text().strip()
        return value if value not in ("", "–") else None
    try:
        return wait_for(score, 30, "the satisfaction score in the console's history")
    finally:
        page.context.close()


def verify_on_telegram(citizen: TelegramCitizen, stack: Stack) -> None:
    """Start paying a fine and pass verification with govapi's seeded citizen and the code from its SMS outbox."""
    seen = len(citizen.received())
    citizen.say("과태료 내고 싶어요")
    citizen.wait_reply(seen)
    seen = len(citizen.received())
    citizen.say(DEMO_PHONE)
    citizen.wait_reply(seen)
    seen = len(citizen.received())
    citizen.say(DEMO_BIRTH)
    citizen.wait_reply(seen)

    def code() -> str | None:
        _, body = http("GET", stack.url["govapi"] + "/v1/admin/sms-outbox?phone=%2B821012345678&limit=1",
                       headers={"Authorization": f"Bearer {TOKENS['GOVAPI_ADMIN_TOKEN']}"})
        import re
        found = re.search(r"\b(\d{6})\b", (body.get("messages") or [{}])[0].get("body", "")) if body.get("messages") else None
        return found.group(1) if found else None
    seen = len(citizen.received())
    citizen.say(wait_for(code, 30, "the one-time code in govapi's SMS outbox"))
    citizen.wait_reply(seen)  # the unpaid fines, and the question which to pay


# --- the tests ----------------------------------------------------------------------------------------------
def test_telegram_citizen_mid_payment_is_taken_over_answered_and_handed_back(stack, browser):
    citizen = TelegramCitizen(stack)
    verify_on_telegram(citizen, stack)
    seen = len(citizen.received())
    citizen.say("상담원 연결해 주세요")
    queued = citizen.wait_reply(seen, lambda t: "대기" in t or "상담원" in t)
    assert "대기" in queued

    page = agent_page(browser, stack, "agent1")
    open_from_queue(page, citizen.conversation_id)
    expect(page.locator("#transcript")).to_contain_text("과태료 내고 싶어요")
    expect(page.locator("#service")).to_have_text("Paying a fine")  # the context in words, not slot names
    expect(page.locator("#detail-head")).to_contain_text("verified")
    page.click("#claim")
    expect(page.locator("#reply-form")).to_be_visible()

    seen = len(citizen.received())
    page.fill("#reply-text", "안녕하세요, 상담원입니다. 결제를 도와드릴게요.")
    page.click("#send")
    assert citizen.wait_reply(seen, lambda t: "결제를 도와드릴게요" in t)

    citizen.say("카드 결제가 자꾸 실패해요")  # while paused: reaches the desk, not the bot
    expect(page.locator("#transcript")).to_contain_text("카드 결제가 자꾸 실패해요", timeout=20_000)

    seen = len(citizen.received())
    page.check("#survey")
    page.click("#close")
    question = citizen.wait_reply(seen, lambda t: "1" in t and "5" in t)
    assert "1" in question
    seen = len(citizen.received())
    citizen.say("5")
    resumed = citizen.wait_reply(seen, lambda t: "이어서" in t)
    assert "이어서" in resumed  # the bot continues the interrupted payment
    assert desk_score(stack, browser, citizen.conversation_id) == "5"
    page.context.close()


def test_sms_citizen_is_answered_by_sms_and_handed_back(stack, browser):
    citizen = SmsCitizen(stack, "+8210" + str(uuid.uuid4().int % 10**8).zfill(8))
    citizen.say("상담원 연결해 주세요")
    page = agent_page(browser, stack, "agent2")
    open_from_queue(page, citizen.conversation_id)
    expect(page.locator("#context")).to_contain_text("SMS")
    expect(page.locator("#context")).to_contain_text("****")
    page.click("#claim")
    page.fill("#reply-text", "문자로 안내드립니다. 무엇을 도와드릴까요?")
    page.click("#send")
    wait_for(lambda: any("문자로 안내드립니다" in b for b in citizen.received()), 30, "the agent's SMS")
    page.click("#close")
    try:
        wait_for(lambda: any("1" in b and "5" in b for b in citizen.received()), 60, "the satisfaction question by SMS")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the citizen received by SMS: {citizen.received()!r}") from None
    citizen.say("4")
    assert desk_score(stack, browser, citizen.conversation_id) == "4"
    page.context.close()


def test_two_agents_claiming_at_once_get_one_winner(stack, browser):
    citizen = TelegramCitizen(stack)
    citizen.say("상담원 연결해 주세요")
    one, two = agent_page(browser, stack, "agent1"), agent_page(browser, stack, "agent2")
    for page in (one, two):
        open_from_queue(page, citizen.conversation_id)
        expect(page.locator("#claim")).to_be_visible()
    # Both buttons pressed in the same instant (from the page, not one Playwright round-trip after the other).
    one.evaluate("document.querySelector('#claim').click()")
    two.evaluate("document.querySelector('#claim').click()")
    # The loser is told on the page (the alert region names the refusal's code), the winner is not.
    refused = "#flash[data-code=already_claimed]"
    deadline = time.monotonic() + 20
    while sum(p.locator(refused).count() for p in (one, two)) == 0 and time.monotonic() < deadline:
        one.wait_for_timeout(200)
        two.wait_for_timeout(50)
    assert sorted(p.locator(refused).count() for p in (one, two)) == [0, 1]
    winner, loser = (one, two) if one.locator(refused).count() == 0 else (two, one)
    # The winner's own count follows its claim's answer (it can land after the loser's refusal is shown)
    expect(winner.locator("#mine-count")).to_have_text("1", timeout=10000)
    expect(loser.locator("#mine-count")).to_have_text("0")
    one.context.close()
    two.context.close()
