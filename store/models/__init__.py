"""All tables, importable from one place so metadata is complete wherever it is used."""

from store.models.audit import FINGERPRINT_FIELD, Event
from store.models.base import Base
from store.models.catalog import Product, StockLevel, Warehouse
from store.models.connect import ConnectEvent, ConnectSource
from store.models.customers import Customer, CustomerAddress, CustomerContact, CustomerPrice
from store.models.digests import DigestRun, DigestSubscription
from store.models.mail import InboundMail, OutgoingMail
from store.models.orders import (
    CYCLE_HOUR,
    OWING,
    Order,
    OrderHold,
    OrderLine,
    OrderReceivedFacts,
    OrderShipFacts,
    Shipment,
    ShipmentLine,
)
from store.models.returns import APPROVED_RETURN, Approval, Return, ReturnLine, refunded
from store.models.search_index import SearchIndexVersion
from store.models.triage import OPEN_CREDIT, Discrepancy
from store.models.workspace import (
    AutolinkChannel,
    ChannelLink,
    ChannelRoute,
    Counter,
    Follow,
    ImportRun,
    OutboxMessage,
    PostedCard,
    ProcessedEvent,
    Submission,
    User,
    UserLanguage,
)

__all__ = [
    "APPROVED_RETURN", "Approval", "AutolinkChannel", "Base", "ChannelLink", "ChannelRoute",
    "ConnectEvent", "ConnectSource", "Counter", "Customer", "CustomerAddress", "CustomerContact",
    "CustomerPrice",
    "DigestRun", "DigestSubscription", "Discrepancy", "Event", "FINGERPRINT_FIELD", "OPEN_CREDIT",
    "OWING", "CYCLE_HOUR", "SearchIndexVersion", "Follow", "ImportRun", "InboundMail", "Order",
    "OrderHold", "OrderLine", "OrderReceivedFacts", "OrderShipFacts", "OutboxMessage",
    "OutgoingMail", "PostedCard", "ProcessedEvent", "Product", "Return", "ReturnLine", "Shipment",
    "ShipmentLine", "StockLevel", "Submission", "User", "UserLanguage", "Warehouse", "refunded",
]
