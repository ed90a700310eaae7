"""Uses the phone simulator page in headless Chromium (run with .venv's Python), as a demo visitor would.

Usage: simulator_browser.py <simulator url> <chat id> <phone>
Prints one JSON line with what each simulated phone showed.
"""
import json
import sys

from playwright.sync_api import sync_playwright

from webchat_browser import ARGS, CHROMIUM


def main(url: str, chat_id: str, phone: str) -> None:
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(url)
        page.fill("#tg-chat", chat_id)
        page.fill("#sms-phone", phone)
        page.fill("#tg-text", "colors")
        page.press("#tg-text", "Enter")
        page.locator("#tg-feed .kb button", has_text="파랑 blue").wait_for(timeout=30000)
        page.locator("#tg-feed .kb button", has_text="파랑 blue").click()
        page.locator("#tg-feed li.bot", has_text="you picked blue").wait_for(timeout=30000)
        seen["telegram"] = page.locator("#tg-feed li").all_inner_texts()
        page.fill("#sms-text", "colors")
        page.press("#sms-text", "Enter")
        page.locator("#sms-feed li.bot", has_text="1 빨강 red").wait_for(timeout=30000)
        page.fill("#sms-text", "2")
        page.press("#sms-text", "Enter")
        page.locator("#sms-feed li.bot", has_text="you picked blue").wait_for(timeout=30000)
        seen["sms"] = page.locator("#sms-feed li").all_inner_texts()
        browser.close()
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
