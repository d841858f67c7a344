"""store.seed.facts on shapes the demo data never makes: a line shipped in two parts, two
shipments at the same moment, a replacement shipment, a line never completed."""

from store.seed.facts import order_facts


def _order(status="completed", requested="2026-05-10", promised=None):
    order = [None] * 30
    order[0], order[4], order[6], order[7] = 7, 3, "USD", 1_000
    order[8], order[9], order[10] = requested, promised, status
    return tuple(order)


def _line(lid, qty, price=100, backordered=0):
    return (lid, 7, lid, "WID-1000-BL", 1, "Widget", qty, price, backordered, 1, 0)


def _shipment(sid, at, damaged=False, documents_ok=True, return_id=None):
    return (sid, 7, 1, "UPS", "Ground", at, None, "1Z", damaged, documents_ok, return_id,
            "system", at)


def test_a_line_completes_when_its_parts_add_up_and_replacements_never_count():
    lines = [_line(1, 5), _line(2, 2), _line(3, 4, backordered=4)]
    shipments = [_shipment(10, 5_000), _shipment(11, 3_000), _shipment(12, 5_000),
                 _shipment(13, 2_000, damaged=True, return_id=99)]
    items = [(1, 11, 1, 1, 2), (2, 10, 1, 1, 1), (3, 12, 1, 1, 2),  # 2 at 3000, 3 at 5000
             (4, 11, 2, 1, 2),  # line 2 complete at 3000
             (5, 13, 3, 1, 4)]  # line 3 only in the replacement: never complete
    received, shipped = order_facts(_order(), lines, shipments, items)
    assert received == (7, 1_000, 3, "USD", True, 3, 1, 1_100, False, "2026-05-10", False,
                        False)
    # Open, it still waits for line 3's units.
    assert order_facts(_order(status="open"), lines, shipments, items)[0][-2:] == (True, True)
    # first shipped 3000 (not the replacement's 2000), no problem (the damaged one is the
    # replacement), 2 of 3 lines full, so no completion time.
    assert shipped == (7, 3_000, 1_000, "2026-05-10", True, 3, 1, False, None, None, 2)


def test_complete_when_every_line_is_and_drafts_have_no_received_row():
    lines = [_line(1, 1), _line(2, 1)]
    shipments = [_shipment(10, 4_000, documents_ok=False), _shipment(11, 6_000)]
    items = [(1, 10, 1, 1, 1), (2, 11, 2, 1, 1)]
    received, shipped = order_facts(_order(status="draft", promised="2026-05-08"), lines,
                                    shipments, items)
    assert received is None
    assert shipped == (7, 4_000, 1_000, "2026-05-08", False, 2, 0, True, None, 6_000, 2)
    assert order_facts(_order(status="open"), lines, [], []) == (
        (7, 1_000, 3, "USD", True, 2, 0, 200, True, "2026-05-10", True, True), None)
    # Open and every unit shipped: nothing left to wait for.
    assert order_facts(_order(status="open"), lines, shipments, items)[0][-2:] == (True, False)
