"""Two renderings of one record: a JSON object per line (production) and the human line (development).

Both add the service, the request id and the conversation reference (from the record if a caller put them
there, else from the context of the code that logged) and any `extra={...}` fields.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Dict, Optional

from minwon_logs.context import conversation_var, request_id_var

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_CORE = ("ts", "level", "logger", "msg", "service", "request_id", "conversation")
TEXT_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def _context(record: logging.LogRecord) -> Dict[str, Optional[str]]:
    return {"request_id": record.__dict__.get("request_id") or request_id_var.get(),
            "conversation": record.__dict__.get("conversation") or conversation_var.get()}


def _extras(record: logging.LogRecord) -> Dict[str, Any]:
    return {key: value for key, value in record.__dict__.items()
            if key not in _STANDARD and key not in _CORE and not key.startswith("_")}


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "msg", "service", "request_id", "conversation", ...extra}`; ts in UTC."""

    def __init__(self, service: Optional[str] = None) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        # time.strftime, not datetime's: that one imports a module, which fails in lines logged at shutdown
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        entry: Dict[str, Any] = {
            "ts": ts,
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "service": self.service,
            **_context(record),
        }
        entry.update(_extras(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human line the services always printed, with `key=value` extras and the context at the end."""

    def __init__(self, service: Optional[str] = None) -> None:
        super().__init__(TEXT_FORMAT)
        self.service = service

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        pairs = {**_extras(record), **{k: v for k, v in _context(record).items() if v}}
        return line + "".join(f" {key}={value}" for key, value in pairs.items())
