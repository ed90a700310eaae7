"""The phone simulator in a real browser (Debian's chromium through Playwright; tests/bot/console/browser_kit.py):
0 axe-core violations of WCAG 2.0-2.2 A/AA in Korean and English at 375 and 1280 px, nothing wider than the window or
covered; and, in development only, the one-time code govapi sends (a real govapi from its factory, its development
SMS outbox) arrives on the simulated SMS phone as a real phone would receive it. Screenshots: results/simulator/."""
from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest
import pytest_asyncio

from conftest import AUTH, SID, TOKEN
from standins.app import create_app
from standins.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bot" / "console"))
from browser_kit import WAIT_MS, axe_violations, chromium, layout_problems, new_page  # noqa: E402

SHOTS = ROOT / "results" / "simulator"
SERVICE, ADMIN = "simulator-test-service", "simulator-test-admin"
PHONE, CHAT = "+821012345678", 700100200  # the page's own defaults: 김민준's phone (seeded by govapi)


@pytest.fixture
def govapi_settings(tmp_path):
    from govapi.__main__ import migrate_and_seed
    from govapi.settings import load_settings

    settings = load_settings({"GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'govapi.sqlite3'}",
                              "GOVAPI_SERVICE_TOKEN": SERVICE, "GOVAPI_ADMIN_TOKEN": ADMIN})
    migrate_and_seed(settings)
    return settings


@pytest_asyncio.fixture
async def govapi(aiohttp_server, govapi_settings):
    from govapi.app import create_app as govapi_app

    return await aiohttp_server(govapi_app(govapi_settings, background_jobs=False))


def simulator_settings(govapi_url: str | None) -> Settings:
    return Settings.from_env(port=0, telegram_token=TOKEN, telegram_secret="standin-secret", twilio_account_sid=SID,
                             twilio_auth_token=AUTH, status_callback_delay=0.01, govapi_url=govapi_url,
                             govapi_admin_token=ADMIN)


async def send_code(aiohttp_client, govapi) -> str:
    """The assistant asks govapi to verify 김민준: govapi texts a code to his phone (here: its outbox)."""
    client = await aiohttp_client(govapi)
    r = await client.post("/v1/verifications", json={"phone": "010-1234-5678", "birth_date": "1985-03-14",
                                                      "conversation_id": f"sms:{PHONE}"},
                          headers={"Authorization": f"Bearer {SERVICE}"})
    assert r.status == 202, await r.text()
    outbox = await client.get("/v1/admin/sms-outbox", params={"phone": PHONE},
                              headers={"Authorization": f"Bearer {ADMIN}"})
    return (await outbox.json())["messages"][0]["body"]


async def what_the_bot_sent(client) -> None:
    """A Telegram reply with a keyboard and a text, as the edge sends them through the stand-in APIs."""
    r = await client.post(f"/telegram/bot{TOKEN}/sendMessage", json={
        "chat_id": CHAT, "text": "신청 진행 소식이 생기면 알려드릴까요?",
        "reply_markup": {"inline_keyboard": [[{"text": "네, 알려주세요", "callback_data": "t1"},
                                              {"text": "아니요", "callback_data": "t2"}]]}})
    assert r.status == 200
    basic = "Basic " + base64.b64encode(f"{SID}:{AUTH}".encode()).decode()
    r = await client.post(f"/twilio/2010-04-01/Accounts/{SID}/Messages.json", headers={"Authorization": basic},
                          data={"To": PHONE, "From": "+15005550006", "Body": "인증번호 6자리를 보내주세요."})
    assert r.status == 201


@pytest.mark.asyncio
async def test_the_code_reaches_the_sms_phone_and_the_page_passes_axe_in_both_languages(
        aiohttp_server, aiohttp_client, govapi):
    simulator = await aiohttp_server(create_app(simulator_settings(str(govapi.make_url("")).rstrip("/"))))
    await what_the_bot_sent(await aiohttp_client(simulator))
    body = await send_code(aiohttp_client, govapi)
    code = re.search(r"\b(\d{6})\b", body).group(1)
    base = str(simulator.make_url("")).rstrip("/")
    findings: dict = {}
    async with chromium() as browser:
        for lang in ("ko", "en"):
            for width in (375, 1280):
                page = await new_page(browser, lang, width)
                await page.goto(base + "/simulator/")
                received = page.locator("#sms-feed li.govapi")
                await received.first.wait_for(timeout=WAIT_MS)
                assert code in await received.first.inner_text()
                assert await page.evaluate("document.documentElement.lang") == lang
                sender = await received.first.locator(".from").inner_text()
                assert sender == {"ko": "인증 문자", "en": "Verification text"}[lang]
                await page.locator("#tg-feed .kb button").first.wait_for(timeout=WAIT_MS)
                SHOTS.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SHOTS / f"{lang}-{width}.png"), full_page=True)
                found = await axe_violations(page) + await layout_problems(page)
                if found:
                    findings[f"{lang}-{width}"] = found
                await page.context.close()
    assert not findings, findings


@pytest.mark.asyncio
async def test_codes_show_only_in_development(aiohttp_client, govapi, monkeypatch):
    url = str(govapi.make_url("")).rstrip("/")
    await send_code(aiohttp_client, govapi)
    shown = await aiohttp_client(create_app(simulator_settings(url)))
    feed = await (await shown.get("/simulator/feed", params={"channel": "sms", "id": PHONE})).json()
    assert [m["via"] for m in feed["messages"]] == ["govapi"]
    assert (await (await shown.get("/simulator/feed", params={"channel": "sms", "id": "+821099990000"})).json()) == {
        "messages": []}
    hidden = await aiohttp_client(create_app(simulator_settings(None)))
    assert (await (await hidden.get("/simulator/feed", params={"channel": "sms", "id": PHONE})).json()) == {"messages": []}
    # Only development reads govapi's outbox: the launcher's GOVAPI_URL under MINWON_ENV=development (or unset)
    monkeypatch.setenv("GOVAPI_URL", url + "/")
    monkeypatch.delenv("MINWON_ENV", raising=False)
    assert Settings.from_env().govapi_url == url
    monkeypatch.setenv("MINWON_ENV", "test")
    assert Settings.from_env().govapi_url is None
    # govapi not answering: the phone shows what it has, no error
    monkeypatch.setenv("MINWON_ENV", "development")
    gone = await aiohttp_client(create_app(simulator_settings("http://127.0.0.1:9")))
    assert (await (await gone.get("/simulator/feed", params={"channel": "sms", "id": PHONE})).json()) == {"messages": []}
