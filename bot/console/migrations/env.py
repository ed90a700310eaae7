"""Alembic environment of the console (bot/alembic_env.py does the work)."""
from bot.alembic_env import run_environment
from bot.console.tables import Base

# Two console replicas may start at once: on PostgreSQL they migrate one after the other under this lock.
run_environment(Base.metadata, advisory_lock_key=0x6D696E776F6E01)  # "minwon" + 1 (console)
