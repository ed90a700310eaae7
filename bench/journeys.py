"""Whole citizen journeys for bench/load.py (its default workload).

A simulated citizen takes a seeded citizen from govapi's register, picks a task, a channel (Telegram, SMS, web chat)
and a language (Korean, English), and does the task to its end the way a person would: it opens the service,
verifies with the one-time code that govapi's development SMS outbox holds, answers whatever the assistant asks
next (read from the reply, not from a fixed script: an SMS citizen is never asked for the phone, a one-person
household is never asked who moves along), pays on the sandbox checkout page and waits for the receipt to come back
into the conversation, and now and then asks for a person mid-task; the bench's own two desk agents claim, answer
and close, and the citizen goes on where it stopped. Afterwards govapi's event outbox must hold every payment,
move-in report and complaint a journey was told about exactly once, every paid checkout as paid once, and nothing
else written for those citizens.

The pure parts (the mix, reading a reply, answering it, lending citizens, checking the records) are tested in
tests/bot/test_bench_journeys.py; the rest drives a running stack and is only run by bench/load.py.
"""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import random
import re
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from xml.etree import ElementTree

import aiohttp

TG_SECRET = "dev-telegram-secret"
TWILIO_AUTH = "dev-twilio-auth-token"
TWILIO_SID = "ACdev00000000000000000000000000000"
ADMIN_TOKEN = "dev-admin-token"  # govapi's development admin token (never valid in production)

# --- the mix --------------------------------------------------------------------------------------------------
# Share of journeys per task (README "Benchmarks" says why these): reads and writes about half and half, every
# write of the issue well represented. "subscribe" is a status check whose citizen says yes to the offer to be
# told when the case moves; "status" declines it.
MIX: dict[str, float] = {"status": 0.15, "subscribe": 0.10, "list": 0.15, "pay": 0.22, "move": 0.13,
                         "complaint": 0.25}
HANDOFF_SHARE = 0.05  # of the journeys that run a form (status, subscribe, pay, move, complaint)
CHANNELS = ("telegram", "sms", "web")
LANGUAGE_SHARE = {"ko": 2 / 3, "en": 1 / 3}
PRESS_SHARE = 0.5  # of Telegram and web journeys, the citizen taps the buttons offered instead of typing
FORM_TASKS = {"status", "subscribe", "pay", "move", "complaint"}
WRITE_TASKS = {"pay": "payment", "move": "address_change", "complaint": "complaint"}
VERIFY_LIMIT = 5  # govapi's verifications per phone per hour (GOVAPI_VERIFY_LIMIT_PER_PHONE's default)


@dataclasses.dataclass(frozen=True)
class Plan:
    task: str
    channel: str
    lang: str
    handoff: bool
    press: bool


def choose_plan(rng: random.Random, channel: str | None = None) -> Plan:
    task = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    channel = channel or rng.choice(CHANNELS)
    lang = rng.choices(list(LANGUAGE_SHARE), weights=list(LANGUAGE_SHARE.values()))[0]
    return Plan(task=task, channel=channel, lang=lang,
                handoff=task in FORM_TASKS and rng.random() < HANDOFF_SHARE,
                press=channel != "sms" and rng.random() < PRESS_SHARE)


# --- what the citizen says ------------------------------------------------------------------------------------
OPENINGS = {
    "status": {"ko": ["제가 신청한 거 어디까지 됐는지 알고 싶어요", "신청 현황 알려줘"],
               "en": ["I want to check how my application is going", "check my application status"]},
    "list": {"ko": ["내 신청 목록 보여주세요", "제가 낸 신청들 다 보여줘요"],
             "en": ["show me my applications", "list my applications please"]},
    "pay": {"ko": ["과태료 내려고요", "과태료 납부하고 싶어요"], "en": ["I'd like to pay my fines", "I want to pay a fine"]},
    "move": {"ko": ["이사해서 주소 바꾸려고요", "전입신고 하려고요"],
             "en": ["I moved and need to change my address", "I need to report my move"]},
    "complaint": {"ko": ["민원 넣고 싶어요", "민원 신고할게요"], "en": ["I want to file a complaint", "I'd like to report a problem"]},
}
OPENINGS["subscribe"] = OPENINGS["status"]
ASK_PERSON = {"ko": ["상담원 연결해주세요", "사람이랑 직접 얘기하고 싶어요"], "en": ["can I talk to a real person?", "I want to speak to an agent"]}
# (description, the category's label in the list if the assistant does not suggest it)
COMPLAINTS = {
    "ko": [("가로등이 며칠째 꺼져 있어서 밤에 너무 어두워요", "가로등"), ("보도블록이 깨져서 걸려 넘어질 뻔했어요", "도로"),
           ("집 앞에 무단투기된 쓰레기가 쌓여 있어요", "쓰레기"), ("공원 운동기구가 고장 났어요", "공원")],
    "en": [("the street light has been off for days and it's really dark at night", "Street lighting"),
           ("broken paving stones on the pavement, people may trip", "Roads"),
           ("dumped rubbish is piling up in front of my building", "Waste"),
           ("the exercise machine in the park is broken", "Parks")],
}
PLACES = {"ko": ["선릉로 28 앞", "테헤란로 152 앞", "봉은사로 13 근처"],
          "en": ["in front of 28 Seolleung-ro", "near 152 Teheran-ro", "next to 13 Bongeunsa-ro"]}
# Where citizens move to: each search gives a list of five; the citizen picks one. Nobody living at one of them
# moves (govapi refuses a move to the registered address).
MOVE_TARGETS = {"ko": ["마포구 양화로", "송파구 올림픽로"], "en": ["Yanghwa-ro, Mapo-gu", "Olympic-ro, Songpa-gu"]}
SAY = {
    "yes": {"ko": "네", "en": "yes"}, "no": {"ko": "아니요", "en": "no thanks"},
    "card": {"ko": "카드로 할게요", "en": "by card"}, "today": {"ko": "오늘", "en": "today"},
    "alone": {"ko": "저 혼자요", "en": "just me"}, "no_photo": {"ko": "없음", "en": "skip"},
    "subscribe": {"ko": "네, 알려주세요", "en": "yes, notify me"},
}
BUTTON = {  # the title of the button a tapping citizen presses for the same answer
    "yes": {"ko": "네", "en": "Yes"}, "no": {"ko": "아니요", "en": "No, thanks"},
    "card": {"ko": "1. 카드 결제 링크", "en": "1. Card payment link"},
    "subscribe": {"ko": "네, 알려주세요", "en": "Yes, notify me"},
}

# --- reading a reply ------------------------------------------------------------------------------------------
# The questions the forms ask (actions/texts.py), Korean and English; the last one a turn's messages ask is the
# question now open. Re-asked forms ("…처럼 적어주세요", a wrong code) count as the same question.
QUESTIONS: list[tuple[str, re.Pattern[str]]] = [(key, re.compile(pattern)) for key, pattern in (
    ("phone", r"휴대폰 번호를 (알려|010)|(What is your|type your) mobile number"),
    ("birth_date", r"생년월일을 (알려|1985)|(What is your|type your) date of birth"),
    ("otp", r"인증번호 6자리를 입력|인증번호가 맞지 않아요|6-digit code I sent|That code is not right"),
    ("case_number", r"접수번호를 알려주세요|What is the case number"),
    ("fine_ids", r"낼 번호를 골라주세요|Which to pay\?"),
    ("payment_method", r"결제 방법을 골라주세요|How do you want to pay\?"),
    ("confirm", r"진행할까요\?|신고할까요\?|접수할까요\?|Go ahead\?|Shall I file it\?"),
    ("new_address", r"새 주소를 알려주세요|What is the new address\?"),
    ("address_id", r"주소가 여러 개예요|똑같은 주소는 없어요|Several matches|No exact match"),
    ("effective_date", r"전입일\(새 주소에 사는 첫날\)이 언제예요|What is your move-in date\?"),
    ("member_ids", r"함께 이사하는 가족을 번호로|Who moves with you\?"),
    ("complaint_text", r"어떤 문제인지 알려주세요|What is the problem\?"),
    ("complaint_category", r"민원이 맞나요\?|어떤 분야인가요\?|Is this about '|Which topic\?"),
    ("complaint_place", r"어디인가요\? 주소를|Where is it\? Type the address"),
    ("photo", r"사진이 있으면 보내주세요|Send a photo if you have one"),
    ("subscription_offer", r"여기로 (알려|보내)드릴까요\?|Shall I (tell you here|send the receipt|remind you here)"),
)]
PROBLEMS: list[tuple[str, re.Pattern[str]]] = [(key, re.compile(pattern)) for key, pattern in (
    ("not understood", (r"잘 이해하지 못했어요|이번에도 이해하지 못했어요|지금 질문의 답이 아닌 것 같아요|"
                        r"didn't get that|not sure what you mean|doesn't seem to answer|still didn't get that")),
    ("unavailable", (r"연결할 수 없어요|불러올 수 없어요|응답하지 않아요|설정할 수 없어요|can't reach|can't look that up|"
                     r"is not answering|can't set up")),
    ("verification refused", r"인증 요청이 너무 많아|인증이 잠겼어요|Too many verification requests|verification is locked"),
    ("desk closed", r"상담 시간이 아니에요|상담원이 모두 바빠|Agents are away now|All agents are busy"),
    ("already paid or held", r"방금 납부됐거나|just paid or another payment started"),
)]
CASE = re.compile(r"\b(PY|MV|CP|AP)-\d{4}-\d{6}\b")
RECEIPT = re.compile(r"\bRC-\d{4}-\d{6}\b")
STATUS_LINE = re.compile(r"\bAP-\d{4}-\d{6}\b[^\n:]*: \S")
LISTED = re.compile(r"^신청 \d+건|Your (\d+ )?applications?:|조회된 신청이 없어요|You have no applications", re.MULTILINE)
MOVE_DONE = re.compile(r"(전입신고 접수|Move-in report filed): (MV-\d{4}-\d{6})")
COMPLAINT_DONE = re.compile(r"(민원 접수|Complaint filed): (CP-\d{4}-\d{6})")
PAYMENT_REF = re.compile(r"(결제번호|Payment) (PY-\d{4}-\d{6})")
SUBSCRIBED = re.compile(r"알림을 신청했어요|Done: I'll tell you here")
DECLINED = re.compile(r"필요하면 '알림 신청'|If you change your mind, say 'notify me'")
QUEUED = re.compile(r"상담원을 연결하고 있어요|Connecting you to an agent")
RESUMED = re.compile(r"하던 일을 이어서 할게요|Let's continue where we stopped")
LINK = re.compile(r"https?://\S+/(s|checkout)/[\w-]+(\?\S+)?")
OPTION = re.compile(r"^\s*(\d{1,2})[.)] ?(.+)$", re.MULTILINE)


@dataclasses.dataclass
class Button:
    title: str
    press: str = ""  # a web chat token or a Telegram callback_data
    url: str = ""


@dataclasses.dataclass
class Msg:
    text: str
    buttons: list[Button] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Reading:
    asked: str | None  # the question the last asking message asks
    problem: str | None
    cases: list[str]
    link: str | None
    text: str  # everything, joined (for the transcript and the outcome patterns)


def read(messages: Iterable[Msg]) -> Reading:
    messages = list(messages)
    asked, problem, link = None, None, None
    for m in messages:
        for key, pattern in QUESTIONS:
            if pattern.search(m.text):
                asked = key
        for key, pattern in PROBLEMS:
            if problem is None and pattern.search(m.text):
                problem = key
        for b in m.buttons:
            if b.url and "/checkout/" in b.url:
                link = b.url
        found = LINK.search(m.text)
        if found and link is None:
            link = found.group(0)
    text = "\n".join(m.text for m in messages)
    return Reading(asked=asked, problem=problem, cases=[c.group(0) for c in CASE.finditer(text)], link=link, text=text)


def option_number(text: str, label: str) -> str | None:
    """The number of the listed option whose title contains `label` ("2. Street lighting")."""
    for found in OPTION.finditer(text):
        if label.lower() in found.group(2).lower():
            return found.group(1)
    return None


def options_count(text: str) -> int:
    return len(OPTION.findall(text))


@dataclasses.dataclass
class Answer:
    text: str
    kind: str  # what the turn asks of govapi: none | read | verify | record | subscribe | handoff
    press: str | None = None  # a button title a tapping citizen presses instead


def answer(asked: str, reading: Reading, plan: Plan, citizen: Citizen, rng: random.Random,
           facts: dict[str, Any]) -> Answer | None:
    """What the citizen says to the question asked (None: this journey has no answer to it)."""
    lang = plan.lang
    national = "0" + citizen.phone[3:]
    if asked == "phone":
        return Answer(f"{national[:3]}-{national[3:7]}-{national[7:]}", "none")
    if asked == "birth_date":  # govapi sends the code: a write
        return Answer(citizen.birth, "verify")
    if asked == "case_number":
        return Answer(facts["case"], "read")
    if asked == "fine_ids":
        return Answer("1", "none", press="1")
    if asked == "payment_method":
        return Answer(SAY["card"][lang], "none", press=BUTTON["card"][lang])
    if asked == "confirm":  # the summary's yes: the payment, move-in report or complaint is written
        return Answer(SAY["yes"][lang], "record", press=BUTTON["yes"][lang])
    if asked == "new_address":  # an address search
        return Answer(facts["target"], "read")
    if asked == "address_id":
        n = options_count(reading.text) or 1
        choice = str(rng.randint(1, min(n, 5)))
        return Answer(choice, "none", press=choice)
    if asked == "effective_date":
        return Answer(SAY["today"][lang], "none")
    if asked == "member_ids":
        return Answer(SAY["alone"][lang], "none")
    if asked == "complaint_text":
        return Answer(facts["complaint"][0], "none")
    if asked == "complaint_category":
        label = facts["complaint"][1]
        suggested = re.search(r"'([^']+)' 민원이 맞나요|Is this about '([^']+)'", reading.text)
        if suggested and label.lower() in (suggested.group(1) or suggested.group(2) or "").lower():
            return Answer(SAY["yes"][lang], "none")
        return Answer(option_number(reading.text, label) or "10", "none")
    if asked == "complaint_place":
        return Answer(facts["place"], "none")
    if asked == "photo":
        return Answer(SAY["no_photo"][lang], "none")
    if asked == "subscription_offer":
        if plan.task == "subscribe":  # the notifier keeps the subscription
            return Answer(SAY["subscribe"][lang], "subscribe", press=BUTTON["subscribe"][lang])
        return Answer(SAY["no"][lang], "none", press=BUTTON["no"][lang])
    return None


def finished(task: str, reading: Reading, seen: dict[str, Any]) -> bool:
    """Whether the journey's task is done after this reply (`seen` keeps what earlier replies showed)."""
    if task in ("status", "subscribe"):
        if STATUS_LINE.search(reading.text):
            seen["status_shown"] = True
        if reading.asked == "subscription_offer":
            return False
        if task == "subscribe":
            return bool(SUBSCRIBED.search(reading.text))
        return seen.get("status_shown", False) and reading.asked is None
    if task == "list":
        return bool(LISTED.search(reading.text))
    if task == "pay":
        return reading.link is not None
    if task == "move":
        return bool(MOVE_DONE.search(reading.text))
    if task == "complaint":
        return bool(COMPLAINT_DONE.search(reading.text))
    raise ValueError(task)


# --- the citizens lent to journeys ---------------------------------------------------------------------------------
@dataclasses.dataclass
class Citizen:
    id: str
    phone: str  # E.164
    birth: str
    address_id: str
    cases: list[str] = dataclasses.field(default_factory=list)  # applications that can still move
    fines: int = 0  # unpaid fines no payment holds
    verifications: int = 0  # started this run (govapi allows VERIFY_LIMIT an hour)
    sms_used: bool = False  # an SMS conversation is the phone's: one SMS journey per phone per run
    moved: bool = False
    busy: bool = False
    sms_seen: int = 0  # the newest SMS outbox id read for this phone


class Pool:
    """Lends seeded citizens to journeys, one journey at a time each, so no journey meets another's writes: a
    citizen that moved is used up (one move a run, never to an address it lives at), a payer needs an unpaid fine
    (load.py issues enough before the run), a status check needs an open application, and govapi's five
    verifications per phone an hour are never exceeded."""

    def __init__(self, citizens: list[Citizen], avoid_for_move: set[str], verify_limit: int = VERIFY_LIMIT) -> None:
        self.citizens = citizens
        self.avoid_for_move = avoid_for_move
        self.verify_limit = verify_limit
        self.refused: dict[str, int] = {}

    def fits(self, c: Citizen, task: str, channel: str) -> bool:
        if c.busy or c.verifications >= self.verify_limit:
            return False
        if channel == "sms" and c.sms_used:
            return False
        if task in ("status", "subscribe") and not c.cases:
            return False
        if task == "pay" and c.fines < 1:
            return False
        return not (task == "move" and (c.moved or c.address_id in self.avoid_for_move))

    def lease(self, plan: Plan, rng: random.Random) -> Citizen | None:
        fitting = [c for c in self.citizens if self.fits(c, plan.task, plan.channel)]
        if not fitting:
            self.refused[f"{plan.task}/{plan.channel}"] = self.refused.get(f"{plan.task}/{plan.channel}", 0) + 1
            return None
        fewest = min(c.verifications for c in fitting)
        chosen = rng.choice([c for c in fitting if c.verifications == fewest])
        chosen.busy = True
        chosen.verifications += 1  # counted up front: a journey verifies at most once
        if plan.channel == "sms":
            chosen.sms_used = True
        if plan.task == "move":
            chosen.moved = True  # whatever happens: a move that may have been filed is never tried again
        return chosen

    def release(self, c: Citizen, plan: Plan, paid: bool) -> None:
        if plan.task == "pay" and paid:
            c.fines -= 1
        c.busy = False


# --- the records, checked against govapi afterwards ---------------------------------------------------------------
CREATED = {"payment.created": "payment", "address_change.received": "address_change",
           "complaint.received": "complaint"}


def check_records(expected: list[tuple[str, str, str]], paid: list[str], events: list[dict[str, Any]],
                  citizens: set[str]) -> dict[str, list[str]]:
    """expected: (kind, case number, citizen id) each journey was told about; paid: payment ids a checkout paid;
    events: govapi's outbox since the run began. Problems by name (all empty: every record exactly once)."""
    created: dict[str, list[dict[str, Any]]] = {}
    paid_events: dict[str, int] = {}
    for e in events:
        if e["type"] in CREATED:
            created.setdefault(e["case_number"], []).append(e)
        elif e["type"] == "payment.paid":
            paid_events[e["case_number"]] = paid_events.get(e["case_number"], 0) + 1
    problems: dict[str, list[str]] = {"missing": [], "duplicated": [], "wrong citizen": [], "not paid once": [],
                                      "written but never told": []}
    told = set()
    for kind, number, citizen in expected:
        told.add(number)
        rows = created.get(number, [])
        if not rows:
            problems["missing"].append(f"{kind} {number}")
        elif len(rows) > 1:
            problems["duplicated"].append(f"{kind} {number} x{len(rows)}")
        elif CREATED[rows[0]["type"]] != kind or rows[0].get("citizen_id") != citizen:
            problems["wrong citizen"].append(f"{kind} {number}")
    for number in paid:
        if paid_events.get(number, 0) != 1:
            problems["not paid once"].append(f"{number} paid {paid_events.get(number, 0)} times")
    for number, rows in created.items():
        if number not in told and any(r.get("citizen_id") in citizens for r in rows):
            problems["written but never told"].append(f"{CREATED[rows[0]['type']]} {number}")
    return problems


# --- figures -----------------------------------------------------------------------------------------------------
def pick(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def percentiles_ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {pick(values, .5) * 1000:.0f} ms / p95 {pick(values, .95) * 1000:.0f} ms / "
            f"p99 {pick(values, .99) * 1000:.0f} ms")


KIND_NAMES = {
    "none": "no govapi call", "read": "govapi read", "verify": "govapi write: verification (code sent, code checked)",
    "record": "govapi write: payment / move-in report / complaint", "subscribe": "notifier write: subscription",
    "handoff": "handoff to the desk",
}


@dataclasses.dataclass
class TurnRecord:
    kind: str
    channel: str
    latency: float
    done_at: float  # time.monotonic()


@dataclasses.dataclass
class Journey:
    plan: Plan
    citizen: str
    started: float
    finished: float = 0.0
    outcome: str = "cut"  # done | failed | cut (the run ended first)
    reason: str = ""
    transcript: list[str] = dataclasses.field(default_factory=list)
    told: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (kind, case number)
    paid: str | None = None
    handoff_wait: float | None = None
    receipt_wait: float | None = None


@dataclasses.dataclass
class Results:
    turns: list[TurnRecord] = dataclasses.field(default_factory=list)
    journeys: list[Journey] = dataclasses.field(default_factory=list)
    errors: dict[str, int] = dataclasses.field(default_factory=dict)
    no_citizen: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


# --- driving a stack ---------------------------------------------------------------------------------------------
class TurnError(Exception):
    pass


@dataclasses.dataclass
class Endpoints:
    public: str  # the webhooks (HAProxy's public port, or the edge)
    standins: str
    govapi: str
    console: str
    inbox_prefix: str  # the edge's Redis key prefix (CONNECTORS_REDIS_PREFIX) + "inbox:conv:"
    redis_url: str


class Pacer:
    """When a citizen sends next: a Poisson process of `rate` per second, or at once when rate is 0."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.next_at = time.monotonic() + (random.expovariate(rate) if rate > 0 else 0.0)

    async def wait(self) -> None:
        if self.rate <= 0:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic() - 1.0) + random.expovariate(self.rate)


def twilio_signature(url: str, form: dict[str, str]) -> str:
    data = url + "".join(k + form[k] for k in sorted(form))
    return base64.b64encode(hmac.new(TWILIO_AUTH.encode(), data.encode(), hashlib.sha1).digest()).decode()


class Channel:
    """One citizen's side of one conversation: say or press (a timed turn) and what arrives outside turns."""

    conversation: str

    def __init__(self, http: aiohttp.ClientSession, ep: Endpoints, redis: Any, timeout: float) -> None:
        self.http, self.ep, self.redis, self.timeout = http, ep, redis, timeout
        self.last: list[Msg] = []

    async def say(self, text: str) -> tuple[list[Msg], float]:
        raise NotImplementedError

    async def press(self, title: str) -> tuple[list[Msg], float]:
        return await self.say(title)

    async def later(self) -> list[Msg]:
        """Messages sent to the citizen since the last look (outside a turn)."""
        raise NotImplementedError

    async def turn_done(self) -> None:
        """Until the edge's inbox holds no message of this conversation (every reply of the turn sent)."""
        key = self.ep.inbox_prefix + self.conversation
        deadline = time.monotonic() + self.timeout
        while await self.redis.zcard(key) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def find(self, title: str) -> Button | None:
        for m in reversed(self.last):
            for b in m.buttons:
                if b.press and b.title.strip().lower() == title.strip().lower():
                    return b
        return None


class WebChat(Channel):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.session = str(uuid.uuid4())
        self.conversation = f"web:{self.session}"
        self.cookie = ""  # the browser's own cookie (edge/webchat.py: a session belongs to its browser)

    async def _post(self, path: str, body: dict[str, Any]) -> list[Msg]:
        headers = {"Cookie": f"minwon_webchat={self.cookie}"} if self.cookie else {}
        async with self.http.post(self.ep.public + path, json=body, headers=headers) as r:
            raw = await r.text()
            if r.status != 200:  # the edge's JSON refusal, or the load balancer's own page (504: no answer in time)
                code = raw[:200].split('"code": "', 1)[-1].split('"', 1)[0] if '"code"' in raw else ""
                raise TurnError(f"web chat {r.status} {code}".rstrip())
            if "minwon_webchat" in r.cookies:
                self.cookie = r.cookies["minwon_webchat"].value
        try:
            data = json.loads(raw)
        except ValueError:
            raise TurnError("web chat: an answer that is not JSON") from None
        return [Msg(m.get("text") or "", [Button(b.get("title", ""), b.get("token", ""), b.get("url", ""))
                                          for b in m.get("buttons") or []]) for m in data.get("messages", [])]

    async def say(self, text: str) -> tuple[list[Msg], float]:
        return await self._turn({"session": self.session, "text": text})

    async def press(self, title: str) -> tuple[list[Msg], float]:
        button = self.find(title)
        if button is None:
            return await self.say(title)
        return await self._turn({"session": self.session, "token": button.press})

    async def _turn(self, body: dict[str, Any]) -> tuple[list[Msg], float]:
        start = time.perf_counter()
        messages = await self._post("/webhooks/webchat/messages", body)
        latency = time.perf_counter() - start
        if not messages:  # slower than the page waits: the reply comes with a poll
            deadline = time.monotonic() + self.timeout
            while not messages and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
                messages = await self.later()
            latency = time.perf_counter() - start
        self.last = messages
        return messages, latency

    async def later(self) -> list[Msg]:
        return await self._post("/webhooks/webchat/poll", {"session": self.session})


class Telegram(Channel):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.chat = 10**9 + random.randrange(9 * 10**8)
        self.conversation = f"tg:{self.chat}"
        self.seen = 0
        self.message_id = 0

    def _update(self, text: str | None, callback: str | None) -> dict[str, Any]:
        user = {"id": self.chat, "is_bot": False, "first_name": "Citizen"}
        chat = {"id": self.chat, "type": "private"}
        if callback is not None:
            return {"update_id": random.randrange(2**31), "callback_query": {
                "id": uuid.uuid4().hex[:16], "from": user, "chat_instance": str(self.chat), "data": callback,
                "message": {"message_id": self.message_id, "date": int(time.time()), "chat": chat}}}
        self.message_id += 1
        return {"update_id": random.randrange(2**31), "message": {
            "message_id": self.message_id, "date": int(time.time()), "from": user, "chat": chat, "text": text}}

    async def _calls(self, min_count: int = 0, wait: float = 0) -> list[dict[str, Any]]:
        params = {"chat_id": str(self.chat), "method": "sendMessage"}
        if min_count:
            params.update(min_count=str(min_count), wait=str(wait))
        async with self.http.get(self.ep.standins + "/_control/telegram/calls", params=params) as r:
            return list((await r.json())["calls"])

    @staticmethod
    def _messages(calls: list[dict[str, Any]]) -> list[Msg]:
        out = []
        for call in calls:
            params = call.get("params") or {}
            rows = (params.get("reply_markup") or {}).get("inline_keyboard") or []
            out.append(Msg(params.get("text") or "", [Button(b.get("text", ""), b.get("callback_data", ""),
                                                             b.get("url", "")) for row in rows for b in row]))
        return out

    async def _turn(self, text: str | None, callback: str | None) -> tuple[list[Msg], float]:
        start = time.perf_counter()
        async with self.http.post(self.ep.public + "/webhooks/telegram/webhook", json=self._update(text, callback),
                                  headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}) as r:
            await r.read()
            if r.status != 200:
                raise TurnError(f"telegram webhook {r.status}")
        first = await self._calls(self.seen + 1, self.timeout)  # the first reply: the citizen sees the answer
        latency = time.perf_counter() - start
        if len(first) <= self.seen:
            raise TurnError("telegram: no reply")
        await self.turn_done()
        calls = await self._calls()
        messages = self._messages(calls[self.seen:])
        self.seen = len(calls)
        self.last = messages
        return messages, latency

    async def say(self, text: str) -> tuple[list[Msg], float]:
        return await self._turn(text, None)

    async def press(self, title: str) -> tuple[list[Msg], float]:
        button = self.find(title)
        if button is None:
            return await self.say(title)
        return await self._turn(None, button.press)

    async def later(self) -> list[Msg]:
        calls = await self._calls()
        messages = self._messages(calls[self.seen:])
        self.seen = len(calls)
        return messages


class Sms(Channel):
    def __init__(self, http: aiohttp.ClientSession, ep: Endpoints, redis: Any, timeout: float, phone: str) -> None:
        super().__init__(http, ep, redis, timeout)
        self.phone = phone
        self.conversation = f"sms:{phone}"
        self.rest_seen = -1  # REST-sent messages to this phone read so far (-1: not looked yet)

    async def _rest(self) -> list[str]:
        async with self.http.get(self.ep.standins + "/_control/twilio/messages", params={"to": self.phone}) as r:
            return [m.get("body") or m.get("Body") or "" for m in (await r.json())["messages"]]

    async def say(self, text: str) -> tuple[list[Msg], float]:
        if self.rest_seen < 0:
            self.rest_seen = len(await self._rest())
        url = self.ep.public + "/webhooks/twilio/webhook"
        sid = "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": TWILIO_SID, "From": self.phone, "To": "+15005550006",
                "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        start = time.perf_counter()
        async with self.http.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)}) as r:
            body = await r.text()
            if r.status != 200:
                raise TurnError(f"sms webhook {r.status}")
        try:
            bodies = [(m.findtext("Body") or m.text or "") for m in ElementTree.fromstring(body).iter("Message")]
        except ElementTree.ParseError:
            raise TurnError("sms: TwiML unreadable") from None
        if not bodies:  # slower than the TwiML deadline: the reply comes over the REST API
            deadline = time.monotonic() + self.timeout
            while not bodies and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                bodies = [m.text for m in await self.later()]
            if bodies:
                await self.turn_done()
                bodies += [m.text for m in await self.later()]
        latency = time.perf_counter() - start
        self.last = [Msg(b) for b in bodies]
        return self.last, latency

    async def later(self) -> list[Msg]:
        sent = await self._rest()
        start = max(self.rest_seen, 0)
        self.rest_seen = len(sent)
        return [Msg(b) for b in sent[start:]]


class Govapi:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url
        self.admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        async with self.http.get(self.url + path, params=params, headers=self.admin) as r:
            return r.status, await r.json(content_type=None)

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.http.post(self.url + path, json=body, headers=self.admin) as r:
            return r.status, await r.json(content_type=None)

    async def code(self, citizen: Citizen, timeout: float = 10.0) -> str:
        """The newest one-time code sent to the citizen's phone (govapi's development SMS outbox)."""
        deadline = time.monotonic() + timeout
        while True:
            status, body = await self.get("/v1/admin/sms-outbox", phone=citizen.phone, limit=3)
            for m in (body.get("messages") or []) if status == 200 else []:
                found = re.search(r"(?<!\d)(\d{6})(?!\d)", m.get("body", ""))
                if int(m["id"]) > citizen.sms_seen and found:
                    citizen.sms_seen = int(m["id"])
                    return found.group(1)
            if time.monotonic() > deadline:
                raise TurnError("no one-time code in govapi's outbox")
            await asyncio.sleep(0.2)

    async def events_cursor(self) -> str:
        cursor = "0"
        while True:
            status, body = await self.get("/v1/events", after=cursor, limit=500)
            if status != 200:
                raise RuntimeError(f"govapi events: {status}")
            cursor = body["next_cursor"]
            if len(body["events"]) < 500:
                return cursor

    async def events_since(self, cursor: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        while True:
            status, body = await self.get("/v1/events", after=cursor, limit=500)
            if status != 200:
                raise RuntimeError(f"govapi events: {status}")
            events += body["events"]
            cursor = body["next_cursor"]
            if len(body["events"]) < 500:
                return events

    async def load_pool(self, fines_each: int, parallel: int = 8) -> Pool:
        """Every seeded citizen with what journeys need of them; each gets up to `fines_each` unpaid fines (issued
        as the police would) so paying never runs out; the addresses people move to are avoided."""
        limit = asyncio.Semaphore(parallel)
        citizens: list[Citizen] = []
        number = 1
        while True:
            batch = range(number, number + 50)
            got = await asyncio.gather(*(self.get(f"/v1/admin/citizens/ct_{n:06d}") for n in batch))
            citizens += [Citizen(id=b["id"], phone=b["phone"], birth=b["birth_date"], address_id=b.get("address_id") or "")
                         for s, b in got if s == 200]
            if any(s != 200 for s, _ in got):
                break
            number += 50

        async def fill(c: Citizen) -> None:
            async with limit:
                _, apps = await self.get(f"/v1/admin/citizens/{c.id}/applications")
                c.cases = [a["number"] for a in apps.get("applications", [])
                           if a.get("status") in ("received", "under_review", "supplement_requested")]
                _, fines = await self.get(f"/v1/admin/citizens/{c.id}/fines", status="unpaid")
                free = [f for f in fines.get("fines", []) if f.get("status") == "unpaid" and not f.get("pending_payment")]
                for n in range(max(0, fines_each - len(free))):
                    status, issued = await self.post("/v1/admin/fines", {
                        "citizen_id": c.id, "kind": "illegal_parking", "plate": "12가3456",
                        "place": {"ko": "서울특별시 강남구 선릉로 부근", "en": "Near Seolleung-ro, Gangnam-gu"},
                        "base_amount": 40000 + 10000 * n, "due_date": _in_days(20 + n)})
                    if status != 201:
                        raise RuntimeError(f"govapi refused a fine: {issued}")
                c.fines = max(len(free), fines_each)

        await asyncio.gather(*(fill(c) for c in citizens))
        avoid: set[str] = set()
        for query in {q for qs in MOVE_TARGETS.values() for q in qs}:
            async with self.http.get(self.url + "/v1/addresses", params={"q": query, "limit": "5"},
                                     headers={"Authorization": "Bearer dev-service-token"}) as r:
                avoid |= {a["id"] for a in (await r.json()).get("addresses", [])}
        return Pool(citizens, avoid)


def _in_days(days: int) -> str:
    import datetime as dt
    return ((dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date() + dt.timedelta(days=days)).isoformat()


class Desk:
    """Two call-centre agents in the console: each takes what waits in the queue, answers once and hands the
    conversation back to the assistant (no satisfaction question)."""

    def __init__(self, console: str) -> None:
        self.console = console
        self.agents: list[tuple[aiohttp.ClientSession, str]] = []
        self.handled = 0
        self.failures: dict[str, int] = {}

    async def start(self) -> None:
        for user in ("agent1", "agent2"):
            http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
            async with http.get(self.console + "/api/login-token") as r:
                token = (await r.json())["csrf"]
            async with http.post(self.console + "/api/login", json={"username": user, "password": f"{user}-demo"},
                                 headers={"X-CSRF-Token": token}) as r:
                if r.status != 200:
                    raise RuntimeError(f"desk login {user}: {r.status}")
                self.agents.append((http, (await r.json())["csrf"]))

    async def work(self, stop: asyncio.Event, n: int) -> None:
        http, csrf = self.agents[n]
        headers = {"X-CSRF-Token": csrf}
        while not stop.is_set():
            try:
                async with http.get(self.console + "/api/queue") as r:
                    waiting = (await r.json()).get("waiting", [])
                for item in waiting[n::2] or waiting:
                    async with http.post(f"{self.console}/api/handoffs/{item['id']}/claim", json={},
                                         headers=headers) as r:
                        if r.status != 200:
                            continue  # the other agent took it
                    text = "상담원입니다. 도와드릴게요." if item.get("language") == "ko" else "Hello, an agent here. Let me help."
                    await self._post(http, item["id"], "reply", {"text": text}, headers, tries=1)
                    # Closing hands the conversation back to Rasa first and waits for it (up to 70 s); when that
                    # fails the console says so (502) and the handoff stays open: the agent presses close again. A
                    # retry never hands back twice (bot/desk/service.py close), so each refusal counted below is a
                    # retried click, and a handoff counts as handled only once a close went through.
                    if await self._post(http, item["id"], "close", {"survey": False}, headers, tries=6):
                        self.handled += 1
                    else:
                        self.failures["close given up"] = self.failures.get("close given up", 0) + 1
            except (TimeoutError, aiohttp.ClientError, KeyError, ValueError) as error:
                self.failures[type(error).__name__] = self.failures.get(type(error).__name__, 0) + 1
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except TimeoutError:
                pass

    async def _post(self, http: aiohttp.ClientSession, handoff: str, path: str, body: dict[str, Any],
                    headers: dict[str, str], tries: int) -> bool:
        """True once the console answered 200; each other answer is counted by path and status."""
        for attempt in range(tries):
            async with http.post(f"{self.console}/api/handoffs/{handoff}/{path}", json=body, headers=headers) as r:
                await r.read()
                if r.status == 200:
                    return True
            self.failures[f"{path} {r.status}"] = self.failures.get(f"{path} {r.status}", 0) + 1
            if attempt + 1 < tries:
                await asyncio.sleep(2)
        return False

    async def close(self) -> None:
        for http, _ in self.agents:
            await http.close()


class Failed(Exception):
    pass


class Runner:
    def __init__(self, http: aiohttp.ClientSession, ep: Endpoints, redis: Any, gov: Govapi, pool: Pool,
                 results: Results, timeout: float) -> None:
        self.http, self.ep, self.redis, self.gov, self.pool = http, ep, redis, gov, pool
        self.results, self.timeout = results, timeout

    def channel(self, plan: Plan, citizen: Citizen) -> Channel:
        if plan.channel == "sms":
            return Sms(self.http, self.ep, self.redis, self.timeout, citizen.phone)
        return (Telegram if plan.channel == "telegram" else WebChat)(self.http, self.ep, self.redis, self.timeout)

    async def citizen_loop(self, rng: random.Random, pacer: Pacer, stop_at: float, once: bool = False) -> None:
        while time.monotonic() < stop_at:
            plan = choose_plan(rng)
            citizen = self.pool.lease(plan, rng)
            if citizen is None and plan.channel == "sms":  # no unused phone left for this task: the web chat
                plan = dataclasses.replace(plan, channel="web", press=rng.random() < PRESS_SHARE)
                citizen = self.pool.lease(plan, rng)
            if citizen is None:
                self.results.no_citizen += 1
                await asyncio.sleep(0.5)
                continue
            journey = Journey(plan, citizen.id, time.monotonic())
            self.results.journeys.append(journey)
            try:
                await self.journey(journey, citizen, rng, pacer, stop_at)
            finally:
                self.pool.release(citizen, plan, journey.paid is not None)
            if once:
                return

    async def journey(self, j: Journey, citizen: Citizen, rng: random.Random, pacer: Pacer, stop_at: float) -> None:
        plan = j.plan
        chan = self.channel(plan, citizen)
        facts: dict[str, Any] = {
            "case": rng.choice(citizen.cases) if citizen.cases else "",
            "target": rng.choice(MOVE_TARGETS[plan.lang]), "complaint": rng.choice(COMPLAINTS[plan.lang]),
            "place": rng.choice(PLACES[plan.lang])}
        seen: dict[str, Any] = {}
        asked_before: dict[str, int] = {}
        handoff_done = False
        try:
            reading = await self.turn(j, chan, rng.choice(OPENINGS[plan.task][plan.lang]), None, "none", pacer, stop_at)
            for _ in range(20):
                if reading.problem:
                    raise Failed(reading.problem)
                if reading.asked == "subscription_offer":
                    seen["offered"] = True
                if finished(plan.task, reading, seen):
                    await self.wrap_up(j, chan, reading)
                    j.outcome, j.finished = "done", time.monotonic()
                    return
                asked = reading.asked
                if asked is None:
                    raise Failed("no question asked and the task not done")
                asked_before[asked] = asked_before.get(asked, 0) + 1
                if asked_before[asked] > 2:
                    raise Failed(f"asked {asked} a third time")
                if asked == "otp":
                    code = await self.gov.code(citizen)
                    reading = await self.turn(j, chan, code, None, "verify", pacer, stop_at)
                    continue
                if plan.handoff and not handoff_done and asked not in ("phone", "birth_date", "otp"):
                    handoff_done = True
                    reading = await self.handoff(j, chan, rng, pacer, stop_at)
                    continue
                said = answer(asked, reading, plan, citizen, rng, facts)
                if said is None:
                    raise Failed(f"no answer to {asked}")
                press = said.press if plan.press else None
                reading = await self.turn(j, chan, said.text, press, said.kind, pacer, stop_at)
            raise Failed("more than 20 turns")
        except Failed as failure:
            j.outcome, j.reason, j.finished = "failed", str(failure), time.monotonic()
            self.results.error(f"journey failed: {failure}")
        except TurnError as error:
            j.outcome, j.reason, j.finished = "failed", str(error), time.monotonic()
            self.results.error(str(error))
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError) as error:  # no answer, or not one we read
            j.outcome, j.reason, j.finished = "failed", type(error).__name__, time.monotonic()
            self.results.error(f"{plan.channel} {type(error).__name__}")
        except Cut:
            j.outcome = "cut"
        except Exception as error:  # noqa: BLE001 - counted and shown, never a crash that loses the run's figures
            j.outcome, j.reason, j.finished = "failed", f"harness {type(error).__name__}: {error}", time.monotonic()
            self.results.error(f"harness {type(error).__name__}")

    async def turn(self, j: Journey, chan: Channel, text: str, press: str | None, kind: str, pacer: Pacer,
                   stop_at: float) -> Reading:
        await pacer.wait()
        if time.monotonic() >= stop_at:
            raise Cut()
        messages, latency = await (chan.press(press) if press else chan.say(text))
        self.results.turns.append(TurnRecord(kind, j.plan.channel, latency, time.monotonic()))
        reading = read(messages)
        j.transcript.append(f"> {press or text}")
        j.transcript += [f"< {m.text}" for m in messages]
        for number in reading.cases:
            kind_of = {"PY": "payment", "MV": "address_change", "CP": "complaint"}.get(number[:2])
            if kind_of and kind_of == WRITE_TASKS.get(j.plan.task) and (kind_of, number) not in j.told \
                    and (kind_of != "payment" or PAYMENT_REF.search(reading.text)):
                j.told.append((kind_of, number))
        if not messages:
            raise TurnError(f"{j.plan.channel}: no reply")
        return reading

    async def handoff(self, j: Journey, chan: Channel, rng: random.Random, pacer: Pacer, stop_at: float) -> Reading:
        reading = await self.turn(j, chan, rng.choice(ASK_PERSON[j.plan.lang]), None, "handoff", pacer, stop_at)
        if reading.problem:
            raise Failed(reading.problem)
        if not QUEUED.search(reading.text):
            raise Failed("asked for a person, not queued")
        started = time.monotonic()
        got: list[Msg] = []
        while time.monotonic() - started < 90:
            await asyncio.sleep(0.3)
            got += await chan.later()
            text = "\n".join(m.text for m in got)
            resumed = RESUMED.search(text)
            if resumed:
                after = read([Msg(text[resumed.end():])])
                if after.asked:
                    j.handoff_wait = time.monotonic() - started
                    j.transcript += [f"< (desk) {m.text}" for m in got]
                    chan.last = got
                    return read(got)
        raise Failed("the desk did not hand back within 90 s")

    async def wrap_up(self, j: Journey, chan: Channel, reading: Reading) -> None:
        if j.plan.task != "pay":
            return
        link = reading.link or ""
        headers = {"X-Forwarded-For": f"10.{rng_octet()}.{rng_octet()}.{rng_octet()}"}  # the citizen's phone
        async with self.http.get(link, headers=headers) as r:  # an SMS short link redirects to the checkout
            page = await r.text()
            checkout = str(r.url)
            if r.status != 200:
                raise Failed(f"checkout page {r.status}")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(checkout).query)
        payment_id = urllib.parse.urlsplit(checkout).path.rsplit("/", 1)[-1]
        form = {"t": query.get("t", [""])[0], "lang": j.plan.lang, "action": "pay", "card_number": "4242 4242 4242 4242"}
        if "name='action' value='pay'" not in page:
            raise Failed("checkout page offers no payment")
        async with self.http.post(checkout.split("?")[0], data=form) as r:
            receipt_page = await r.text()
            if r.status != 200 or not RECEIPT.search(receipt_page):
                raise Failed(f"checkout: not paid ({r.status})")
        j.paid = payment_id
        if ("payment", payment_id) not in j.told:
            j.told.append(("payment", payment_id))
        started = time.monotonic()
        while time.monotonic() - started < 30:  # the receipt comes back into the conversation by itself
            got = await chan.later()
            j.transcript += [f"< (later) {m.text}" for m in got]
            if any(RECEIPT.search(m.text) for m in got):
                j.receipt_wait = time.monotonic() - started
                return
            await asyncio.sleep(0.3)
        raise Failed("no receipt in the conversation within 30 s of paying")


class Cut(Exception):
    """The run ended before this journey's next message."""


def rng_octet() -> int:
    return random.randrange(1, 255)


async def run(ep: Endpoints, citizens: int, duration: float, rate: float, timeout: float, seed: int,
              at_start: Callable[[], Awaitable[None]] | None = None, fines_each: int = 3,
              warm_up: int = 6) -> tuple[Results, float, dict[str, list[str]], Desk, Pool]:
    """Set up, warm up, then `citizens` citizens doing journeys for `duration` s; the records checked after."""
    from redis import asyncio as aioredis

    rng = random.Random(seed)
    redis = aioredis.from_url(ep.redis_url)
    connector = aiohttp.TCPConnector(limit=citizens * 3 + 20)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=timeout + 10)) as http:
        gov = Govapi(http, ep.govapi)
        pool = await gov.load_pool(fines_each)
        desk = Desk(ep.console)
        await desk.start()
        stop_desk = asyncio.Event()
        desk_tasks = [asyncio.create_task(desk.work(stop_desk, n)) for n in range(len(desk.agents))]
        try:
            warm = Results()
            warm_runner = Runner(http, ep, redis, gov, pool, warm, timeout)
            await asyncio.wait_for(asyncio.gather(*(
                warm_runner.citizen_loop(random.Random(seed + 1000 + i), Pacer(0), time.monotonic() + 600, once=True)
                for i in range(warm_up))), 180)
            for line in failed_transcripts(warm):
                print(f"warm-up journey failed: {line}", flush=True)
            cursor = await gov.events_cursor()
            results = Results()
            runner = Runner(http, ep, redis, gov, pool, results, timeout)
            if at_start:
                await at_start()
            load_started = time.monotonic()
            stop_at = load_started + duration
            loops = [runner.citizen_loop(random.Random(rng.random()), Pacer(rate / citizens if rate else 0), stop_at)
                     for _ in range(citizens)]
            await asyncio.wait_for(asyncio.gather(*loops), timeout=duration + 3 * timeout + 180)
        finally:
            stop_desk.set()
            await asyncio.gather(*desk_tasks)
            await desk.close()
        await asyncio.sleep(1.0)  # the last confirmations land
        events = await gov.events_since(cursor)
    await redis.aclose()
    expected = [(kind, number, j.citizen) for j in results.journeys for kind, number in j.told]
    paid = [j.paid for j in results.journeys if j.paid]
    problems = check_records(expected, paid, events, {j.citizen for j in results.journeys})
    return results, load_started, problems, desk, pool


def report(label: str, results: Results, load_started: float, duration: float, problems: dict[str, list[str]],
           desk: Desk) -> list[str]:
    """The journey figures (load.py adds CPU and memory)."""
    window_end = load_started + duration
    done = [j for j in results.journeys if j.outcome == "done" and j.finished <= window_end]
    failed = [j for j in results.journeys if j.outcome == "failed"]
    turns = results.turns
    in_window = sum(1 for t in turns if t.done_at <= window_end)
    record_errors = sum(len(v) for v in problems.values())
    errors = sum(results.errors.values()) + record_errors
    by_task: dict[str, int] = {}
    for j in done:
        by_task[j.plan.task] = by_task.get(j.plan.task, 0) + 1
    lines = [f"[{label}] {len(done) / duration * 60:.0f} completed journeys/min ("
             + ", ".join(f"{k} {v}" for k, v in sorted(by_task.items())) + f"; {len(failed)} failed, "
             f"{sum(1 for j in results.journeys if j.outcome == 'cut')} cut by the end of the run), "
             f"{in_window / duration:.1f} turns/s ({len(turns)} turns), errors {errors}"
             + (f" {dict(sorted(results.errors.items()))}" if results.errors else "")]
    lines.append(f"[{label}] turn latency, all: {percentiles_ms([t.latency for t in turns])}")
    for kind, name in KIND_NAMES.items():
        values = [t.latency for t in turns if t.kind == kind]
        if values:
            lines.append(f"[{label}]   {name}: n={len(values)} {percentiles_ms(values)}")
    writes = [t.latency for t in turns if t.kind in ("verify", "record")]
    others = [t.latency for t in turns if t.kind not in ("verify", "record")]
    lines.append(f"[{label}]   with a govapi write: {percentiles_ms(writes)}; without: {percentiles_ms(others)}")
    for channel in CHANNELS:
        values = [t.latency for t in turns if t.channel == channel]
        if values:
            lines.append(f"[{label}]   {channel}: n={len(values)} {percentiles_ms(values)}")
    records = sum(len(j.told) for j in results.journeys)
    lines.append(f"[{label}] govapi records: {records} told to citizens, {sum(1 for j in results.journeys if j.paid)} "
                 f"paid on the checkout page; " + ("every one exactly once, nothing else written" if not record_errors
                                                   else "; ".join(f"{k}: {v[:5]}" for k, v in problems.items() if v)))
    waits = [j.handoff_wait for j in results.journeys if j.handoff_wait is not None]
    receipts = [j.receipt_wait for j in results.journeys if j.receipt_wait is not None]
    lines.append(f"[{label}] handoffs taken and handed back by the desk: {desk.handled} (wait p50 "
                 f"{pick(waits, .5) if waits else 0:.1f} s)"
                 f"{'; refused desk requests (a close retried, up to 6 tries) ' + str(desk.failures) if desk.failures else ''}"
                 f"; receipts back in the conversation after paying: p50 {pick(receipts, .5) if receipts else 0:.2f} s"
                 + (f"; {results.no_citizen} times no seeded citizen was free for the task" if results.no_citizen else ""))
    return lines


def failed_transcripts(results: Results, limit: int = 3) -> list[str]:
    out = []
    for j in [j for j in results.journeys if j.outcome == "failed"][:limit]:
        out.append(f"--- {j.plan} ({j.citizen}): {j.reason}")
        out += ["    " + line.replace("\n", "\n    ") for line in j.transcript[-12:]]
    return out
