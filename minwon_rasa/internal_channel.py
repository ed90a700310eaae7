"""The internal turn channel: one authenticated way to run one Rasa turn, for the channel edge (issue #18).

Rasa's built-in `rest` channel let anyone who reached the server speak as any conversation and took
`/intent{...}` from citizen text. This channel replaces it (credentials.yml, deploy/credentials.prod.yml):

    credentials.yml:
        minwon_rasa.internal_channel.InternalChannel:

    POST /webhooks/internal/turn
    Authorization: Bearer <INTERNAL_CHANNEL_TOKEN>      (minwon_core.internal_settings; production refuses the placeholder)
    {"conversation_id": "tg:<chat id>" | "sms:<E.164>" | "web:<uuid4>",   (DESIGN.md's sender ids)
     "message_id": "tg:9001",        the channel's own id of the message, 1-128 of [A-Za-z0-9._:-]
     "text": "...",                  the citizen's words (at most 4096 characters): a leading `/` is removed
                                     (minwon_core.channel_text.neutralise_command, as the edge does), so text is
                                     never an intent command
     or "payload": "/pick{...}",     a command the edge vouches for: a button payload Rasa offered, Telegram's
                                     /start as /greet, a shared location as /inform (at most 1024 characters)
     "metadata": {...}}              optional channel metadata for the actions (docs/CONTRACTS.md); its `channel`
                                     defaults to the conversation id's channel

    200 {"conversation_id", "message_id",
         "already_applied": false|true,  true: this message id was a saved turn already; it was not run again
         "saved": true|false,            false: Rasa could not keep the turn (tracker store down: the replies
                                         say so to the citizen); the same message id may be sent again later
         "replies": [{"text", "buttons"?, "quick_replies"?, "image"?, "attachment"?, "custom"?, "elements"?}],
         "language": "ko"|"en"|null,     the conversation's language slot after the turn
         "handoff_started": bool,        this turn handed the request to the desk (queued or a call-back ticket)
         "paused": bool}                 this turn paused the conversation: a person holds it now
    400 {"code": "invalid", "message"} a malformed body (names the field); 401 {"code": "unauthorized"};
    405 for other methods; 413 {"code": "too_large"}; 503 {"code": "unavailable"} while Rasa cannot run turns
    (no model yet, tracker or lock store unreachable): send the same message id again later.

Exactly once per message id: the turn runs under the conversation's lock (Rasa's lock store, so across Rasa
instances too), after minwon_rasa.saved_turns has looked for a saved turn of the same message id. A message id
sent again (concurrently or later) is not run again: the answer says `already_applied: true` and carries the
replies that turn saved, since the caller may have lost the first answer (turns exactly once, replies at
least once, as the edge's inbox takeover already does). The turn is shielded from the caller hanging up,
so a half-run turn is never left behind by a dropped connection.

Reach: only the edge calls this route; Rasa is never on the public ingress (deploy/k8s/30-ingress.yaml and the
HAProxy public frontend send only the public channels' paths, to the edge; 40-network-policies.yaml lets only
the edge and bot/ reach Rasa).

Replies made outside a turn (a reminder retrying a kept request, the desk's `trigger_intent` with
`output_channel=latest`) go to the edge: `POST {EDGE_URL}/internal/replies` with `Authorization: Bearer
<CHANNEL_OUTBOUND_TOKEN>` and `{"conversation_id", "replies": [one reply]}` (edge/outbound.py), which formats them
for the conversation's channel. `EdgeReplies` does that; `InternalChannel.get_output_channel()` gives it to Rasa,
and a turn's `TurnReplies` hands over to it once the turn has answered (Rasa keeps that object for reminders).
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from minwon_core.channel_text import CHANNEL_OF_PREFIX, CONVERSATION_ID_HELP, conversation_prefix, neutralise_command
from minwon_core.internal_settings import InternalChannelSettings
from minwon_rasa.saved_turns import SavedTurn, reply_of, saved_turn, turn_just_saved

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024  # a Telegram photo (at most 5 MB) travels base64 in the metadata
MAX_TEXT = 4096  # Telegram's longest message; an SMS body is at most 1600
MAX_PAYLOAD = 1024
MAX_DEPTH = 8  # of the whole body: metadata holds small objects ({"photo": {...}}, {"location": {...}})
MESSAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
TURN_FIELDS = {"conversation_id", "message_id", "text", "payload", "metadata"}


class Invalid(ValueError):
    """The body is not a turn; the message names the field and is safe to show (no citizen text)."""


class Unavailable(Exception):
    """The lock store or the tracker store cannot be reached: nothing was run, send the message again later."""


@dataclass(frozen=True)
class Turn:
    conversation_id: str
    message_id: str
    text: str  # what Rasa gets: neutralised citizen text, or the vouched payload
    metadata: Dict[str, Any]

    @property
    def channel(self) -> str:
        return CHANNEL_OF_PREFIX[self.conversation_id.split(":", 1)[0] + ":"]


def _check_strings_and_depth(value: Any, depth: int = 1) -> None:
    if depth > MAX_DEPTH:
        raise Invalid(f"the body nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid("text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings_and_depth(key, depth)
            _check_strings_and_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_strings_and_depth(item, depth + 1)


def parse_turn(body: bytes) -> Turn:
    """A validated turn from a request body, or Invalid."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Invalid("the body must be a JSON object in UTF-8") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    _check_strings_and_depth(data)
    unknown = sorted(set(data) - TURN_FIELDS)
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(unknown)[:200]}")
    conversation = data.get("conversation_id")
    if conversation_prefix(conversation) is None:
        raise Invalid(f"conversation_id must be {CONVERSATION_ID_HELP}")
    message_id = data.get("message_id")
    if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
        raise Invalid("message_id must be 1-128 characters of A-Z a-z 0-9 . _ : -")
    if ("text" in data) == ("payload" in data):
        raise Invalid("send either text (the citizen's words) or payload (a command), not both or neither")
    if "text" in data:
        text = data["text"]
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise Invalid(f"text must be a string of at most {MAX_TEXT} characters")
        text = neutralise_command(text)  # the edge's own rule (minwon_core): one rule for every channel
        if not text:
            raise Invalid("text is empty")
    else:
        text = data["payload"]
        if not isinstance(text, str) or not text.startswith("/") or len(text) > MAX_PAYLOAD:
            raise Invalid(f"payload must be a command starting with / of at most {MAX_PAYLOAD} characters")
    metadata = data.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise Invalid("metadata must be a JSON object")
    turn = Turn(conversation, message_id, text, metadata)
    metadata.setdefault("channel", turn.channel)
    return turn


class EdgeReplies(OutputChannel):
    """Replies made outside a turn, sent to the edge one by one: `POST {EDGE_URL}/internal/replies`.

    The edge formats them for the conversation's channel as it does a turn's. A refusal (opted out, blocked, the
    edge away) is logged by its status only and not retried: the reply is already in the tracker, and a retry
    here could not know whether the first attempt reached the citizen."""

    TIMEOUT_S = 10.0

    def __init__(self, settings: InternalChannelSettings) -> None:
        self._url = f"{settings.edge_url}/internal/replies"
        self._auth = f"Bearer {settings.outbound_token}"

    @classmethod
    def name(cls) -> Text:
        return "edge"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        reply = reply_of(message)
        if conversation_prefix(recipient_id) is None or not reply:
            logger.warning("internal channel: a reply outside a turn for a conversation the edge cannot reach; dropped")
            return
        body = {"conversation_id": recipient_id, "replies": [reply]}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.TIMEOUT_S)) as session:
                async with session.post(self._url, json=body, headers={"Authorization": self._auth}) as r:
                    if r.status >= 300:
                        logger.warning("internal channel: the edge did not send a reply outside a turn: %s", r.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("internal channel: the edge is unreachable for a reply outside a turn: %s",
                           type(error).__name__)


class TurnReplies(CollectingOutputChannel):
    """Keeps a turn's replies whole (Rasa's collector would split texts on blank lines); once the turn has answered,
    what still comes (a reminder: Rasa keeps this object as the turn's output channel) goes to the edge."""

    def __init__(self, channel: str, later: Optional[OutputChannel] = None) -> None:
        super().__init__()
        self._channel = channel
        self._later = later
        self.closed = False

    def name(self) -> Text:  # type: ignore[override]
        return self._channel  # Rasa keeps it as the turn's output channel (reminders)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self.closed:  # a reminder of an earlier turn
            if self._later is None:
                logger.warning("internal channel: a reply outside its turn has no route to the edge; dropped")
            else:
                await self._later.send_response(recipient_id, message)
            return
        self.messages.append(reply_of(message))


class LatestChannel(InputChannel):
    """What `output_channel=latest` finds: Rasa matches the tracker's latest input channel (`telegram`, `sms`, `web`)
    by name among the server's input channels, which hold only `internal`. One of these per channel name, added at
    server start, answers with the edge (no routes: they are never given a blueprint)."""

    def __init__(self, channel: str, edge: OutputChannel) -> None:
        self._channel = channel
        self._edge = edge

    def name(self) -> Text:  # type: ignore[override]
        return self._channel

    def get_output_channel(self) -> Optional[OutputChannel]:
        return self._edge


def answer(turn: Turn, already_applied: bool, replies: List[Dict[str, Any]],
           saved: Optional[SavedTurn]) -> Dict[str, Any]:
    return {
        "conversation_id": turn.conversation_id, "message_id": turn.message_id,
        "already_applied": already_applied, "saved": saved is not None, "replies": replies,
        "language": saved.language if saved else None,
        "handoff_started": bool(saved and saved.handoff_started), "paused": bool(saved and saved.paused),
    }


async def run_once(agent: Any, turn: Turn, later: Optional[OutputChannel] = None) -> Dict[str, Any]:
    """Run the turn unless its message id is a saved turn already, under the conversation's lock; `later` takes
    the replies its reminders make after it answered."""
    store = agent.tracker_store
    async with contextlib.AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(agent.lock_store.lock(turn.conversation_id))
            before = await saved_turn(store, turn.conversation_id, turn.message_id)
        except Exception as error:
            raise Unavailable(type(error).__name__) from error
        if before is not None:
            logger.info("internal channel: message already applied; not run again")
            return answer(turn, True, before.replies, before)
        replies = TurnReplies(turn.channel, later)
        try:
            await agent.processor.handle_message(UserMessage(
                text=turn.text, output_channel=replies, sender_id=turn.conversation_id,
                input_channel=turn.channel, metadata=turn.metadata, message_id=turn.message_id))
        finally:
            replies.closed = True
        try:
            after = await turn_just_saved(store, turn.conversation_id, turn.message_id)
        except Exception as error:  # the store failed during the turn: the replies say so to the citizen
            logger.warning("internal channel: the turn's saved state could not be read: %s", type(error).__name__)
            after = None
        return answer(turn, False, replies.messages, after)


def _error(status: int, code: str, message: str) -> response.HTTPResponse:
    return response.json({"code": code, "message": message}, status=status)


class InternalChannel(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "internal"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InternalChannel":
        # The environment only (as the edge): credentials.yml names the channel and holds no keys.
        return cls(InternalChannelSettings.load())

    def __init__(self, settings: InternalChannelSettings) -> None:
        self._expected = f"Bearer {settings.token}".encode("utf-8")
        self._edge = EdgeReplies(settings)

    def get_output_channel(self) -> Optional[OutputChannel]:
        """Replies of the desk's `trigger_intent` (and any other API call naming this channel) go to the edge."""
        return self._edge

    def authorised(self, request: Request) -> bool:
        # As bytes: Sanic keeps header bytes that are not UTF-8 as surrogates; compare_digest takes any bytes.
        given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        internal = Blueprint("minwon_internal", __name__)

        @internal.listener("before_server_start")
        async def answer_latest_through_the_edge(app: Any, _: Any) -> None:
            channels = getattr(app.ctx, "input_channels", None)
            if isinstance(channels, list):
                known = {channel.name() for channel in channels}
                channels.extend(LatestChannel(name, self._edge) for name in sorted(set(CHANNEL_OF_PREFIX.values()))
                                if name not in known)

        @internal.route("/turn", methods=["POST"])
        async def turn(request: Request) -> response.HTTPResponse:
            if not self.authorised(request):
                return _error(401, "unauthorized", "bearer token required")
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return _error(413, "too_large", f"the body may have at most {MAX_BODY_BYTES} bytes")
            try:
                parsed = parse_turn(body)
            except Invalid as error:
                return _error(400, "invalid", str(error))
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return _error(503, "unavailable", "no model loaded yet")
            # Shielded: a caller that hangs up must not cancel a turn half-way (its retry finds it saved).
            task = asyncio.ensure_future(run_once(agent, parsed, self._edge))
            task.add_done_callback(_consume_error)
            try:
                return response.json(await asyncio.shield(task))
            except Unavailable as error:
                logger.warning("internal channel: turn not run: %s", error)
                return _error(503, "unavailable", "the conversation cannot be run now; send it again later")
            except Exception as error:  # the type only: exception texts can carry citizen text
                logger.error("internal channel: turn failed: %s", type(error).__name__)
                logger.debug("internal channel turn failure", exc_info=True)
                return _error(500, "turn_failed", "the turn failed")

        @internal.route("/turn", methods=["GET", "PUT", "PATCH", "DELETE"])
        async def other_methods(_: Request) -> response.HTTPResponse:
            return _error(405, "method_not_allowed", "POST a turn")

        return internal


def _consume_error(task: "asyncio.Future[Any]") -> None:
    """A shielded turn whose caller left: its error was logged by nobody else."""
    if not task.cancelled() and task.exception() is not None:
        logger.debug("internal channel: a turn whose caller had left failed: %s", type(task.exception()).__name__)
