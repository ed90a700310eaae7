"""JSON answers (UTF-8, Korean kept readable)."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)
