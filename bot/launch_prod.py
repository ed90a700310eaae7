"""`python -m bot.launch_prod`: the production topology on one machine (deploy/local/Procfile.prod).

Two channel edge instances (`python -m edge`) behind HAProxy's public frontend, the only thing the internet
reaches; two Rasa instances (guarded PostgreSQL tracker store in its own database, atomic Redis lock store)
reachable only through HAProxy's inside frontend, with no public route of their own; two action servers behind
HAProxy, govapi on PostgreSQL, console, notifier, and, unless MINWON_ENV is production, the Telegram/Twilio
stand-ins (which post their webhooks to the public frontend, as Telegram and Twilio would). PostgreSQL and Redis are the machine's own; the databases are
created when missing, govapi's, the console's and the notifier's schemas are migrated (govapi seeded outside
production) before anything starts.

    python -m bot.launch_prod                 # everything, two Rasa instances
    python -m bot.launch_prod --rasa 1        # one Rasa instance (benchmark comparison)
    python -m bot.launch_prod --check         # print the plan (processes, ports, databases) and exit

Settings (environment, defaults in brackets): PROD_PORT_BASE [7000] gives every port a fixed offset
(LB_PORT base+80 public, RASA_INTERNAL_PORT +81, EDGE_INTERNAL_PORT +82, RASA1/2 +5/+6, EDGE1/2 +7/+8,
ACTIONS_LB +50, ACTIONS1/2 +55/+56, GOVAPI +100, CONSOLE +200, STANDINS +300, NOTIFIER +400); each *_PORT may
be set on its own.
POSTGRES_HOST [127.0.0.1], POSTGRES_PORT [5432], POSTGRES_USER [postgres], POSTGRES_PASSWORD [],
PROD_DB_PREFIX [minwon] (databases <prefix>_tracker, _govapi, _console, _notifier), REDIS_URL
[redis://127.0.0.1:6379/0], PROD_REDIS_PREFIX [minwon] (lock keys, channel keys), MODEL_PATH
[models/minwon.tar.gz], RASA_TOKEN, INTERNAL_CHANNEL_TOKEN (the edge's token for Rasa's internal channel,
the same value in both; generated per launch outside production), and every secret of the other parts' settings. Every process logs JSON
lines (MINWON_LOG_FORMAT [json]); MINWON_LOG_SALT keys the conversation references in them and must be a
real secret when MINWON_ENV is production.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import Manager

import minwon_logs
from bot.settings import PLACEHOLDER_PREFIX, RASA_RUNTIME_ENV, SettingsError

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "local" / "Procfile.prod"
PORT_OFFSETS = {
    "LB_PORT": 80, "RASA_INTERNAL_PORT": 81, "EDGE_INTERNAL_PORT": 82, "RASA1_PORT": 5, "RASA2_PORT": 6,
    "EDGE1_PORT": 7, "EDGE2_PORT": 8, "ACTIONS_LB_PORT": 50,
    "ACTIONS1_PORT": 55, "ACTIONS2_PORT": 56, "GOVAPI_PORT": 100, "CONSOLE_PORT": 200, "STANDINS_PORT": 300,
    "NOTIFIER_PORT": 400,
}
DATABASES = ("tracker", "govapi", "console", "notifier")


@dataclass(frozen=True)
class ProdSettings:
    production: bool
    ports: dict[str, int]
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    db_prefix: str
    redis_url: str
    redis_prefix: str
    model_path: Path
    rasa_token: str
    internal_channel_token: str
    rasa_instances: int

    def database(self, part: str) -> str:
        return f"{self.db_prefix}_{part}"

    def asyncpg_url(self, part: str) -> str:
        auth = self.pg_user + (f":{self.pg_password}" if self.pg_password else "")
        return f"postgresql+asyncpg://{auth}@{self.pg_host}:{self.pg_port}/{self.database(part)}"


def _int(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be an integer, got {raw!r}") from None


def load_settings(env: dict[str, str] | None = None, rasa_instances: int = 2) -> ProdSettings:
    env = dict(os.environ if env is None else env)
    base = _int(env, "PROD_PORT_BASE", 7000)
    production = env.get("MINWON_ENV", "development") == "production"
    token = env.get("RASA_TOKEN") or "dev-rasa-token"
    if production and token.startswith(PLACEHOLDER_PREFIX):
        raise SettingsError("RASA_TOKEN still holds the development placeholder; set a real secret in production")
    internal = env.get("INTERNAL_CHANNEL_TOKEN") or ""
    if production and (not internal or internal.startswith(PLACEHOLDER_PREFIX)):
        raise SettingsError("INTERNAL_CHANNEL_TOKEN must be a real secret in production (the edge's token for Rasa)")
    if rasa_instances not in (1, 2):
        raise SettingsError("--rasa must be 1 or 2 (deploy/local/Procfile.prod has two Rasa instances)")
    prefix = env.get("PROD_DB_PREFIX") or "minwon"
    if not prefix.replace("_", "").isalnum():
        raise SettingsError(f"PROD_DB_PREFIX must be letters, digits and _, got {prefix!r}")
    return ProdSettings(
        production=production,
        ports={key: _int(env, key, base + offset) for key, offset in PORT_OFFSETS.items()},
        pg_host=env.get("POSTGRES_HOST") or "127.0.0.1",
        pg_port=_int(env, "POSTGRES_PORT", 5432),
        pg_user=env.get("POSTGRES_USER") or "postgres",
        pg_password=env.get("POSTGRES_PASSWORD") or "",
        db_prefix=prefix,
        redis_url=env.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        redis_prefix=env.get("PROD_REDIS_PREFIX") or "minwon",
        model_path=Path(env.get("MODEL_PATH") or ROOT / "models" / "minwon.tar.gz"),
        rasa_token=token,
        internal_channel_token=internal or "dev-" + secrets.token_urlsafe(24),
        rasa_instances=rasa_instances,
    )


def process_env(s: ProdSettings, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    p = s.ports
    lb = f"http://127.0.0.1:{p['LB_PORT']}"
    internal = f"http://127.0.0.1:{p['RASA_INTERNAL_PORT']}"
    edge = f"http://127.0.0.1:{p['EDGE_INTERNAL_PORT']}"
    env.update({k: str(v) for k, v in p.items()})
    env.update({
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        # one JSON object per line from every process (minwon_logs; Rasa's through minwon_rasa.tracker_guard)
        "MINWON_LOG_FORMAT": env.get("MINWON_LOG_FORMAT") or "json",
        "MODEL_PATH": str(s.model_path),
        "RASA_TOKEN": s.rasa_token,
        "REDIS_URL": s.redis_url,
        # Rasa (endpoints.prod.yml)
        "ACTION_SERVER_URL": f"http://127.0.0.1:{p['ACTIONS_LB_PORT']}/webhook",
        "TRACKER_DB_HOST": s.pg_host,
        "TRACKER_DB_PORT": str(s.pg_port),
        "TRACKER_DB_NAME": s.database("tracker"),
        "TRACKER_DB_LOGIN_DB": "postgres",
        "TRACKER_DB_USER": s.pg_user,
        "TRACKER_DB_PASSWORD": s.pg_password,
        "LOCK_KEY_PREFIX": s.redis_prefix,
        "LOCK_LIFETIME_S": env.get("LOCK_LIFETIME_S", "20"),  # renewed while a turn runs; a dead instance frees it
        "CONNECTORS_REDIS_PREFIX": f"{s.redis_prefix}:ch:",
        "HANDOFF_REDIS_PREFIX": f"{s.redis_prefix}:handoff:",
        "CONNECTORS_PUBLIC_URL": env.get("CONNECTORS_PUBLIC_URL", lb),
        # everything that calls Rasa (the edge's turns, the console, the notifier's transcript) goes through the
        # load balancer's inside port; Rasa's replies outside a turn and the outbound routes through the edge's
        "RASA_URL": internal,
        "INTERNAL_CHANNEL_TOKEN": s.internal_channel_token,
        "EDGE_URL": edge,
        "CHANNEL_OUTBOUND_URL": edge,
        "NOTIFIER_OUTBOUND_URL": edge,
        # govapi
        "GOVAPI_URL": f"http://127.0.0.1:{p['GOVAPI_PORT']}",
        "GOVAPI_PUBLIC_URL": env.get("GOVAPI_PUBLIC_URL", f"http://127.0.0.1:{p['GOVAPI_PORT']}"),
        "GOVAPI_DATABASE_URL": s.asyncpg_url("govapi"),
        "GOVAPI_AUTO_MIGRATE": "0",  # migrated once by this launcher, not by each replica
        "CONSOLE_DATABASE_URL": s.asyncpg_url("console"),
        "NOTIFIER_DATABASE_URL": s.asyncpg_url("notifier"),
        "HANDOFF_URL": env.get("HANDOFF_URL", f"http://127.0.0.1:{p['CONSOLE_PORT']}"),
        # the actions and the SMS channel subscribe citizens here (without it they called `make run`'s port)
        "NOTIFIER_URL": f"http://127.0.0.1:{p['NOTIFIER_PORT']}",
    })
    for key, value in RASA_RUNTIME_ENV.items():  # Rasa's threads (bot/settings.py); what is set already wins
        env.setdefault(key, value)
    if not s.production:
        standins = f"http://127.0.0.1:{p['STANDINS_PORT']}"
        env.setdefault("TELEGRAM_API_BASE", f"{standins}/telegram")
        env.setdefault("TWILIO_API_BASE", f"{standins}/twilio")
    return env


def chosen_processes(s: ProdSettings) -> dict[str, str]:
    processes = dict(parse_procfile(PROCFILE.read_text()).processes)
    if s.production:
        processes.pop("standins", None)
    if s.rasa_instances == 1:
        processes.pop("rasa2", None)
    return processes


def check_prerequisites(s: ProdSettings) -> list[str]:
    problems = []
    if not s.model_path.exists():
        problems.append(f"no trained model at {s.model_path} (run `make train` or set MODEL_PATH)")
    if shutil.which("haproxy") is None:
        problems.append("haproxy is not installed (apt-get install -y haproxy)")
    for port_key, port in s.ports.items():
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                problems.append(f"port {port} ({port_key}) is already taken (set PROD_PORT_BASE)")
    return problems


async def ensure_databases(s: ProdSettings) -> list[str]:
    """Create the four databases when missing; answers the names it created."""
    import asyncpg

    conn = await asyncpg.connect(host=s.pg_host, port=s.pg_port, user=s.pg_user,
                                 password=s.pg_password or None, database="postgres", timeout=5)
    created = []
    try:
        for part in DATABASES:
            name = s.database(part)
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
    finally:
        await conn.close()
    return created


def prepare_govapi(env: dict[str, str], production: bool) -> None:
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "-m", "govapi", "migrate"], cwd=ROOT, env=env, check=True)
    if not production:
        subprocess.run([python, "-m", "govapi", "seed"], cwd=ROOT, env=env, check=True)


def migrate_bot(env: dict[str, str]) -> None:
    """The console's and the notifier's schemas, once here before their processes start (each start would
    migrate too, a no-op at head)."""
    python = str(ROOT / ".venv" / "bin" / "python")
    for migrations in ("bot.console.migrations", "bot.notifier.migrations"):
        subprocess.run([python, "-m", migrations], cwd=ROOT, env=env, check=True)


def wait_ready(s: ProdSettings, timeout: float = 420.0) -> bool:
    """True once every Rasa instance is ready (the model takes a while), every edge instance is ready (Redis and
    Rasa reachable) and the public frontend answers through an edge."""
    import urllib.request

    deadline = time.monotonic() + timeout
    urls = [f"http://127.0.0.1:{s.ports[f'RASA{i}_PORT']}/webhooks/ops/ready" for i in range(1, s.rasa_instances + 1)]
    urls += [f"http://127.0.0.1:{s.ports[f'EDGE{i}_PORT']}/readyz" for i in (1, 2)]
    # and the balancer has taken them into its rotation (two passed checks)
    urls.append(f"http://127.0.0.1:{s.ports['LB_PORT']}/webhooks/webchat/")
    while time.monotonic() < deadline:
        ready = 0
        for url in urls:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    ready += r.status == 200
            except OSError:
                pass
        if ready == len(urls):
            return True
        time.sleep(1)
    return False


def banner(s: ProdSettings) -> list[str]:
    p = s.ports
    lines = [
        f"  public (load balancer)   http://127.0.0.1:{p['LB_PORT']}/webhooks/webchat/  (the edge)",
        f"  Rasa API (inside only)   http://127.0.0.1:{p['RASA_INTERNAL_PORT']}/status  (token auth)",
        f"  edge (inside only)       http://127.0.0.1:{p['EDGE_INTERNAL_PORT']}/readyz  .../metrics, outbound routes",
        f"  readiness / metrics      http://127.0.0.1:{p['RASA1_PORT']}/webhooks/ops/ready  .../webhooks/ops/metrics",
        f"  staff console            http://127.0.0.1:{p['CONSOLE_PORT']}/",
        f"  govapi                   http://127.0.0.1:{p['GOVAPI_PORT']}/readyz",
    ]
    if not s.production:
        lines.append(f"  phone simulators         http://127.0.0.1:{p['STANDINS_PORT']}/")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launch_prod", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", type=int, default=2, help="Rasa instances behind the load balancer (1 or 2)")
    parser.add_argument("--check", action="store_true", help="print the plan and exit")
    args = parser.parse_args(argv)
    settings = load_settings(rasa_instances=args.rasa)
    try:  # every process would refuse a missing MINWON_LOG_SALT in production: say so once, before starting
        minwon_logs.LogSettings.from_env(process_env(settings))
    except minwon_logs.LogSettingsError as error:
        print(f"launch_prod: {error}", file=sys.stderr)
        return 2
    processes = chosen_processes(settings)
    if args.check:
        for name, cmd in processes.items():
            print(f"{name}: {cmd}")
        for part in DATABASES:
            print(f"database {part}: {settings.database(part)} on {settings.pg_host}:{settings.pg_port}")
        return 0
    problems = check_prerequisites(settings)
    if problems:
        for problem in problems:
            print(f"launch_prod: {problem}", file=sys.stderr)
        return 1
    created = asyncio.run(ensure_databases(settings))
    for name in created:
        print(f"launch_prod: created database {name}", flush=True)
    env = process_env(settings)
    prepare_govapi(env, settings.production)
    migrate_bot(env)
    manager = Manager()
    for name, cmd in processes.items():
        manager.add_process(name, cmd, env=env, cwd=str(ROOT))

    def announce() -> None:
        ok = wait_ready(settings)
        print("\n" + "=" * 72, flush=True)
        print("minwon (production topology) is " + ("ready." if ok else "NOT ready after 7 minutes."), flush=True)
        for line in banner(settings):
            print(line, flush=True)
        print("Stop with Ctrl-C.\n" + "=" * 72 + "\n", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
