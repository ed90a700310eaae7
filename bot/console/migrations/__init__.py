"""Alembic migrations of the console's database (env.py, versions/). Run them with
`python -m bot.console.migrations` (the URL comes from CONSOLE_DATABASE_URL); the console also runs them at start
(bot/console/db.py: create_tables), where they are a no-op once the database is at head."""
