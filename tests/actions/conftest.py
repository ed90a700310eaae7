"""Fixtures for the action tests: a real govapi process (3.11 env, its own SQLite file, seeded demo data, a free
port) and the actions' client pointed at it. Nothing of ours is replaced."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict

import pytest
import pytest_asyncio
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from actions.govapi_client import reset_client  # noqa: E402
from actions_testkit import (ADMIN_TOKEN, PROVIDER_SECRET, SERVICE_TOKEN, GovApi, client_for,  # noqa: E402
                             free_port)


@pytest.fixture(scope="module")
def govapi(tmp_path_factory: pytest.TempPathFactory) -> GovApi:
    """A fresh govapi (new database, demo data) per test module; tests in a module pay distinct fines."""
    port = free_port()
    db_file = tmp_path_factory.mktemp("govapi") / "govapi.sqlite3"
    env = {**os.environ, "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "GOVAPI_AUTO_MIGRATE": "1",
           "GOVAPI_PORT": str(port), "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN,
           "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{port}", "GOVAPI_SMS_BACKEND": "outbox",
           "PAYMENT_PROVIDER_SECRET": PROVIDER_SECRET,
           "GOVAPI_LOG_LEVEL": "WARNING", "MINWON_ENV": "test",
           # many verifications of the same demo citizens in one session
           "GOVAPI_VERIFY_LIMIT_PER_PHONE": "1000", "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "1000"}
    log_file = open(db_file.with_suffix(".log"), "wb")  # govapi's own log, for a failing test's post-mortem
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "govapi"], cwd=ROOT, env=env,
                               stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"govapi exited: {db_file.with_suffix('.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("govapi did not start within 60 s")
    yield GovApi(url, process)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()


@pytest_asyncio.fixture
async def actions_on_govapi(govapi: GovApi, monkeypatch: pytest.MonkeyPatch):
    """The actions' process-wide client, pointed at the test govapi; no handoff desk configured."""
    monkeypatch.delenv("HANDOFF_URL", raising=False)
    client = client_for(govapi.url)
    reset_client(client)
    yield client
    await client.close()
    reset_client(None)


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))




@pytest.fixture(scope="module")
def handoff_desk(tmp_path_factory: pytest.TempPathFactory):
    """The real handoff desk (`python -m bot.console`), open around the clock."""
    yield from _run_desk(tmp_path_factory, {"DESK_ALWAYS_OPEN": "1"})


@pytest.fixture(scope="module")
def closed_handoff_desk(tmp_path_factory: pytest.TempPathFactory):
    """The real handoff desk outside business hours (a shift that opens and closes at the same minute)."""
    yield from _run_desk(tmp_path_factory, {"DESK_ALWAYS_OPEN": "0", "DESK_HOURS": "09:00-09:00"})


def _run_desk(tmp_path_factory: pytest.TempPathFactory, desk_env: Dict[str, str]):
    """The real desk on a free port, own SQLite file and Redis namespace."""
    import urllib.request
    import uuid

    port = free_port()
    token = "test-handoff-token-actions"
    env = {**os.environ, "CONSOLE_PORT": str(port), "MINWON_ENV": "test", **desk_env,
           "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('desk') / 'console.sqlite3'}",
           "REDIS_URL": os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0"),
           "HANDOFF_REDIS_PREFIX": f"test-actions-handoff-{uuid.uuid4().hex[:8]}:", "HANDOFF_TOKEN": token}
    log_path = tmp_path_factory.mktemp("desk-log") / "desk.log"
    log_file = open(log_path, "wb")
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot.console"], cwd=ROOT, env=env,
                               stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the desk did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.3)
    yield url, token
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()
