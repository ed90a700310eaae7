"""govapi stops answering in the middle of a payment: the citizen is told, the request is kept, and it goes
through by itself once govapi is back (a reminder retries it while the citizen is silent), told in the chat
(Rasa sends that reply outside a turn to the edge, which puts it in the web chat's outbox). The real bot (models/minwon.tar.gz, or MINWON_TEST_MODEL) on the production
topology of bot/launch_prod.py with one Rasa instance; govapi is frozen (SIGSTOP) for 30 s, the outage the
issue names; the retries on its own come every 5 s here (minutes in production) so the test stays bounded."""
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import pytest

from stack import ROOT

OUTAGE_S = 30.0
RETRY_DELAYS = "5,5,5,5,5,5,5,5,5,5"  # seconds between the retries on its own (minutes in production)
DONE_WAIT_S = 90.0
EMILY_PHONE, EMILY_BIRTH = "010-9876-5432", "1990-07-02"  # demo citizen of govapi's seed, with unpaid fines
ADMIN_TOKEN = "dev-admin-token"


def model_path() -> Path:
    path = Path(os.environ.get("MINWON_TEST_MODEL") or ROOT / "models" / "minwon.tar.gz")
    assert path.exists(), f"needs the trained bot at {path}: run `make train` first (or set MINWON_TEST_MODEL)"
    return path


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    base = free_port_base()
    tag = f"outage{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PROD_PORT_BASE": str(base), "PROD_DB_PREFIX": tag, "PROD_REDIS_PREFIX": tag,
           "MODEL_PATH": str(model_path()), "MINWON_ENV": "development", "GOVAPI_TIMEOUT_S": "3",
           "PENDING_RETRY_DELAYS_S": RETRY_DELAYS}
    log = tmp_path_factory.mktemp("outage") / "launch_prod.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.launch_prod", "--rasa", "1"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 420
        while "is ready." not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, f"topology did not start; see {log}"
            time.sleep(2)
        yield {"base": base, "pid": proc.pid}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        for part in ("tracker", "govapi", "console", "notifier"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                            f"DROP DATABASE IF EXISTS {tag}_{part} WITH (FORCE)"], capture_output=True, timeout=30)


def free_port_base() -> int:
    """Below Linux's ephemeral range (32768+), so no outgoing connection takes a port meanwhile."""
    import random

    while True:
        base = random.randrange(20000, 32000, 500)
        if all(_free(base + off) for off in (5, 6, 7, 8, 50, 55, 56, 80, 81, 82, 100, 200, 300, 400)):
            return base


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def govapi_pid(topology) -> int:
    """The govapi process of THIS topology: the one listening on its port (other runs may have their own)."""
    port = topology["base"] + 100
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(re.search(r"pid=(\d+)", out).group(1))


async def say(session, topology, conversation: str, text: str) -> list[str]:
    async with session.post(f"http://127.0.0.1:{topology['base'] + 80}/webhooks/webchat/messages",
                            json={"session": conversation, "text": text},
                            timeout=aiohttp.ClientTimeout(total=60)) as r:
        assert r.status == 200, await r.text()
        return [m.get("text") or "" for m in (await r.json())["messages"]]


def latest_code(topology, phone_e164: str) -> str:
    req = urllib.request.Request(f"http://127.0.0.1:{topology['base'] + 100}/v1/admin/sms-outbox?phone={phone_e164}",
                                 headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return re.findall(r"\b(\d{6})\b", json.dumps(json.load(r), ensure_ascii=False))[-1]


@pytest.mark.asyncio
async def test_a_payment_during_a_govapi_outage_is_kept_and_completed_once(topology):
    conversation = str(uuid.uuid4())
    # A cookie jar that keeps the web chat's cookie from a loopback address (aiohttp's default refuses IP hosts)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await say(session, topology, conversation, "과태료 내고 싶어요")
        await say(session, topology, conversation, EMILY_PHONE)
        await say(session, topology, conversation, EMILY_BIRTH)
        fines = " ".join(await say(session, topology, conversation, latest_code(topology, "+821098765432")))
        assert "1." in fines, fines  # the unpaid fines, numbered
        method = " ".join(await say(session, topology, conversation, "1"))
        assert "결제 방법" in method, method  # card or virtual account
        summary = " ".join(await say(session, topology, conversation, "1"))  # card
        assert "진행할까요" in summary, summary  # nothing is issued before the citizen says yes

        pid = govapi_pid(topology)
        os.kill(pid, signal.SIGSTOP)  # govapi stops answering (a hung server: the worst kind of outage)
        try:
            started = time.monotonic()
            kept = " ".join(await say(session, topology, conversation, "네"))
            assert "보관" in kept, kept  # told: the request is kept
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - started)))
        finally:
            os.kill(pid, signal.SIGCONT)
        done = await poll_until(session, topology, conversation, "처리했어요")
        assert "처리했어요" in done and "PY-" in done, done  # went through with no new message, and said when
        later = " ".join(await say(session, topology, conversation, "고마워요"))
        later += " ".join(await poll_until(session, topology, conversation, "처리했어요", wait_s=8))
        assert "처리했어요" not in later, later  # completed once, not again


async def poll_until(session, topology, conversation: str, wanted: str, wait_s: float = DONE_WAIT_S) -> str:
    """What the web chat page's poll collects until `wanted` shows (or the wait ends)."""
    seen: list[str] = []
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and not any(wanted in text for text in seen):
        async with session.post(f"http://127.0.0.1:{topology['base'] + 80}/webhooks/webchat/poll",
                                json={"session": conversation}, timeout=aiohttp.ClientTimeout(total=10)) as r:
            assert r.status == 200, await r.text()
            seen += [m.get("text") or "" for m in (await r.json())["messages"]]
        await asyncio.sleep(0.5)
    return " ".join(seen)
