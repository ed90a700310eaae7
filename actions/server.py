"""`python -m actions.server`: the Rasa SDK action server for this package, on ACTION_PORT (default 5055)."""
from __future__ import annotations

import logging
import os

from rasa_sdk import endpoint

from actions.settings import load_settings


def main() -> None:
    settings = load_settings()  # fails fast, naming the key, on a bad setting
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # The action server has no authentication: listen on loopback unless told otherwise (SANIC_HOST).
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    endpoint.run("actions", port=settings.action_port, auto_reload=False)


if __name__ == "__main__":
    main()
