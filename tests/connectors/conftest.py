"""Fixtures for the channel connector tests (run under .venv-rasa).

One real Rasa server (subprocess, our connectors from connectors/credentials.example.yml) with a
small test bot trained from tests/connectors/bot/ (cached by content hash under var/test-models/),
the stand-ins (subprocess under .venv), the machine's Redis with a unique key prefix.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import httpx
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
BOT = Path(__file__).resolve().parent / "bot"
SERVICES_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TELEGRAM_TOKEN = "123456:test-token-" + uuid.uuid4().hex[:8]
TELEGRAM_SECRET = "test-secret-" + uuid.uuid4().hex
TWILIO_SID = "AC" + uuid.uuid4().hex
TWILIO_TOKEN = "test-auth-" + uuid.uuid4().hex
RASA_TOKEN = "test-rasa-" + uuid.uuid4().hex
OUTBOUND_TOKEN = "test-outbound-" + uuid.uuid4().hex

sys.path.insert(0, str(ROOT / "tests" / "rasa_runtime"))
from rasa_server import throwaway_bot_model  # noqa: E402  (the one trainer of the test bot, both suites)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str, process: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log.read_text()[-3000:] if log else ""
            raise RuntimeError(f"{what} exited early:\n{tail}")
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{what} not ready after {timeout}s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    prefix = f"test:channels:{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


@pytest.fixture(scope="session")
def redis_client() -> Iterator["redis.Redis"]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="session")
def test_model(tmp_path_factory) -> Path:
    """The test bot, trained once per content change (training costs about a minute of CPU); one cache with the
    Rasa server tests (tests/rasa_runtime/rasa_server.py)."""
    return throwaway_bot_model(tmp_path_factory.mktemp("train"))


def start_standins(workdir: Path) -> tuple[subprocess.Popen, Dict[str, str]]:
    """The stand-ins, with a free port reserved for the Rasa server they post webhooks to."""
    port, rasa_port = free_port(), free_port()
    log = workdir / "standins.log"
    env = {**os.environ, "STANDINS_PORT": str(port), "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
           "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET, "TWILIO_ACCOUNT_SID": TWILIO_SID,
           "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "RASA_URL": f"http://127.0.0.1:{rasa_port}",
           "PYTHONPATH": str(ROOT)}
    env.pop("MINWON_ENV", None)
    with log.open("w") as out:
        process = subprocess.Popen([str(SERVICES_PYTHON), "-m", "standins"], cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(base + "/simulator/").status_code == 200, 30, "stand-ins", process, log)
    except Exception:
        stop(process)
        raise
    return process, {"url": base, "rasa_port": str(rasa_port), "log": str(log)}


@pytest.fixture(scope="session")
def standins(tmp_path_factory) -> Iterator[Dict[str, str]]:
    process, info = start_standins(tmp_path_factory.mktemp("standins"))
    try:
        yield info
    finally:
        stop(process)


def rasa_environment(standins: Dict[str, str], redis_prefix: str, port: int) -> Dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "REDIS_URL": REDIS_URL, "CONNECTORS_REDIS_PREFIX": redis_prefix,
           "CONNECTORS_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "TELEGRAM_API_BASE": standins["url"] + "/telegram", "TWILIO_API_BASE": standins["url"] + "/twilio",
           "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
           "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
           "TWILIO_FROM_NUMBER": "+15005550006", "TELEGRAM_PER_CHAT_INTERVAL": "0.02", "SMS_TWIML_DEADLINE": "4",
           "CHANNEL_OUTBOUND_TOKEN": OUTBOUND_TOKEN, "HANDOFF_REDIS_PREFIX": redis_prefix + "handoff:",
           "STATS_REDIS_PREFIX": redis_prefix + "stats:"}
    env.pop("MINWON_ENV", None)
    return env


def start_rasa(model: Path, env: Dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
             "--credentials", str(ROOT / "connectors" / "credentials.example.yml"),
             "--enable-api", "--auth-token", RASA_TOKEN],
            cwd=log.parent, env=env, stdout=out, stderr=out,
        )
    session = str(uuid.uuid4())

    def answers() -> bool:
        r = httpx.post(f"http://127.0.0.1:{port}/webhooks/webchat/messages", json={"session": session, "text": "hello"},
                       timeout=30)
        return r.status_code == 200 and bool(r.json()["messages"])

    try:
        wait_until(answers, 240, "rasa server", process, log)
    except Exception:
        stop(process)
        raise
    return process


@pytest.fixture(scope="session")
def rasa_server(test_model, standins, redis_prefix, tmp_path_factory) -> Iterator[str]:
    port = int(standins["rasa_port"])
    log = tmp_path_factory.mktemp("rasa") / "rasa.log"
    process = start_rasa(test_model, rasa_environment(standins, redis_prefix, port), port, log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        # The token must never reach a log line.
        assert TELEGRAM_TOKEN not in log.read_text()


@pytest.fixture
def chat_id() -> int:
    return int(uuid.uuid4().int % 10**9) + 10**9


@pytest.fixture
def phone() -> str:
    return "+8210" + str(uuid.uuid4().int % 10**8).zfill(8)


class Telegram:
    """Plays Telegram's side: posts updates to the webhook, reads what the bot sent."""

    def __init__(self, rasa: str, standins: str) -> None:
        self.url = rasa + "/webhooks/telegram/webhook"
        self.standins = standins
        self.next_update = int(uuid.uuid4().int % 10**9)

    def update(self, chat_id: int, **message) -> Dict:
        self.next_update += 1
        base = {"message_id": self.next_update, "date": int(time.time()),
                "from": {"id": chat_id, "is_bot": False, "first_name": "T"},
                "chat": {"id": chat_id, "type": "private"}}
        return {"update_id": self.next_update, "message": {**base, **message}}

    def post(self, update: Dict, secret: str = TELEGRAM_SECRET) -> httpx.Response:
        return httpx.post(self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})

    def calls(self, chat_id: int | None = None, method: str | None = None) -> List[Dict]:
        params = {}
        if chat_id is not None:
            params["chat_id"] = str(chat_id)
        if method:
            params["method"] = method
        return httpx.get(self.standins + "/_control/telegram/calls", params=params).json()["calls"]

    def texts(self, chat_id: int) -> List[str]:
        return [c["params"]["text"] for c in self.calls(chat_id, "sendMessage")]

    def wait_texts(self, chat_id: int, count: int, timeout: float = 30) -> List[str]:
        return wait_until(lambda: (t := self.texts(chat_id)) and len(t) >= count and t, timeout, "telegram replies")


class Sms:
    """Plays Twilio's side: signed webhooks (form with blank values), reads REST messages."""

    def __init__(self, rasa: str, standins: str) -> None:
        self.rasa = rasa
        self.standins = standins

    def form(self, phone: str, body: str, **extra: str) -> Dict[str, str]:
        sid = "SM" + uuid.uuid4().hex
        return {"ToCountry": "KR", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
                "Body": body, "To": "+15005550006", "MessageSid": sid, "AccountSid": TWILIO_SID, "From": phone,
                "ApiVersion": "2010-04-01", "FromCity": "", "FromState": "", "FromZip": "", **extra}

    def post(self, form: Dict[str, str], path: str = "/webhooks/twilio/webhook", token: str = TWILIO_TOKEN) -> httpx.Response:
        from twilio.request_validator import RequestValidator

        signature = RequestValidator(token).compute_signature(self.rasa + path, form)
        return httpx.post(self.rasa + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)

    def send(self, phone: str, body: str, **extra: str) -> List[str]:
        """Send a text and return the TwiML reply bodies."""
        response = self.post(self.form(phone, body, **extra))
        assert response.status_code == 200, response.text
        from xml.etree import ElementTree

        return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]

    def rest_messages(self, phone: str) -> List[Dict]:
        return httpx.get(self.standins + "/_control/twilio/messages", params={"to": phone}).json()["messages"]


@pytest.fixture
def telegram(rasa_server, standins) -> Telegram:
    return Telegram(rasa_server, standins["url"])


@pytest.fixture
def sms(rasa_server, standins) -> Sms:
    return Sms(rasa_server, standins["url"])


def control(standins: Dict[str, str], path: str, body: Dict) -> None:
    httpx.post(standins["url"] + "/_control/" + path, json=body).raise_for_status()


def user_events(rasa: str, sender_id: str) -> List[Dict]:
    """The user turns Rasa stored for a conversation (text, intent, metadata)."""
    r = httpx.get(f"{rasa}/conversations/{sender_id}/tracker", params={"token": RASA_TOKEN})
    r.raise_for_status()
    return [e for e in r.json()["events"] if e["event"] == "user"]
