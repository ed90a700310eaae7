"""Redis key names of the desk. The namespace defaults to `minwon:handoff:` (CONTRACTS.md fixes
`<ns>active:<conversation_id>` and `<ns>inbox`); tests use their own namespace so runs never collide."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NAMESPACE = "minwon:handoff:"


@dataclass(frozen=True)
class DeskKeys:
    ns: str = DEFAULT_NAMESPACE

    def active(self, conversation_id: str) -> str:
        return f"{self.ns}active:{conversation_id}"

    @property
    def inbox(self) -> str:
        return f"{self.ns}inbox"

    def handoff(self, handoff_id: str) -> str:
        return f"{self.ns}h:{handoff_id}"

    @property
    def queue_prefix(self) -> str:
        return f"{self.ns}q:"

    def queue(self, name: str) -> str:
        return f"{self.queue_prefix}{name}"

    @property
    def queues(self) -> str:
        return f"{self.ns}queues"

    def idempotency(self, key: str) -> str:
        return f"{self.ns}idem:{key}"

    def closing(self, handoff_id: str) -> str:
        """Held while one console instance closes the handoff: a second close waits for it (double click)."""
        return f"{self.ns}closing:{handoff_id}"

    @property
    def online(self) -> str:
        return f"{self.ns}online"

    @property
    def handle_times(self) -> str:
        return f"{self.ns}handle_times"

    @property
    def events(self) -> str:
        """Pub/sub channel that feeds every console instance's WebSockets."""
        return f"{self.ns}events"

    def session(self, token_hash: str) -> str:
        return f"{self.ns}session:{token_hash}"

    @property
    def conversations_prefix(self) -> str:
        """HyperLogLog per UTC day of conversations seen by the channel edge (for the containment rate)."""
        return "minwon:stats:conversations:" if self.ns == DEFAULT_NAMESPACE else f"{self.ns}stats:conversations:"
