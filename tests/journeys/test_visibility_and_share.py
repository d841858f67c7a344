"""A rep asks about another rep's account under status visibility (status words only), then
the processor shares the order card in the channel, where everyone may follow it."""

from messages.actions import FulfilmentActions, OrderActions
from tests.support.journeys import CHANNEL, PROCESSOR, SAM, buttons, text_of

REF = "4500040001"


def test_a_rep_sees_status_only_then_the_processor_shares_the_card(journey):
    """Would have failed on main at #15.8: the card shared in the channel carried Edit, Ship
    and Return, actions for the desk's roles on a message everyone reads."""
    j = journey
    j.import_orders({"order_ref": REF, "customer_code": "INITECH", "po_number": "PO 1177-B",
                     "sku": "7731-0042", "quantity": "3", "unit_price": "133.95"})
    j.slash(f"release {REF}")
    j.said(PROCESSOR, "is released to the warehouse")

    asked = j.sb.mention("<@U0BOT> where is the Initech order?", user=SAM, channel=CHANNEL)
    thread = asked.payload["event"]["ts"]
    j.wait_for(lambda: [m for m in j.sb.thread(CHANNEL, thread) if m.bot_id])
    answer = text_of([m for m in j.sb.thread(CHANNEL, thread) if m.bot_id][0])
    assert REF in answer and "Allocated" in answer
    for hidden in ("$133.95", "$401.85", "7731-0042", "4120 Freidrich"):
        assert hidden not in answer, hidden

    card = j.card("PO 1177-B")
    assert FulfilmentActions.SHIP in buttons(card) and OrderActions.EDIT in buttons(card)
    j.click(OrderActions.SHARE, card)
    shared = j.post_about(REF, CHANNEL)
    assert "$401.85" in text_of(shared)
    assert buttons(shared) == [OrderActions.FLAG, OrderActions.HISTORY, OrderActions.FOLLOW]

    j.click(OrderActions.FOLLOW, shared, user=SAM)
    j.wait_for(lambda: any(f"now follows *{REF}*" in text_of(m)
                              for m in j.sb.thread(CHANNEL, shared.ts)))
