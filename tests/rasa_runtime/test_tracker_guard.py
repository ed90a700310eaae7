"""The guarded tracker store keeps conversations in PostgreSQL and, when it cannot, says so instead of forgetting."""
import uuid
from pathlib import Path

import psycopg2
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ConversationPaused, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from minwon_rasa import metrics
from minwon_rasa.tracker_guard import GuardedSQLTrackerStore, TrackerStoreUnavailable, guarded_turn, unavailable_text
from tcp_cut import CuttableProxy

pytestmark = pytest.mark.asyncio

PG_HOST, PG_PORT = "127.0.0.1", 5432
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database():
    """A database of its own, dropped afterwards (the store creates it through login_db)."""
    name = f"test_tracker_{uuid.uuid4().hex[:10]}"
    yield name
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.close()


@pytest.fixture
def proxy():
    p = CuttableProxy(PG_HOST, PG_PORT)
    yield p
    p.close()


def guarded_store(database: str, port: int) -> GuardedSQLTrackerStore:
    return GuardedSQLTrackerStore(
        domain=Domain.empty(), dialect="postgresql", host=PG_HOST, port=port, db=database,
        username="postgres", login_db="postgres", query={"connect_timeout": "2"}, ping_timeout=3,
    )


def a_turn(sender: str, text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 0.9}))
    tracker.update(ActionExecuted("utter_greet"))
    return tracker


async def test_a_conversation_survives_in_its_own_postgres_database(database):
    store = guarded_store(database, PG_PORT)
    await store.save(a_turn("tg:1", "hello"))
    again = guarded_store(database, PG_PORT)  # another Rasa instance
    tracker = await again.retrieve("tg:1")
    assert tracker is not None and tracker.latest_message.text == "hello"


async def test_an_unreachable_database_raises_instead_of_starting_a_new_conversation(database, proxy):
    store = guarded_store(database, proxy.port)
    await store.save(a_turn("tg:2", "hello"))
    proxy.cut()
    with pytest.raises(TrackerStoreUnavailable):
        await store.retrieve("tg:2")
    with pytest.raises(TrackerStoreUnavailable):
        await store.save(a_turn("tg:2", "again"))
    assert not store.healthy
    assert await store.ping() is False
    proxy.restore()
    assert await store.ping() is True
    tracker = await store.retrieve("tg:2")
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hello"]  # nothing half-written


async def test_rasa_keeps_the_guarded_store_unwrapped_and_wraps_others(database):
    store = guarded_store(database, PG_PORT)
    assert Agent._create_tracker_store(store, Domain.empty()) is store
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    assert isinstance(Agent._create_tracker_store(InMemoryTrackerStore(Domain.empty()), Domain.empty()),
                      FailSafeTrackerStore)


async def test_the_citizen_is_told_in_their_language_when_the_store_is_down(database, proxy):
    store = guarded_store(database, proxy.port)
    proxy.cut()

    async def rasa_turn(processor, message):  # the first thing Rasa's turn does: read the tracker
        return await store.get_or_create_tracker(message.sender_id)

    turn = guarded_turn(rasa_turn)
    unavailable = metrics.TURNS.labels(channel="twilio", outcome="tracker_store_unavailable")
    for text, expected in [("안녕하세요", "지금은 대화를 이어갈 수 없습니다"), ("hello", "We cannot keep your conversation")]:
        before = unavailable._value.get()
        message = UserMessage(text, CollectingOutputChannel(), "sms:+821000000000", input_channel="twilio")
        replies = await turn(None, message)
        assert len(replies) == 1 and expected in replies[0]["text"]
        assert unavailable._value.get() == before + 1


async def test_rasa_turns_go_through_the_guard():
    assert MessageProcessor.handle_message.__qualname__.startswith("guarded_turn")


async def test_each_turn_counts_its_intent_fallback_and_handoff_once(database):
    store = guarded_store(database, PG_PORT)
    sender = f"web:{uuid.uuid4()}"
    await store.get_or_create_tracker(sender)
    tracker = await store.retrieve(sender)
    tracker.update(UserUttered("asdf", intent={"name": "nlu_fallback", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_nlu_fallback"))
    tracker.update(ConversationPaused())
    intents = metrics.INTENTS.labels(intent="nlu_fallback")._value.get()
    handoffs = metrics.HANDOFFS._value.get()
    await store.save(tracker)
    await store.save(tracker)  # a save outside a turn counts nothing
    assert metrics.INTENTS.labels(intent="nlu_fallback")._value.get() == intents + 1
    assert metrics.HANDOFFS._value.get() == handoffs + 1


def test_the_apology_follows_the_script_of_the_message():
    assert unavailable_text("주소 바꾸고 싶어요").startswith("지금은")
    assert unavailable_text("pay my fine").startswith("We cannot")
    both = unavailable_text("123456")
    assert "지금은" in both and "We cannot" in both


async def test_turns_saved_by_two_instances_in_turn_keep_every_event_once_and_in_order(database):
    """Each save adds only the new events, whether this instance read the conversation just before (no count
    query) or not (Rasa's count), and whichever instance wrote last."""
    one, two = guarded_store(database, PG_PORT), guarded_store(database, PG_PORT)
    sender = f"tg:{uuid.uuid4().int % 10**9}"
    await one.save(a_turn(sender, "first"))  # saved without a read before
    for store, text in ((two, "second"), (one, "third"), (one, "fourth"), (two, "fifth")):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 0.9}))
        tracker.update(ActionExecuted("utter_greet"))
        await store.save(tracker)
    stored = await guarded_store(database, PG_PORT).retrieve(sender)
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["first", "second", "third", "fourth",
                                                                                "fifth"]
    assert sum(isinstance(e, ActionExecuted) for e in stored.events) == 5


def user_texts(tracker: DialogueStateTracker) -> list:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_a_kept_tracker_catches_up_with_turns_another_instance_saved(database):
    """The next turn starts from the tracker this instance saved, plus what was stored after it: the same
    conversation a fresh read gives, in the same order."""
    one, two = guarded_store(database, PG_PORT), guarded_store(database, PG_PORT)
    sender = f"sms:+8210{uuid.uuid4().int % 10**8:08d}"
    await one.get_or_create_tracker(sender)
    for store, text in ((one, "first"), (one, "second"), (two, "third"), (two, "fourth"), (one, "fifth")):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, intent={"name": "greet", "confidence": 0.9}))
        tracker.update(ActionExecuted("utter_greet"))
        await store.save(tracker)
    kept = await one.retrieve(sender)
    fresh = await guarded_store(database, PG_PORT).retrieve(sender)
    assert user_texts(kept) == user_texts(fresh) == ["first", "second", "third", "fourth", "fifth"]
    assert [e.as_dict() for e in kept.events] == [e.as_dict() for e in fresh.events]


async def test_a_turn_that_failed_before_saving_leaves_nothing_behind(database):
    store = guarded_store(database, PG_PORT)
    sender = f"tg:{uuid.uuid4().int % 10**9}"
    await store.save(a_turn(sender, "hello"))
    tracker = await store.retrieve(sender)
    tracker.update(UserUttered("never saved", intent={"name": "greet", "confidence": 0.9}))  # the turn fails here
    again = await store.retrieve(sender)
    assert user_texts(again) == ["hello"]


async def test_a_session_started_elsewhere_is_read_as_rasa_reads_it(database):
    """After a new session (started by another instance) a tracker holds that session only, as Rasa's own
    read gives it, not the kept tracker with the old session."""
    one, two = guarded_store(database, PG_PORT), guarded_store(database, PG_PORT)
    sender = f"web:{uuid.uuid4()}"
    await one.save(a_turn(sender, "old session"))
    tracker = await two.retrieve(sender)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  UserUttered("new session", intent={"name": "greet", "confidence": 0.9})):
        tracker.update(event)
    await two.save(tracker)
    assert user_texts(await one.retrieve(sender)) == ["new session"]


async def test_a_new_model_does_not_get_trackers_built_with_the_old_domain(database):
    store = guarded_store(database, PG_PORT)
    sender = f"tg:{uuid.uuid4().int % 10**9}"
    await store.save(a_turn(sender, "hello"))
    kept = await store.retrieve(sender)
    await store.save(kept)
    store.domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})
    again = await store.retrieve(sender)
    assert again is not kept and "language" in again.slots


async def test_make_runs_sqlite_store_keeps_a_conversation_across_a_restart(tmp_path):
    """endpoints.local.yml (make run): the guarded store on a SQLite file, read again by a new process."""
    import yaml

    config = yaml.safe_load((ROOT / "endpoints.local.yml").read_text())["tracker_store"]
    assert config["type"] == "minwon_rasa.tracker_guard.GuardedSQLTrackerStore" and config["dialect"] == "sqlite"
    db = str(tmp_path / "tracker.sqlite3")

    def sqlite_store() -> GuardedSQLTrackerStore:
        return GuardedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=db)

    first = sqlite_store()
    sender = "web:restart"
    await first.save(a_turn(sender, "hello"))
    tracker = await first.retrieve(sender)
    tracker.update(UserUttered("again", intent={"name": "greet", "confidence": 0.9}))
    await first.save(tracker)
    assert user_texts(await sqlite_store().retrieve(sender)) == ["hello", "again"]  # the restarted process
    assert await sqlite_store().ping() is True
