"""What an operator reads about the desk: one JSON line per request with its ids, and how long citizens wait."""
import re

import pytest
from console_helpers import escalate

from minwon_logs import conversation_ref
from minwon_logs.testing import TEST_SALT, capture

pytestmark = pytest.mark.asyncio

PHONE_ID = "sms:+821055507391"


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus page (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    match = re.search(rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$", page, re.M)
    return float(match.group(1)) if match else 0.0


async def test_a_claimed_handoff_shows_in_the_queue_wait_histogram_and_leaves_the_waiting_count(bot, agent1):
    before = await (await bot.get("/metrics")).text()
    handoff_id = (await (await escalate(bot, "tg:7001", "wait-1")).json())["handoff_id"]
    waiting = await (await bot.get("/metrics")).text()
    assert metric(waiting, "minwon_desk_waiting", queue="ko:payments") == 1.0
    assert metric(waiting, "minwon_desk_waiting", queue="en:general") == 0.0
    assert (await agent1.post(f"/api/handoffs/{handoff_id}/claim")).status == 200
    after = await (await bot.get("/metrics")).text()
    count = "minwon_desk_queue_wait_seconds_count"
    assert metric(after, count, queue="ko:payments") == metric(before, count, queue="ko:payments") + 1
    # claimed within the test's few seconds: in the first bucket, and not in another queue
    assert metric(after, "minwon_desk_queue_wait_seconds_bucket", le="5.0", queue="ko:payments") >= 1
    assert metric(after, count, queue="en:payments") == 0.0
    assert metric(after, "minwon_desk_waiting", queue="ko:payments") == 0.0
    assert "tg:7001" not in after and handoff_id not in after


async def test_each_request_logs_a_json_line_with_its_request_id_and_conversation_ref(bot):
    ref = conversation_ref(PHONE_ID, TEST_SALT)
    with capture("console") as logs:
        answered = (await escalate(bot, PHONE_ID, "log-1", channel="sms")).headers.get("X-Request-Id")
        escalated = await bot.post("/v1/handoffs", json={}, headers={"X-Request-Id": "rid-console-1",
                                                                    "X-Conversation-Ref": ref})
    assert escalated.headers["X-Request-Id"] == "rid-console-1" and answered
    lines = logs.lines()
    assert all(line["service"] == "console" for line in lines)
    mine = [line for line in lines if line["request_id"] == "rid-console-1"]
    assert mine and mine[-1]["msg"] == "request" and mine[-1]["route"] == "/v1/handoffs"
    assert mine[-1]["status"] == 401 and mine[-1]["conversation"] == ref
    assert any(line["request_id"] == answered and line["msg"] == "request" for line in lines)
    assert "1055507391" not in logs.text() and "+82" not in logs.text()


async def test_a_raw_conversation_id_sent_as_the_reference_is_dropped_not_logged(bot):
    with capture("console") as logs:
        await bot.get("/health", headers={"X-Request-Id": "rid-raw", "X-Conversation-Ref": PHONE_ID})
        await bot.get("/api/queue", headers={"X-Request-Id": "rid-raw-2", "X-Conversation-Ref": PHONE_ID})
    (line,) = [line for line in logs.lines() if line["request_id"] == "rid-raw-2"]
    assert line["conversation"] is None and line["route"] == "/api/queue" and line["status"] == 401
    assert "1055507391" not in logs.text()
