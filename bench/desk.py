"""Desk figures: escalations (POST /v1/handoffs) and claims (two agents racing for every handoff) against the
real console app, a real Redis (own key prefix) and SQLite, with the loopback Rasa/connector stand-in.

    .venv/bin/python bench/desk.py [--handoffs 300] [--concurrency 10]

Prints p50/p95/p99 latency, requests per second and peak memory; checks every claim had one winner.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiohttp import ClientSession, CookieJar, web

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests/bot/console")]

from bot.console.app import create_app  # noqa: E402
from bot.console.settings import ConsoleSettings  # noqa: E402
from bot.desk.hours import BusinessHours  # noqa: E402
from loopback_upstream import OUTBOUND_TOKEN, RASA_TOKEN, Upstream, build  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def report(name: str, latencies: list[float], elapsed: float) -> None:
    print(f"{name:<26} n={len(latencies):<5} p50={pct(latencies, 50):7.1f} ms  p95={pct(latencies, 95):7.1f} ms  "
          f"p99={pct(latencies, 99):7.1f} ms  {len(latencies) / elapsed:7.1f} req/s")


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


async def login(url: str, user: str) -> tuple[ClientSession, str]:
    http = ClientSession(cookie_jar=CookieJar(unsafe=True))
    token = (await (await http.get(f"{url}/api/login-token")).json())["csrf"]
    me = await (await http.post(f"{url}/api/login", json={"username": user, "password": f"{user}-demo"},
                                headers={"X-CSRF-Token": token})).json()
    return http, me["csrf"]


async def main(handoffs: int, concurrency: int) -> None:
    import logging
    logging.basicConfig(level=logging.ERROR)
    up_runner, up_url = await serve(build(Upstream()))
    ns = f"bench-desk-{uuid.uuid4().hex[:8]}:"
    settings = ConsoleSettings(env="bench", database_url=f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'c.sqlite3'}",
                               namespace=ns, rasa_url=up_url, rasa_token=RASA_TOKEN, outbound_token=OUTBOUND_TOKEN,
                               govapi_url=up_url, handoff_token="bench", hours=BusinessHours(always_open=True))
    app = create_app(settings)
    runner, url = await serve(app)
    try:
        limit = asyncio.Semaphore(concurrency)
        ids: list[str] = []
        open_lat: list[float] = []
        async with ClientSession() as bot:
            async def escalate(n: int) -> None:
                async with limit:
                    body = {"conversation_id": f"tg:{n}", "channel": "telegram", "language": "ko", "reason": "requested",
                            "skill": ("payments", "address", "complaints", "general")[n % 4], "idempotency_key": f"b{n}"}
                    start = time.perf_counter()
                    async with bot.post(f"{url}/v1/handoffs", json=body, headers={"Authorization": "Bearer bench"}) as r:
                        ids.append((await r.json())["handoff_id"])
                    open_lat.append(time.perf_counter() - start)
            t0 = time.perf_counter()
            await asyncio.gather(*(escalate(n) for n in range(handoffs)))
            report("escalate POST /v1/handoffs", open_lat, time.perf_counter() - t0)

        agents = [await login(url, "agent1"), await login(url, "agent2")]
        claim_lat: list[float] = []
        winners = 0

        async def race(handoff_id: str) -> None:
            nonlocal winners
            async with limit:
                async def claim(http: ClientSession, csrf: str) -> int:
                    start = time.perf_counter()
                    async with http.post(f"{url}/api/handoffs/{handoff_id}/claim", json={},
                                         headers={"X-CSRF-Token": csrf}) as r:
                        claim_lat.append(time.perf_counter() - start)
                        return r.status
                statuses = await asyncio.gather(*(claim(h, c) for h, c in agents))
                assert sorted(statuses) == [200, 409], statuses
                winners += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(race(i) for i in ids))
        report("claim (2 agents racing)", claim_lat, time.perf_counter() - t0)
        print(f"claim races with exactly one winner: {winners}/{len(ids)}")
        for http, _ in agents:
            await http.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (bench process incl. console app): {peak:.0f} MB")
    finally:
        await runner.cleanup()
        await up_runner.cleanup()
        from redis.asyncio import Redis
        redis = Redis.from_url(settings.redis_url)
        async for key in redis.scan_iter(f"{ns}*"):
            await redis.delete(key)
        await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handoffs", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.handoffs, args.concurrency))
