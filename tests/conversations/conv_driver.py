"""How the corpus talks to the stack: the two channels as a citizen uses them (web chat JSON API; SMS through the
Twilio stand-in, which signs the webhook), Rasa's tracker API, govapi's admin and citizen reads, and the pool of
seeded citizens a conversation borrows (one conversation at a time per citizen; an SMS number once per run, since
the number is the conversation)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import threading
import time
import urllib.parse
import uuid
from typing import Any

import phonenumbers
import requests
from conv_stack import Stack

TURN_TIMEOUT = 20.0  # seconds one message may take before the conversation fails
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
WRITE_TYPES = {"payment.created": "payment", "complaint.received": "complaint",
               "address_change.received": "address_change"}
_local = threading.local()


def session() -> requests.Session:
    """One keep-alive session per thread (requests' sessions are not thread-safe)."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        # Every address is loopback; and reading proxy settings walks os.environ, which pytest changes
        # (PYTEST_CURRENT_TEST) while these threads run: a walk racing that change raised KeyError.
        _local.session.trust_env = False
    return _local.session


class TurnFailed(AssertionError):
    pass


@dataclasses.dataclass
class Reply:
    text: str
    buttons: list[dict[str, Any]]


# --- channels -------------------------------------------------------------------------------------------------
class WebChat:
    channel = "web"

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.session_id = str(uuid.uuid4())
        self.conversation_id = f"web:{self.session_id}"
        self.last: list[Reply] = []

    def send(self, text: str | None = None, token: str | None = None) -> tuple[list[Reply], float]:
        body = {"session": self.session_id, **({"token": token} if token else {"text": text})}
        started = time.perf_counter()
        try:
            r = session().post(self.stack.url["edge"] + "/webhooks/webchat/messages", json=body, timeout=TURN_TIMEOUT)
        except requests.Timeout:
            raise TurnFailed(f"no web chat answer within {TURN_TIMEOUT:.0f} s") from None
        ms = (time.perf_counter() - started) * 1000
        if r.status_code != 200:
            raise TurnFailed(f"web chat answered {r.status_code}: {r.text[:300]}")
        self.last = [Reply(m.get("text") or "", m.get("buttons") or []) for m in r.json().get("messages", [])]
        return self.last, ms

    def say(self, text: str) -> tuple[list[Reply], float]:
        return self.send(text=text)

    def press(self, title: str) -> tuple[list[Reply], float]:
        for reply in reversed(self.last):
            found = closest(title, [(button["token"], button.get("title", "")) for button in reply.buttons
                                    if button.get("token")])
            if found:
                return self.send(token=found)
        return self.send(text=title)  # no such button: typed, as a citizen would


def closest(title: str, choices: list[tuple[str, str]]) -> str | None:
    """The choice a citizen pressing `title` means: its title said whole ("park": Parks, not Illegal parking), else
    the first title that holds the words."""
    low = title.lower()
    whole = re.compile(r"(?<!\w)" + re.escape(low) + r"s?(?!\w)")
    for fits in (lambda t: t == low, lambda t: bool(whole.search(t)), lambda t: low in t):
        for key, shown in choices:
            if fits(shown.lower().strip()):
                return key
    return None


class SmsPhone:
    channel = "sms"

    def __init__(self, stack: Stack, phone: str) -> None:
        self.stack = stack
        self.phone = phone
        self.conversation_id = f"sms:{phone}"
        self.last: list[Reply] = []

    def _rest_messages(self) -> list[str]:
        r = session().get(self.stack.url["standins"] + "/_control/twilio/messages", params={"to": self.phone}, timeout=10)
        return [m.get("body") or m.get("Body") or "" for m in r.json()["messages"]]

    def say(self, text: str) -> tuple[list[Reply], float]:
        before = len(self._rest_messages())
        started = time.perf_counter()
        try:
            r = session().post(self.stack.url["standins"] + "/simulator/sms/send",
                               json={"from": self.phone, "body": text}, timeout=TURN_TIMEOUT)
        except requests.Timeout:
            raise TurnFailed(f"no SMS webhook answer within {TURN_TIMEOUT:.0f} s") from None
        answer = r.json()
        if r.status_code != 200 or answer.get("status") != 200:
            raise TurnFailed(f"SMS webhook answered {answer}")
        bodies = list(answer.get("twiml") or [])
        ms = float(answer.get("reply_ms") or (time.perf_counter() - started) * 1000)
        if not bodies:  # a slow turn is answered by REST after the webhook returned
            deadline = started + TURN_TIMEOUT
            while time.perf_counter() < deadline and not bodies:
                time.sleep(0.2)
                bodies = self._rest_messages()[before:]
            ms = (time.perf_counter() - started) * 1000
        self.last = [Reply(b, []) for b in bodies]
        return self.last, ms

    def press(self, title: str) -> tuple[list[Reply], float]:
        """SMS shows buttons as numbered choices: send the number of the line that names the title."""
        for reply in reversed(self.last):
            choices = []
            for line in reply.text.splitlines():
                # "1. 카드 결제 링크 / 2. 가상계좌 입금" and "1 Yes / 2 No" hold several choices on one line
                several = " / " in line
                for part in line.split(" / ") if several else [line]:
                    found = re.match(r"\s*(\d{1,2})(?:[.)]\s*|\s+)(.+)" if several else r"\s*(\d{1,2})[.)]\s*(.+)", part)
                    if found:
                        choices.append((found.group(1), found.group(2)))
            number = closest(title, choices)
            if number:
                return self.say(number)
        return self.say(title)


# --- Rasa's view of the conversation ------------------------------------------------------------------------------
def tracker(stack: Stack, conversation_id: str, events: bool = False) -> dict[str, Any]:
    r = session().get(f"{stack.url['rasa']}/conversations/{urllib.parse.quote(conversation_id, safe=':+')}/tracker",
                      params={"token": stack.tokens["RASA_TOKEN"], "include_events": "ALL" if events else "NONE"},
                      timeout=TURN_TIMEOUT)
    r.raise_for_status()
    return r.json()


def active_loop(state: dict[str, Any]) -> str | None:
    return (state.get("active_loop") or {}).get("name")


def turn_actions(state: dict[str, Any]) -> list[str]:
    """The actions Rasa ran for the latest message."""
    events = state.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return [e.get("name") for e in events[last_user + 1:] if e.get("event") == "action"]


def desk_has(stack: Stack, handoff_id: str) -> bool:
    """The call centre's desk holds this handoff, open (queued or claimed)."""
    r = session().get(f"{stack.url['console']}/v1/handoffs/{urllib.parse.quote(handoff_id)}",
                      headers={"Authorization": f"Bearer {stack.tokens['HANDOFF_TOKEN']}"}, timeout=10)
    return r.status_code == 200 and bool(r.json().get("open"))


# --- govapi ----------------------------------------------------------------------------------------------------
class GovApi:
    def __init__(self, stack: Stack) -> None:
        self.url = stack.url["govapi"]
        self.admin = {"Authorization": f"Bearer {stack.tokens['GOVAPI_ADMIN_TOKEN']}"}
        self.service = {"Authorization": f"Bearer {stack.tokens['GOVAPI_SERVICE_TOKEN']}"}
        self._events: list[dict[str, Any]] = []
        self._cursor = "0"
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}

    def get(self, path: str, admin: bool = True, **params: Any) -> tuple[int, Any]:
        r = session().get(self.url + path, params=params, headers=self.admin if admin else self.service, timeout=20)
        return r.status_code, r.json()

    def post(self, path: str, body: dict[str, Any], admin: bool = True) -> tuple[int, Any]:
        r = session().post(self.url + path, json=body, headers=self.admin if admin else self.service, timeout=20)
        return r.status_code, r.json()

    # the event outbox: every write govapi made, read with a cursor
    def events_mark(self) -> int:
        self._sync()
        return len(self._events)

    def writes_since(self, mark: int, citizen_ids: set[str]) -> list[dict[str, Any]]:
        self._sync()
        return [e for e in self._events[mark:] if e["type"] in WRITE_TYPES and e.get("citizen_id") in citizen_ids]

    def _sync(self) -> None:
        with self._lock:
            while True:
                status, body = self.get("/v1/events", after=self._cursor, limit=500)
                assert status == 200, body
                self._events += body["events"]
                self._cursor = body["next_cursor"]
                if len(body["events"]) < 500:
                    return

    # the SMS outbox (development backend): the codes govapi sent
    def outbox(self, phone: str, limit: int = 5) -> list[dict[str, Any]]:
        status, body = self.get("/v1/admin/sms-outbox", phone=phone, limit=limit)
        return body.get("messages", []) if status == 200 else []

    def last_sms_id(self, phone: str) -> int:
        messages = self.outbox(phone, 1)
        return int(messages[0]["id"]) if messages else 0

    def code_after(self, phone: str, after_id: int, timeout: float = 6.0) -> str | None:
        deadline = time.monotonic() + timeout
        while True:
            for message in self.outbox(phone):
                found = CODE.search(message["body"])
                if int(message["id"]) > after_id and found:
                    return found.group(1)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)

    def citizen_token(self, phone: str, birth: str) -> str:
        """A token of the harness's own (for reading back what a conversation wrote)."""
        cached = self._tokens.get(phone)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        before = self.last_sms_id(phone)
        status, started = self.post("/v1/verifications", {"phone": phone, "birth_date": birth,
                                                          "conversation_id": f"harness:{uuid.uuid4()}"}, admin=False)
        assert status == 202, started
        code = self.code_after(phone, before)
        assert code, "no code for the harness's own verification"
        status, verified = self.post(f"/v1/verifications/{started['verification_id']}/verify", {"code": code},
                                     admin=False)
        assert status == 200, verified
        self._tokens[phone] = (verified["access_token"], time.monotonic() + 20 * 60)
        return verified["access_token"]

    def record(self, kind: str, number: str, citizen: Citizen) -> dict[str, Any]:
        path = {"payment": "/v1/payments/", "complaint": "/v1/complaints/",
                "address_change": "/v1/address-changes/"}[kind] + number
        headers = {**self.service, "X-Citizen-Token": self.citizen_token(citizen.phone, citizen.birth)}
        r = session().get(self.url + path, headers=headers, timeout=20)
        return r.json()


# --- citizens --------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Citizen:
    id: str
    name: str
    phone: str  # E.164
    birth: str
    household_id: str
    address_id: str = ""
    members: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # other members: (id, name)
    applications: list[str] | None = None
    real: bool = True

    def placeholders(self) -> dict[str, str]:
        national = "0" + self.phone[3:]
        born = dt.date.fromisoformat(self.birth)
        wrong = born.replace(year=born.year + 1, day=min(born.day, 28))
        today = seoul_today()
        return {
            "phone_dashed": f"{national[:3]}-{national[3:7]}-{national[7:]}", "phone_plain": national,
            "birth": self.birth, "birth_ko": f"{born.year}년 {born.month}월 {born.day}일",
            "birth_en": born.strftime("%B ") + f"{born.day}, {born.year}", "wrong_birth": wrong.isoformat(),
            "wrong_phone": dashed(random_mobile()),
            "case_number": (self.applications or ["AP-2026-000001"])[0],
            "member_name": self.members[0][1] if self.members else "",
            "today": today.isoformat(), "tomorrow": (today + dt.timedelta(days=1)).isoformat(),
        }


def seoul_today() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date()


def random_mobile() -> str:
    """A Korean mobile number that libphonenumber (and so govapi) accepts: not every 010 block is allocated, and
    govapi answers an unallocated one as a mistyped number, which would make the conversation flaky."""
    while True:
        phone = f"+8210{random.randint(2000, 9999)}{random.randint(1000, 9999)}"
        parsed = phonenumbers.parse(phone, None)
        if phonenumbers.is_valid_number(parsed) and \
                phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE:
            return phone


def dashed(e164: str) -> str:
    national = "0" + e164[3:]
    return f"{national[:3]}-{national[3:7]}-{national[7:]}"


def unregistered_citizen() -> Citizen:
    """A number nobody registered (verification answers it like any other, and no code goes anywhere)."""
    return Citizen(id="", name="", phone=random_mobile(), birth="1980-01-01", household_id="", real=False)


class Pool:
    """The seeded citizens, lent one conversation at a time. A conversation that wrote something retires its
    citizen (and a move its whole household), so no conversation meets another's payment, complaint or move."""

    def __init__(self, gov: GovApi, move_targets: list[str]) -> None:
        self.gov = gov
        self.move_targets = move_targets
        self.citizens: list[Citizen] = []
        self.busy: set[str] = set()
        self.retired: set[str] = set()
        self.sms_used: set[str] = set()
        self.uses: dict[str, int] = {}
        self.cond = threading.Condition()
        self.avoid_addresses = self._target_addresses()
        self._load()

    def _load(self) -> None:
        number = 1
        while True:
            status, body = self.gov.get(f"/v1/admin/citizens/ct_{number:06d}")
            if status != 200:
                break
            self.citizens.append(Citizen(id=body["id"], name=body["name"], phone=body["phone"],
                                         birth=body["birth_date"], household_id=body["household_id"],
                                         address_id=body.get("address_id") or ""))
            number += 1
        assert len(self.citizens) > 50, "govapi's seeded register is missing"
        for c in self.citizens:
            c.members = [(o.id, o.name) for o in self.citizens if o.household_id == c.household_id and o.id != c.id]

    def _target_addresses(self) -> set[str]:
        """Where the corpus moves people to: nobody who already lives there is asked to move there."""
        ids: set[str] = set()
        for query in self.move_targets:
            status, body = self.gov.get("/v1/addresses", admin=False, q=query, limit=20)
            ids |= {a["id"] for a in body.get("addresses", [])} if status == 200 else set()
        return ids

    def _household(self, c: Citizen) -> set[str]:
        return {c.id, *(m[0] for m in c.members)}

    def _fits(self, c: Citizen, needs: dict[str, Any], channel: str) -> bool:
        if c.id in self.retired or c.id in self.busy:
            return False
        if channel == "sms" and c.phone in self.sms_used:
            return False
        if needs.get("household"):
            household = self._household(c)
            if len(household) < needs["household"] or household & (self.busy | self.retired):
                return False
            if any(o.address_id in self.avoid_addresses for o in self.citizens if o.id in household):
                return False
        if needs.get("applications"):
            if c.applications is None:
                status, body = self.gov.get(f"/v1/admin/citizens/{c.id}/applications")
                c.applications = [a["number"] for a in body.get("applications", [])] if status == 200 else []
            if len(c.applications) < needs["applications"]:
                return False
        return True

    def lease(self, needs: dict[str, Any], channel: str, timeout: float = 120) -> Citizen:
        if not needs.get("real"):
            return unregistered_citizen()
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                fitting = [c for c in self.citizens if self._fits(c, needs, channel)]
                if fitting:
                    chosen = min(fitting, key=lambda c: (self.uses.get(c.id, 0), c.id))
                    lent = self._household(chosen) if needs.get("household") else {chosen.id}
                    self.busy |= lent
                    self.uses[chosen.id] = self.uses.get(chosen.id, 0) + 1
                    if channel == "sms":
                        self.sms_used.add(chosen.phone)
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.busy:  # nobody will come back: waiting cannot help
                    raise AssertionError(f"no citizen left for {needs} on {channel}")
                self.cond.wait(remaining)
        if needs.get("unpaid_fines"):
            self._ensure_fines(chosen, needs["unpaid_fines"])
        return chosen

    def release(self, citizen: Citizen, needs: dict[str, Any], wrote: list[dict[str, Any]]) -> None:
        if not citizen.real:
            return
        lent = self._household(citizen) if needs.get("household") else {citizen.id}
        with self.cond:
            self.busy -= lent
            if wrote:
                self.retired |= self._household(citizen) if any(
                    e["type"] == "address_change.received" for e in wrote) else {citizen.id}
            self.cond.notify_all()

    def _ensure_fines(self, c: Citizen, count: int) -> None:
        """At least `count` unpaid fines no payment holds, issued as the police would when missing."""
        status, body = self.gov.get(f"/v1/admin/citizens/{c.id}/fines", status="unpaid")
        free = [f for f in body.get("fines", []) if f.get("status") == "unpaid" and not f.get("pending_payment")]
        for n in range(max(0, count - len(free))):
            status, issued = self.gov.post("/v1/admin/fines", {
                "citizen_id": c.id, "kind": "illegal_parking", "plate": "12가3456",
                "place": {"ko": "서울특별시 강남구 선릉로 부근", "en": "Near Seolleung-ro, Gangnam-gu"},
                "base_amount": 40000 + 10000 * n, "due_date": (seoul_today() + dt.timedelta(days=20 + n)).isoformat()})
            assert status == 201, issued
