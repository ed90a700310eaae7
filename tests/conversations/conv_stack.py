"""The real stack the conversation corpus talks to: govapi (seeded register), the stand-ins (Twilio, Telegram),
the action server, Rasa with the trained project model (its internal turn channel only), the channel edge (every
webhook and the web chat, as in production), and the call centre's desk (so a request for a person is seen where
it lands: the desk's queue). Each a process on a free port, its own database
file, Redis under a key prefix of this run. Shared by the tests and bench/conversations.py."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from e2e_kit import (
    MODEL,
    PY,
    RASA,
    REDIS_URL,
    ROOT,
    RPY,
    RUN,
    free_port,
    http,
    run_tokens,
    wait_for,
)

TOKENS = run_tokens("HANDOFF_TOKEN")


def _answers(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return http("GET", url)[0] < 500
        except OSError:
            return False
    return check


def _ready(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return http("GET", url)[0] == 200
        except OSError:
            return False
    return check


class Stack:
    """Start with `Stack.start(workdir)`; `stop()` ends every process it started."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.ports = {name: free_port() for name in ("govapi", "rasa", "edge", "actions", "standins", "console")}
        self.url = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.prefix = f"conv-{RUN}-{uuid.uuid4().hex[:6]}:"
        self.tokens = TOKENS

    def env(self) -> dict[str, str]:
        env = {**os.environ, **TOKENS, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
               "TF_CPP_MIN_LOG_LEVEL": "2", "REDIS_URL": REDIS_URL, "MINWON_ENV": "test",
               "GOVAPI_PORT": str(self.ports["govapi"]), "GOVAPI_URL": self.url["govapi"],
               "GOVAPI_PUBLIC_URL": self.url["govapi"], "GOVAPI_AUTO_MIGRATE": "1",
               "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{self.workdir / 'govapi.sqlite3'}",
               # Many conversations verify the same few hundred citizens within minutes; the per-phone limit
               # has its own tests (tests/govapi/test_verification.py).
               "GOVAPI_VERIFY_LIMIT_PER_PHONE": "100",
               "RASA_URL": self.url["rasa"], "ACTION_PORT": str(self.ports["actions"]),
               "ACTION_SERVER_URL": f"{self.url['actions']}/webhook",
               "CONNECTORS_REDIS_PREFIX": self.prefix + "ch:", "HANDOFF_REDIS_PREFIX": self.prefix + "handoff:",
               "STATS_REDIS_PREFIX": self.prefix + "stats:", "CONNECTORS_PUBLIC_URL": self.url["edge"],
               # the edge serves the webhooks (the stand-ins post there) and the outbound routes
               "EDGE_PORT": str(self.ports["edge"]), "EDGE_URL": self.url["edge"],
               "CHANNEL_OUTBOUND_URL": self.url["edge"],
               "STANDINS_PORT": str(self.ports["standins"]),
               "TELEGRAM_API_BASE": self.url["standins"] + "/telegram",
               "TWILIO_API_BASE": self.url["standins"] + "/twilio",
               "CONSOLE_PORT": str(self.ports["console"]), "HANDOFF_URL": self.url["console"],
               "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{self.workdir / 'console.sqlite3'}",
               "DESK_ALWAYS_OPEN": "1"}
        return env

    def _start(self, name: str, argv: list[str], ready: Callable[[], Any], timeout: float) -> None:
        log = self.workdir / f"{name}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=out, stderr=out)
        self.procs.append((name, proc, log))

        def check() -> Any:
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited:\n" + log.read_text()[-3000:])
            return ready()
        wait_for(check, timeout, f"{name} answering")

    @classmethod
    def start(cls, workdir: Path) -> Stack:
        if not MODEL.exists():
            raise AssertionError(f"no trained model at {MODEL}: run `make train` first (or set MINWON_E2E_MODEL)")
        stack = cls(workdir)
        try:
            stack._start("govapi", [str(PY), "-m", "govapi", "serve"],
                         _answers(stack.url["govapi"] + "/openapi.json"), 90)
            stack._start("standins", [str(PY), "-m", "standins"], _answers(stack.url["standins"] + "/simulator/"), 60)
            stack._start("console", [str(PY), "-m", "bot.console"], _answers(stack.url["console"] + "/health"), 60)
            stack._start("actions", [str(RPY), "-m", "actions.server"], _answers(stack.url["actions"] + "/health"), 90)
            stack._start("rasa", [str(RASA), "run", "--model", str(MODEL), "--interface", "127.0.0.1",
                                  "--port", str(stack.ports["rasa"]), "--endpoints", str(ROOT / "endpoints.yml"),
                                  "--credentials", str(ROOT / "credentials.yml"),
                                  "--enable-api", "--auth-token", TOKENS["RASA_TOKEN"]],
                         _answers(stack.url["rasa"] + "/status?token=" + TOKENS["RASA_TOKEN"]), 300)
            stack._start("edge", [str(PY), "-m", "edge"], _ready(stack.url["edge"] + "/readyz"), 60)
        except BaseException:
            stack.stop()
            raise
        return stack

    def stop(self) -> None:
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._drop_redis_keys()

    def _drop_redis_keys(self) -> None:
        try:
            import redis
        except ImportError:
            return
        try:
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(self.prefix + "*"):
                client.delete(key)
            client.close()
        except redis.RedisError:
            pass

    def log_tail(self, name: str, chars: int = 2000) -> str:
        for proc_name, _, log in self.procs:
            if proc_name == name:
                return log.read_text(errors="replace")[-chars:]
        return ""
