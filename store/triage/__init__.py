"""Order checks and the discrepancies they open: findings, routing to channels,
what people do to an item (assign, resolve, snooze, escalate), the SLA sweeps and the queue.
Other domains run the checks inside their own write transaction (check_orders).
"""

from __future__ import annotations

from store.triage.actions import ActionResult, close, close_vanished
from store.triage.checks import (
    HistoryCache,
    check_orders,
    check_stored_orders,
    recheck_changed_products,
    recheck_credit,
    recheck_unknown_skus,
)
from store.triage.findings import EXTERNAL_PREFIX, LATE_FINGERPRINT, WORDS, Finding
from store.triage.loading import discrepancy_view, load_discrepancy
from store.triage.opening import open_findings
from store.triage.operations import (
    RESOLUTION_REASONS,
    assign,
    batch_state,
    escalate,
    escalate_overdue,
    flag_order,
    get_discrepancy,
    get_note,
    hand_back,
    nudge_overdue,
    order_ref_in,
    person_active,
    person_deactivated,
    resolve,
    snooze,
    wake_snoozed,
)
from store.triage.queue import batch_filter, list_queue
from store.triage.rules import RULES, SNOOZE_OPTIONS, CheckRules

__all__ = [
    "ActionResult",
    "CheckRules",
    "WORDS",
    "Finding",
    "HistoryCache",
    "EXTERNAL_PREFIX",
    "LATE_FINGERPRINT",
    "RESOLUTION_REASONS",
    "RULES",
    "SNOOZE_OPTIONS",
    "assign",
    "hand_back",
    "person_active",
    "person_active",
    "person_deactivated",
    "batch_filter",
    "batch_state",
    "check_orders",
    "recheck_credit",
    "check_stored_orders",
    "close",
    "close_vanished",
    "discrepancy_view",
    "escalate",
    "escalate_overdue",
    "flag_order",
    "get_discrepancy",
    "get_note",
    "list_queue",
    "load_discrepancy",
    "nudge_overdue",
    "recheck_changed_products",
    "recheck_unknown_skus",
    "open_findings",
    "order_ref_in",
    "resolve",
    "snooze",
    "wake_snoozed",
]
