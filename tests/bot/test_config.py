"""Settings: defaults, and a bad value stops start-up naming the variable."""

import pytest

from bot.config import ConfigError, Settings
from store.enums import Role

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults_give_sqlite_in_the_data_dir_and_port_3000(tmp_path):
    settings = Settings.from_env({"ORDERDESK_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'orderdesk.sqlite3'}"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.default_role is Role.SALES
    assert not settings.has_slack_credentials


def test_admins_are_parsed_from_a_comma_separated_list():
    settings = Settings.from_env({"ORDERDESK_ADMINS": "U012AB3CD, W0XYZ ,"})
    assert settings.admins == frozenset({"U012AB3CD", "W0XYZ"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("ORDERDESK_ADMINS", "ada@example.com"),
        ("ORDERDESK_DEFAULT_ROLE", "boss"),
        ("SLACK_API_URL", "slack.com/api"),
        ("DATABASE_URL", "orderdesk.sqlite3"),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


def test_serving_without_credentials_names_both_variables_and_the_console():
    with pytest.raises(ConfigError) as err:
        Settings.from_env({}).require_slack()
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in str(err.value)
    assert "orderdesk console" in str(err.value)


def test_a_user_token_is_refused_as_bot_token():
    with pytest.raises(ConfigError, match="xoxb-"):
        Settings.from_env({**GOOD, "SLACK_BOT_TOKEN": "xoxp-1"}).require_slack()


def test_postgres_urls_from_platforms_are_accepted():
    from store.db import normalise_url

    settings = Settings.from_env({"DATABASE_URL": "postgres://u:p@h/db"})
    assert normalise_url(settings.database_url) == "postgresql+psycopg://u:p@h/db"


def test_api_url_gets_a_trailing_slash():
    assert Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:9/api"}).slack_api_url == \
        "http://127.0.0.1:9/api/"


def test_the_clock_schedules_every_features_periodic_work():
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.clock import build_scheduler
    from store.db import open_database

    settings = Settings.from_env(GOOD)
    scheduler = build_scheduler(settings, open_database("sqlite://"),
                                scheduler=BackgroundScheduler(timezone="UTC"))
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"triage.outbox", "digests.tick", "fulfilment.sweep", "threads.forget_events"} <= ids


def test_per_shop_shopify_secrets_and_default_reps():
    settings = Settings.from_env({
        "ORDERDESK_SHOPIFY_SECRET": "s0",
        "ORDERDESK_SHOPIFY_SECRETS": "One.myshopify.com=s1, two.myshopify.com=s2",
        "ORDERDESK_SHOPIFY_DEFAULT_REP": "U0SALES1,two.myshopify.com=U0SALES2"})
    assert {k: v for k, v in settings.connect_secrets.items() if k.startswith("shopify")} == {
        "shopify": "s0", "shopify@one.myshopify.com": "s1", "shopify@two.myshopify.com": "s2"}
    assert settings.connect_reps == {"shopify": "U0SALES1",
                                     "shopify@two.myshopify.com": "U0SALES2"}
    for name, value in (("ORDERDESK_SHOPIFY_SECRETS", "just-a-secret"),
                        ("ORDERDESK_SHOPIFY_SECRETS", "=s1"),
                        ("ORDERDESK_SHOPIFY_DEFAULT_REP", "one.myshopify.com=bob")):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})
