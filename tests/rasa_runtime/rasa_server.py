"""A real `rasa run` for tests of what the Rasa server exposes: the throwaway channel bot (tests/rasa_runtime/bot,
trained once per content change and cached under var/test-models/ with the name tests/edge and bench/channels.py
use too, so one training serves all), our guarded SQL tracker store on SQLite and the atomic lock
store on the test Redis, the project's credentials.yml, Rasa's HTTP API behind its token as bot/launcher.py
starts it. And `post_turn`: one turn through the internal channel with its bearer token."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

import httpx

# The machine's Redis (also conftest.py's fixture); here so test modules import it by a name no other suite uses.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "tests" / "rasa_runtime" / "bot"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_bot_model(workdir: Path) -> Path:
    """The throwaway channel bot (no custom actions), trained when its files changed."""
    digest = hashlib.sha256()
    for path in sorted(BOT.rglob("*.yml")):
        digest.update(path.relative_to(BOT).as_posix().encode() + path.read_bytes())
    cache = ROOT / "var" / "test-models"
    cache.mkdir(parents=True, exist_ok=True)
    model = cache / f"channels-{digest.hexdigest()[:16]}.tar.gz"
    if not model.exists():
        subprocess.run(
            [str(RASA), "train", "--config", str(BOT / "config.yml"), "--domain", str(BOT / "domain.yml"),
             "--data", str(BOT / "data"), "--out", str(workdir), "--fixed-model-name", "channels"],
            check=True, cwd=workdir, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900,
        )
        (workdir / "channels.tar.gz").replace(model)
    return model


@dataclass
class RasaServer:
    url: str
    api_token: str  # RASA_TOKEN: Rasa's HTTP API (?token=)
    turn_token: str  # INTERNAL_CHANNEL_TOKEN: the internal turn channel (Authorization: Bearer)
    process: subprocess.Popen
    log: Path

    def tracker(self, conversation_id: str) -> Dict[str, Any]:
        r = httpx.get(f"{self.url}/conversations/{conversation_id}/tracker",
                      params={"token": self.api_token, "include_events": "ALL"}, timeout=30)
        r.raise_for_status()
        return r.json()

    def user_events(self, conversation_id: str) -> list:
        return [e for e in self.tracker(conversation_id)["events"] if e["event"] == "user"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_rasa(model: Path, workdir: Path, redis_url: str, key_prefix: str,
               extra_env: Optional[Dict[str, str]] = None) -> RasaServer:
    port = free_port()
    api_token, turn_token = "test-api-" + uuid.uuid4().hex, "test-turn-" + uuid.uuid4().hex
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n"
        "  type: minwon_rasa.tracker_guard.GuardedSQLTrackerStore\n"
        "  dialect: sqlite\n"
        f"  db: {workdir / 'tracker.sqlite3'}\n"
        "lock_store:\n"
        "  type: minwon_rasa.lock_store.AtomicRedisLockStore\n"
        f"  url: {redis_url}\n"
        f"  key_prefix: {key_prefix}\n"
        "  lock_lifetime: 20\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "INTERNAL_CHANNEL_TOKEN": turn_token, "REDIS_URL": redis_url,
           "CONNECTORS_REDIS_PREFIX": f"{key_prefix}:ch:", "HANDOFF_REDIS_PREFIX": f"{key_prefix}:handoff:",
           "STATS_REDIS_PREFIX": f"{key_prefix}:stats:",
           # nothing here talks to Telegram or Twilio: a closed port, never the real APIs
           "TELEGRAM_API_BASE": "http://127.0.0.1:9", "TWILIO_API_BASE": "http://127.0.0.1:9",
           # no edge unless a test brings one: replies outside a turn go to a closed port
           "EDGE_URL": "http://127.0.0.1:9", **(extra_env or {})}
    env.pop("MINWON_ENV", None)
    log = workdir / "rasa.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port),
             "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(endpoints),
             "--enable-api", "--auth-token", api_token],
            cwd=workdir, env=env, stdout=out, stderr=out,
        )
    server = RasaServer(f"http://127.0.0.1:{port}", api_token, turn_token, process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rasa exited early:\n{log.read_text()[-3000:]}")
        try:
            status = httpx.get(server.url + "/status", params={"token": api_token}, timeout=5)
            if status.status_code == 200 and status.json().get("model_file"):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise TimeoutError(f"rasa did not load the model in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def post_turn(url: str, token: Optional[str], body: Any, timeout: float = 30) -> httpx.Response:
    """One turn through the internal channel; `body` is sent as JSON (bytes as they are)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if isinstance(body, bytes):
        return httpx.post(url + "/webhooks/internal/turn", content=body,
                          headers={**headers, "Content-Type": "application/json"}, timeout=timeout)
    return httpx.post(url + "/webhooks/internal/turn", json=body, headers=headers, timeout=timeout)


def web_conversation() -> str:
    return f"web:{uuid.uuid4()}"
