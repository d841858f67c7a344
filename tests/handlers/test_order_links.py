"""Which links are order links (handlers/unfurls.order_ref_of): a link forwarded from a mail
(`?utm_source=…`) or a browser's address bar (`#lines`) is the same order's link; it was left
as a plain link."""

from __future__ import annotations

import pytest

from handlers.unfurls import order_ref_of

PUBLIC = "https://orders.example.com"
ERP = ("https://erp.example.com/orders/{ref}", "https://shop.example.com/admin/orders?id={ref}")


@pytest.mark.parametrize("url, ref", [
    (f"{PUBLIC}/o/SO-1042", "SO-1042"),
    (f"{PUBLIC}/o/SO-1042?utm_source=email", "SO-1042"),
    (f"{PUBLIC}/o/SO-1043#lines", "SO-1043"),
    (f"{PUBLIC}/o/%231001/?x=1#y", "#1001"),
    ("https://erp.example.com/orders/HX-2001#history", "HX-2001"),
    ("https://shop.example.com/admin/orders?id=1001&tab=lines", "1001"),
    (f"{PUBLIC}/o/SO-1042/lines", None),  # another page
    ("https://erp.example.com/orders/HX-2001?x=1", None),  # the ERP's page may read its query
    ("https://shop.example.com/admin/orders?tab=lines&id=1001", None),
])
def test_an_order_link_is_known_by_its_path_whatever_follows(url, ref):
    assert order_ref_of(url, PUBLIC, ERP) == ref
