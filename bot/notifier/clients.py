"""HTTP clients of the notifier: govapi's event outbox, the edge's outbound route, Rasa's tracker."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from .errors import RecipientGone, UpstreamError
from .settings import NotifierSettings

log = logging.getLogger("minwon.notifier")

# Channel name in a conversation id -> path segment of the connector's outbound route.
OUTBOUND_ROUTE = {"telegram": "telegram", "sms": "twilio", "web": "webchat"}


@dataclass(frozen=True)
class EventPage:
    events: list[dict[str, Any]]
    next_cursor: str | None


class GovapiEvents:
    """Reads `GET /v1/events?after=<cursor>` with the admin token."""

    def __init__(self, session: aiohttp.ClientSession, settings: NotifierSettings) -> None:
        self._session = session
        self._url = f"{settings.govapi_url}/v1/events"
        self._headers = {"Authorization": f"Bearer {settings.govapi_admin_token}"}
        self._limit = settings.poll_batch

    async def page(self, cursor: str | None) -> EventPage:
        params = {"limit": str(self._limit)}
        if cursor:
            params["after"] = cursor
        try:
            async with self._session.get(self._url, params=params, headers=self._headers) as resp:
                if resp.status != 200:
                    raise UpstreamError(f"govapi events answered {resp.status}")
                body = await resp.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamError(f"govapi events unreachable: {type(exc).__name__}") from None
        return EventPage(events=list(body.get("events") or []), next_cursor=body.get("next_cursor"))

    async def events(self, event_ids: list[str]) -> list[dict[str, Any]]:
        """Events read before, again by id (ids are the outbox's sequence: `after=id-1&limit=1`)."""
        found = []
        for event_id in event_ids:
            if not event_id.isdigit():
                continue
            try:
                async with self._session.get(self._url, params={"after": str(int(event_id) - 1), "limit": "1"},
                                             headers=self._headers) as resp:
                    if resp.status != 200:
                        raise UpstreamError(f"govapi events answered {resp.status}")
                    body = await resp.json()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise UpstreamError(f"govapi events unreachable: {type(exc).__name__}") from None
            found += [e for e in body.get("events") or [] if str(e.get("id")) == event_id]
        return found


class ChannelSender:
    """Sends one notification through the citizen's own channel, then writes it into the transcript."""

    def __init__(self, session: aiohttp.ClientSession, settings: NotifierSettings) -> None:
        self._session = session
        self._settings = settings
        self._outbound_headers = {"Authorization": f"Bearer {settings.outbound_token}"}

    async def send(self, *, channel: str, conversation_id: str, text: str, delivery_key: str) -> str | None:
        """202 -> the provider's message id if the connector gives one; 409/410 -> RecipientGone."""
        route = OUTBOUND_ROUTE.get(channel)
        if route is None:
            raise RecipientGone(f"unknown channel {channel}")
        url = f"{self._settings.outbound_base_url}/webhooks/{route}/outbound"
        body = {"conversation_id": conversation_id, "text": text, "kind": "notification",
                # Not in the contract yet: lets a connector drop a resend after a notifier crash.
                "idempotency_key": delivery_key}
        try:
            async with self._session.post(url, json=body, headers=self._outbound_headers) as resp:
                if resp.status in (200, 201, 202):
                    answer = await _json_or_empty(resp)
                    message_id = answer.get("message_id") or answer.get("sid")
                    return str(message_id) if message_id else None
                answer = await _json_or_empty(resp)
                if resp.status == 409 and answer.get("code") == "opted_out":
                    raise RecipientGone("opted_out")
                if resp.status == 410:
                    raise RecipientGone("blocked")
                raise UpstreamError(f"{route} outbound answered {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamError(f"{route} outbound unreachable: {type(exc).__name__}") from None

    async def append_to_tracker(self, *, conversation_id: str, text: str, delivery_key: str) -> None:
        # Rasa (Sanic) does not decode %3A in the path: "tg%3A123" would be another conversation. Keep ':' and '+'.
        url = f"{self._settings.rasa_url}/conversations/{quote(conversation_id, safe=':+')}/tracker/events"
        event = {"event": "bot", "text": text, "metadata": {"kind": "notification", "delivery": delivery_key}}
        try:
            async with self._session.post(url, json=event, params={"token": self._settings.rasa_token}) as resp:
                if resp.status >= 300:
                    raise UpstreamError(f"rasa tracker answered {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamError(f"rasa unreachable: {type(exc).__name__}") from None


async def _json_or_empty(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await resp.json(content_type=None)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
