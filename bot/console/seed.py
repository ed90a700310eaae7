"""Demo logins, made only outside production: agent1/agent1-demo, agent2/agent2-demo, supervisor/supervisor-demo."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console.auth import hash_password
from bot.console.tables import Agent, AgentSkill

DEMO_STAFF = (
    ("agent1", "Agent One / 상담원1", "agent", "agent1-demo"),
    ("agent2", "Agent Two / 상담원2", "agent", "agent2-demo"),
    ("supervisor", "Supervisor / 관리자", "supervisor", "supervisor-demo"),
)


async def seed_demo_staff(db: async_sessionmaker) -> None:
    async with db() as session:
        existing = set((await session.execute(select(Agent.username))).scalars())
        for username, name, role, password in DEMO_STAFF:
            if username not in existing:
                session.add(Agent(username=username, display_name=name, role=role, password_hash=hash_password(password)))
        await session.commit()


async def add_staff(db: async_sessionmaker, username: str, password: str, role: str, display_name: str,
                    languages: str = "ko,en", skills: tuple[str, ...] = ()) -> None:
    """One staff login; `skills` empty = every skill of the agent's languages."""
    async with db() as session:
        session.add(Agent(username=username, display_name=display_name, role=role, languages=languages,
                          password_hash=hash_password(password)))
        for skill in skills:
            session.add(AgentSkill(username=username, skill=skill))
        await session.commit()
