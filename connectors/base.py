"""What every minwon channel shares: Redis store, per-conversation queues, one turn runner."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from connectors.collector import TurnCollector
from connectors.queues import ConversationQueues
from connectors.settings import CommonSettings
from connectors.store import ChannelStore

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class MinwonChannel(InputChannel):
    """Base of our input channels; subclasses add routes and delivery."""

    def __init__(self, common: CommonSettings, store: Optional[ChannelStore] = None) -> None:
        self.common = common
        self.store = store or ChannelStore.from_url(common.redis_url, common.redis_prefix)
        self.queues = ConversationQueues()

    def add_lifecycle(self, blueprint: Blueprint) -> None:
        @blueprint.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            await self.queues.close()
            await self.close()

    async def close(self) -> None:
        await self.store.close()

    async def run_turn(
        self, on_new_message: OnNewMessage, sender_id: str, text: str, metadata: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        """Hand one citizen message to Rasa and return the replies of that turn."""
        collector = TurnCollector(self.name())
        await on_new_message(
            UserMessage(
                text=text,
                output_channel=collector,
                sender_id=sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
        )
        return collector.messages
