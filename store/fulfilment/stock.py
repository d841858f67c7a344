"""/stock: what is on hand, reserved and available, warehouse by warehouse."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db import Database
from store.errors import ProductNotFound
from store.lookup import find_products
from store.models import Product, StockLevel, Warehouse
from store.views.orders import ProductMatch, StockRow, StockView


def get_stock(db: Database, *, query: str) -> StockView | tuple[ProductMatch, ...]:
    """A StockView for an exact SKU (any case); otherwise the closest products to choose from.
    Raises ProductNotFound when nothing comes close."""
    text = query.strip()
    if not text:
        raise ProductNotFound(query)
    with db.read() as session:
        product = _product(session, text)
        if product is not None:
            return stock_view(session, product)
    matches = find_products(db, query=text, limit=5)
    if len(matches) == 1 and matches[0].score == 100.0:
        with db.read() as session:
            return stock_view(session, _product(session, matches[0].sku))
    if not matches:
        raise ProductNotFound(text)
    return matches


def _product(session: Session, sku: str) -> Product | None:
    spellings = list(dict.fromkeys([sku, sku.upper(), sku.lower()]))
    return session.scalars(select(Product).where(Product.sku.in_(spellings))).first()


def stock_view(session: Session, product: Product) -> StockView:
    rows = session.execute(
        select(Warehouse.code, Warehouse.name, StockLevel.on_hand, StockLevel.reserved)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.product_id == product.id)
        .order_by(Warehouse.code)
    ).all()
    # Available can go negative when more is reserved than held: shown as is, it is news.
    stock = tuple(StockRow(warehouse_code=code, warehouse_name=name, on_hand=on_hand,
                           reserved=reserved, available=on_hand - reserved)
                  for code, name, on_hand, reserved in rows)
    return StockView(
        sku=product.sku, name=product.name, unit_price_minor=product.unit_price_minor,
        currency=product.currency, active=bool(product.active), warehouses=stock,
        total_on_hand=sum(r.on_hand for r in stock), total_reserved=sum(r.reserved for r in stock),
        # An over-reserved warehouse has none free; it takes nothing from another's.
        total_available=sum(max(0, r.available) for r in stock),
    )
