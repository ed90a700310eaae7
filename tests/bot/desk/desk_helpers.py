"""Helpers shared by the desk tests."""
import os

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


class FakeClock:
    """Time the test moves by hand (seconds since the epoch)."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def handoff_fields(conversation_id: str, language: str = "ko", skill: str = "payments", reason: str = "requested"):
    return {"conversation_id": conversation_id, "channel": "telegram", "language": language, "skill": skill,
            "reason": reason}
