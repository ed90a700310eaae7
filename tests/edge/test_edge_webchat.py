"""The web chat page and its API on the edge, through the real Rasa server (the page's own files, unchanged)."""
import json
import subprocess
import uuid
from pathlib import Path

import httpx

from support import SERVICES_PYTHON, web_post


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


def test_the_unchanged_page_works_against_the_edge_in_headless_chromium(edge, tmp_path):
    """Open on a phone-sized screen, switch language, send by keyboard, pick a button (webchat/ as it is)."""
    screenshot = tmp_path / "webchat.png"
    run = subprocess.run([str(SERVICES_PYTHON), str(Path(__file__).with_name("webchat_browser.py")),
                          edge.url + "/webhooks/webchat/", str(screenshot), "colors"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["title_ko"] == "민원 도우미" and seen["title_en"] == "minwon assistant"
    assert seen["focused_on_load"] == "message" and seen["focused_after_tab"] == "message"
    assert "Pick a colour" in seen["first_reply"]
    assert seen["buttons"] == ["빨강 red", "파랑 blue"]
    assert seen["focused_after_reply"] == "빨강 red"  # keyboard users land on the choices
    assert "you picked red" in seen["after_click"] and seen["buttons_disabled"]
    assert seen["log_role"] == "log" and not seen["horizontal_scroll"]
    assert screenshot.stat().st_size > 5000


def test_the_phone_simulator_sends_sms_to_the_edge(edge, standins, phone):
    """The stand-ins' simulator (RASA_URL pointed at the edge) signs and posts as Twilio would."""
    r = httpx.post(standins + "/simulator/sms/send", json={"from": phone, "body": "count 3"}, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == 200 and "count 3" in json.dumps(r.json())


def test_a_session_id_is_no_credential_without_the_browser_that_started_it(edge):
    session, url = str(uuid.uuid4()), edge.url + "/webhooks/webchat/"
    with httpx.Client(timeout=40) as browser:
        first = browser.post(url + "messages", json={"session": session, "text": "hello"})
        assert first.status_code == 200
        header = first.headers["set-cookie"].lower()
        assert "httponly" in header and "samesite=strict" in header and "path=/webhooks/webchat" in header
        assert len(browser.cookies["minwon_webchat"]) == 43
        # someone who saw the id (in an agent's queue, over a shoulder) without the cookie: refused
        stranger = httpx.post(url + "messages", json={"session": session, "text": "list my cases"})
        assert stranger.status_code == 403 and stranger.json()["code"] == "not_your_session"
        assert httpx.post(url + "poll", json={"session": session}).status_code == 403
        forged = httpx.post(url + "poll", json={"session": session}, cookies={"minwon_webchat": "A" * 43})
        assert forged.status_code == 403
        # the browser that started it goes on, and is not given a new cookie
        again = browser.post(url + "messages", json={"session": session, "text": "hello"})
        assert again.status_code == 200 and "set-cookie" not in again.headers
