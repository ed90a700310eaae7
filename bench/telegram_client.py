"""CPU per Telegram send of the edge's python-telegram-bot transport: PTB's default (httpx) against ours (aiohttp,
edge/telegram_request.py), in one run, against a loopback Bot API that answers every sendMessage at once.

    .venv/bin/python bench/telegram_client.py [--sends 3000] [--concurrency 20] [--rounds 3]

Each round sends the same Korean reply with a two-button inline keyboard (a typical turn's message) through each
transport in turn, in this process, and prints CPU ms per send (process time, which the Bot API stand-in, running in
another process, does not add to) and sends/s. The machine is shared and noisy: compare the ratio within one run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from edge.telegram_delivery import bot_of  # noqa: E402

TEXT = "안녕하세요. 과태료 납부, 신청 현황 조회, 전입신고, 민원 접수를 도와드릴 수 있어요. 무엇을 도와드릴까요?"
STUB = """
import json, sys
from aiohttp import web
body = json.dumps({"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                          "text": "x"}}).encode()
async def answer(request):
    await request.read()
    return web.Response(body=body, content_type="application/json")
app = web.Application()
app.router.add_post("/{tail:.*}", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("the Bot API stand-in did not start")


def httpx_bot(base: str, token: str) -> Bot:
    request = HTTPXRequest(connection_pool_size=64, read_timeout=30, write_timeout=30, connect_timeout=5,
                           pool_timeout=5)
    return Bot(token, base_url=f"{base}/bot", request=request, get_updates_request=request)


async def measure(make: Callable[[str, str], Bot], base: str, sends: int, concurrency: int) -> Dict[str, float]:
    bot = make(base, "123456:bench-token")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("네", callback_data="t1"),
                                      InlineKeyboardButton("아니요", callback_data="t2")]])
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await bot.send_message("1", TEXT, reply_markup=keyboard)

    try:
        await asyncio.gather(*(one() for _ in range(50)))  # warm: connections open, code paths loaded
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one() for _ in range(sends)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await bot.request.shutdown()
    return {"cpu_ms_per_send": 1000 * cpu / sends, "sends_per_s": sends / wall}


async def run(args: argparse.Namespace, base: str) -> Dict[str, List[Dict[str, float]]]:
    results: Dict[str, List[Dict[str, float]]] = {"httpx (PTB default)": [], "aiohttp (edge)": []}
    for _ in range(args.rounds):
        results["httpx (PTB default)"].append(await measure(httpx_bot, base, args.sends, args.concurrency))
        results["aiohttp (edge)"].append(await measure(bot_of, base, args.sends, args.concurrency))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sends", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    port = free_port()
    stub = subprocess.Popen([sys.executable, "-c", STUB, str(port)], env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_listening(port)
        results = asyncio.run(run(args, f"http://127.0.0.1:{port}/telegram"))
    finally:
        stub.terminate()
        stub.wait(timeout=10)
    summary = {name: {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
               for name, rounds in results.items()}
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{args.sends} sendMessage calls x {args.rounds} rounds, {args.concurrency} at a time (medians)")
    print(f"{'transport':<22} {'CPU ms/send':>12} {'sends/s':>9}")
    for name, figures in summary.items():
        print(f"{name:<22} {figures['cpu_ms_per_send']:>12.3f} {figures['sends_per_s']:>9.0f}")
    base_cpu = summary["httpx (PTB default)"]["cpu_ms_per_send"]
    print(f"aiohttp / httpx CPU per send: {summary['aiohttp (edge)']['cpu_ms_per_send'] / base_cpu:.2f}")


if __name__ == "__main__":
    main()
