"""Screenshots of the console and the supervisor dashboard for the README (docs/img/console.png, dashboard.png).

Runs the real console app with a loopback Rasa/connector stand-in (tests/bot/console/loopback_upstream.py),
a throwaway SQLite file and its own Redis namespace, fills it with a few demo handoffs and two weeks of
history, and drives Debian's chromium with Playwright:

    .venv/bin/python tests/e2e/console_screenshots.py
"""
from __future__ import annotations

import asyncio
import datetime as dt
import random
import sys
import tempfile
import uuid
from pathlib import Path

from aiohttp import ClientSession, CookieJar, web
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests/bot/console")]

from bot.console.app import create_app  # noqa: E402
from bot.console.appkeys import DB, REDIS  # noqa: E402
from bot.console.settings import ConsoleSettings  # noqa: E402
from bot.console.tables import Handoff  # noqa: E402
from bot.desk.hours import BusinessHours  # noqa: E402
from loopback_upstream import OUTBOUND_TOKEN, RASA_TOKEN, Upstream, build  # noqa: E402

CHROMIUM = dict(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run"])


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


async def main() -> None:
    upstream = Upstream()
    up_runner, up_url = await serve(build(upstream))
    tmp = Path(tempfile.mkdtemp())
    ns = f"screens-{uuid.uuid4().hex[:8]}:"
    app = create_app(ConsoleSettings(env="demo", database_url=f"sqlite+aiosqlite:///{tmp / 'c.sqlite3'}",
                                     namespace=ns, rasa_url=up_url, rasa_token=RASA_TOKEN, outbound_token=OUTBOUND_TOKEN,
                                     govapi_url=up_url, handoff_token="h", hours=BusinessHours(always_open=True)))
    runner, url = await serve(app)
    try:
        cid = "tg:5550001"
        upstream.say(cid, "user", "과태료 내고 싶어요", intent="pay_fine")
        upstream.say(cid, "bot", "미납 과태료 2건: 1) 주정차 위반 ₩40,000 2) 속도 위반 ₩50,000. 몇 번을 내시겠어요?")
        upstream.say(cid, "user", "1번", intent="choose")
        upstream.say(cid, "bot", "결제가 완료되지 않았어요 (카드사 응답 없음). 다시 시도할까요?")
        upstream.say(cid, "user", "상담원 연결해 주세요", intent="request_human")
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
            auth = {"Authorization": "Bearer h"}
            body = {"conversation_id": cid, "channel": "telegram", "language": "ko", "reason": "requested",
                    "verified": True, "citizen_id": "C-000017", "skill": "payments", "intent": "pay_fine",
                    "form": {"name": "pay_fine_form", "slots": {"fine_ids": ["FN-2026-000031"], "payment_method": "card"}},
                    "last_errors": ["payment_failed: provider timeout"], "idempotency_key": "s1"}
            handoff_id = (await (await http.post(f"{url}/v1/handoffs", json=body, headers=auth)).json())["handoff_id"]
            for n, (c, lang, skill) in enumerate((("sms:+821034567890", "ko", "address"), ("web:7f3a", "en", "general"),
                                                  ("tg:5550002", "ko", "complaints"))):
                await http.post(f"{url}/v1/handoffs", headers=auth, json={**body, "conversation_id": c, "language": lang,
                                "skill": skill, "verified": False, "citizen_id": None, "form": None,
                                "last_errors": [], "idempotency_key": f"q{n}"})
            token = (await (await http.get(f"{url}/api/login-token")).json())["csrf"]
            me = await (await http.post(f"{url}/api/login", json={"username": "agent1", "password": "agent1-demo"},
                                        headers={"X-CSRF-Token": token})).json()
            h = {"X-CSRF-Token": me["csrf"]}
            claimed = await http.post(f"{url}/api/handoffs/{handoff_id}/claim", json={}, headers=h)
            assert claimed.status == 200, await claimed.text()
            await http.post(f"{url}/api/handoffs/{handoff_id}/reply", json={"text": "안녕하세요, 상담원입니다. 결제 오류를 확인해 볼게요."}, headers=h)
            await app[REDIS].xadd(f"{ns}inbox", {"conversation_id": cid, "text": "네, 카드로 다시 내고 싶어요", "received_at": ""})
            await http.post(f"{url}/api/handoffs/{handoff_id}/notes", json={"text": "카드사 타임아웃 1회. 재시도 안내."}, headers=h)
        # Two weeks of history for the dashboard, and connector conversation counts for the containment rate.
        rnd = random.Random(5)
        today = dt.datetime.now(dt.timezone.utc).replace(hour=3, minute=0, second=0, microsecond=0)
        async with app[DB]() as session:
            for back in range(1, 14):
                day = today - dt.timedelta(days=back)
                count = rnd.randint(3, 9)
                await app[REDIS].pfadd(f"{ns}stats:conversations:{day.date()}", *[f"c{back}-{i}" for i in range(count * rnd.randint(4, 7))])
                for i in range(count):
                    created = day + dt.timedelta(minutes=37 * i)
                    session.add(Handoff(id=f"HO-DEMO{back:02d}{i}", idempotency_key=f"demo{back}-{i}",
                                        conversation_id=f"tg:{back}{i}", channel="telegram", language="ko",
                                        skill=rnd.choice(["payments", "address", "complaints", "general"]),
                                        reason="requested", state="closed", agent="agent1", created_at=created,
                                        claimed_at=created + dt.timedelta(seconds=rnd.randint(30, 420)),
                                        closed_at=created + dt.timedelta(minutes=9), satisfaction=rnd.choice([3, 4, 4, 5, 5, None])))
            await session.commit()
        await app[REDIS].pfadd(f"{ns}stats:conversations:{today.date()}", *[f"t{i}" for i in range(18)])
        await asyncio.sleep(1.5)  # the inbox consumer keeps the citizen's message
        out = ROOT / "docs/img"
        out.mkdir(parents=True, exist_ok=True)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**CHROMIUM)
            page = await browser.new_page(viewport={"width": 1400, "height": 860})
            page.on("console", lambda m: print("browser:", m.text))
            page.on("pageerror", lambda e: print("page error:", e))
            await page.goto(url + "/")
            await page.fill("input[name=username]", "agent1")
            await page.fill("input[name=password]", "agent1-demo")
            await page.click("#login-form button")
            await page.wait_for_selector("#who-name:not(:empty)")
            await page.click("nav button[data-view=mine]")
            await page.click(f"#list tbody tr[data-id='{handoff_id}']")
            await page.wait_for_selector("#transcript .msg.agent")
            await page.screenshot(path=str(out / "console.png"), full_page=True)
            await page.click("#logout")
            await page.fill("input[name=username]", "supervisor")
            await page.fill("input[name=password]", "supervisor-demo")
            await page.click("#login-form button")
            await page.click("nav button[data-view=dashboard]")
            await page.wait_for_selector(".chart svg")
            await page.screenshot(path=str(out / "dashboard.png"), full_page=True)
            await browser.close()
        print(f"wrote {out / 'console.png'} and {out / 'dashboard.png'}")
    finally:
        from redis.asyncio import Redis
        await runner.cleanup()
        await up_runner.cleanup()
        redis = Redis.from_url(ConsoleSettings.redis_url)
        async for key in redis.scan_iter(f"{ns}*"):
            await redis.delete(key)
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
