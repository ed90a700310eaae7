"""Reading deploy/: the Kubernetes resources, the Compose file, what each workload's containers get in their
environment, and which part of the code each workload runs."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
# Kubernetes workload (Deployment/StatefulSet/Job name) -> the part of the code it runs (env_scan.PARTS)
K8S_PARTS = {"rasa": "rasa", "edge": "edge", "actions": "actions", "govapi": "govapi", "govapi-migrate": "govapi",
             "console": "console", "console-migrate": "console", "notifier": "notifier",
             "notifier-migrate": "notifier"}
# Compose service -> part
COMPOSE_PARTS = {"rasa1": "rasa", "rasa2": "rasa", "edge1": "edge", "edge2": "edge", "actions1": "actions", "actions2": "actions",
                 "govapi": "govapi", "govapi-migrate": "govapi", "console": "console",
                 "console-migrate": "console", "notifier": "notifier", "notifier-migrate": "notifier"}
WORKLOADS = ("Deployment", "StatefulSet", "Job", "DaemonSet")


def k8s_resources() -> list[tuple[str, dict]]:
    """(file name, resource) for every document of every manifest."""
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                found.append((path.name, doc))
    return found


def _by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in k8s_resources() if doc["kind"] == kind}


def k8s_workloads() -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in k8s_resources() if doc["kind"] in WORKLOADS}


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def k8s_container_env(container: dict) -> set[str]:
    """Every variable a container gets: its env entries and all keys of the ConfigMaps/Secrets it loads."""
    config_maps, secrets = _by_kind("ConfigMap"), _by_kind("Secret")
    names = {entry["name"] for entry in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(config_maps[source["configMapRef"]["name"]].get("data", {}))
        if "secretRef" in source:
            secret = secrets[source["secretRef"]["name"]]
            names |= set(secret.get("stringData", {})) | set(secret.get("data", {}))
    return names


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_env(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}
