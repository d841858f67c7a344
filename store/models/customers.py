"""Customers, their contacts and addresses, and negotiated prices."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.enums import AddressKind
from store.models.base import Base, created_at_column, enum_column, money_column


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    credit_limit_minor: Mapped[int | None] = money_column()
    currency: Mapped[str] = mapped_column(String(3))
    # The account owner: a sales rep's Slack user id.
    sales_rep_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # A storefront's customer id ("shopify:207119551"): matched before the email.
    external_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    # store.mail: the address bounced (a DSN came back); automatic notices, each opt-in.
    # Server defaults too: the demo seed's bulk insert goes around the ORM.
    bad_email: Mapped[bool] = mapped_column(default=False, server_default=false())
    notice_shipped: Mapped[bool] = mapped_column(default=False, server_default=false())
    notice_delayed: Mapped[bool] = mapped_column(default=False, server_default=false())
    notice_backordered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Its mail's language (store.customers.LANGUAGES); None: the workspace default.
    language: Mapped[str | None] = mapped_column(String(16))

    contacts: Mapped[list["CustomerContact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerContact.id"
    )
    addresses: Mapped[list["CustomerAddress"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerAddress.id"
    )


class CustomerContact(Base):
    __tablename__ = "customer_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(64))

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomerAddress(Base):
    __tablename__ = "customer_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[AddressKind] = enum_column(AddressKind, "address_kind")
    is_default: Mapped[bool] = mapped_column(default=True)
    name: Mapped[str | None] = mapped_column(String(200))
    line1: Mapped[str | None] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))

    customer: Mapped[Customer] = relationship(back_populates="addresses")


class CustomerPrice(Base):
    """A price negotiated with one customer for one product; it beats the catalog price."""

    __tablename__ = "customer_prices"
    __table_args__ = (UniqueConstraint("customer_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    unit_price_minor: Mapped[int] = money_column()
