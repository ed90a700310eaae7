"""minwon_logs: the line format every service writes, and the conversation reference that replaces the id."""
import logging

import pytest

import minwon_logs
from minwon_logs import LogSettings, LogSettingsError, conversation_ref
from minwon_logs.testing import capture

SALT = "test-log-salt-0123456789"
PHONE_ID = "sms:+821055507391"


def test_a_json_line_names_service_request_and_conversation_never_the_phone():
    with capture("notifier", salt=SALT) as logs:
        with minwon_logs.bind(request_id="rid-42", conversation_id=PHONE_ID):
            logging.getLogger("minwon.notifier").info("sent", extra={"channel": "sms"})
    (line,) = logs.lines()
    assert line["service"] == "notifier" and line["logger"] == "minwon.notifier" and line["level"] == "info"
    assert line["msg"] == "sent" and line["channel"] == "sms" and line["ts"].endswith("Z")
    assert line["request_id"] == "rid-42"
    assert line["conversation"] == conversation_ref(PHONE_ID, SALT)
    assert "1055507391" not in logs.text() and "+82" not in logs.text()


def test_outside_a_request_the_line_says_so_and_the_context_is_put_back():
    with capture("demo") as logs:
        with minwon_logs.bind(request_id="inner"):
            pass
        logging.getLogger("demo").warning("idle")
    (line,) = logs.lines()
    assert line["request_id"] is None and line["conversation"] is None


def test_text_format_is_the_human_line_with_the_context_at_the_end():
    with capture("console", fmt="text") as logs:
        with minwon_logs.bind(request_id="rid-7", conversation_id="tg:123456789"):
            logging.getLogger("minwon.console").info("claimed", extra={"queue": "ko:payments"})
    text = logs.text().strip()
    assert " minwon.console INFO claimed queue=ko:payments request_id=rid-7 conversation=tg:" in text
    assert "123456789" not in text


def test_a_reference_keeps_the_channel_and_hides_the_id():
    ref = conversation_ref(PHONE_ID, SALT)
    assert ref.startswith("sms:") and len(ref) == len("sms:") + 12
    assert minwon_logs.valid_conversation_ref(ref)
    assert ref == conversation_ref(PHONE_ID, SALT)  # the same conversation is followed across services
    assert ref != conversation_ref("sms:+821055507392", SALT)
    assert ref != conversation_ref(PHONE_ID, "another-salt-0123456789")  # not guessable without the salt
    assert not any(digits in ref for digits in ("5507391", "1055", "821"))
    assert conversation_ref("default", SALT).startswith("conv:")
    assert conversation_ref("+8210:x", SALT).startswith("conv:")  # a prefix with digits is not kept


def test_only_a_hashed_reference_is_taken_from_a_caller():
    assert not minwon_logs.valid_conversation_ref(PHONE_ID)
    assert not minwon_logs.valid_conversation_ref("sms:01055507391")
    with minwon_logs.bind(conversation=PHONE_ID):
        assert minwon_logs.current_conversation() is None
        assert minwon_logs.outgoing_headers() == {}
    with minwon_logs.bind(request_id="rid-1", conversation_id=PHONE_ID):
        headers = minwon_logs.outgoing_headers()
    assert headers["X-Request-Id"] == "rid-1"
    assert minwon_logs.valid_conversation_ref(headers["X-Conversation-Ref"])


def test_production_logs_json_and_refuses_a_missing_or_development_salt():
    assert LogSettings.from_env({}).format == "text"
    assert LogSettings.from_env({"MINWON_LOG_FORMAT": "json"}).format == "json"
    for env in ({"MINWON_ENV": "production"}, {"MINWON_ENV": "production", "MINWON_LOG_SALT": "dev-log-salt"},
                {"MINWON_ENV": "production", "MINWON_LOG_SALT": "short"}):
        with pytest.raises(LogSettingsError, match="MINWON_LOG_SALT"):
            LogSettings.from_env(env)
    settings = LogSettings.from_env({"MINWON_ENV": "production", "MINWON_LOG_SALT": SALT})
    assert settings.format == "json" and settings.salt == SALT
    with pytest.raises(LogSettingsError, match="MINWON_LOG_FORMAT"):
        LogSettings.from_env({"MINWON_LOG_FORMAT": "xml"})
