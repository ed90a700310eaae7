"""The sandbox checkout page works in a real browser: a citizen opens the payment link, types a card, presses
Pay, sees the receipt, and govapi has the fine paid exactly once. A declined card leaves it payable.

A real govapi process (own SQLite file, free port) and Debian's chromium through Playwright.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

from e2e_kit import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICE, ADMIN = "e2e-checkout-service-token", "e2e-checkout-admin-token"


class Govapi:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: Any = None, token: str = SERVICE, **headers: str) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def verified_citizen(self, phone: str, birth: str) -> dict[str, str]:
        status, started = self.call("POST", "/v1/verifications",
                                    {"phone": phone, "birth_date": birth, "conversation_id": f"web:{uuid.uuid4()}"})
        assert status == 202, started
        _, outbox = self.call("GET", "/v1/admin/sms-outbox?phone=" + phone.replace("+", "%2B") + "&limit=1", token=ADMIN)
        code = re.search(r"\b(\d{6})\b", outbox["messages"][0]["body"]).group(1)
        status, verified = self.call("POST", f"/v1/verifications/{started['verification_id']}/verify", {"code": code})
        assert status == 200, verified
        return {"X-Citizen-Token": verified["access_token"]}


@pytest.fixture(scope="module")
def govapi(tmp_path_factory) -> Iterator[Govapi]:
    tmp = tmp_path_factory.mktemp("checkout")
    port = free_port()
    env = {**os.environ, "GOVAPI_PORT": str(port), "GOVAPI_URL": f"http://127.0.0.1:{port}",
           "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{port}", "GOVAPI_AUTO_MIGRATE": "1", "MINWON_ENV": "test",
           "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'govapi.sqlite3'}",
           "GOVAPI_SERVICE_TOKEN": SERVICE, "GOVAPI_ADMIN_TOKEN": ADMIN}
    log = open(tmp / "govapi.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "govapi", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("govapi did not start: " + (tmp / "govapi.log").read_text()[-2000:])
            time.sleep(0.3)
    yield Govapi(f"http://127.0.0.1:{port}")
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def new_payment(govapi: Govapi, citizen: dict[str, str]) -> tuple[dict, dict]:
    _, fines = govapi.call("GET", "/v1/me/fines?status=unpaid", **citizen)
    fine = next(f for f in fines["fines"] if f["status"] == "unpaid")
    status, payment = govapi.call("POST", "/v1/payments", {"fine_ids": [fine["id"]], "method": "card"},
                                  **citizen, **{"Idempotency-Key": f"browser-{uuid.uuid4()}"})
    assert status == 201, payment
    return fine, payment


def test_a_citizen_pays_a_fine_on_the_checkout_page_in_a_browser(govapi, browser):
    citizen = govapi.verified_citizen("+821098765432", "1990-07-02")
    fine, payment = new_payment(govapi, citizen)
    page = browser.new_page()
    page.goto(payment["checkout_url"])
    expect(page.get_by_text(payment["payment_id"])).to_be_visible()
    page.get_by_role("textbox").fill("4111 1111 1111 1111")
    page.locator("button.pay").click()
    expect(page.get_by_text(re.compile("RC-2026-"))).to_be_visible(timeout=15000)
    status, paid = govapi.call("GET", f"/v1/payments/{payment['payment_id']}", **citizen)
    assert status == 200 and paid["status"] == "paid" and paid["receipt_number"].startswith("RC-2026-")
    _, fines = govapi.call("GET", "/v1/me/fines?status=paid", **citizen)
    assert fine["id"] in {f["id"] for f in fines["fines"]}
    # Going back and pressing Pay again changes nothing: the fine was paid once.
    page.go_back()
    page.reload()
    expect(page.locator("button.pay")).to_have_count(0)
    page.close()


def test_a_declined_card_is_said_plainly_and_the_fine_stays_payable(govapi, browser):
    citizen = govapi.verified_citizen("+821012345678", "1985-03-14")
    fine, payment = new_payment(govapi, citizen)
    page = browser.new_page()
    page.goto(payment["checkout_url"])
    page.get_by_role("textbox").fill("4000 0000 0000 0002")
    page.locator("button.pay").click()
    expect(page.get_by_text("카드 승인이 거절되었습니다")).to_be_visible(timeout=15000)
    _, still = govapi.call("GET", f"/v1/payments/{payment['payment_id']}", **citizen)
    assert still["status"] == "pending"
    page.close()


def test_the_checkout_page_speaks_the_language_of_its_link_and_passes_axe(govapi, browser):
    """An English conversation's link carries lang=en (Korean without it); both pass axe-core's WCAG 2.0-2.2 A/AA
    rules on a phone and a desktop."""
    from axe_playwright_python.sync_playwright import Axe

    citizen = govapi.verified_citizen("+821055501234", "1952-11-08")
    _, payment = new_payment(govapi, citizen)
    found = {}
    for lang, pay in (("ko", "결제하기"), ("en", "Pay")):
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(payment["checkout_url"] + ("&lang=en" if lang == "en" else ""))
            assert page.evaluate("document.documentElement.lang") == lang
            expect(page.locator("button.pay")).to_have_text(pay)
            violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
                "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, "resultTypes": ["violations"]})
            if violations.response["violations"]:
                found[f"{lang}-{width}"] = [v["id"] for v in violations.response["violations"]]
            page.close()
    assert not found, found
