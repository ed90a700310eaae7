"""Notifier throughput and latency: events/s processed and p50/p95/p99 time from event to message sent.

10,000 events across 1,000 subscribed citizens, fed at a steady rate through a loopback stand-in of govapi's
outbox (`GET /v1/events`, same wire format); the real notifier (`python -m bot.notifier`, SQLite in a temp
dir, default settings) sends them to a loopback stand-in of the edge's outbound route and Rasa's tracker
route. Loopback only, bounded in count and time. Run: `.venv/bin/python bench/notify.py [--rate 250]`.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-0123456789abcdef"
UTC = dt.timezone.utc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self, events: int, citizens: int) -> None:
        self.events: list[dict] = []
        self.created: dict[str, float] = {}
        self.received: dict[str, float] = {}
        self.duplicates = 0
        self.tracker_events = 0
        self.total, self.citizens = events, citizens

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/events", self.outbox)
        app.router.add_post("/webhooks/{channel}/outbound", self.outbound)
        app.router.add_post("/conversations/{cid}/tracker/events", self.tracker)
        return app

    async def outbox(self, request: web.Request) -> web.Response:
        after = int(request.query.get("after") or 0)
        limit = int(request.query.get("limit") or 100)
        page = self.events[after:after + limit]  # event ids are 1..n, so id == index + 1
        return web.json_response({"events": page, "next_cursor": page[-1]["id"] if page else str(after)})

    async def outbound(self, request: web.Request) -> web.Response:
        body = await request.json()
        key = body["text"].rsplit(" ", 1)[-1]  # the event id travels at the end of the note (see produce)
        if key in self.received:
            self.duplicates += 1
        else:
            self.received[key] = time.time()
        return web.json_response({"sent": True}, status=202)

    async def tracker(self, request: web.Request) -> web.Response:
        await request.read()
        self.tracker_events += 1
        return web.json_response({})

    async def produce(self, rate: float) -> None:
        """Append events at a steady rate; created_at is the instant the event exists in the outbox."""
        rng = random.Random(20261125)
        start = time.monotonic()
        statuses = ["under_review", "supplement_requested", "approved", "completed"]
        for i in range(1, self.total + 1):
            due = start + i / rate
            if (delay := due - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            citizen = rng.randrange(self.citizens)
            now = time.time()
            event_id = str(i)
            self.created[event_id] = now
            # The status label carries the event id so the stand-in can tell which event a message is for.
            self.events.append({"id": event_id, "type": "application.status_changed", "case_type": "application",
                                "case_number": f"AP-2026-{citizen:06d}", "citizen_id": f"ct_{citizen:06d}",
                                "data": {"status": rng.choice(statuses) + "_x",
                                         "status_label": {"ko": f"상태 {event_id}", "en": f"status {event_id}"}},
                                "created_at": dt.datetime.fromtimestamp(now, UTC).isoformat()})


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--citizens", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=250.0, help="events appended per second")
    parser.add_argument("--timeout", type=float, default=240.0, help="give up after this many seconds")
    args = parser.parse_args()

    bench = Bench(args.events, args.citizens)
    runner = web.AppRunner(bench.app(), access_log=None)
    await runner.setup()
    stand_in_port, notifier_port = free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", stand_in_port).start()
    stand_in = f"http://127.0.0.1:{stand_in_port}"
    tmp = tempfile.mkdtemp(prefix="notify-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFIER_", "GOVAPI_", "RASA_"))} | {
        "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/notifier.sqlite3", "NOTIFIER_PORT": str(notifier_port),
        "NOTIFIER_TOKEN": TOKEN, "GOVAPI_URL": stand_in, "RASA_URL": stand_in, "NOTIFIER_OUTBOUND_URL": stand_in,
        "NOTIFIER_SMS_QUIET_HOURS": "off"}
    log = open(f"{tmp}/notifier.log", "wb")
    profile = ["-m", "cProfile", "-o", os.environ["NOTIFY_BENCH_PROFILE"]] if os.environ.get("NOTIFY_BENCH_PROFILE") else []
    proc = subprocess.Popen([sys.executable, *profile, "-m", "bot.notifier"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + args.timeout
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            base = f"http://127.0.0.1:{notifier_port}"
            while True:
                try:
                    async with http.get(f"{base}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
                if time.monotonic() > deadline or proc.poll() is not None:
                    print("notifier did not start", file=sys.stderr)
                    return 1
            for c in range(args.citizens):
                async with http.post(f"{base}/v1/subscriptions", json={
                        "citizen_id": f"ct_{c:06d}", "conversation_id": f"tg:{100000 + c}",
                        "topics": ["application_status"], "language": "ko"}) as resp:
                    assert resp.status == 201, await resp.text()
        started = time.time()
        await bench.produce(args.rate)
        while len(bench.received) < args.events and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        finished = max(bench.received.values()) if bench.received else time.time()
    finally:
        rss = peak_rss_mb(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        await runner.cleanup()
        log.close()

    latencies = [bench.received[k] - bench.created[k] for k in bench.received]
    done = len(bench.received)
    print(f"notifier bench: {args.events} events across {args.citizens} citizens, fed at {args.rate:.0f}/s "
          f"(loopback govapi outbox, loopback edge + Rasa tracker)")
    print(f"delivered        {done}/{args.events} (duplicates {bench.duplicates}, tracker appends {bench.tracker_events})")
    print(f"throughput       {done / max(finished - started, 1e-9):.1f} events/s (first event to last message)")
    if latencies:
        print(f"event -> sent    p50 {percentile(latencies, 0.50) * 1000:.0f} ms, "
              f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms")
    print(f"notifier peak RSS {rss:.0f} MB" if rss else "notifier peak RSS n/a")
    return 0 if done == args.events else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
