"""The digest chart (issue #17, item 13): the legend clear of the bars, the zone in the
title, a gap (not 0%) on a day without orders, a sane axis for an empty period. Checked on
the matplotlib figure the PNG is drawn from; /tmp/charts has the PNGs to look at."""

import math
from datetime import date

import pytest

from messages.charts import chart_figure, digest_chart
from store.periods import period_containing
from store.views.metrics import DayPoint

WEEK = period_containing("weekly", date(2026, 11, 2))
TITLE = "Orders and discrepancy rate · Week 45 2026"


def days(orders, flagged):
    return [DayPoint(d, n, k, k) for d, n, k in zip(WEEK.days, orders, flagged, strict=True)]


BUSY_START = days([95, 90, 10, 0, 3, 2, 1], [10, 20, 1, 0, 0, 0, 0])
EMPTY = days([0] * 7, [0] * 7)


def drawn(figure):
    figure.canvas.draw()
    return figure


def test_the_legend_sits_clear_of_the_bars():
    figure = drawn(chart_figure(BUSY_START, title=TITLE, timezone="UTC"))
    volume = figure.axes[0]
    legend = figure.legends[0].get_window_extent() if figure.legends else \
        volume.get_legend().get_window_extent()
    for bar in volume.patches:
        assert not legend.overlaps(bar.get_window_extent())


def test_the_title_names_the_zone():
    figure = chart_figure(BUSY_START, title=TITLE, timezone="America/New_York")
    titles = [figure._suptitle.get_text() if figure._suptitle else "",
              figure.axes[0].get_title()]
    assert any("America/New_York" in t for t in titles)


def test_a_day_without_orders_is_a_gap_in_the_rate_not_zero():
    figure = chart_figure(BUSY_START, title=TITLE, timezone="UTC")
    (line,) = figure.axes[1].get_lines()
    rates = list(line.get_ydata())
    assert math.isnan(rates[3])  # Thursday: no orders
    assert rates[0] == pytest.approx(10 / 95 * 100) and rates[4] == 0


@pytest.mark.parametrize("points", [EMPTY, []], ids=["no orders", "no days"])
def test_an_empty_period_has_an_axis_from_zero_and_every_label_inside(points):
    figure = drawn(chart_figure(points, title=TITLE, timezone="UTC"))
    volume = figure.axes[0]
    assert volume.get_ylim()[0] == 0 and volume.get_ylim()[1] >= 1
    whole = figure.bbox
    renderer = figure.canvas.get_renderer()
    for text in (volume.yaxis.label, figure.axes[1].yaxis.label, *volume.texts):
        box = text.get_window_extent(renderer)
        assert whole.x0 <= box.x0 and box.x1 <= whole.x1, text.get_text()


def test_the_png_is_drawn():
    assert digest_chart(BUSY_START, title=TITLE, timezone="UTC").startswith(b"\x89PNG")
