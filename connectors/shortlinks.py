"""Short links for SMS: GET /s/<code> redirects to the long URL kept in Redis."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request

from connectors.base import MinwonChannel, OnNewMessage
from connectors.settings import CommonSettings


class ShortLinkChannel(MinwonChannel):
    """Not a conversation channel: it only serves the short links the SMS channel hands out."""

    @classmethod
    def name(cls) -> Text:
        return "shortlinks"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ShortLinkChannel":
        return cls(CommonSettings.load(credentials))

    def url_prefix(self) -> Text:
        # Rasa joins this onto "/webhooks/"; an absolute path puts the routes at /s/<code>.
        return "/s"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        links = Blueprint("minwon_shortlinks", __name__)
        self.add_lifecycle(links)

        @links.route("/<code>", methods=["GET"])
        async def follow(_: Request, code: str) -> response.HTTPResponse:
            url = await self.store.expand(code)
            if url is None:
                return response.text("Link expired or unknown / 만료되었거나 없는 링크입니다", status=404)
            return response.redirect(url, status=302)

        return links
