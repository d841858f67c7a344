"""Frozen views: what store operations hand to handlers and templates instead of ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class Unset:
    """'Leave this field alone', where None already means 'clear it'."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()


@dataclass(frozen=True)
class AddressView:
    name: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    def lines(self) -> list[str]:
        """The address as people write it on a label, empty parts left out."""
        place = " ".join(p for p in (self.city, self.region, self.postal_code) if p)
        parts = (self.name, self.line1, self.line2, place, self.country)
        return [p for p in parts if p]

    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in ADDRESS_FIELDS)


ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country")
# The most each part may hold (the columns' lengths): checked by store.customers, and the
# modals' inputs carry them as max_length so Slack stops the typing there.
ADDRESS_MAX_LENGTH = {"name": 200, "line1": 200, "line2": 200, "city": 100, "region": 100,
                      "postal_code": 32, "country": 2}


@dataclass(frozen=True)
class HoldView:
    id: int
    reason: str
    note: str | None
    placed_by: str | None
    placed_at: datetime


@dataclass(frozen=True)
class LineView:
    line_no: int
    sku: str
    product_name: str | None
    quantity: int
    unit_price_minor: int
    line_total_minor: int
    quantity_shipped: int
    quantity_backordered: int
    known_product: bool


@dataclass(frozen=True)
class ShipmentView:
    id: int
    carrier: str
    service: str | None
    shipped_at: datetime
    tracking_number: str | None
    tracking_url: str | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class OwedView:
    """Goods an approved return owes the customer (a replacement or an exchange), not yet sent:
    they ship on the original order as a replacement shipment carrying the return."""

    return_id: int
    rma: str
    product_id: int
    sku: str
    name: str
    quantity: int
    outcome: str  # "replacement" or "exchange"

    @property
    def key(self) -> str:
        return f"r{self.return_id}.{self.product_id}"


@dataclass(frozen=True)
class DiscrepancySummary:
    id: int
    type: str
    severity: str
    status: str
    title: str
    # The finding's kind and figures (store.triage.findings), for messages/ to word the title.
    words: dict | None = None


@dataclass(frozen=True)
class FieldChange:
    """One field's change, as display strings ("" when the field was or became empty), the
    English the history keeps; and, for messages/ to word it in the reader's language, what
    it is: `line_no` and `name` ("unit price"; "" for the whole line) of a line's field, and
    money as minor units of `currency`."""

    field: str
    before: str
    after: str
    line_no: int | None = None
    name: str = ""
    currency: str | None = None
    before_minor: int | None = None
    after_minor: int | None = None

    def record(self) -> dict:
        """What an event keeps of it: the English, plus what is set of the structure."""
        structure = {"line_no": self.line_no, "name": self.name, "currency": self.currency,
                     "before_minor": self.before_minor, "after_minor": self.after_minor}
        return {"field": self.field, "before": self.before, "after": self.after,
                **{k: v for k, v in structure.items() if v not in (None, "")}}


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor_id: str
    kind: str
    summary: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class OrderView:
    id: int
    ref: str
    version: int
    customer_id: int
    customer_code: str
    customer_name: str
    sales_rep_id: str | None
    po_number: str | None
    currency: str
    ordered_at: datetime
    requested_date: date | None
    promised_date: date | None
    status: str
    fulfilment_status: str
    payment_status: str
    holds: tuple[HoldView, ...]
    lines: tuple[LineView, ...]
    subtotal_minor: int
    shipping_minor: int
    total_minor: int
    ship_to: AddressView
    shipping_instructions: str | None
    notes: str | None
    shipments: tuple[ShipmentView, ...]
    open_discrepancies: tuple[DiscrepancySummary, ...]
    recent_events: tuple[EventView, ...]
    allowed_transitions: tuple[str, ...]
    owed: tuple[OwedView, ...] = ()  # replacement and exchange goods still to send
    account_rep_id: str | None = None  # the customer's rep (the order's may differ)
    sight: str = "full"  # store.workspace.visibility: "status" when cut for the viewer


@dataclass(frozen=True)
class Candidate:
    ref: str
    customer_name: str
    po_number: str | None
    ordered_at: datetime
    status: str
    fulfilment_status: str
    total_minor: int | None  # None: not for this viewer (store.workspace.visibility)
    currency: str
    score: float
    matched_on: str
    customer_id: int | None = None
    account_rep_id: str | None = None
    sight: str = "full"


@dataclass(frozen=True)
class LookupResult:
    query: str
    exact: OrderView | None
    candidates: tuple[Candidate, ...]
    searched: tuple[str, ...]
    total: int = 0  # candidates in all (this page is `offset` onwards)
    offset: int = 0


@dataclass(frozen=True)
class CustomerMatch:
    id: int
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class ProductMatch:
    sku: str
    name: str
    score: float
    active: bool


@dataclass(frozen=True)
class ContactView:
    name: str
    email: str | None
    phone: str | None
    role: str | None


@dataclass(frozen=True)
class CustomerView:
    id: int
    code: str
    name: str
    email: str | None
    phone: str | None
    sales_rep_id: str | None
    currency: str
    credit_limit_minor: int | None
    credit_used_minor: int
    contacts: tuple[ContactView, ...]
    addresses: tuple[AddressView, ...]
    default_shipping: AddressView | None
    open_orders: tuple[Candidate, ...]
    open_order_count: int
    # A hash of the editable fields; pass it back to edit_customer as expected_version.
    version: str
    sight: str = "full"  # store.workspace.visibility: "status" when cut for the viewer
    notices: tuple[str, ...] = ()  # automatic mails it opted into (store.mail): shipped...
    bad_email: bool = False  # mail to its email bounced
    language: str | None = None  # its mail's language; None: the workspace default


@dataclass(frozen=True)
class StockRow:
    warehouse_code: str
    warehouse_name: str
    on_hand: int
    reserved: int
    available: int


@dataclass(frozen=True)
class StockView:
    sku: str
    name: str
    unit_price_minor: int
    currency: str
    active: bool
    warehouses: tuple[StockRow, ...]
    total_on_hand: int
    total_reserved: int
    total_available: int


@dataclass(frozen=True)
class HistoryPage:
    ref: str
    events: tuple[EventView, ...]
    page: int
    pages: int
    total: int
