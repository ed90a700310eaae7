"""The edge's settings: the old connectors' names, production refuses the development secrets."""
import pytest

from edge.errors import SettingsError
from edge.settings import load_settings

SECRETS = {"TELEGRAM_TOKEN": "1:real", "TELEGRAM_SECRET_TOKEN": "s" * 32, "TWILIO_AUTH_TOKEN": "t" * 32,
           "CHANNEL_OUTBOUND_TOKEN": "o" * 32, "INTERNAL_CHANNEL_TOKEN": "i" * 32, "NOTIFIER_TOKEN": "n" * 32}


def test_development_defaults_match_the_old_connectors():
    settings = load_settings({})
    assert settings.redis_prefix == "minwon:ch:" and settings.handoff_prefix == "minwon:handoff:"
    assert settings.telegram.secret_token == "dev-telegram-secret" and settings.sms.twiml_deadline == 4.0
    assert settings.public_url == "http://127.0.0.1:5006" and settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.inbox.lease_s == 5 and settings.short_link_base == "http://127.0.0.1:5006/s/"
    assert settings.trusted_proxies == ("127.0.0.1/32", "::1/128") and settings.short_link_rate == 30
    assert load_settings({"EDGE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.10"}).trusted_proxies == (
        "10.0.0.0/8", "192.168.1.10/32")


@pytest.mark.parametrize("key", sorted(SECRETS))
def test_production_refuses_each_placeholder_secret(key):
    env = {"MINWON_ENV": "production", **SECRETS}
    load_settings(env)
    env.pop(key)
    with pytest.raises(SettingsError, match=key):
        load_settings(env)


@pytest.mark.parametrize("key,value", [("EDGE_PORT", "x"), ("EDGE_PORT", "70000"), ("SMS_TWIML_DEADLINE", "soon"),
                                       ("CONNECTORS_INBOX_LEASE_S", "0.5"), ("EDGE_TRUSTED_PROXIES", "10.0.0.0/8,lb"),
                                       ("EDGE_SHORT_LINK_RATE", "0")])
def test_malformed_numbers_name_their_key(key, value):
    with pytest.raises(SettingsError, match=key):
        load_settings({key: value})


def test_python_m_edge_refuses_to_start_in_production_with_development_secrets():
    import os
    import subprocess

    from support import ROOT, SERVICES_PYTHON

    env = {**os.environ, "PYTHONPATH": str(ROOT), "MINWON_ENV": "production", "MINWON_LOG_SALT": "s" * 32,
           **{k: v for k, v in SECRETS.items() if k != "INTERNAL_CHANNEL_TOKEN"}}
    env.pop("INTERNAL_CHANNEL_TOKEN", None)
    run = subprocess.run([str(SERVICES_PYTHON), "-m", "edge"], capture_output=True, text=True, env=env, timeout=60,
                         cwd=ROOT)
    assert run.returncode != 0 and "INTERNAL_CHANNEL_TOKEN" in run.stderr
