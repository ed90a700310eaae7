"""Replies Rasa makes outside a turn reach the edge (`POST {EDGE_URL}/internal/replies`, bearer
CHANNEL_OUTBOUND_TOKEN): the desk's `trigger_intent?output_channel=latest` through a real Rasa server, a
reminder's reply through a turn's closed output channel, and what happens when the edge refuses or is away."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import httpx
import pytest
from rasa_server import REDIS_URL, RasaServer, post_turn, start_rasa, throwaway_bot_model, web_conversation

from minwon_core.internal_settings import InternalChannelSettings
from minwon_rasa.internal_channel import EdgeReplies, TurnReplies

OUTBOUND_TOKEN = "test-outbound-" + uuid.uuid4().hex


class FakeEdge:
    """A loopback `/internal/replies` that records what it got and answers `status`."""

    def __init__(self, status: int = 202) -> None:
        self.received: List[dict] = []
        self.status = status
        edge = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                edge.received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                      "body": json.loads(body)})
                self.send_response(edge.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"sent": true}')

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def edge() -> Iterator[FakeEdge]:
    fake = FakeEdge()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def rasa(tmp_path_factory, edge) -> Iterator[RasaServer]:
    model = throwaway_bot_model(tmp_path_factory.mktemp("train"))
    server = start_rasa(model, tmp_path_factory.mktemp("rasa"), REDIS_URL, f"test{uuid.uuid4().hex[:12]}",
                        {"EDGE_URL": edge.url, "CHANNEL_OUTBOUND_TOKEN": OUTBOUND_TOKEN})
    try:
        yield server
    finally:
        server.stop()
        assert OUTBOUND_TOKEN not in server.log.read_text(), "the outbound token reached the log"


def settings(url: str) -> InternalChannelSettings:
    return InternalChannelSettings(token="t", edge_url=url, outbound_token=OUTBOUND_TOKEN)


def test_the_desks_trigger_intent_with_the_latest_channel_reaches_the_citizen_through_the_edge(rasa, edge):
    conversation = web_conversation()
    r = post_turn(rasa.url, rasa.turn_token, {"conversation_id": conversation, "message_id": "m1", "text": "hello"})
    assert r.status_code == 200, r.text
    before = len(edge.received)
    r = httpx.post(f"{rasa.url}/conversations/{conversation}/trigger_intent",
                   params={"token": rasa.api_token, "output_channel": "latest"}, json={"name": "count"}, timeout=30)
    assert r.status_code == 200, r.text
    sent = [e for e in edge.received[before:] if e["body"]["conversation_id"] == conversation]
    assert sent, edge.received
    assert sent and sent[0]["path"] == "/internal/replies", edge.received
    assert sent[0]["auth"] == f"Bearer {OUTBOUND_TOKEN}"
    assert sent[0]["body"]["replies"][0]["text"].startswith("count")


def test_a_reply_after_the_turn_answered_goes_to_the_edge_and_none_before(edge):
    async def scenario() -> None:
        replies = TurnReplies("telegram", EdgeReplies(settings(edge.url)))
        await replies.send_response("tg:42", {"text": "in the turn"})
        replies.closed = True  # the turn answered; Rasa kept this object for the conversation's reminders
        await replies.send_response("tg:42", {"text": "a reminder", "buttons": [{"title": "네", "payload": "/affirm"}]})
        assert replies.messages == [{"text": "in the turn"}]

    before = len(edge.received)
    asyncio.run(scenario())
    assert [e["body"] for e in edge.received[before:]] == [
        {"conversation_id": "tg:42", "replies": [{"text": "a reminder", "buttons": [{"title": "네", "payload": "/affirm"}]}]}]


def test_a_refusing_or_absent_edge_is_logged_by_status_only_and_never_raises(caplog):
    refusing = FakeEdge(status=409)
    caplog.set_level(logging.WARNING, logger="minwon_rasa.internal_channel")
    try:
        asyncio.run(EdgeReplies(settings(refusing.url)).send_response("sms:+821012345678", {"text": "secret words"}))
        asyncio.run(EdgeReplies(settings("http://127.0.0.1:9")).send_response("sms:+821012345678", {"text": "x"}))
        asyncio.run(EdgeReplies(settings(refusing.url)).send_response("not-a-conversation", {"text": "x"}))
    finally:
        refusing.close()
    assert len(refusing.received) == 1  # the malformed conversation id was not sent
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "409" in logged and "ClientConnectorError" in logged
    assert "secret words" not in logged and "+821012345678" not in logged
