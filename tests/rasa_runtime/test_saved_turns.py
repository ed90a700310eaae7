"""The one "already applied?" check (minwon_rasa/saved_turns.py) answers the same from Rasa's in-memory store and
from our guarded SQL store (rows, not trackers): which turn a message id was, what it said, what it changed."""
from __future__ import annotations

import uuid

import psycopg2
import pytest
import pytest_asyncio
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from minwon_rasa.saved_turns import SavedTurn, saved_turn, turn_just_saved
from minwon_rasa.tracker_guard import GuardedSQLTrackerStore

pytestmark = pytest.mark.asyncio

SENDER = "sms:+821055501234"
DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]},
                                     "handoff_id": {"type": "text", "mappings": [{"type": "custom"}]}}})
BUTTONS = [{"title": "네", "payload": "/affirm"}]


def conversation() -> list:
    listen = ActionExecuted("action_listen")
    return [
        listen, UserUttered("hello", {"name": "greet"}, message_id="SM1"),
        SlotSet("language", "en"), ActionExecuted("utter_greet"),
        BotUttered("Hello!\n\nHow can I help?", {"buttons": BUTTONS}, {"utter_action": "utter_greet"}), listen,
        # an agent's line between turns is no reply of any turn
        BotUttered("agent here", {}, {"agent": "kim"}),
        UserUttered("a person please", {"name": "request_human"}, message_id="SM12"),
        ActionExecuted("action_handoff"), BotUttered("You are number 1 in the queue."),
        SlotSet("handoff_id", "HO-0000000000AB"), ConversationPaused(),
        # while paused, a turn is the user event alone
        UserUttered("still there?", message_id="tg_9"),
        UserUttered("한국어로요", message_id="SM3"), SlotSet("language", "ko"), BotUttered("네"), listen,
    ]


def drop_database(name: str) -> None:
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.close()


@pytest_asyncio.fixture(params=["memory", "sqlite", "postgresql"])
async def store(request, tmp_path):
    database = f"test_saved_turns_{uuid.uuid4().hex[:10]}"
    if request.param == "memory":
        chosen = InMemoryTrackerStore(DOMAIN)
    elif request.param == "sqlite":
        chosen = GuardedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.sqlite3"))
    else:  # LIKE is case-sensitive here, not on SQLite
        chosen = GuardedSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host="127.0.0.1", port=5432,
                                        db=database, username="postgres", login_db="postgres")
    await chosen.save(DialogueStateTracker.from_events(SENDER, conversation(), DOMAIN.slots))
    yield chosen
    if request.param == "postgresql":
        chosen.engine.dispose()
        drop_database(database)


async def test_a_saved_turn_is_found_by_its_message_id_with_its_replies_and_changes(store):
    first = await saved_turn(store, SENDER, "SM1")
    assert first == SavedTurn(replies=[{"text": "Hello!\n\nHow can I help?", "buttons": BUTTONS}], paused=False,
                              handoff_started=False, language="ko")  # the language slot as last saved
    handoff = await saved_turn(store, SENDER, "SM12")
    assert handoff.replies == [{"text": "You are number 1 in the queue."}]
    assert handoff.paused and handoff.handoff_started
    assert (await saved_turn(store, SENDER, "tg_9")).replies == []
    assert (await saved_turn(store, SENDER, "SM3")).replies == [{"text": "네"}]


async def test_an_id_that_only_contains_or_pattern_matches_a_saved_one_is_not_saved(store):
    # "SM" is inside "SM1" and "SM12"; "tg%9" and "tgx9" would match "tg_9" as LIKE patterns
    for message_id in ("SM", "SM2", "M1", "sm1", "tg%9", "tgx9", "tg_", '"SM1"'):
        assert await saved_turn(store, SENDER, message_id) is None, message_id
    assert await saved_turn(store, "sms:+821099999999", "SM1") is None  # another conversation's id


async def test_an_unreachable_sql_store_raises_instead_of_answering_not_saved(tmp_path):
    store = GuardedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.sqlite3"))
    await store.save(DialogueStateTracker.from_events(SENDER, conversation(), DOMAIN.slots))
    (tmp_path / "tracker.sqlite3").unlink()
    (tmp_path / "tracker.sqlite3").mkdir()  # the file is gone and cannot be created again
    store.engine.dispose()
    with pytest.raises(Exception):
        await saved_turn(store, SENDER, "SM1")


async def test_right_after_a_save_the_kept_tracker_answers_as_the_rows_do(store):
    # The internal channel reads a turn it just ran from the tracker the store kept (no query); same answer.
    for message_id in ("SM1", "SM12", "tg_9", "SM3", "SM2", "tg%9"):
        assert await turn_just_saved(store, SENDER, message_id) == await saved_turn(store, SENDER, message_id)
    if isinstance(store, GuardedSQLTrackerStore):
        assert store.saved_tracker(SENDER) is not None  # the fast path was the one taken


async def test_a_kept_tracker_without_the_language_slot_is_answered_from_the_rows(tmp_path):
    # A new session without carried-over slots: only the earlier session's rows hold the language.
    store = GuardedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.sqlite3"))
    await store.save(DialogueStateTracker.from_events(SENDER, conversation()[:6], DOMAIN.slots))
    tracker = await store.retrieve(SENDER)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(SENDER)  # from the new session's start
    tracker.update(UserUttered("again", message_id="SM9"))
    await store.save(tracker)
    assert store.saved_tracker(SENDER) is not None
    assert (await turn_just_saved(store, SENDER, "SM9")).language == "en"
