"""Frozen views of a person's App Home: what each role works on, already cut to a page.

Every list carries its total, so a Home tab that shows the first few still says how many
there are (and offers the whole queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Listed:
    items: tuple[Any, ...]  # the first few, oldest first
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class HomeOrder:
    ref: str
    customer_name: str
    why: str  # what puts it on the list: "promised 3 Jun", "price mismatch", "awaiting payment"
    sight: str = "full"  # what the viewer may see of it (store.workspace.visibility)
    total_minor: int | None = None  # in full sight only
    currency: str = ""
    # `why` as data, for messages/ to word in the reader's language: the kind ("promised",
    # "payment", "backordered", "held", "status"; "" when `why` is a fixed phrase) and its
    # parts (the promised day, a status value, a count...).
    why_kind: str = ""
    why_parts: tuple = ()


@dataclass(frozen=True)
class HomeApproval:
    id: int
    kind: str
    order_ref: str
    amount_minor: int
    currency: str
    requested_by: str
    requested_at: datetime


@dataclass(frozen=True)
class Figure:
    name: str
    today: int
    previous: int  # the same figure for the previous day


@dataclass(frozen=True)
class DigestHealth:
    subscription_id: int
    period: str
    channel_id: str
    last_posted_at: datetime | None
    # A period it could not post yet: when it last tried and why (Slack's error).
    failed_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class ClockHealth:
    outbox_pending: int
    oldest_pending_at: datetime | None
    outbox_dead: int
    last_sent_at: datetime | None
    digests: tuple[DigestHealth, ...]


@dataclass(frozen=True)
class ProcessorHome:
    mine: Listed  # DiscrepancyView: my assigned items, oldest first
    unassigned_by_type: tuple[tuple[str, int], ...]
    overdue: Listed  # DiscrepancyView past their SLA
    holds: Listed  # HomeOrder: open orders on a hold I placed


@dataclass(frozen=True)
class SalesHome:
    flagged: Listed
    late: Listed
    awaiting_payment: Listed
    backordered: Listed
    followed: Listed


@dataclass(frozen=True)
class ManagerHome:
    approvals: Listed  # HomeApproval
    escalations: Listed  # DiscrepancyView
    today: tuple[Figure, ...]


@dataclass(frozen=True)
class HomeDeadLetter:
    id: int
    kind: str
    channel: str | None
    error: str
    created_at: datetime


@dataclass(frozen=True)
class HomeConnection:
    channel_id: str
    customer_code: str
    customer_name: str


@dataclass(frozen=True)
class AdminHome:
    roles: Listed  # (user id, role, through ORDERDESK_ADMINS)
    routes: tuple[tuple[str, str], ...]  # (key, channel id)
    clock: ClockHealth
    dead: Listed = Listed((), 0)  # HomeDeadLetter, newest first
    connections: Listed = Listed((), 0)  # HomeConnection


@dataclass(frozen=True)
class HomeView:
    user_id: str
    role: str
    processor: ProcessorHome | None = None
    sales: SalesHome | None = None
    manager: ManagerHome | None = None
    admin: AdminHome | None = None
