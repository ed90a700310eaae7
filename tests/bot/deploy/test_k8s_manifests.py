"""Every Kubernetes manifest under deploy/k8s is valid against the Kubernetes API schemas (kubernetes-validate
ships them, so this runs offline), strictly (an unknown or misspelt field fails), for the oldest Kubernetes we
support and the newest the package knows; and the resources agree with each other (Services reach pods, probes
reach ports, configuration exists)."""
from __future__ import annotations

import copy
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
from deploy_files import K8S_PARTS, k8s_resources, k8s_workloads, pod_spec
from env_scan import read_variables

# The oldest Kubernetes minor the manifests must apply to (autoscaling/v2, policy/v1 are GA there) and the newest.
VERSIONS = ("1.31.0", kubernetes_validate.latest_version())
RESOURCES = k8s_resources()


def test_every_manifest_is_read_and_holds_resources():
    files = {name for name, _ in RESOURCES}
    assert {"20-rasa.yaml", "21-actions.yaml", "22-govapi.yaml", "23-bot.yaml", "30-ingress.yaml"} <= files
    assert all(doc.get("apiVersion") and doc.get("kind") and doc.get("metadata", {}).get("name")
               for _, doc in RESOURCES)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name, resource", RESOURCES,
                         ids=[f"{name}:{doc['kind']}/{doc['metadata']['name']}" for name, doc in RESOURCES])
def test_the_manifest_is_valid_against_the_kubernetes_schema(name, resource, version):
    kubernetes_validate.validate(resource, version, strict=True)


def test_the_validation_refuses_a_broken_deployment():
    """The check above can fail: a misspelt field and a wrong type are refused."""
    deployment = next(doc for _, doc in RESOURCES if doc["kind"] == "Deployment")
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containres"] = misspelt["spec"]["template"]["spec"].pop("containers")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, VERSIONS[-1], strict=True)
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, VERSIONS[-1], strict=True)


def _container_ports(workload: dict) -> set[int]:
    return {port["containerPort"] for c in pod_spec(workload)["containers"] for port in c.get("ports", [])}


def test_every_service_selects_pods_and_reaches_a_container_port():
    workloads = k8s_workloads()
    for _, service in (r for r in RESOURCES if r[1]["kind"] == "Service"):
        selector = service["spec"]["selector"]
        matching = [w for w in workloads.values()
                    if selector.items() <= w["spec"]["template"].get("metadata", {}).get("labels", {}).items()]
        assert matching, f"Service {service['metadata']['name']} selects no pods"
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            assert all(target in _container_ports(w) for w in matching), \
                f"Service {service['metadata']['name']} sends port {target} to pods that do not listen there"


def test_every_probe_asks_a_port_the_container_listens_on():
    for name, workload in k8s_workloads().items():
        for container in pod_spec(workload)["containers"]:
            ports = {p["containerPort"] for p in container.get("ports", [])}
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                if probe in container and "httpGet" in container[probe]:
                    assert container[probe]["httpGet"]["port"] in ports, f"{name}: {probe} asks a closed port"


def test_every_configmap_and_secret_a_workload_loads_exists():
    defined = {(doc["kind"], doc["metadata"]["name"]) for _, doc in RESOURCES}
    for name, workload in k8s_workloads().items():
        for container in pod_spec(workload).get("initContainers", []) + pod_spec(workload)["containers"]:
            for source in container.get("envFrom", []):
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in source:
                        assert (kind, source[key]["name"]) in defined, f"{name} loads a missing {kind}"
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    secret = next(doc for _, doc in RESOURCES
                                  if doc["kind"] == "Secret" and doc["metadata"]["name"] == ref["name"])
                    assert ref["key"] in secret.get("stringData", {}), f"{name}: {entry['name']} names a missing key"


def test_every_inside_address_in_the_configuration_names_a_service_and_its_port():
    services = {doc["metadata"]["name"]: {p["port"] for p in doc["spec"]["ports"]}
                for _, doc in RESOURCES if doc["kind"] == "Service"}
    config = next(doc for _, doc in RESOURCES if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "minwon-config")
    addresses = {key: urlsplit(value) for key, value in config["data"].items()
                 if value.startswith(("http://", "redis://"))}
    assert {"GOVAPI_URL", "RASA_URL", "HANDOFF_URL", "NOTIFIER_URL", "ACTION_SERVER_URL"} <= set(addresses)
    for key, url in addresses.items():
        assert url.hostname in services, f"{key}: no Service named {url.hostname}"
        assert url.port in services[url.hostname], f"{key}: Service {url.hostname} has no port {url.port}"


def _addresses() -> dict[str, str]:
    """Every configured value (ConfigMap, example Secret, container env) by variable name."""
    values: dict[str, str] = {}
    for _, doc in RESOURCES:
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "minwon-config":
            values |= doc["data"]
        if doc["kind"] == "Secret":
            values |= doc.get("stringData", {})
    return values


def test_network_policies_let_in_every_workload_whose_code_reads_the_address():
    """A policy that forgot a caller cuts a real connection: every workload of a part that reads a variable
    naming a protected Service (a URL's host, or the host itself) must be let in on its port."""
    reads = read_variables()
    workloads = k8s_workloads()
    policies = {doc["spec"]["podSelector"]["matchLabels"]["app"]: doc for _, doc in RESOURCES
                if doc["kind"] == "NetworkPolicy" and doc["spec"].get("ingress")}  # not the closed ones
    assert {"postgres", "redis", "govapi", "notifier", "actions"} <= set(policies)
    for target, policy in policies.items():
        allowed = {peer["podSelector"]["matchLabels"]["app"] for rule in policy["spec"]["ingress"]
                   for peer in rule["from"] if "podSelector" in peer}
        keys = [key for key, value in _addresses().items()
                if value == target or urlsplit(value).hostname == target]
        assert keys, f"nothing in the configuration names {target}"
        callers = {name for name, part in K8S_PARTS.items() for key in keys if key in reads[part]
                   and (not name.endswith("-migrate") or target == "postgres")}  # a migrate Job opens its database only
        callers = {workloads[name]["spec"]["template"]["metadata"]["labels"]["app"] for name in callers}
        assert callers - allowed == set(), f"{target}'s NetworkPolicy shuts out {callers - allowed}"
