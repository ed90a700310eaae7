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
from minwon_core.texts import N_, msg


def _both(key: str) -> str:
    """A page opened from a link knows no conversation, so no language: both, English first (as SMS links are)."""
    return f"{msg(key, 'en')} / {msg(key, 'ko')}"


async def follow(request: web.Request, store: ChannelStore, settings: EdgeSettings) -> web.Response:
    wait = await store.over_rate("s", client_address(request, settings.trusted_proxies), settings.short_link_rate)
    if wait:
        return web.Response(text=_both(N_("link_too_many")), status=429, headers={"Retry-After": str(wait)})
    url = await store.expand(request.match_info["code"])
    if url is None:
        return web.Response(text=_both(N_("link_unknown")), status=404)
    raise web.HTTPFound(url)
