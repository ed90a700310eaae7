"""checkov's security scan of deploy/ (the Kubernetes manifests and the Dockerfiles), run in make test: every check
it fails is an exception deploy/README.md lists with its reason, for the resources the table names. A new
finding (a manifest that runs as root, a container with escalation allowed, ...) fails here until it is fixed or
its exception is written down."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from deploy_files import ROOT

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"  # made by make test (Makefile, requirements/checkov.txt)
README = ROOT / "deploy" / "README.md"
# Table cells that name every resource of a kind rather than a list of workloads.
_EVERY = re.compile(r"^(every|all|both)\b")


def documented_exceptions() -> dict[str, list[str] | None]:
    """check id -> the workload names its row lists (None: every resource), from the "Exceptions left" table."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("Exceptions left, and why:"):]
    exceptions: dict[str, list[str] | None] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) < 3 or set(cells[0]) <= {"-", " "}:
            continue
        names = None if _EVERY.match(cells[1]) else [name.strip() for name in cells[1].split(",")]
        for check in re.findall(r"CKV2?_[A-Z0-9]+_\d+", cells[0]):
            exceptions[check] = names
    return exceptions


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    assert CHECKOV.exists(), f"{CHECKOV} is missing: make test installs it (requirements/checkov.txt)"
    run = subprocess.run([str(CHECKOV), "-d", "deploy", "--framework", "kubernetes", "dockerfile", "--compact",
                          "--quiet", "-o", "json"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {report.get("check_type") for report in reports} == {"kubernetes", "dockerfile"}
    assert all(report["summary"]["parsing_errors"] == 0 for report in reports)
    assert sum(report["summary"]["resource_count"] for report in reports) > 40  # every manifest was read
    return [check for report in reports for check in report["results"]["failed_checks"]]


def test_the_exceptions_table_is_read():
    exceptions = documented_exceptions()
    assert exceptions["CKV_K8S_11"] is None and exceptions["CKV_K8S_22"] == ["rasa", "postgres"]


def test_every_failed_check_is_a_documented_exception_for_its_resource(findings):
    exceptions = documented_exceptions()
    undocumented = []
    for check in findings:
        names = exceptions.get(check["check_id"], [])
        workload = check["resource"].split(".")[2] if check["resource"].count(".") >= 2 else check["resource"]
        if names is not None and workload not in names:
            undocumented.append((check["check_id"], check["resource"], check["file_path"]))
    assert not undocumented, f"checkov findings deploy/README.md does not list: {undocumented}"


def test_the_scan_finds_what_it_is_meant_to_find(tmp_path):
    """A pod running privileged as root is refused: the scan is live, not configured away."""
    (tmp_path / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n    image: x:1\n"
        "    securityContext: {privileged: true, runAsUser: 0}\n", encoding="utf-8")
    run = subprocess.run([str(CHECKOV), "-d", str(tmp_path), "--framework", "kubernetes", "--compact", "--quiet",
                          "-o", "json"], capture_output=True, text=True, timeout=180)
    failed = {check["check_id"] for check in json.loads(run.stdout)["results"]["failed_checks"]}
    assert "CKV_K8S_16" in failed  # privileged container
