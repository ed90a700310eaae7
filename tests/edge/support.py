"""What the edge tests share: a real Rasa server with only the internal turn channel (the test bot of
tests/rasa_runtime/bot), the stand-ins, the edge itself (in a thread of this process, built by edge.app.create_app, or
as a `python -m edge` subprocess), and the clients that play Telegram, Twilio and the web page."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import httpx
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
SERVICES_PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RUN = uuid.uuid4().hex[:8]
TELEGRAM_TOKEN = f"123456:edge-test-token-{RUN}"
TELEGRAM_SECRET = f"edge-test-secret-{uuid.uuid4().hex}"
TWILIO_SID = "AC" + uuid.uuid4().hex
TWILIO_TOKEN = f"edge-test-auth-{uuid.uuid4().hex}"
OUTBOUND_TOKEN = f"edge-test-outbound-{uuid.uuid4().hex}"
TURN_TOKEN = f"edge-test-turn-{uuid.uuid4().hex}"
API_TOKEN = f"edge-test-api-{uuid.uuid4().hex}"
FROM_NUMBER = "+15005550006"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], Any], timeout: float, what: str, process: Optional[subprocess.Popen] = None,
               log: Optional[Path] = None) -> Any:
    """Poll `check` until it returns something true (a condition with a deadline, never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()[-3000:] if log else ''}")
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{what} not reached after {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- Rasa ----------------------------------------------------------------------------------------------------
@dataclass
class Rasa:
    url: str
    process: subprocess.Popen
    log: Path

    def user_events(self, conversation_id: str) -> List[Dict[str, Any]]:
        r = httpx.get(f"{self.url}/conversations/{conversation_id}/tracker", params={"token": API_TOKEN}, timeout=30)
        r.raise_for_status()
        return [e for e in r.json()["events"] if e["event"] == "user"]


def start_rasa(model: Path, workdir: Path, key_prefix: str) -> Rasa:
    """`rasa run` with only minwon_rasa.internal_channel.InternalChannel, the guarded SQL tracker store (SQLite)
    and the atomic lock store on the test Redis, as tests/rasa_runtime/rasa_server.py starts it."""
    port = free_port()
    (workdir / "credentials.yml").write_text("minwon_rasa.internal_channel.InternalChannel:\n")
    (workdir / "endpoints.yml").write_text(
        "tracker_store:\n"
        "  type: minwon_rasa.tracker_guard.GuardedSQLTrackerStore\n"
        "  dialect: sqlite\n"
        f"  db: {workdir / 'tracker.sqlite3'}\n"
        "lock_store:\n"
        "  type: minwon_rasa.lock_store.AtomicRedisLockStore\n"
        f"  url: {REDIS_URL}\n"
        f"  key_prefix: {key_prefix}lock\n"
        "  lock_lifetime: 20\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "INTERNAL_CHANNEL_TOKEN": TURN_TOKEN, "REDIS_URL": REDIS_URL}
    env.pop("MINWON_ENV", None)
    log = workdir / "rasa.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
             "--credentials", str(workdir / "credentials.yml"), "--endpoints", str(workdir / "endpoints.yml"),
             "--enable-api", "--auth-token", API_TOKEN],
            cwd=workdir, env=env, stdout=out, stderr=out)
    rasa = Rasa(f"http://127.0.0.1:{port}", process, log)

    def loaded() -> bool:
        status = httpx.get(rasa.url + "/status", params={"token": API_TOKEN}, timeout=5)
        return status.status_code == 200 and bool(status.json().get("model_file"))

    try:
        wait_until(loaded, 240, "rasa server", process, log)
    except Exception:
        stop(process)
        raise
    return rasa


# -- stand-ins -----------------------------------------------------------------------------------------------
def start_standins(workdir: Path, edge_port: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = workdir / "standins.log"
    env = {**os.environ, "STANDINS_PORT": str(port), "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
           "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET, "TWILIO_ACCOUNT_SID": TWILIO_SID,
           "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "RASA_URL": f"http://127.0.0.1:{edge_port}", "PYTHONPATH": str(ROOT)}
    env.pop("MINWON_ENV", None)
    with log.open("w") as out:
        process = subprocess.Popen([str(SERVICES_PYTHON), "-m", "standins"], cwd=ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(url + "/simulator/").status_code == 200, 30, "stand-ins", process, log)
    except Exception:
        stop(process)
        raise
    return process, url


# -- the edge ------------------------------------------------------------------------------------------------
def edge_environment(rasa_url: str, standins_url: str, prefix: str, port: int, **extra: str) -> Dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EDGE_HOST": "127.0.0.1", "EDGE_PORT": str(port),
           "CONNECTORS_PUBLIC_URL": f"http://127.0.0.1:{port}", "REDIS_URL": REDIS_URL,
           "CONNECTORS_REDIS_PREFIX": prefix, "HANDOFF_REDIS_PREFIX": prefix + "handoff:",
           "STATS_REDIS_PREFIX": prefix + "stats:", "RASA_URL": rasa_url, "INTERNAL_CHANNEL_TOKEN": TURN_TOKEN,
           "TELEGRAM_API_BASE": standins_url + "/telegram", "TWILIO_API_BASE": standins_url + "/twilio",
           "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
           "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
           "TELEGRAM_PER_CHAT_INTERVAL": "0.02", "SMS_TWIML_DEADLINE": "4", "CHANNEL_OUTBOUND_TOKEN": OUTBOUND_TOKEN,
           "CONNECTORS_INBOX_LEASE_S": "2", **extra}
    env.pop("MINWON_ENV", None)
    return env


class EdgeThread:
    """The edge app (edge.app.create_app) served on its own event loop in a thread of the test process."""

    def __init__(self, settings: Any) -> None:
        from edge.app import create_app

        self.settings = settings
        self.app = create_app(settings)
        self.url = f"http://127.0.0.1:{settings.port}"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: Optional[web.AppRunner] = None
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._serve, name="edge", daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self._runner = web.AppRunner(self.app, access_log=None)
            self.loop.run_until_complete(self._runner.setup())
            self.loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.settings.port).start())
        except BaseException as error:  # reported by start()
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._runner.cleanup())
        self.loop.close()

    def start(self) -> "EdgeThread":
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def call(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the edge's loop (to look at its objects from a test)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)


def edge_settings(rasa_url: str, standins_url: str, prefix: str, port: int, **extra: str) -> Any:
    from edge.settings import load_settings

    settings = load_settings(edge_environment(rasa_url, standins_url, prefix, port, **extra))
    return settings


def with_sms(settings: Any, **changes: Any) -> Any:
    return replace(settings, sms=replace(settings.sms, **changes))


def start_edge_process(env: Dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen([str(SERVICES_PYTHON), "-m", "edge"], cwd=ROOT, env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{env['EDGE_PORT']}"
    try:
        wait_until(lambda: httpx.get(url + "/healthz").status_code == 200, 30, "edge", process, log)
    except Exception:
        stop(process)
        raise
    return process


# -- the channels' sides -------------------------------------------------------------------------------------
class Telegram:
    """Plays Telegram's side: posts updates to the webhook, reads what the bot sent (the stand-in)."""

    def __init__(self, edge: str, standins: str) -> None:
        self.url = edge + "/webhooks/telegram/webhook"
        self.standins = standins
        self.next_update = int(uuid.uuid4().int % 10**9)

    def update(self, chat_id: int, **message: Any) -> Dict[str, Any]:
        self.next_update += 1
        base = {"message_id": self.next_update, "date": int(time.time()),
                "from": {"id": chat_id, "is_bot": False, "first_name": "T"},
                "chat": {"id": chat_id, "type": "private"}}
        return {"update_id": self.next_update, "message": {**base, **message}}

    def post(self, update: Any, secret: str = TELEGRAM_SECRET, url: Optional[str] = None) -> httpx.Response:
        return httpx.post(url or self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=30)

    def calls(self, chat_id: Optional[int] = None, method: Optional[str] = None) -> List[Dict[str, Any]]:
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
    """Plays Twilio's side: signed webhooks (form with blank values), reads REST messages (the stand-in)."""

    def __init__(self, edge: str, standins: str) -> None:
        self.edge = edge
        self.standins = standins

    def form(self, phone: str, body: str, **extra: str) -> Dict[str, str]:
        sid = "SM" + uuid.uuid4().hex
        return {"ToCountry": "KR", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
                "Body": body, "To": FROM_NUMBER, "MessageSid": sid, "AccountSid": TWILIO_SID, "From": phone,
                "ApiVersion": "2010-04-01", "FromCity": "", "FromState": "", "FromZip": "", **extra}

    def post(self, form: Dict[str, str], path: str = "/webhooks/twilio/webhook", token: str = TWILIO_TOKEN,
             edge: Optional[str] = None) -> httpx.Response:
        from twilio.request_validator import RequestValidator

        base = edge or self.edge
        signature = RequestValidator(token).compute_signature(base + path, form)
        return httpx.post(base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)

    def send(self, phone: str, body: str, **extra: str) -> List[str]:
        """Send a text and return the TwiML reply bodies."""
        response = self.post(self.form(phone, body, **extra))
        assert response.status_code == 200, response.text
        return twiml_bodies(response.text)

    def rest_messages(self, phone: str) -> List[Dict[str, Any]]:
        return httpx.get(self.standins + "/_control/twilio/messages", params={"to": phone}).json()["messages"]


def twiml_bodies(text: str) -> List[str]:
    from xml.etree import ElementTree

    return [m.text or "" for m in ElementTree.fromstring(text).iter("Message")]


# One browser for the web chat tests: it keeps the cookie that makes a session its own (edge/webchat.py).
BROWSER = httpx.Client(timeout=40)


def web_post(edge: str, body: Any) -> httpx.Response:
    return BROWSER.post(edge + "/webhooks/webchat/messages", json=body)


def web_poll(edge: str, session: str) -> httpx.Response:
    return BROWSER.post(edge + "/webhooks/webchat/poll", json={"session": session})
