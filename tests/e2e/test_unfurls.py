"""Orderdesk's own order links unfurl into a compact card when pasted, customer-safe in a
channel shared with another organisation; other links, and links to orders that are not
there, stay as they are; the link itself opens a page that says where to find the order."""

from __future__ import annotations

import io
import json
import logging
import urllib.request

import pytest
from sqlalchemy import update

from bench.app_stack import ADMIN, CHANNEL, SALES, Stack
from bot.config import ConfigError, Settings
from bot.console import start_stack
from sandbox.console import run_console
from store.models import Customer
from store.workspace import connect_channel
from tests.support.desk import build

PUBLIC = "https://orders.example.com"


@pytest.fixture
def linked(db):
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN, "ORDERDESK_PUBLIC_URL": PUBLIC})
    sandbox, running, app_settings = start_stack(settings, db=db)
    build(db)
    yield Stack(sb=sandbox, db=db, settings=app_settings), running
    running.stop()
    sandbox.stop()


def test_an_order_link_unfurls_into_its_card(linked):
    stack, _ = linked
    assert stack.sb.ws.unfurl_domains == ["orders.example.com"]
    d = stack.sb.paste(f"where is <{PUBLIC}/o/SO-1042>? and <{PUBLIC}/o/SO-404404> "
                       "and https://elsewhere.example/o/SO-1042", user=ADMIN,
                       channel="#orders")
    assert d.status == 200 and not d.problems
    stack.sb.wait_for(lambda: d.message.unfurls)
    assert list(d.message.unfurls) == [f"{PUBLIC}/o/SO-1042"]
    card = json.dumps(d.message.unfurls[f"{PUBLIC}/o/SO-1042"], ensure_ascii=False)
    assert "Acme Corporation" in card and "$" in card and "Open" in card


def test_another_reps_order_unfurls_status_only_when_a_rep_pastes_it(linked):
    """ORDERDESK_REP_VISIBILITY=status: the card shows what the one who pasted may show."""
    stack, _ = linked
    with stack.db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(sales_rep_id=SALES))
    mine = stack.sb.paste(f"<{PUBLIC}/o/SO-1042>", user=SALES, channel="#orders")
    other = stack.sb.paste(f"<{PUBLIC}/o/SO-1043>", user=SALES, channel="#orders")
    stack.sb.wait_for(lambda: mine.message.unfurls and other.message.unfurls)
    assert "$" in json.dumps(mine.message.unfurls)
    card = json.dumps(other.message.unfurls, ensure_ascii=False)
    assert "SO-1043" in card and "$" not in card and "status only" in card


def pasted_in_a_shared_channel(stack, ref: str):
    """The link pasted in #orders, as Slack sends it from a Slack Connect channel."""
    msg_ts = stack.sb.paste(f"<{PUBLIC}/o/{ref}>", user=SALES, channel="#orders")
    stack.sb.wait_for(lambda: msg_ts.message.unfurls)
    shared = dict(msg_ts.payload, is_ext_shared_channel=True)
    shared["event"] = dict(shared["event"])
    msg_ts.message.unfurls.clear()
    delivery = stack.sb.send_event(shared)
    assert delivery.status == 200 and not delivery.problems
    return msg_ts


def test_in_a_channel_shared_with_another_organisation_the_card_is_customer_safe(linked):
    stack, _ = linked
    connect_channel(stack.db, actor=ADMIN, channel_id=CHANNEL,
                    customer_code="BETA")
    msg_ts = pasted_in_a_shared_channel(stack, "SO-1044")
    stack.sb.wait_for(lambda: msg_ts.message.unfurls)
    card = json.dumps(msg_ts.message.unfurls[f"{PUBLIC}/o/SO-1044"], ensure_ascii=False)
    assert "Beta Industrial" not in card and "$" not in card and "SO-1044" in card
    assert "track" in card


@pytest.mark.parametrize("linked_to", ["BETA", None])
def test_in_a_shared_channel_another_accounts_order_is_not_unfurled(linked, linked_to, caplog):
    """Whatever is posted where another organisation reads it is about its own account
    only: Beta's channel (or one linked to nobody) is not shown Acme's order, as Share
    refuses it there."""
    stack, _ = linked
    caplog.set_level(logging.INFO, logger="orderdesk.unfurls")
    if linked_to:
        connect_channel(stack.db, actor=ADMIN, channel_id=CHANNEL,
                        customer_code=linked_to)
    msg_ts = pasted_in_a_shared_channel(stack, "SO-1042")
    stack.sb.wait_for(lambda: msg_ts.message.unfurls
                      or "SO-1042: not for this channel" in caplog.text)
    assert msg_ts.message.unfurls == {}


def test_the_link_opens_a_page_that_names_only_the_ref(linked):
    _, running = linked
    base = running.url.rsplit("/slack/events", 1)[0]
    with urllib.request.urlopen(f"{base}/o/SO-1042%3Cb%3E") as resp:
        page = resp.read().decode()
    assert resp.status == 200 and "/order SO-1042&lt;b&gt;" in page and "Acme" not in page


def test_the_console_pastes_a_link(linked):
    stack, _ = linked
    script = iter([f"paste see {PUBLIC}/o/SO-1042", "paste no links here", "quit"])
    out = io.StringIO()
    run_console(stack.sb, user=SALES, input_fn=lambda _p="": next(script), output=out)
    shown = out.getvalue()
    assert f"{PUBLIC}/o/SO-1042 unfurls:" in shown and "Acme Corporation" in shown
    assert "no link on the app's unfurl domains" in shown


@pytest.fixture
def erp(db):
    settings = Settings.from_env({
        "ORDERDESK_ADMINS": ADMIN, "ORDERDESK_PUBLIC_URL": PUBLIC,
        "ORDERDESK_LINK_PATTERNS": "https://erp.example.com/orders/{ref}, "
                                   "https://shop.example.com/admin/order?id={ref}&tab=1"})
    sandbox, running, app_settings = start_stack(settings, db=db)
    build(db)
    yield Stack(sb=sandbox, db=db, settings=app_settings)
    running.stop()
    sandbox.stop()


def test_links_matching_the_erps_patterns_unfurl_with_refs_of_any_shape(erp):
    assert erp.sb.ws.unfurl_domains == ["orders.example.com", "erp.example.com",
                                        "shop.example.com"]
    links = ["https://ERP.example.com/orders/so%201042",
             "https://shop.example.com/admin/order?id=so-1043&tab=1",
             "https://erp.example.com/orders/SO-404404",
             "https://erp.example.com/invoices/SO-1042",
             "https://erp.example.com/orders/SO-1042/lines"]
    d = erp.sb.paste(" ".join(f"<{u}>" for u in links), user=SALES, channel="#orders")
    assert d.status == 200 and not d.problems
    erp.sb.wait_for(lambda: len(d.message.unfurls) == 2)
    assert sorted(d.message.unfurls) == sorted(links[:2])
    assert "SO-1042" in json.dumps(d.message.unfurls[links[0]])
    assert "SO-1043" in json.dumps(d.message.unfurls[links[1]])


@pytest.mark.parametrize("bad", ["erp.example.com/orders/{ref}", "https://erp.example.com/x",
                                 "https://{ref}.example.com/", "https://e.com/{ref}/{ref}"])
def test_a_bad_link_pattern_stops_start_up_naming_the_variable(bad):
    with pytest.raises(ConfigError, match="ORDERDESK_LINK_PATTERNS"):
        Settings.from_env({"ORDERDESK_LINK_PATTERNS": bad})
