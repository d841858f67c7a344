"""Demo reference data: warehouses, products and customers (with contacts, addresses and
negotiated prices). Faker is used only here, for the small customer set; every value comes
from generators seeded by the caller, so the same seed gives the same data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

SALES_REPS = ("U0SALES1", "U0SALES2")  # the sandbox workspace's sales reps, and no one else
_REP_WEIGHTS = (55, 45)
HOSTILE_NAMES = ("<!channel> Alerts Ltd", "*Bold* & <b>Co</b>")
# Names the README and the sales-rep examples use ("where's the Acme order?"), so they work
# on the demo data too.
FAMILIAR_NAMES = {0: "Acme Corporation", 1: "Globex Ltd", 3: "Initech"}
WAREHOUSES = (
    (1, "EAST", "East Coast DC, Newark NJ"),
    (2, "WEST", "West Coast DC, Reno NV"),
    (3, "EU", "EU Hub, Venlo NL"),
)
_LOCALES = (  # locale, country, weight, preferred warehouse ids
    ("en_US", "US", 58, (1, 2)), ("en_GB", "GB", 8, (3,)), ("de_DE", "DE", 10, (3,)),
    ("fr_FR", "FR", 8, (3,)), ("es_ES", "ES", 7, (3,)), ("ja_JP", "JP", 9, (2,)),
)
_FAMILIES = (
    ("WID", "Widget", 1200), ("GIZ", "Gizmo", 4500), ("BRK", "Bracket", 650),
    ("VLV", "Valve", 3800), ("CBL", "Cable", 900), ("PMP", "Pump", 18900),
    ("FLT", "Filter", 1500), ("SNS", "Sensor", 5200), ("MTR", "Motor", 24900),
    ("GKT", "Gasket", 300), ("BRG", "Bearing", 1100), ("HSE", "Hose", 2100),
    ("FAN", "Fan", 7900), ("SWT", "Switch", 1700), ("RLY", "Relay", 1300), ("CLP", "Clamp", 250),
)
_VARIANTS = (
    ("BL", "Blue"), ("RD", "Red"), ("GR", "Green"), ("BK", "Black"), ("WH", "White"),
    ("SS", "Stainless"), ("AL", "Aluminium"), ("XL", "Extra Large"), ("SM", "Small"),
    ("10", "10 mm"), ("25", "25 mm"), ("50", "50 mm"),
)
_ADJECTIVES = ("", "", "", "Heavy-Duty ", "Compact ", "Industrial ", "Low-Noise ", "Marine ")
_ROLES = ("Purchasing", "Accounts payable", "Receiving", "Operations")
_STOCK_SHARE = {1: 1.0, 2: 0.7, 3: 0.5}  # share of products each warehouse carries


@dataclass
class Catalog:
    skus: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    prices: list[int] = field(default_factory=list)
    warehouses: list[tuple[int, ...]] = field(default_factory=list)
    low_stock: set[int] = field(default_factory=set)  # product indexes kept nearly empty
    rows: list[tuple] = field(default_factory=list)

    def product_id(self, index: int) -> int:
        return index + 1


@dataclass
class CustomerSet:
    info: list[dict] = field(default_factory=list)  # per customer: id, name, rep, address...
    weights: list[float] = field(default_factory=list)  # how often each one orders
    customers: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    addresses: list[tuple] = field(default_factory=list)
    prices: list[tuple] = field(default_factory=list)


def make_catalog(rng: random.Random, count: int) -> Catalog:
    cat = Catalog()
    seen: set[str] = set()
    while len(cat.skus) < count:
        code, noun, base = rng.choice(_FAMILIES)
        variant, variant_name = rng.choice(_VARIANTS)
        sku = f"{code}-{rng.randint(1000, 9999)}-{variant}"
        if sku in seen:
            continue
        seen.add(sku)
        index = len(cat.skus)
        name = f"{rng.choice(_ADJECTIVES)}{noun} {sku.split('-')[1]}, {variant_name}"
        price = max(25, int(base * rng.lognormvariate(0, 0.5)) // 5 * 5)
        stocked = tuple(w for w, share in _STOCK_SHARE.items() if w == 1 or rng.random() < share)
        cat.skus.append(sku)
        cat.names.append(name)
        cat.prices.append(price)
        cat.warehouses.append(stocked)
        if rng.random() < 0.03:
            cat.low_stock.add(index)
        active = rng.random() > 0.02
        cat.rows.append((index + 1, sku, name, price, "USD", active))
    return cat


def make_customers(rng: random.Random, count: int, catalog: Catalog, seed: int,
                   start_epoch: int) -> CustomerSet:
    fakers = {}
    for n, (locale, *_rest) in enumerate(_LOCALES):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * 31 + n)
    out = CustomerSet()
    weights = [w for _, _, w, _ in _LOCALES]
    for i in range(count):
        locale, country, _w, warehouses = rng.choices(_LOCALES, weights=weights)[0]
        fake = fakers[locale]
        name = fake.company()
        if i in (2, 5):  # two hostile names, early so small seeds include them
            name = HOSTILE_NAMES[0 if i == 2 else 1]
        name = FAMILIAR_NAMES.get(i, name)
        _add_customer(out, rng, fake, i + 1, name, country, warehouses, start_epoch)
        _add_prices(out, rng, i + 1, catalog)
    return out


def _add_customer(out: CustomerSet, rng, fake, cid, name, country, warehouses, start) -> None:
    rep = rng.choices(SALES_REPS, weights=_REP_WEIGHTS)[0]
    domain = fake.domain_name()
    limit = None if rng.random() < 0.15 else rng.choice((10_000, 25_000, 50_000, 100_000,
                                                         250_000)) * 100
    created = start - rng.randint(1, 900) * 86_400
    out.customers.append((cid, f"C{10000 + cid}", name, f"orders@{domain}",
                          fake.phone_number()[:64], limit, "USD", rep, created))
    for n in range(rng.randint(1, 3)):
        person = fake.name()
        out.contacts.append((len(out.contacts) + 1, cid, person, f"{fake.user_name()}@{domain}",
                             fake.phone_number()[:64], _ROLES[n % len(_ROLES)]))
    address = _address(fake, country, rng)
    incomplete = rng.random() < 0.03  # problem: the default address lacks a postal code
    if incomplete:
        address["postal_code"] = None
    for kind in ("shipping", "billing"):
        out.addresses.append((len(out.addresses) + 1, cid, kind, True, name[:200],
                              address["line1"], address["line2"], address["city"],
                              address["region"], address["postal_code"], country))
    out.info.append({"id": cid, "name": name, "rep": rep, "country": country,
                     "warehouses": warehouses, "address": address, "prices": {}})
    out.weights.append(min(rng.paretovariate(1.3), 40.0))


def _address(fake, country: str, rng) -> dict:
    if country == "JP":
        line1 = f"{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}"
        line2 = fake.building_name() if rng.random() < 0.5 else None
        region = fake.prefecture()
    else:
        line1 = fake.street_address().replace("\n", ", ")
        line2 = fake.secondary_address() if country == "US" and rng.random() < 0.3 else None
        region = fake.state_abbr() if country == "US" else fake.administrative_unit()
    return {"line1": line1[:200], "line2": line2, "city": fake.city()[:100],
            "region": region[:100], "postal_code": fake.postcode()[:32]}


def _add_prices(out: CustomerSet, rng, cid: int, catalog: Catalog) -> None:
    if rng.random() >= 0.15:
        return
    info = out.info[-1]
    for index in rng.sample(range(len(catalog.skus)), k=min(len(catalog.skus), rng.randint(3, 8))):
        price = int(catalog.prices[index] * rng.uniform(0.82, 0.95))
        info["prices"][index] = price
        out.prices.append((len(out.prices) + 1, cid, index + 1, price))
