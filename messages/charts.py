"""The digest chart: orders received per day (bars) and the discrepancy rate (line), as PNG
bytes. Pure: no Slack, no database. Uses matplotlib's object API with the Agg canvas, so
nothing touches pyplot's global state and it is safe on worker threads.

The legend sits between the title and the plot, never over a bar; the title names the zone
the days are counted in; a day without orders has no rate, so the line has a gap there
instead of a 0% point; an empty period still gets axes from 0.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from messages import i18n
from messages.i18n import _

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 3.4, 100
BAR_COLOR, LINE_COLOR = "#4a7fb5", "#d9534f"
# Fixed margins (tight_layout() draws the figure an extra time, ~0.13 s of ~0.3 s), wide
# enough for the axis labels; the top holds the title and, under it, the legend.
LEFT, RIGHT, TOP, BOTTOM, BOTTOM_ROTATED = 0.09, 0.89, 0.78, 0.12, 0.22


def digest_chart(days, *, title: str, timezone: str) -> bytes:
    """`days`: DayPoint-like items (day, orders, discrepancy_rate), local days in
    `timezone`. An empty list still gives a chart that says so, never an error."""
    out = io.BytesIO()
    chart_figure(days, title=title, timezone=timezone).savefig(out, format="png")
    return out.getvalue()


def chart_figure(days, *, title: str, timezone: str) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    volume = figure.add_subplot(1, 1, 1)
    positions = list(range(len(days)))
    orders = [d.orders for d in days]
    volume.bar(positions, orders, color=BAR_COLOR, label=_("Orders received"))
    volume.set_ylabel(_("Orders received"))
    volume.yaxis.set_major_locator(MaxNLocator(integer=True))
    # From 0 always: with no orders matplotlib centres the axis on 0 (-0.045 to 0.045).
    volume.set_ylim(0, max(1, max(orders, default=0)) * 1.08)
    step = max(1, -(-len(days) // 16))  # at most ~16 labels
    long = len(days) > 7
    volume.set_xticks(positions[::step])
    volume.set_xticklabels([_label(d.day, len(days)) for d in days][::step], fontsize=8,
                           rotation=45 if long else 0, ha="right" if long else "center")
    if not days:
        volume.set_xticks([])
    rate = volume.twinx()
    rates = [math.nan if d.discrepancy_rate is None else d.discrepancy_rate * 100
             for d in days]
    shown = [r for r in rates if not math.isnan(r)]
    rate.plot(positions, rates, color=LINE_COLOR, marker="o", markersize=3,
              label=_("Discrepancy rate (share of the day's orders flagged)"))
    rate.set_ylabel(_("Orders flagged"))
    rate.yaxis.set_major_formatter(PercentFormatter(decimals=0 if max(shown, default=0) >= 5
                                                    else 1))
    rate.set_ylim(0, max(1.0, max(shown, default=0.0) * 1.15))
    if not any(orders):
        volume.text(0.5, 0.5, _("No orders in this period") if days else _("No days to show"),
                    transform=volume.transAxes, ha="center", va="center", color="#666666")
    # An explicit y: matplotlib otherwise measures every tick label to place the title.
    figure.suptitle(_("{title} · days in {zone}").format(title=title, zone=timezone),
                    fontsize=10, y=0.97)
    handles = volume.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
    figure.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.905), ncol=2,
                  fontsize=8, frameon=False)
    figure.subplots_adjust(left=LEFT, right=RIGHT, top=TOP,
                           bottom=BOTTOM_ROTATED if long else BOTTOM)
    return figure


def _label(day, count: int) -> str:
    if i18n.language() != i18n.ENGLISH:
        return i18n.local_day(day, "EEE d" if count <= 7 else "d MMM")
    return day.strftime("%a %d") if count <= 7 else day.strftime("%d %b")
