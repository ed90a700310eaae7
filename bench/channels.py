"""Channel benchmark: webhook acknowledgement and reply times, throughput, SMS segments.

    .venv/bin/python bench/channels.py [--model PATH] [--citizens 50] [--messages 6]

Starts the stand-ins, a Rasa server (its internal turn channel only) and the channel edge in front of it (own
ports, own Redis key prefix), then per channel lets N concurrent citizens each send M messages to the edge, one at
a time, waiting for each reply. Prints p50/p95/p99 of the webhook acknowledgement and of the reply, messages per
second, CPU time per message by process (Rasa, the edge, the stand-ins, ...), and the mean number of SMS segments
of Korean and English replies. Telegram runs with the production pacing (1 message/s per chat, 30/s overall)
unless told otherwise.
Default model: models/minwon.tar.gz if it exists (govapi and the action server are then started
too, on their own ports and database file), else the channel test bot (tests/rasa_runtime/bot,
trained if needed); --model picks another.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List
from xml.etree import ElementTree

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from minwon_core.segments import count_segments  # noqa: E402  (pure Python, no Rasa imports)

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
BOT = ROOT / "tests" / "rasa_runtime" / "bot"
TURN_TOKEN = "bench-turn-" + uuid.uuid4().hex  # INTERNAL_CHANNEL_TOKEN: the edge's, for Rasa's internal channel
TOKEN, SECRET = "123456:bench-token", "bench-secret-" + uuid.uuid4().hex
SID, AUTH = "AC" + uuid.uuid4().hex, "bench-auth-" + uuid.uuid4().hex
PROJECT_MESSAGES = {"en": ["hello", "what can you do", "I want to pay a fine", "check my application status",
                           "I want to file a complaint", "talk to a person"],
                    "ko": ["안녕하세요", "무엇을 할 수 있나요", "과태료 내고 싶어요", "신청 현황 알려줘", "민원 넣고 싶어요", "상담원 연결"]}
TEST_BOT_MESSAGES = {"en": ["hello", "colors", "link", "count 5", "twice", "hello"],
                     "ko": ["안녕하세요", "색깔", "긴 글", "두 번", "안녕하세요", "긴 글"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(values: List[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return f"p50 {pick(0.5) * 1000:7.1f} ms  p95 {pick(0.95) * 1000:7.1f} ms  p99 {pick(0.99) * 1000:7.1f} ms"


def test_bot_model() -> Path:
    digest = hashlib.sha256()
    for path in sorted(BOT.rglob("*.yml")):
        digest.update(path.relative_to(BOT).as_posix().encode() + path.read_bytes())
    model = ROOT / "var" / "test-models" / f"channels-{digest.hexdigest()[:16]}.tar.gz"
    if not model.exists():
        model.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(RASA), "train", "--config", str(BOT / "config.yml"), "--domain", str(BOT / "domain.yml"),
                        "--data", str(BOT / "data"), "--out", str(model.parent), "--fixed-model-name", model.name[:-7]],
                       check=True, cwd=model.parent, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return model


def cpu_seconds(pids: Dict[str, int]) -> Dict[str, float]:
    """CPU time used so far (user + system, s) by each named process."""
    tick = os.sysconf("SC_CLK_TCK")
    used: Dict[str, float] = {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return used


class Stack:
    """Stand-ins, Rasa (internal turn channel only) and the channel edge, as subprocesses on free ports."""

    def __init__(self, model: Path, per_chat: str, global_rate: str, with_services: bool) -> None:
        self.sport, self.rport, self.eport = free_port(), free_port(), free_port()
        self.standins = f"http://127.0.0.1:{self.sport}"
        self.rasa = f"http://127.0.0.1:{self.rport}"
        self.edge = f"http://127.0.0.1:{self.eport}"  # every webhook goes here
        self.pids: Dict[str, int] = {}
        self.prefix = f"bench:channels:{uuid.uuid4().hex[:8]}:"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
               "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TWILIO_ACCOUNT_SID": SID,
               "TWILIO_AUTH_TOKEN": AUTH, "STANDINS_PORT": str(self.sport), "RASA_URL": self.rasa,
               "EDGE_PORT": str(self.eport), "EDGE_URL": self.edge, "INTERNAL_CHANNEL_TOKEN": TURN_TOKEN,
               "CONNECTORS_PUBLIC_URL": self.edge, "CONNECTORS_REDIS_PREFIX": self.prefix,
               "TELEGRAM_API_BASE": self.standins + "/telegram", "TWILIO_API_BASE": self.standins + "/twilio",
               "TELEGRAM_PER_CHAT_INTERVAL": per_chat, "TELEGRAM_GLOBAL_RATE": global_rate}
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.redis_url = env["REDIS_URL"]
        self.redis: Any = None  # redis.asyncio client, made in the running loop (run)
        env.pop("MINWON_ENV", None)
        self.log = ROOT / "var" / "bench-channels-rasa.log"
        self.log.parent.mkdir(exist_ok=True)
        self.procs = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "standins"], cwd=ROOT, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        self.pids["standins"] = self.procs[-1].pid
        self.procs.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "edge"], cwd=ROOT, env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.pids["edge"] = self.procs[-1].pid
        command = [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(self.rport),
                   "--credentials", str(ROOT / "credentials.yml")]
        if with_services:  # the project model needs its action server and govapi (own database file)
            gport, aport = free_port(), free_port()
            env.update({"GOVAPI_PORT": str(gport), "GOVAPI_URL": f"http://127.0.0.1:{gport}",
                        "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{gport}", "GOVAPI_AUTO_MIGRATE": "1",
                        "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{ROOT}/var/bench-channels-{uuid.uuid4().hex[:6]}.sqlite3",
                        "ACTION_PORT": str(aport), "ACTION_SERVER_URL": f"http://127.0.0.1:{aport}/webhook"})
            env.pop("HANDOFF_URL", None)
            self.database = Path(env["GOVAPI_DATABASE_URL"].split("///", 1)[1])
            for name, service in (("govapi", [str(ROOT / ".venv" / "bin" / "python"), "-m", "govapi", "serve"]),
                                  ("actions", [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "actions.server"])):
                self.procs.append(subprocess.Popen(service, cwd=ROOT, env=env,
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                self.pids[name] = self.procs[-1].pid
            command += ["--endpoints", str(ROOT / "endpoints.yml")]
        with self.log.open("w") as out:
            # cwd var/: `rasa run` would otherwise pick up the project's endpoints.yml for the test bot.
            self.procs.append(subprocess.Popen(command, cwd=self.log.parent, env=env, stdout=out, stderr=out))
        self.rasa_process = self.procs[-1]
        self.pids["rasa"] = self.rasa_process.pid

    async def ready(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.rasa_process.poll() is not None:
                raise RuntimeError(f"rasa exited, see {self.log}")
            try:
                async with session.post(self.edge + "/webhooks/webchat/messages",
                                        json={"session": str(uuid.uuid4()), "text": "hello"}) as r:
                    if r.status == 200 and (await r.json())["messages"]:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
        raise TimeoutError("rasa or the edge not ready")

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        import redis

        client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        for key in client.scan_iter(self.prefix + "*"):
            client.delete(key)
        if getattr(self, "database", None) is not None and self.database.exists():
            self.database.unlink()


def twilio_signature(url: str, form: Dict[str, str]) -> str:
    import base64
    import hmac

    data = url + "".join(k + form[k] for k in sorted(form))
    return base64.b64encode(hmac.new(AUTH.encode(), data.encode(), hashlib.sha1).digest()).decode()


async def telegram_citizen(session, stack: Stack, n: int, texts: List[str], acks: List[float], replies: List[float]):
    chat = 10**9 + n * 1000 + int(uuid.uuid4().int % 1000)
    sent = 0
    for text in texts:
        update = {"update_id": int(uuid.uuid4().int % 2**31), "message": {
            "message_id": 1, "date": int(time.time()), "from": {"id": chat, "is_bot": False, "first_name": "B"},
            "chat": {"id": chat, "type": "private"}, "text": text}}
        start = time.perf_counter()
        async with session.post(stack.edge + "/webhooks/telegram/webhook", json=update,
                                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
            await r.read()
        acks.append(time.perf_counter() - start)
        # Wait for the first new sendMessage of this chat (long poll on the stand-in).
        async with session.get(stack.standins + "/_control/telegram/calls",
                               params={"chat_id": str(chat), "method": "sendMessage", "min_count": str(sent + 1),
                                       "wait": "60"}) as r:
            await r.read()
        replies.append(time.perf_counter() - start)
        # Like a citizen who reads the whole answer before writing again: the next message waits until this turn
        # has left the edge's inbox (all its replies sent). Without this the next message could be sent while
        # this turn's second reply was still on its way, and its "reply" would then be the earlier turn's tail.
        await turn_finished(stack, f"tg:{chat}")
        sent = len(await telegram_calls(session, stack, chat))


async def telegram_calls(session, stack: Stack, chat: int) -> list:
    async with session.get(stack.standins + "/_control/telegram/calls",
                           params={"chat_id": str(chat), "method": "sendMessage"}) as r:
        return (await r.json())["calls"]


async def turn_finished(stack: Stack, conversation: str, timeout: float = 60.0) -> None:
    """Waits until the edge's inbox holds no message of the conversation (edge/inbox.py: `inbox:conv:<id>`)."""
    key = f"{stack.prefix}inbox:conv:{conversation}"
    deadline = time.monotonic() + timeout
    while await stack.redis.zcard(key) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def sms_citizen(session, stack: Stack, n: int, texts: List[str], acks: List[float], bodies: List[str]):
    phone = f"+8210{n:04d}{int(uuid.uuid4().int % 10**4):04d}"
    url = stack.edge + "/webhooks/twilio/webhook"
    for text in texts:
        sid = "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": SID, "From": phone, "To": "+15005550006",
                "Body": text, "NumMedia": "0", "FromCity": "", "ApiVersion": "2010-04-01"}
        start = time.perf_counter()
        async with session.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)}) as r:
            xml = await r.text()
        acks.append(time.perf_counter() - start)
        bodies.extend(m.text or "" for m in ElementTree.fromstring(xml).iter("Message"))


async def web_citizen(session, stack: Stack, n: int, texts: List[str], acks: List[float]):
    session_id = str(uuid.uuid4())
    for text in texts:
        start = time.perf_counter()
        async with session.post(stack.edge + "/webhooks/webchat/messages", json={"session": session_id, "text": text}) as r:
            await r.read()
        acks.append(time.perf_counter() - start)


async def run(args) -> None:
    project = ROOT / "models" / "minwon.tar.gz"
    model = Path(args.model) if args.model else (project if project.exists() else test_bot_model())
    is_project = model.resolve().parent != (ROOT / "var" / "test-models").resolve()
    messages = PROJECT_MESSAGES if is_project else TEST_BOT_MESSAGES
    stack = Stack(model, args.telegram_per_chat, args.telegram_global, with_services=is_project)
    print(f"model: {model.relative_to(ROOT) if model.is_relative_to(ROOT) else model}")
    print(f"citizens: {args.citizens} concurrent, {args.messages} messages each, per channel; "
          f"telegram pacing {args.telegram_per_chat}s/chat, {args.telegram_global}/s overall")
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=args.citizens * 2)
    try:
        # unsafe: keep the web chat's session cookie from a loopback address (aiohttp refuses IP hosts by default)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector, cookie_jar=jar) as session:
            await stack.ready(session)
            import redis.asyncio as aioredis

            stack.redis = aioredis.from_url(stack.redis_url)

            def texts_for(i: int) -> List[str]:
                pool = messages["ko" if i % 2 else "en"]
                return [pool[(i + k) % len(pool)] for k in range(args.messages)]

            total = args.citizens * args.messages
            for name in args.channels.split(","):
                acks: List[float] = []
                replies: List[float] = []
                bodies: List[str] = []
                start = time.perf_counter()
                cpu_before = cpu_seconds(stack.pids)
                if name == "telegram":
                    jobs = [telegram_citizen(session, stack, i, texts_for(i), acks, replies) for i in range(args.citizens)]
                elif name == "sms":
                    jobs = [sms_citizen(session, stack, i, texts_for(i), acks, bodies) for i in range(args.citizens)]
                else:
                    jobs = [web_citizen(session, stack, i, texts_for(i), acks) for i in range(args.citizens)]
                await asyncio.wait_for(asyncio.gather(*jobs), args.time_limit)
                wall = time.perf_counter() - start
                replies = replies or acks  # SMS (TwiML) and web answer in the webhook's response
                print(f"{name:8s} ack   {percentiles(acks)}")
                print(f"{name:8s} reply {percentiles(replies)}   {total / wall:6.1f} msgs/s ({total} messages, {wall:.1f} s)")
                cpu = {k: v - cpu_before.get(k, 0.0) for k, v in cpu_seconds(stack.pids).items()}
                print(f"{name:8s} CPU per message: " + ", ".join(f"{k} {v * 1000 / total:.1f} ms" for k, v in
                                                                 sorted(cpu.items()) if v > 0)
                      + f"; all {sum(cpu.values()) * 1000 / total:.1f} ms")

            # SMS segments of Korean and English replies, one citizen per language, no concurrency.
            for language in ("ko", "en"):
                bodies = []
                await sms_citizen(session, stack, 9000 + len(language), messages[language], [], bodies)
                segments = [count_segments(b) for b in bodies if b]
                mean = statistics.mean(segments) if segments else float("nan")
                print(f"sms segments per {language} reply: mean {mean:.2f} over {len(segments)} replies "
                      f"(max {max(segments) if segments else 0})")
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model")
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--messages", type=int, default=6)
    # The first channel measured also warms Rasa up (caches, first predictions): reorder to compare fairly.
    parser.add_argument("--channels", default="telegram,sms,web", help="which channels, in this order")
    parser.add_argument("--telegram-per-chat", default="1.0")
    parser.add_argument("--telegram-global", default="30")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per channel before giving up")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
