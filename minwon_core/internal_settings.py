"""The settings of Rasa's internal turn channel (minwon_rasa/internal_channel.py), read from the environment only.

Here rather than in minwon_rasa so the rule for the token stays next to the channel rules the edge shares; the edge
reads the same INTERNAL_CHANNEL_TOKEN through edge/settings.py."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

PLACEHOLDER_INTERNAL_TOKEN = "dev-internal-channel-token"
PLACEHOLDER_OUTBOUND_TOKEN = "dev-outbound-token"


class SettingsError(ValueError):
    """A setting is missing or still a development placeholder in production; the message names the key."""


@dataclass(frozen=True)
class InternalChannelSettings:
    """Rasa's internal turn channel and its way back to the edge.

    `token` (INTERNAL_CHANNEL_TOKEN): what the edge sends to run a turn; its own secret, not RASA_TOKEN, so running
    a turn does not also open Rasa's whole HTTP API. `edge_url` (EDGE_URL) and `outbound_token`
    (CHANNEL_OUTBOUND_TOKEN): where Rasa sends replies made outside a turn (`POST {edge_url}/internal/replies`).
    """

    token: str
    edge_url: str = "http://127.0.0.1:5006"
    outbound_token: str = PLACEHOLDER_OUTBOUND_TOKEN

    @classmethod
    def load(cls, environ: Optional[Mapping[str, str]] = None) -> "InternalChannelSettings":
        env = os.environ if environ is None else environ
        production = env.get("MINWON_ENV", "development") == "production"
        token = env.get("INTERNAL_CHANNEL_TOKEN") or PLACEHOLDER_INTERNAL_TOKEN
        outbound = env.get("CHANNEL_OUTBOUND_TOKEN") or PLACEHOLDER_OUTBOUND_TOKEN
        if production and token == PLACEHOLDER_INTERNAL_TOKEN:
            raise SettingsError("INTERNAL_CHANNEL_TOKEN must be set to a real secret when MINWON_ENV=production")
        if production and outbound == PLACEHOLDER_OUTBOUND_TOKEN:
            raise SettingsError("CHANNEL_OUTBOUND_TOKEN must be set to a real secret when MINWON_ENV=production")
        return cls(token=token, edge_url=(env.get("EDGE_URL") or cls.edge_url).rstrip("/"), outbound_token=outbound)
