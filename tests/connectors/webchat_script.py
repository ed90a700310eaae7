"""Plays a scripted conversation in the web chat in headless Chromium (run with .venv's Python).

Usage: webchat_script.py <page url> <screenshot path> <steps JSON>
Steps: "text:<what to type>", "click:<button title substring>", "code:<E.164>" (types the one-time code
from govapi's development SMS outbox; GOVAPI_URL and GOVAPI_ADMIN_TOKEN from the environment).
Prints one JSON line: every bot message and the buttons seen.
"""
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

from webchat_browser import ARGS, CHROMIUM


def latest_code(phone: str) -> str:
    url = os.environ["GOVAPI_URL"] + "/v1/admin/sms-outbox?" + urllib.parse.urlencode({"phone": phone})
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + os.environ["GOVAPI_ADMIN_TOKEN"]})
    for message in json.load(urllib.request.urlopen(request))["messages"]:
        found = re.search(r"\b(\d{6})\b", message["body"])
        if found:
            return found.group(1)
    raise SystemExit("no code in the outbox")


def main(url: str, screenshot: str, steps_json: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 420, "height": 900}, locale="ko-KR")
        page.goto(url)
        bot = page.locator("#log li.bot")
        for step in json.loads(steps_json):
            kind, _, value = step.partition(":")
            before = bot.count()
            if kind == "click":
                page.locator("#log li.bot .choices button", has_text=value).last.click()
            else:
                page.fill("#message", latest_code(value) if kind == "code" else value)
                page.keyboard.press("Enter")
            deadline = time.monotonic() + 60
            while bot.count() <= before and time.monotonic() < deadline:
                page.wait_for_timeout(100)
        seen = {"bot": bot.all_inner_texts(),
                "buttons": page.locator("#log li.bot .choices button").all_inner_texts()}
        # Grow the window to the whole conversation, so the sticky message box sits below it.
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": 420, "height": min(height + 10, 4000)})
        page.screenshot(path=screenshot)
        browser.close()
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
