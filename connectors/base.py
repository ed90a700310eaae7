"""What every minwon channel shares: Redis store, per-conversation queues, one turn runner."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from connectors.collector import TurnCollector
from connectors.queues import ConversationQueues
from connectors.settings import CommonSettings
from connectors.store import ChannelStore

logger = logging.getLogger(__name__)

STATS_TTL = 400 * 24 * 3600
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class MinwonChannel(InputChannel):
    """Base of our input channels; subclasses add routes and delivery."""

    def __init__(self, common: CommonSettings, store: Optional[ChannelStore] = None) -> None:
        self.common = common
        self.store = store or ChannelStore.from_url(common.redis_url, common.redis_prefix)
        self.queues = ConversationQueues(channel=self.name())

    def add_lifecycle(self, blueprint: Blueprint) -> None:
        @blueprint.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            await self.queues.close()
            await self.close()

    async def close(self) -> None:
        await self.store.close()

    async def run_turn(
        self, on_new_message: OnNewMessage, sender_id: str, text: str, metadata: Dict[str, Any],
        message_id: Optional[str] = None,
    ) -> List[Dict[str, Any]]:
        """Hand one citizen message to Rasa and return the replies of that turn.

        `message_id` is the channel's own id, so a redelivered message keeps the actions'
        idempotency keys. While staff hold the conversation, the message also goes to the desk.
        """
        await self.count_conversation(sender_id)
        await self.copy_to_desk(sender_id, text, metadata)
        collector = TurnCollector(self.name(), later=self.get_output_channel)
        try:
            await on_new_message(
                UserMessage(
                    text=text,
                    output_channel=collector,
                    sender_id=sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                    message_id=message_id,
                )
            )
        finally:
            collector.close()  # later messages (reminders of this turn) go out through the channel itself
        return collector.messages

    async def count_conversation(self, sender_id: str) -> None:
        """Conversations per UTC day, for the containment rate on the supervisor dashboard."""
        key = f"{self.common.stats_prefix}conversations:{datetime.now(timezone.utc):%Y-%m-%d}"
        try:
            pipe = self.store.redis.pipeline()
            pipe.pfadd(key, sender_id)
            pipe.expire(key, STATS_TTL)
            await pipe.execute()
        except Exception as error:  # statistics must never stop the conversation
            logger.warning("conversation count not written: %s", type(error).__name__)

    async def copy_to_desk(self, sender_id: str, text: str, metadata: Dict[str, Any]) -> None:
        prefix = self.common.handoff_prefix
        try:
            if not await self.store.redis.exists(f"{prefix}active:{sender_id}"):
                return
            slim = {k: v for k, v in metadata.items() if k != "photo"}
            if "photo" in metadata:  # the desk gets the photo's kind, not megabytes of base64
                photo = metadata["photo"]
                slim["photo"] = {k: v for k, v in photo.items() if k != "bytes_b64"}
            await self.store.redis.xadd(
                f"{prefix}inbox",
                {"conversation_id": sender_id, "text": text, "metadata": json.dumps(slim, ensure_ascii=False),
                 "received_at": datetime.now(timezone.utc).isoformat()},
                maxlen=100000, approximate=True,
            )
        except Exception as error:  # the desk copy must never stop the conversation itself
            logger.warning("handoff inbox not written: %s", type(error).__name__)
