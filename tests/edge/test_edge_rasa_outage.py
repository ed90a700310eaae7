"""Rasa unreachable: an acknowledged message is kept and sent again (same message id) until Rasa answers, then
runs once; the web chat's page waits while Rasa comes back. Rasa is cut off by a TCP proxy
(tests/rasa_runtime/tcp_cut.py) between the edge and the real Rasa server."""
import threading
import time
from urllib.parse import urlparse

import pytest

from support import EdgeThread, Sms, Telegram, edge_settings, free_port, wait_until, web_post
from tcp_cut import CuttableProxy


@pytest.fixture(scope="module")
def cut_edge(rasa, standins, redis_prefix):
    target = urlparse(rasa.url)
    proxy = CuttableProxy(target.hostname, target.port)
    running = EdgeThread(edge_settings(f"http://127.0.0.1:{proxy.port}", standins, redis_prefix + "cut:",
                                       free_port(), SMS_TWIML_DEADLINE="1")).start()
    try:
        yield running, proxy
    finally:
        running.stop()
        proxy.close()
        proxy._loop.close()  # tcp_cut stops its loop but leaves it open (a ResourceWarning later)


def test_a_message_acknowledged_while_rasa_is_down_is_kept_and_runs_once_when_it_is_back(
        cut_edge, standins, rasa, chat_id, redis_client, redis_prefix):
    edge, proxy = cut_edge
    telegram = Telegram(edge.url, standins)
    proxy.cut()
    try:
        update = telegram.update(chat_id, text="count 6")
        assert telegram.post(update).status_code == 200  # acknowledged: kept in the inbox
        entry = f"{redis_prefix}cut:inbox:entry:tg:{update['update_id']}"
        watch_until = time.monotonic() + 1.5  # an absence: watched over several retries
        while time.monotonic() < watch_until:
            assert redis_client.exists(entry) and telegram.texts(chat_id) == []
            time.sleep(0.1)
    finally:
        proxy.restore()
    assert telegram.wait_texts(chat_id, 1) == ["count 6"]
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == ["count 6"]
    assert not redis_client.exists(entry)


def test_the_web_chat_waits_for_rasa_to_come_back(cut_edge):
    edge, proxy = cut_edge
    session = "7d0c8c6e-2b1a-4c9e-8f3e-" + format(free_port(), "012x")
    answers = []
    proxy.cut()
    try:
        sender = threading.Thread(target=lambda: answers.append(web_post(edge.url, {"session": session,
                                                                                   "text": "count 8"})))
        sender.start()
        sender.join(1.0)  # still waiting while Rasa is away
        assert sender.is_alive()
    finally:
        proxy.restore()
    sender.join(40)
    assert answers and answers[0].status_code == 200
    assert [m["text"] for m in answers[0].json()["messages"]] == ["count 8"]


def test_an_sms_kept_while_rasa_is_down_is_answered_by_rest_when_it_is_back(cut_edge, standins, rasa, phone):
    edge, proxy = cut_edge
    sms = Sms(edge.url, standins)
    proxy.cut()
    try:
        assert sms.send(phone, "count 5") == []  # acknowledged with empty TwiML after the deadline: kept
    finally:
        proxy.restore()
    messages = wait_until(lambda: sms.rest_messages(phone), 30, "REST reply")
    assert [m["body"] for m in messages] == ["count 5"]
    assert [e["text"] for e in rasa.user_events(f"sms:{phone}")] == ["count 5"]
