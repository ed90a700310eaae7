"""Benchmark govapi: requests/s and p50/p95/p99 latency for a status lookup, a fine listing and a
payment creation, on SQLite and on PostgreSQL, under concurrency. Loopback only, bounded.

    .venv/bin/python bench/govapi.py [--requests 300] [--concurrency 16] [--backends sqlite,postgresql]

Each backend gets a fresh database (a temp SQLite file; a PostgreSQL database govapi_bench_<random>,
dropped at the end) and a real `python -m govapi` process that migrates and seeds it. The client
runs in this process on the same machine, so the figures include its cost too.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("GOVAPI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SERVICE, ADMIN = "bench-service-token", "bench-admin-token"
MINJUN = ("+821012345678", "1985-03-14")
PAYER = "ct_000006"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_govapi(database_url: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVAPI_", "MINWON_"))}
    env.update({"GOVAPI_DATABASE_URL": database_url, "GOVAPI_AUTO_MIGRATE": "1", "GOVAPI_PORT": str(port),
                "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{port}", "GOVAPI_SERVICE_TOKEN": SERVICE,
                "GOVAPI_ADMIN_TOKEN": ADMIN, "GOVAPI_LOG_LEVEL": "WARNING", "GOVAPI_WORKER_INTERVAL": "60",
                "GOVAPI_VERIFY_LIMIT_PER_PHONE": "1000", "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "1000"})
    log = open(workdir / "govapi.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "govapi"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError((workdir / "govapi.log").read_text()[-2000:])
            try:
                async with http.get(f"{base}/readyz") as resp:
                    if resp.status == 200:
                        return proc, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("govapi did not become ready")


async def login(http: aiohttp.ClientSession, base: str, phone: str, birth_date: str) -> str:
    service = {"Authorization": f"Bearer {SERVICE}"}
    async with http.post(f"{base}/v1/verifications", headers=service, json={
            "phone": phone, "birth_date": birth_date, "conversation_id": "bench"}) as resp:
        verification_id = (await resp.json())["verification_id"]
    async with http.get(f"{base}/v1/admin/sms-outbox", params={"phone": phone, "limit": "1"},
                        headers={"Authorization": f"Bearer {ADMIN}"}) as resp:
        code = re.search(r"\b\d{6}\b", (await resp.json())["messages"][0]["body"]).group()
    async with http.post(f"{base}/v1/verifications/{verification_id}/verify", headers=service,
                         json={"code": code}) as resp:
        return (await resp.json())["access_token"]


async def run_load(http: aiohttp.ClientSession, requests: list[tuple[str, str, dict, dict | None]],
                   concurrency: int, expect: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(requests))

    async def worker() -> None:
        nonlocal errors
        while queue:
            method, url, headers, body = queue.pop()
            started = time.perf_counter()
            async with http.request(method, url, headers=headers, json=body) as resp:
                await resp.read()
                if resp.status != expect:
                    errors += 1
            latencies.append(time.perf_counter() - started)

    wall = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    wall = time.perf_counter() - wall
    q = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / wall, "p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000,
            "errors": errors}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bench_backend(name: str, database_url: str, n: int, concurrency: int) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = await start_govapi(database_url, Path(tmp))
        try:
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as http:
                admin = {"Authorization": f"Bearer {ADMIN}"}
                async with http.get(f"{base}/v1/admin/citizens/{PAYER}", headers=admin) as resp:
                    payer = await resp.json()
                fine_ids = []
                for _ in range(n):  # setup, not measured: one fresh fine per payment
                    async with http.post(f"{base}/v1/admin/fines", headers=admin, json={
                            "citizen_id": PAYER, "kind": "illegal_parking", "plate": "12가3456", "place": "bench",
                            "base_amount": 40000, "due_date": "2030-01-01"}) as resp:
                        fine_ids.append((await resp.json())["id"])
                citizen = {"Authorization": f"Bearer {SERVICE}", "X-Citizen-Token": await login(http, base, *MINJUN)}
                payer_headers = {"Authorization": f"Bearer {SERVICE}",
                                 "X-Citizen-Token": await login(http, base, payer["phone"], payer["birth_date"])}
                scenarios = {
                    "status lookup": ([("GET", f"{base}/v1/applications/AP-2026-000003", citizen, None)] * n, 200),
                    "fine listing": ([("GET", f"{base}/v1/me/fines", citizen, None)] * n, 200),
                    "payment creation": ([("POST", f"{base}/v1/payments",
                                           {**payer_headers, "Idempotency-Key": f"bench-{i}"}, {"fine_ids": [fid]})
                                          for i, fid in enumerate(fine_ids)], 201),
                }
                rows = []
                for scenario, (requests, expect) in scenarios.items():
                    if expect == 200:  # warm up the read paths; payments cannot be repeated
                        await run_load(http, requests[: max(n // 10, 10)], concurrency, expect)
                    result = await run_load(http, requests, concurrency, expect)
                    rows.append((name, scenario, n, concurrency, result))
            peak = peak_rss_mb(proc.pid)
            return [row + (peak,) for row in rows]
        finally:
            proc.terminate()
            proc.wait(timeout=15)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario (max 2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (max 64)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    n, concurrency = min(args.requests, 2000), min(args.concurrency, 64)
    rows = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                rows += await bench_backend("sqlite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", n, concurrency)
        elif backend == "postgresql":
            name = f"govapi_bench_{secrets.token_hex(4)}"
            conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()
            try:
                rows += await bench_backend("postgresql", f"postgresql+asyncpg://{PG_SERVER.split('://')[1]}/{name}",
                                            n, concurrency)
            finally:
                conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()
        else:
            raise SystemExit(f"unknown backend {backend!r}")
    print(f"\ngovapi benchmark ({os.cpu_count()} CPUs, client and server on one machine)\n")
    header = f"{'backend':<11} {'scenario':<17} {'requests':>8} {'conc':>5} {'req/s':>8} {'p50 ms':>8} " \
             f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'peak RSS MB':>11}"
    print(header)
    print("-" * len(header))
    for backend, scenario, count, conc, r, peak in rows:
        print(f"{backend:<11} {scenario:<17} {count:>8} {conc:>5} {r['rps']:>8.1f} {r['p50']:>8.1f} "
              f"{r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6} {peak:>11.1f}")


if __name__ == "__main__":
    asyncio.run(main())
