"""The resilience bot's one custom action: slower than the conversation lock's lifetime, and it says when it ran.

Served by `python -m rasa_sdk --actions slow_actions` (tests/resilience/stack.py). Each run appends
{"conversation", "number", "start", "end"} to a Redis list so a test can check that no two turns of one
conversation ever overlapped.
"""
import asyncio
import json
import os
import time

import redis.asyncio as aioredis
from rasa_sdk import Action


class ActionSlow(Action):
    def name(self) -> str:
        return "action_slow"

    async def run(self, dispatcher, tracker, domain):
        number = tracker.get_slot("number")
        start = time.time()
        await asyncio.sleep(float(os.environ["SLOW_ACTION_SECONDS"]))
        end = time.time()
        client = aioredis.Redis.from_url(os.environ["SLOW_ACTION_REDIS_URL"])
        try:
            await client.rpush(os.environ["SLOW_ACTION_LOG_KEY"], json.dumps(
                {"conversation": tracker.sender_id, "number": number, "start": start, "end": end}))
            await client.expire(os.environ["SLOW_ACTION_LOG_KEY"], 3600)
        finally:
            await client.close()
        dispatcher.utter_message(text=f"slow {number} done")
        return []
