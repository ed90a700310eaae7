"""`python -m bot.notifier.migrations`: upgrade the notifier's database (NOTIFIER_DATABASE_URL) to the latest schema."""
from __future__ import annotations

import sys

from bot.notifier.db import upgrade
from bot.notifier.settings import load_settings


def main() -> int:
    upgrade(load_settings().database_url)
    print("notifier: database migrated", flush=True)  # no URL: it may hold a password
    return 0


if __name__ == "__main__":
    sys.exit(main())
