"""An order for a SKU the catalog does not have yet: flagged, held back from the warehouse;
the catalog import that adds the SKU resolves the item and links the line; the order is then
released, picked, packed and shipped, and the digest counts it shipped."""

from store import clock
from store.metrics import build_digest
from store.periods import period_containing
from tests.support.journeys import CATALOG, PROCESSOR, text_of

REF = "HX-2001"


def test_an_order_waiting_for_a_new_sku_ships_once_the_catalog_has_it(journey):
    j = journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": "4500012345",
                     "sku": "NV-77", "quantity": "2", "unit_price": "31.00"})
    parent = j.triage_parent(REF, "not in the catalog")
    j.slash(f"release {REF}")
    j.said(PROCESSOR, "open discrepancies")  # nobody can pick a SKU nobody has

    # The catalog catches up: the new valve, with stock.
    j.import_csv("catalog", [CATALOG[0], ["NV-77", "Needle Valve", "31.00", "USD", "12", "MAIN"]],
                 name="catalog-new.csv")
    j.wait_for(lambda: "esolved" in text_of(parent), message="the unknown-SKU item resolved")
    assert [(sku, quantity) for sku, quantity, *_ in j.lines(REF)] == [("NV-77", 2)]
    assert "unknown SKU" not in text_of(j.card(REF))

    j.slash(f"release {REF}")
    j.pick_pack_ship(REF)
    assert j.order(REF).fulfilment_status.value == "shipped"
    week = build_digest(j.db, period=period_containing("weekly", clock.today()),
                        timezone="UTC").current
    assert week.orders_shipped == 1 and week.orders_received == 1
