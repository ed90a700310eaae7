"""govapi's logs: minwon_logs (JSON lines or text by MINWON_LOG_FORMAT) with the request id and the
conversation reference. Never log personal data or secrets: log route patterns (not paths or query
strings) and codes, not values.
"""
from __future__ import annotations

import logging
from typing import Optional

import minwon_logs
from minwon_logs import conversation_var, request_id_var

__all__ = ["JsonFormatter", "conversation_var", "request_id_var", "setup_logging"]


class JsonFormatter(minwon_logs.JsonFormatter):
    def __init__(self, service: Optional[str] = "govapi") -> None:
        super().__init__(service)


def setup_logging(level: str = "INFO") -> None:
    minwon_logs.setup("govapi", level=level)
    logging.getLogger("aiohttp.access").disabled = True  # our middleware logs requests
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)  # its DEBUG lines carry SQL parameters
