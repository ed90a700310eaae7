"""govapi's lines name the caller's request and conversation (as the actions send them), never the citizen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govapi_testkit import Api
from minwon_logs import conversation_ref
from minwon_logs.testing import TEST_SALT, capture

ROOT = Path(__file__).resolve().parents[2]
PHONE_ID, PHONE = "sms:+821055507391", "+821055507391"


@pytest.mark.asyncio
async def test_a_request_from_an_action_logs_a_json_line_with_its_request_id_and_conversation_ref(api: Api) -> None:
    ref = conversation_ref(PHONE_ID, TEST_SALT)
    with capture("govapi") as logs:
        status, _ = await api.call("POST", "/v1/verifications", json={
            "phone": PHONE, "birth_date": "1985-03-14", "conversation_id": PHONE_ID},
            headers={"X-Request-Id": "rid-action-1", "X-Conversation-Ref": ref})
    assert status == 202
    (line,) = [line for line in logs.lines() if line["msg"] == "request"]
    assert (line["service"], line["request_id"], line["conversation"]) == ("govapi", "rid-action-1", ref)
    assert (line["route"], line["status"]) == ("/v1/verifications", 202)
    assert "1055507391" not in logs.text() and "1985-03-14" not in logs.text()


@pytest.mark.asyncio
async def test_a_raw_conversation_id_in_the_reference_header_is_dropped(api: Api) -> None:
    with capture("govapi") as logs:
        await api.call("GET", "/v1/complaints/categories",
                       headers={"X-Request-Id": "rid-raw", "X-Conversation-Ref": PHONE_ID})
    (line,) = [line for line in logs.lines() if line["request_id"] == "rid-raw"]
    assert line["conversation"] is None
    assert "1055507391" not in logs.text()


def test_the_govapi_process_writes_json_lines_when_told(tmp_path: Path) -> None:
    env = {**os.environ, "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'govapi.sqlite3'}",
           "MINWON_LOG_FORMAT": "json", "MINWON_ENV": "development"}
    done = subprocess.run([sys.executable, "-m", "govapi", "migrate"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(raw) for raw in done.stderr.splitlines() if raw.strip()]
    assert any(line["msg"] == "migrated" and line["service"] == "govapi" for line in lines)
    refused = subprocess.run([sys.executable, "-m", "govapi", "migrate"], cwd=ROOT, capture_output=True, text=True,
                             env={**env, "MINWON_LOG_FORMAT": "xml"}, timeout=60)
    assert refused.returncode == 2 and "MINWON_LOG_FORMAT" in refused.stderr
