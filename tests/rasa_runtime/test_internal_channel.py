"""The internal turn channel (minwon_rasa/internal_channel.py) through a real Rasa server, and what else that
server answers: with `rest` gone nothing lets a caller without a token speak as a conversation.

Decided here: a message id sent again answers `already_applied: true` with the replies its saved turn had (the
caller may have lost the first answer), and never runs the turn again, also when both arrive at once.
"""
from __future__ import annotations

import concurrent.futures
import json
import uuid
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from rasa_server import REDIS_URL, RasaServer, post_turn, start_rasa, throwaway_bot_model, web_conversation

GREETING = [{"text": "hello from the throwaway bot"}]


@pytest.fixture(scope="module")
def rasa(tmp_path_factory) -> Iterator[RasaServer]:
    model = throwaway_bot_model(tmp_path_factory.mktemp("train"))
    server = start_rasa(model, tmp_path_factory.mktemp("rasa"), REDIS_URL, f"test{uuid.uuid4().hex[:12]}")
    try:
        yield server
    finally:
        server.stop()
        assert server.turn_token not in server.log.read_text(), "the channel's token reached the log"


def turn(conversation: str, text: str, message_id: str = "", **extra) -> dict:
    return {"conversation_id": conversation, "message_id": message_id or uuid.uuid4().hex, "text": text, **extra}


# -- who may run a turn --------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "wrong", "api"], ids=["no token", "wrong", "rasa api token"])
def test_a_turn_without_the_channels_token_is_refused_and_runs_nothing(rasa, token):
    conversation = web_conversation()
    given = rasa.api_token if token == "api" else token
    r = post_turn(rasa.url, given, turn(conversation, "hello"))
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert rasa.user_events(conversation) == []


def test_a_token_in_another_scheme_or_with_stray_bytes_is_refused(rasa):
    body = json.dumps(turn(web_conversation(), "hello")).encode()
    for header in ("Bearer", rasa.turn_token, f"Basic {rasa.turn_token}", f"Bearer  {rasa.turn_token}",
                   f"Bearer {rasa.turn_token}x", f"Bearer {rasa.turn_token[:-1]}"):
        r = httpx.post(rasa.url + "/webhooks/internal/turn", content=body, timeout=30,
                       headers={"Authorization": header, "Content-Type": "application/json"})
        assert r.status_code == 401, header
    raw = httpx.post(rasa.url + "/webhooks/internal/turn", content=body, timeout=30,
                     headers=[(b"Authorization", b"Bearer \xff\xfe"), (b"Content-Type", b"application/json")])
    assert raw.status_code == 401 and raw.json()["code"] == "unauthorized"


# -- one turn, once --------------------------------------------------------------------------------------------
def test_a_turn_answers_the_bots_replies_and_what_the_edge_needs(rasa):
    conversation = web_conversation()
    r = post_turn(rasa.url, rasa.turn_token, turn(conversation, "hello", "web-1"))
    assert r.status_code == 200, r.text
    assert r.json() == {"conversation_id": conversation, "message_id": "web-1", "already_applied": False,
                        "saved": True, "replies": GREETING, "language": None, "handoff_started": False,
                        "paused": False}
    colours = post_turn(rasa.url, rasa.turn_token, turn(conversation, "colors")).json()
    assert colours["replies"] == [{"text": "Pick a colour / 색을 고르세요", "buttons": [
        {"title": "빨강 red", "payload": '/pick{"color": "red"}'},
        {"title": "파랑 blue", "payload": '/pick{"color": "blue"}'}]}]
    (event,) = [e for e in rasa.user_events(conversation) if e["message_id"] == "web-1"]
    assert event["input_channel"] == "web" and event["metadata"]["channel"] == "web"


def test_a_message_id_sent_again_is_not_run_again_and_answers_the_saved_replies(rasa):
    conversation = web_conversation()
    first = post_turn(rasa.url, rasa.turn_token, turn(conversation, "hello", "tg:1001")).json()
    again = post_turn(rasa.url, rasa.turn_token, turn(conversation, "count 7", "tg:1001")).json()
    assert first["already_applied"] is False and again["already_applied"] is True
    assert again["replies"] == first["replies"] == GREETING, "the saved turn's replies, not a new turn's"
    assert [e["text"] for e in rasa.user_events(conversation)] == ["hello"]
    # an id that merely contains the first one (or matches it as a LIKE pattern) is another message
    for other in ("tg:10011", "tg_1001"):
        assert post_turn(rasa.url, rasa.turn_token, turn(conversation, "hello", other)).json()["already_applied"] is False
    assert len(rasa.user_events(conversation)) == 3


def test_the_same_message_id_sent_twice_at_once_runs_once(rasa):
    conversation = web_conversation()
    body = turn(conversation, "count 7", "SM" + uuid.uuid4().hex)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = [f.result().json() for f in [pool.submit(post_turn, rasa.url, rasa.turn_token, body)
                                                for _ in range(4)]]
    assert sorted(a["already_applied"] for a in answers) == [False, True, True, True]
    assert all(a["replies"] == [{"text": "count 7"}] for a in answers)
    assert len(rasa.user_events(conversation)) == 1


# -- what reaches Rasa ----------------------------------------------------------------------------------------
def test_a_command_typed_as_text_reaches_rasa_as_words_and_a_payload_as_a_command(rasa):
    conversation = web_conversation()
    typed = post_turn(rasa.url, rasa.turn_token, turn(conversation, "/greet", "typed"))
    assert typed.status_code == 200
    pressed = post_turn(rasa.url, rasa.turn_token, {"conversation_id": conversation, "message_id": "pressed",
                                                    "payload": '/count{"number": "42"}',
                                                    "metadata": {"input": "button"}})
    assert pressed.json()["replies"] == [{"text": "count 42"}]
    events = {e["message_id"]: e for e in rasa.user_events(conversation)}
    # typed: the slash is gone and the NLU read the words (a command gets one intent at confidence 1.0)
    assert events["typed"]["text"] == "greet"
    assert len(events["typed"]["parse_data"]["intent_ranking"]) > 1
    assert events["pressed"]["text"] == '/count{"number": "42"}'
    assert events["pressed"]["parse_data"]["intent_ranking"] == [{"name": "count", "confidence": 1.0}]
    assert {"input": "button", "channel": "web"}.items() <= events["pressed"]["metadata"].items()


LONG_TEXT = "가" * 4097
DEEP = {"conversation_id": "web:00000000-0000-4000-8000-000000000000", "message_id": "deep", "text": "hi",
        "metadata": json.loads("[" * 50 + "]" * 50)}


@pytest.mark.parametrize("body, word", [
    (b"{", "JSON"),
    (b"\xff\xfe{}", "UTF-8"),
    (b"[]", "object"),
    (b'"hello"', "object"),
    ({"message_id": "m", "text": "hi"}, "conversation_id"),
    ({"conversation_id": "rest:1", "message_id": "m", "text": "hi"}, "conversation_id"),
    ({"conversation_id": "tg:../../model", "message_id": "m", "text": "hi"}, "conversation_id"),
    ({"conversation_id": "web:not-a-uuid", "message_id": "m", "text": "hi"}, "conversation_id"),
    ({"conversation_id": "sms:01012345678", "message_id": "m", "text": "hi"}, "conversation_id"),
    ({"conversation_id": "tg:42", "text": "hi"}, "message_id"),
    ({"conversation_id": "tg:42", "message_id": "m" * 129, "text": "hi"}, "message_id"),
    ({"conversation_id": "tg:42", "message_id": "a b", "text": "hi"}, "message_id"),
    ({"conversation_id": "tg:42", "message_id": "m"}, "either"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": "hi", "payload": "/greet"}, "either"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": " // "}, "empty"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": LONG_TEXT}, "4096"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": 7}, "text"),
    ({"conversation_id": "tg:42", "message_id": "m", "payload": "greet"}, "payload"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": "hi", "metadata": ["channel"]}, "metadata"),
    ({"conversation_id": "tg:42", "message_id": "m", "text": "hi", "sender": "tg:1"}, "sender"),
    (b'{"conversation_id": "tg:42", "message_id": "m", "text": "\\ud800 hi"}', "surrogate"),
    (b'{"conversation_id": "tg:42", "message_id": "m", "text": "hi", "metadata": {"\\udfff": 1}}', "surrogate"),
    (DEEP, "deeper"),
    (b'{"metadata": ' + b"[" * 100000 + b"]" * 100000 + b"}", "JSON"),
])
def test_a_malformed_body_is_a_400_that_names_the_field_and_runs_nothing(rasa, body, word):
    r = post_turn(rasa.url, rasa.turn_token, body)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "invalid" and word in r.json()["message"]
    assert rasa.user_events("tg:42") == []


def test_an_oversized_body_or_another_method_is_a_4xx_json_answer(rasa):
    big = post_turn(rasa.url, rasa.turn_token, b'{"text": "' + b"a" * (8 * 1024 * 1024) + b'"}')
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    for method in ("GET", "PUT", "DELETE"):
        r = httpx.request(method, rasa.url + "/webhooks/internal/turn", timeout=30)
        assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


# -- nothing else answers without a token ------------------------------------------------------------------
def test_the_rest_channel_is_gone(rasa):
    r = httpx.post(rasa.url + "/webhooks/rest/webhook", json={"sender": "tg:42", "message": "hello"}, timeout=30)
    assert r.status_code == 404
    assert rasa.user_events("tg:42") == []


# Every route a Rasa server of ours has, by who may use it. A route that is in none of these fails the test.
OPEN_BY_RASA = {"hello", "version"}  # registered by Rasa unconditionally; they say only Rasa's version
PROBES = {"minwon_ops.live", "minwon_ops.ready", "minwon_ops.prometheus"}  # load balancer, Kubernetes, Prometheus
INTERNAL_TURN = {"minwon_internal.turn", "minwon_internal.other_methods"}  # bearer INTERNAL_CHANNEL_TOKEN
# The public channels' paths: the edge serves them now (issue #18); Rasa must not answer any of them.
PUBLIC_PATHS = ["/webhooks/telegram/webhook", "/webhooks/twilio/webhook", "/webhooks/twilio/status",
                "/webhooks/webchat/", "/webhooks/webchat/messages", "/webhooks/webchat/poll", "/s/abcdef",
                "/webhooks/telegram/outbound", "/webhooks/twilio/outbound", "/webhooks/webchat/outbound",
                "/internal/replies", "/webhooks/rest/webhook"]
EXAMPLE_PARAMS = {"conversation_id": "tg:42", "code": "abcdef", "name": "chat.js"}


def routes_of(credentials: str) -> list:
    """(name, method, path) of every route of a Rasa server with these channels and the API on, as `rasa run`
    builds it (without starting it)."""
    import re

    from rasa.core import run
    from sanic import Sanic

    Sanic.test_mode = True  # several apps named rasa_server in one process
    root = Path(__file__).resolve().parents[2]
    app = run.configure_app(run.create_http_input_channels(None, str(root / credentials)), enable_api=True,
                            auth_token="a-token")
    found = []
    for route in app.router.routes:
        path = "/" + re.sub(r"<(\w+):\w+>", lambda m: EXAMPLE_PARAMS[m.group(1)], route.path)
        name = route.name.removeprefix("rasa_server.")
        found += [(name, method, path) for method in sorted(route.methods)]
    return found


def kind_of(name: str) -> str:
    for kind, names in (("open", OPEN_BY_RASA), ("probe", PROBES), ("internal turn", INTERNAL_TURN)):
        if name in names:
            return kind
    return "rasa api" if "." not in name else "unknown"


def test_every_route_of_the_production_server_is_known_and_none_is_unknown(monkeypatch):
    monkeypatch.setenv("MINWON_ENV", "production")
    for key in ("CHANNEL_OUTBOUND_TOKEN", "INTERNAL_CHANNEL_TOKEN", "MINWON_LOG_SALT"):
        monkeypatch.setenv(key, "a-real-secret-" + uuid.uuid4().hex)
    routes = routes_of("deploy/credentials.prod.yml")
    assert [r for r in routes if kind_of(r[0]) == "unknown"] == []
    assert {name for name, _, _ in routes if kind_of(name) == "internal turn"} == INTERNAL_TURN
    assert {name for name, _, _ in routes if kind_of(name) == "probe"} == PROBES
    assert not any("rest" in path.split("/") for _, _, path in routes)


def test_rasa_answers_nothing_public_only_its_version_the_internal_turn_with_its_token_and_probes(rasa):
    """Rasa is private (issue #18): every route but the internal turn channel (its own bearer token), the ops probes
    (production credentials) and Rasa's two version routes refuses a caller without the right token, and none of
    the public channels' paths exists here any more."""
    routes = routes_of("credentials.yml")
    assert [r for r in routes if kind_of(r[0]) == "unknown"] == []
    assert {kind_of(name) for name, _, _ in routes} == {"open", "rasa api", "internal turn"}
    guarded = [(name, method, path) for name, method, path in routes
               if kind_of(name) in ("rasa api", "internal turn") and name != "minwon_internal.other_methods"]
    assert len(guarded) >= 18  # Rasa 3.6.21: 17 API routes and the turn
    for name, method, path in guarded:
        # no token, a wrong one, and each of the other tokens in the place the route takes its own
        for params, headers in (({}, {}), ({"token": "wrong"}, {"Authorization": "Bearer wrong"}),
                                ({"token": rasa.turn_token}, {}),
                                ({}, {"Authorization": f"Bearer {rasa.api_token}"})):
            r = httpx.request(method, rasa.url + path, params=params, headers=headers, timeout=30)
            assert r.status_code == 401, (name, method, path, params, headers, r.status_code)
            assert r.headers["content-type"].startswith("application/json"), (name, r.headers["content-type"])
    for path in PUBLIC_PATHS:
        for method in ("GET", "POST"):
            r = httpx.request(method, rasa.url + path, timeout=30)
            assert r.status_code == 404, (method, path, r.status_code)
    assert httpx.get(rasa.url + "/", timeout=30).text == "Hello from Rasa: 3.6.21"
    assert set(httpx.get(rasa.url + "/version", timeout=30).json()) == {"version", "minimum_compatible_version"}
    assert rasa.user_events("tg:42") == []


def test_both_credentials_files_list_the_internal_channel_and_not_rest():
    root = Path(__file__).resolve().parents[2]
    for name in ("credentials.yml", "deploy/credentials.prod.yml"):
        import yaml

        channels = set(yaml.safe_load((root / name).read_text()))
        assert "minwon_rasa.internal_channel.InternalChannel" in channels, name
        assert "rest" not in channels and "callback" not in channels, name
