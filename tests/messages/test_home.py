"""The Home view stays within Slack's limits whatever the lists hold: at most 100 blocks, each
list cut to its first few with its total."""

from __future__ import annotations

from datetime import UTC, datetime

from messages.home import home_view
from sandbox.blockkit import validate_view
from store.views.home import (
    AdminHome,
    ClockHealth,
    DigestHealth,
    Figure,
    HomeApproval,
    HomeConnection,
    HomeDeadLetter,
    HomeOrder,
    HomeView,
    Listed,
    ManagerHome,
    ProcessorHome,
    SalesHome,
)
from tests.support.views import discrepancy as discrepancy_view

AT = datetime(2028, 6, 5, 9, 30, tzinfo=UTC)


def test_an_admins_home_with_every_list_long_is_valid_and_under_100_blocks():
    items = tuple(discrepancy_view(id=n, owner_id="U0ADMIN") for n in range(1, 6))
    orders = Listed(tuple(HomeOrder(f"SO-{n}", "Acme", "late") for n in range(5)), 900)
    approvals = Listed(tuple(HomeApproval(n, "refund", f"SO-{n}", 100, "USD", "U0PROC1", AT)
                             for n in range(5)), 40)
    home = HomeView(
        user_id="U0ADMIN", role="admin",
        processor=ProcessorHome(Listed(items, 700), (("late", 300), ("other", 2)),
                                Listed(items, 120), orders),
        manager=ManagerHome(approvals, Listed(items, 30), (Figure("orders received", 5, 3),)),
        admin=AdminHome(
            Listed(tuple((f"U0{n:04d}", "sales", False) for n in range(10)), 500),
            tuple((f"key{n}", f"C0R{n}") for n in range(12)),
            ClockHealth(3, AT, 1, AT, tuple(DigestHealth(n, "daily", f"C0D{n}", AT)
                                           for n in range(60))),
            dead=Listed(tuple(HomeDeadLetter(n, "triage.parent", "C0TRIAGE", "is_archived", AT)
                              for n in range(5)), 240),
            connections=Listed(tuple(HomeConnection(f"C0S{n}", f"C{n}", "Acme")
                                     for n in range(5)), 31)))
    view = home_view(home, snooze_options=[("tomorrow", "Tomorrow")], can_enter_orders=True,
                     workers=[(f"U0W{n}", f"worker {n}") for n in range(120)],
                     membership={f"C0R{n}": "not_member" for n in range(12)})
    assert validate_view(view) == [] and len(view["blocks"]) <= 100
    text = str(view)
    assert "Open the queue (700)" in text and "… and 695 more" in text
    assert "showing 10 of 500" in text  # roles past the first 10
    assert "showing 5 of 240" in text and "Retry all (240)" in text  # dead letters
    assert "Shared channels* · 31" in text and "showing 5 of 31" in text
    assert "… and 40 more digests" in text and "I'm not in it" in text
    assert "Open the queue (302)" in text


def test_a_sales_reps_home_has_only_their_lists():
    empty = Listed((), 0)
    home = HomeView(user_id="U0SALES1", role="sales",
                    sales=SalesHome(empty, empty, empty, empty, empty))
    view = home_view(home, snooze_options=[])
    assert validate_view(view) == []
    assert "My items" not in str(view) and "No late orders on your accounts" in str(view)


def test_why_an_order_is_listed_is_worded_for_the_reader():
    from datetime import date

    from messages import i18n
    listed = Listed((
        HomeOrder("SO-1", "Acme", "promised 3 Jun", why_kind="promised",
                  why_parts=(date(2026, 6, 3),)),
        HomeOrder("SO-2", "Acme", "payment awaiting", why_kind="payment",
                  why_parts=("awaiting",)),
        HomeOrder("SO-3", "Acme", "2 line(s) backordered", why_kind="backordered",
                  why_parts=(2,)),
        HomeOrder("SO-4", "Acme", "open · partially shipped", "status", why_kind="status",
                  why_parts=("open", "partially_shipped")),
        HomeOrder("SO-5", "Acme", "open problem"),
    ), 5)
    empty = Listed((), 0)
    home = HomeView(user_id="U0SALES1", role="sales",
                    sales=SalesHome(listed, empty, empty, empty, empty))
    english = str(home_view(home, snooze_options=[]))
    assert all(w in english for w in ("· promised 3 Jun", "· payment awaiting",
                                      "· 2 line(s) backordered", "· open · partially shipped",
                                      "· open problem"))
    with i18n.using("es_ES"):
        view = home_view(home, snooze_options=[])
    assert validate_view(view) == []
    spanish = str(view)
    assert all(w in spanish for w in ("· prometido el 3 jun", "· pago pendiente",
                                      "· 2 líneas pendientes de stock",
                                      "· abierto · enviado en parte"))
    assert "promised" not in spanish and "backordered" not in spanish
