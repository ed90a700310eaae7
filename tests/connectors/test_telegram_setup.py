"""`python -m connectors.telegram_setup` (make telegram-webhook) registers the webhook with the secret."""
import os
import subprocess

import httpx

from conftest import RASA, ROOT, TELEGRAM_SECRET, TELEGRAM_TOKEN, start_standins, stop


def test_setup_registers_webhook_secret_and_update_kinds_without_printing_the_token(tmp_path):
    process, standins = start_standins(tmp_path)  # its own: a registered webhook redirects the simulator
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_API_BASE": standins["url"] + "/telegram",
               "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
               "CONNECTORS_PUBLIC_URL": "https://minwon.example.kr"}
        env.pop("MINWON_ENV", None)
        run = subprocess.run([str(RASA.parent / "python"), "-m", "connectors.telegram_setup"],
                             capture_output=True, text=True, env=env, timeout=60)
        assert run.returncode == 0, run.stderr
        assert "https://minwon.example.kr/webhooks/telegram/webhook" in run.stdout
        assert TELEGRAM_TOKEN not in run.stdout + run.stderr and TELEGRAM_SECRET not in run.stdout + run.stderr
        (call,) = httpx.get(standins["url"] + "/_control/telegram/calls", params={"method": "setWebhook"}).json()["calls"]
        assert call["params"]["secret_token"] == TELEGRAM_SECRET
        assert set(call["params"]["allowed_updates"]) == {"message", "edited_message", "callback_query", "my_chat_member"}
    finally:
        stop(process)


def test_setup_refuses_placeholder_secrets_in_production(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MINWON_ENV": "production", "CHANNEL_OUTBOUND_TOKEN": "a-real-one"}
    for key in ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN"):
        env.pop(key, None)
    run = subprocess.run([str(RASA.parent / "python"), "-m", "connectors.telegram_setup"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 1 and "TELEGRAM_TOKEN" in run.stderr
