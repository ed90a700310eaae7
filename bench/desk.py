"""Desk figures: escalations (POST /v1/handoffs) and claims (two agents racing for every handoff) against the
real console app, a real Redis (own key prefix) and SQLite, with the loopback Rasa/connector stand-in.

    .venv/bin/python bench/desk.py [--handoffs 300] [--concurrency 10]
    .venv/bin/python bench/desk.py --login-flood [--handoffs 300] [--flood 50]

Prints p50/p95/p99 latency, requests per second and peak memory; checks every claim had one winner.
--login-flood (issue 12): handoff acceptance latency (POST /v1/handoffs, which the actions give 3 s) without and
then during a flood of bad console logins from `--flood` parallel clients in another process, in one run; the
goal is p95 <= 100 ms during the flood. The flood's clients ignore Retry-After and retry at once; its answers
are counted by status and code. What the console does about it (measured here on 2 cores): every attempt is
counted before any password is checked; argon2 runs in a pool of its own at nice 10 with one check per two
cores, and a login beyond that is a 429 login_busy at once; a connection that comes back while told to wait is
not read until the wait is over (bot/console/backoff.py); SQLite handoff writes take turns on one connection.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
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


def flood_process(url: str, clients: int, started, stop, results) -> None:
    """`clients` parallel bad logins, each sent as soon as the last one was answered, until `stop` is set."""
    async def run() -> None:
        counts: dict[str, int] = {}
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:  # the login token's cookie on 127.0.0.1
            async def one(n: int) -> None:
                while not stop.is_set():
                    # A fresh login token each time, as the page gets one: the attempt reaches the password check.
                    token = (await (await http.get(f"{url}/api/login-token")).json())["csrf"]
                    user = ("agent1", "agent2", "supervisor", f"nobody{n}")[n % 4]
                    async with http.post(f"{url}/api/login", json={"username": user, "password": f"wrong-{n}"},
                                         headers={"X-CSRF-Token": token}) as r:
                        answer = f"{r.status} {(await r.json()).get('code', '')}"
                        counts[answer] = counts.get(answer, 0) + 1
                    if sum(counts.values()) >= clients:
                        started.set()
            await asyncio.gather(*(one(n) for n in range(clients)))
        results.put(counts)
    asyncio.run(run())


async def escalations(url: str, count: int, concurrency: int, prefix: str) -> tuple[list[float], float]:
    limit = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    async with ClientSession() as bot:
        async def escalate(n: int) -> None:
            async with limit:
                body = {"conversation_id": f"tg:{prefix}{n}", "channel": "telegram", "language": "ko",
                        "reason": "requested", "skill": "general", "idempotency_key": f"{prefix}-{n}"}
                start = time.perf_counter()
                async with bot.post(f"{url}/v1/handoffs", json=body, headers={"Authorization": "Bearer bench"}) as r:
                    assert r.status == 201, (r.status, await r.text())
                latencies.append(time.perf_counter() - start)
        t0 = time.perf_counter()
        await asyncio.gather(*(escalate(n) for n in range(count)))
    return latencies, time.perf_counter() - t0


async def login_flood(handoffs: int, concurrency: int, clients: int) -> None:
    import logging
    logging.basicConfig(level=logging.ERROR)
    up_runner, up_url = await serve(build(Upstream()))
    ns = f"bench-desk-{uuid.uuid4().hex[:8]}:"
    settings = ConsoleSettings(env="bench", database_url=f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'c.sqlite3'}",
                               namespace=ns, rasa_url=up_url, rasa_token=RASA_TOKEN, outbound_token=OUTBOUND_TOKEN,
                               govapi_url=up_url, handoff_token="bench", hours=BusinessHours(always_open=True))
    runner, url = await serve(create_app(settings))
    ctx = multiprocessing.get_context("spawn")
    started, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    flood = ctx.Process(target=flood_process, args=(url, clients, started, stop, results), daemon=True)
    try:
        await escalations(url, 20, concurrency, "warm")  # connections, caches and the database file warmed once
        quiet, quiet_s = await escalations(url, handoffs, concurrency, "quiet")
        report("handoff, no flood", quiet, quiet_s)
        flood.start()
        while not started.is_set():  # the flood is on once each client had an answer
            await asyncio.sleep(0.05)
            assert flood.is_alive(), "the login flood process died"
        t0 = time.perf_counter()
        during, during_s = await escalations(url, handoffs, concurrency, "flood")
        report(f"handoff, {clients} bad logins", during, during_s)
        stop.set()
        counts = await asyncio.get_running_loop().run_in_executor(None, results.get, True, 60)
        logins = sum(counts.values())
        print(f"bad logins answered during the run: {logins} ({logins / (time.perf_counter() - t0):.0f}/s), "
              f"by status: {dict(sorted(counts.items()))}")
        p95 = pct(during, 95)
        print(f"goal p95 <= 100 ms during the flood: {'met' if p95 <= 100 else 'NOT met'} ({p95:.1f} ms)")
    finally:
        stop.set()
        if flood.is_alive():
            flood.join(30)
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
    parser.add_argument("--login-flood", action="store_true", help="handoff latency without and during bad logins")
    parser.add_argument("--flood", type=int, default=50, help="parallel bad-login clients (with --login-flood)")
    args = parser.parse_args()
    if args.login_flood:
        asyncio.run(login_flood(args.handoffs, args.concurrency, args.flood))
    else:
        asyncio.run(main(args.handoffs, args.concurrency))
