"""Drives the web chat in headless Chromium (run with .venv's Python: Playwright lives there); a copy of
the removed tests/connectors/webchat_browser.py (connectors/ went in issue #18 phase 2).

Usage: webchat_browser.py <page url> <screenshot path> <text to type>
Prints one JSON line: what a citizen saw and could do. Opens the page, checks keyboard focus and
both languages, sends a message by keyboard, clicks the first button of the reply.
"""
import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main(url: str, screenshot: str, text: str) -> None:
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 760}, locale="ko-KR")  # a phone
        page.goto(url)
        seen["title_ko"] = page.title()
        seen["focused_on_load"] = page.evaluate("document.activeElement.id")
        page.click("#language")
        seen["title_en"] = page.title()
        seen["placeholder_en"] = page.get_attribute("#message", "placeholder")
        page.click("#language")
        page.keyboard.press("Tab")  # from the language switch, the keyboard reaches the message box
        seen["focused_after_tab"] = page.evaluate("document.activeElement.id")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.wait_for_selector("#log li.bot", timeout=30000)
        seen["first_reply"] = page.inner_text("#log li.bot >> nth=0")
        buttons = page.locator("#log li.bot .choices button")
        seen["buttons"] = buttons.all_inner_texts()
        seen["focused_after_reply"] = page.evaluate("document.activeElement.textContent")
        if seen["buttons"]:
            page.keyboard.press("Enter")  # the first choice has focus: choose it by keyboard
            page.wait_for_selector("#log li.bot >> nth=1", timeout=30000)
            seen["after_click"] = page.inner_text("#log li.bot >> nth=1")
            seen["buttons_disabled"] = buttons.first.is_disabled()
        seen["log_role"] = page.get_attribute("#log", "role")
        seen["horizontal_scroll"] = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
