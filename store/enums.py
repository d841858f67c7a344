"""The value sets the order desk works with, stored as VARCHAR + CHECK."""

from enum import StrEnum


class OrderStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    COMPLETED = "completed"
    CANCELED = "canceled"


class FulfilmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PACKED = "packed"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"


class PaymentStatus(StrEnum):
    AWAITING = "awaiting"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    FAILED = "failed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class HoldReason(StrEnum):
    """Shopify-style hold reasons: the ready list of why an order is stopped."""

    AWAITING_PAYMENT = "awaiting_payment"
    HIGH_RISK = "high_risk"
    INCORRECT_ADDRESS = "incorrect_address"
    INVENTORY_OUT_OF_STOCK = "inventory_out_of_stock"
    CREDIT_HOLD = "credit_hold"
    CUSTOMER_REQUEST = "customer_request"
    OTHER = "other"


class DiscrepancyType(StrEnum):
    PRICE_MISMATCH = "price_mismatch"
    INSUFFICIENT_STOCK = "insufficient_stock"
    BAD_ADDRESS = "bad_address"
    PAYMENT_ERROR = "payment_error"
    UNKNOWN_SKU = "unknown_sku"
    DUPLICATE_ORDER = "duplicate_order"
    CREDIT_LIMIT = "credit_limit"
    LATE = "late"
    DELIVERY_EXCEPTION = "delivery_exception"
    BAD_CONTACT = "bad_contact"
    UNUSUAL_ORDER = "unusual_order"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DiscrepancyStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    SNOOZED = "snoozed"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class ReturnOutcome(StrEnum):
    REFUND = "refund"
    REPLACE = "replace"
    EXCHANGE = "exchange"
    CLAIM = "claim"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    RECEIVED = "received"
    CLOSED = "closed"
    REJECTED = "rejected"


class ApprovalKind(StrEnum):
    REFUND = "refund"
    DISCOUNT = "discount"
    PRICE_OVERRIDE = "price_override"
    LATE_RETURN = "late_return"  # a return outside the return window


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Role(StrEnum):
    SALES = "sales"
    PROCESSOR = "processor"
    MANAGER = "manager"
    ADMIN = "admin"


class DigestPeriod(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class DigestRunStatus(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    FAILED = "failed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class PostKind(StrEnum):
    """Every kind of post queued in the outbox: a render request {"$render": kind, ...ids},
    rendered at send time from current data by the one renderer table (jobs/renderers.py)."""

    TRIAGE_PARENT = "triage.parent"
    TRIAGE_NOTE = "triage.note"
    TRIAGE_REP_DM = "triage.rep_dm"
    TRIAGE_BATCH = "triage.batch"
    TRIAGE_DM_BATCH = "triage.dm_batch"
    TRIAGE_ESCALATION = "triage.escalation"
    PERSON_DEACTIVATED = "triage.person_deactivated"  # the managers told what Orderdesk undid
    PICK_REQUEST = "fulfilment.pick"
    PICK_NOTE = "fulfilment.pick_note"  # in the pick request's thread: the warehouse must act
    APPROVAL_REQUEST = "fulfilment.approval_request"
    APPROVAL_OUTCOME = "fulfilment.approval_outcome"
    CANCEL_NOTICE = "fulfilment.cancel_notice"
    FOLLOW_NOTICE = "questions.follow_notice"
    MAIL_NOTE = "mail.note"  # a mail sent or received, in the order's thread (store.mail)
    HOME = "workspace.home"  # views.publish of a person's App Home


class AddressKind(StrEnum):
    SHIPPING = "shipping"
    BILLING = "billing"


class MailStatus(StrEnum):
    """An outgoing customer mail (store.mail): pending until the SMTP server accepts it."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


# The languages a customer's mail can be written in: messages.i18n.LANGUAGES (store may not
# import messages; tests/jobs/test_mail_delivery.py keeps the two equal).
CUSTOMER_LANGUAGES = ("en", "es")
