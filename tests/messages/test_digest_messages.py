"""Digest, report, drill-down and subscription messages: valid Block Kit, figures and their
changes shown, user text escaped. Pure: views built by hand."""

import json
from datetime import UTC, date, datetime, timedelta

from messages.actions import DigestActions
from messages.digest import (
    DrillRef,
    digest_message,
    drill_message,
    subscriptions_message,
    working_message,
)
from sandbox.blockkit import validate_message_blocks
from store.metrics.subscriptions import SubscriptionView
from store.periods import period_containing
from store.views.metrics import (
    AgeBucket,
    CustomerFigure,
    DayPoint,
    DigestView,
    DrillOrder,
    DrillView,
    Money,
    PeriodFigures,
    TypeCount,
)
from tests.support.views import HOSTILE

WEEK = period_containing("weekly", date(2026, 11, 2))
START, END = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)


def figures(**kw) -> PeriodFigures:
    values = dict(start=START, end=END, orders_received=8, lines_received=10,
                  value_received=(Money("USD", 990000),), orders_backordered=1, orders_shipped=6,
                  shipped_complete=5, shipped_first_complete=4, shipped_perfect=2,
                  lines_shipped=8, orders_due=5, due_on_time=3, due_shipped_late=1,
                  due_in_full_on_time=3, past_due=2,
                  lines_filled=7, cycle_median_hours=24.0, cycle_p90_hours=72.0,
                  orders_returned=1, backlog=3, discrepancies_opened=4,
                  discrepancies_resolved=3, resolve_median_hours=48.0)
    return PeriodFigures(**{**values, **kw})


def view(**kw) -> DigestView:
    values = dict(
        period=WEEK, timezone="UTC", current=figures(),
        previous=figures(start=START - timedelta(days=7), end=START, orders_received=4,
                         orders_shipped=1, due_on_time=1, orders_due=1, due_shipped_late=0,
                         due_in_full_on_time=1, past_due=1, shipped_complete=1,
                         shipped_first_complete=1,
                         shipped_perfect=1, lines_shipped=1, lines_filled=1,
                         value_received=(Money("USD", 260000),), backlog=2),
        days=tuple(DayPoint(d, n, n % 2) for n, d in enumerate(WEEK.days)),
        top_customers=(CustomerFigure("ACME", HOSTILE, 4, (Money("USD", 630000),), 2),),
        discrepancy_types=(TypeCount("price_mismatch", 2, 1, 0, 0),),
        open_by_age=(AgeBucket("under 1 day", 1), AgeBucket("7 days or more", 1)),
        past_due_by_age=(AgeBucket("1–3 days", 1), AgeBucket("4–7 days", 0),
                         AgeBucket("8–30 days", 1), AgeBucket("over 30 days", 0)),
        built_at=datetime(2026, 11, 9, 8, tzinfo=UTC))
    return DigestView(**{**values, **kw})


def text_of(message) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_the_digest_is_valid_block_kit_with_every_figure_and_its_change():
    message = digest_message(view())
    assert validate_message_blocks(message["blocks"]) == []
    assert message["blocks"][0]["text"]["text"] == "Weekly digest · Week 45 2026, 2–8 Nov 2026"
    text = text_of(message)
    for expected in ("Orders received*\\n8  (▲ 100.0% vs 4)", "$9,900.00",
                     "Perfect orders*\\n33.3%", "▼ 66.7 pt vs 100.0%",
                     "Cycle time, median*\\n24.0 h", "Backlog at the end*\\n3",
                     "Price mismatch: opened 2", "Open at the end: under 1 day 1",
                     "On time*\\n60.0%  (▼ 40.0 pt vs 100.0%)", "In full on time (OTIF)*\\n60.0%",
                     "3 on time · 1 shipped late · 1 not shipped",
                     "Past due at the end*\\n2  (▲ 100.0% vs 1)\\n1–3 days 1 · 4–7 days 0",
                     "Complete in first shipment*\\n66.7%", "fill rates as published"):
        assert expected in text, expected
    assert "response_type" not in message


def test_customer_names_cannot_ping_the_channel():
    text = text_of(digest_message(view()))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_drill_buttons_have_unique_ids_and_carry_the_period():
    message = digest_message(view())
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    ids = [e["action_id"] for e in actions["elements"]]
    assert len(set(ids)) == len(ids) and all(i.startswith(DigestActions.DRILL + ":") for i in ids)
    late = next(e for e in actions["elements"] if e["action_id"].endswith(":late"))
    assert late["text"]["text"] == "Late (2)"  # due and not shipped on time: 1 late, 1 not yet
    ref = DrillRef.loads(late["value"])
    assert (ref.kind, ref.period, ref.timezone) == ("late", WEEK, "UTC")


def test_an_empty_period_says_so_and_shows_no_rates_or_buttons():
    empty = figures(orders_received=0, lines_received=0, value_received=(), orders_backordered=0,
                    orders_shipped=0, shipped_complete=0, shipped_perfect=0,
                    shipped_first_complete=0, orders_due=0, due_on_time=0, due_shipped_late=0,
                    due_in_full_on_time=0, past_due=0,
                    lines_shipped=0, lines_filled=0, cycle_median_hours=None,
                    cycle_p90_hours=None, orders_returned=0, backlog=0, discrepancies_opened=0,
                    discrepancies_resolved=0, resolve_median_hours=None)
    message = digest_message(view(current=empty, previous=empty, top_customers=(),
                                  discrepancy_types=()))
    assert validate_message_blocks(message["blocks"]) == []
    text = text_of(message)
    assert "A quiet period" in text and "Order fill rate*\\n—" in text
    assert "No orders received" in text
    assert not [b for b in message["blocks"] if b["type"] == "actions"]


def test_a_report_is_ephemeral_and_a_running_period_says_so_far():
    partial = view(built_at=datetime(2026, 11, 5, tzinfo=UTC))
    message = digest_message(partial, ephemeral=True, title="Report")
    assert message["response_type"] == "ephemeral"
    assert message["blocks"][0]["text"]["text"].startswith("Report · Week 45")
    assert message["blocks"][0]["text"]["text"].endswith("(so far)")


def test_the_drill_list_splits_long_lists_and_escapes_names():
    orders = tuple(DrillOrder(ref=f"SO-{n}", customer_name=HOSTILE,
                              ordered_at=START, first_shipped_at=START + timedelta(days=1),
                              due_date=date(2026, 11, 2), reasons=("late", "not_in_full"))
                   for n in range(20))
    message = drill_message(DrillView("late", WEEK, "UTC", 57, orders))
    assert validate_message_blocks(message["blocks"]) == []
    assert len(message["blocks"]) == 3 and message["response_type"] == "ephemeral"
    text = text_of(message)
    assert "57 orders, the first 20 shown" in text and "<!channel>" not in text
    assert "_late, not in full_" in text


def test_a_drill_list_of_the_longest_rows_fills_sections_by_length():
    """Ten rows to a section: long refs and names, an RMA and every reason passed 3,000."""
    orders = tuple(DrillOrder(ref=f"{n:02d}" + "R" * 62, customer_name="N" * 100,
                              ordered_at=START, first_shipped_at=START + timedelta(days=1),
                              due_date=date(2026, 11, 2), rma="RMA-" + "9" * 28,
                              reasons=("late", "not_in_full", "problem_shipment", "returned",
                                       "unshipped", "past_due"))
                   for n in range(20))
    message = drill_message(DrillView("imperfect", WEEK, "UTC", 20, orders))
    assert validate_message_blocks(message["blocks"]) == []
    text = text_of(message)
    assert all(f"`{n:02d}RRR" in text for n in range(20)) and text.count("past due_") == 20


def test_an_empty_drill_list_says_no_orders():
    message = drill_message(DrillView("backlog", WEEK, "UTC", 0, ()))
    assert validate_message_blocks(message["blocks"]) == [] and "No orders." in text_of(message)


def test_the_subscription_list_names_channel_time_and_last_post():
    subs = (SubscriptionView(3, "weekly", "C0MGR", "08:00", "Europe/Berlin", True, "U0MGR1",
                             START, last_posted_at=END),)
    text = text_of(subscriptions_message(subs))
    assert "`#3` *weekly* in <#C0MGR> at 08:00 Europe/Berlin" in text
    assert "2026-11-09 00:00 UTC" in text
    assert "No digest subscriptions yet" in text_of(subscriptions_message(()))


def test_the_report_first_answers_that_it_is_counting():
    message = working_message(WEEK)
    assert validate_message_blocks(message["blocks"]) == []
    assert "Counting Week 45 2026, 2–8 Nov 2026" in text_of(message)


def test_a_point_change_is_the_difference_of_the_rates_shown():
    # 2.851% shows as 2.9%, 3.349% as 3.3%: the change reads 0.4 pt, not the unrounded 0.5.
    cur = figures(orders_due=100_000, due_on_time=2_851)
    prev = figures(orders_due=100_000, due_on_time=3_349)
    shown = json.dumps(digest_message(view(current=cur, previous=prev)), ensure_ascii=False)
    assert "2.9%  (▼ 0.4 pt vs 3.3%)" in shown


def test_month_over_month_counts_compare_per_day_when_the_months_differ_in_length():
    february = period_containing("monthly", date(2027, 2, 10))
    cur = figures(orders_received=280, orders_shipped=300)  # 10 a day over 28 days
    prev = figures(orders_received=310, orders_shipped=310, backlog=5)  # 10 a day over 31
    text = text_of(digest_message(view(period=february, current=cur, previous=prev,
                                       days=())))
    assert "Orders received*\\n280  (= per day; 310 in 31 days)" in text
    assert "Orders shipped*\\n300  (▲ 7.1% per day vs 310 in 31 days)" in text
    assert "Backlog at the end*\\n3  (▼ 40.0% vs 5)" in text  # a level, not a flow


def test_a_spanish_digest_says_every_figure_in_spanish_within_slacks_limits():
    from messages import i18n
    with i18n.using("es_ES"):
        message = digest_message(view())
    assert validate_message_blocks(message["blocks"]) == []
    assert message["blocks"][0]["text"]["text"] == \
        "Resumen semanal · Semana 45 de 2026, 2–8 nov 2026"
    text = text_of(message)
    for expected in ("Pedidos recibidos*\\n8  (▲ 100,0% frente a 4)", "9.900,00",
                     "Pedidos perfectos*\\n33,3%", "▼ 66,7 pt frente a 100,0%",
                     "Tiempo de ciclo, mediana*\\n24,0 h", "Pendientes al final*\\n3",
                     "Precio no coincide: abiertas 2",
                     "Abiertas al final: menos de 1 día 1",
                     "3 a tiempo · 1 enviados tarde · 1 sin enviar",
                     "1–3 días 1 · 4–7 días 0", "*Volumen*", "Principales clientes"):
        assert expected in text, expected
    assert message["text"].startswith("Resumen semanal · Semana 45 de 2026, 2–8 nov 2026: "
                                      "8 pedidos recibidos, 6 enviados")
    assert "Orders" not in text and "Week" not in text


def test_a_drill_lists_days_in_the_reports_zone_as_its_figure_counted_them():
    """Kiritimati (UTC+14): ordered Tue 3 Nov 10:00 and shipped Wed 4 Nov 09:00 local, due
    Tue 3 Nov: late. In UTC days it read 'ordered Mon 02 Nov · shipped Tue 03 Nov — late'."""
    late = DrillOrder(ref="SO-K1", customer_name="Kiri Co",
                      ordered_at=datetime(2026, 11, 2, 20, tzinfo=UTC),
                      first_shipped_at=datetime(2026, 11, 3, 19, tzinfo=UTC),
                      due_date=date(2026, 11, 3), reasons=("late",))
    text = text_of(drill_message(DrillView("late", WEEK, "Pacific/Kiritimati", 1, (late,))))
    assert "ordered Nov 3, 2026 · due Nov 3, 2026 · shipped Nov 4, 2026 — _late_" in text


def test_a_backlog_order_shipped_since_says_it_was_not_shipped_by_the_periods_end():
    since = DrillOrder(ref="SO-O9", customer_name="Acme", ordered_at=START,
                       first_shipped_at=END + timedelta(hours=5), due_date=None,
                       reasons=("unshipped",))
    never = DrillOrder(ref="SO-O10", customer_name="Acme", ordered_at=START,
                       first_shipped_at=None, due_date=None, reasons=("unshipped",))
    text = text_of(drill_message(DrillView("backlog", WEEK, "UTC", 2, (since, never))))
    assert "— _not shipped by the period's end_" in text and "— _not shipped_" in text
