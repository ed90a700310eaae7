"""`python -m edge.telegram_setup` registers the webhook with the secret, and never prints the token."""
import os
import subprocess

import httpx

from support import ROOT, SERVICES_PYTHON, TELEGRAM_SECRET, TELEGRAM_TOKEN, free_port, start_standins, stop


def test_setup_registers_webhook_secret_and_update_kinds_without_printing_the_token(tmp_path):
    process, standins = start_standins(tmp_path, free_port())  # its own: a registered webhook redirects the simulator
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_API_BASE": standins + "/telegram",
               "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
               "CONNECTORS_PUBLIC_URL": "https://minwon.example.kr"}
        env.pop("MINWON_ENV", None)
        run = subprocess.run([str(SERVICES_PYTHON), "-m", "edge.telegram_setup"], capture_output=True, text=True,
                             env=env, timeout=60, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        assert "https://minwon.example.kr/webhooks/telegram/webhook" in run.stdout
        assert TELEGRAM_TOKEN.split(":")[1] not in run.stdout + run.stderr
        assert TELEGRAM_SECRET not in run.stdout + run.stderr
        (call,) = httpx.get(standins + "/_control/telegram/calls", params={"method": "setWebhook"}).json()["calls"]
        assert call["params"]["secret_token"] == TELEGRAM_SECRET
        assert set(call["params"]["allowed_updates"]) == {"message", "edited_message", "callback_query", "my_chat_member"}
    finally:
        stop(process)


def test_setup_refuses_placeholder_secrets_in_production():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MINWON_ENV": "production", "CHANNEL_OUTBOUND_TOKEN": "a-real-one"}
    for key in ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN"):
        env.pop(key, None)
    run = subprocess.run([str(SERVICES_PYTHON), "-m", "edge.telegram_setup"], capture_output=True, text=True, env=env,
                         timeout=60, cwd=ROOT)
    assert run.returncode == 1 and "TELEGRAM_TOKEN" in run.stderr
