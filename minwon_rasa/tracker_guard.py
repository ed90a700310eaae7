"""A SQL tracker store that never silently forgets a conversation.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore` (rasa/core/agent.py `_create_tracker_store`):
when the database fails, `retrieve` answers None, so the processor starts a NEW conversation, and `save`
writes to an `InMemoryTrackerStore` that vanishes with the process. The citizen is never told.

`GuardedSQLTrackerStore` is Rasa's SQLTrackerStore (same `events` table, so a database of its own) with:
- no fallback: Agent keeps this store unwrapped, and a failing operation raises `TrackerStoreUnavailable`;
- the turn ends with one plain, bilingual message to the citizen ("we cannot keep your conversation right
  now, please try again shortly"), nothing else of that turn runs, nothing is written anywhere else;
- a health flag and `ping()` for readiness (minwon_rasa.ops_channel), and metrics per turn;
- less work per turn (a third of a turn's CPU was this store's): events are read as plain rows (just the
  `data` column, no ORM objects), and a save after a retrieve of the same conversation in this process knows
  how many events are stored already instead of counting them again (the lock store keeps other instances
  out in between; any other save counts as Rasa does);
- the trackers it saved last are kept (minwon_rasa/recent_trackers.py, `recent_trackers` conversations,
  TRACKER_RECENT_TRACKERS overrides): the next turn reads only the rows stored after them, so a turn's cost
  no longer grows with the length of the conversation.

Rasa 3.6 has no hook for either change, so importing this module (Rasa does it while reading endpoints.yml,
before the Agent exists) replaces two functions in place: `Agent._create_tracker_store` (skips the
FailSafe wrapper for this store only) and `MessageProcessor.handle_message` (turn timing, the message to
the citizen). `install()` checks the Rasa version, so an upgrade fails loudly instead of half-working.

Logs: `install()` also routes the process's logs through minwon_logs (JSON lines when MINWON_LOG_FORMAT=json,
Sanic's loggers included), and each turn runs with its conversation reference (a keyed hash of the sender
id, never the id) and a turn id as request id, ending with one `turn` line (channel, outcome, ms).
Rasa sets up its own (coloured) logging before it imports this module, and replaces any handler a
`--logging-config-file` puts on the root logger, so the module is the place to do it.

endpoints.yml:
    tracker_store:
      type: minwon_rasa.tracker_guard.GuardedSQLTrackerStore
      dialect: postgresql
      url: 127.0.0.1
      port: 5432
      db: minwon_tracker          # created if missing (login_db)
      login_db: postgres
      username: postgres
      password: ""
      query: {connect_timeout: "3"}
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Tuple

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, ConversationPaused, SessionStarted, UserUttered, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

import minwon_logs
from minwon_rasa import metrics
from minwon_rasa.recent_trackers import Recent, RecentTrackers

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."
FALLBACK_ACTIONS = {"action_default_fallback", "action_nlu_fallback", "action_two_stage_fallback"}
UNAVAILABLE_TEXT = {
    "ko": "지금은 대화를 이어갈 수 없습니다. 잠시 후 다시 보내 주세요.",
    "en": "We cannot keep your conversation right now. Please try again shortly.",
}
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z]")
_DB_ERRORS = (sqlalchemy.exc.SQLAlchemyError, OSError)
# Conversations whose last saved tracker each instance keeps (a few hundred KB each at most).
DEFAULT_RECENT_TRACKERS = 500


class CommitOutcomeUnknown(sqlalchemy.exc.SQLAlchemyError):
    """The connection failed during COMMIT: the rows may be stored, so the insert is not repeated."""


class TrackerStoreUnavailable(Exception):
    """The conversation store cannot be read or written; the turn must not go on."""


class GuardedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that raises instead of falling back, and knows whether it is healthy."""

    def __init__(self, *args: Any, ping_timeout: float = 2.0, recent_trackers: Optional[int] = None,
                 **kwargs: Any) -> None:
        size = os.environ.get("TRACKER_RECENT_TRACKERS") or recent_trackers
        self._recent = RecentTrackers(DEFAULT_RECENT_TRACKERS if size in (None, "") else int(size))
        self._last_row_ids: Dict[Text, int] = OrderedDict()  # conversation -> id of its last stored event, as read
        super().__init__(*args, **kwargs)
        # A short pool timeout makes a stuck database fail the turn in seconds, not 30 s. Rasa's engine keeps
        # dead pooled connections after a database restart: instead of a ping before every use (a round trip,
        # two a turn), a statement that finds its connection gone is sent again once on a new one
        # (SQLAlchemy then drops the whole pool), and only where that cannot write twice (see _again_if_gone).
        url = self.engine.url
        self.engine.dispose()
        pooled = {} if url.get_backend_name() == "sqlite" else {"pool_timeout": 5}  # SQLite (make run): no pool
        self.engine = sa.create_engine(url, **pooled, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.ping_timeout = float(ping_timeout)
        self.healthy = True
        self._loaded_counts: Dict[Text, int] = OrderedDict()

    @property
    def domain(self) -> Any:
        return self._domain

    @domain.setter
    def domain(self, value: Any) -> None:
        # A new model may bring other slots: trackers built with the old ones are not handed out again.
        self._domain = value
        self._recent.clear()

    # -- health -----------------------------------------------------------------------------------
    def _failed(self, operation: str, error: BaseException) -> TrackerStoreUnavailable:
        self.healthy = False
        metrics.TRACKER_STORE_UP.set(0)
        metrics.TRACKER_STORE_ERRORS.labels(operation=operation).inc()
        # The error class only: driver messages can quote SQL parameters (conversation ids, text).
        logger.error("tracker store %s failed: %s", operation, type(error).__name__)
        return TrackerStoreUnavailable(f"tracker store {operation} failed")

    def _ok(self) -> None:
        if not self.healthy:
            logger.info("tracker store reachable again")
        self.healthy = True
        metrics.TRACKER_STORE_UP.set(1)

    def _select_one(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def ping(self) -> bool:
        """True when the database answers now (readiness); updates the health flag."""
        try:
            await asyncio.wait_for(asyncio.to_thread(self._select_one), self.ping_timeout)
        except (asyncio.TimeoutError, *_DB_ERRORS) as error:
            self._failed("ping", error)
            return False
        self._ok()
        return True

    # -- the TrackerStore API, failing loudly -------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve(sender_id)
        except _DB_ERRORS as error:
            raise self._failed("retrieve", error) from error
        self._ok()
        _remember(self._loaded_counts, sender_id, len(tracker.events) if tracker else 0)
        return tracker

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's `_retrieve`, reading the `data` column as rows instead of building an ORM object per event, and
        (latest session only) starting from the tracker this instance saved last when it has it."""
        if not fetch_events_from_all_sessions:
            recent = self._recent.take(sender_id)
            if recent is not None:
                tracker = self._catch_up(sender_id, recent)
                if tracker is not None:
                    return tracker
        rows = self._again_if_gone(self._read_rows, sender_id, fetch_events_from_all_sessions)
        events = [json.loads(row.data) for row in rows]
        if not fetch_events_from_all_sessions:
            _remember(self._last_row_ids, sender_id, rows[-1].id if rows else 0)
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def saved_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker as this instance saved it last, if still kept; rows another instance stored since are not
        in it, so read it only under the conversation's lock right after this instance's save. Never change it:
        the next turn takes it."""
        recent = self._recent.peek(sender_id)
        return recent.tracker if recent is not None else None

    def _catch_up(self, sender_id: Text, recent: Recent) -> Optional[DialogueStateTracker]:
        """The kept tracker with the events stored after it applied; None when a new session started since."""
        rows = self._again_if_gone(self._read_rows_after, sender_id, recent.last_row_id)
        if any(row.type_name == SessionStarted.type_name for row in rows):
            return None  # Rasa would read from the new session's start: read it whole
        tracker = recent.tracker
        for event in deserialise_events([json.loads(row.data) for row in rows]):
            tracker.update(event)
        _remember(self._last_row_ids, sender_id, rows[-1].id if rows else recent.last_row_id)
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterable[Any]:
        """The events to add: after those this process just read (retrieve), else after those counted."""
        loaded = self._loaded_counts.get(tracker.sender_id)
        if loaded is None or loaded > len(tracker.events):
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve_full_tracker(conversation_id)
        except _DB_ERRORS as error:
            raise self._failed("retrieve", error) from error
        self._ok()
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        self._recent.forget(sender_id)
        try:
            await self.stream_events(tracker)
            last_row_id, new_events = self._insert_new_events(tracker)
        except _DB_ERRORS as error:
            self._last_row_ids.pop(sender_id, None)
            raise self._failed("save", error) from error
        self._ok()
        self._count_new_events(tracker)
        known = self._last_row_ids.pop(sender_id, None)
        if last_row_id is None:
            last_row_id = known
        if last_row_id is not None and not any(isinstance(e, SessionStarted) for e in new_events):
            self._recent.keep(sender_id, tracker, last_row_id)

    def _read_rows(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> List[Any]:
        with self.session_scope() as session:
            return self._event_query(session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
                                     ).with_entities(self.SQLEvent.id, self.SQLEvent.data).all()

    def _read_rows_after(self, sender_id: Text, last_row_id: int) -> List[Any]:
        with self.session_scope() as session:
            return (session.query(self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.data)
                    .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > last_row_id)
                    .order_by(self.SQLEvent.id).all())

    @staticmethod
    def _again_if_gone(operation: Callable[..., Any], *args: Any) -> Any:
        """Run a read (or a write that failed before its commit) once more when its pooled connection had died."""
        try:
            return operation(*args)
        except sqlalchemy.exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
            logger.info("tracker store: a pooled connection had closed; trying once more on a new one")
            return operation(*args)

    def _insert_new_events(self, tracker: DialogueStateTracker) -> Tuple[Optional[int], List[Any]]:
        """Rasa's `SQLTrackerStore.save` (same rows) in one INSERT, returning the id of the last row added and
        the events (Rasa's ORM sends one INSERT per event and waits for each)."""
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
        if not events:
            return None, events
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                         "timestamp": data.get("timestamp"),
                         "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                         "action_name": data.get("name"), "data": json.dumps(data)})
        return self._again_if_gone(self._insert_rows, rows), events

    def _insert_rows(self, rows: List[Dict[str, Any]]) -> int:
        table = self.SQLEvent.__table__
        with self.session_scope() as session:
            if self.engine.dialect.name == "postgresql":
                ids = session.execute(sa.insert(table).values(rows).returning(table.c.id)).scalars().all()
                last_row_id = max(ids)
            else:  # no multi-row RETURNING in SQLAlchemy 1.4 elsewhere: the ORM's way, ids after the flush
                objects = [self.SQLEvent(**row) for row in rows]
                session.add_all(objects)
                session.flush()
                last_row_id = objects[-1].id
            try:
                session.commit()
            except sqlalchemy.exc.DBAPIError as error:  # did it commit? Unknown: never send it again
                raise CommitOutcomeUnknown(type(error).__name__) from error
        return last_row_id

    async def keys(self) -> Iterable[Text]:
        try:
            keys = await super().keys()
        except _DB_ERRORS as error:
            raise self._failed("keys", error) from error
        self._ok()
        return keys

    def _count_new_events(self, tracker: DialogueStateTracker) -> None:
        """Intents, fallbacks and handoffs of the events this save added (counted once per turn)."""
        loaded = self._loaded_counts.pop(tracker.sender_id, None)
        if loaded is None:
            return  # a save outside a turn (HTTP API): nothing to count
        for event in list(tracker.events)[loaded:]:
            if isinstance(event, UserUttered):
                intent = (event.intent or {}).get("name") or "none"
                metrics.INTENTS.labels(intent=intent).inc()
                if intent == "nlu_fallback":
                    metrics.FALLBACKS.labels(kind="nlu").inc()
            elif isinstance(event, ActionExecuted) and event.action_name in FALLBACK_ACTIONS:
                metrics.FALLBACKS.labels(kind=event.action_name).inc()
            elif isinstance(event, ConversationPaused):
                metrics.HANDOFFS.inc()


READS_REMEMBERED = 10000  # a read that no save follows (the HTTP API's GET) must not grow a dict for ever


def _remember(memory: Dict[Text, Any], key: Text, value: Any) -> None:
    """memory[key] = value, dropping the oldest entries beyond READS_REMEMBERED (memory is an OrderedDict)."""
    memory.pop(key, None)
    memory[key] = value
    while len(memory) > READS_REMEMBERED:
        memory.pop(next(iter(memory)))


def unavailable_text(text: Optional[str]) -> str:
    """The apology in the citizen's script; both languages when the message has no letters."""
    text = text or ""
    if _HANGUL.search(text):
        return UNAVAILABLE_TEXT["ko"]
    if _LATIN.search(text):
        return UNAVAILABLE_TEXT["en"]
    return f"{UNAVAILABLE_TEXT['ko']}\n{UNAVAILABLE_TEXT['en']}"


# -- the two replacements inside Rasa ----------------------------------------------------------------
_installed = False


def install() -> None:
    """Replace Agent._create_tracker_store and MessageProcessor.handle_message (once per process)."""
    global _installed
    if _installed:
        return
    import rasa
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise RuntimeError(
            f"minwon_rasa.tracker_guard was written against Rasa {SUPPORTED_RASA}x, found {rasa.__version__}: "
            "check rasa/core/agent.py and rasa/core/processor.py before upgrading"
        )

    original_create = Agent._create_tracker_store
    original_handle = MessageProcessor.handle_message

    def _create_tracker_store(store: Any, domain: Any) -> Any:
        if isinstance(store, GuardedSQLTrackerStore):
            store.domain = domain
            return store  # no FailSafeTrackerStore: a failure must reach the turn, not an in-memory copy
        return original_create(store, domain)

    Agent._create_tracker_store = staticmethod(_create_tracker_store)
    MessageProcessor.handle_message = guarded_turn(original_handle)
    metrics.count_channel_errors()
    install_logging()
    _installed = True


SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")
# Loading a model imports numpy.distutils, which sets the ROOT logger to WARNING (setuptools' distutils log is
# the root logger): our loggers get Rasa's level (LOG_LEVEL) of their own, as Rasa gives its "rasa" logger.
OWN_LOGGERS = ("minwon_rasa", "minwon_nlu")


def install_logging() -> None:
    """One format for every line of the Rasa process (MINWON_LOG_FORMAT), Sanic's own loggers included."""
    minwon_logs.setup("rasa", level=None, adopt=SANIC_LOGGERS)  # the level stays Rasa's (LOG_LEVEL)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(os.environ.get("LOG_LEVEL") or "INFO")
    try:
        from sanic.log import LOGGING_CONFIG_DEFAULTS
    except ImportError:  # pragma: no cover - Sanic comes with Rasa
        return
    # Rasa builds its Sanic app after importing this module, and Sanic then configures its loggers afresh
    # from these defaults: give them our formatter too.
    for name in LOGGING_CONFIG_DEFAULTS.get("formatters", {}):
        LOGGING_CONFIG_DEFAULTS["formatters"][name] = {"()": "minwon_logs.formatter", "service": "rasa"}


def guarded_turn(handle: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap MessageProcessor.handle_message: time the turn; if the store is down, tell the citizen."""

    async def handle_message(self: Any, message: Any) -> Optional[List[Dict[Text, Any]]]:
        channel = message.input_channel or "unknown"
        started = time.perf_counter()
        outcome = "error"
        # Every line of this turn names the conversation by its keyed hash, never by its id (a phone number).
        context = minwon_logs.bind(request_id=minwon_logs.new_request_id(),
                                   conversation_id=str(message.sender_id or ""))
        try:
            try:
                result = await handle(self, message)
            except TrackerStoreUnavailable:
                outcome = "tracker_store_unavailable"
                metrics.TURNS.labels(channel=channel, outcome=outcome).inc()
                await _tell_citizen(message)
                if isinstance(message.output_channel, CollectingOutputChannel):
                    return message.output_channel.messages
                return None
            except Exception:
                metrics.TURNS.labels(channel=channel, outcome="error").inc()
                raise
            outcome = "ok"
            metrics.TURN_SECONDS.labels(channel=channel).observe(time.perf_counter() - started)
            metrics.TURNS.labels(channel=channel, outcome=outcome).inc()
            return result
        finally:
            logger.info("turn", extra={"channel": channel, "outcome": outcome,
                                       "ms": round((time.perf_counter() - started) * 1000, 1)})
            context.reset()

    return handle_message


async def _tell_citizen(message: Any) -> None:
    if message.output_channel is None:
        return
    try:
        await message.output_channel.send_text_message(message.sender_id, unavailable_text(message.text))
    except Exception as error:  # the channel is down too: its own retry rules apply
        logger.warning("could not tell the citizen the store is down: %s", type(error).__name__)


install()
