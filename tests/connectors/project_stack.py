"""The whole minwon stack for end-to-end channel tests: govapi, the action server, Rasa with the project
model and our connectors, the stand-ins. Every process on its own free port, its own database file."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List

import httpx

from conftest import (OUTBOUND_TOKEN, RASA, RASA_TOKEN, REDIS_URL, ROOT, SERVICES_PYTHON, free_port,
                      rasa_environment, stop, wait_until)

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
ADMIN_TOKEN = "e2e-admin-token"
SERVICE_TOKEN = "e2e-service-token"


def project_model() -> Path | None:
    path = Path(os.environ.get("MINWON_MODEL", ROOT / "models" / "minwon.tar.gz"))
    return path if path.exists() else None


class ProjectStack:
    def __init__(self, model: Path, standins: Dict[str, str], redis_prefix: str, workdir: Path) -> None:
        self.processes: List[subprocess.Popen] = []
        self.workdir = workdir
        self.govapi_port, self.action_port = free_port(), free_port()
        self.rasa_port = int(standins["rasa_port"])
        self.govapi = f"http://127.0.0.1:{self.govapi_port}"
        self.rasa = f"http://127.0.0.1:{self.rasa_port}"
        base = {**os.environ, "PYTHONPATH": str(ROOT), "GOVAPI_PORT": str(self.govapi_port),
                "GOVAPI_URL": self.govapi, "GOVAPI_PUBLIC_URL": self.govapi,
                "GOVAPI_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/govapi.sqlite3",
                "GOVAPI_AUTO_MIGRATE": "1", "GOVAPI_ADMIN_TOKEN": ADMIN_TOKEN, "GOVAPI_SERVICE_TOKEN": SERVICE_TOKEN,
                "ACTION_PORT": str(self.action_port), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
        base.pop("MINWON_ENV", None)
        base.pop("HANDOFF_URL", None)
        self.start("govapi", [str(SERVICES_PYTHON), "-m", "govapi", "serve"], base)
        self.start("actions", [str(RASA_PYTHON), "-m", "actions.server"], base)
        rasa_env = {**base, **rasa_environment(standins, redis_prefix, self.rasa_port),
                    "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook"}
        self.start("rasa", [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1",
                            "--port", str(self.rasa_port), "--endpoints", str(ROOT / "endpoints.yml"),
                            "--credentials", str(ROOT / "connectors" / "credentials.example.yml"),
                            "--enable-api", "--auth-token", RASA_TOKEN], rasa_env)
        try:
            wait_until(lambda: httpx.get(self.govapi + "/v1/complaints/categories",
                                         headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}).status_code == 200,
                       120, "govapi", self.processes[0], self.log("govapi"))
            wait_until(lambda: httpx.get(f"http://127.0.0.1:{self.action_port}/health").status_code == 200,
                       120, "action server", self.processes[1], self.log("actions"))
            wait_until(lambda: httpx.get(self.rasa + "/status", params={"token": RASA_TOKEN}).json().get("model_file"),
                       400, "rasa", self.processes[2], self.log("rasa"))
        except Exception:
            self.stop()
            raise

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        with self.log(name).open("w") as out:
            self.processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out))

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)

    def latest_code(self, phone: str) -> str:
        """The one-time code govapi 'sent' to the phone (development SMS outbox)."""
        import re

        time.sleep(0.5)
        messages = httpx.get(self.govapi + "/v1/admin/sms-outbox", params={"phone": phone},
                             headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json()["messages"]
        for message in messages:
            found = re.search(r"\b(\d{6})\b", message["body"])
            if found:
                return found.group(1)
        return "000000"  # no code was sent: the next answer shows why
