"""Import the catalog: one row per SKU and warehouse.

Columns (header names are case-insensitive; extra columns are ignored):

    required: sku, name, unit_price, currency
    optional: on_hand, warehouse

- A product is upserted by sku (name, unit_price, currency). A SKU listed for several
  warehouses must carry the same name, price and currency on each of its rows.
- unit_price: a decimal like 12.50, with no more decimals than the currency has.
- on_hand + warehouse: the stock level of that SKU in that warehouse is set to on_hand
  (a whole number >= 0); reserved units are left alone. Warehouses are created by code on
  first sight (codes are upper-cased). Leave both empty to update only the product.
- Re-importing the same file changes nothing; rows whose values already match are counted
  as unchanged. The catalog is reference data, so changed values overwrite the stored ones.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.importer import fields as f
from store.importer.context import ImportContext
from store.importer.order_batch import chunked_in
from store.models import Product, StockLevel, Warehouse

COLUMNS = ["sku", "name", "unit_price", "currency", "on_hand", "warehouse"]
REQUIRED = ["sku", "name", "unit_price", "currency"]
BATCH_ROWS = 1000
_SKU_LEN = Product.__table__.c.sku.type.length
_NAME_LEN = Product.__table__.c.name.type.length
_CODE_LEN = Warehouse.__table__.c.code.type.length


def parse_row(row: dict[str, str]) -> tuple[dict, list[f.FieldError]]:
    out: dict = {}
    errors: list[f.FieldError] = []
    steps = [
        ("sku", lambda: f.required_text(row["sku"], "sku", _SKU_LEN, "the product's SKU")),
        ("name", lambda: f.required_text(row["name"], "name", _NAME_LEN, "the product name")),
        ("currency", lambda: f.currency(row["currency"]) if row["currency"] else _empty(
            "currency", "give the price's currency, like USD")),
        ("price", lambda: f.amount(row["unit_price"], "unit_price") if row["unit_price"] else
            _empty("unit_price", "give the price, like 12.50")),
        ("warehouse", lambda: f.text(row.get("warehouse", "").upper(), "warehouse", _CODE_LEN)),
    ]
    for key, step in steps:
        try:
            out[key] = step()
        except f.FieldError as err:
            errors.append(err)
    if "price" in out and "currency" in out:
        try:
            out["price_minor"] = f.minor_units(out["price"], out["currency"], "unit_price",
                                               row["unit_price"])
        except f.FieldError as err:
            errors.append(err)
    errors.extend(_parse_stock(row, out))
    return out, errors


def _empty(column: str, hint: str):
    raise f.FieldError(column, f"{column} is empty; {hint}")


def _parse_stock(row: dict[str, str], out: dict) -> list[f.FieldError]:
    on_hand_text = row.get("on_hand", "")
    out["on_hand"] = None
    if not on_hand_text and not out.get("warehouse"):
        return []
    if not out.get("warehouse"):
        return [f.FieldError("warehouse", "warehouse is empty but on_hand is given; name the "
                             "warehouse code, like EAST")]
    try:
        out["on_hand"] = f.whole_number(on_hand_text, "on_hand", minimum=0)
    except f.FieldError as err:
        return [err]
    return []


def run(ctx: ImportContext) -> None:
    seen: dict[str, tuple[int, tuple]] = {}  # sku -> (first row, (name, price, currency))
    seen_stock: dict[tuple[str, str], int] = {}
    batch: list[tuple[int, dict]] = []
    for row_no, row in ctx.checked_rows():
        batch.append((row_no, row))
        if len(batch) >= BATCH_ROWS:
            _write_batch(ctx, batch, seen, seen_stock)
            batch = []
    _write_batch(ctx, batch, seen, seen_stock)


def _write_batch(ctx, batch, seen, seen_stock) -> None:
    with ctx.db.write() as session:
        warehouses = {w.code: w for w in session.scalars(select(Warehouse))}
        skus = {row["sku"] for _, row in batch}
        products = {p.sku: p for (p,) in chunked_in(
            session, lambda k: select(Product).where(Product.sku.in_(k)), skus)}
        stock = {(sku, code): level for level, sku, code in chunked_in(
            session, lambda k: select(StockLevel, Product.sku, Warehouse.code)
            .join(Product, StockLevel.product_id == Product.id)
            .join(Warehouse, StockLevel.warehouse_id == Warehouse.id)
            .where(Product.sku.in_(k)), skus)}
        known, changed_skus = set(products), set()
        for row_no, row in batch:
            values, errors = parse_row(row)
            errors = errors or _conflicts(values, row_no, seen, seen_stock)
            if errors:
                for err in errors:
                    ctx.tally.reject(row_no, err.column, err.reason)
                continue
            changed = _apply(session, values, products, warehouses, stock)
            if changed:
                ctx.tally.rows_imported += 1
                changed_skus.add(values["sku"])
            else:
                ctx.tally.rows_unchanged += 1
        session.flush()
        if added := set(products) - known:
            # Orders that were waiting for these SKUs: checked again in this transaction.
            from store.triage import recheck_unknown_skus  # lazily, as store.importer.orders

            recheck_unknown_skus(session, added, actor=ctx.actor)
        if changed_skus & known:
            from store.triage import recheck_changed_products

            # A restock or a new price settles the stock and price items waiting on them.
            recheck_changed_products(session, changed_skus & known, actor=ctx.actor)
        ctx.save_counts(session)
    ctx.batch_done()


def _conflicts(values: dict, row_no: int, seen: dict, seen_stock: dict) -> list[f.FieldError]:
    sku, product = values["sku"], (values["name"], values["price_minor"], values["currency"])
    first = seen.setdefault(sku, (row_no, product))
    if first[1] != product:
        return [f.FieldError(None, f"SKU '{sku}' has a different name, unit_price or currency "
                             f"on row {first[0]}; give one product the same values on every row")]
    if values["warehouse"]:
        key = (sku, values["warehouse"])
        earlier = seen_stock.setdefault(key, row_no)
        if earlier != row_no:
            return [f.FieldError("warehouse", f"SKU '{sku}' in warehouse {key[1]} is already on "
                                 f"row {earlier}; one row per SKU and warehouse")]
    return []


def _apply(session: Session, values: dict, products, warehouses, stock) -> bool:
    product = products.get(values["sku"])
    changed = False
    if product is None:
        product = Product(sku=values["sku"], name="", unit_price_minor=0, currency="")
        session.add(product)
        products[values["sku"]] = product
    for attr, key in (("name", "name"), ("unit_price_minor", "price_minor"),
                      ("currency", "currency")):
        if getattr(product, attr) != values[key]:
            setattr(product, attr, values[key])
            changed = True
    code = values["warehouse"]
    if code is None:
        return changed
    if code not in warehouses:
        warehouses[code] = Warehouse(code=code, name=code)
        session.add(warehouses[code])
    level = stock.get((values["sku"], code))
    if level is None:
        level = StockLevel(product=product, warehouse=warehouses[code], on_hand=0, reserved=0)
        session.add(level)
        stock[(values["sku"], code)] = level
        changed = True
    if level.on_hand != values["on_hand"]:
        level.on_hand = values["on_hand"]
        changed = True
    return changed
