"""Every Rasa server starts with bot/settings.py RASA_RUNTIME_ENV (OPENBLAS_NUM_THREADS=1, issue 14), in every
topology: `make run` (bot/launcher.py + Procfile), `python -m bot.launch_prod` (deploy/local/Procfile.prod), Compose
and Kubernetes (the image's ENV, deploy/docker/rasa.Dockerfile, with what the files set on top). The Rasa processes
are found in the files (whatever runs `rasa run`), so a new one is checked too. The env scan of test_environment.py
cannot see these variables: no code of ours reads them, OpenBLAS does."""
from __future__ import annotations

import re
import shlex

from deploy_files import ROOT, compose, compose_env, k8s_container_env, k8s_workloads, pod_spec
from honcho.environ import parse_procfile

from bot import launch_prod, launcher
from bot.settings import RASA_RUNTIME_ENV, launcher_settings

DOCKERFILE = ROOT / "deploy" / "docker" / "rasa.Dockerfile"
SECRETS = {"MINWON_ENV": "production", "RASA_TOKEN": "a-real-secret-for-the-test",
           "INTERNAL_CHANNEL_TOKEN": "another-real-secret-for-the-test"}


def _instructions(word: str) -> list[str]:
    """The Rasa image's instructions `word` (ENV, CMD), continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [line[len(word) + 1:] for line in text.splitlines() if line.startswith(word + " ")]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in _instructions("ENV"):
        env |= dict(word.split("=", 1) for word in shlex.split(line))
    return env


def runs_rasa(command: str | list[str] | None) -> bool:
    words = shlex.split(command) if isinstance(command, str) else list(command or [])
    return any(w.endswith("rasa") for w in words) and "run" in words and "actions" not in words


def with_prefix(command: str, env: dict[str, str]) -> dict[str, str]:
    """A Procfile line's environment: the launcher's, then `env K=V ...` at its start."""
    words = shlex.split(command)
    env = dict(env)
    if words and words[0] == "env":
        for word in words[1:]:
            if "=" not in word:
                break
            key, value = word.split("=", 1)
            env[key] = value
    return env


def rasa_processes(monkeypatch) -> dict[str, dict[str, str]]:
    """{topology and process: the environment that Rasa server starts with}."""
    for key in RASA_RUNTIME_ENV:
        monkeypatch.delenv(key, raising=False)  # the machine's own value would win: look at what the files give
    found: dict[str, dict[str, str]] = {}
    for name, command in parse_procfile((ROOT / "Procfile").read_text()).processes.items():
        if runs_rasa(command):
            found[f"make run: {name}"] = with_prefix(command, launcher.process_env(launcher_settings()))
    for instances in (1, 2):
        for production in (False, True):
            settings = launch_prod.load_settings(SECRETS if production else {}, rasa_instances=instances)
            env = launch_prod.process_env(settings, base={})
            for name, command in launch_prod.chosen_processes(settings).items():
                if runs_rasa(command):
                    label = f"launch_prod{' production' if production else ''} --rasa {instances}: {name}"
                    found[label] = with_prefix(command, env)
    [image_cmd] = _instructions("CMD")
    for name, service in compose()["services"].items():
        if service.get("image", "").startswith("minwon-rasa") and runs_rasa(service.get("command") or image_cmd):
            found[f"compose: {name}"] = image_env() | compose_env(service)
    for name, workload in k8s_workloads().items():
        for container in pod_spec(workload)["containers"]:
            if runs_rasa((container.get("command") or []) + (container.get("args") or [])):
                values = {e["name"]: e.get("value") for e in container.get("env", [])}
                values |= {key: "(from a ConfigMap or Secret)" for key in k8s_container_env(container) - set(values)}
                found[f"kubernetes: {name}/{container['name']}"] = image_env() | values
    return found


def test_every_topology_has_rasa_servers(monkeypatch):
    """The search below finds what it should: each topology's Rasa servers, none of the action servers."""
    found = set(rasa_processes(monkeypatch))
    assert {"make run: rasa", "launch_prod --rasa 2: rasa1", "launch_prod --rasa 2: rasa2",
            "launch_prod production --rasa 1: rasa1", "compose: rasa1", "compose: rasa2", "kubernetes: rasa/rasa"} <= found
    assert not [name for name in found if "action" in name]


def test_every_rasa_server_starts_with_the_rasa_runtime_env(monkeypatch):
    wrong = {name: {key: env.get(key) for key in RASA_RUNTIME_ENV if env.get(key) != RASA_RUNTIME_ENV[key]}
             for name, env in rasa_processes(monkeypatch).items()}
    assert {name: keys for name, keys in wrong.items() if keys} == {}
    assert RASA_RUNTIME_ENV["OPENBLAS_NUM_THREADS"] == "1"


def test_a_value_in_the_launchers_environment_wins(monkeypatch):
    """So `bench/load.py --env OPENBLAS_NUM_THREADS=0` measures OpenBLAS's own default against ours."""
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "0")
    assert launcher.process_env(launcher_settings())["OPENBLAS_NUM_THREADS"] == "0"
    assert launch_prod.process_env(launch_prod.load_settings({}))["OPENBLAS_NUM_THREADS"] == "0"


def test_the_check_sees_a_rasa_server_started_without_it(monkeypatch):
    """The check above can fail: without the launchers' table, make run's Rasa would start without it."""
    monkeypatch.setattr(launcher, "RASA_RUNTIME_ENV", {})
    processes = rasa_processes(monkeypatch)
    assert "OPENBLAS_NUM_THREADS" not in processes["make run: rasa"]
    assert processes["launch_prod --rasa 2: rasa1"]["OPENBLAS_NUM_THREADS"] == "1"
