"""An output channel that keeps a turn's replies, so each channel can format them as a whole."""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel


class TurnCollector(CollectingOutputChannel):
    def __init__(self, channel_name: str) -> None:
        super().__init__()
        self._channel_name = channel_name
        self.messages: List[Dict[Text, Any]] = []

    def name(self) -> Text:  # type: ignore[override]
        # Rasa stores this as the turn's output channel (used by reminders and `latest`).
        return self._channel_name

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        # Keep Rasa's message dict whole (the base class would split text on blank lines).
        self.messages.append(copy.deepcopy(message))
