"""Plumbing shared by the whole-stack journeys: free ports, plain HTTP, waiting, the browser's flags.
Only the standard library, so the journeys run under either environment."""
from __future__ import annotations

from http.cookiejar import CookieJar
import json
import os
import socket
import time
import urllib.error
import urllib.request
import urllib.parse
import uuid
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
PY, RPY, RASA = ROOT / ".venv/bin/python", ROOT / ".venv-rasa/bin/python", ROOT / ".venv-rasa/bin/rasa"
MODEL = Path(os.environ.get("MINWON_E2E_MODEL", ROOT / "models/minwon.tar.gz"))
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
RUN = uuid.uuid4().hex[:8]  # one per test session: key prefixes and tokens of this run only

# Debian's chromium, headless, as root, on a machine with no internet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def run_tokens(*extra: str) -> dict[str, str]:
    """The secrets every part of a journey's stack gets, fresh for this run, plus the named extra tokens
    (e.g. HANDOFF_TOKEN, NOTIFIER_TOKEN)."""
    tokens = {
        "RASA_TOKEN": f"e2e-rasa-{RUN}", "CHANNEL_OUTBOUND_TOKEN": f"e2e-outbound-{RUN}",
        "GOVAPI_SERVICE_TOKEN": f"e2e-service-{RUN}", "GOVAPI_ADMIN_TOKEN": f"e2e-admin-{RUN}",
        "TELEGRAM_TOKEN": f"123456:e2e-{RUN}", "TELEGRAM_SECRET_TOKEN": f"e2e-secret-{RUN}",
        "TWILIO_ACCOUNT_SID": "AC" + uuid.uuid4().hex, "TWILIO_AUTH_TOKEN": f"e2e-twilio-{RUN}",
        "TWILIO_FROM_NUMBER": "+15005550006",
        # the edge's bearer token for Rasa's internal turn channel (the same value in both processes)
        "INTERNAL_CHANNEL_TOKEN": f"e2e-internal-{RUN}",
    }
    for key in extra:
        tokens[key] = f"e2e-{key.split('_')[0].lower()}-{RUN}"
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A browser's cookie jar for the web chat (a session belongs to the browser that started it: edge/webchat.py).
BROWSER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def http(method: str, url: str, body: Any = None, headers: dict | None = None, form: dict | None = None,
         opener: urllib.request.OpenerDirector | None = None) -> tuple[int, Any]:
    """One request; JSON answers decoded, anything else as text. HTTP errors are answers, not exceptions."""
    data, hdrs = None, dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with (opener.open(request, timeout=60) if opener else urllib.request.urlopen(request, timeout=60)) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as err:
        raw, status = err.read(), err.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something true; fail naming `what` and the last answer."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except OSError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout}s (last: {last!r})")
