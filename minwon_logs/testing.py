"""For tests: the process's logging as setup() makes it, written to a buffer and read back as JSON objects.

    with capture("console") as logs:
        ...                          # requests, turns, action calls
    lines = logs.lines()             # every line, parsed (fails if one is not JSON)
"""
from __future__ import annotations

import io
import json
import logging
from typing import Any, Dict, List

from minwon_logs.config import LogSettings, setup
from minwon_logs.context import use_salt

TEST_SALT = "test-log-salt-0123456789"


class Captured:
    def __init__(self, buffer: io.StringIO) -> None:
        self.buffer = buffer

    def text(self) -> str:
        return self.buffer.getvalue()

    def lines(self) -> List[Dict[str, Any]]:
        return [json.loads(raw) for raw in self.text().splitlines() if raw.strip()]


class capture:
    def __init__(self, service: str, fmt: str = "json", salt: str = TEST_SALT, level: str = "INFO") -> None:
        self.service, self.fmt, self.salt, self.level = service, fmt, salt, level

    def __enter__(self) -> Captured:
        root = logging.getLogger()
        self._saved = (root.level, list(root.handlers))
        buffer = io.StringIO()
        setup(self.service, settings=LogSettings(self.fmt, self.salt), stream=buffer, level=self.level)
        return Captured(buffer)

    def __exit__(self, *_: object) -> None:
        root = logging.getLogger()
        root.setLevel(self._saved[0])
        root.handlers[:] = self._saved[1]
        use_salt(None)
