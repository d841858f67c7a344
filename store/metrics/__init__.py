"""The desk's numbers: a period's figures against the one before, the processor scorecard,
digest
subscriptions and their runs (each period posted once), drill-downs and the exports (CSV, XLSX).
"""

from __future__ import annotations

from store.metrics.digest import build_digest, refresh_planner_statistics
from store.metrics.drill import drill_orders
from store.metrics.export import (
    discrepancies_csv,
    discrepancy_rows,
    order_rows,
    orders_csv,
)
from store.metrics.runs import (
    ClaimedRun,
    claim_digest_run,
    record_digest_failed,
    record_digest_posted,
    run_states,
)
from store.metrics.scorecard import build_scorecard
from store.metrics.subscriptions import (
    SubscriptionView,
    get_subscription,
    list_digest_subscriptions,
    subscribe_digest,
    unsubscribe_digest,
)
from store.metrics.workbook import report_xlsx

__all__ = [
    "ClaimedRun",
    "SubscriptionView",
    "build_digest",
    "build_scorecard",
    "claim_digest_run",
    "discrepancies_csv",
    "discrepancy_rows",
    "drill_orders",
    "get_subscription",
    "list_digest_subscriptions",
    "order_rows",
    "orders_csv",
    "record_digest_failed",
    "record_digest_posted",
    "refresh_planner_statistics",
    "report_xlsx",
    "run_states",
    "subscribe_digest",
    "unsubscribe_digest",
]
