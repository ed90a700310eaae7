"""Who read and wrote what: one row per action, never message text or phone numbers."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.tables import AuditEntry


def audit(session: AsyncSession, actor: str, action: str, target: str | None = None, **detail: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail or None))
