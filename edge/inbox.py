"""The durable inbox (ported from the removed connectors/inbox.py): an accepted webhook message is kept in Redis until its turn
is done.

A webhook is acknowledged (Telegram 200, Twilio TwiML) only after its message is written here, in the
same atomic step as the de-duplication key, so a Rasa instance killed with messages still waiting in
its in-process queue loses nothing: another instance takes them over once the dead one's lease has
expired, and runs them in the order they were accepted (edge/worker.py).

Keys, under CONNECTORS_REDIS_PREFIX (the same layout as the removed connectors/inbox.py, docs/CONTRACTS.md "Channels"):
    seen:<kind>:<id>         de-duplication (48 h), shared with ChannelStore.first_time
    inbox:entry:<kind>:<id>  hash: conversation, owner, seq, accepted (unix s), payload (JSON), recovered,
                             sent (replies of its turn already delivered to the channel)
    inbox:conv:<conversation> zset entry id -> seq: the conversation's waiting messages, in order
    inbox:owner:<instance>   set of entry ids an instance holds
    inbox:owners             set of instances that may hold entries
    inbox:alive:<instance>   the instance's lease (PX), renewed by a heartbeat thread
    inbox:seq                counter giving every accepted message its place

Scripts build some key names from the prefix (an entry's owner is only known inside the script), so
the inbox needs one Redis (with replicas if wanted), not Redis Cluster, like the lock store.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

import redis
import redis.asyncio as aioredis

from edge.settings import InboxSettings
from edge.store import SEEN_TTL

logger = logging.getLogger(__name__)

RELEASED = "released"  # pseudo-owner of entries the old connectors handed back for a retry; never alive

# KEYS: 1 seen, 2 entry, 3 conversation zset, 4 owner set, 5 owners, 6 seq
# ARGV: 1 seen ttl s, 2 instance, 3 conversation, 4 payload, 5 max age s, 6 entry id
_ACCEPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local seq = redis.call('INCR', KEYS[6])
local t = redis.call('TIME')
redis.call('HSET', KEYS[2], 'conversation', ARGV[3], 'owner', ARGV[2], 'seq', seq, 'accepted', t[1],
           'payload', ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[3], seq, ARGV[6])
redis.call('EXPIRE', KEYS[3], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[6])
redis.call('EXPIRE', KEYS[4], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[2])
return seq
"""

# The conversation's first waiting message, taken over on the spot when its owner's lease is gone.
# KEYS: 1 conversation zset; ARGV: 1 key prefix (<prefix>inbox:), 2 instance, 3 target id or ''
# Returns {'gone'} (target no longer waiting), {'empty'}, {'wait', id}, or {'mine', id, payload, recovered, sent}.
_HEAD = """
if ARGV[3] ~= '' and not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return {'gone'} end
for _ = 1, 50 do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not head then return {'empty'} end
  local entry = ARGV[1] .. 'entry:' .. head
  local fields = redis.call('HMGET', entry, 'owner', 'payload', 'recovered', 'sent')
  local owner = fields[1]
  if not owner then
    redis.call('ZREM', KEYS[1], head)  -- expired (older than the maximum age): forget it
  elseif owner == ARGV[2] then
    return {'mine', head, fields[2] or '{}', fields[3] or '0', fields[4] or '0'}
  elseif owner ~= '""" + RELEASED + """' and redis.call('EXISTS', ARGV[1] .. 'alive:' .. owner) == 1 then
    return {'wait', head}
  else
    redis.call('HSET', entry, 'owner', ARGV[2], 'recovered', '1')
    redis.call('SREM', ARGV[1] .. 'owner:' .. owner, head)
    redis.call('SADD', ARGV[1] .. 'owner:' .. ARGV[2], head)
    redis.call('SADD', ARGV[1] .. 'owners', ARGV[2])
    return {'mine', head, fields[2] or '{}', '1', fields[4] or '0'}
  end
end
return {'wait', ''}
"""

# KEYS: 1 entry, 2 conversation zset, 3 owner set; ARGV: 1 instance, 2 entry id
_REMOVE = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 1
"""

# How many replies of the entry's turn reached the channel (only while this instance holds it).
# KEYS: 1 entry; ARGV: 1 instance, 2 count
_SENT = """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'sent', ARGV[2])
return 1
"""

# Conversations holding entries of dead (or released) owners of one channel; forgets empty dead owners.
# KEYS: 1 owners; ARGV: 1 key prefix, 2 instance, 3 owner name prefix of the channel
_ORPHANS = """
local out = {}
for _, owner in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if owner ~= ARGV[2] and string.sub(owner, 1, #ARGV[3]) == ARGV[3]
     and redis.call('EXISTS', ARGV[1] .. 'alive:' .. owner) == 0 then
    local set = ARGV[1] .. 'owner:' .. owner
    local ids = redis.call('SMEMBERS', set)
    if #ids == 0 then
      redis.call('SREM', KEYS[1], owner)
    else
      for _, id in ipairs(ids) do
        local conversation = redis.call('HGET', ARGV[1] .. 'entry:' .. id, 'conversation')
        if conversation then table.insert(out, conversation) else redis.call('SREM', set, id) end
      end
    end
  end
end
return out
"""

# This instance's own entries: id -> conversation (entries that expired are dropped from the set).
# KEYS: 1 owner set; ARGV: 1 key prefix
_MINE = """
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local conversation = redis.call('HGET', ARGV[1] .. 'entry:' .. id, 'conversation')
  if conversation then table.insert(out, id); table.insert(out, conversation)
  else redis.call('SREM', KEYS[1], id) end
end
return out
"""


@dataclass(frozen=True)
class Entry:
    id: str  # <kind>:<channel's own message id>, e.g. tg:<update_id>, sms:<MessageSid>
    conversation: str
    payload: Dict[str, Any]
    recovered: bool  # taken over from an instance that died: Rasa may answer already_applied
    sent: int = 0  # replies of its turn the dead owner had already delivered (not sent again)


@dataclass(frozen=True)
class Head:
    state: str  # gone | empty | wait | mine
    entry: Optional[Entry] = None


class Inbox:
    """One channel's inbox in one process (the owner name starts with the channel kind)."""

    def __init__(self, client: "aioredis.Redis", redis_url: str, prefix: str, kind: str,
                 settings: InboxSettings) -> None:
        self.redis = client
        self.redis_url = redis_url
        self.prefix = prefix
        self.keys = prefix + "inbox:"
        self.kind = kind
        self.settings = settings
        self.instance = f"{kind}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        self._heartbeat: Optional[threading.Thread] = None
        self._stop = threading.Event()

    # -- keys ------------------------------------------------------------------------------------------
    def entry_key(self, entry_id: str) -> str:
        return f"{self.keys}entry:{entry_id}"

    def conversation_key(self, conversation: str) -> str:
        return f"{self.keys}conv:{conversation}"

    def owner_key(self, owner: str) -> str:
        return f"{self.keys}owner:{owner}"

    def entry_id(self, ident: str) -> str:
        return f"{self.kind}:{ident}"

    # -- the webhook side: one round trip ---------------------------------------------------------------
    async def accept(self, ident: str, conversation: str, payload: Dict[str, Any]) -> bool:
        """Keep the message and mark its id seen, atomically; False if it was seen before."""
        entry_id = self.entry_id(ident)
        keys = [f"{self.prefix}seen:{entry_id}", self.entry_key(entry_id), self.conversation_key(conversation),
                self.owner_key(self.instance), self.keys + "owners", self.keys + "seq"]
        args: List[Union[int, str]] = [SEEN_TTL, self.instance, conversation,
                                       json.dumps(payload, ensure_ascii=False), int(self.settings.max_age_s), entry_id]
        return bool(await self.redis.eval(_ACCEPT, len(keys), *keys, *args))

    async def reject(self, ident: str, conversation: str) -> None:
        """Undo an accept (this instance cannot queue it): the channel redelivers it later."""
        entry_id = self.entry_id(ident)
        pipe = self.redis.pipeline()
        pipe.delete(self.entry_key(entry_id), f"{self.prefix}seen:{entry_id}")
        pipe.zrem(self.conversation_key(conversation), entry_id)
        pipe.srem(self.owner_key(self.instance), entry_id)
        await pipe.execute()

    # -- the worker side ---------------------------------------------------------------------------------
    async def head(self, conversation: str, target: Optional[str] = None) -> Head:
        """The conversation's first waiting message; taken over if its owner is dead."""
        reply = await self.redis.eval(_HEAD, 1, self.conversation_key(conversation), self.keys, self.instance,
                                      target or "")
        state = reply[0]
        if state != "mine":
            return Head(state)
        try:
            payload = json.loads(reply[2] or "{}")
        except ValueError:
            payload = {}
        sent = int(reply[4]) if len(reply) > 4 and str(reply[4]).isdigit() else 0
        return Head(state, Entry(reply[1], conversation, payload, reply[3] == "1", sent))

    async def owns(self, entry_id: str) -> bool:
        return await self.redis.hget(self.entry_key(entry_id), "owner") == self.instance

    async def remove(self, entry_id: str, conversation: str) -> bool:
        """The turn is done: forget the message (only if this instance still holds it)."""
        keys = [self.entry_key(entry_id), self.conversation_key(conversation), self.owner_key(self.instance)]
        return bool(await self.redis.eval(_REMOVE, len(keys), *keys, self.instance, entry_id))

    async def mark_sent(self, entry_id: str, count: int) -> bool:
        """Record that `count` replies of the entry's turn reached the channel: an instance that takes the
        entry over after this one died sends only the rest (a reply is repeated only when this one died
        between the channel's answer and this write)."""
        return bool(await self.redis.eval(_SENT, 1, self.entry_key(entry_id), self.instance, count))

    async def orphaned_conversations(self) -> List[str]:
        """Conversations with messages whose owner died (or that were handed back)."""
        found = await self.redis.eval(_ORPHANS, 1, self.keys + "owners", self.keys, self.instance, self.kind + ".")
        return sorted(set(found))

    async def mine(self) -> Dict[str, str]:
        """Entry id -> conversation of every message this instance holds."""
        flat = await self.redis.eval(_MINE, 1, self.owner_key(self.instance), self.keys)
        return dict(zip(flat[0::2], flat[1::2]))

    # -- the lease ---------------------------------------------------------------------------------------
    async def beat(self) -> None:
        await self.redis.set(self.keys + "alive:" + self.instance, "1", px=int(self.settings.lease_s * 1000))

    def start_heartbeat(self) -> None:
        """Renew the lease from a thread: a busy event loop must not look like a dead instance."""
        if self._heartbeat is not None:
            return
        self._heartbeat = threading.Thread(target=self._beat_forever, name=f"inbox-heartbeat-{self.kind}",
                                           daemon=True)
        self._heartbeat.start()

    def _beat_forever(self) -> None:
        client = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        key = self.keys + "alive:" + self.instance
        lease_ms = int(self.settings.lease_s * 1000)
        try:
            while not self._stop.is_set():
                try:
                    client.set(key, "1", px=lease_ms)
                except redis.RedisError as error:
                    logger.warning("inbox lease not renewed: %s", type(error).__name__)
                self._stop.wait(self.settings.lease_s / 5)
            try:  # a clean stop hands our messages over at once instead of after the lease
                client.delete(key)
            except redis.RedisError:
                pass
        finally:
            client.close()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
