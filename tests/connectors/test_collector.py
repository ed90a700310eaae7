"""A turn's replies are collected for the webhook answer; what comes after the turn (a reminder that turn
scheduled, e.g. a kept request retried) reaches the citizen through the channel instead of being lost."""
import asyncio

from connectors.collector import TurnCollector
from connectors.store import ChannelStore
from connectors.webchat import WebChatOutput

from conftest import REDIS_URL


def test_replies_during_the_turn_are_collected_and_later_ones_reach_the_web_chat_outbox(redis_prefix):
    async def scenario():
        store = ChannelStore.from_url(REDIS_URL, redis_prefix)
        collector = TurnCollector("web", later=lambda: WebChatOutput(store))
        sender = "web:3f2c9a0e-7a3b-4c1e-9d5f-0a1b2c3d4e5f"
        try:
            await collector.send_response(sender, {"text": "요청은 보관했어요"})
            collector.close()  # the webhook answered with what was collected
            await collector.send_response(sender, {"text": "보관한 요청을 처리했어요"})
            return collector.messages, await store.drain_outbox(sender)
        finally:
            await store.close()

    collected, outbox = asyncio.run(scenario())
    assert [m["text"] for m in collected] == ["요청은 보관했어요"]
    assert [m["text"] for m in outbox] == ["보관한 요청을 처리했어요"]
