"""Who may see and change which case: an agent only what waits in one of their queues or is assigned to them,
a supervisor everything. Queues are `<language>:<skill>` (bot/desk/queues.py)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console.tables import Agent, AgentSkill
from bot.desk.errors import NotFound, NotYours
from bot.desk.queues import LANGUAGES, SKILLS, queue_name

# The conversation ids the channels make (CONTRACTS.md): nothing else can be taken over.
CONVERSATION_ID = re.compile(
    r"tg:\d{1,20}|sms:\+\d{6,15}|web:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HANDOFF_ID = re.compile(r"HO-[0-9A-F]{12}")
CALLBACK_ID = re.compile(r"CB-[0-9A-F]{8}")


def checked_id(value: str, pattern: re.Pattern[str], what: str) -> str:
    """A path id that cannot be one of ours is simply not found (no lookup with arbitrary bytes)."""
    if not pattern.fullmatch(value or ""):
        raise NotFound(f"no {what} with that id")
    return value


async def agent_queues(db: async_sessionmaker, username: str) -> frozenset[str]:
    """The queues an active agent serves: their languages times their skills (all skills when none listed)."""
    async with db() as session:
        agent = (await session.execute(select(Agent).where(Agent.username == username, Agent.active))).scalar_one_or_none()
        if agent is None:
            return frozenset()
        skills = set((await session.execute(select(AgentSkill.skill).where(AgentSkill.username == username))).scalars())
    languages = [lang for lang in (agent.languages or "").replace(" ", "").split(",") if lang in LANGUAGES]
    return frozenset(queue_name(lang, skill) for lang in languages for skill in SKILLS if not skills or skill in skills)


def may_touch(username: str, supervisor: bool, queues: frozenset[str], *, state: str, agent: str | None,
              queue: str | None) -> bool:
    """Supervisors: all. Agents: a case assigned to them, or one waiting (queued, callback) in a queue they serve."""
    if supervisor or (agent and agent == username):
        return True
    return state in ("queued", "callback") and queue in queues


def refuse(handoff_id: str) -> NotYours:
    return NotYours(f"{handoff_id} is neither assigned to you nor waiting in one of your queues")
