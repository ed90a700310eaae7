"""Alembic migrations of the notifier's database (env.py, versions/). Run them with
`python -m bot.notifier.migrations` (the URL comes from NOTIFIER_DATABASE_URL); the notifier also runs them at start
(bot/notifier/db.py: create_tables), where they are a no-op once the database is at head."""
