"""Fixtures of the notifier suite: a REAL govapi process on a temp SQLite file, a loopback stand-in for the
the edge's outbound route and Rasa's tracker route, and the notifier itself as a real process."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from .loopback import OUTBOUND_TOKEN, RASA_TOKEN, Loopback

ROOT = Path(__file__).resolve().parents[3]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ADMIN_TOKEN = "test-admin-token-0123456789"
SERVICE_TOKEN = "test-service-token-0123456789"
NOTIFIER_TOKEN = "test-notifier-token-0123456789"
START_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOVAPI_", "NOTIFIER_", "RASA_", "CHANNEL_", "MINWON_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


async def _wait_healthy(url: str, proc: subprocess.Popen, headers: dict[str, str] | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} before it was ready")
            try:
                async with session.get(url, headers=headers or {}) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {START_TIMEOUT_S} s")


class Process:
    def __init__(self, proc: subprocess.Popen, url: str) -> None:
        self.proc, self.url = proc, url

    async def stop(self) -> None:
        """Graceful: SIGTERM lets the notifier finish the pass in flight. Waits without blocking the loop,
        so the loopback stand-in (same loop) keeps answering meanwhile."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if not await self._exited(20):
                self.proc.kill()
                self.proc.wait()

    async def kill(self) -> None:
        """A crash: no chance to record what was in flight."""
        if self.proc.poll() is None:
            self.proc.kill()
            await self._exited(10)

    async def _exited(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True


@pytest_asyncio.fixture
async def govapi(tmp_path):
    """A real govapi process with seeded demo data, on its own SQLite file and port."""
    port = free_port()
    env = _clean_env() | {
        "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/govapi.sqlite3",
        "GOVAPI_AUTO_MIGRATE": "1", "GOVAPI_PORT": str(port), "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN, "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN,
        "GOVAPI_LOG_LEVEL": "WARNING", "GOVAPI_WORKER_INTERVAL": "0.2",
    }
    log = open(tmp_path / "govapi.log", "wb")
    proc = subprocess.Popen([PYTHON, "-m", "govapi"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    handle = Process(proc, f"http://127.0.0.1:{port}")
    try:
        await _wait_healthy(f"{handle.url}/v1/events?limit=1", proc, {"Authorization": f"Bearer {ADMIN_TOKEN}"})
        yield handle
    except RuntimeError:
        log.flush()
        sys.stderr.write((tmp_path / "govapi.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        await handle.stop()
        log.close()


@pytest_asyncio.fixture
async def loopback():
    """Stand-in for the edge's outbound route and Rasa's tracker-events route."""
    stand_in = Loopback()
    runner = web.AppRunner(stand_in.app())
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    stand_in.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield stand_in
    await runner.cleanup()


@pytest.fixture
def notifier_env(tmp_path, govapi, loopback):
    """Environment of a notifier wired to the test govapi and the loopback; tests may add keys."""
    return _clean_env() | {
        "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/notifier.sqlite3",
        "NOTIFIER_PORT": str(free_port()), "NOTIFIER_TOKEN": NOTIFIER_TOKEN,
        "GOVAPI_URL": govapi.url, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN,
        "RASA_URL": loopback.url, "RASA_TOKEN": RASA_TOKEN, "NOTIFIER_OUTBOUND_URL": loopback.url,
        "CHANNEL_OUTBOUND_TOKEN": OUTBOUND_TOKEN,
        "NOTIFIER_POLL_INTERVAL_S": "0.2", "NOTIFIER_DISPATCH_INTERVAL_S": "0.1",
        "NOTIFIER_RETRY_BASE_S": "0.2", "NOTIFIER_RETRY_CAP_S": "1",
        # A send that times out after the channel took it is sent again (at-least-once); on this shared
        # 2-core machine a short timeout would make the exactly-once-on-restart checks depend on load.
        "NOTIFIER_HTTP_TIMEOUT_S": "30",
    }


@pytest_asyncio.fixture
async def start_notifier(tmp_path, notifier_env):
    """Starts `python -m bot.notifier` (again and again, on the same database); stops what it started."""
    started: list[Process] = []

    async def start(**extra_env: str) -> Process:
        env = notifier_env | extra_env
        log = open(tmp_path / f"notifier-{len(started)}.log", "wb")
        proc = subprocess.Popen([PYTHON, "-m", "bot.notifier"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        handle = Process(proc, f"http://127.0.0.1:{env['NOTIFIER_PORT']}")
        started.append(handle)
        await _wait_healthy(f"{handle.url}/healthz", proc)
        return handle

    yield start
    for handle in started:
        await handle.stop()


@pytest_asyncio.fixture
async def postgres_database():
    """Makes unique PostgreSQL databases on the machine's server on demand; drops them afterwards."""
    import asyncpg

    names: list[str] = []

    async def make() -> str:
        name = f"notifier_test_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        names.append(name)
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"

    yield make
    if names:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        try:
            for name in names:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


class Api:
    """A tiny JSON client with a bearer token."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session, self.base, self.headers = session, base, {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, expect: int | tuple[int, ...] = (200, 201, 202),
                   headers: dict[str, str] | None = None, **kwargs):
        async with self.session.request(method, self.base + path, headers=self.headers | (headers or {}),
                                        **kwargs) as resp:
            body = await resp.json(content_type=None) if resp.content_type == "application/json" else await resp.text()
            expected = (expect,) if isinstance(expect, int) else expect
            assert resp.status in expected, f"{method} {path} -> {resp.status}: {body}"
            return body


@pytest_asyncio.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def govapi_admin(http, govapi) -> Api:
    return Api(http, govapi.url, ADMIN_TOKEN)


@pytest.fixture
def govapi_service(http, govapi) -> Api:
    return Api(http, govapi.url, SERVICE_TOKEN)


def notifier_api(http: aiohttp.ClientSession, notifier: Process) -> Api:
    return Api(http, notifier.url, NOTIFIER_TOKEN)
