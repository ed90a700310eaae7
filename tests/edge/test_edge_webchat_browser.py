"""The web chat page in a real browser (Debian's chromium through Playwright) against the real edge and Rasa (the
channel test bot), as citizens use it (issue 13): 0 axe-core violations of WCAG 2.0-2.2 A/AA in Korean and English at
375 and 1280 px; the newest reply and its buttons above the message box at every width from 375 to 1920 px; the
focus kept in the message box after a reply, choices reached by Tab and never pressed by typing, a focus ring of at
least 3:1 wherever it is drawn; the assistant, an agent and the desk's notices told apart on screen and to a screen
reader; the character counter and the server's limit; the transcript back after a reload (only in the browser that
owns the session); reduced motion. Screenshots land in results/webchat/."""
from __future__ import annotations

import uuid

import httpx
import pytest
from support import BROWSER, OUTBOUND_TOKEN, web_post
from webchat_kit import (
    UNCOVERED,
    WAIT_MS,
    axe_violations,
    chromium,
    focused,
    layout_problems,
    lines,
    open_chat,
    outbound,
    say,
    session_of,
    settled,
    shot,
)

from edge.keys import STORE
from edge.store import TRANSCRIPT_LINES, TRANSCRIPT_TTL
from edge.webchat import MAX_TEXT

AGENT_SAYS = "안녕하세요, 상담원 김하나입니다. 결제를 확인해 볼게요."
DESK_SAYS = "상담원이 연결되었습니다."


async def poll_now(page) -> None:
    """The page polls every 8 s; its clock is moved on instead of waiting (Playwright's clock, installed before
    the page loaded)."""
    await page.clock.run_for(8100)


async def with_agent_and_desk_lines(page, base: str) -> None:
    session = await session_of(page)
    outbound(base, session, AGENT_SAYS, "agent", OUTBOUND_TOKEN)
    outbound(base, session, DESK_SAYS, "desk", OUTBOUND_TOKEN)
    await poll_now(page)
    await page.wait_for_selector("#log li.system")
    await settled(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.asyncio
async def test_axe_finds_nothing_and_every_speaker_is_named_in_the_page_language(edge, lang):
    findings: dict = {}
    async with chromium() as browser:
        for width in (375, 1280):
            context = await browser.new_context(locale={"ko": "ko-KR", "en": "en-US"}[lang],
                                                viewport={"width": width, "height": 760})
            context.set_default_timeout(WAIT_MS)
            await context.clock.install()
            page = await context.new_page()
            await page.goto(edge.url + "/webhooks/webchat/")
            await page.wait_for_function("() => document.activeElement.id === 'message'")
            assert await page.evaluate("document.documentElement.lang") == lang
            name = f"{lang}-{width}"
            findings[name + "-empty"] = await axe_violations(page) + await layout_problems(page)
            await say(page, "colors")
            await say(page, "link")
            await with_agent_and_desk_lines(page, edge.url)
            await say(page, "colors")
            await shot(page, name)
            findings[name] = await axe_violations(page) + await layout_problems(page)
            seen = await lines(page)
            labels = {"ko": {"citizen": "나", "bot": "도우미", "agent": "상담원", "system": "안내"},
                      "en": {"citizen": "You", "bot": "Assistant", "agent": "Agent", "system": "Notice"}}[lang]
            assert [line["who"] for line in seen] == ["citizen", "bot", "citizen", "bot", "agent", "system",
                                                      "citizen", "bot"]
            for line in seen:  # what a screen reader reads: the sender, then the words
                assert line["read"].startswith(labels[line["who"]] + ": "), line
            agent = next(line for line in seen if line["who"] == "agent")
            assert agent["text"] == AGENT_SAYS and "도우미" not in agent["read"] and agent["lang"] == "ko"
            # agent and desk lines look different from the assistant's and name their sender on screen
            looks = await page.evaluate("""() => Object.fromEntries(['bot', 'agent', 'system'].map(who => {
                const li = document.querySelector('#log li.' + who), s = getComputedStyle(li);
                return [who, [s.backgroundColor, s.borderLeftWidth, s.textAlign,
                              getComputedStyle(li.querySelector('.who')).position]]; }))""")
            assert len({tuple(v) for v in looks.values()}) == 3, looks
            assert looks["agent"][3] == looks["system"][3] == "static" and looks["bot"][3] == "absolute"
            # the page's switch relabels every line; the lines keep their own language for the voice
            await page.click("#language")
            other = "en" if lang == "ko" else "ko"
            assert await page.evaluate("document.documentElement.lang") == other
            switched = await lines(page)
            assert switched[4]["read"].startswith({"ko": "상담원", "en": "Agent"}[other] + ": ")
            assert switched[4]["lang"] == "ko"
            await context.close()
    assert not any(findings.values()), findings


@pytest.mark.asyncio
async def test_the_newest_reply_and_its_buttons_stay_above_the_message_box_from_375_to_1920_px(edge):
    problems = {}
    async with chromium() as browser:
        page = await open_chat(browser, edge.url, "ko", 375, 667)
        await say(page, "long")
        for width, height in ((375, 667), (414, 896), (768, 1024), (1024, 768), (1280, 720), (1440, 900),
                              (1920, 1080), (640, 360)):
            await page.set_viewport_size({"width": width, "height": height})
            await say(page, "twice", replies=2)
            await say(page, "colors")
            found = await page.evaluate(UNCOVERED) + await layout_problems(page)
            if found:
                problems[f"{width}x{height}"] = found
            # the choices, reached from the message box with Shift+Tab, are wholly in view when focused
            for _ in range(2):
                await page.keyboard.press("Shift+Tab")
                now = await focused(page)
                if now["tag"] != "BUTTON" or not now["visible"] or now["covered"]:
                    problems.setdefault(f"{width}x{height}", []).append(now)
            await page.focus("#message")
            if width in (375, 1280, 1920):
                await shot(page, f"width-{width}")
    assert not problems, problems


@pytest.mark.asyncio
async def test_keyboard_only_focus_stays_in_the_box_and_typing_never_presses_a_choice(edge):
    async with chromium() as browser:
        page = await open_chat(browser, edge.url, "en", 375, 700)
        await page.focus("a.skip")  # the page's first stop; then, by Tab: the switch, the conversation, the box, Send
        order = [(await focused(page))["name"]]
        for _ in range(4):
            await page.keyboard.press("Tab")
            now = await focused(page)
            assert now["visible"] and not now["covered"] and now["contrast"] >= 3, now
            order.append(now["name"])
        assert order == ["Skip to the message box", "language", "conversation", "message", "send"], order
        await page.focus("#message")
        await say(page, "colors")
        assert (await focused(page))["name"] == "message"  # the reply did not take the focus
        # "ok thanks" typed while choices are on screen: the space goes into the box, no choice is pressed
        await page.keyboard.type("ok thanks")
        assert await page.input_value("#message") == "ok thanks"
        assert not [c for line in await lines(page) for c in line["choices"] if c["chosen"]]
        await page.fill("#message", "")
        # Shift+Tab reaches the newest choices (the last first), each visible, uncovered, with a 3:1 ring
        stops = []
        for _ in range(3):
            await page.keyboard.press("Shift+Tab")
            now = await focused(page)
            assert now["visible"] and not now["covered"] and now["contrast"] >= 3, now
            stops.append(now["name"])
        assert stops == ["파랑 blue", "빨강 red", "conversation"], stops
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")  # 빨강 red
        await page.wait_for_function("() => [...document.querySelectorAll('#log .text')].some(t => t.textContent === 'you picked red')")
        await settled(page)
        assert (await focused(page))["name"] == "message"
        seen = await lines(page)
        assert seen[-2]["who"] == "citizen" and seen[-2]["text"] == "빨강 red"
        assert seen[1]["choices"] == [{"title": "빨강 red (chosen)", "disabled": True, "chosen": True},
                                      {"title": "파랑 blue", "disabled": True, "chosen": False}]
        # answered choices are disabled, so Tab never stops on them: Shift+Tab goes to the conversation region
        await page.keyboard.press("Shift+Tab")
        assert (await focused(page))["name"] == "conversation"
        # the focus ring on the header's switch and on the skip link: at least 3:1 there too
        await page.focus("#language")
        assert (await focused(page))["contrast"] >= 3
        await shot(page, "keyboard-375")


@pytest.mark.asyncio
async def test_the_transcript_comes_back_after_a_reload_only_in_the_browser_that_owns_it(edge):
    async with chromium() as browser:
        context = await browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 760})
        context.set_default_timeout(WAIT_MS)
        await context.clock.install()
        page = await context.new_page()
        await page.goto(edge.url + "/webhooks/webchat/")
        await say(page, "colors")
        await page.click("#log button.choice >> nth=0")
        await page.wait_for_function("() => document.querySelectorAll('#log li.line').length >= 4")
        await say(page, "link")
        await with_agent_and_desk_lines(page, edge.url)
        await say(page, "colors")
        before = await lines(page)
        session = await session_of(page)
        await page.reload()
        await page.wait_for_function("n => document.querySelectorAll('#log li.line').length === n", arg=len(before))
        after = await lines(page)
        strip = [{k: v for k, v in line.items() if k != "choices"} for line in before]
        assert [{k: v for k, v in line.items() if k != "choices"} for line in after] == strip
        assert "checkout.example.go.kr/pay/PY-2026-000123" in after[5]["text"]
        # only the newest reply's choices are live again; the answered ones stay disabled
        assert [c["disabled"] for c in after[1]["choices"]] == [True, True]
        assert [c["disabled"] for c in after[-1]["choices"]] == [False, False]
        assert await page.evaluate("document.activeElement.id") == "message"
        assert "이전 대화" in await page.inner_text("#status")
        # a line already shown is not shown twice when the poll brings it too
        await poll_now(page)
        assert len(await lines(page)) == len(before)
        await shot(page, "restored-390")
        # another browser given the same session id (seen in an agent's queue): nothing of it, a new session
        stranger = await browser.new_context(locale="ko-KR")
        await stranger.add_init_script(f"sessionStorage.setItem('minwon-session', '{session}')")
        other = await stranger.new_page()
        await other.goto(edge.url + "/webhooks/webchat/")
        await other.wait_for_function(f"() => sessionStorage.getItem('minwon-session') !== '{session}'")
        assert await lines(other) == []
        await stranger.close()
        await context.close()
    r = httpx.post(edge.url + "/webhooks/webchat/history", json={"session": session}, timeout=10)
    assert r.status_code == 403 and r.json()["code"] == "not_your_session"


def test_the_transcript_the_edge_keeps_is_bounded_and_numbered(edge):
    session = str(uuid.uuid4())
    assert web_post(edge.url, {"session": session, "text": "count 1"}).status_code == 200
    store = edge.app[STORE]
    edge.call(store.add_lines(f"web:{session}", [{"who": "bot", "text": f"line {i}"} for i in range(TRANSCRIPT_LINES)]))
    kept = BROWSER.post(edge.url + "/webhooks/webchat/history", json={"session": session}).json()["messages"]
    assert len(kept) == TRANSCRIPT_LINES and kept[-1]["n"] == TRANSCRIPT_LINES + 2
    assert kept[0]["text"] == "line 0" and [line["n"] for line in kept] == list(range(3, TRANSCRIPT_LINES + 3))
    ttl = edge.call(store.redis.ttl(store.key("web", "lines", f"web:{session}")))
    assert 0 < ttl <= TRANSCRIPT_TTL


@pytest.mark.asyncio
async def test_the_counter_and_a_plain_message_at_the_servers_limit(edge):
    async with chromium() as browser:
        page = await open_chat(browser, edge.url, "ko", 375, 700)
        limit = int(await page.get_attribute("#composer", "data-max-length"))
        assert limit == MAX_TEXT
        assert await page.inner_text("#counter") == "0 / 2,000자"
        await page.keyboard.type("안녕하세요")
        assert await page.inner_text("#counter") == "5 / 2,000자"
        assert await page.get_attribute("#message", "aria-describedby") == "counter"
        await page.fill("#message", "가" * (MAX_TEXT + 100))  # pasted: nothing is cut
        assert len(await page.input_value("#message")) == MAX_TEXT + 100
        assert await page.get_attribute("#message", "aria-invalid") == "true"
        status = await page.inner_text("#status")
        assert "2,000자까지" in status and "100자를 줄여" in status
        await page.keyboard.press("Enter")  # not sent: the text stays to be shortened, the focus in the box
        assert await lines(page) == [] and len(await page.input_value("#message")) == MAX_TEXT + 100
        assert await page.evaluate("document.activeElement.id") == "message"
        await shot(page, "limit-375")
        await page.fill("#message", "count " + "1" * (MAX_TEXT - 6))
        assert await page.get_attribute("#message", "aria-invalid") is None
        assert "보낼 수 있습니다" in await page.inner_text("#status")
        assert await axe_violations(page) == []
    # the server says it too, and never cuts: one character over is refused with the limit
    session = uuid.uuid4()
    over = web_post(edge.url, {"session": str(session), "text": "a" * (MAX_TEXT + 1)})
    assert over.status_code == 400 and over.json()["code"] == "too_long" and over.json()["limit"] == MAX_TEXT
    assert web_post(edge.url, {"session": str(session), "text": "count " + "1" * (MAX_TEXT - 6)}).status_code == 200


@pytest.mark.asyncio
async def test_a_photo_is_sent_with_the_photo_button_and_a_wrong_file_is_explained(edge, rasa, tmp_path):
    image, text_file = tmp_path / "pothole.jpg", tmp_path / "notes.txt"
    image.write_bytes(b"\xff\xd8\xff\xe0" + b"pothole" * 300)
    text_file.write_text("not a photo")
    async with chromium() as browser:
        page = await open_chat(browser, edge.url, "ko", 375, 700)
        assert await page.inner_text("#attach") == "사진"  # a named button, reached by Tab like the others
        await page.set_input_files("#photo", str(text_file))
        assert "JPEG나 PNG" in await page.inner_text("#status") and await lines(page) == []
        await page.set_input_files("#photo", str(image))
        await page.wait_for_selector("#log li.line")
        await settled(page)
        assert (await lines(page))[0]["text"] == "📷 사진"
        assert await page.evaluate("document.activeElement.id") == "message"
        assert await axe_violations(page) == []
        session = await session_of(page)
    sent = rasa.user_events(f"web:{session}")
    assert len(sent) == 1 and sent[0]["metadata"]["photo"]["content_type"] == "image/jpeg"


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
@pytest.mark.asyncio
async def test_reduced_motion_is_honoured(edge, motion):
    async with chromium() as browser:
        page = await open_chat(browser, edge.url, "ko", 375, 500, reduced_motion=motion)
        await say(page, "long")
        await say(page, "colors")
        style = await page.evaluate("""() => ({scroll: getComputedStyle(document.getElementById('conversation')).scrollBehavior,
                                              line: getComputedStyle(document.querySelector('#log li.line')).animationName})""")
        if motion == "reduce":
            assert style == {"scroll": "auto", "line": "none"}
        else:
            assert style == {"scroll": "smooth", "line": "arrive"}
