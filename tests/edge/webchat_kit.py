"""The web chat page in Debian's chromium (never a downloaded browser) through Playwright, the console's way
(tests/bot/console/browser_kit.py: its chromium launch, axe-core's WCAG 2.0-2.2 A/AA run and layout checks are used
as they are), plus what a chat needs: nothing under the message box, the focus ring's contrast, the sender of each
line. Screenshots go to results/webchat/ for review (results/ is not committed)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bot" / "console"))
from browser_kit import LOCALES, WAIT_MS, axe_violations, chromium  # noqa: E402,F401

SHOTS = ROOT / "results" / "webchat"
PAGE = "/webhooks/webchat/"


async def open_chat(browser: Browser, base: str, lang: str = "ko", width: int = 1280, height: int = 800,
                    reduced_motion: str = "no-preference") -> Page:
    """A fresh browser profile (its own cookie, so its own session) whose UI language is `lang`."""
    context = await browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": height},
                                        reduced_motion=reduced_motion)
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    await page.goto(base + PAGE)
    await page.wait_for_function("() => document.activeElement && document.activeElement.id === 'message'")
    return page


async def session_of(page: Page) -> str:
    return await page.evaluate("sessionStorage.getItem('minwon-session')")


async def lines(page: Page) -> list[dict[str, Any]]:
    """Each line of the conversation as shown: its sender's class, the label a screen reader reads, its text."""
    return await page.evaluate("""() => [...document.querySelectorAll('#log li.line')].map(li => ({
        who: li.className.replace('line', '').trim(), label: li.querySelector('.who').textContent,
        text: li.querySelector('.text').textContent, lang: li.querySelector('.text').lang || null,
        read: li.textContent.trim(),
        choices: [...li.querySelectorAll('button.choice')].map(b => ({title: b.textContent, disabled: b.disabled,
                                                                    chosen: b.classList.contains('chosen')})),
        links: [...li.querySelectorAll('a')].map(a => a.href)}))""")


async def say(page: Page, text: str, replies: int = 1) -> None:
    """Type into the message box and press Enter (the keyboard's way), then wait for `replies` more lines."""
    before = await page.locator("#log li.line").count()
    await page.focus("#message")
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")
    await page.wait_for_function("n => document.querySelectorAll('#log li.line').length >= n", arg=before + 1 + replies)
    await settled(page)


async def settled(page: Page) -> None:
    """No request on its way, and the scrolling that brought the newest lines into view (smooth unless reduced
    motion is asked for) finished: the positions the same in three samples 50 ms apart (at most 5 s)."""
    await page.wait_for_function("() => !document.querySelector('#status.waiting')")
    seen: list[Any] = []
    for _ in range(100):
        seen.append(await page.evaluate("[document.getElementById('conversation').scrollTop, scrollY]"))
        if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the page kept scrolling: {seen[-5:]}")


def outbound(base: str, session: str, text: str, kind: str, token: str) -> None:
    """What the desk or an agent sends to the web chat (the edge's internal outbound route)."""
    r = httpx.post(base + "/webhooks/webchat/outbound", json={"conversation_id": f"web:{session}", "text": text,
                                                               "kind": kind},
                   headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 202, r.text


# The newest line and its buttons, the message box and the send button: each wholly inside the window, the lines
# above the message box's top edge, and each control's centre painted by itself (nothing drawn over it).
UNCOVERED = """() => {
  const out = [];
  const form = document.getElementById('composer').getBoundingClientRect();
  const last = [...document.querySelectorAll('#log li.line')].pop();
  const items = last ? [last, ...last.querySelectorAll('button, a')] : [];
  const inside = (r) => r.top >= -0.5 && r.left >= -0.5 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5;
  for (const e of items) {
    const r = e.getBoundingClientRect();
    if (!inside(r)) out.push(`${e.tagName} ${e.textContent.slice(0, 20)} outside the window (${Math.round(r.top)}..${Math.round(r.bottom)} of ${innerHeight})`);
    else if (r.bottom > form.top + 0.5) out.push(`${e.tagName} ${e.textContent.slice(0, 20)} under the message box (${Math.round(r.bottom)} > ${Math.round(form.top)})`);
  }
  for (const e of [...items.slice(1), document.getElementById('message'), document.getElementById('send')]) {
    const r = e.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!top || (top !== e && !e.contains(top))) out.push(`${e.id || e.textContent.slice(0, 20)} covered by ${top ? (top.id || top.className || top.tagName) : 'nothing'}`);
  }
  return out;
}"""

# The focused element: what it is, whether it is wholly visible and uncovered, and its focus ring's contrast against
# the background it is drawn on (the nearest ancestor's background colour, for a ring drawn outside the element).
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {name: null};
  const lum = (c) => { const m = c.match(/[\\d.]+/g).map(Number); const [r, g, b] = m.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = (c) => { const m = c.match(/[\\d.]+/g); return m && (m.length < 4 || Number(m[3]) > 0); };
  const s = getComputedStyle(e);
  const inner = parseFloat(s.outlineOffset) < 0;
  let bg = null;
  for (let p = inner ? e : e.parentElement; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor; if (opaque(c)) { bg = c; break; }
  }
  bg = bg || 'rgb(255, 255, 255)';
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? s.outlineColor : null;
  const a = ring ? lum(ring) : 0, b = lum(bg);
  const r = e.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const form = document.getElementById('composer').getBoundingClientRect();
  const inLog = !!e.closest('#log');
  return {name: e.id || (e.textContent || '').trim().slice(0, 30) || e.tagName, tag: e.tagName, disabled: !!e.disabled,
          ring, background: bg, contrast: ring ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0,
          visible: r.width > 0 && r.height > 0 && r.top >= -0.5 && r.bottom <= innerHeight + 0.5 && (!inLog || r.bottom <= form.top + 0.5),
          covered: !(top && (top === e || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top)))))};
}"""


# The console's layout check (browser_kit.LAYOUT_PROBLEMS) for a page with a scrolling conversation: the page never
# wider than the window, no control off screen sideways, and every control in view painted by itself; a control
# scrolled out of the conversation's region is not covered, only scrolled (focus brings it back, see FOCUS).
LAYOUT = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth) out.push(`page overflows by ${doc.scrollWidth - innerWidth}px`);
  const region = document.getElementById('conversation').getBoundingClientRect();
  for (const e of document.querySelectorAll('button, input, select, textarea, a[href]')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || e.classList.contains('skip')) continue;
    if (r.right > innerWidth + 1 || r.left < -1) { out.push(`control off screen: ${e.id || e.textContent.slice(0, 20)}`); continue; }
    if (e.closest('#conversation') && (r.top < region.top - 0.5 || r.bottom > region.bottom + 0.5)) continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (y < 0 || y > innerHeight) continue;
    const top = document.elementFromPoint(x, y);
    if (top && top !== e && !e.contains(top) && !(e.labels && [...e.labels].some(l => l.contains(top))))
      out.push(`covered: ${e.id || e.textContent.slice(0, 20)} under ${top.id || top.className || top.tagName}`);
  }
  return out;
}"""


async def layout_problems(page: Page) -> list[str]:
    return await page.evaluate(LAYOUT)


async def focused(page: Page) -> dict[str, Any]:
    return await page.evaluate(FOCUS)


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"))
