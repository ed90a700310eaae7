"""Short links for SMS (ported from the removed connectors/shortlinks.py): `GET /s/<code>` redirects (302) to the long
URL kept in Redis (`link:<code>`, 30 days; made by edge/sms.py's formatter), 404 with a short bilingual text otherwise.

Codes carry 128 bits (edge/store.py), so guessing is hopeless at any rate; still, each client address (behind the
load balancer: edge/client_address.py) may follow EDGE_SHORT_LINK_RATE links a minute, then gets 429 with
Retry-After: a citizen opens a handful, a scanner thousands."""
from __future__ import annotations

from aiohttp import web

from edge.client_address import client_address
from edge.settings import EdgeSettings
from edge.store import ChannelStore

NOT_FOUND = "Link expired or unknown / 만료되었거나 없는 링크입니다"
TOO_MANY = "Too many links opened; try again in a minute / 잠시 후 다시 열어주세요"


async def follow(request: web.Request, store: ChannelStore, settings: EdgeSettings) -> web.Response:
    wait = await store.over_rate("s", client_address(request, settings.trusted_proxies), settings.short_link_rate)
    if wait:
        return web.Response(text=TOO_MANY, status=429, headers={"Retry-After": str(wait)})
    url = await store.expand(request.match_info["code"])
    if url is None:
        return web.Response(text=NOT_FOUND, status=404)
    raise web.HTTPFound(url)
