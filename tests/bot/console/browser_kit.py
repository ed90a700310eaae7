"""Driving the console in Debian's chromium (never a downloaded browser) with Playwright, and checking what a
person would notice: axe-core's WCAG 2.0-2.2 A/AA rules, horizontal overflow, cut table columns, covered
controls. Screenshots go to results/console/ for review (results/ is not committed)."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "results" / "console"
CHROMIUM = {"executable_path": "/usr/bin/chromium", "timeout": 30_000,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run"]}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WAIT_MS = 10_000  # every wait in these tests is bounded by this
LOCALES = {"ko": "ko-KR", "en": "en-US"}


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**CHROMIUM)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser: Browser, lang: str, width: int, height: int = 900) -> Page:
    """A fresh browser profile whose UI language is `lang` (the console follows it until the agent switches)."""
    context = await browser.new_context(locale=LOCALES[lang], viewport={"width": width, "height": height})
    context.set_default_timeout(WAIT_MS)
    return await context.new_page()


async def log_in(page: Page, base: str, username: str, password: str) -> None:
    await page.goto(base + "/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("#login-form button[type=submit]")
    await page.wait_for_selector("#nav:not([hidden])")


async def axe_violations(page: Page) -> list[dict]:
    results = await Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                             "resultTypes": ["violations"]})
    return [{"id": v["id"], "impact": v.get("impact"), "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in results.response["violations"]]


# What must never happen at any width: the page wider than the window, a table wider than its pane (a column cut or
# pushed out of sight), a control whose centre is painted over by something else.
LAYOUT_PROBLEMS = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) out.push(`page overflows by ${doc.scrollWidth - window.innerWidth}px`);
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
  for (const table of document.querySelectorAll("table")) {
    if (!visible(table)) continue;
    const box = table.parentElement.getBoundingClientRect(), r = table.getBoundingClientRect();
    if (r.right > box.right + 1 || r.left < box.left - 1) out.push(`table ${table.id || table.className} overflows its pane by ${Math.round(r.right - box.right)}px`);
    for (const cell of table.querySelectorAll("th, td")) {
      if (cell.scrollWidth > cell.clientWidth + 1) { out.push(`cell cut: ${cell.textContent.slice(0, 30)}`); break; }
    }
  }
  for (const e of document.querySelectorAll("button, input, select, textarea, a[href]")) {
    if (!visible(e) || e.closest(".sr") || e.classList.contains("skip")) continue;
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) { out.push(`control off screen: ${e.id || e.textContent.slice(0, 20)}`); continue; }
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (y < 0 || y > window.innerHeight) continue;  // below the fold: scrolled to when used
    const top = document.elementFromPoint(x, y);
    if (top && top !== e && !e.contains(top) && !(e.labels && [...e.labels].some(l => l.contains(top))))
      out.push(`covered: ${e.id || e.textContent.slice(0, 20)} under ${top.id || top.className || top.tagName}`);
  }
  return out;
}"""


async def layout_problems(page: Page) -> list[str]:
    return await page.evaluate(LAYOUT_PROBLEMS)


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
