"""Routes: channel parsing, keys, the default fallback, and the change log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.errors import ValidationFailed
from store.models import Event
from store.workspace.routing import channel_for, list_routes, parse_channel, route_map, set_route


@pytest.mark.parametrize("text", ["<#C0TRIAGE|order-triage>", "<#C0TRIAGE>", "C0TRIAGE",
                                  "#C0TRIAGE"])
def test_a_channel_arrives_escaped_or_as_an_id(text):
    assert parse_channel(text) == "C0TRIAGE"


@pytest.mark.parametrize("text", ["#order-triage", "<@U0ADMIN>", "", "triage",
                                  "<#C" + "B" * 40 + "|x>", "C" + "B" * 40])
def test_anything_else_is_not_a_channel(text):
    with pytest.raises(ValidationFailed):
        parse_channel(text)


def test_routes_fall_back_to_default_and_changes_are_logged_once(db):
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    set_route(db, actor="U0ADMIN", key="Insufficient-Stock", channel_id="C0WH")
    set_route(db, actor="U0ADMIN", key="insufficient_stock", channel_id="C0WH")
    with db.read() as s:
        routes = route_map(s)
        logged = s.scalars(select(Event.summary).where(Event.kind == "route_changed")).all()
    assert channel_for(routes, "insufficient_stock") == "C0WH"
    assert channel_for(routes, "price_mismatch") == "C0TRIAGE"
    assert channel_for({}, "price_mismatch") is None
    assert logged == ["routed default to C0TRIAGE", "routed insufficient_stock to C0WH"]
    assert [r.key for r in list_routes(db)] == ["default", "insufficient_stock"]


def test_an_unknown_key_is_refused_with_the_known_ones(db):
    with pytest.raises(ValidationFailed) as err:
        set_route(db, actor="U0ADMIN", key="everything", channel_id="C0TRIAGE")
    assert "price_mismatch" in err.value.message and "manager" in err.value.message


def test_a_route_keeps_its_language_until_told_and_its_channel_speaks_it(db):
    from store.workspace import channel_language, set_language

    offered = ("en", "es")
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    assert channel_language(db, channel_id="C0TRIAGE") is None  # the workspace default
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE", language="ES",
              offered=offered)
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE2")  # language kept
    assert [(r.channel_id, r.language) for r in list_routes(db)] == [("C0TRIAGE2", "es")]
    assert channel_language(db, channel_id="C0TRIAGE2") == "es"
    assert channel_language(db, channel_id="C0TRIAGE") is None
    set_route(db, actor="U0ADMIN", key="manager", channel_id="C0TRIAGE2", language="en",
              offered=offered)  # two routes share a channel: the one set last speaks
    assert channel_language(db, channel_id="C0TRIAGE2") == "en"
    with db.read() as s:
        logged = s.scalars(select(Event).order_by(Event.id)).all()
    assert {"field": "route default language", "before": None, "after": "es"} in \
        logged[1].changes
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE2", language="auto",
              offered=offered)
    assert {r.key: r.language for r in list_routes(db)} == {"default": None, "manager": "en"}
    with pytest.raises(ValidationFailed, match="not a language"):
        set_route(db, actor="U0ADMIN", key="default", channel_id="C0X", language="xx",
                  offered=offered)
    # a DM ("channel" = a person): the language they chose, if any
    assert channel_language(db, channel_id="U0SALES1") is None
    set_language(db, user_id="U0SALES1", language="es", offered=offered)
    assert channel_language(db, channel_id="U0SALES1") == "es"
