"""A verified citizen's packet shows who they are from the real govapi (started as a process), phone masked."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import pytest_asyncio
from console_helpers import escalate, log_in

from bot.console.app import create_app

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def govapi(tmp_path_factory):
    port = free_port()
    db = tmp_path_factory.mktemp("govapi") / "govapi.sqlite3"
    env = {**os.environ, "GOVAPI_PORT": str(port), "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
           "GOVAPI_AUTO_MIGRATE": "1", "GOVAPI_ADMIN_TOKEN": "test-admin-token", "MINWON_ENV": "test"}
    proc = subprocess.Popen([sys.executable, "-m", "govapi", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/openapi.json", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("govapi did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=15)


@pytest_asyncio.fixture
async def console_on_govapi(aiohttp_server, make_settings, govapi):
    return await aiohttp_server(create_app(make_settings(govapi_url=govapi, govapi_admin_token="test-admin-token")))


async def test_a_verified_citizen_is_named_with_the_phone_masked(aiohttp_client, console_on_govapi):
    bot = await aiohttp_client(console_on_govapi)
    handoff_id = (await (await escalate(bot, "tg:9101", "v1", verified=True, citizen_id="ct_000001")).json())["handoff_id"]
    staff = await log_in(await aiohttp_client(console_on_govapi), "agent1", "agent1-demo")
    packet = await (await staff.get(f"/api/handoffs/{handoff_id}")).json()
    records = packet["records"]
    assert records["available"] is True and records["name"] == "김민준"
    assert packet["handoff"]["masked_phone"] == "010-****-5678" and "12345678" not in str(packet)
    # The agent sees the citizen's own applications and fines (late fees included), nothing missing.
    assert records["missing"] == []
    assert any(a["number"] == "AP-2026-000003" and a["status"] == "supplement_requested"
               for a in records["applications"])
    assert any(f["notice_number"] == "FN-2026-000002" and f["overdue"] for f in records["fines"])


async def test_an_unverified_citizen_gets_no_records_even_with_a_citizen_id(aiohttp_client, console_on_govapi):
    bot = await aiohttp_client(console_on_govapi)
    handoff_id = (await (await escalate(bot, "tg:9102", "v2", verified=False, citizen_id="ct_000001")).json())["handoff_id"]
    staff = await log_in(await aiohttp_client(console_on_govapi), "agent1", "agent1-demo")
    packet = await (await staff.get(f"/api/handoffs/{handoff_id}")).json()
    assert packet["records"] == {"available": False, "why": "not verified"}
