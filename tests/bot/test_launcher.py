"""The launcher starts what is built, a local Redis only when none is configured, and refuses placeholders in production."""
import pytest

from bot import launcher
from bot.settings import SettingsError, launcher_settings


@pytest.fixture
def dev_env(monkeypatch):
    for key in ("MINWON_ENV", "REDIS_URL", "RASA_TOKEN", "MINWON_DEMO", "GOVAPI_PORT", "EDGE_PORT", "EDGE_URL",
                "INTERNAL_CHANNEL_TOKEN", "CHANNEL_OUTBOUND_URL", "NOTIFIER_OUTBOUND_URL", "CONNECTORS_PUBLIC_URL"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


def test_local_redis_is_started_when_no_redis_url_is_set(dev_env):
    chosen, _ = launcher.chosen_processes(launcher_settings())
    assert "redis" in chosen
    env = launcher.process_env(launcher_settings())
    assert env["REDIS_URL"] == "redis://127.0.0.1:6380/0"


def test_configured_redis_replaces_the_local_one(dev_env):
    dev_env.setenv("REDIS_URL", "redis://10.0.0.5:6379/2")
    chosen, _ = launcher.chosen_processes(launcher_settings())
    assert "redis" not in chosen
    assert launcher.process_env(launcher_settings())["REDIS_URL"] == "redis://10.0.0.5:6379/2"


def test_parts_not_built_yet_are_skipped_and_named(dev_env, monkeypatch, tmp_path):
    (tmp_path / "Procfile").write_text("govapi: python -m govapi\nrasa: rasa run\n")
    (tmp_path / "govapi").mkdir()
    (tmp_path / "govapi" / "__main__.py").write_text("")
    monkeypatch.setattr(launcher, "ROOT", tmp_path)
    chosen, skipped = launcher.chosen_processes(launcher_settings())
    assert list(chosen) == ["govapi"]
    assert skipped == ["rasa (not built yet: models/minwon.tar.gz)"]


def test_demo_mode_points_channels_at_the_stand_ins(dev_env):
    env = launcher.process_env(launcher_settings())
    assert env["TELEGRAM_API_BASE"] == "http://127.0.0.1:8300/telegram"
    assert env["TWILIO_API_BASE"] == "http://127.0.0.1:8300/twilio"


def test_the_edge_serves_the_channels_and_shares_one_internal_token_with_rasa(dev_env):
    settings = launcher_settings()
    chosen, _ = launcher.chosen_processes(settings)
    assert "edge" in chosen and "-m edge" in chosen["edge"]
    env = launcher.process_env(settings)
    edge = "http://127.0.0.1:5006"
    assert env["EDGE_URL"] == env["CHANNEL_OUTBOUND_URL"] == env["NOTIFIER_OUTBOUND_URL"] == edge
    assert env["CONNECTORS_PUBLIC_URL"] == edge and env["RASA_URL"] == "http://127.0.0.1:5005"
    assert env["INTERNAL_CHANNEL_TOKEN"].startswith("dev-") and len(env["INTERNAL_CHANNEL_TOKEN"]) > 20
    assert launcher.banner(settings, chosen)[0] == f"  web chat          {edge}/webhooks/webchat/"


def test_production_refuses_the_placeholder_rasa_token(dev_env):
    dev_env.setenv("MINWON_ENV", "production")
    with pytest.raises(SettingsError, match="RASA_TOKEN"):
        launcher_settings()


def test_a_malformed_port_names_its_key(dev_env):
    dev_env.setenv("GOVAPI_PORT", "eighty")
    with pytest.raises(SettingsError, match="GOVAPI_PORT"):
        launcher_settings()
