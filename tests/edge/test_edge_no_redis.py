"""Without Redis nothing is acknowledged that is not kept: Telegram and Twilio get 503 and send it again later, the
page hears that the assistant is unavailable, and no message text reaches the log."""
import uuid

import httpx
import pytest

from support import TELEGRAM_SECRET, EdgeThread, Sms, edge_settings, free_port, web_post


@pytest.fixture(scope="module")
def edge_without_redis(rasa, standins, redis_prefix):
    settings = edge_settings(rasa.url, standins, redis_prefix + "noredis:", free_port(),
                             REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    running = EdgeThread(settings).start()
    try:
        yield running
    finally:
        running.stop()


def test_without_redis_a_message_is_refused_so_the_channel_redelivers_it(edge_without_redis, edge_logs, standins,
                                                                         phone):
    base = edge_without_redis.url
    start = len(edge_logs.lines)
    update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                           "from": {"id": 5, "is_bot": False, "first_name": "T"}, "text": "hello there"}}
    r = httpx.post(base + "/webhooks/telegram/webhook", json=update,
                   headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}, timeout=30)
    assert (r.status_code, r.json()) == (503, {"code": "unavailable", "message": "try again later"})  # Telegram sends it again later
    sms = Sms(base, standins)
    refused = sms.post(sms.form(phone, "hello there"))
    assert (refused.status_code, refused.json()["code"]) == (503, "unavailable")  # Twilio retries
    page = web_post(base, {"session": str(uuid.uuid4()), "text": "hello there"})
    assert page.status_code == 503 and page.json()["code"] == "unavailable"
    status = sms.post({"MessageSid": "SM1", "MessageStatus": "delivered"}, path="/webhooks/twilio/status")
    assert status.status_code == 503  # the delivery report is sent again by Twilio
    logged = "\n".join(edge_logs.lines[start:])
    assert "hello there" not in logged and phone not in logged
