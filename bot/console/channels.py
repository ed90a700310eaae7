"""Send a message on the citizen's own channel through the edge's outbound routes (CONTRACTS.md)."""
from __future__ import annotations

from typing import Any

import aiohttp

from bot.desk.errors import Refused, UpstreamError

CHANNEL_ROUTES = {"tg": "telegram", "sms": "twilio", "web": "webchat"}

REFUSALS = {
    "opted_out": "The citizen opted out of SMS (STOP); nothing was sent. / 문자 수신을 거부한 시민입니다. 보내지 않았습니다.",
    "blocked": "The citizen blocked the Telegram bot; nothing was sent. / 시민이 텔레그램 봇을 차단했습니다. 보내지 않았습니다.",
}


def route_for(conversation_id: str) -> str:
    prefix = conversation_id.split(":", 1)[0]
    if prefix not in CHANNEL_ROUTES:
        raise Refused("no_channel", f"No channel can reach conversation {conversation_id!r}.")
    return CHANNEL_ROUTES[prefix]


class ChannelSender:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self.http = http
        self.base = base_url.rstrip("/")
        self.token = token

    async def send(self, conversation_id: str, text: str, kind: str = "agent",
                   buttons: list[dict[str, str]] | None = None) -> None:
        body: dict[str, Any] = {"conversation_id": conversation_id, "text": text, "kind": kind}
        if buttons:
            body["buttons"] = buttons
        url = f"{self.base}/webhooks/{route_for(conversation_id)}/outbound"
        try:
            async with self.http.post(url, json=body, headers={"Authorization": f"Bearer {self.token}"}) as resp:
                if resp.status in (200, 201, 202):
                    return
                try:
                    code = (await resp.json(content_type=None)).get("code")
                except (ValueError, AttributeError, aiohttp.ContentTypeError):
                    code = None
                if resp.status in (409, 410) and code:
                    raise Refused(code, REFUSALS.get(code, f"The channel refused the message ({code})."))
                raise UpstreamError(f"The channel answered {resp.status}", status=resp.status)
        except aiohttp.ClientError as exc:
            raise UpstreamError(f"The channel is not reachable ({type(exc).__name__})") from None
        except TimeoutError:
            raise UpstreamError("The channel did not answer in time") from None
