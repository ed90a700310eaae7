"""No input gives a 500: schemathesis generates requests for every operation of /openapi.json
(valid and invalid ones) against a real govapi process. Bounded: 25 examples per operation.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from govapi.openapi import build_document
from govapi_testkit import ADMIN_TOKEN, MINJUN, PROVIDER_SECRET, SERVICE_TOKEN, TODAY, free_port

ROOT = Path(__file__).resolve().parents[2]
schema = schemathesis.openapi.from_dict(build_document())


@pytest.fixture(scope="module")
def govapi_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    port = free_port()
    tmp = tmp_path_factory.mktemp("fuzz")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVAPI_", "MINWON_"))}
    env.update({
        "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/govapi.sqlite3", "GOVAPI_AUTO_MIGRATE": "1",
        "GOVAPI_PORT": str(port), "GOVAPI_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN, "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAYMENT_PROVIDER_SECRET": PROVIDER_SECRET, "GOVAPI_TODAY": TODAY.isoformat(),
        "GOVAPI_VERIFY_LIMIT_PER_PHONE": "100000", "GOVAPI_VERIFY_LIMIT_PER_CONVERSATION": "100000",
        "GOVAPI_LOG_LEVEL": "WARNING",
    })
    log = open(tmp / "govapi.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "govapi"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp / "govapi.log").read_text()
            time.sleep(0.2)
        service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        started = requests.post(f"{base}/v1/verifications", headers=service, timeout=5, json={
            "phone": MINJUN["phone"], "birth_date": MINJUN["birth_date"], "conversation_id": "web:fuzz"}).json()
        outbox = requests.get(f"{base}/v1/admin/sms-outbox", params={"phone": MINJUN["phone"], "limit": 1},
                              headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=5).json()
        code = re.search(r"\b\d{6}\b", outbox["messages"][0]["body"]).group()
        token = requests.post(f"{base}/v1/verifications/{started['verification_id']}/verify", headers=service,
                              json={"code": code}, timeout=5).json()["access_token"]
        yield {"base_url": base, "headers": {"Authorization": f"Bearer {ADMIN_TOKEN}", "X-Citizen-Token": token},
               "log": tmp / "govapi.log"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case, govapi_process) -> None:
    headers = {**govapi_process["headers"], **(case.headers or {})}
    response = case.call(base_url=govapi_process["base_url"], headers=headers, timeout=10)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str)
