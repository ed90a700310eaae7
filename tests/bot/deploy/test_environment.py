"""Every environment variable the deployed code reads (a static scan, env_scan.py) is set for the workload that
runs it, in the Kubernetes manifests and in the Compose file, or left to its default on purpose (DEFAULTED); and
govapi's, the console's and the notifier's production settings load from exactly what the files give them."""
from __future__ import annotations

import re
import secrets

import pytest
from deploy_files import (
    COMPOSE_PARTS,
    K8S_PARTS,
    compose,
    compose_env,
    k8s_container_env,
    k8s_resources,
    k8s_workloads,
    pod_spec,
)
from env_scan import read_variables

import minwon_logs
from bot.console.settings import console_settings
from bot.notifier.settings import load_settings as notifier_settings
from govapi.settings import load_settings as govapi_settings

READS = read_variables()

# Read by the code, set by neither file, on purpose: the default is the production value (or the variable is
# for development and tests only). "part:NAME" would allow it for one part only.
DEFAULTED = {
    # ports: each container listens on its part's default port, the one its manifest/Service names
    "ACTION_PORT": "5055", "GOVAPI_PORT": "8100", "CONSOLE_PORT": "8200", "NOTIFIER_PORT": "8400",
    "govapi:GOVAPI_AUTO_MIGRATE": "default 0: the govapi-migrate Job migrates once per release",
    # clocks for tests: production refuses GOVAPI_TODAY; NOTIFIER_FAKE_NOW must stay unset
    "GOVAPI_TODAY": "tests only", "NOTIFIER_FAKE_NOW": "tests only",
    "MINWON_TIMEZONE": "Asia/Seoul", "DESK_TIMEZONE": "Asia/Seoul",
    # call-centre defaults (README, Configuration): 09:00-18:00 mon-fri, the shipped holiday file
    "DESK_HOURS": "09:00-18:00", "DESK_DAYS": "mon-fri", "DESK_ALWAYS_OPEN": "0 (demo only)",
    "DESK_HOLIDAYS_FILE": "the file shipped in the image", "DESK_DEFAULT_HANDLE_SECONDS": "tuned default",
    "DESK_MAX_WAIT_SECONDS": "tuned default", "DESK_TAKEOVER_IDLE_SECONDS": "tuned default",
    "CONSOLE_INSTANCE": "the pod's host name", "CONSOLE_SEED_DEMO": "never seeds in production",
    "CONSOLE_SESSION_IDLE_SECONDS": "tuned default", "CONSOLE_SESSION_MAX_SECONDS": "tuned default",
    "CONSOLE_SECURE_COOKIES": "forced on by MINWON_ENV=production (bot/console/settings.py)",
    # read by the edge only (the dashboard's counters): one prefix per Redis is enough
    "STATS_REDIS_PREFIX": "minwon:stats:",
    # the real Telegram/Twilio APIs (the stand-ins replace them only outside production)
    "TELEGRAM_API_BASE": "https://api.telegram.org", "TWILIO_API_BASE": "https://api.twilio.com",
    "TELEGRAM_WEBHOOK_URL": "read by the one-off webhook setup command, not by the server",
    # measured defaults (README, deploy/README.md)
    "TELEGRAM_GLOBAL_RATE": "30/s", "TELEGRAM_PER_CHAT_INTERVAL": "1 s", "SMS_TWIML_DEADLINE": "4 s",
    "CONNECTORS_INBOX_LEASE_S": "5 s", "CONNECTORS_INBOX_MAX_AGE_S": "tuned default",
    "CONNECTORS_INBOX_MAX_WAIT_S": "tuned default", "TRACKER_RECENT_TRACKERS": "500",
    "MINWON_RASA_SPEEDUPS": "on", "LOG_LEVEL": "Rasa's INFO",
    # the edge: each container listens on 5006 (its Service's port); one turn's answer waits at most 60 s
    "EDGE_PORT": "5006", "EDGE_RASA_TIMEOUT_S": "tuned default",
    "PTB_TIMEDELTA": "python-telegram-bot's own switch; edge/telegram_delivery.py sets it",
    "GOVAPI_TIMEOUT_S": "tuned default", "GOVAPI_CONNECT_TIMEOUT_S": "tuned default",
    "GOVAPI_GET_RETRIES": "tuned default", "HANDOFF_TIMEOUT_S": "tuned default", "NOTIFIER_TIMEOUT_S": "tuned",
    "PENDING_RETRY_DELAYS_S": "tuned default (docs/CONTRACTS.md)",
    "GOVAPI_LOG_LEVEL": "INFO", "GOVAPI_WORKER_INTERVAL": "tuned default",
    "GOVAPI_CITIZEN_TOKEN_TTL_MINUTES": "tuned default", "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "rule default",
    "GOVAPI_VERIFY_LIMIT_PER_PHONE": "rule default",
    "GOVAPI_PROVIDER_CALLBACK_URL": "optional: derived from GOVAPI_PUBLIC_URL",
    "GOVAPI_AGENCY_WEBHOOK_URL": "optional: no agency webhook configured",
    "NOTIFIER_DISPATCH_INTERVAL_S": "tuned", "NOTIFIER_POLL_INTERVAL_S": "tuned", "NOTIFIER_POLL_BATCH": "tuned",
    "NOTIFIER_HTTP_TIMEOUT_S": "tuned", "NOTIFIER_MAX_ATTEMPTS": "tuned", "NOTIFIER_RETRY_BASE_S": "tuned",
    "NOTIFIER_RETRY_CAP_S": "tuned", "NOTIFIER_SEND_CONCURRENCY": "tuned", "NOTIFIER_REMINDER_HOUR": "tuned",
    "NOTIFIER_FINE_REMINDER_DAYS": "rule default", "NOTIFIER_SUPPLEMENT_REMINDER_DAYS": "rule default",
    "NOTIFIER_FOLLOW_DAYS": "30 days", "NOTIFIER_FOLLOW_LIVE_S": "tuned",
    "NOTIFIER_SMS_QUIET_HOURS": "21:00-08:00 (README)",
}
# A one-off migrate Job loads its part's settings and migrates: it needs what those settings require in
# production (checked by loading them below), not the serving knobs.
MIGRATE_JOBS = {"govapi-migrate", "console-migrate", "notifier-migrate"}


def _missing(part: str, provided: set[str]) -> list[str]:
    return sorted(name for name in READS[part]
                  if name not in provided and name not in DEFAULTED and f"{part}:{name}" not in DEFAULTED)


def test_the_scan_finds_what_each_part_is_known_to_read():
    """The static scan is not empty-handed: a few names per part that the code certainly reads."""
    assert {"GOVAPI_DATABASE_URL", "GOVAPI_SMS_BACKEND", "MINWON_LOG_SALT"} <= set(READS["govapi"])
    assert {"CONSOLE_DATABASE_URL", "HANDOFF_TOKEN", "DESK_HOURS"} <= set(READS["console"])
    assert {"NOTIFIER_DATABASE_URL", "NOTIFIER_TOKEN", "NOTIFIER_OUTBOUND_URL"} <= set(READS["notifier"])
    assert {"GOVAPI_URL", "HANDOFF_URL", "NOTIFIER_URL", "PENDING_RETRY_DELAYS_S"} <= set(READS["actions"])
    assert {"INTERNAL_CHANNEL_TOKEN", "EDGE_URL", "TRACKER_DB_HOST", "LOCK_LIFETIME_S"} <= set(READS["rasa"])
    assert {"TELEGRAM_TOKEN", "CONNECTORS_INBOX_LEASE_S", "INTERNAL_CHANNEL_TOKEN", "RASA_URL"} <= set(READS["edge"])
    assert not {"TELEGRAM_TOKEN", "TWILIO_AUTH_TOKEN", "CONNECTORS_PUBLIC_URL"} & set(READS["rasa"])  # Rasa is private


def test_every_allow_listed_variable_is_still_read():
    """A default kept on purpose for a variable nothing reads any more is a stale entry: remove it."""
    read = {name for reads in READS.values() for name in reads}
    stale = [key for key in DEFAULTED if key.split(":")[-1] not in read]
    assert stale == []


SERVING = [(name, part) for name, part in K8S_PARTS.items() if name not in MIGRATE_JOBS]


@pytest.mark.parametrize("workload, part", SERVING)
def test_every_variable_the_code_reads_is_set_in_the_kubernetes_manifests(workload, part):
    containers = pod_spec(k8s_workloads()[workload])["containers"]
    assert _missing(part, k8s_container_env(containers[0])) == []


@pytest.mark.parametrize("service, part", [(s, p) for s, p in COMPOSE_PARTS.items() if s not in MIGRATE_JOBS])
def test_every_variable_the_code_reads_is_set_in_the_compose_file(service, part):
    assert _missing(part, set(compose_env(compose()["services"][service]))) == []


def _secret_value(match: re.Match | None = None) -> str:
    return "s3cret-" + secrets.token_hex(12)


def _k8s_values(workload: str) -> dict[str, str]:
    """What the container's environment holds once the example Secret is filled with real (non-placeholder)
    values, as deploy/README.md tells an operator to do."""
    docs = {(doc["kind"], doc["metadata"]["name"]): doc for _, doc in k8s_resources()}
    container = pod_spec(k8s_workloads()[workload])["containers"][0]
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            values |= docs["ConfigMap", source["configMapRef"]["name"]]["data"]
        if "secretRef" in source:
            filled = {key: re.sub("change-me", _secret_value, value)
                      for key, value in docs["Secret", source["secretRef"]["name"]]["stringData"].items()}
            values |= filled
    values |= {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    return values


def _compose_values(service: str) -> dict[str, str]:
    """The service's environment with ${VAR:-default} defaults applied and required ${VAR:?...} given a real
    value, as `docker compose --env-file deploy/.env` would."""
    def interpolate(value: str) -> str:
        return re.sub(r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}",
                      lambda m: m.group(2) if m.group(2) is not None else _secret_value(), value)
    return {key: interpolate(value) for key, value in compose_env(compose()["services"][service]).items()}


LOADERS = {"govapi": govapi_settings, "console": console_settings, "notifier": notifier_settings}


@pytest.mark.parametrize("source", ["kubernetes", "compose"])
@pytest.mark.parametrize("workload", ["govapi", "govapi-migrate", "console", "console-migrate", "notifier",
                                      "notifier-migrate"])
def test_the_production_settings_load_from_the_deploy_files(source, workload):
    env = _k8s_values(workload) if source == "kubernetes" else _compose_values(workload)
    assert env.get("MINWON_ENV") == "production"
    part = K8S_PARTS[workload]
    settings = LOADERS[part](env)  # raises SettingsError naming what is missing or a placeholder
    assert settings.database_url.startswith("postgresql+asyncpg://")
    minwon_logs.LogSettings.from_env(env)  # production refuses a missing MINWON_LOG_SALT
