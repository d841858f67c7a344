"""Arbitrary bodies to POST /intake/orders, correctly signed: always a JSON 2xx/4xx answer,
a 4xx says what and where, never a 5xx, never a partial order."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bench.app_stack import SECRET, order
from bench.security_probes import intake_post, intake_signature
from store.models import Order, OrderLine
from tests.support.reliability import ANY_CHAR, FAST, FRAGMENTS

SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(ANY_CHAR, max_size=20),
                   st.sampled_from(FRAGMENTS + ["2024-05-04", "12.50", "1e400", "-0"]))
JSON = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(ANY_CHAR, max_size=10), inner, max_size=4)),
    max_leaves=12)
LINE = st.fixed_dictionaries({}, optional={"sku": st.one_of(SCALAR, st.just("WID-1001-BL")),
                                           "quantity": SCALAR, "unit_price": SCALAR,
                                           "colour": SCALAR})
FIELDS = {k: SCALAR for k in ("order_ref", "customer_code", "order_date", "requested_date",
                              "currency", "payment_status", "po_number", "ship_country",
                              "ship_postal_code")}
ORDERISH = st.builds(lambda ref, over, lines: {**order(ref), **over,
                                               **({"lines": lines} if lines is not None else {})},
                     st.text(ANY_CHAR, min_size=1, max_size=12).map(lambda s: "P-" + s.strip()),
                     st.fixed_dictionaries({}, optional=FIELDS),
                     st.one_of(st.none(), st.lists(LINE, max_size=3), JSON))
BODIES = st.one_of(ORDERISH.map(lambda b: json.dumps(b).encode()),
                   JSON.map(lambda b: json.dumps(b).encode()),
                   st.binary(max_size=60),
                   st.text(ANY_CHAR, max_size=40).map(str.encode))


def counts(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(Order)),
                s.scalar(select(func.count()).select_from(OrderLine)))


def test_any_signed_body_gets_a_json_answer_and_never_half_an_order(intake):
    sb, db, seen = intake.sb, intake.db, {"2xx": 0, "4xx": 0}

    @settings(FAST, max_examples=60)
    @given(data=BODIES)
    @example(data=json.dumps(order("BIG", lines=[
        {"sku": "WID-1001-BL", "quantity": 10**20}])).encode())  # found: INTEGER overflow
    @example(data=json.dumps(order("OLD", order_date="0001-01-01")).encode())
    def check(data):
        before = counts(db)
        status, answer = intake_post(sb, data, intake_signature(SECRET, data))
        assert 200 <= status < 500, (status, answer, data[:200])
        assert isinstance(answer, dict) and "ok" in answer, (status, answer)
        if status >= 400:
            seen["4xx"] += 1
            assert answer["ok"] is False and isinstance(answer["error"], str), answer
            assert answer["error"] and "field" in answer, answer
            assert counts(db) == before, (answer, data[:200])
            return
        seen["2xx"] += 1
        with db.read() as s:
            got = s.scalar(select(func.count(OrderLine.id)).join(Order).where(
                Order.ref == answer["order_ref"]))
        assert got == len(json.loads(data)["lines"]), (answer, data[:200])

    check()
    assert seen["2xx"] and seen["4xx"], seen
