"""Fixtures of the edge tests (run under .venv): one real Rasa server with only the internal turn channel (the test
bot, cached under var/test-models/), the stand-ins (subprocess), the machine's Redis with a unique key prefix, and
one edge built by edge.app.create_app serving in a thread of this process."""
from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rasa_runtime"))

from rasa_server import throwaway_bot_model  # noqa: E402  (the one trainer of the test bot)
from support import (REDIS_URL, TELEGRAM_SECRET, TELEGRAM_TOKEN, TWILIO_TOKEN, EdgeThread, Rasa, Sms,  # noqa: E402
                     Telegram, edge_settings, free_port, start_rasa, start_standins, stop)


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    prefix = f"test:edge:{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def redis_client() -> Iterator["redis.Redis"]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="session")
def edge_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def standins(tmp_path_factory, edge_port) -> Iterator[str]:
    process, url = start_standins(tmp_path_factory.mktemp("standins"), edge_port)
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def rasa(tmp_path_factory, redis_prefix) -> Iterator[Rasa]:
    model = throwaway_bot_model(tmp_path_factory.mktemp("train"))
    server = start_rasa(model, tmp_path_factory.mktemp("rasa"), redis_prefix)
    try:
        yield server
    finally:
        stop(server.process)


class Remember(logging.Handler):
    """Every log record of the test process (the in-process edge included), with its extra fields."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: v for k, v in record.__dict__.items() if k not in ("args", "msg")}
        self.lines.append(f"{record.name} {record.getMessage()} {fields}")


@pytest.fixture(scope="session")
def edge_logs() -> Iterator[Remember]:
    remember = Remember()
    root = logging.getLogger()
    level = root.level
    root.addHandler(remember)
    root.setLevel(logging.INFO)
    try:
        yield remember
    finally:
        root.removeHandler(remember)
        root.setLevel(level)


@pytest.fixture(scope="session")
def edge(rasa, standins, redis_prefix, edge_port, edge_logs) -> Iterator[EdgeThread]:
    running = EdgeThread(edge_settings(rasa.url, standins, redis_prefix, edge_port)).start()
    try:
        yield running
    finally:
        running.stop()
        # Whatever was logged in the whole session: no token, no secret.
        logged = "\n".join(edge_logs.lines)
        assert TELEGRAM_TOKEN.split(":")[1] not in logged and TWILIO_TOKEN not in logged
        assert TELEGRAM_SECRET not in logged


@pytest.fixture
def chat_id() -> int:
    return int(uuid.uuid4().int % 10**9) + 10**9


@pytest.fixture
def phone() -> str:
    return "+8210" + str(uuid.uuid4().int % 10**8).zfill(8)


@pytest.fixture
def telegram(edge, standins) -> Telegram:
    return Telegram(edge.url, standins)


@pytest.fixture
def sms(edge, standins) -> Sms:
    return Sms(edge.url, standins)
