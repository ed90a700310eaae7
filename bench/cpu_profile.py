"""Where the stack's CPU goes under the load benchmark: `bench/load.py --py-spy PATH` samples the processes named
here with py-spy while the load runs and prints, per process, the share of its Python time by phase of a turn
(Rasa) or by function (the others), and what that is in ms of CPU per completed turn.

py-spy comes from PyPI into a venv of its own, never from anywhere else:
    python3 -m venv /tmp/spy && /tmp/spy/bin/pip install py-spy
    .venv/bin/python bench/load.py --only prod2 --duration 60 --rate 60 --py-spy /tmp/spy/bin/py-spy

Samples are taken with --gil: only a thread holding the GIL counts, so waiting on a socket or on PostgreSQL is
not CPU, and numpy's matrix products (the sentence encoder), which release the GIL, are under-counted.
"""
from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

# A turn in Rasa, by the first of these frames found in a sample's stack (most specific first).
RASA_PHASES: list[tuple[str, str]] = [
    ("notifier's POST /tracker/events (Rasa validates the body with jsonschema)", "append_events (rasa/server.py"),
    ("once-only check: is this message a saved turn? (SQL)", "saved_turn (minwon_rasa/saved_turns.py"),
    ("NLU: sentence encoder", "embed (minwon_nlu/use_featurizer.py"),
    ("NLU: the rest of the pipeline", "parse_message (rasa/core/processor.py"),
    ("calling the action server (tracker and domain to JSON, HTTP)", "request (minwon_rasa/speedups.py"),
    ("forms in Rasa (temporary trackers, validation, next slot)", "run (rasa/core/actions/loops.py"),
    ("other actions run in Rasa", "_run_action (rasa/core/processor.py"),
    ("policies (rules, memoization, TED)", "_predict_next_with_tracker (rasa/core/processor.py"),
    ("tracker save (new events to PostgreSQL)", "save_tracker (rasa/core/processor.py"),
    ("tracker load", "get_tracker (rasa/core/processor.py"),
    ("tracker load", "fetch_tracker_and_update_session (rasa/core/processor.py"),
    ("the rest of a turn (lock, channel, replies)", "handle_message (minwon_rasa/tracker_guard.py"),
    ("internal turn channel (request and answer)", "run_once (minwon_rasa/internal_channel.py"),
    ("HTTP server (Sanic) and client writes", "http1 (sanic/http.py"),
    ("HTTP server (Sanic) and client writes", "aiohttp/http_writer.py"),
]
IDLE = ("_worker (concurrent/futures/thread.py:81)", "serve (sanic/server/runners.py:155)")


def record(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.Popen:
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))),
                             "--rate", "100", "--gil", "--nonblocking", "--format", "raw", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def samples(raw: str) -> list[tuple[list[str], int]]:
    """py-spy's raw format: one collapsed stack per line, frames joined by ';', then the count."""
    out = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        stack, count = line.rsplit(" ", 1)
        if stack.endswith(IDLE):
            continue
        out.append((stack.split(";"), int(count)))
    return out


def by_phase(raw: str, phases: list[tuple[str, str]]) -> list[tuple[str, float]]:
    counts: Counter[str] = Counter()
    total = 0
    for frames, n in samples(raw):
        total += n
        stack = ";".join(frames)
        counts[next((name for name, needle in phases if needle in stack), "other: " + _short(frames[-1]))] += n
    return [(name, n / total) for name, n in counts.most_common()] if total else []


def by_function(raw: str, top: int = 8) -> list[tuple[str, float]]:
    """Self time per function (the leaf frame), the largest first."""
    counts: Counter[str] = Counter()
    total = 0
    for frames, n in samples(raw):
        total += n
        counts[_short(frames[-1])] += n
    return [(name, n / total) for name, n in counts.most_common(top)] if total else []


def _short(frame: str) -> str:
    """'handle (rasa/core/processor.py:157)' -> 'handle (core/processor.py:157)' (the last two path parts)."""
    if " (" not in frame:
        return frame
    name, where = frame.split(" (", 1)
    return f"{name} ({'/'.join(where.rstrip(')').split('/')[-2:])})"


def report(label: str, process: str, raw: str, cpu_ms_per_turn: float, phases: bool, top: int = 12) -> list[str]:
    rows = by_phase(raw, RASA_PHASES) if phases else by_function(raw, top)
    lines = [f"[{label}] where {process}'s {cpu_ms_per_turn:.1f} ms of CPU per turn go (py-spy, its Python time):"]
    lines += [f"[{label}]   {share * 100:5.1f}%  ~{share * cpu_ms_per_turn:4.1f} ms  {name}" for name, share in rows[:top]]
    return lines
