"""Turn latency through the internal turn channel (minwon_rasa/internal_channel.py), plus the model's training and
load time.

    .venv/bin/python bench/turns.py [--model models/minwon.tar.gz | --train] [--turns 60]

Starts what it needs on free ports, all bounded in time: govapi (own SQLite file, demo data), the action server
(`python -m actions.server`), and `rasa run` with the model. Prints p50/p95/p99 for
  - a turn without a govapi call ("안녕하세요" -> utter_greet; the per-turn action still runs),
  - a turn with a govapi call (a verified citizen asks the status of AP-2026-000003: form, validation
    action, answering action, GET /v1/cases),
and the model load time (process start -> model ready) and, with --train, the training time.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv-rasa/bin/rasa"
RPY = ROOT / ".venv-rasa/bin/python"
PY = ROOT / ".venv/bin/python"
SERVICE_TOKEN = "bench-service-token"
ADMIN_TOKEN = "bench-admin-token"
TURN_TOKEN = "bench-internal-channel-token"  # INTERNAL_CHANNEL_TOKEN of the Rasa server started here
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def wait_port(port: int, process: subprocess.Popen, name: str, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not listen within {timeout:.0f} s")


async def wait_model(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"rasa exited with {process.returncode}")
            try:
                async with session.get(url + "/status", params={"token": "bench-rasa-token"}) as resp:
                    if resp.status == 200 and (await resp.json()).get("model_file"):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("rasa did not load the model in time")


async def say(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple:
    """One turn (a new message id each time); returns the milliseconds and the turn's replies."""
    start = time.perf_counter()
    async with session.post(url + "/webhooks/internal/turn",
                            json={"conversation_id": sender, "message_id": uuid.uuid4().hex, "text": text},
                            headers={"Authorization": f"Bearer {TURN_TOKEN}"}) as resp:
        body = await resp.json()
        if resp.status != 200:
            raise SystemExit(f"the internal channel answered {resp.status}: {body}")
    return (time.perf_counter() - start) * 1000, body["replies"]


async def latest_code(session: aiohttp.ClientSession, govapi: str, phone: str) -> str:
    async with session.get(govapi + "/v1/admin/sms-outbox", params={"phone": phone, "limit": "1"},
                           headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as resp:
        messages = (await resp.json())["messages"]
    return re.search(r"\d{6}", messages[0]["body"]).group(0)


async def measure(rasa_url: str, govapi_url: str, turns: int) -> Dict[str, List[float]]:
    results: Dict[str, List[float]] = {"no govapi call": [], "with govapi call": []}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for _ in range(3):  # warm-up: first calls load lazy parts
            await say(session, rasa_url, f"web:{uuid.uuid4()}", "안녕하세요")
        plain = [f"web:{uuid.uuid4()}" for _ in range(10)]
        for i in range(turns):
            ms, _ = await say(session, rasa_url, plain[i % len(plain)], "안녕하세요")
            results["no govapi call"].append(ms)

        # Ten verified citizens' conversations, taken in turn: realistic tracker lengths (a handful of turns
        # each), since every action call carries the whole tracker.
        senders = [f"web:{uuid.uuid4()}" for _ in range(10)]
        for sender in senders:
            await say(session, rasa_url, sender, "AP-2026-000003 어디까지 됐나요?")
            await say(session, rasa_url, sender, "010-1234-5678")
            await say(session, rasa_url, sender, "1985-03-14")
            _, reply = await say(session, rasa_url, sender, await latest_code(session, govapi_url, "+821012345678"))
            if not any("AP-2026-000003" in (m.get("text") or "") for m in reply):
                raise SystemExit(f"verification through the internal channel failed: {reply}")
        for i in range(turns):
            ms, reply = await say(session, rasa_url, senders[i % len(senders)], "AP-2026-000003 어디까지 됐나요?")
            if not any("AP-2026-000003" in (m.get("text") or "") for m in reply):
                raise SystemExit(f"status turn did not answer: {reply}")
            results["with govapi call"].append(ms)
    return results


def train(out_dir: Path) -> float:
    """Seconds for a cold training: an empty training cache (Rasa would otherwise restore unchanged parts)."""
    start = time.perf_counter()
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(out_dir / "cold-cache")}
    subprocess.run([str(RASA), "train", "--config", "config.yml", "--domain", "domain", "--data", "data",
                    "--out", str(out_dir), "--fixed-model-name", "bench"], cwd=ROOT, check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models/minwon.tar.gz"))
    parser.add_argument("--train", action="store_true", help="train a fresh model first and time it")
    parser.add_argument("--turns", type=int, default=60, help="turns per kind (bounded: at most 500)")
    args = parser.parse_args()
    turns = max(5, min(args.turns, 500))

    work = Path(tempfile.mkdtemp(prefix="minwon-bench-"))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    processes: List[subprocess.Popen] = []
    figures: Dict[str, str] = {}
    try:
        model = Path(args.model)
        if args.train:
            seconds = train(work)
            figures["training time"] = f"{seconds:.1f} s"
            model = work / "bench.tar.gz"
        if not model.exists():
            raise SystemExit(f"no model at {model}: pass --model or --train")

        govapi_port, action_port, rasa_port = free_port(), free_port(), free_port()
        govapi_url = f"http://127.0.0.1:{govapi_port}"
        env.update({"GOVAPI_PORT": str(govapi_port), "GOVAPI_URL": govapi_url,
                    "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{work}/govapi.sqlite3", "GOVAPI_AUTO_MIGRATE": "1",
                    "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN,
                    "GOVAPI_LOG_LEVEL": "WARNING", "GOVAPI_VERIFY_LIMIT_PER_PHONE": "1000",
                    "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "1000", "INTERNAL_CHANNEL_TOKEN": TURN_TOKEN,
                    "ACTION_PORT": str(action_port), "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook"})
        env.pop("HANDOFF_URL", None)
        logs = open(work / "processes.log", "wb")
        processes.append(subprocess.Popen([str(PY), "-m", "govapi"], cwd=ROOT, env=env, stdout=logs, stderr=logs))
        processes.append(subprocess.Popen([str(RPY), "-m", "actions.server"], cwd=ROOT, env=env, stdout=logs,
                                          stderr=logs))
        wait_port(govapi_port, processes[0], "govapi")
        wait_port(action_port, processes[1], "action server")

        load_start = time.perf_counter()
        rasa = subprocess.Popen([str(RASA), "run", "--model", str(model), "--port", str(rasa_port),
                                 "--interface", "127.0.0.1", "--endpoints", "endpoints.yml",
                                 "--credentials", "credentials.yml", "--enable-api", "--auth-token",
                                 "bench-rasa-token"], cwd=ROOT, env=env, stdout=logs, stderr=logs)
        processes.append(rasa)
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        asyncio.run(wait_model(rasa_url, rasa))
        figures["model load time (rasa run start -> model ready)"] = f"{time.perf_counter() - load_start:.1f} s"

        results = asyncio.run(measure(rasa_url, govapi_url, turns))
        print(f"minwon turn latency through /webhooks/internal/turn ({turns} turns each, sequential)")
        for kind, values in results.items():
            print(f"  {kind:18s} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 95):7.1f} ms   "
                  f"p99 {percentile(values, 99):7.1f} ms   mean {statistics.fmean(values):7.1f} ms")
        for name, value in figures.items():
            print(f"  {name}: {value}")
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
