"""The trackers this Rasa instance saved last, kept so the next turn of a conversation reads only what is new.

Rasa's SQL tracker store reads every event of the conversation's session and replays them into a new tracker
on every turn: under load a quarter of a Rasa instance's CPU, growing with the conversation. The store's
events are only ever appended (`SQLTrackerStore.save` adds the events after those stored), so a tracker this
instance saved, plus the rows stored after it (by another instance, in order: the lock store lets one turn of
a conversation run at a time), is the tracker Rasa would build from all rows. That holds while the session
stays the same: a `session_started` row among the new ones means Rasa would read from there on, so the
conversation is read whole again, and a save that starts a session is not kept.

A kept tracker is handed out once (`take`): the turn that takes it mutates it and keeps it again only by saving
it, so a turn that fails half-way leaves nothing behind and the next one reads the database. The number of
conversations kept is bounded (least recently saved dropped first); a new domain (model) empties it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional, Text


@dataclass
class Recent:
    tracker: Any  # DialogueStateTracker as saved
    last_row_id: int  # id of the conversation's last stored event when it was saved


class RecentTrackers:
    def __init__(self, size: int) -> None:
        self.size = max(0, int(size))
        self._kept: "OrderedDict[Text, Recent]" = OrderedDict()
        self._lock = threading.Lock()  # Rasa calls the store from its event loop; tests and tools from threads

    def take(self, sender_id: Text) -> Optional[Recent]:
        with self._lock:
            return self._kept.pop(sender_id, None)

    def peek(self, sender_id: Text) -> Optional[Recent]:
        """The kept tracker, still kept: only to read it (the "already applied?" answer right after a save)."""
        with self._lock:
            return self._kept.get(sender_id)

    def keep(self, sender_id: Text, tracker: Any, last_row_id: int) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._kept[sender_id] = Recent(tracker, last_row_id)
            self._kept.move_to_end(sender_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def forget(self, sender_id: Text) -> None:
        with self._lock:
            self._kept.pop(sender_id, None)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
