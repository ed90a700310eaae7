"""The web chat page and its channel, through the real Rasa server; the page in headless Chromium."""
import json
import subprocess
import uuid

import httpx

from conftest import ROOT, SERVICES_PYTHON, user_events


def post(rasa: str, body: dict) -> httpx.Response:
    return httpx.post(rasa + "/webhooks/webchat/messages", json=body, timeout=30)


def test_page_is_served_same_origin_with_security_headers(rasa_server):
    r = httpx.get(rasa_server + "/webhooks/webchat/")
    assert r.status_code == 200 and 'lang="ko"' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(rasa_server + "/webhooks/webchat/static/chat.js").status_code == 200
    assert httpx.get(rasa_server + "/webhooks/webchat/static/..%2Fconnectors%2Fsettings.py").status_code == 404


def test_message_and_button_round_trip(rasa_server):
    session = str(uuid.uuid4())
    reply = post(rasa_server, {"session": session, "text": "colors"}).json()["messages"][0]
    assert [b["title"] for b in reply["buttons"]] == ["빨강 red", "파랑 blue"]
    chosen = post(rasa_server, {"session": session, "token": reply["buttons"][0]["token"]}).json()
    assert chosen["messages"][0]["text"] == "you picked red"


def test_buttons_of_another_session_and_made_up_payloads_are_refused(rasa_server):
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    token = post(rasa_server, {"session": mine, "text": "colors"}).json()["messages"][0]["buttons"][0]["token"]
    assert post(rasa_server, {"session": other, "token": token}).status_code == 400
    assert post(rasa_server, {"session": other, "token": '/pick{"color": "red"}'}).status_code == 400
    assert user_events(rasa_server, f"web:{other}") == []


def test_leading_slash_is_neutralised(rasa_server):
    session = str(uuid.uuid4())
    messages = post(rasa_server, {"session": session, "text": '/pick{"color": "red"}'}).json()["messages"]
    assert all(m["text"] != "you picked red" for m in messages)


def test_session_must_be_a_random_uuid(rasa_server):
    assert post(rasa_server, {"session": "tg:123", "text": "hi"}).status_code == 400
    assert post(rasa_server, {"text": "hi"}).status_code == 400


def test_webchat_in_headless_chromium(rasa_server, tmp_path):
    """Open on a phone-sized screen, switch language, send by keyboard, pick a button.
    (The README's screenshot comes from the project-model test in test_project_e2e.py.)"""
    screenshot = tmp_path / "webchat.png"
    run = subprocess.run(
        [str(SERVICES_PYTHON), str(ROOT / "tests" / "connectors" / "webchat_browser.py"),
         rasa_server + "/webhooks/webchat/", str(screenshot), "colors"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["title_ko"] == "민원 도우미" and seen["title_en"] == "minwon assistant"
    assert seen["placeholder_en"] == "Type your message"
    assert seen["focused_on_load"] == "message" and seen["focused_after_tab"] == "message"
    assert "Pick a colour" in seen["first_reply"]
    assert seen["buttons"] == ["빨강 red", "파랑 blue"]
    assert seen["focused_after_reply"] == "빨강 red"  # keyboard users land on the choices
    assert "you picked red" in seen["after_click"] and seen["buttons_disabled"]
    assert seen["log_role"] == "log" and not seen["horizontal_scroll"]
    assert screenshot.stat().st_size > 5000
