"""Views built by hand, for message tests that need no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from store.triage.loading import DiscrepancyView
from store.views.orders import (
    AddressView,
    Candidate,
    DiscrepancySummary,
    EventView,
    FieldChange,
    HoldView,
    LineView,
    LookupResult,
    OrderView,
    ShipmentView,
)

HOSTILE = "<!channel> *Bold* & <b>Co</b> _x_ `y` \"quoted\"\nnew line"


def line(n: int = 1, **overrides) -> LineView:
    values = dict(line_no=n, sku=f"WID-{1000 + n}-BL", product_name=f"Widget {n}", quantity=2,
                  unit_price_minor=1250, line_total_minor=2500, quantity_shipped=0,
                  quantity_backordered=0, known_product=True)
    return LineView(**{**values, **overrides})


def order(**overrides) -> OrderView:
    lines = overrides.pop("lines", (line(1), line(2)))
    values = dict(
        id=1, ref="SO-1042", version=3, customer_id=7, customer_code="ACME",
        customer_name="Acme Corp", sales_rep_id="U0SALES1", po_number="PO-7781", currency="USD",
        ordered_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), requested_date=date(2026, 12, 1),
        promised_date=None, status="open", fulfilment_status="allocated",
        payment_status="captured", holds=(), lines=lines,
        subtotal_minor=sum(x.line_total_minor for x in lines), shipping_minor=995,
        total_minor=sum(x.line_total_minor for x in lines) + 995,
        ship_to=AddressView(name="Receiving", line1="1 Main St", city="Springfield",
                            region="IL", postal_code="62701", country="US"),
        shipping_instructions=None, notes=None, shipments=(), open_discrepancies=(),
        recent_events=(), allowed_transitions=("completed",),
    )
    return OrderView(**{**values, **overrides})


def hostile_order() -> OrderView:
    at = datetime(2026, 11, 21, tzinfo=UTC)
    return order(
        customer_name=HOSTILE, customer_code=HOSTILE, po_number=HOSTILE,
        lines=(line(1, sku=HOSTILE, product_name=HOSTILE),),
        ship_to=AddressView(name=HOSTILE, line1=HOSTILE, city=HOSTILE, country="US"),
        shipping_instructions=HOSTILE,
        holds=(HoldView(id=1, reason="other", note=HOSTILE, placed_by="U0PROC1", placed_at=at),),
        shipments=(ShipmentView(id=1, carrier="UPS", service=HOSTILE, shipped_at=at,
                                tracking_number=HOSTILE, tracking_url=None, delivered_at=None),),
        open_discrepancies=(DiscrepancySummary(id=1, type="other", severity="high", status="new",
                                               title=HOSTILE),),
        recent_events=(EventView(id=1, at=at, actor_id="U0PROC1", kind="edited", summary=HOSTILE,
                                 changes=(FieldChange(HOSTILE, HOSTILE, HOSTILE),)),),
    )


def candidate(ref: str = "SO-1042", **overrides) -> Candidate:
    values = dict(ref=ref, customer_name="Acme Corp", po_number="PO-7781",
                  ordered_at=datetime(2026, 11, 20, tzinfo=UTC), status="open",
                  fulfilment_status="unfulfilled", total_minor=12345, currency="USD", score=91.0,
                  matched_on="customer name ~ 'acme'")
    return Candidate(**{**values, **overrides})


def lookup_result(query: str = "acme", **overrides) -> LookupResult:
    values = dict(query=query, exact=None, candidates=(), searched=("order refs", "customer names"))
    return LookupResult(**{**values, **overrides})


__all__ = ["HOSTILE", "candidate", "hostile_order", "line", "lookup_result", "order", "replace"]


def discrepancy(n: int = 1, **overrides):
    """An open, overdue discrepancy view full of hostile text."""
    at = datetime(2026, 11, 26, 9, tzinfo=UTC)
    values = dict(
        id=n, order_id=n, order_ref=HOSTILE[:60], customer_name=HOSTILE, type="price_mismatch",
        severity="high", status="new", title=HOSTILE * 3, expected=HOSTILE * 20,
        found=HOSTILE * 20, fix_label="Re-price to $12.50 " + HOSTILE, owner_id=None,
        opened_by="import", opened_at=at, sla_due_at=at, overdue=True, snoozed_until=None,
        escalated_at=None, resolved_at=None, resolved_by=None, resolution_reason=None,
        resolution_label=None, resolution_note=None, channel_id="C0TRIAGE", message_ts="1.2",
        version=1)
    return DiscrepancyView(**{**values, **overrides})
