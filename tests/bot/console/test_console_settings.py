"""Console settings: environment first, errors that name the key, production refuses placeholders."""
import pytest

from bot.console.settings import SettingsError, console_settings

PRODUCTION = {"MINWON_ENV": "production", "RASA_TOKEN": "r-secret", "CHANNEL_OUTBOUND_TOKEN": "o-secret",
              "GOVAPI_ADMIN_TOKEN": "a-secret", "HANDOFF_TOKEN": "h-secret",
              "CONSOLE_DATABASE_URL": "postgresql+asyncpg://console@db/console"}


def test_development_defaults_seed_demo_logins_and_use_sqlite():
    settings = console_settings({})
    assert settings.port == 8200 and settings.seed_demo and settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.namespace == "minwon:handoff:" and settings.outbound_base == "http://127.0.0.1:5005"


@pytest.mark.parametrize("key", ["RASA_TOKEN", "CHANNEL_OUTBOUND_TOKEN", "GOVAPI_ADMIN_TOKEN", "HANDOFF_TOKEN"])
def test_production_refuses_a_placeholder_secret_and_names_it(key):
    with pytest.raises(SettingsError, match=key):
        console_settings({**PRODUCTION, key: "dev-token"})


def test_production_needs_postgresql_and_never_seeds_demo_logins():
    with pytest.raises(SettingsError, match="CONSOLE_DATABASE_URL"):
        console_settings({**PRODUCTION, "CONSOLE_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    settings = console_settings({**PRODUCTION, "CONSOLE_SEED_DEMO": "1"})
    assert settings.seed_demo is False and settings.secure_cookies is True


@pytest.mark.parametrize("key,value", [("CONSOLE_PORT", "eighty"), ("DESK_HOURS", "9 to 6"), ("DESK_DAYS", "weekdays"),
                                       ("DESK_HOLIDAYS_FILE", "/nonexistent/holidays.txt")])
def test_a_malformed_setting_is_named(key, value):
    with pytest.raises(SettingsError, match=key):
        console_settings({key: value})
