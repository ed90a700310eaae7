"""The conversation corpus against the real stack (started once per session). The selected conversations are all
submitted at collection's end and run a few at a time (CONVERSATION_WORKERS, default 4); each test waits for its
own. At the end, the pass rate by kind, language and channel and the wall time are printed."""
from __future__ import annotations

import collections
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conv_run import Result, Runner, run_all
from conv_stack import Stack

WORKERS = int(os.environ.get("CONVERSATION_WORKERS", "4"))
_SELECTED = pytest.StashKey[list]()
_RESULTS: list[Result] = []
_TIMES: dict[str, float] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    session.config.stash[_SELECTED] = [item.callspec.params["conv"] for item in session.items
                                       if hasattr(item, "callspec") and "conv" in item.callspec.params]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = time.monotonic()
    running = Stack.start(tmp_path_factory.mktemp("conversations"))
    _TIMES["stack start"] = time.monotonic() - started
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def results(stack: Stack, request: pytest.FixtureRequest):
    runner = Runner(stack)
    runner.warm_up()
    _TIMES["conversations started"] = time.monotonic()
    futures = run_all(runner, request.config.stash.get(_SELECTED, []), WORKERS)
    yield futures
    for future in futures.values():  # a run stopped early (-x, Ctrl-C): the rest never starts
        future.cancel()


def record(result: Result) -> None:
    _RESULTS.append(result)
    _TIMES["conversations done"] = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write(f"conversations: {sum(r.passed for r in _RESULTS)}/{len(_RESULTS)} passed; wrong writes: "
          f"{sum(r.wrong_write for r in _RESULTS)}; stack start {_TIMES.get('stack start', 0):.0f} s, "
          f"conversations {_TIMES['conversations done'] - _TIMES['conversations started']:.0f} s")
    table: dict[tuple[str, str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for r in _RESULTS:
        row = table[(r.conv.kind, r.conv.lang, r.conv.channel)]
        row[0] += r.passed
        row[1] += 1
    for (kind, lang, channel), (passed, total) in sorted(table.items()):
        write(f"  {kind:<11} {lang} {channel:<4} {passed:>3}/{total}")
