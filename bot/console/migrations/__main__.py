"""`python -m bot.console.migrations`: upgrade the console's database (CONSOLE_DATABASE_URL) to the latest schema."""
from __future__ import annotations

import sys

from bot.console.db import upgrade
from bot.console.settings import console_settings


def main() -> int:
    upgrade(console_settings().database_url)
    print("console: database migrated", flush=True)  # no URL: it may hold a password
    return 0


if __name__ == "__main__":
    sys.exit(main())
