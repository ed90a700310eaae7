"""Short links for SMS (ported from the removed connectors/shortlinks.py): `GET /s/<code>` redirects (302) to the long URL kept
in Redis (`link:<code>`, 30 days; made by edge/sms.py's formatter), 404 with a short bilingual text otherwise."""
from __future__ import annotations

from aiohttp import web

from edge.store import ChannelStore


async def follow(request: web.Request, store: ChannelStore) -> web.Response:
    url = await store.expand(request.match_info["code"])
    if url is None:
        return web.Response(text="Link expired or unknown / 만료되었거나 없는 링크입니다", status=404)
    raise web.HTTPFound(url)
