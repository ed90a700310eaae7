"""python -m govapi [serve|migrate|seed|openapi]  (serve is the default)."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from aiohttp import web

from minwon_logs import LogSettingsError

from .clock import Clock
from .db import Database
from .errors import SettingsError
from .logs import setup_logging
from .settings import Settings, load_settings

log = logging.getLogger("govapi")


async def _seed(settings: Settings, reset: bool) -> bool:
    from .seed import seed

    db = Database(settings.database_url)
    try:
        return await seed(db, Clock(settings.today), reset=reset)
    finally:
        await db.close()


def migrate_and_seed(settings: Settings) -> None:
    from .migrate import upgrade

    upgrade(settings.database_url)
    seeded = asyncio.run(_seed(settings, reset=False))
    log.info("database ready", extra={"seeded_now": seeded})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govapi", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the HTTP API (default)")
    sub.add_parser("migrate", help="upgrade the database to the latest schema")
    seed_parser = sub.add_parser("seed", help="fill an empty database with the demo data")
    seed_parser.add_argument("--reset", action="store_true", help="delete all rows first")
    sub.add_parser("openapi", help="print the OpenAPI document")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        setup_logging(settings.log_level)  # MINWON_LOG_FORMAT: json lines or text
    except (SettingsError, LogSettingsError) as error:
        print(f"govapi: configuration error: {error}", file=sys.stderr)
        return 2
    command = args.command or "serve"
    if command == "openapi":
        from .openapi import build_document

        json.dump(build_document(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if command == "migrate":
        from .migrate import upgrade

        upgrade(settings.database_url)
        log.info("migrated")
        return 0
    if command == "seed":
        seeded = asyncio.run(_seed(settings, reset=args.reset))
        log.info("seed", extra={"seeded_now": seeded})
        return 0
    if settings.auto_migrate:
        migrate_and_seed(settings)
    from .app import create_app

    log.info("serving", extra={"host": settings.host, "port": settings.port})
    web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
