"""Alembic environment of the notifier (bot/alembic_env.py does the work)."""
from bot.alembic_env import run_environment
from bot.notifier.tables import Base

# A standby notifier may start beside the active one: on PostgreSQL they migrate in turn under this lock.
run_environment(Base.metadata, advisory_lock_key=0x6D696E776F6E02)  # "minwon" + 2 (notifier)
