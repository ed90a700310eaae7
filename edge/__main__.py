"""`python -m edge`: the channel edge on EDGE_HOST:EDGE_PORT (edge/settings.py)."""
from __future__ import annotations

import sys

from aiohttp import web

import minwon_logs

from edge.app import create_app
from edge.errors import SettingsError
from edge.settings import load_settings


def main() -> None:
    try:
        minwon_logs.setup("edge")  # MINWON_LOG_FORMAT: json lines or text
        settings = load_settings()
    except (minwon_logs.LogSettingsError, SettingsError) as error:
        sys.exit(f"edge: configuration error: {error}")
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log=None)  # aiohttp's access line has the query; ours (log_requests) the route pattern only


if __name__ == "__main__":
    main()
