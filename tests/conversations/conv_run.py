"""Runs one corpus conversation against the stack and says what happened: the checks that failed, what govapi
wrote, the turns with their replies and latency, the friction (questions asked again, fallback replies).

Checks (a step's `expect`, or the conversation's `final`), read from Rasa's tracker and govapi:
  active_loop, requested_slot    the form and the question asked after the step (null: none)
  filled / filled_not            slots that hold a value / are still empty
  changed                        slots whose value differs from when the driven question was first reached
  kept_except                    the form's other answers are what they were when that question was reached
  actions / actions_not          actions that ran / did not run for this message
  handoff                        true: the conversation is in the call centre's queue; false: it was not handed off
  writes                         `none`, or {record: [texts the record's JSON contains]}: exactly that one write
  code_to_phone                  a new one-time code went to the citizen's phone during this step
"""
from __future__ import annotations

import dataclasses
import json
import re
import time
from concurrent.futures import Future
from typing import Any

import requests
from conv_corpus import HANGUL, Conversation, domain_forms, load_data, questions
from conv_driver import (
    WRITE_TYPES,
    Citizen,
    GovApi,
    Pool,
    SmsPhone,
    TurnFailed,
    WebChat,
    active_loop,
    desk_has,
    tracker,
    turn_actions,
)
from conv_stack import Stack

FALLBACK_ACTIONS = {"action_nlu_fallback", "action_default_fallback"}
MAX_DRIVE = 16
PLATE = re.compile(r"\d{2,3}[\uac00-\ud7a3]\d{4}")
DATA_HANGUL = ("샌드박스은행", "민원 과태료 수납")  # govapi's bilingual labels that keep their Korean name


class Stop(AssertionError):
    """The conversation cannot go on (a question never asked, a turn without answer)."""


@dataclasses.dataclass
class Turn:
    text: str
    replies: list[str]
    ms: float
    asked_before: str | None
    asked_after: str | None
    added: bool = False  # said by the driver again after a question was asked again (friction)


@dataclasses.dataclass
class Result:
    conv: Conversation
    failures: list[str]
    turns: list[Turn]
    writes: list[dict[str, Any]]
    wrong_write: bool
    fallbacks: int
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def extra_turns(self) -> int:
        return sum(1 for t in self.turns if t.added)

    @property
    def min_turns(self) -> int:
        return self.conv.min_turns or len(self.turns) - self.extra_turns

    def report(self) -> str:
        lines = [f"{self.conv.id} ({self.conv.lang}, {self.conv.channel}) failed:"]
        lines += [f"  - {f}" for f in self.failures]
        lines.append("  transcript:")
        for t in self.turns:
            lines.append(f"    > {t.text}   [asked {t.asked_before} -> {t.asked_after}, {t.ms:.0f} ms]")
            lines += [f"    < {r}" for r in t.replies]
        if self.writes:
            lines.append(f"  govapi writes: {[(e['type'], e['case_number']) for e in self.writes]}")
        return "\n".join(lines)


class Context:
    def __init__(self, runner: Runner, conv: Conversation, citizen: Citizen) -> None:
        self.runner, self.conv, self.citizen = runner, conv, citizen
        self.chan = WebChat(runner.stack) if conv.channel == "web" else SmsPhone(runner.stack, citizen.phone)
        self.values = citizen.placeholders()
        self.turns: list[Turn] = []
        self.failures: list[str] = []
        self.state: dict[str, Any] = {"slots": {}}
        self.snapshot: dict[str, Any] | None = None
        self.captured: dict[str, Any] = {}
        self.wrong_write = False
        self.mark = runner.gov.events_mark()
        self.sms_start = runner.gov.last_sms_id(citizen.phone) if citizen.real else 0
        self.sms_step = self.sms_start
        self.typed: list[str] = []
        self.skip_answer: str | None = None  # a question the first message answered: its scripted answer is not sent

    @property
    def slots(self) -> dict[str, Any]:
        return self.state.get("slots") or {}

    @property
    def asked(self) -> str | None:
        return self.slots.get("requested_slot") if active_loop(self.state) else None


class Runner:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.gov = GovApi(stack)
        self.data = load_data()
        self.pool = Pool(self.gov, self.data["move_targets"])
        self.forms = domain_forms()

    def warm_up(self) -> None:
        """The first turns load models and open connections: not part of any conversation's latency."""
        for text in ("안녕하세요", "hello"):
            WebChat(self.stack).say(text)

    def run(self, conv: Conversation) -> Result:
        started = time.monotonic()
        citizen = self.pool.lease(conv.needs, conv.channel)
        ctx = Context(self, conv, citizen)
        writes: list[dict[str, Any]] = []
        try:
            for n, step in enumerate(conv.steps):
                self.step(ctx, step, n)
            self.check(ctx, conv.final, "at the end")
        except (Stop, TurnFailed) as stop:
            ctx.failures.append(str(stop))
        except (requests.RequestException, AssertionError, KeyError, TypeError, ValueError) as error:
            # a server answering nonsense, or the harness itself: said as such, not hidden
            ctx.failures.append(f"harness error: {type(error).__name__}: {error}")
        finally:
            try:
                writes = self.gov.writes_since(ctx.mark, {citizen.id}) if citizen.real else []
            finally:
                self.pool.release(citizen, conv.needs, writes)
        fallbacks = self._fallbacks(ctx)
        return Result(conv, ctx.failures, ctx.turns, writes, ctx.wrong_write, fallbacks, time.monotonic() - started)

    # --- steps ---------------------------------------------------------------------------------------------------
    def step(self, ctx: Context, step: dict[str, Any], n: int) -> None:
        skip, ctx.skip_answer = ctx.skip_answer, None
        if skip and step.get("answers") == skip and "drive" not in step and ctx.asked != skip:
            return  # the answer to a question never asked (drive: told_before)
        if "drive" in step:
            self.drive(ctx, step["drive"], step.get("wrong"))
            return
        if step.get("expect", {}).get("code_to_phone"):
            ctx.sms_step = self.gov.last_sms_id(ctx.citizen.phone)
        if "say" in step:
            self.turn(ctx, self.fill(ctx, step["say"]))
        else:
            self.turn(ctx, self.fill(ctx, step["press"]), press=True)
        if step.get("slot"):
            ctx.captured[step["slot"]] = ctx.slots.get(step["slot"])
        answers = step.get("answers")
        if answers and ctx.asked == answers:  # asked again: the citizen says it the plain way (friction)
            self.answer(ctx, answers, 0, added=True)
        if step.get("expect"):
            self.check(ctx, step["expect"], f"after step {n + 1} ({ctx.turns[-1].text!r})")

    def turn(self, ctx: Context, text: str, press: bool = False, added: bool = False) -> None:
        before = ctx.asked
        replies, ms = (ctx.chan.press(text) if press else ctx.chan.say(text))
        ctx.typed.append(text)
        ctx.state = tracker(self.stack, ctx.chan.conversation_id)
        ctx.turns.append(Turn(text, [r.text for r in replies], ms, before, ctx.asked, added))
        problem = self.language_problem(ctx, [r.text for r in replies])
        if problem:
            ctx.failures.append(f"turn {len(ctx.turns)} ({text!r}): {problem}")

    def drive(self, ctx: Context, target: str, wrong: str | None) -> None:
        """Answer what the form asks until it asks `target` (`done`: the form ended; `verified`: verification done)."""
        tries: dict[str, int] = {}
        for _ in range(MAX_DRIVE):
            loop, asked = active_loop(ctx.state), ctx.asked
            if target == "done" and not loop:
                return
            if target == "verified" and ctx.slots.get("verified"):
                return
            if loop and asked == target:
                if ctx.snapshot is None:
                    ctx.snapshot = dict(ctx.slots)
                return
            if loop and self.told_before(ctx, loop, asked, target):
                # A citizen answers what is asked: the script's answer to a question its first message already
                # answered ("어제 이사했는데 전입신고…") is not sent (it would land on the next question).
                ctx.skip_answer = target
                return
            if not loop:
                raise Stop(f"the form ended before {target!r} was asked (active form: none)")
            if asked is None:
                raise Stop(f"{loop} is active but asks nothing")
            k = tries.get(asked, 0)
            tries[asked] = k + 1
            if wrong == asked and k == 0:
                row = self.data["slots"][asked]
                self.turn(ctx, self.fill(ctx, row["wrong"][ctx.conv.lang]))
            else:
                self.answer(ctx, asked, k - (1 if wrong == asked else 0), added=k > 0)
        raise Stop(f"{target!r} not reached after {MAX_DRIVE} answers")

    def told_before(self, ctx: Context, loop: str, asked: str | None, target: str) -> bool:
        """`target` is filled and the form asks a question after it: it will not be asked."""
        order = self.forms.get(loop) or []
        return ctx.slots.get(target) is not None and target in order and asked in order \
            and order.index(asked) > order.index(target)

    def answer(self, ctx: Context, slot: str, k: int, added: bool) -> None:
        if slot == "complaint_category" and k == 0 and "heldout" in ctx.conv.tags \
                and ctx.slots.get("complaint_category_guess"):
            # A held-out citizen who told a pothole agrees to 'Roads?' (the fixed "street lighting" of the generated
            # matrix, whose writes assert it, filed potholes as street lighting)
            self.turn(ctx, "네" if ctx.conv.lang == "ko" else "yes", added=added)
            return
        row = self.data["slots"].get(slot)
        if row is None:
            raise Stop(f"the form asks {slot!r}, which corpus_data.yml does not know")
        answers = row["answer"][ctx.conv.lang]
        if k >= len(answers):
            raise Stop(f"{slot!r} asked again after every sample answer ({answers})")
        self.turn(ctx, self.fill(ctx, answers[k]), added=added)

    # --- placeholders ---------------------------------------------------------------------------------------
    def fill(self, ctx: Context, text: str) -> str:
        def value(match: re.Match) -> str:
            key = match.group(1)
            if key == "otp":
                code = self.gov.code_after(ctx.citizen.phone, ctx.sms_start) if ctx.citizen.real else None
                return code or "000000"
            if key in ctx.values:
                return ctx.values[key]
            return match.group(0)
        return re.sub(r"\{([a-z_]+)\}", value, text)

    def expand(self, ctx: Context, text: str) -> list[str]:
        """A `written` text: placeholders, and {slot:NAME} as the slot's captured value (each item of a list)."""
        slot = re.fullmatch(r"\{slot:([a-z_]+)\}", text)
        if slot:
            value = ctx.captured.get(slot.group(1), ctx.slots.get(slot.group(1)))
            return [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return [self.fill(ctx, text)]

    # --- checks ---------------------------------------------------------------------------------------------------
    def check(self, ctx: Context, expect: dict[str, Any], where: str) -> None:
        fail = ctx.failures.append
        slots = ctx.slots
        if "active_loop" in expect and active_loop(ctx.state) != expect["active_loop"]:
            fail(f"{where}: active form is {active_loop(ctx.state)}, expected {expect['active_loop']}")
        if "requested_slot" in expect and ctx.asked != expect["requested_slot"]:
            fail(f"{where}: asks {ctx.asked}, expected {expect['requested_slot']}")
        for s in expect.get("filled", []):
            if slots.get(s) is None:
                fail(f"{where}: {s} is empty")
        for s in expect.get("filled_not", []):
            if slots.get(s) is not None:
                fail(f"{where}: {s} took {slots.get(s)!r}")
        snapshot = ctx.snapshot or {}
        for s in expect.get("changed", []):
            if slots.get(s) is None or slots.get(s) == snapshot.get(s):
                fail(f"{where}: {s} is {slots.get(s)!r}, not changed from {snapshot.get(s)!r}")
        if "kept_except" in expect and ctx.conv.form:
            own = [s for s in questions(ctx.conv.form, self.forms, self.data["verification"])
                   if s not in self.data["verification"] and s not in expect["kept_except"]]
            lost = [s for s in own if snapshot.get(s) is not None and slots.get(s) != snapshot.get(s)]
            if lost:
                fail(f"{where}: answers changed or dropped: {[(s, snapshot.get(s), slots.get(s)) for s in lost]}")
        if "actions" in expect or "actions_not" in expect:
            ran = turn_actions(tracker(self.stack, ctx.chan.conversation_id, events=True))
            for a in expect.get("actions", []):
                if a not in ran:
                    fail(f"{where}: {a} did not run (ran: {ran})")
            for a in expect.get("actions_not", []):
                if a in ran:
                    fail(f"{where}: {a} ran")
        if "handoff" in expect:
            handoff_id = slots.get("handoff_id")
            queued = bool(handoff_id) and desk_has(self.stack, handoff_id)
            if expect["handoff"] and not queued:
                fail(f"{where}: not handed to a person (handoff_id {handoff_id!r} not open at the desk)")
            if not expect["handoff"] and handoff_id:
                fail(f"{where}: handed to a person ({handoff_id})")
        if "writes" in expect:
            self.check_writes(ctx, expect["writes"], where)
        if expect.get("code_to_phone") and ctx.citizen.real and \
                not self.gov.code_after(ctx.citizen.phone, ctx.sms_step, timeout=4):
            fail(f"{where}: no new code was sent to the citizen's phone")

    def check_writes(self, ctx: Context, spec: Any, where: str) -> None:
        if not ctx.citizen.real:
            return
        writes = self.gov.writes_since(ctx.mark, {ctx.citizen.id})
        kinds = [WRITE_TYPES[e["type"]] for e in writes]
        if spec == "none":
            if writes:
                ctx.failures.append(f"{where}: govapi was written ({kinds}), expected nothing")
                ctx.wrong_write = True
            return
        (kind, contains), = spec.items()
        if any(k != kind for k in kinds) or len(kinds) > 1:
            ctx.wrong_write = True
        if kinds != [kind]:
            ctx.failures.append(f"{where}: govapi writes {kinds}, expected one {kind}")
            return
        record = self.gov.record(kind, writes[0]["case_number"], ctx.citizen)
        dump = json.dumps(record, ensure_ascii=False)
        for text in contains:
            for expected in self.expand(ctx, text):
                if expected not in dump:
                    ctx.failures.append(f"{where}: the {kind} written lacks {expected!r}: {dump[:600]}")
                    ctx.wrong_write = True

    def language_problem(self, ctx: Context, replies: list[str]) -> str | None:
        text = "\n".join(replies)
        if not text.strip():
            return "no reply"
        if ctx.conv.lang == "ko":
            return None if HANGUL.search(text) else f"a reply without Korean in a Korean conversation: {text[:200]!r}"
        # The citizen's own words quoted back (a description shortened in the summary keeps its "가로등") are theirs.
        quoted = [word for typed in ctx.typed for word in re.findall(r"[가-힣]+", typed)]
        allowed = [ctx.citizen.name, *(m[1] for m in ctx.citizen.members), *DATA_HANGUL, *ctx.typed, *quoted]
        for fragment in sorted((a for a in allowed if a), key=len, reverse=True):
            text = text.replace(fragment, "")
        text = PLATE.sub("", text)
        return f"Korean in an English conversation: {text[:200]!r}" if HANGUL.search(text) else None

    def _fallbacks(self, ctx: Context) -> int:
        try:
            events = tracker(self.stack, ctx.chan.conversation_id, events=True).get("events") or []
        except requests.RequestException:
            return 0
        # A fallback action that started the service the words named (a followup, no reply) is no fallback the
        # citizen reads (actions/plain_requests.py).
        return sum(1 for e, after in zip(events, events[1:] + [{}])
                   if e.get("event") == "action" and e.get("name") in FALLBACK_ACTIONS and after.get("event") != "followup")


def run_all(runner: Runner, convs: list[Conversation], workers: int = 4) -> dict[str, Future]:
    """Every conversation submitted at once, `workers` at a time; the futures by conversation id."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="conversation")
    futures = {c.id: pool.submit(runner.run, c) for c in convs}
    pool.shutdown(wait=False)
    return futures
