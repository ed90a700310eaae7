"""The console and the dashboard in a real browser (Debian's chromium through Playwright), as agents use them
(issue 13): 0 axe-core violations of WCAG 2.0-2.2 A/AA in Korean and English at 375 and 1280 px, nothing wider
than the window and no table column cut, the context panel in words, per-conversation controls that start fresh,
and a keyboard-only claim -> reply -> hand back. Screenshots land in results/console/."""
from __future__ import annotations

import pytest
from browser_kit import (
    WAIT_MS,
    axe_violations,
    chromium,
    layout_problems,
    log_in,
    new_page,
    shot,
)
from console_helpers import escalate

pytestmark = pytest.mark.asyncio

PAY = "tg:9101"


async def seed(bot, upstream) -> dict[str, str]:
    """Three waiting citizens, one mid-payment with the raw slots the panel used to show."""
    upstream.say(PAY, "user", "과태료 내고 싶어요", intent="pay_fine")
    upstream.say(PAY, "bot", "미납 과태료 1건: 주정차 위반 ₩40,000. 결제 방법을 골라주세요.")
    upstream.say(PAY, "user", "상담원 연결해 주세요", intent="request_human")
    upstream.tracker(PAY)["slots"] = {
        "session_started_metadata": {"channel": "telegram"}, "language": "ko", "requested_slot": "payment_method",
        "fine_options": [{"id": "fn_000002", "number": "FN-2026-000002", "amount_due": 40000,
                          "kind_label": {"ko": "주정차 위반 과태료", "en": "Parking fine"}, "pending": "card"}]}
    ids = {}
    for cid, key, extra in (
            (PAY, "b1", {"form": {"name": "pay_fine_form", "slots": {"fine_ids": ["fn_000002"],
                                                                     "requested_slot": "payment_method"}}}),
            ("sms:+821034567890", "b2", {"skill": "address", "form": None, "last_errors": []}),
            ("web:7f3a9c2e-1b4d-4e8f-9a6b-0c1d2e3f4a5b", "b3", {"language": "en", "skill": "general", "form": None})):
        resp = await escalate(bot, cid, key, **extra)
        assert resp.status in (200, 201), await resp.text()
        ids[cid] = (await resp.json())["handoff_id"]
    return ids


def base_url(console) -> str:
    return str(console.make_url("")).rstrip("/")


async def open_case(page, conversation_prefix: str) -> None:
    await page.click(f"#list button[data-open]:has-text('{conversation_prefix}')")
    await page.wait_for_function("p => document.querySelector('#detail-title').textContent.startsWith(p)",
                                 arg=conversation_prefix, timeout=WAIT_MS)
    await page.wait_for_selector("#service:not(:empty)")


async def check(page, name: str, findings: dict) -> None:
    """axe and layout on what is on screen now; a screenshot for review."""
    await shot(page, name)
    violations = await axe_violations(page)
    problems = await layout_problems(page)
    if violations or problems:
        findings[name] = {"axe": violations, "layout": problems}


@pytest.mark.parametrize("lang", ["ko", "en"])
async def test_console_and_dashboard_pass_axe_and_fit_at_375_and_1280(console, bot, upstream, supervisor, lang):
    ids = await seed(bot, upstream)
    assert (await supervisor.post(f"/api/handoffs/{ids['sms:+821034567890']}/claim")).status == 200
    findings: dict = {}
    async with chromium() as browser:
        for width in (375, 1280):
            page = await new_page(browser, lang, width)
            await log_in(page, base_url(console), "supervisor", "supervisor-demo")
            assert await page.evaluate("document.documentElement.lang") == lang
            await page.wait_for_selector("#list button[data-open]")
            await check(page, f"{lang}-{width}-queue", findings)
            await open_case(page, "tg:")
            await check(page, f"{lang}-{width}-conversation-queued", findings)
            await page.click("nav button[data-view=mine]")
            await page.wait_for_selector("#list button[data-open]:has-text('sms:')")
            await open_case(page, "sms:")
            await page.wait_for_selector("#reply-form:not([hidden])")
            await check(page, f"{lang}-{width}-conversation-claimed", findings)
            await page.click("nav button[data-view=dashboard]")
            await page.wait_for_selector(".charts .chart svg")
            await check(page, f"{lang}-{width}-dashboard", findings)
            await page.click("nav button[data-view=audit]")
            await page.wait_for_selector("table.audit tbody tr")
            await check(page, f"{lang}-{width}-audit", findings)
            await page.context.close()
    assert not findings, findings


async def test_the_context_panel_reads_as_words_in_the_agents_language(console, bot, upstream):
    await seed(bot, upstream)
    async with chromium() as browser:
        page = await new_page(browser, "en", 1280)
        await log_in(page, base_url(console), "agent1", "agent1-demo")
        await open_case(page, "tg:")
        panel = await page.inner_text(".col-side")
        assert "Paying a fine" in panel and "Step 2 of 3: asking for the payment method" in panel
        assert "FN-2026-000002 Parking fine ₩40,000" in panel and "Citizen asked for a person" in panel
        for raw in ("fine_ids", "fn_000002", "session_started_metadata", "requested_slot", "pending_payment",
                    "payments", "telegram", "requested", "["):
            assert raw not in panel, f"{raw!r} on the context panel"
        # The agent switches the console to Korean: the same case, in Korean words.
        await page.click("#lang-toggle")
        await page.wait_for_function("() => document.documentElement.lang === 'ko'", timeout=WAIT_MS)
        await page.wait_for_function("() => document.querySelector('#service').textContent === '과태료 납부'",
                                     timeout=WAIT_MS)
        panel = await page.inner_text(".col-side")
        assert "3단계 중 2단계: 결제 방법 묻는 중" in panel and "주정차 위반 과태료" in panel
        await shot(page, "ko-1280-context-after-switch")


async def test_reply_status_and_survey_box_do_not_carry_over_to_the_next_conversation(console, bot, upstream, agent1):
    ids = await seed(bot, upstream)
    for cid in (PAY, "sms:+821034567890"):
        assert (await agent1.post(f"/api/handoffs/{ids[cid]}/claim")).status == 200
    async with chromium() as browser:
        page = await new_page(browser, "en", 1280)
        await log_in(page, base_url(console), "agent1", "agent1-demo")
        await page.click("nav button[data-view=mine]")
        await open_case(page, "tg:")
        await page.fill("#reply-text", "Hello, I am looking at your payment.")
        await page.click("#send")
        await page.wait_for_function("() => document.querySelector('#reply-status').textContent === 'Sent'",
                                     timeout=WAIT_MS)
        await page.uncheck("#survey")
        await page.fill("#reply-text", "a draft for this citizen only")
        await open_case(page, "sms:")
        assert await page.inner_text("#reply-status") == ""
        assert await page.is_checked("#survey")
        assert await page.input_value("#reply-text") == ""
        # Live refreshes of the same case keep what the agent just did.
        await open_case(page, "tg:")
        await page.fill("#reply-text", "One more thing.")
        await page.click("#send")
        await page.wait_for_function("() => document.querySelector('#reply-status').textContent === 'Sent'",
                                     timeout=WAIT_MS)
    assert [m["text"] for m in upstream.sent if m["conversation_id"] == PAY][-2:] == [
        "Hello, I am looking at your payment.", "One more thing."]
    assert not [m for m in upstream.sent if m["conversation_id"] == "sms:+821034567890" and "draft" in m["text"]]


FOCUSED = """() => { const e = document.activeElement; return e ? (e.id || e.dataset.open || e.dataset.view || e.tagName) : null; }"""
NOT_COVERED = """() => {
  const e = document.activeElement; const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return "invisible";
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return top === e || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top))) ? "ok" : "covered by " + (top ? (top.id || top.tagName) : "nothing");
}"""


async def tab_to(page, target: str, limit: int = 40) -> list[str]:
    """Press Tab until `target` has focus (bounded); every element passed must be visible and uncovered."""
    seen: list[str] = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(FOCUSED)
        await page.evaluate("() => document.activeElement.scrollIntoView({block: 'nearest'})")
        assert await page.evaluate(NOT_COVERED) == "ok", f"{focused} is covered or invisible"
        seen.append(focused)
        if focused == target:
            return seen
    raise AssertionError(f"{target} not reached by Tab in {limit} presses: {seen}")


@pytest.mark.parametrize("width", [1280, 375])
async def test_keyboard_only_claim_reply_hand_back(console, bot, upstream, width):
    ids = await seed(bot, upstream)
    handoff_id = ids[PAY]
    async with chromium() as browser:
        page = await new_page(browser, "en", width)
        await page.goto(base_url(console) + "/")
        order = await tab_to(page, "INPUT")  # skip link, language switch, then the login form
        assert order == ["A", "lang-toggle", "INPUT"], order
        await page.keyboard.type("agent1")
        await page.keyboard.press("Tab")
        await page.keyboard.type("agent1-demo")
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#list button[data-open]")
        await page.wait_for_function("() => document.activeElement.id === 'list-title'", timeout=WAIT_MS)
        order = await tab_to(page, handoff_id, limit=1)  # the first case waiting is the next stop after the list title
        await page.keyboard.press("Enter")
        await page.wait_for_function("() => document.activeElement.id === 'detail-title'", timeout=WAIT_MS)
        assert await tab_to(page, "claim") == ["transcript", "claim"]  # the transcript scrolls by keyboard too
        await page.keyboard.press("Enter")
        await page.wait_for_function("() => document.activeElement.id === 'reply-text'", timeout=WAIT_MS)
        await page.keyboard.type("Your payment went through on our side; the assistant will confirm it.")
        assert await tab_to(page, "send", limit=3) == ["send"]
        await page.keyboard.press("Enter")
        await page.wait_for_function("() => document.querySelector('#reply-status').textContent === 'Sent'",
                                     timeout=WAIT_MS)
        await shot(page, f"keyboard-{width}-after-reply")
        assert await tab_to(page, "close", limit=6) == ["transfer-target", "transfer", "survey", "close"]
        await page.keyboard.press("Enter")
        await page.wait_for_function("() => document.activeElement.id === 'list-title'", timeout=WAIT_MS)
        await page.wait_for_selector("#flash.ok")
        assert "assistant takes it from here" in await page.inner_text("#flash")
        await shot(page, f"keyboard-{width}-after-hand-back")
    assert [m["text"] for m in upstream.sent if m["conversation_id"] == PAY][-1].startswith("Your payment went through")
    [(cid, body, _)] = upstream.triggered
    assert cid == PAY and body["entities"] == {"satisfaction_survey": True, "handoff_id": handoff_id}


async def test_the_agent_who_loses_a_claim_race_is_told_in_their_language(console, bot, upstream, agent2):
    ids = await seed(bot, upstream)
    async with chromium() as browser:
        page = await new_page(browser, "ko", 1280)
        await log_in(page, base_url(console), "agent1", "agent1-demo")
        await open_case(page, "tg:")
        assert (await agent2.post(f"/api/handoffs/{ids[PAY]}/claim")).status == 200  # a colleague is faster
        await page.evaluate("document.querySelector('#claim').click()")
        await page.wait_for_selector("#flash[data-code=already_claimed]")
        assert await page.inner_text("#flash") == "다른 상담원이 이미 맡은 상담입니다."
        assert not await page.is_visible("#reply-form")
