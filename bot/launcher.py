"""`make run`: start every built part of minwon from the Procfile (through honcho) and say where to look.

Parts that do not exist yet are skipped with a line saying so, so the launcher works while the project
grows. A project-local Redis is started unless REDIS_URL points at one.
"""
from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import time
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import Manager

from bot.settings import RASA_RUNTIME_ENV, LauncherSettings, launcher_settings

ROOT = Path(__file__).resolve().parent.parent

# A process runs only when what it needs exists (the project is built part by part).
REQUIRES: dict[str, tuple[str, ...]] = {
    "govapi": ("govapi/__main__.py",),
    "actions": ("actions/server.py",),
    "rasa": ("models/minwon.tar.gz",),
    "edge": ("edge/__main__.py",),
    "standins": ("standins/__main__.py",),
    "console": ("bot/console/__main__.py",),
    "notifier": ("bot/notifier/__main__.py",),
}


def process_env(settings: LauncherSettings) -> dict[str, str]:
    env = dict(os.environ)
    redis_url = settings.redis_url or f"redis://127.0.0.1:{settings.local_redis_port}/0"
    edge = f"http://127.0.0.1:{settings.edge_port}"
    env.update(
        {
            "REDIS_URL": redis_url,
            "LOCAL_REDIS_PORT": str(settings.local_redis_port),
            "GOVAPI_PORT": str(settings.govapi_port),
            "GOVAPI_URL": env.get("GOVAPI_URL", f"http://127.0.0.1:{settings.govapi_port}"),
            "GOVAPI_PUBLIC_URL": env.get("GOVAPI_PUBLIC_URL", f"http://127.0.0.1:{settings.govapi_port}"),
            # Development: migrate and seed an empty database on start.
            "GOVAPI_AUTO_MIGRATE": env.get("GOVAPI_AUTO_MIGRATE", "0" if settings.production else "1"),
            "RASA_PORT": str(settings.rasa_port),
            "RASA_URL": env.get("RASA_URL", f"http://127.0.0.1:{settings.rasa_port}"),
            "RASA_TOKEN": settings.rasa_token,
            # The channel edge serves every public route; Rasa runs its turns through the internal channel with
            # this token (the same value on both sides: one generated per launch unless one is set; production
            # refuses a missing or placeholder one in both processes).
            "EDGE_PORT": str(settings.edge_port),
            "EDGE_URL": env.get("EDGE_URL", edge),
            "INTERNAL_CHANNEL_TOKEN": env.get("INTERNAL_CHANNEL_TOKEN") or (
                "" if settings.production else "dev-" + secrets.token_urlsafe(24)),
            # where Telegram and Twilio reach us (signatures, short links): the edge, or a public address
            "CONNECTORS_PUBLIC_URL": env.get("CONNECTORS_PUBLIC_URL", edge),
            # the console and the notifier send to citizens through the edge's outbound routes
            "CHANNEL_OUTBOUND_URL": env.get("CHANNEL_OUTBOUND_URL", edge),
            "NOTIFIER_OUTBOUND_URL": env.get("NOTIFIER_OUTBOUND_URL", edge),
            "ACTION_PORT": str(settings.action_port),
            "ACTION_SERVER_URL": env.get("ACTION_SERVER_URL", f"http://127.0.0.1:{settings.action_port}/webhook"),
            "CONSOLE_PORT": str(settings.console_port),
            "STANDINS_PORT": str(settings.standins_port),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # minwon_logs: human lines for a developer, JSON lines in production (unless set otherwise)
            "MINWON_LOG_FORMAT": env.get("MINWON_LOG_FORMAT") or ("json" if settings.production else "text"),
        }
    )
    for key, value in RASA_RUNTIME_ENV.items():  # Rasa's threads (bot/settings.py); what is set already wins
        env.setdefault(key, value)
    # The actions reach the handoff desk, which the console process serves; the actions (subscriptions)
    # and the SMS channel (delivery reports) reach the notifier.
    env.setdefault("HANDOFF_URL", f"http://127.0.0.1:{settings.console_port}")
    env.setdefault("NOTIFIER_URL", f"http://127.0.0.1:{env.get('NOTIFIER_PORT', '8400')}")
    if settings.demo:
        # A demo can be tried at any hour: the desk is staffed around the clock.
        env.setdefault("DESK_ALWAYS_OPEN", "1")
        # Demo mode: Telegram and Twilio are the loopback stand-ins, unless real ones are configured.
        standins = f"http://127.0.0.1:{settings.standins_port}"
        env.setdefault("TELEGRAM_API_BASE", f"{standins}/telegram")
        env.setdefault("TWILIO_API_BASE", f"{standins}/twilio")
    return env


def chosen_processes(settings: LauncherSettings) -> tuple[dict[str, str], list[str]]:
    procfile = parse_procfile((ROOT / "Procfile").read_text())
    chosen: dict[str, str] = {}
    skipped: list[str] = []
    for name, cmd in procfile.processes.items():
        if name == "redis" and settings.redis_url:
            continue
        if name == "standins" and not settings.demo:
            continue
        missing = [p for p in REQUIRES.get(name, ()) if not (ROOT / p).exists()]
        if missing:
            skipped.append(f"{name} (not built yet: {', '.join(missing)})")
            continue
        chosen[name] = cmd
    return chosen, skipped


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def banner(settings: LauncherSettings, chosen: dict[str, str]) -> list[str]:
    lines = []
    if "edge" in chosen:
        lines.append(f"  web chat          http://127.0.0.1:{settings.edge_port}/webhooks/webchat/")
    if "console" in chosen:
        login = "  (demo login agent1 / agent1-demo)" if not settings.production else ""
        lines.append(f"  staff console     http://127.0.0.1:{settings.console_port}/{login}")
    if "standins" in chosen:
        lines.append(f"  phone simulators  http://127.0.0.1:{settings.standins_port}/simulator/  (webhooks to the edge)")
    if "govapi" in chosen:
        lines.append(f"  govapi            http://127.0.0.1:{settings.govapi_port}/openapi.json")
    return lines


def announce_when_ready(settings: LauncherSettings, chosen: dict[str, str]) -> None:
    ports = {
        "govapi": settings.govapi_port,
        "rasa": settings.rasa_port,
        "edge": settings.edge_port,
        "actions": settings.action_port,
        "console": settings.console_port,
        "standins": settings.standins_port,
    }
    waiting = {name: port for name, port in ports.items() if name in chosen}
    deadline = time.monotonic() + 300  # loading the Rasa model takes a while on 2 cores
    while waiting and time.monotonic() < deadline:
        waiting = {n: p for n, p in waiting.items() if not _port_open(p)}
        time.sleep(1)
    print("\n" + "=" * 72, flush=True)
    if waiting:
        print(f"minwon: still not answering after 5 minutes: {', '.join(waiting)}", flush=True)
    print("minwon is running. Open:", flush=True)
    for line in banner(settings, chosen):
        print(line, flush=True)
    print("Stop with Ctrl-C.", flush=True)
    print("=" * 72 + "\n", flush=True)


def main() -> int:
    settings = launcher_settings()
    (ROOT / "var").mkdir(exist_ok=True)
    chosen, skipped = chosen_processes(settings)
    for line in skipped:
        print(f"minwon: skipping {line}", flush=True)
    if not chosen:
        print("minwon: nothing to start", file=sys.stderr)
        return 1
    env = process_env(settings)
    manager = Manager()
    for name, cmd in chosen.items():
        manager.add_process(name, cmd, env=env, cwd=str(ROOT))
    threading.Thread(target=announce_when_ready, args=(settings, chosen), daemon=True).start()
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
