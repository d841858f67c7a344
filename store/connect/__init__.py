"""Orders and shipments from where they happen: storefront webhooks (Shopify, WooCommerce)
and carrier tracking events, each delivery acted on once, each source counted for the admin.
bot/connect.py checks the signature on the raw body and hands the parsed body here.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.connect import shopify, tracking, woocommerce
from store.connect.ledger import claim, count, list_sources, record_refusal, remember
from store.db import Database
from store.fulfilment import record_tracking

STOREFRONTS = {"shopify": shopify, "woocommerce": woocommerce}


@dataclass(frozen=True)
class Received:
    duplicate: bool  # the same delivery again: `answer` is the first one's
    answer: dict


def receive_tracking(db: Database, body: dict) -> Received:
    """An EasyPost tracker event (store.connect.tracking): the shipment with that tracking
    number follows. Raises IntakeRejected (naming the field) for a body that cannot be one;
    the caller counts the refusal."""
    event_id = tracking.delivery_id(body)
    news = tracking.parse(body)
    with db.write() as session:
        earlier = claim(session, source="tracking", delivery_id=event_id,
                        topic=body["description"])
        if earlier is not None:
            count(session, "tracking", "duplicate")
            return Received(True, earlier)
        if news is None:
            answer = {"ok": True, "ignored": body["description"]}
        else:
            result = record_tracking(session, news)
            answer = {"ok": True, "order_ref": result.order_ref, "status": result.status,
                      "applied": result.applied, "discrepancies": result.discrepancies}
        remember(session, source="tracking", delivery_id=event_id, result=answer)
        error = None if news is None or answer["order_ref"] else \
            f"no shipment has tracking number {news.tracking_code}"
        count(session, "tracking", "accepted", error)
        return Received(False, answer)


def receive_order(db: Database, source: str, body: dict, *, topic: str, delivery_id: str,
                  default_rep: str | None = None, shop: str = "") -> Received:
    """One storefront webhook (store.connect.shopify / woocommerce), acted on once per delivery
    id. `shop`: the sending shop's domain, when the platform names it (Shopify). Raises
    IntakeRejected naming the field; nothing of a refused delivery is kept."""
    platform = STOREFRONTS[source]
    with db.write() as session:
        earlier = claim(session, source=source, delivery_id=delivery_id, topic=topic)
        if earlier is not None:
            count(session, source, "duplicate")
            return Received(True, earlier)
        answer = platform.receive(session, db, topic, body, default_rep=default_rep, shop=shop)
        remember(session, source=source, delivery_id=delivery_id, result=answer)
        count(session, source, "accepted")
        return Received(False, answer)


__all__ = ["Received", "list_sources", "receive_order", "receive_tracking", "record_refusal"]
