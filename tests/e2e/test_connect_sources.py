"""Operating the webhooks: `/orders connect sources` (admins) and `orderdesk connect list`
show each source's accepted / refused / duplicate counts, last event and last error."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import text

from bench.app_stack import ADMIN
from bot.cli import main as cli_main
from store import clock, schema
from tests.support.connect import shopify_order, woo_order


def deliveries(t) -> None:
    body = shopify_order(created_at=(clock.now() - timedelta(hours=1)).isoformat(),
                         email="bob@norman.example")
    assert t.shopify(body)[0] == 200
    assert t.shopify(body)[1]["duplicate"] is True
    assert t.shopify(body, webhook_id="w9", **{"X-Shopify-Hmac-Sha256": "bm90IGl0"})[0] == 401
    assert t.woo({**woo_order(created="2026-11-30T16:28:02"), "status": "Maybe?"})[0] == 400


def test_admins_see_each_source_and_others_are_refused(connect):
    t = connect
    deliveries(t)
    answer = str(t.sb.slash("/orders", "connect sources", user=ADMIN, channel="C0ORDERS").body)
    assert "*Shopify* (`/connect/shopify`) · last event" in answer
    assert "1 accepted, 1 refused, 1 duplicate" in answer
    assert "0 accepted, 1 refused, 0 duplicate" in answer and "status must be a WooCommerce status" in answer
    assert "*Carrier tracking* (`/connect/tracking`) · nothing yet" in answer
    refused = str(t.sb.slash("/orders", "connect sources", user="U0SALES1",
                             channel="C0ORDERS").body)
    assert "accepted" not in refused and "admin" in refused, refused


def test_the_cli_lists_the_sources(connect, monkeypatch, capsys):
    t = connect
    deliveries(t)
    url = t.db.engine.url.render_as_string(hide_password=False)
    config = schema.alembic_config(url)
    # The outbox may still be recording the deliveries' posts: on SQLite a transaction that
    # reads first and then writes fails at once ("database is locked") if a write committed
    # in between, so these take the write lock up front and wait their turn, as store writes
    # do (store.db begins SQLite transactions in the mode this option names).
    writer = t.db.engine.execution_options(orderdesk_sqlite_begin="IMMEDIATE")
    with writer.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ORDERDESK_SHOPIFY_SECRET", "x")
    try:
        assert cli_main(["connect", "list"], clock=clock.current()) == 0
    finally:
        with writer.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["shopify"][1:5] == ["set", "1", "1", "1"]
    assert rows["woocommerce"][1:5] == ["unset", "0", "1", "0"]
    assert rows["tracking"][1:5] == ["unset", "0", "0", "0"] and rows["tracking"][5:] == ["-", "-"]
    assert "400: status must be a WooCommerce status" in " ".join(rows["woocommerce"])
