"""Load benchmark of the whole stack: simulated citizens doing whole journeys over Telegram, SMS and the web chat.

    .venv/bin/python bench/load.py [--mode journeys|openings] [--citizens 100] [--duration 60] [--rate 60]
                                   [--model PATH] [--stock-model PATH] [--only prod2,prod1,stock]

Three runs, each on a stack of its own (own ports, own PostgreSQL databases, own Redis key prefix),
started, measured and stopped in turn:
  prod2  the production topology (bot/launch_prod.py): HAProxy, 2 channel edge instances behind its public port
         (the webhooks go there), 2 Rasa instances behind its inside port (guarded PostgreSQL tracker store,
         atomic Redis lock store), 2 action servers, govapi on PostgreSQL, console, notifier
  prod1  the same with one Rasa instance
  stock  the stock `rasa init` runtime for our bot: one `rasa run` with no tracker/lock store configured
         (in-memory), one edge in front of it (the channels are not Rasa's any more), one action server,
         govapi, console and notifier on SQLite, no load balancer, Rasa's code as shipped
         (MINWON_RASA_SPEEDUPS=off; its HTTP API on, with a token, for the console's hand-back); with
         --stock-model, a model trained from `rasa init`'s config.yml (bench/stock_config.yml: Rasa's default
         pipeline/policies), else our model (then the comparison is of the runtime only)

--mode journeys (the default; bench/journeys.py): N concurrent citizens, each doing one whole task after another
on Telegram, SMS or the web chat in Korean or English, with a seeded citizen of govapi lent to it: verification
with the one-time code read from govapi's development SMS outbox, then a status check (declining or taking the
offer to be told when it moves), the list of applications, paying a fine on the sandbox checkout page (and the
receipt coming back into the conversation), a move-in report or a complaint; 5% of the tasks ask for a person on
the way, and the bench's two desk agents claim, answer and hand back in the console. Afterwards govapi's event
outbox must hold every record a citizen was told about exactly once (and every checkout paid once, nothing else
written). Prints completed journeys per minute, turns/s, turn p50/p95/p99 by kind of turn (no govapi call, a read,
a write), per channel, errors, peak memory (VmHWM of every process, plus the private memory of the run's
PostgreSQL backends) and CPU time per completed turn by process (rasa:<port>, edge:<port>, haproxy, govapi,
PostgreSQL backends of the run's databases, the Redis server, ...) and in all.
--mode openings (the workload before issue 14): half Telegram, half SMS, the openings of the four services, small
talk and cancel, no verification and nothing written in govapi.

With --rate R the citizens together offer R messages/s (each citizen's sends follow a Poisson process of rate
R/N, and a citizen still waiting for its reply sends its next message as soon as the reply comes): latency then
shows what a citizen waits at that load, not the queue that a zero-think-time crowd builds (by Little's law,
N citizens with no pause wait N / throughput on average). Without --rate each citizen sends as soon as answered.
Reading the code, paying on the checkout page and waiting for the desk are not turns and take no pacing.
Telegram pacing (1 message/s per chat, 30/s overall) is switched off: this measures our servers.
Everything is loopback; every wait is bounded. Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import aiohttp
import cpu_profile as spy
import journeys
from journeys import Pacer, pick, twilio_signature

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"
RPY = ROOT / ".venv-rasa" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# The development secrets both the stand-ins and the edge default to (never production).
TG_SECRET = journeys.TG_SECRET
TWILIO_SID = journeys.TWILIO_SID
SCRIPTS = {
    "ko": [["안녕하세요", "과태료 내고 싶어요", "취소", "고마워요"],
           ["신청 현황 알려줘", "취소", "도움말", "안녕히 계세요"],
           ["이사했어요 주소 바꾸고 싶어요", "취소", "무엇을 할 수 있나요", "감사합니다"],
           ["민원 넣고 싶어요", "취소", "안녕하세요", "고마워요"]],
    "en": [["hello", "I want to pay a fine", "never mind", "thanks"],
           ["check my application status", "never mind", "help", "bye"],
           ["I moved and need to change my address", "never mind", "what can you do", "thank you"],
           ["I want to file a complaint", "never mind", "hello", "thanks"]],
}


def free_port_base() -> int:
    """A base B such that B+0..B+500 are free now (the launcher adds fixed offsets)."""
    for _ in range(50):
        base = random.randrange(20000, 32000, 500)  # below the ephemeral range: no client port lands there
        if all(_free(base + off) for off in (5, 6, 7, 8, 50, 55, 56, 80, 81, 82, 100, 200, 300, 400)):
            return base
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


# -- stacks -------------------------------------------------------------------------------------------
class Stack:
    public: str  # where the webhooks are posted
    standins: str
    ready_urls: list[str]
    label: str
    env: dict[str, str]  # the environment of the stack's processes
    db_tag: str | None = None  # the run's PostgreSQL databases are named <db_tag>_*

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def pids(self) -> list[int]:
        raise NotImplementedError

    def endpoints(self) -> journeys.Endpoints:
        raise NotImplementedError


class ProdStack(Stack):
    def __init__(self, model: Path, rasa_instances: int) -> None:
        self.base = free_port_base()
        self.tag = f"bench{uuid.uuid4().hex[:8]}"
        self.db_tag = self.tag
        self.rasa_instances = rasa_instances
        self.label = f"prod{rasa_instances}"
        self.public = f"http://127.0.0.1:{self.base + 80}"
        self.standins = f"http://127.0.0.1:{self.base + 300}"
        self.ready_urls = [f"http://127.0.0.1:{self.base + 4 + i}/webhooks/ops/ready" for i in range(1, rasa_instances + 1)]
        self.ready_urls += [f"http://127.0.0.1:{self.base + 6 + i}/readyz" for i in (1, 2)]  # the edge instances
        self.ready_urls += [f"http://127.0.0.1:{self.base + 200}/health"]  # the console (the desk)
        self.env = {**os.environ, "PROD_PORT_BASE": str(self.base), "PROD_DB_PREFIX": self.tag,
                    "PROD_REDIS_PREFIX": self.tag, "MODEL_PATH": str(model), "TELEGRAM_PER_CHAT_INTERVAL": "0",
                    "TELEGRAM_GLOBAL_RATE": "100000", "MINWON_ENV": "development",
                    "DESK_ALWAYS_OPEN": "1"}  # the bench's agents answer at any hour
        self.log = ROOT / "var" / f"bench-load-{self.label}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("w") as out:
            self.proc = subprocess.Popen([str(PY), "-m", "bot.launch_prod", "--rasa", str(self.rasa_instances)],
                                         cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)

    def pids(self) -> list[int]:
        return descendants(self.proc.pid) if self.proc else []

    def endpoints(self) -> journeys.Endpoints:
        return journeys.Endpoints(public=self.public, standins=self.standins, govapi=f"http://127.0.0.1:{self.base + 100}",
                                  console=f"http://127.0.0.1:{self.base + 200}",
                                  inbox_prefix=f"{self.tag}:ch:inbox:conv:", redis_url=REDIS_URL)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # honcho stops every process it started
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        drop_databases([f"{self.tag}_{p}" for p in ("tracker", "govapi", "console", "notifier")])
        drop_redis_keys(self.tag + ":")


class StockStack(Stack):
    """`rasa init`'s runtime for our model: in-memory tracker and lock stores, one instance, no balancer."""

    def __init__(self, model: Path) -> None:
        base = free_port_base()
        self.label = "stock"
        self.tmp = Path(tempfile.mkdtemp(prefix="minwon-bench-stock-"))
        rport, eport, aport, gport, sport = base + 5, base + 7, base + 55, base + 100, base + 300
        cport, nport = base + 200, base + 400
        self.public = f"http://127.0.0.1:{eport}"  # the edge
        self.standins = f"http://127.0.0.1:{sport}"
        self.govapi, self.console = f"http://127.0.0.1:{gport}", f"http://127.0.0.1:{cport}"
        self.ready_urls = [f"http://127.0.0.1:{rport}/", f"{self.public}/readyz", f"{self.console}/health"]
        (self.tmp / "endpoints.yml").write_text(f"action_endpoint:\n  url: http://127.0.0.1:{aport}/webhook\n")
        self.prefix = f"benchstock{uuid.uuid4().hex[:8]}:"
        rasa_token = "bench-rasa-" + uuid.uuid4().hex
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                    "TF_CPP_MIN_LOG_LEVEL": "2", "MINWON_ENV": "development", "ACTION_PORT": str(aport),
                    "GOVAPI_PORT": str(gport), "GOVAPI_URL": self.govapi, "GOVAPI_PUBLIC_URL": self.govapi,
                    "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'govapi.sqlite3'}",
                    "GOVAPI_AUTO_MIGRATE": "1", "STANDINS_PORT": str(sport), "RASA_URL": f"http://127.0.0.1:{rport}",
                    "RASA_TOKEN": rasa_token, "EDGE_PORT": str(eport), "EDGE_URL": self.public,
                    "INTERNAL_CHANNEL_TOKEN": "bench-turn-" + uuid.uuid4().hex,
                    "CONNECTORS_PUBLIC_URL": self.public, "CONNECTORS_REDIS_PREFIX": self.prefix,
                    "CHANNEL_OUTBOUND_URL": self.public, "NOTIFIER_OUTBOUND_URL": self.public,
                    "CONSOLE_PORT": str(cport), "HANDOFF_URL": self.console, "DESK_ALWAYS_OPEN": "1",
                    "CONSOLE_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'console.sqlite3'}",
                    "HANDOFF_REDIS_PREFIX": self.prefix + "handoff:",
                    "NOTIFIER_PORT": str(nport), "NOTIFIER_URL": f"http://127.0.0.1:{nport}",
                    "NOTIFIER_DATABASE_URL": f"sqlite+aiosqlite:///{self.tmp / 'notifier.sqlite3'}",
                    "TELEGRAM_API_BASE": self.standins + "/telegram", "TWILIO_API_BASE": self.standins + "/twilio",
                    "TELEGRAM_PER_CHAT_INTERVAL": "0", "TELEGRAM_GLOBAL_RATE": "100000",
                    # Rasa as shipped: our runtime fixes (minwon_rasa/speedups.py) load with our model otherwise
                    "MINWON_RASA_SPEEDUPS": "off"}
        self.env.setdefault("REDIS_URL", REDIS_URL)
        self.commands = [
            [str(PY), "-m", "standins"], [str(PY), "-m", "govapi", "serve"], [str(RPY), "-m", "actions.server"],
            [str(RASA), "run", "--model", str(model), "--port", str(rport), "--interface", "127.0.0.1",
             "--endpoints", str(self.tmp / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml"),
             "--enable-api", "--auth-token", rasa_token],
            [str(PY), "-m", "edge"], [str(PY), "-m", "bot.console"], [str(PY), "-m", "bot.notifier"],
        ]
        self.procs: list[subprocess.Popen] = []
        self.log = ROOT / "var" / "bench-load-stock.log"

    def start(self) -> None:
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("w") as out:
            self.procs = [subprocess.Popen(c, cwd=ROOT, env=self.env, stdout=out, stderr=out) for c in self.commands]

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None]

    def endpoints(self) -> journeys.Endpoints:
        return journeys.Endpoints(public=self.public, standins=self.standins, govapi=self.govapi, console=self.console,
                                  inbox_prefix=f"{self.prefix}inbox:conv:", redis_url=self.env["REDIS_URL"])

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        drop_redis_keys(self.prefix)


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def process_label(pid: int) -> str | None:
    try:
        cmd = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")).decode(errors="replace")
    except OSError:
        return None
    if cmd.startswith("/bin/sh") or " -c " in cmd[:20]:
        return None  # honcho's shell wrapper
    for needle, label in (("rasa run", "rasa"), ("actions.server", "actions"), ("govapi", "govapi"),
                          ("bot.console", "console"), ("bot.notifier", "notifier"), ("standins", "standins"),
                          ("haproxy", "haproxy"), ("bot.launch_prod", "launcher"), ("-m edge", "edge")):
        if needle in cmd:
            if label == "rasa":
                parts = cmd.split()
                return f"rasa:{parts[parts.index('--port') + 1]}" if "--port" in parts else "rasa"
            if label in ("actions", "edge"):
                key = b"ACTION_PORT=" if label == "actions" else b"EDGE_PORT="
                try:
                    env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                    port = next((e.split(b"=", 1)[1].decode() for e in env if e.startswith(key)), "")
                    return f"{label}:{port}"
                except OSError:
                    return label
            return label
    return None


def postgres_backends(db_tag: str | None) -> dict[int, str]:
    """The PostgreSQL server processes serving the run's databases (their title names the database):
    pid -> "postgres:<part>" (tracker, govapi, console, notifier)."""
    found: dict[int, str] = {}
    if not db_tag:
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmd.startswith("postgres:") and f" {db_tag}_" in cmd:
            database = cmd.split(f" {db_tag}_", 1)[1].split()[0]
            found[int(entry.name)] = f"postgres:{database}"
    return found


def redis_server() -> list[int]:
    """The machine's Redis server (shared: other work on the machine uses it too)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "redis-server":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _status_kb(pid: int, field_name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_memory(pids: list[int]) -> dict[str, float]:
    """Peak resident memory (VmHWM, MB) per process of the stack, read before it stops."""
    peaks: dict[str, float] = {}
    for pid in pids:
        label = process_label(pid)
        if label is None or label == "launcher":
            continue
        kb = _status_kb(pid, "VmHWM")
        if kb is not None:
            peaks[label if label not in peaks else f"{label}#{pid}"] = kb / 1024
    return peaks


def _cpu_of(pid: int, thread: int | None = None) -> float | None:
    try:
        path = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int], db_tag: str | None = None) -> dict[str, float]:
    """CPU time used so far (user + system, s) per process of the stack (labels of peak_memory), the run's
    PostgreSQL backends summed per database, and the Redis server. A Rasa process's main thread is also given on
    its own ("<label> main thread"): what its other threads use is native work outside Python's (numpy's OpenBLAS
    pool, TensorFlow's, the tracker store's pool), which a Python profiler sampling the GIL does not see."""
    used: dict[str, float] = {}
    for pid in pids:
        label = process_label(pid)
        if label is None or label == "launcher":
            continue
        cpu = _cpu_of(pid)
        if cpu is not None:
            key = label if label not in used else f"{label}#{pid}"
            used[key] = cpu
            main = _cpu_of(pid, thread=pid) if label.startswith("rasa") else None
            if main is not None:
                used[f"{key} main thread"] = main
    for pid, label in postgres_backends(db_tag).items():
        cpu = _cpu_of(pid)
        if cpu is not None:
            used[label] = used.get(label, 0.0) + cpu
    for pid in redis_server():
        cpu = _cpu_of(pid)
        if cpu is not None:
            used["redis (whole server)"] = used.get("redis (whole server)", 0.0) + cpu
    return used


class MemorySampler:
    """Every 2 s while the load runs: the private memory (RssAnon) of the run's PostgreSQL backends, summed; the
    highest sum is reported (their VmHWM would count PostgreSQL's shared buffers once per backend)."""

    def __init__(self, db_tag: str | None) -> None:
        self.db_tag = db_tag
        self.peak_mb = 0.0

    def sample(self) -> None:
        total = sum(_status_kb(pid, "RssAnon") or 0 for pid in postgres_backends(self.db_tag))
        self.peak_mb = max(self.peak_mb, total / 1024)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            try:
                await asyncio.wait_for(stop.wait(), 2.0)
            except TimeoutError:
                pass


def drop_databases(names: list[str]) -> None:
    for name in names:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, timeout=30, check=False)


def drop_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(prefix + "*", count=1000):
        client.delete(key)


async def wait_ready(stack: Stack, session: aiohttp.ClientSession, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ok = 0
        for url in stack.ready_urls:
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=3)) as r:
                    ok += r.status == 200
            except (TimeoutError, aiohttp.ClientError):
                pass
        if ok == len(stack.ready_urls):
            return
        await asyncio.sleep(2)
    raise TimeoutError(f"{stack.label}: not ready after {timeout:.0f} s (see {getattr(stack, 'log', '')})")


# -- --mode openings: the workload before issue 14 ---------------------------------------------------------------
@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)  # time.monotonic() when each turn's reply arrived
    errors: dict[str, int] = field(default_factory=dict)

    def turn(self, started: float) -> None:
        self.latencies.append(time.perf_counter() - started)
        self.done_at.append(time.monotonic())

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def telegram_citizen(session, stack: Stack, n: int, stop_at: float, results: Results, reply_timeout: float,
                           rate: float = 0.0):
    chat = 7 * 10**8 + n * 1000 + random.randrange(1000)
    script = random.choice(SCRIPTS[random.choice(["ko", "en"])])
    seen, i = 0, 0
    pacer = Pacer(rate)
    while time.monotonic() < stop_at:
        await pacer.wait()
        if time.monotonic() >= stop_at:
            break
        update = {"update_id": random.randrange(2**31), "message": {
            "message_id": i + 1, "date": int(time.time()), "from": {"id": chat, "is_bot": False, "first_name": "B"},
            "chat": {"id": chat, "type": "private"}, "text": script[i % len(script)]}}
        i += 1
        start = time.perf_counter()
        try:
            async with session.post(stack.public + "/webhooks/telegram/webhook", json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}) as r:
                await r.read()
                if r.status != 200:
                    results.error(f"telegram webhook {r.status}")
                    await asyncio.sleep(1)  # Telegram retries a refused update after a while, not at once
                    continue
            async with session.get(stack.standins + "/_control/telegram/calls",
                                   params={"chat_id": str(chat), "method": "sendMessage", "min_count": str(seen + 1),
                                           "wait": str(int(reply_timeout))}) as r:
                calls = (await r.json())["calls"]
        except (TimeoutError, aiohttp.ClientError) as error:
            results.error(f"telegram {type(error).__name__}")
            continue
        if len(calls) <= seen:
            results.error(f"telegram no reply to {script[(i - 1) % len(script)]!r}")
            continue
        results.turn(start)
        await asyncio.sleep(0.3)  # a turn may send several messages: let them land before the next
        async with session.get(stack.standins + "/_control/telegram/calls",
                               params={"chat_id": str(chat), "method": "sendMessage"}) as r:
            seen = len((await r.json())["calls"])


async def sms_citizen(session, stack: Stack, n: int, stop_at: float, results: Results, reply_timeout: float,
                      rate: float = 0.0):
    phone = f"+82109{n:03d}{random.randrange(10**4):04d}"
    script = random.choice(SCRIPTS[random.choice(["ko", "en"])])
    url = stack.public + "/webhooks/twilio/webhook"
    i, rest_seen = 0, 0
    pacer = Pacer(rate)
    while time.monotonic() < stop_at:
        await pacer.wait()
        if time.monotonic() >= stop_at:
            break
        sid = "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": TWILIO_SID, "From": phone, "To": "+15005550006",
                "Body": script[i % len(script)], "NumMedia": "0", "ApiVersion": "2010-04-01"}
        i += 1
        start = time.perf_counter()
        try:
            async with session.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)}) as r:
                body = await r.text()
                if r.status != 200:
                    results.error(f"sms webhook {r.status}")
                    await asyncio.sleep(1)
                    continue
            replies = [m for m in ElementTree.fromstring(body).iter("Message")]
            if not replies:  # slower than the TwiML deadline: the reply comes over the REST API
                rest_seen, replies = await rest_replies(session, stack, phone, rest_seen, start, reply_timeout)
        except (TimeoutError, aiohttp.ClientError, ElementTree.ParseError) as error:
            results.error(f"sms {type(error).__name__}")
            continue
        if not replies:
            results.error(f"sms no reply to {form['Body']!r} (message {i} of the conversation)")
            continue
        results.turn(start)


async def rest_replies(session, stack: Stack, phone: str, seen: int, start: float, timeout: float):
    """(messages sent to the phone so far, [new ones]) once a REST-sent reply arrives, or ([], ) at timeout."""
    deadline = start + timeout
    count = seen
    while time.perf_counter() < deadline:
        async with session.get(stack.standins + "/_control/twilio/messages", params={"to": phone}) as r:
            count = len((await r.json())["messages"])
        if count > seen:
            return count, [count]
        await asyncio.sleep(0.1)
    return count, []


async def run_load(stack: Stack, citizens: int, duration: float, reply_timeout: float,
                   rate: float = 0.0) -> tuple[Results, float, dict[str, float]]:
    results = Results()
    connector = aiohttp.TCPConnector(limit=citizens * 2 + 10)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=reply_timeout + 10)) as s:
        # warm-up: the first turns load lazy parts of the model
        warm = Results()
        await asyncio.gather(*(telegram_citizen(s, stack, 900 + i, time.monotonic() + 8, warm, reply_timeout)
                               for i in range(4)))
        stop_at = time.monotonic() + duration
        tasks = [(telegram_citizen if i % 2 == 0 else sms_citizen)(s, stack, i, stop_at, results, reply_timeout,
                                                                    rate / citizens)
                 for i in range(citizens)]
        load_started = time.monotonic()
        cpu_at_start = cpu_seconds(stack.pids())
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + reply_timeout + 30)
    return results, load_started, cpu_at_start



PROFILED = {"rasa", "actions", "govapi", "edge", "notifier", "console"}


# -- one run -------------------------------------------------------------------------------------------
def cpu_lines(label: str, cpu: dict[str, float], turns: int) -> list[str]:
    """Where the two cores went: CPU time per completed turn, by process, and the stack's total (the stand-ins play
    Telegram and Twilio, and the shared Redis server also serves other work on the machine: both are shown but left
    out of the total)."""
    if not turns:
        return []
    own = {k: v for k, v in cpu.items() if not k.startswith(("redis", "standins")) and not k.endswith("main thread")}

    def shown(key: str, value: float) -> str:
        main = cpu.get(f"{key} main thread")
        return f"{key} {value * 1000 / turns:.1f} ms" + (
            f" (main thread {main * 1000 / turns:.1f}, other threads {(value - main) * 1000 / turns:.1f})"
            if main is not None else "")
    return [f"[{label}] CPU per turn: " + ", ".join(shown(k, v) for k, v in sorted(cpu.items())
                                                  if v > 0 and not k.endswith("main thread"))
            + f"; stack {sum(own.values()) * 1000 / turns:.1f} ms (without the stand-ins and the shared Redis server)"]


async def measure(stack: Stack, args: argparse.Namespace) -> str:
    stack.start()
    sampler = MemorySampler(stack.db_tag)
    stop_sampler = asyncio.Event()
    cpu_at_start: dict[str, float] = {}
    bench_cpu_at_start = [0.0]

    async def at_start() -> None:
        cpu_at_start.update(cpu_seconds(stack.pids(), stack.db_tag))
        bench_cpu_at_start[0] = time.process_time()
        sampler_task.append(asyncio.create_task(sampler.run(stop_sampler)))
        if args.py_spy:  # the processes that matter, for most of the load window
            for pid in stack.pids():
                label = process_label(pid)
                if label and label.split(":")[0] in PROFILED:
                    out = ROOT / "var" / f"bench-load-{stack.label}-{label.replace(':', '-')}.pyspy.txt"
                    profiles.append((label, out, spy.record(args.py_spy, pid, args.duration - 2, out)))

    sampler_task: list[asyncio.Task] = []
    profiles: list[tuple[str, Path, subprocess.Popen]] = []
    try:
        async with aiohttp.ClientSession() as session:
            await wait_ready(stack, session, args.start_timeout)
        if args.mode == "openings":
            results, load_started, cpu_start = await run_load(stack, args.citizens, args.duration, args.reply_timeout,
                                                              args.rate)
            cpu_at_start.update(cpu_start)
        else:
            jresults, load_started, problems, desk, _pool = await journeys.run(
                stack.endpoints(), args.citizens, args.duration, args.rate, args.reply_timeout, args.seed, at_start)
        bench_cpu = time.process_time() - bench_cpu_at_start[0]
        memory = peak_memory(stack.pids())
        sampler.sample()
        cpu = {k: v - cpu_at_start.get(k, 0.0) for k, v in cpu_seconds(stack.pids(), stack.db_tag).items()}
    finally:
        stop_sampler.set()
        for task in sampler_task:
            await task
        for _, _, proc in profiles:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        stack.stop()
    ours = sum(v for k, v in memory.items() if not k.startswith("standins"))
    memory_line = (f"[{stack.label}] peak memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(memory.items()))
                   + (f"; PostgreSQL backends of the run (private) {sampler.peak_mb:.0f} MB" if stack.db_tag else "")
                   + f"; the stack without the stand-ins {(ours + sampler.peak_mb) / 1024:.2f} GB")
    if args.mode == "openings":
        lat = results.latencies
        in_window = sum(1 for t in results.done_at if t <= load_started + args.duration)
        offered = f", offering {args.rate:.0f} messages/s" if args.rate else ", each sending as soon as answered"
        if args.env:
            offered += f", with {' '.join(args.env)} (not a production setting)"
        lines = [f"[{stack.label}] openings only: {args.citizens} concurrent citizens{offered} for {args.duration:.0f} s: "
                 f"{in_window / args.duration:.1f} completed turns/s ({len(lat)} turns in all), errors "
                 f"{sum(results.errors.values())}" + (f" {dict(sorted(results.errors.items()))}" if results.errors else "")]
        if lat:
            lines.append(f"[{stack.label}] turn latency p50 {pick(lat, .5) * 1000:.0f} ms  p95 {pick(lat, .95) * 1000:.0f} ms"
                         f"  p99 {pick(lat, .99) * 1000:.0f} ms")
        lines.append(memory_line)
        lines += cpu_lines(stack.label, cpu, len(lat))
        return "\n".join(lines)
    offered = f"offering {args.rate:.0f} messages/s" if args.rate else "each sending as soon as answered"
    setting = f", with {' '.join(args.env)} (not a production setting)" if args.env else ""
    lines = [f"[{stack.label}] whole journeys: {args.citizens} concurrent citizens {offered} for {args.duration:.0f} s"
             + setting]
    lines += journeys.report(stack.label, jresults, load_started, args.duration, problems, desk)
    lines.append(memory_line)
    lines += cpu_lines(stack.label, cpu, len(jresults.turns))
    lines.append(f"[{stack.label}] the bench's own client (not in the figures above): "
                 f"{bench_cpu * 1000 / max(1, len(jresults.turns)):.1f} ms CPU per turn")
    for label, out, _ in profiles:
        if out.exists():
            lines += spy.report(stack.label, label, out.read_text(), cpu.get(label, 0.0) * 1000 / max(1, len(jresults.turns)),
                                phases=label.startswith("rasa"))
    if profiles:
        lines.append(f"[{stack.label}] (py-spy sampled these processes at 100 Hz during the run: the figures above carry "
                     "its cost; raw samples in var/bench-load-*.pyspy.txt)")
    if args.transcripts:
        lines += journeys.failed_transcripts(jresults, args.transcripts)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("journeys", "openings"), default="journeys",
                        help="whole journeys (default) or the services' openings only (the workload before issue 14)")
    parser.add_argument("--model", default=str(ROOT / "models" / "minwon.tar.gz"))
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per run")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="messages/s the citizens offer together (0: each sends as soon as answered)")
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--start-timeout", type=float, default=480.0, help="seconds to wait for a stack to be ready")
    parser.add_argument("--stock-model", help="model trained with bench/stock_config.yml (default: --model)")
    parser.add_argument("--only", default="prod2,prod1,stock", help="comma-separated runs: prod2, prod1, stock")
    parser.add_argument("--seed", type=int, default=20261207, help="the journeys' random choices")
    parser.add_argument("--transcripts", type=int, default=3, help="print the end of this many failed journeys")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="set in every process of the stacks, to measure a setting production does not have "
                             "(e.g. OPENBLAS_NUM_THREADS=1); printed with the figures")
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy to sample Rasa, the action servers, govapi, the edges "
                        "and the notifier with during the load (bench/cpu_profile.py)")
    args = parser.parse_args()
    model = Path(args.model)
    if not model.exists():
        print(f"bench/load.py: no model at {model} (make train)", file=sys.stderr)
        return 1
    extra = dict(kv.split("=", 1) for kv in args.env)

    def with_env(stack: Stack) -> Stack:
        stack.env.update(extra)
        return stack
    stacks = {"prod2": lambda: with_env(ProdStack(model, 2)), "prod1": lambda: with_env(ProdStack(model, 1)),
              "stock": lambda: with_env(StockStack(Path(args.stock_model) if args.stock_model else model))}
    if "stock" in args.only and not args.stock_model:
        print("bench/load.py: stock run uses our model with the stock runtime (no --stock-model given)", flush=True)
    for name in args.only.split(","):
        print(asyncio.run(measure(stacks[name.strip()](), args)), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench/load.py itself: peak {peak:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
