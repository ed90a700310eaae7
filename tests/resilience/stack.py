"""The production topology in small, for the resilience tests: real processes on loopback ports.

HAProxy (deploy/local/haproxy.cfg): its public frontend in front of two channel edge instances (`python -m edge`),
its inside frontend in front of two Rasa instances started with the production endpoints and credentials
(deploy/*.prod.yml: guarded PostgreSQL tracker store, atomic Redis lock store, only the internal turn channel and
the ops probes); one action server with a slow action, the Telegram/Twilio stand-ins (posting to the public
frontend), a private redis-server (so a test can restart it) and a cuttable TCP proxy in front of PostgreSQL (so a
test can take the tracker store away).
The bot is the tiny one in tests/resilience/bot (replies name the message: "count 7"), trained once and
cached by content in var/test-models/.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BOT = HERE / "bot"
PY = ROOT / ".venv" / "bin" / "python"
RPY = ROOT / ".venv-rasa" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
sys.path.insert(0, str(ROOT / "tests" / "rasa_runtime"))
from tcp_cut import CuttableProxy  # noqa: E402

TG_SECRET = "dev-telegram-secret"
RASA_TOKEN = "resilience-" + uuid.uuid4().hex
TURN_TOKEN = "resilience-turn-" + uuid.uuid4().hex  # INTERNAL_CHANNEL_TOKEN: the edge's, for Rasa's internal channel
LOCK_LIFETIME_S = 2.0  # short, so "an action slower than the lock lifetime" takes seconds
SLOW_ACTION_S = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_model() -> Path:
    digest = hashlib.sha256()
    for path in sorted(BOT.rglob("*.yml")):
        digest.update(path.relative_to(BOT).as_posix().encode() + path.read_bytes())
    model = ROOT / "var" / "test-models" / f"resilience-{digest.hexdigest()[:16]}.tar.gz"
    if not model.exists():
        model.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(RASA), "train", "--config", str(BOT / "config.yml"), "--domain", str(BOT / "domain.yml"),
                        "--data", str(BOT / "data"), "--out", str(model.parent), "--fixed-model-name", model.name[:-7]],
                       check=True, cwd=model.parent, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return model


class Stack:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.tag = f"res{uuid.uuid4().hex[:10]}"
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.pg_proxy = CuttableProxy("127.0.0.1", 5432)
        self.ports = {k: free_port() for k in ("LB_PORT", "RASA_INTERNAL_PORT", "EDGE_INTERNAL_PORT", "RASA1_PORT",
                                              "RASA2_PORT", "EDGE1_PORT", "EDGE2_PORT", "ACTIONS_LB_PORT",
                                              "ACTIONS1_PORT", "STANDINS_PORT")}
        self.ports["ACTIONS2_PORT"] = self.ports["ACTIONS1_PORT"]  # one action server, listed twice
        self.public = f"http://127.0.0.1:{self.ports['LB_PORT']}"
        self.internal = f"http://127.0.0.1:{self.ports['RASA_INTERNAL_PORT']}"
        self.edge_internal = f"http://127.0.0.1:{self.ports['EDGE_INTERNAL_PORT']}"
        self.standins = f"http://127.0.0.1:{self.ports['STANDINS_PORT']}"
        self.slow_log_key = f"{self.tag}:slow"
        self.procs: Dict[str, subprocess.Popen] = {}
        self.model = bot_model()
        self.env = {
            **os.environ, **{k: str(v) for k, v in self.ports.items()},
            "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}", "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "MINWON_ENV": "development", "MINWON_LOG_FORMAT": "json",
            "REDIS_URL": self.redis_url, "LOCK_KEY_PREFIX": self.tag, "LOCK_LIFETIME_S": str(LOCK_LIFETIME_S),
            "CONNECTORS_REDIS_PREFIX": f"{self.tag}:ch:", "HANDOFF_REDIS_PREFIX": f"{self.tag}:handoff:",
            "CONNECTORS_PUBLIC_URL": self.public, "RASA_URL": self.internal,
            "INTERNAL_CHANNEL_TOKEN": TURN_TOKEN, "EDGE_URL": self.edge_internal,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.ports['ACTIONS_LB_PORT']}/webhook",
            "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(self.pg_proxy.port),
            "TRACKER_DB_NAME": f"{self.tag}_tracker", "TRACKER_DB_LOGIN_DB": "postgres",
            "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "",
            "TELEGRAM_API_BASE": f"{self.standins}/telegram", "TWILIO_API_BASE": f"{self.standins}/twilio",
            "TELEGRAM_PER_CHAT_INTERVAL": "0", "TELEGRAM_GLOBAL_RATE": "1000",
            "SLOW_ACTION_SECONDS": str(SLOW_ACTION_S), "SLOW_ACTION_LOG_KEY": self.slow_log_key,
            "SLOW_ACTION_REDIS_URL": "redis://127.0.0.1:6379/0",
        }

    # -- processes ------------------------------------------------------------------------------------
    def _start(self, name: str, command: List[str], **env: str) -> None:
        out = (self.log_dir / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(command, cwd=ROOT, env={**self.env, **env}, stdout=out,
                                            stderr=subprocess.STDOUT)

    def start_redis(self) -> None:
        self._start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(self.log_dir)])
        wait_port(self.redis_port, 20)

    def start_rasa(self, n: int) -> None:
        self._start(f"rasa{n}", [str(RASA), "run", "--model", str(self.model), "--interface", "127.0.0.1",
                                 "--port", str(self.ports[f"RASA{n}_PORT"]),
                                 "--credentials", "deploy/credentials.prod.yml",
                                 "--endpoints", "deploy/endpoints.prod.yml", "--enable-api", "--auth-token", RASA_TOKEN])

    def start_edge(self, n: int) -> None:
        self._start(f"edge{n}", [str(PY), "-m", "edge"], EDGE_PORT=str(self.ports[f"EDGE{n}_PORT"]))

    def start(self) -> None:
        self.start_redis()
        self._start("standins", [str(PY), "-m", "standins"], EDGE_URL=self.public)  # as Telegram/Twilio would
        self._start("actions", [str(RPY), "-m", "rasa_sdk", "--actions", "slow_actions",
                                "--port", str(self.ports["ACTIONS1_PORT"])])
        self.start_rasa(1)
        self.start_rasa(2)
        self.start_edge(1)
        self.start_edge(2)
        self._start("haproxy", ["haproxy", "-db", "-f", "deploy/local/haproxy.cfg"])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.pg_proxy.close()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {self.tag}_tracker WITH (FORCE)"], capture_output=True, timeout=30)

    # -- observing -------------------------------------------------------------------------------------
    def rasa_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'RASA{n}_PORT']}"

    def edge_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'EDGE{n}_PORT']}"

    async def edge_ready(self, session: aiohttp.ClientSession, n: int) -> int:
        try:
            async with session.get(self.edge_url(n) + "/readyz", timeout=aiohttp.ClientTimeout(total=5)) as r:
                return r.status
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return 0

    async def ready(self, session: aiohttp.ClientSession, n: int) -> tuple[int, dict]:
        try:
            async with session.get(self.rasa_url(n) + "/webhooks/ops/ready", timeout=aiohttp.ClientTimeout(total=5)) as r:
                return r.status, await r.json()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return 0, {}

    async def wait_ready(self, session: aiohttp.ClientSession, instances=(1, 2), timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None and name != "redis":
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
            statuses = [(await self.ready(session, n))[0] for n in instances]
            statuses += [await self.edge_ready(session, n) for n in (1, 2)]
            if all(s == 200 for s in statuses) and await lb_routes(session, self.public):
                return
            await asyncio.sleep(1)
        raise TimeoutError(f"stack not ready; logs in {self.log_dir}")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


async def lb_routes(session: aiohttp.ClientSession, public: str) -> bool:
    try:
        async with session.get(public + "/webhooks/telegram/webhook") as r:  # GET: 405 from an edge, 503 if none up
            return r.status in (200, 405)
    except aiohttp.ClientError:
        return False


def wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


# -- a citizen on Telegram, delivered like Telegram does: redelivered until the webhook answers 200 --------
class TelegramCitizen:
    def __init__(self, stack: Stack, session: aiohttp.ClientSession, chat_id: int) -> None:
        self.stack, self.session, self.chat_id = stack, session, chat_id
        self.seen = 0

    async def send(self, text: str, attempts: int = 60, base: Optional[str] = None) -> bool:
        """Post one update (to the balancer, or to `base`), redelivering it like Telegram until it is taken."""
        url = (base or self.stack.public) + "/webhooks/telegram/webhook"
        update = {"update_id": int(uuid.uuid4().int % 2**31), "message": {
            "message_id": 1, "date": int(time.time()), "from": {"id": self.chat_id, "is_bot": False, "first_name": "R"},
            "chat": {"id": self.chat_id, "type": "private"}, "text": text}}
        for _ in range(attempts):
            try:
                async with self.session.post(url, json=update,
                                             headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
                                             timeout=aiohttp.ClientTimeout(total=10)) as r:
                    await r.read()
                    if r.status == 200:
                        return True
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.5)
        return False

    async def replies(self, at_least: int = 1, wait: float = 30) -> List[str]:
        """Texts the bot sent to this chat since the last call, waiting for at least `at_least` new ones."""
        async with self.session.get(self.stack.standins + "/_control/telegram/calls",
                                    params={"chat_id": str(self.chat_id), "method": "sendMessage",
                                            "min_count": str(self.seen + at_least), "wait": str(wait)},
                                    timeout=aiohttp.ClientTimeout(total=wait + 10)) as r:
            calls = (await r.json())["calls"]
        new = [c["params"].get("text", "") for c in calls[self.seen:]]
        self.seen = len(calls)
        return new

    async def all_replies(self) -> List[str]:
        async with self.session.get(self.stack.standins + "/_control/telegram/calls",
                                    params={"chat_id": str(self.chat_id), "method": "sendMessage"}) as r:
            return [c["params"].get("text", "") for c in (await r.json())["calls"]]


async def user_texts(session: aiohttp.ClientSession, stack: Stack, conversation_id: str) -> List[str]:
    """What the tracker store (PostgreSQL, through the inside port of the balancer) holds as user messages."""
    async with session.get(f"{stack.internal}/conversations/{conversation_id}/tracker",
                           params={"token": RASA_TOKEN, "include_events": "ALL"}) as r:
        assert r.status == 200, await r.text()
        tracker = await r.json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]
