"""The web chat page and its API on the edge, through the real Rasa server (the page in a browser:
test_edge_webchat_browser.py)."""
import base64
import json
import uuid

import httpx

from support import BROWSER, OUTBOUND_TOKEN, web_post


def test_page_is_served_same_origin_with_security_headers(edge):
    r = httpx.get(edge.url + "/webhooks/webchat/")
    assert r.status_code == 200 and 'lang="ko"' in r.text
    assert 'data-max-length="2000"' in r.text and "__MAX_TEXT__" not in r.text  # the server's own limit
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


def test_lines_name_their_sender_and_number_and_the_history_has_them_all(edge):
    session = str(uuid.uuid4())
    reply = web_post(edge.url, {"session": session, "text": "colors"}).json()["messages"]
    assert [(m["who"], m["n"]) for m in reply] == [("bot", 2)]  # 1 is the citizen's line
    token = reply[0]["buttons"][0]["token"]
    picked = web_post(edge.url, {"session": session, "token": token}).json()["messages"]
    assert picked[0]["text"] == "you picked red" and picked[0]["lang"] == "en"
    for kind, text in (("agent", "상담원 김하나입니다."), ("desk", "상담원이 연결되었습니다."), ("notification", "신청이 승인되었습니다.")):
        sent = httpx.post(edge.url + "/webhooks/webchat/outbound", json={"conversation_id": f"web:{session}",
                          "text": text, "kind": kind}, headers={"Authorization": f"Bearer {OUTBOUND_TOKEN}"})
        assert sent.status_code == 202
    polled = BROWSER.post(edge.url + "/webhooks/webchat/poll", json={"session": session}).json()["messages"]
    assert [(m["who"], m["n"], m["lang"]) for m in polled] == [("agent", 5, "ko"), ("system", 6, "ko"), ("bot", 7, "ko")]
    history = BROWSER.post(edge.url + "/webhooks/webchat/history", json={"session": session}).json()["messages"]
    assert [(m["who"], m["text"]) for m in history] == [
        ("citizen", "colors"), ("bot", "Pick a colour / 색을 고르세요"), ("citizen", "빨강 red"), ("bot", "you picked red"),
        ("agent", "상담원 김하나입니다."), ("system", "상담원이 연결되었습니다."), ("bot", "신청이 승인되었습니다.")]
    assert history[1]["buttons"][0]["token"] == token
    assert httpx.post(edge.url + "/webhooks/webchat/history", json={"session": session}).status_code == 403
    assert BROWSER.post(edge.url + "/webhooks/webchat/history", json={"session": "tg:1"}).status_code == 400


def test_a_message_over_the_limit_is_refused_with_the_limit_never_cut(edge, rasa):
    session = str(uuid.uuid4())
    over = web_post(edge.url, {"session": session, "text": "count 1 " + "x" * 1993})
    assert over.status_code == 400 and over.json() == {
        "code": "too_long", "limit": 2000, "message": "a message may have up to 2000 characters; this one has 2001"}
    assert rasa.user_events(f"web:{session}") == []
    assert web_post(edge.url, {"session": session, "text": "count 1 " + "x" * 1992}).status_code == 200
    assert len(rasa.user_events(f"web:{session}")[0]["text"]) == 2000


def test_a_photo_from_the_page_reaches_rasa_as_a_telegram_photo_does(edge, rasa):
    session = str(uuid.uuid4())
    image = b"\xff\xd8\xff\xe0" + b"pothole" * 200
    sent = web_post(edge.url, {"session": session, "photo": {"data": base64.b64encode(image).decode(),
                                                             "content_type": "image/jpeg"}})
    assert sent.status_code == 200
    event = rasa.user_events(f"web:{session}")[0]
    assert event["parse_data"]["intent"]["name"] == "inform"  # no words with it: the edge's own /inform
    assert base64.b64decode(event["metadata"]["photo"]["bytes_b64"]) == image
    assert event["metadata"]["photo"]["content_type"] == "image/jpeg"


def test_a_photo_that_is_no_jpeg_or_png_or_too_large_is_refused_and_nothing_reaches_rasa(edge, rasa):
    session = str(uuid.uuid4())
    png_said_jpeg = {"data": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"x" * 50).decode(), "content_type": "image/jpeg"}
    gif = {"data": base64.b64encode(b"GIF89a" + b"x" * 50).decode(), "content_type": "image/gif"}
    not_base64 = {"data": "not base64!", "content_type": "image/png"}
    huge = {"data": base64.b64encode(b"\xff\xd8\xff" + b"x" * (5 * 1024 * 1024)).decode(), "content_type": "image/jpeg"}
    for photo, status, code in ((png_said_jpeg, 400, "bad_photo"), (gif, 400, "bad_photo"),
                                (not_base64, 400, "bad_photo"), ("a string", 400, "bad_photo"),
                                (huge, 413, "photo_too_large")):
        answer = web_post(edge.url, {"session": session, "photo": photo})
        assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert rasa.user_events(f"web:{session}") == []
