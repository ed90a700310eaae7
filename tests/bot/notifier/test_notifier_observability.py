"""What an operator reads about the notifier: JSON lines with ids (never a phone number) and how late messages go.
Real govapi and notifier processes; loopback channels."""
from __future__ import annotations

import asyncio
import json
import re

import pytest

from minwon_logs import conversation_ref

from .conftest import notifier_api
from .helpers import APPLICATION, CITIZEN, move_application

pytestmark = pytest.mark.asyncio(loop_scope="function")
SALT = "test-notifier-log-salt-0123"
PHONE_ID = "sms:+821055507391"


def metric(page: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    match = re.search(rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$", page, re.M)
    return float(match.group(1)) if match else 0.0


async def test_requests_log_json_lines_with_request_id_and_the_hashed_conversation(start_notifier, http, tmp_path):
    api = notifier_api(http, await start_notifier(MINWON_LOG_FORMAT="json", MINWON_LOG_SALT=SALT))
    await api.call("POST", "/v1/subscriptions", headers={"X-Request-Id": "rid-subscribe-1"}, json={
        "citizen_id": CITIZEN, "conversation_id": PHONE_ID, "topics": ["application_status"], "language": "ko"})
    await api.call("GET", "/healthz")
    log = (tmp_path / "notifier-0.log").read_text()
    lines = [json.loads(raw) for raw in log.splitlines() if raw.strip()]  # every line is JSON
    assert lines and all(line["service"] == "notifier" for line in lines)
    (line,) = [line for line in lines if line["request_id"] == "rid-subscribe-1"]
    assert (line["msg"], line["route"], line["status"]) == ("request", "/v1/subscriptions", 201)
    assert line["conversation"] == conversation_ref(PHONE_ID, SALT)
    assert "1055507391" not in log and "+82" not in log


async def test_a_sent_notification_shows_its_lag_from_the_govapi_event(start_notifier, loopback, govapi_admin, http):
    notifier = await start_notifier()
    api = notifier_api(http, notifier)
    await api.call("POST", "/v1/subscriptions", json={
        "citizen_id": CITIZEN, "conversation_id": "tg:5150", "topics": ["application_status"], "language": "ko",
        "quiet_hours": "off", "case_number": APPLICATION})
    async with http.get(notifier.url + "/metrics") as resp:
        before = await resp.text()
    count = "minwon_notifier_event_lag_seconds_count"
    assert metric(before, count, channel="telegram", source="event") == 0.0
    await move_application(govapi_admin, APPLICATION, "supplement_requested")
    await loopback.wait_for(lambda: loopback.texts_for("tg:5150"))
    # The channel has the message a moment before the notifier records it as sent: read until it has (bounded).
    for _ in range(50):
        async with http.get(notifier.url + "/metrics") as resp:
            after = await resp.text()
        if metric(after, "minwon_notifier_deliveries_waiting", status="pending") == 0.0:
            break
        await asyncio.sleep(0.1)
    assert metric(after, count, channel="telegram", source="event") == 1.0
    assert metric(after, "minwon_notifier_deliveries_waiting", status="pending") == 0.0
    assert "tg:5150" not in after and APPLICATION not in after
