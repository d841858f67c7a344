"""Frozen views of the threads feature: a parsed question, and the answer built for one person.

What a view holds already respects visibility: a status-only answer carries no prices,
lines, addresses, notes or tracking numbers at all, so no template can leak them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Commands a message can carry.
ASK, FOLLOW, UNFOLLOW, HELP = "ask", "follow", "unfollow", "help"
# What the asker focuses on; LATE, BLOCKED, OPEN and CANCELED also narrow a customer's orders.
LATE, BLOCKED, OPEN, CANCELED, SHIPPED, DELIVERED, TRACKING, ETA, STATUS = (
    "late", "blocked", "open", "canceled", "shipped", "delivered", "tracking", "eta", "status")
ITEMS = "items"  # what was ordered: the lines, not only where the orders are
FILTERS = (LATE, BLOCKED, OPEN, CANCELED)
# Answer kinds.
ORDER, ORDERS, CANDIDATES, NO_MATCH, FOLLOWED, UNFOLLOWED, NEEDS_ORDER, IGNORED = (
    "order", "orders", "candidates", "no_match", "followed", "unfollowed", "needs_order",
    "ignored")  # IGNORED: chatter in a followed thread; nothing to post
# ORDERDESK_REP_VISIBILITY: what a sales rep sees of another rep's account.
FULL, STATUS = "full", "status"
VISIBILITY_POLICIES = (FULL, STATUS)


@dataclass(frozen=True)
class Key:
    kind: str
    text: str      # as typed (prefix glued on, e.g. "PO-7781")
    value: str     # the part that is searched: ref number, PO body, cleaned tracking no.


@dataclass(frozen=True)
class DateRange:
    start: datetime | None  # inclusive, UTC midnight; None: open
    end: datetime | None    # exclusive
    phrase: str             # the words it came from: "last week"


@dataclass(frozen=True)
class Question:
    text: str                      # what was asked, Slack markup removed
    command: str                   # ASK, FOLLOW, UNFOLLOW or HELP
    keys: tuple[Key, ...]          # refs, PO, tracking and other numbers
    words: str                     # what may name a customer
    dates: DateRange | None
    wants: frozenset[str]          # LATE, SHIPPED, TRACKING...
    mine: bool = False             # "my accounts", "my customers"

    @property
    def filters(self) -> tuple[str, ...]:
        return tuple(f for f in FILTERS if f in self.wants)

    @property
    def names_anything(self) -> bool:
        return bool(self.keys or self.words or self.dates or self.filters or self.mine)


@dataclass(frozen=True)
class ThreadRef:
    channel_id: str
    thread_ts: str


@dataclass(frozen=True)
class Blocker:
    kind: str                # hold reason or discrepancy type
    severity: str | None     # discrepancies only
    since: datetime | None
    detail: str | None       # hold note / discrepancy title; None when status-only
    is_hold: bool


@dataclass(frozen=True)
class ShipmentFact:
    carrier: str
    service: str | None
    shipped_at: datetime
    delivered_at: datetime | None
    expected_delivery: date | None
    tracking_number: str | None  # None when status-only
    tracking_url: str | None


@dataclass(frozen=True)
class LineFact:
    sku: str
    name: str | None
    quantity: int
    quantity_shipped: int
    line_total_minor: int


@dataclass(frozen=True)
class OrderDetails:
    """What only the account's rep and the desk see (or everyone, with policy `full`)."""

    lines: tuple[LineFact, ...]
    line_count: int
    total_minor: int
    currency: str
    ship_to: tuple[str, ...]
    shipping_instructions: str | None


@dataclass(frozen=True)
class OrderAnswer:
    ref: str
    customer_name: str
    customer_code: str
    po_number: str | None
    ordered_at: datetime
    status: str
    fulfilment_status: str
    payment_status: str
    stage: str                      # one word for where it is: see question_facts.stage_of
    late: bool
    days_late: int                  # past the due date; 0 when on time or unknown
    due_date: date | None           # promised, else requested: when it should ship
    shipped_at: datetime | None
    delivered_at: datetime | None
    expected_delivery: date | None
    blockers: tuple[Blocker, ...]
    shipments: tuple[ShipmentFact, ...]
    details: OrderDetails | None    # None: status only
    owner_id: str | None            # the account's sales rep
    matched_on: str = ""
    sight: str = "full"             # store.workspace.visibility: full, status or customer
    as_of: date | None = None       # the day it was read on: an expected date before it is overdue

    @property
    def restricted(self) -> bool:
        return self.details is None


@dataclass(frozen=True)
class Answer:
    kind: str
    question: Question
    orders: tuple[OrderAnswer, ...] = ()
    total: int = 0                  # matching orders before the cap (CANDIDATES/ORDERS)
    total_is_floor: bool = False    # "1,000 or more"
    customers: tuple[str, ...] = ()  # customer names the question matched
    searched: tuple[str, ...] = ()
    note: str | None = None         # "Nothing is exactly 'SO-10422'; this is the closest"
    fallback: bool = False          # nothing matched the dates / filters; orders = the latest
    refs: tuple[str, ...] = field(default=())  # followed / unfollowed
    offset: int = 0                 # a later page of a list: how many came before it
    named: bool = False             # the orders are those its refs, POs or tracking name
