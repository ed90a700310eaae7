"""The processes as the launchers start them (`python -m standins`, `python -m bot.console`) write only JSON
lines when MINWON_LOG_FORMAT=json, each request with its request id and route pattern (never the path)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_and_request(module: str, port: int, env: dict[str, str], path: str, request_id: str,
                    tmp_path: Path) -> list[dict]:
    """Start the process, send one request once it answers, stop it (SIGTERM), return its lines parsed."""
    log_path = tmp_path / f"{module}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **env, "MINWON_LOG_FORMAT": "json", "MINWON_ENV": "test"})
        try:
            deadline = time.monotonic() + 60
            while True:
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                                 headers={"X-Request-Id": request_id})
                try:
                    with urllib.request.urlopen(request, timeout=2) as resp:
                        assert resp.headers["X-Request-Id"] == request_id
                    break
                except urllib.error.HTTPError as refused:  # answered all the same (401 before login)
                    assert refused.headers["X-Request-Id"] == request_id
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(f"{module} did not answer: {log_path.read_text()[-2000:]}")
                    time.sleep(0.2)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return [json.loads(raw) for raw in log_path.read_text().splitlines() if raw.strip()]


def the_request(lines: list[dict], request_id: str) -> dict:
    (line,) = [line for line in lines if line["request_id"] == request_id and line["msg"] == "request"]
    return line


def test_the_stand_ins_process_logs_json_lines_with_the_request_id(tmp_path):
    port = free_port()
    lines = run_and_request("standins", port, {"STANDINS_PORT": str(port)},
                            "/_control/twilio/messages?to=%2B821055507391", "rid-standins-1", tmp_path)
    assert all(line["service"] == "standins" for line in lines)
    line = the_request(lines, "rid-standins-1")
    assert (line["route"], line["status"]) == ("/_control/twilio/messages", 200)
    assert "1055507391" not in json.dumps(lines)


def test_the_console_process_logs_json_lines_with_the_request_id(tmp_path):
    port = free_port()
    env = {"CONSOLE_PORT": str(port), "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}",
           "REDIS_URL": REDIS_TEST_URL, "HANDOFF_REDIS_PREFIX": f"test-logs-{uuid.uuid4().hex[:8]}:"}
    lines = run_and_request("bot.console", port, env, "/api/history?conversation=sms%3A%2B821055507391",
                            "rid-console-1", tmp_path)
    assert all(line["service"] == "console" for line in lines)
    assert any(line["msg"].startswith("minwon console on http://") for line in lines)
    line = the_request(lines, "rid-console-1")
    assert (line["route"], line["status"]) == ("/api/history", 401)  # not logged in
    assert "1055507391" not in json.dumps(lines)  # aiohttp's access log (path and query) is off
