"""Every line the Rasa server writes during a turn names the turn and the conversation by its keyed hash, never
the conversation id (on SMS, the citizen's phone number); Sanic's own lines come out in the same format."""
import copy
import io
import json
import logging
import logging.config

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from minwon_logs import conversation_ref
from minwon_logs.testing import TEST_SALT, capture
from minwon_rasa.tracker_guard import TrackerStoreUnavailable, guarded_turn

pytestmark = pytest.mark.asyncio

PHONE_ID = "sms:+821055507391"


async def test_a_turn_logs_its_lines_with_a_turn_id_and_the_hashed_conversation():
    async def rasa_turn(processor, message):
        logging.getLogger("rasa.core.processor").info("predicted next action")
        return []

    turn = guarded_turn(rasa_turn)
    with capture("rasa") as logs:
        await turn(None, UserMessage("count 7", CollectingOutputChannel(), PHONE_ID, input_channel="twilio"))
        await turn(None, UserMessage("hello", CollectingOutputChannel(), "tg:42", input_channel="telegram"))
        logging.getLogger("rasa.core.agent").info("between turns")
    lines = logs.lines()
    inner, ended, second_inner, second_ended, between = lines
    assert inner["msg"] == "predicted next action" and inner["service"] == "rasa"
    assert inner["conversation"] == ended["conversation"] == conversation_ref(PHONE_ID, TEST_SALT)
    assert inner["request_id"] and inner["request_id"] == ended["request_id"] != second_ended["request_id"]
    assert (ended["msg"], ended["channel"], ended["outcome"]) == ("turn", "twilio", "ok")
    assert second_inner["conversation"] == conversation_ref("tg:42", TEST_SALT)
    assert between["conversation"] is None and between["request_id"] is None  # the context ends with the turn
    assert "1055507391" not in logs.text() and "+82" not in logs.text()


async def test_a_turn_without_its_store_is_logged_with_that_outcome():
    async def rasa_turn(processor, message):
        raise TrackerStoreUnavailable("tracker store retrieve failed")

    with capture("rasa") as logs:
        await guarded_turn(rasa_turn)(None, UserMessage("hello", CollectingOutputChannel(), PHONE_ID,
                                                        input_channel="twilio"))
    (ended,) = [line for line in logs.lines() if line["msg"] == "turn"]
    assert ended["outcome"] == "tracker_store_unavailable"
    assert ended["conversation"] == conversation_ref(PHONE_ID, TEST_SALT)


async def test_sanic_configures_its_loggers_with_our_format(monkeypatch):
    """Rasa builds its Sanic app after importing the guard; Sanic then sets up its loggers from its defaults."""
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    monkeypatch.setenv("MINWON_LOG_FORMAT", "json")
    config = copy.deepcopy({k: v for k, v in LOGGING_CONFIG_DEFAULTS.items() if k != "handlers"})
    buffer = io.StringIO()
    config["handlers"] = {name: {**handler, "stream": buffer}
                          for name, handler in LOGGING_CONFIG_DEFAULTS["handlers"].items()}
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level)
             for name in ("sanic.root", "sanic.error", "sanic.access")}
    try:
        logging.config.dictConfig(config)
        logging.getLogger("sanic.error").error("Exception occurred while handling uri")
        logging.getLogger("sanic.root").info("Goin' Fast")
    finally:
        for name, (handlers, level) in saved.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).setLevel(level)
    lines = [json.loads(raw) for raw in buffer.getvalue().splitlines()]
    assert [line["msg"] for line in lines] == ["Exception occurred while handling uri", "Goin' Fast"]
    assert all(line["service"] == "rasa" for line in lines)
