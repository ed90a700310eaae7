"""bot/launch_prod.py: the plan it starts (processes, ports, databases, settings each part reads)."""
import pytest

from bot.launch_prod import chosen_processes, load_settings, process_env
from bot.settings import SettingsError


def test_two_rasa_instances_behind_the_balancer_by_default_and_one_on_request():
    both = chosen_processes(load_settings({}, rasa_instances=2))
    assert {"rasa1", "rasa2", "edge1", "edge2", "actions1", "actions2", "lb", "govapi", "console", "notifier"} <= set(both)
    assert "rasa2" not in chosen_processes(load_settings({}, rasa_instances=1))
    assert all("--cors" not in cmd for cmd in both.values())
    assert all("--auth-token" in both[name] for name in ("rasa1", "rasa2"))
    assert all("deploy/endpoints.prod.yml" in both[name] for name in ("rasa1", "rasa2"))


def test_every_part_talks_to_rasa_and_the_edge_through_the_balancer_and_to_its_own_database():
    settings = load_settings({"PROD_PORT_BASE": "9000", "PROD_DB_PREFIX": "city"})
    env = process_env(settings, base={})
    assert env["RASA_URL"] == "http://127.0.0.1:9081"  # inside only
    assert env["EDGE_URL"] == env["CHANNEL_OUTBOUND_URL"] == env["NOTIFIER_OUTBOUND_URL"] == "http://127.0.0.1:9082"
    assert env["CONNECTORS_PUBLIC_URL"] == "http://127.0.0.1:9080"  # the public frontend: the edge instances
    assert env["INTERNAL_CHANNEL_TOKEN"]  # one value for Rasa and the edge, generated outside production
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:9050/webhook"
    assert env["TRACKER_DB_NAME"] == "city_tracker"
    assert env["NOTIFIER_URL"] == "http://127.0.0.1:9400"  # subscriptions reach this topology's notifier
    databases = {env["GOVAPI_DATABASE_URL"], env["CONSOLE_DATABASE_URL"], env["NOTIFIER_DATABASE_URL"]}
    assert len(databases) == 3 and all(url.startswith("postgresql+asyncpg://") for url in databases)


def test_production_refuses_the_placeholder_token_and_runs_no_stand_ins():
    with pytest.raises(SettingsError, match="RASA_TOKEN"):
        load_settings({"MINWON_ENV": "production"})
    with pytest.raises(SettingsError, match="INTERNAL_CHANNEL_TOKEN"):
        load_settings({"MINWON_ENV": "production", "RASA_TOKEN": "a-real-secret"})
    settings = load_settings({"MINWON_ENV": "production", "RASA_TOKEN": "a-real-secret",
                              "INTERNAL_CHANNEL_TOKEN": "another-real-secret"})
    assert process_env(settings, base={})["INTERNAL_CHANNEL_TOKEN"] == "another-real-secret"
    assert "standins" not in chosen_processes(settings)
    assert "TELEGRAM_API_BASE" not in process_env(settings, base={})


def test_a_bad_setting_names_its_key():
    with pytest.raises(SettingsError, match="PROD_PORT_BASE"):
        load_settings({"PROD_PORT_BASE": "seven"})
    with pytest.raises(SettingsError, match="PROD_DB_PREFIX"):
        load_settings({"PROD_DB_PREFIX": "x; drop"})
