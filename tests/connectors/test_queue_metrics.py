"""Operators see how long messages wait behind their conversation's earlier ones (Prometheus, per channel)."""
import asyncio

from connectors.queues import ConversationQueues
from minwon_rasa import metrics


def sample(name: str, channel: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, {"channel": channel}) or 0.0


def test_a_message_queued_behind_a_slow_turn_shows_its_wait_and_the_backlog():
    channel = "test-queue-metrics"
    seen = {}

    async def scenario():
        queues = ConversationQueues(channel=channel)
        release = asyncio.Event()

        async def slow_turn():
            await release.wait()

        async def next_turn():
            return None

        queues.submit("tg:1", slow_turn)
        queues.submit("tg:1", next_turn)  # waits for the slow one
        await asyncio.sleep(0.2)
        seen["pending"] = sample("minwon_rasa_channel_queue_pending", channel)
        release.set()
        await queues.idle()

    asyncio.run(scenario())
    assert seen["pending"] == 1  # the second message, while the first one runs
    assert sample("minwon_rasa_channel_queue_pending", channel) == 0
    assert sample("minwon_rasa_channel_queue_wait_seconds_count", channel) == 2
    assert sample("minwon_rasa_channel_queue_wait_seconds_sum", channel) >= 0.2  # the second waited ~0.2 s
