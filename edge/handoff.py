"""Handoff pass-through and the dashboard's conversation count, before each turn (ported from the removed connectors/base.py).

While a person holds the conversation (the desk set `<HANDOFF_REDIS_PREFIX>active:<conversation>`), the citizen's
message is also added to the desk's stream `<HANDOFF_REDIS_PREFIX>inbox`; the turn still goes to Rasa (the tracker
keeps the transcript; Rasa does not answer a paused conversation). Every incoming message adds its conversation to
the HyperLogLog `<STATS_REDIS_PREFIX>conversations:<UTC date>` (containment rate). Neither may stop a turn.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Dict

import redis.asyncio as aioredis

logger = logging.getLogger("minwon.edge.handoff")

STATS_TTL = 400 * 24 * 3600


class DeskPassThrough:
    def __init__(self, client: "aioredis.Redis", handoff_prefix: str, stats_prefix: str) -> None:
        self.redis = client
        self.handoff_prefix = handoff_prefix
        self.stats_prefix = stats_prefix

    async def before_turn(self, conversation_id: str, text: str, metadata: Dict[str, Any]) -> None:
        await self.count_conversation(conversation_id)
        await self.copy_to_desk(conversation_id, text, metadata)

    async def count_conversation(self, conversation_id: str) -> None:
        key = f"{self.stats_prefix}conversations:{datetime.now(timezone.utc):%Y-%m-%d}"
        try:
            pipe = self.redis.pipeline()
            pipe.pfadd(key, conversation_id)
            pipe.expire(key, STATS_TTL)
            await pipe.execute()
        except Exception as error:  # statistics must never stop the conversation
            logger.warning("conversation count not written: %s", type(error).__name__)

    async def copy_to_desk(self, conversation_id: str, text: str, metadata: Dict[str, Any]) -> None:
        try:
            if not await self.redis.exists(f"{self.handoff_prefix}active:{conversation_id}"):
                return
            slim = {k: v for k, v in metadata.items() if k != "photo"}
            if isinstance(metadata.get("photo"), dict):  # the desk gets the photo's kind, not megabytes of base64
                slim["photo"] = {k: v for k, v in metadata["photo"].items() if k != "bytes_b64"}
            await self.redis.xadd(
                f"{self.handoff_prefix}inbox",
                {"conversation_id": conversation_id, "text": text, "metadata": json.dumps(slim, ensure_ascii=False),
                 "received_at": datetime.now(timezone.utc).isoformat()},
                maxlen=100000, approximate=True,
            )
        except Exception as error:  # the desk copy must never stop the conversation itself
            logger.warning("handoff inbox not written: %s", type(error).__name__)
