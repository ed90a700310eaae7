"""An output channel that keeps a turn's replies, so each channel can format them as a whole."""
from __future__ import annotations

import copy
from typing import Any, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel


class TurnCollector(CollectingOutputChannel):
    """Collects while its turn runs. Rasa also keeps this object as the output of reminders the turn
    scheduled (a kept request retried later): once the turn is over (`close()`), what it is given goes out
    through the channel's own out-of-turn output (`later`), since nobody reads the collected list any more."""

    def __init__(self, channel_name: str, later: Optional[Callable[[], OutputChannel]] = None) -> None:
        super().__init__()
        self._channel_name = channel_name
        self._later = later
        self._closed = False
        self.messages: List[Dict[Text, Any]] = []

    def name(self) -> Text:  # type: ignore[override]
        # Rasa stores this as the turn's output channel (used by reminders and `latest`).
        return self._channel_name

    def close(self) -> None:
        self._closed = True

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self._closed and self._later is not None:
            await self._later().send_response(recipient_id, message)
            return
        # Keep Rasa's message dict whole (the base class would split text on blank lines).
        self.messages.append(copy.deepcopy(message))
