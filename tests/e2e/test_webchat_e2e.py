"""End to end, keyboard only: a citizen checks an application's status in the web chat (headless Chromium through
Playwright) against the whole stack: govapi (seeded demo data), the action server, the Rasa server with the trained
model, the channel edge and the notifier (the status answer offers news of the case), each a process on a free port
(test_notify_e2e.Stack).

At every step the focus is in the message box, the newest reply and its buttons lie wholly above it (bounding boxes,
nothing drawn over them); typing with spaces while choices are on screen presses none; the choices are reached with
Shift+Tab and chosen with Enter; axe-core finds no WCAG 2.0-2.2 A/AA violation at the end. A screenshot of the
whole conversation goes to results/webchat/e2e-status-check.png (the README's picture, docs/img/webchat.png).

    make train   # once: models/minwon.tar.gz
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_webchat_e2e.py
"""
from __future__ import annotations

import re
import sys
import urllib.parse
from typing import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from e2e_kit import MODEL, PY, RASA, ROOT, RPY, RUN, http
from test_notify_e2e import TOKENS, Stack, answers

sys.path.insert(0, str(ROOT / "tests" / "edge"))
from webchat_kit import FOCUS, UNCOVERED  # noqa: E402  (the edge suite's checks of the same page)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = ROOT / "results" / "webchat"
# govapi's seeded 최순자: AP-2026-000010 (basic livelihood benefit) under review; no other journey verifies her
PHONE, BIRTH, APPLICATION = "010-5550-1234", "1952-11-08", "AP-2026-000010"


class WebChatStack(Stack):
    """test_notify_e2e's stack under Redis prefixes of its own (that module's stack may have left keys behind)."""

    def env(self) -> dict[str, str]:
        env = super().env()
        prefix = f"e2e-webchat-{RUN}:"
        env.update({"CONNECTORS_REDIS_PREFIX": prefix + "ch:", "HANDOFF_REDIS_PREFIX": prefix + "handoff:"})
        return env


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """The parts a status check and its offer of news need (test_notify_e2e's, started the same way)."""
    assert MODEL.exists(), f"no trained model at {MODEL}: run `make train` first (or set MINWON_E2E_MODEL)"
    s = WebChatStack(tmp_path_factory.mktemp("webchat-e2e"))
    try:
        s.start("govapi", [str(PY), "-m", "govapi", "serve"], answers(s.url["govapi"] + "/openapi.json"))
        s.start("standins", [str(PY), "-m", "standins"], answers(s.url["standins"] + "/simulator/"))
        s.start("actions", [str(RPY), "-m", "actions.server"], answers(s.url["actions"] + "/health"))
        s.start("rasa", [str(RASA), "run", "--model", str(MODEL), "--interface", "127.0.0.1",
                         "--port", str(s.ports["rasa"]), "--credentials", str(ROOT / "credentials.yml"),
                         "--endpoints", str(ROOT / "endpoints.yml"), "--enable-api", "--auth-token", TOKENS["RASA_TOKEN"]],
                answers(s.url["rasa"] + "/status?token=" + TOKENS["RASA_TOKEN"]), timeout=300)
        s.start("edge", [str(PY), "-m", "edge"], lambda: answers(s.url["edge"] + "/healthz")()
                and http("GET", s.url["edge"] + "/readyz")[0] == 200)
        s.start("notifier", [str(PY), "-m", "bot.notifier"], answers(s.url["notifier"] + "/healthz"),
                NOTIFIER_SMS_QUIET_HOURS="off")
        yield s
    finally:
        s.stop()


def subscriptions(stack: Stack, conversation_id: str) -> list:
    _, body = http("GET", stack.url["notifier"] + "/v1/subscriptions?" +
                   urllib.parse.urlencode({"conversation_id": conversation_id, "all": 1}),
                   headers={"Authorization": f"Bearer {TOKENS['NOTIFIER_TOKEN']}"})
    return body["subscriptions"]


def the_code(stack: Stack) -> str:
    """What 최순자's phone received (govapi's development SMS outbox; in demo mode the phone simulator shows it)."""
    _, body = http("GET", stack.url["govapi"] + "/v1/admin/sms-outbox?" +
                   urllib.parse.urlencode({"phone": PHONE, "limit": 1}),
                   headers={"Authorization": f"Bearer {TOKENS['GOVAPI_ADMIN_TOKEN']}"})
    return re.search(r"\b(\d{6})\b", body["messages"][0]["body"]).group(1)


def lines(page: Page) -> int:
    return page.locator("#log li.line").count()


def type_and_send(page: Page, text: str, problems: list) -> str:
    """Types into the focused message box and presses Enter; waits for the answer; checks focus and layout."""
    assert page.evaluate("document.activeElement.id") == "message", "the focus left the message box"
    before = lines(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#log li.line').length > n + 1 && "
                           "!document.querySelector('#status.waiting')", arg=before, timeout=60_000)
    settle(page)
    assert page.evaluate("document.activeElement.id") == "message", f"after {text!r} the focus left the box"
    problems.extend(f"after {text!r}: {p}" for p in page.evaluate(UNCOVERED))
    return page.locator("#log li.line").last.inner_text()


def settle(page: Page) -> None:
    """The conversation stopped scrolling: the same positions three samples in a row (bounded)."""
    seen: list = []
    for _ in range(100):
        seen.append(page.evaluate("[document.getElementById('conversation').scrollTop, scrollY]"))
        if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the page kept scrolling: {seen[-5:]}")


def test_a_status_check_by_keyboard_alone(stack: Stack, browser: Browser) -> None:
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 760})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(stack.url["edge"] + "/webhooks/webchat/")
    page.wait_for_function("() => document.activeElement.id === 'message'")
    problems: list[str] = []
    assert "휴대폰" in type_and_send(page, f"{APPLICATION} 어디까지 됐나요?", problems)
    assert "생년월일" in type_and_send(page, PHONE, problems)
    assert "인증번호" in type_and_send(page, BIRTH, problems)
    type_and_send(page, the_code(stack), problems)
    page.wait_for_function("() => document.querySelectorAll('#log button.choice:not([disabled])').length >= 2")
    settle(page)
    problems.extend(page.evaluate(UNCOVERED))
    shown = page.inner_text("#log")
    assert f"{APPLICATION} 기초생활보장 급여: 검토 중" in shown, shown[-600:]
    offer = page.locator("#log li.line").last
    assert "알려드릴까요" in offer.inner_text()
    # The trap: a space typed while choices are on screen went to the first choice (a subscription nobody
    # asked for). Now the box keeps the focus: the words stay in the box and no choice is pressed.
    conversation = "web:" + page.evaluate("sessionStorage.getItem('minwon-session')")
    page.keyboard.type("ok thanks")
    assert page.input_value("#message") == "ok thanks"
    assert page.locator("#log button.choice.chosen").count() == 0 and subscriptions(stack, conversation) == []
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    # The choices are above the box: Shift+Tab reaches the last, then the first, each in view, uncovered, ringed.
    stops = []
    for _ in range(2):
        page.keyboard.press("Shift+Tab")
        now = page.evaluate(FOCUS)
        assert now["tag"] == "BUTTON" and now["visible"] and not now["covered"] and now["contrast"] >= 3, now
        stops.append(now["name"])
    titles = offer.locator("button.choice").all_inner_texts()
    assert stops == titles[::-1], (stops, titles)
    assert page.evaluate(FOCUS)["name"] == titles[0]  # 네, 알려주세요: chosen on purpose, by Enter
    before = lines(page)
    page.keyboard.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#log li.line').length > n + 1", arg=before)
    settle(page)
    assert page.evaluate("document.activeElement.id") == "message"
    assert page.locator("#log li.line.citizen").last.inner_text().endswith(titles[0])
    assert [s["case_number"] for s in subscriptions(stack, conversation)] == [APPLICATION]
    problems.extend(page.evaluate(UNCOVERED))
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                          "resultTypes": ["violations"]}).response["violations"]
    assert not problems, problems
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    # the whole conversation in one picture: the window as tall as the conversation
    grow = page.evaluate("() => { const r = document.getElementById('conversation'); return r.scrollHeight - r.clientHeight; }")
    page.set_viewport_size({"width": 420, "height": 760 + grow})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-status-check.png"))
    # a reload shows it all again (the edge's transcript for this browser)
    count = lines(page)
    page.reload()
    page.wait_for_function("n => document.querySelectorAll('#log li.line').length === n", arg=count)
    context.close()
