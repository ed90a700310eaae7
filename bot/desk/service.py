"""The desk's use cases: open a handoff, claim, reply, note, transfer, close and hand back, callbacks.

Redis holds who has what right now (bot/desk/queues.py); the database keeps the record (bot/console/tables.py);
Rasa and the channel edge are reached over HTTP. Every change is published on Redis pub/sub so every console
instance refreshes.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console.audit import audit
from bot.console.channels import ChannelSender
from bot.console.govapi_client import GovapiClient
from bot.console.rasa_client import RasaClient, current_state, transcript
from bot.console.tables import Agent, Callback, Handoff, Message, Note
from bot.desk.access import CONVERSATION_ID, may_touch, refuse
from bot.desk.bodies import flag, optional_text, text as text_field
from bot.desk.errors import DeskError, InvalidRequest, NotFound, NotYours, Refused, UpstreamError, WrongState
from bot.desk.hours import BusinessHours
from bot.desk.keys import DeskKeys
from bot.desk.masking import CODE_SLOTS, PHONE, code_expected, mask_conversation_id, mask_text, reveal_stored
from bot.desk.queues import CHANNELS, LANGUAGES, DeskQueues, queue_name, utc
from bot.desk.texts import mask_phone, minutes, say
from minwon_core.channel_text import channel_of

log = logging.getLogger("minwon.desk")

SECRET_SLOTS = {"citizen_token", "otp_code", "birth_date", "verification_id"}
_RELEASE_LOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


class ReasonRequired(DeskError):
    status = 400
    code = "reason_required"


@dataclass
class Actor:
    username: str
    role: str
    queues: frozenset[str] = frozenset()  # the queues an agent serves (bot.desk.access.agent_queues)

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


class DeskService:
    def __init__(self, *, redis: Redis, keys: DeskKeys, queues: DeskQueues, db: async_sessionmaker,
                 rasa: RasaClient, channels: ChannelSender, govapi: GovapiClient, hours: BusinessHours,
                 max_wait_seconds: int, position_notice_step: int, takeover_idle_seconds: int = 24 * 3600) -> None:
        self.redis = redis
        self.keys = keys
        self.queues = queues
        self.db = db
        self.rasa = rasa
        self.channels = channels
        self.govapi = govapi
        self.hours = hours
        self.max_wait_seconds = max_wait_seconds
        self.position_notice_step = position_notice_step
        self.takeover_idle_seconds = takeover_idle_seconds
        self._release_lock = redis.register_script(_RELEASE_LOCK)
        self._notices: set[asyncio.Task] = set()
        self.metrics: Any = None  # bot.desk.metrics.DeskMetrics, given by the console app when it has metrics

    def in_background(self, work: Awaitable[None]) -> None:
        """Citizen notices go out after the agent has the answer; a failure is logged, never raised."""
        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("a desk notice to a citizen failed")
        task = asyncio.create_task(run())
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def drain_notices(self) -> None:
        """Wait for notices still being sent (shutdown, tests)."""
        while self._notices:
            await asyncio.gather(*list(self._notices), return_exceptions=True)

    async def publish(self, kind: str, **data: Any) -> None:
        await self.redis.publish(self.keys.events, json.dumps({"type": kind, **data}))

    # --- escalation (actions -> desk) -----------------------------------------------------------------
    async def open_handoff(self, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        conversation_id = text_field(body, "conversation_id", max_len=128, required=True)
        key = text_field(body, "idempotency_key", max_len=128, required=True)
        for name in ("channel", "language", "skill", "reason"):
            text_field(body, name, max_len=16)  # a wrong type is a 400 here, not an error further down
        citizen_id, intent = optional_text(body, "citizen_id", max_len=64), optional_text(body, "intent", max_len=64)
        if not isinstance(body.get("form") or {}, dict) or not isinstance(body.get("last_errors") or [], list):
            raise InvalidRequest("form must be an object and last_errors a list")
        verified = flag(body, "verified", False) if body.get("verified") is not None else False
        channel = body.get("channel") or channel_of(conversation_id)
        if channel not in CHANNELS:
            raise InvalidRequest(f"channel must be one of {', '.join(CHANNELS)} (or a conversation id that names one)")
        existing = await self.queues.existing_for(key, conversation_id)
        if existing:
            return await self.answer(existing), False
        is_open = self.hours.is_open(now_utc())
        fields = {"conversation_id": conversation_id, "channel": channel, "language": body.get("language") or "ko",
                  "skill": body.get("skill") or "general", "reason": body.get("reason") or "requested"}
        handoff_id, created = await self.queues.create(fields, queued=is_open, idempotency_key=key)
        if not created:  # a parallel request with the same key made it and keeps the record
            return await self.answer(handoff_id), False
        form = body.get("form")
        if isinstance(form, dict) and isinstance(form.get("slots"), dict):
            form = {**form, "slots": {k: v for k, v in form["slots"].items() if k not in SECRET_SLOTS}}
        async with self.db() as session:  # a new id: no row to look for first (one statement less per handoff)
            session.add(Handoff(
                id=handoff_id, idempotency_key=key, conversation_id=conversation_id, channel=channel,
                language=fields["language"], skill=fields["skill"], reason=fields["reason"],
                verified=verified, citizen_id=citizen_id,
                intent=intent, form=form, last_errors=[str(e)[:200] for e in body.get("last_errors") or []][:20],
                state="queued" if is_open else "callback",
            ))
            if not is_open:
                await session.flush()
                session.add(self._callback(handoff_id, conversation_id, fields, "out_of_hours"))
            audit(session, "bot", "open_handoff", handoff_id, reason=fields["reason"], queue=f"{fields['language']}:{fields['skill']}")
            await session.commit()
        await self.publish("queue", handoff_id=handoff_id)
        return await self.answer(handoff_id), True

    def _callback(self, handoff_id: str, conversation_id: str, fields: dict[str, Any], why: str) -> Callback:
        return Callback(id="CB-" + uuid.uuid4().hex[:8].upper(), handoff_id=handoff_id, conversation_id=conversation_id,
                        language=fields["language"], skill=fields["skill"], why=why,
                        due_at=self.hours.next_opening(now_utc()).astimezone(dt.timezone.utc))

    async def answer(self, handoff_id: str) -> dict[str, Any]:
        record = await self.queues.get(handoff_id)
        position = await self.queues.position(handoff_id, record)
        answer: dict[str, Any] = {
            "handoff_id": handoff_id, "queue": record["queue"], "position": position.position,
            "estimated_wait_seconds": position.estimated_wait_seconds,
            "open": record["state"] in ("queued", "claimed"), "callback_offered": record["state"] == "callback",
        }
        if record["state"] == "callback":
            async with self.db() as session:
                ticket = (await session.execute(select(Callback).where(Callback.handoff_id == handoff_id))).scalars().first()
            if ticket:
                answer["callback_ticket"] = ticket.id
                answer["next_opening"] = aware(ticket.due_at).astimezone(ZoneInfo(self.hours.timezone)).isoformat()
        if record["state"] == "queued":
            await self.queues.remember_told(handoff_id, position.position)
        return answer

    async def withdraw(self, handoff_id: str, conversation_id: str) -> dict[str, Any]:
        """The citizen no longer wants a person ("아 아니에요 그냥 할게요") while still queued: the handoff leaves the
        queue and the bot goes on (the action resumes the conversation). WrongState once an agent has it: the
        citizen's words then reach that agent as any other message. Withdrawing again answers the same (a retried turn)."""
        record = await self.queues.get(handoff_id)
        if record.get("conversation_id") != conversation_id:
            raise NotFound(f"no handoff {handoff_id} for this conversation")
        if record.get("state") == "withdrawn":  # the same turn sent again (its first answer was lost): done already
            return {"handoff_id": handoff_id, "withdrawn": True}
        record = await self.queues.withdraw(handoff_id)
        async with self.db() as session:
            handoff = await self._handoff(session, handoff_id)
            handoff.state, handoff.closed_at = "withdrawn", utc(record["closed_at"])
            audit(session, "citizen", "withdraw", handoff_id)
            await session.commit()
        await self.publish("queue", handoff_id=handoff_id)
        return {"handoff_id": handoff_id, "withdrawn": True}

    async def record_satisfaction(self, handoff_id: str, score: Any) -> None:
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise InvalidRequest("score must be an integer from 1 to 5")
        async with self.db() as session:
            handoff = await session.get(Handoff, handoff_id)
            if handoff is None:
                raise NotFound(f"no handoff {handoff_id}")
            handoff.satisfaction = score
            audit(session, "bot", "satisfaction", handoff_id, score=score)
            await session.commit()
        await self.publish("handoff", handoff_id=handoff_id)

    # --- the agent's side ------------------------------------------------------------------------------
    async def _handoff(self, session, handoff_id: str) -> Handoff:
        handoff = await session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"no handoff {handoff_id}")
        return handoff

    async def check_access(self, handoff_id: str, actor: Actor) -> None:
        """403 unless the actor may read and write this case (bot.desk.access); 404 when there is none."""
        live = await self.redis.hgetall(self.keys.handoff(handoff_id))
        if live:
            state, agent, queue = live.get("state", ""), live.get("agent"), live.get("queue")
        else:
            async with self.db() as session:
                handoff = await self._handoff(session, handoff_id)
            state, agent, queue = handoff.state, handoff.agent, queue_name(handoff.language, handoff.skill)
        if not may_touch(actor.username, actor.supervisor, actor.queues, state=state, agent=agent, queue=queue):
            raise refuse(handoff_id)

    async def claim(self, handoff_id: str, actor: Actor, *, any_queue: bool = False) -> dict[str, Any]:
        if not (actor.supervisor or any_queue):
            waiting = await self.queues.get(handoff_id)
            if waiting.get("queue") not in actor.queues and waiting.get("agent") != actor.username:
                raise refuse(handoff_id)
        record = await self.queues.claim(handoff_id, actor.username)
        if self.metrics is not None:
            self.metrics.claimed(record)
        async with self.db() as session:
            handoff = await self._handoff(session, handoff_id)
            handoff.state, handoff.agent, handoff.claimed_at = "claimed", actor.username, utc(record["claimed_at"])
            audit(session, actor.username, "claim", handoff_id)
            await session.commit()
        await self.publish("queue", handoff_id=handoff_id)

        async def notices() -> None:
            await self._tell(handoff_id, record["conversation_id"], say("claimed", record["language"], agent=actor.username))
            await self.notify_positions(record["queue"])
        self.in_background(notices())
        return record

    async def _owned(self, handoff_id: str, actor: Actor) -> dict[str, str]:
        record = await self.queues.get(handoff_id)
        if record["state"] != "claimed" or (record["agent"] != actor.username and not actor.supervisor):
            raise NotYours(f"{handoff_id} is not yours to answer")
        return record

    async def reply(self, handoff_id: str, actor: Actor, text: str) -> dict[str, Any]:
        text = (text or "").strip()
        if not text:
            raise InvalidRequest("an empty reply cannot be sent")
        record = await self._owned(handoff_id, actor)
        status, refusal = "sent", None
        try:
            await self.channels.send(record["conversation_id"], text, kind="agent")
        except Refused as exc:
            status, refusal = "refused", exc.code
            error: Exception | None = exc
        except UpstreamError as exc:
            status, error = "failed", exc
        else:
            error = None
        async with self.db() as session:
            message = Message(handoff_id=handoff_id, conversation_id=record["conversation_id"], direction="agent",
                              author=actor.username, text=mask_text(text), status=status, refusal=refusal)
            session.add(message)
            audit(session, actor.username, "reply", handoff_id, status=status, refusal=refusal)
            await session.commit()
        await self.publish("message", handoff_id=handoff_id)
        if error is not None:
            raise error
        try:
            await self.rasa.append_bot_text(record["conversation_id"], text, actor.username)
        except UpstreamError:
            # The citizen has the message; the desk's transcript of record has it too.
            log.warning("reply sent but not appended to the Rasa tracker (handoff %s)", handoff_id)
        return {"sent": True, "message_id": message.id}

    async def add_note(self, handoff_id: str, actor: Actor, text: str) -> None:
        if not (text or "").strip():
            raise InvalidRequest("an empty note cannot be saved")
        await self.check_access(handoff_id, actor)
        async with self.db() as session:
            await self._handoff(session, handoff_id)
            session.add(Note(handoff_id=handoff_id, author=actor.username, text=text.strip()))
            audit(session, actor.username, "note", handoff_id)
            await session.commit()
        await self.publish("handoff", handoff_id=handoff_id)

    async def transfer(self, handoff_id: str, actor: Actor, *, to_agent: str | None = None,
                       language: str | None = None, skill: str | None = None) -> dict[str, Any]:
        await self.check_access(handoff_id, actor)
        if to_agent:
            async with self.db() as session:
                colleague = (await session.execute(select(Agent.username).where(
                    Agent.username == to_agent, Agent.active))).first()
            if colleague is None:
                raise InvalidRequest(f"no active staff member {to_agent!r}")
            record = await self.queues.transfer_to_agent(handoff_id, actor.username, to_agent, actor.supervisor)
        elif language and skill:
            record = await self.queues.transfer_to_queue(handoff_id, actor.username, language, skill, actor.supervisor)
        else:
            raise InvalidRequest("say to whom (agent) or to which queue (language and skill)")
        async with self.db() as session:
            handoff = await self._handoff(session, handoff_id)
            handoff.state, handoff.agent = record["state"], record["agent"] or None
            handoff.language, handoff.skill = record["language"], record["skill"]
            audit(session, actor.username, "transfer", handoff_id, to_agent=to_agent, queue=record["queue"])
            await session.commit()
        await self.publish("queue", handoff_id=handoff_id)
        self.in_background(self._tell(handoff_id, record["conversation_id"], say("transferred", record["language"])))
        return record

    async def close(self, handoff_id: str, actor: Actor, survey: bool = True) -> dict[str, Any]:
        """Hand the conversation back to the bot and close the handoff, once, however often it is asked.

        Rasa first: if the hand-back did not happen, the handoff stays open and the agent can try again. A try can
        fail after Rasa did hand back (its answer was lost, or the load balancer gave up while Rasa went on): the
        retry then must not hand back a second time, or the citizen's next answer meets a second "the agent has
        finished" turn and the form derails (issue 14). So:
        - one close of a handoff runs at a time (a Redis lock): a double click, or an agent and a supervisor on
          two console instances, wait for each other, and the later one finds the handoff closed and answers the
          same;
        - before handing back, Rasa's tracker is read: the EXTERNAL_handback event Rasa stores names this
          handoff's id, so a hand-back that happened is seen whatever became of its answer (a marker of ours
          could not know whether Rasa ran it);
        - the tracker is the whole truth only once Rasa no longer runs the earlier try: the hand-back's calls wait
          `handback_timeout_seconds` (70 s), longer than the load balancer waits for Rasa (HAProxy `timeout server`
          65 s, tests/bot/deploy check it), and Rasa's Sanic cancels a request whose connection closed. When the
          call has ended, with any answer or none, the earlier try is over."""
        async with self._closing(handoff_id):
            record = await self.queues.get(handoff_id)
            if record["state"] == "closed" and (record["agent"] == actor.username or actor.supervisor):
                # closed by an earlier try whose answer did not reach the agent: the same answer again
                await self._record_closed(handoff_id, record, actor, survey)
                return record
            record = await self._owned(handoff_id, actor)
            if await self.rasa.handed_back(record["conversation_id"], handoff_id):
                log.info("handoff %s was handed back by an earlier try; not again", handoff_id)
            else:
                await self.rasa.hand_back(record["conversation_id"], survey=survey, handoff_id=handoff_id)
            record = await self.queues.close(handoff_id, actor.username, actor.supervisor)
            await self._record_closed(handoff_id, record, actor, survey)
        await self.publish("queue", handoff_id=handoff_id)
        return record

    async def _record_closed(self, handoff_id: str, record: dict[str, str], actor: Actor, survey: bool) -> None:
        """The database's copy of the close; nothing when an earlier try already wrote it."""
        async with self.db() as session:
            handoff = await self._handoff(session, handoff_id)
            if handoff.state == "closed":
                return
            handoff.state, handoff.closed_at = "closed", utc(record["closed_at"])
            audit(session, actor.username, "close", handoff_id, survey=survey)
            await session.commit()

    @contextlib.asynccontextmanager
    async def _closing(self, handoff_id: str) -> AsyncIterator[None]:
        """One close of a handoff at a time, across console instances; the lock outlives the longest close."""
        key, token = self.keys.closing(handoff_id), uuid.uuid4().hex
        hold = 2 * self.rasa.handback_timeout_seconds + self.rasa.timeout_seconds + 30
        deadline = time.monotonic() + hold
        while not await self.redis.set(key, token, nx=True, px=int(hold * 1000)):
            if time.monotonic() > deadline:
                raise WrongState("Another close of this handoff is still running; look again in a moment.")
            await asyncio.sleep(0.05)
        try:
            yield
        finally:
            await self._release_lock(keys=[key], args=[token])

    async def takeover(self, conversation_id: str, actor: Actor, language: str = "ko", reason: str = "") -> dict[str, Any]:
        """A person takes a live conversation from the bot: a supervisor, or an agent who writes why. It is paused,
        a handoff opened and claimed at once, and the audit log keeps who, which and why."""
        if not CONVERSATION_ID.fullmatch(conversation_id):
            raise InvalidRequest("a conversation id looks like tg:123, sms:+821012345678 or web:<uuid>")
        if language not in LANGUAGES:
            raise InvalidRequest(f"language must be one of {', '.join(LANGUAGES)}")
        reason = reason.strip()
        if not actor.supervisor and len(reason) < 5:
            raise ReasonRequired("Say why you take this conversation from the bot (a few words); it is audited.")
        if await self.redis.get(self.keys.active(conversation_id)):
            raise WrongState("A person already has this conversation; find it in the queue or ask a supervisor.")
        last = await self._last_seen(conversation_id)
        if last is None:
            raise NotFound("No conversation with that id is known to the bot or the desk.")
        if now_utc().timestamp() - last > self.takeover_idle_seconds:
            raise WrongState("That conversation has been silent too long to take over; the bot is not talking to anyone.")
        await self.rasa.pause(conversation_id)
        answer, _ = await self.open_handoff({
            "conversation_id": conversation_id, "language": language, "skill": "general", "reason": "agent",
            "idempotency_key": f"takeover:{uuid.uuid4().hex}"})
        if answer["open"]:
            await self.claim(answer["handoff_id"], actor, any_queue=True)
        async with self.db() as session:
            audit(session, actor.username, "takeover", answer["handoff_id"], reason=reason[:500] or None,
                  conversation=mask_conversation_id(conversation_id), role=actor.role)
            await session.commit()
        return answer

    async def _last_seen(self, conversation_id: str) -> float | None:
        """When the citizen last wrote: from Rasa's tracker (a user event) or the desk's own record; None if never."""
        tracker = await self.rasa.tracker(conversation_id)
        times = [float(e.get("timestamp") or 0) for e in tracker.get("events") or []
                 if isinstance(e, dict) and e.get("event") == "user"]
        async with self.db() as session:
            desk = (await session.execute(select(Message.created_at).where(
                Message.conversation_id == conversation_id, Message.direction == "citizen")
                .order_by(Message.id.desc()).limit(1))).first()
        if desk:
            times.append(aware(desk[0]).timestamp())
        return max(times) if times else None

    # --- packet -----------------------------------------------------------------------------------------
    async def packet(self, handoff_id: str, actor: Actor, reveal: tuple[str, ...] = ()) -> dict[str, Any]:
        """The case as the agent sees it: codes always masked, phone and birth dates unless `reveal` names them."""
        await self.check_access(handoff_id, actor)
        async with self.db() as session:
            handoff = await self._handoff(session, handoff_id)
            messages = (await session.execute(select(Message).where(Message.handoff_id == handoff_id)
                                              .order_by(Message.id))).scalars().all()
            notes = (await session.execute(select(Note).where(Note.handoff_id == handoff_id)
                                           .order_by(Note.id))).scalars().all()
            audit(session, actor.username, "reveal" if reveal else "read_packet", handoff_id,
                  **({"fields": list(reveal)} if reveal else {}))
            await session.commit()
        live = await self.redis.hgetall(self.keys.handoff(handoff_id))
        position = await self.queues.position(handoff_id) if live else None
        before: list[dict[str, Any]] = []
        raw_lines: list[str] = []  # the tracker's copy of every line, for revealing the desk's masked rows
        state: dict[str, Any] = {}
        tracker_error = None
        try:
            tracker = await self.rasa.tracker(handoff.conversation_id)
            cutoff = aware(handoff.created_at).timestamp()
            lines = transcript(tracker)
            raw_lines = [t["text"] for t in lines] if reveal else []
            # Agent and desk lines are in the desk's own record (messages); the tracker gives what came before.
            before = [{**t, "text": mask_text(t["text"], reveal, code_step=t.pop("code_step"))}
                      for t in lines if t["who"] != "agent" and (not t["at"] or t["at"] <= cutoff + 1)]
            state = current_state(tracker)
        except UpstreamError as exc:
            tracker_error = exc.message
        form = handoff.form or {}
        slots = {k: v for k, v in {**(state.get("slots") or {}), **(form.get("slots") or {})}.items()
                 if k not in SECRET_SLOTS}
        shown = (lambda raw: raw) if PHONE in reveal else mask_phone
        phone = None
        if handoff.conversation_id.startswith("sms:"):
            phone = shown(handoff.conversation_id[4:])
        elif slots.get("phone"):
            phone = shown(str(slots["phone"]))
        slots.pop("phone", None)
        records: dict[str, Any] = {"available": False, "why": "not verified"}
        if handoff.verified and handoff.citizen_id:
            records = await self.govapi.citizen_records(handoff.citizen_id)
            raw_phone = records.pop("phone", None)
            phone = (raw_phone if PHONE in reveal else records.get("phone_masked")) or phone
        return {
            "handoff": {
                "id": handoff.id, "conversation_id": mask_conversation_id(handoff.conversation_id, reveal),
                "channel": handoff.channel,
                "language": handoff.language, "skill": handoff.skill, "reason": handoff.reason,
                "state": live.get("state", handoff.state), "agent": live.get("agent") or handoff.agent,
                "queue": live.get("queue"), "position": position.position if position else 0,
                "verified": handoff.verified, "masked_phone": phone,
                "created_at": aware(handoff.created_at).isoformat(), "satisfaction": handoff.satisfaction,
            },
            "intent": handoff.intent or state.get("intent"),
            "form": {"name": form.get("name") or state.get("form"), "slots": slots},
            "last_errors": handoff.last_errors or [],
            "transcript_before": before,
            "tracker_error": tracker_error,
            # Rows are masked at rest (older rows may not be: masking again is a no-op on masked text).
            "messages": [{"id": m.id, "who": m.direction, "author": m.author,
                          "text": reveal_stored(mask_text(m.text), raw_lines, reveal) if reveal else mask_text(m.text),
                          "status": m.status,
                          "refusal": m.refusal, "at": aware(m.created_at).isoformat()} for m in messages],
            "notes": [{"author": n.author, "text": mask_text(n.text, reveal), "at": aware(n.created_at).isoformat()}
                      for n in notes],
            "revealed": list(reveal),
            "records": records,
        }

    # --- the inbox (edge -> desk) -----------------------------------------------------------------------
    async def ingest(self, stream_id: str, fields: dict[str, str]) -> bool:
        """Keep one citizen message from the inbox stream; False when it was kept before (redelivery)."""
        conversation_id = fields.get("conversation_id") or ""
        text = fields.get("text") or ""
        if not conversation_id:
            return False
        handoff_id = await self.redis.get(self.keys.active(conversation_id))
        async with self.db() as session:
            if (await session.execute(select(Message.id).where(Message.stream_id == stream_id))).first():
                return False
            if not handoff_id:
                latest = (await session.execute(select(Handoff.id).where(Handoff.conversation_id == conversation_id)
                                                .order_by(Handoff.created_at.desc()))).first()
                handoff_id = latest[0] if latest else None
            handoff = await session.get(Handoff, handoff_id) if handoff_id else None
        stored = await self.stored_citizen_text(conversation_id, text, handoff.form if handoff else None)
        async with self.db() as session:
            at = now_utc()
            if fields.get("received_at"):
                try:
                    at = dt.datetime.fromisoformat(str(fields["received_at"]).replace("Z", "+00:00"))
                except ValueError:
                    try:
                        at = dt.datetime.fromtimestamp(float(fields["received_at"]), dt.timezone.utc)
                    except ValueError:
                        pass
            session.add(Message(handoff_id=handoff_id, conversation_id=conversation_id, direction="citizen",
                                text=stored or "[attachment]", stream_id=stream_id, created_at=at))
            await session.commit()
        await self.publish("message", handoff_id=handoff_id)
        return True

    async def stored_citizen_text(self, conversation_id: str, text: str, form: dict[str, Any] | None) -> str:
        """A citizen's line as the desk keeps it: a one-time code never, phone numbers and birth dates masked.

        A line is read as the answer to the code question (its 6-digit runs replaced) the way the console's masking
        reads a transcript (bot.desk.masking.code_steps): the form at the handoff was asking for the code
        (`requested_slot`, sent by the actions), or Rasa's tracker shows the bot asking for it now (a takeover in
        the middle of verification). When the tracker cannot be read the line is treated as a code answer: losing six
        digits of a case number from the desk's copy is better than keeping a code.

        Phone numbers and birth dates are masked at rest, not only on display, because the audited reveal does not
        need the desk's copy: the connector hands every line to Rasa as well (logged while the bot is paused), so a
        reveal takes the raw line from the tracker (bot.desk.masking.reveal_stored), the registered phone from
        govapi, and an SMS number from the conversation id. The desk's database, its backups and its exports then
        hold no personal number of their own; encrypting them here would only add a key to guard."""
        if mask_text(text, code_step=True) == mask_text(text):
            return mask_text(text)  # nothing in it could be a code: no need to ask Rasa where the talk stands
        slots = form.get("slots") if isinstance(form, dict) else None
        code_step = isinstance(slots, dict) and slots.get("requested_slot") in CODE_SLOTS
        if not code_step:
            try:
                tracker = await self.rasa.tracker(conversation_id)
                code_step = code_expected([e for e in tracker.get("events") or [] if isinstance(e, dict)])
            except UpstreamError:
                code_step = True
        return mask_text(text, code_step=code_step)

    # --- periodic work ------------------------------------------------------------------------------------
    async def _tell(self, handoff_id: str, conversation_id: str, text: str) -> None:
        """A desk notice to the citizen; a refusal or outage is recorded, never raised to the agent. Sent as kind
        "desk" (the web chat shows it as a notice, not as a person's words)."""
        status, refusal = "sent", None
        try:
            await self.channels.send(conversation_id, text, kind="desk")
            await self.rasa.append_bot_text(conversation_id, text, "desk")
        except Refused as exc:
            status, refusal = "refused", exc.code
        except UpstreamError:
            status = "failed"
        async with self.db() as session:
            session.add(Message(handoff_id=handoff_id, conversation_id=conversation_id, direction="desk",
                                author="desk", text=mask_text(text), status=status, refusal=refusal))
            await session.commit()

    async def notify_positions(self, queue: str) -> None:
        """Tell waiting citizens their new place when it moved by position_notice_step or more."""
        ids = await self.queues.queue_ids(queue)
        if not ids:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for handoff_id in ids:
                pipe.hmget(self.keys.handoff(handoff_id), "last_told_position", "conversation_id", "language")
            rows = await pipe.execute()
        per_person = await self.queues.estimated_wait(1)  # one lookup of handling times for the whole queue
        for position, (handoff_id, (told, conversation_id, language)) in enumerate(zip(ids, rows), start=1):
            if conversation_id and int(told or 0) - position >= self.position_notice_step:
                await self.queues.remember_told(handoff_id, position)
                await self._tell(handoff_id, conversation_id,
                                 say("position", language or "ko", position=position, minutes=minutes(position * per_person)))

    async def sweep(self) -> int:
        """Handoffs nobody took in time become callback tickets and the bot gets the conversation back."""
        moved = 0
        for handoff_id in await self.queues.overdue(self.max_wait_seconds):
            try:
                record = await self.queues.to_callback(handoff_id)
            except Exception:  # claimed meanwhile by someone: nothing to do
                continue
            fields = {"language": record["language"], "skill": record["skill"]}
            async with self.db() as session:
                handoff = await self._handoff(session, handoff_id)
                handoff.state, handoff.closed_at = "callback", utc(record["closed_at"])
                ticket = self._callback(handoff_id, record["conversation_id"], fields, "no_answer")
                session.add(ticket)
                audit(session, "desk", "to_callback", handoff_id, ticket=ticket.id)
                await session.commit()
            when = self.hours.next_opening(now_utc())
            when_text = "곧" if record["language"] == "ko" else "soon"
            if not self.hours.is_open(now_utc()):
                when_text = when.strftime("%m/%d %H:%M")
            await self._tell(handoff_id, record["conversation_id"],
                             say("no_answer", record["language"], ticket=ticket.id, when=when_text))
            try:
                await self.rasa.hand_back(record["conversation_id"], survey=False, handoff_id=handoff_id)
            except UpstreamError:
                log.warning("could not resume the bot after a callback (handoff %s)", handoff_id)
            await self.publish("queue", handoff_id=handoff_id)
            moved += 1
        return moved
