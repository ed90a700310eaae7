"""deploy/docker-compose.yml runs what `python -m bot.launch_prod` runs (the production topology on one machine):
the same processes and migrations, wired to the same places through the load balancer, with the same settings."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from deploy_files import (
    COMPOSE_PARTS,
    ROOT,
    compose,
    compose_env,
    k8s_workloads,
    pod_spec,
)
from env_scan import read_variables

from bot import launch_prod

SETTINGS = launch_prod.load_settings({"MINWON_ENV": "production", "RASA_TOKEN": "a-real-secret-for-the-test",
                                      "INTERNAL_CHANNEL_TOKEN": "another-real-secret-for-the-test"})
LAUNCH_ENV = launch_prod.process_env(SETTINGS, base={})
PROCESSES = launch_prod.chosen_processes(SETTINGS)
SERVICES = compose()["services"]
READS = read_variables()
# What Compose runs that the launcher takes from the machine: PostgreSQL and Redis.
INFRASTRUCTURE = {"postgres", "redis"}
# launch_prod variables that Compose does not need, and why.
LAUNCHER_ONLY = {
    "PYTHONPATH": "the images set it (deploy/docker/*.Dockerfile)",
    "MODEL_PATH": "the model is baked into the Rasa image at models/minwon.tar.gz",
    "TF_CPP_MIN_LOG_LEVEL": "TensorFlow's console noise only",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "Rasa's SQLAlchemy 1.4 warning only",
    "GOVAPI_AUTO_MIGRATE": "0 in both: the default; govapi-migrate migrates once",
}
LAUNCHER_ONLY |= {key: "each container listens on its part's default port" for key in launch_prod.PORT_OFFSETS}


def _migrations_the_launcher_runs(monkeypatch) -> list[list[str]]:
    ran: list[list[str]] = []
    monkeypatch.setattr(launch_prod.subprocess, "run",
                        lambda argv, **_: ran.append(argv[1:]) or subprocess.CompletedProcess(argv, 0))
    launch_prod.prepare_govapi(LAUNCH_ENV, production=True)
    launch_prod.migrate_bot(LAUNCH_ENV)
    return ran


def test_compose_runs_the_processes_the_launcher_runs():
    one_shots = {name for name, service in SERVICES.items() if name.endswith("-migrate")}
    assert set(SERVICES) - INFRASTRUCTURE - one_shots == set(PROCESSES)


def test_compose_runs_the_migrations_the_launcher_runs_before_the_services(monkeypatch):
    ran = _migrations_the_launcher_runs(monkeypatch)
    one_shots = {name: service for name, service in SERVICES.items() if name.endswith("-migrate")}
    assert sorted(service["command"][1:] for service in one_shots.values()) == sorted(ran)
    for name, service in one_shots.items():
        part = name.removesuffix("-migrate")
        assert "restart" not in service, f"{name} runs once"
        assert SERVICES[part]["depends_on"][name] == {"condition": "service_completed_successfully"}, \
            f"{part} must start only once {name} has finished"


def _haproxy(path: Path) -> dict[str, set[str]]:
    """{bound port (or ${KEY}): names of the servers behind it} of an HAProxy configuration."""
    frontends: dict[str, str] = {}
    backends: dict[str, set[str]] = {}
    section = kind = None
    binds: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split("#")[0].strip()
        words = line.split()
        if not words:
            continue
        if words[0] in ("frontend", "backend", "listen", "global", "defaults", "resolvers"):
            kind, section, binds = words[0], words[1] if len(words) > 1 else "", []
        elif words[0] == "bind" and kind == "frontend":
            binds.append(re.sub(r"^.*:", "", words[1].strip('"')))
        elif words[0] == "default_backend" and kind == "frontend":
            for port in binds:
                frontends[port.rstrip("}").removeprefix("${")] = words[1]
        elif words[0] == "server" and kind == "backend":
            backends.setdefault(section, set()).add(words[1])
    return {port: backends[backend] for port, backend in frontends.items()}


def _listening_port(part: str) -> int:
    """A part's container port, as the Kubernetes manifests give it (Compose runs the same images)."""
    workload = k8s_workloads()[part]
    return pod_spec(workload)["containers"][0]["ports"][0]["containerPort"]


def _launch_target(url: str) -> set[str]:
    """The processes a launch_prod URL reaches: one process, or the servers behind the balancer's port."""
    port = urlsplit(url).port
    key = next(k for k, v in SETTINGS.ports.items() if v == port)
    behind = _haproxy(ROOT / "deploy" / "local" / "haproxy.cfg")
    if key in behind:
        return behind[key]
    return {key.removesuffix("_PORT").lower()} & set(PROCESSES)  # GOVAPI_PORT -> govapi


def _compose_target(url: str) -> set[str]:
    parts = urlsplit(url)
    assert parts.hostname in SERVICES, f"{url} names no Compose service"
    if parts.hostname == "lb":
        behind = _haproxy(ROOT / "deploy" / "local" / "haproxy.compose.cfg")
        assert str(parts.port) in behind, f"{url}: the balancer does not listen on {parts.port}"
        return behind[str(parts.port)]
    assert parts.port == _listening_port(COMPOSE_PARTS[parts.hostname].split("-")[0]), f"{url}: wrong port"
    return {parts.hostname}


URL_KEYS = sorted(key for key, value in LAUNCH_ENV.items() if str(value).startswith("http://127.0.0.1:"))


@pytest.mark.parametrize("key", URL_KEYS)
def test_every_address_reaches_the_same_processes_as_under_the_launcher(key):
    compose_values = {compose_env(service).get(key) for service in SERVICES.values()} - {None}
    if key == "CONNECTORS_PUBLIC_URL":  # the public address is the operator's (${PUBLIC_URL}), not a service
        assert compose_values == {"${PUBLIC_URL:?set PUBLIC_URL}"}
        return
    if key == "GOVAPI_PUBLIC_URL":  # the public payment-link base, the operator's; its default is a developer's
        assert compose_values and all("GOVAPI_PUBLIC_URL" in value for value in compose_values)
        return
    assert compose_values, f"{key} is set by the launcher but not in Compose"
    expected = _launch_target(LAUNCH_ENV[key])
    assert expected, f"{key}: the launcher's {LAUNCH_ENV[key]} reaches no process"
    for value in compose_values:
        assert _compose_target(value) == expected, f"{key}={value} reaches other processes than the launcher's"


def test_the_public_and_staff_ports_are_the_only_published_ones():
    published = {name: service["ports"] for name, service in SERVICES.items() if service.get("ports")}
    assert set(published) == {"lb", "console"}
    public = _haproxy(ROOT / "deploy" / "local" / "haproxy.compose.cfg")
    lb_port = published["lb"][0].split(":")[-1]
    # the public port reaches the edge instances only, never Rasa (issue #18)
    assert public[lb_port] == _haproxy(ROOT / "deploy" / "local" / "haproxy.cfg")["LB_PORT"] == {"edge1", "edge2"}
    assert published["console"] == [f"127.0.0.1:{_listening_port('console')}:{_listening_port('console')}"], \
        "the console is for the staff network only"


@pytest.mark.parametrize("service", sorted(COMPOSE_PARTS))
def test_every_variable_the_launcher_gives_a_process_is_set_in_compose(service):
    part, env = COMPOSE_PARTS[service], compose_env(SERVICES[service])
    missing = sorted(key for key in LAUNCH_ENV if key in READS[part] and key not in env and key not in LAUNCHER_ONLY)
    assert missing == []


@pytest.mark.parametrize("key", ["MINWON_LOG_FORMAT", "LOCK_LIFETIME_S", "LOCK_KEY_PREFIX", "TRACKER_DB_NAME",
                                 "TRACKER_DB_LOGIN_DB", "RASA_TELEMETRY_ENABLED", "CONNECTORS_REDIS_PREFIX",
                                 "HANDOFF_REDIS_PREFIX"])
def test_settings_that_must_match_have_the_launchers_values(key):
    values = {compose_env(service).get(key) for service in SERVICES.values()} - {None}
    assert values == {LAUNCH_ENV[key]}


@pytest.mark.parametrize("key", ["GOVAPI_DATABASE_URL", "CONSOLE_DATABASE_URL", "NOTIFIER_DATABASE_URL"])
def test_each_part_has_its_own_database_as_under_the_launcher(key):
    values = {compose_env(service).get(key) for service in SERVICES.values()} - {None}
    assert len(values) == 1
    assert urlsplit(values.pop()).path == urlsplit(LAUNCH_ENV[key]).path  # /minwon_govapi, ...


def _haproxy_timeout_seconds(path: Path, name: str) -> float:
    """A `timeout <name>` of an HAProxy configuration's defaults, in seconds (HAProxy reads a bare number as ms)."""
    found = [line.split("#")[0].split() for line in path.read_text().splitlines()]
    [value] = [words[2] for words in found if words[:2] == ["timeout", name]]
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, None: 0.001}[unit]


@pytest.mark.parametrize("config", ["haproxy.cfg", "haproxy.compose.cfg"])
def test_the_console_waits_for_a_hand_back_longer_than_the_balancer_waits_for_rasa(config):
    """A close is retried safely only once Rasa no longer runs the earlier try (bot/desk/service.py close): the
    console's wait must outlast the balancer's, whose 504 and closed connection end the request in Rasa."""
    from bot.console.settings import ConsoleSettings

    balancer = _haproxy_timeout_seconds(ROOT / "deploy" / "local" / config, "server")
    assert ConsoleSettings().handback_timeout_seconds > balancer
