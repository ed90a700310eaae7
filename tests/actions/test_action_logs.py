"""One action call, followed across two processes by its ids: the action server (`python -m actions.server`) and
govapi both write JSON lines with the same request id and the same hashed conversation reference, and neither
writes the citizen's phone number (an SMS conversation id is the phone number)."""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List

import aiohttp
import pytest
import rasa_sdk

from actions_testkit import ADMIN_TOKEN, ROOT, SERVICE_TOKEN, free_port, make_tracker
from minwon_logs import conversation_ref

pytestmark = pytest.mark.asyncio

SALT = "test-actions-log-salt-0123"
PHONE_ID = "sms:+821055507391"
LOG_ENV = {"MINWON_LOG_FORMAT": "json", "MINWON_LOG_SALT": SALT, "MINWON_ENV": "test"}


def _start(command: List[str], env: Dict[str, str], log_path: Path, ready_url: str) -> subprocess.Popen:
    log_file = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=1)
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{command} did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Path]]:
    """govapi and the action server, each logging JSON lines to its own file."""
    logs = tmp_path_factory.mktemp("action-logs")
    gov_port, action_port = free_port(), free_port()
    gov_env = {**os.environ, **LOG_ENV, "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{logs / 'govapi.sqlite3'}",
               "GOVAPI_AUTO_MIGRATE": "1", "GOVAPI_PORT": str(gov_port), "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN,
               "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN, "GOVAPI_LOG_LEVEL": "INFO"}
    govapi = _start([str(ROOT / ".venv/bin/python"), "-m", "govapi"], gov_env, logs / "govapi.log",
                    f"http://127.0.0.1:{gov_port}/healthz")
    action_env = {**os.environ, **LOG_ENV, "ACTION_PORT": str(action_port),
                  "GOVAPI_URL": f"http://127.0.0.1:{gov_port}", "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN}
    action_env.pop("HANDOFF_URL", None)
    try:
        actions = _start([str(ROOT / ".venv-rasa/bin/python"), "-m", "actions.server"], action_env,
                         logs / "actions.log", f"http://127.0.0.1:{action_port}/health")
    except RuntimeError:
        _stop(govapi)
        raise
    yield {"url": f"http://127.0.0.1:{action_port}", "actions": logs / "actions.log", "govapi": logs / "govapi.log"}
    _stop(actions)
    _stop(govapi)


def json_lines(path: Path) -> List[dict]:
    """Every line the process wrote, parsed: a line that is not JSON fails the test."""
    return [json.loads(raw) for raw in path.read_text().splitlines() if raw.strip()]


def status_check_call(case: str, language: str, text: str) -> dict:
    """Rasa's call of action_check_status for an SMS citizen whose govapi token has expired."""
    tracker = make_tracker({"case_number": case, "verified": True, "citizen_token": "expired-token",
                            "language": language}, text=text, sender=PHONE_ID)
    return {"next_action": "action_check_status", "sender_id": PHONE_ID, "tracker": tracker.current_state(),
            "domain": {}, "version": rasa_sdk.__version__}


async def test_an_action_call_and_its_govapi_request_share_the_request_id_and_conversation_ref(servers):
    call = status_check_call("AP-2026-000003", "ko", "AP-2026-000003 어디까지 됐나요?")
    async with aiohttp.ClientSession() as session:
        async with session.post(servers["url"] + "/webhook", json=call) as resp:
            assert resp.status == 200, await resp.text()
            request_id = resp.headers["X-Request-Id"]
            answer = await resp.json()
    assert any("다시" in (m.get("text") or "") for m in answer["responses"])  # the citizen is asked to verify again
    ref = conversation_ref(PHONE_ID, SALT)
    deadline = time.monotonic() + 10  # the lines are written as the calls end; allow the files a moment
    while True:
        actions = [line for line in json_lines(servers["actions"]) if line["request_id"] == request_id]
        govapi = [line for line in json_lines(servers["govapi"]) if line["request_id"] == request_id]
        if (actions and govapi) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    (action_line,) = [line for line in actions if line["msg"] == "action"]
    assert (action_line["service"], action_line["action"], action_line["status"]) == ("actions", "action_check_status", 200)
    assert action_line["conversation"] == ref
    (request_line,) = [line for line in govapi if line["msg"] == "request"]
    assert (request_line["service"], request_line["route"], request_line["status"]) == ("govapi", "/v1/cases/{number}", 401)
    assert request_line["conversation"] == ref
    for log in (servers["actions"], servers["govapi"]):
        text = log.read_text()
        assert "1055507391" not in text and "+82" not in text and "expired-token" not in text


def metric_value(page: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in page.splitlines():
        if line.startswith(f"{name}{{") and line.split("}")[0][len(name) + 1:] == wanted:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_the_action_server_reports_action_and_govapi_latency_without_conversation_ids(servers):
    call = status_check_call("AP-2026-000002", "en", "AP-2026-000002 status")
    async with aiohttp.ClientSession() as session:
        async with session.get(servers["url"] + "/metrics") as resp:
            before = await resp.text()
        async with session.post(servers["url"] + "/webhook", json=call) as resp:
            assert resp.status == 200
        async with session.get(servers["url"] + "/metrics") as resp:
            assert resp.status == 200
            after = await resp.text()
    calls = "minwon_actions_seconds_count"
    assert metric_value(after, calls, action="action_check_status", status="200") == \
        metric_value(before, calls, action="action_check_status", status="200") + 1
    govapi = "minwon_actions_govapi_seconds_count"
    assert metric_value(after, govapi, route="cases", outcome="unauthorized") == \
        metric_value(before, govapi, route="cases", outcome="unauthorized") + 1  # the expired token, as govapi said
    assert "AP-2026" not in after and "+82" not in after and "1055507391" not in after


MARKER = "zq-planted-7391-text"
WRONG = [None, 0, 1.5, True, "x", [], {}, [1], {"a": MARKER}, [MARKER]]
PATHS = [("next_action",), ("tracker",), ("tracker", "sender_id"), ("tracker", "slots"),
         ("tracker", "latest_message"), ("tracker", "events"), ("tracker", "active_loop"), ("domain",)]


def _with(call: dict, path: tuple, value) -> dict:
    changed = json.loads(json.dumps(call))
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def malformed_calls() -> List[dict]:
    """Every field the SDK's webhook reads, replaced by each wrong type; and events that are not objects."""
    call = status_check_call("AP-2026-000003", "en", f"status of AP-2026-000003 {MARKER}")
    calls = [_with(call, path, value) for path in PATHS for value in WRONG]
    calls += [_with(call, ("tracker", "events"), [value]) for value in WRONG if not isinstance(value, dict)]
    return calls + [[call], MARKER, 7]


async def test_malformed_action_calls_get_a_400_that_names_the_field_and_shows_nothing_of_the_body(servers):
    async with aiohttp.ClientSession() as session:
        for call in malformed_calls():
            async with session.post(servers["url"] + "/webhook", json=call) as resp:
                body = await resp.text()
                assert resp.status < 500, (call, body[:300])
                assert MARKER not in body, body[:300]
            # a JSON refusal (an unknown action's 404 keeps the SDK's {"error", "action_name"}, which Rasa reads)
            assert isinstance(json.loads(body), dict)
        async with session.post(servers["url"] + "/webhook", json={"next_action": "action_check_status"}) as resp:
            assert (resp.status, (await resp.json())["message"]) == (400, "tracker must be an object")
    assert MARKER not in servers["actions"].read_text()
