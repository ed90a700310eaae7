"""The web chat page and its API on the edge, through the real Rasa server (the page's own files, unchanged)."""
import uuid

import httpx

from support import web_post


def test_page_is_served_same_origin_with_security_headers(edge):
    r = httpx.get(edge.url + "/webhooks/webchat/")
    assert r.status_code == 200 and 'lang="ko"' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(edge.url + "/webhooks/webchat/static/chat.js").status_code == 200
    assert httpx.get(edge.url + "/webhooks/webchat/static/..%2Fedge%2Fsettings.py").status_code == 404
    assert httpx.get(edge.url + "/webhooks/webchat/static/index.html").status_code == 404
    moved = httpx.get(edge.url + "/webhooks/webchat")
    assert moved.status_code == 302 and moved.headers["location"] == "/webhooks/webchat/"


def test_message_and_button_round_trip(edge, rasa):
    session = str(uuid.uuid4())
    reply = web_post(edge.url, {"session": session, "text": "colors"}).json()["messages"][0]
    assert [b["title"] for b in reply["buttons"]] == ["빨강 red", "파랑 blue"]
    chosen = web_post(edge.url, {"session": session, "token": reply["buttons"][0]["token"]}).json()
    assert chosen["messages"][0]["text"] == "you picked red"
    events = rasa.user_events(f"web:{session}")
    assert [e["metadata"].get("input") for e in events] == [None, "button"]
    assert all(e["message_id"].startswith("web:") for e in events)


def test_buttons_of_another_session_and_made_up_payloads_are_refused(edge, rasa):
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    token = web_post(edge.url, {"session": mine, "text": "colors"}).json()["messages"][0]["buttons"][0]["token"]
    assert web_post(edge.url, {"session": other, "token": token}).status_code == 400
    assert web_post(edge.url, {"session": other, "token": '/pick{"color": "red"}'}).status_code == 400
    assert rasa.user_events(f"web:{other}") == []


def test_leading_slash_is_neutralised(edge):
    session = str(uuid.uuid4())
    messages = web_post(edge.url, {"session": session, "text": '/pick{"color": "red"}'}).json()["messages"]
    assert messages and all(m["text"] != "you picked red" for m in messages)


def test_session_must_be_a_random_uuid(edge):
    assert web_post(edge.url, {"session": "tg:123", "text": "hi"}).status_code == 400
    assert web_post(edge.url, {"text": "hi"}).status_code == 400


def test_messages_of_one_session_are_answered_in_order(edge):
    session = str(uuid.uuid4())
    for n in range(5):
        assert web_post(edge.url, {"session": session, "text": f"count {n}"}).json()["messages"][0]["text"] == f"count {n}"
