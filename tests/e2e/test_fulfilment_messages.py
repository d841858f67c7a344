"""Fulfilment messages as pure functions (no Slack, no database): valid Block Kit at the
limits, user text inert, and the order card's Ship/Return ids pinned to their constants.
(Pure message tests; they live here because tests/e2e/test_fulfilment*.py is this feature's.)"""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from messages.actions import ApprovalActions, FulfilmentActions, ReturnActions
from messages.approvals import approval_outcome, approval_request, reject_modal
from messages.fulfilment import cancel_modal, cancel_notice, pick_request, ship_modal
from messages.orders import order_card
from messages.returns import return_modal
from sandbox.blockkit import validate_message_blocks, validate_view
from store.fulfilment.approvals import ApprovalView
from store.fulfilment.cancel import CancelNotice
from store.fulfilment.pick import PickLine, PickView
from store.fulfilment.returns import OUTCOMES, ReturnForm, ReturnFormLine
from store.fulfilment.rules import CARRIERS, RULES
from store.fulfilment.shipments import ShipForm, ShipFormLine
from store.views.orders import AddressView
from tests.support.views import HOSTILE, line, order

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)


def mrkdwn_strings(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" else []
        return own + [t for v in node.values() for t in mrkdwn_strings(v)]
    if isinstance(node, list):
        return [t for v in node for t in mrkdwn_strings(v)]
    return []


def assert_inert(payload) -> None:
    texts = mrkdwn_strings(payload)
    assert texts and all("<!channel>" not in t and "<b>" not in t for t in texts)
    assert any("&lt;!channel&gt;" in t for t in texts)


def pick(**overrides) -> PickView:
    lines = tuple(PickLine(n, HOSTILE, HOSTILE, 3, 2, 1, n % 2, HOSTILE) for n in range(1, 60))
    values = dict(order_id=1, ref="SO-2001", customer_name=HOSTILE, status="open",
                  stage="allocated", lines=lines, ship_to=AddressView(name=HOSTILE, city=HOSTILE),
                  shipping_instructions=HOSTILE, requested_date=None,
                  promised_date=date(2026, 12, 1), units_left=177, can_pick=True,
                  can_pack=False, can_ship=True, canceled=False, summary=HOSTILE)
    return PickView(**{**values, **overrides})


def approval(**overrides) -> ApprovalView:
    values = dict(id=7, kind="price_override", status="pending", ref="SO-2001", rma=None,
                  currency="USD", amount_minor=12000, detail=HOSTILE, requested_by="U0PROC1",
                  requested_at=AT, decided_by=None, decided_at=None, decision_reason=None,
                  summary=HOSTILE)
    return ApprovalView(**{**values, **overrides})


def test_the_order_card_carries_ship_and_return_by_their_constants():
    part = order(lines=(line(1, quantity_shipped=1),), fulfilment_status="partially_shipped")
    ids = [e["action_id"] for b in order_card(part)["blocks"] if b["type"] == "actions"
           for e in b["elements"]]
    assert FulfilmentActions.SHIP in ids and ReturnActions.START in ids


def test_pick_requests_in_each_stage_are_valid_and_inert():
    allocated = pick_request(pick())
    assert [e["action_id"] for b in allocated["blocks"] if b["type"] == "actions"
            for e in b["elements"]] == [FulfilmentActions.PICKED, FulfilmentActions.SHIP]
    assert "more line(s)" in json.dumps(allocated, ensure_ascii=False)
    assert_inert(allocated)
    for state in (pick(), pick(can_pick=False, can_pack=True), pick(canceled=True, can_pick=False,
                  can_ship=False), pick(can_pick=False, can_ship=False, units_left=0)):
        assert validate_message_blocks(pick_request(state)["blocks"]) == []
    assert "do not pick" in json.dumps(pick_request(pick(canceled=True)))


def test_the_ship_and_return_modals_fit_slack_at_their_line_limits():
    ship = ShipForm("SO-2001", HOSTILE, "packed", tuple(
        ShipFormLine(f"l{n}", f"Line {n} · {HOSTILE}", 5, 5) for n in range(1, 41)), 3,
        CARRIERS, date(2026, 11, 26))
    modal = ship_modal(ship, channel_id="C0ORDERS")
    assert validate_view(modal) == [] and len(modal["blocks"]) <= 100
    assert_inert(modal)
    form = ReturnForm("SO-2001", HOSTILE, "USD", tuple(
        ReturnFormLine(n, HOSTILE, HOSTILE, 1250, 4, 1, 3) for n in range(1, 16)), 2,
        tuple(RULES.reasons.items()), OUTCOMES)
    modal = return_modal(form, channel_id=None, policy="pro_rata")
    assert validate_view(modal) == [] and len(modal["blocks"]) <= 100
    assert_inert(modal)


def test_approval_posts_dms_and_the_reject_modal_are_valid_and_inert():
    pending = approval_request(approval())
    assert [e["action_id"] for b in pending["blocks"] if b["type"] == "actions"
            for e in b["elements"]] == [ApprovalActions.APPROVE, ApprovalActions.REJECT]
    rejected = approval(status="rejected", decided_by="U0MGR1", decided_at=AT,
                        decision_reason=HOSTILE)
    for message in (pending, approval_request(rejected), approval_outcome(rejected),
                    approval_outcome(replace(rejected, status="approved"))):
        assert validate_message_blocks(message["blocks"]) == []
        assert_inert(message)
    assert "rejected your price override request #7" in json.dumps(approval_outcome(rejected))
    assert validate_view(reject_modal(approval(), channel_id="C0MGR")) == []


def test_cancel_modal_and_the_reps_dm_are_valid_and_inert():
    assert validate_view(cancel_modal(ref="SO-2001", channel_id=None)) == []
    dm = cancel_notice(CancelNotice("SO-2001", HOSTILE, HOSTILE, "U0PROC1", HOSTILE))
    assert validate_message_blocks(dm["blocks"]) == []
    assert_inert(dm)


def test_the_pick_request_says_what_shipped_and_what_returns_owe():
    """#15.8 the pick card read `× 0 · shipped 10`; #15.2 replacements were not on it."""
    from store.views.orders import OwedView
    done = PickLine(1, "CBL-5005-BK", "Cable", 0, 0, 0, 10, "EAST")
    owed = (OwedView(3, "RMA-000003", 9, "BRK-3003-SS", "Bracket", 2, "exchange"),)
    text = json.dumps(pick_request(pick(lines=(done,), owed=owed, status="completed",
                                        stage="partially_returned", can_pick=False,
                                        units_left=2)), ensure_ascii=False)
    assert "`CBL-5005-BK` Cable · shipped 10" in text and "× *0*" not in text
    assert "`BRK-3003-SS` Bracket × *2* · exchange for RMA-000003" in text


def test_pick_requests_approvals_and_cancel_notices_speak_spanish_within_slacks_limits():
    from messages import i18n
    decided = approval(status="rejected", decided_by="U0MGR1", decided_at=AT,
                       decision_reason=HOSTILE)
    with i18n.using("es"):
        posts = {"pick": pick_request(pick()), "canceled": pick_request(pick(canceled=True)),
                 "request": approval_request(approval()), "decided": approval_request(decided),
                 "outcome": approval_outcome(decided),
                 "cancel": cancel_notice(CancelNotice("SO-2001", HOSTILE, HOSTILE, "U0PROC1",
                                                      HOSTILE))}
    for post in posts.values():
        assert validate_message_blocks(post["blocks"]) == []
        assert_inert(post)
    shown = {name: json.dumps(post, ensure_ascii=False) for name, post in posts.items()}
    assert all(w in shown["pick"] for w in ("Preparar SO-2001", "*Etapa*", "Preparado",
                                            "Unidades por enviar", "línea(s) más"))
    assert "no preparar ni enviar" in shown["canceled"]
    assert all(w in shown["request"] for w in ("Aprobación de Cambio de precio n.º 7",
                                               "Solicitado por", "Aprobar", "Rechazar…"))
    assert "*Rechazado* por <@U0MGR1>" in shown["decided"]
    assert "<@U0MGR1> rechazó tu solicitud de cambio de precio n.º 7 en *SO-2001* (" in \
        shown["outcome"]
    assert "<@U0PROC1> canceló *SO-2001*" in shown["cancel"]


def held(*reasons: str, note: str | None = HOSTILE, **overrides) -> PickView:
    """A pick request as the store draws it while holds stand: nothing to press."""
    from store.views.orders import HoldView
    holds = tuple(HoldView(n, reason, note, "U0PROC1", AT) for n, reason in enumerate(reasons))
    return pick(**{"holds": holds, "can_pick": False, "can_pack": False, "can_ship": False,
                   **overrides})


def test_a_held_pick_request_says_so_instead_of_offering_picked_and_shipped():
    """A hold placed after release left the request reading "Stage Allocated" with [Picked]
    [Shipped…]: the picker learned of it only by pressing Picked."""
    message = pick_request(held("customer_request", note="wait for the <!here> PO"))
    text = json.dumps(message, ensure_ascii=False)
    assert ":no_entry: *On hold:* Customer request — wait for the &lt;!here&gt; PO" in text
    assert "Don't pick or ship while the order is on hold." in text
    assert [b for b in message["blocks"] if b["type"] == "actions"] == []
    assert "Nothing left to pick or ship" not in text
    assert validate_message_blocks(message["blocks"]) == []
    # Every reason at once, each with the longest note (escaped), still fits one section.
    every = held("awaiting_payment", "high_risk", "incorrect_address", "inventory_out_of_stock",
                 "credit_hold", "customer_request", "other", note=HOSTILE * 30)
    assert validate_message_blocks(pick_request(every)["blocks"]) == []
    assert_inert(pick_request(every))
    # Canceled, or nothing left to ship: the hold is no news to the warehouse.
    assert "On hold" not in json.dumps(pick_request(held("other", canceled=True)))
    assert "On hold" not in json.dumps(pick_request(held("other", units_left=0)))
    assert "On hold" not in json.dumps(pick_request(pick()))


def test_a_held_pick_request_speaks_spanish():
    from messages import i18n
    with i18n.using("es_ES"):
        message = pick_request(held("customer_request", note="esperar"))
    text = json.dumps(message, ensure_ascii=False)
    assert ":no_entry: *Retenido:* Petición del cliente — esperar" in text
    assert "No preparar ni enviar mientras el pedido esté retenido." in text
    assert "On hold" not in text and "Don't pick" not in text
