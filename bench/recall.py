"""Recall of one-edit typos in names and SKUs, false hits on nonsense, and lookup latency.

    .venv/bin/python bench/recall.py [ORDERS] [--typos 600] [--nonsense 200]

Seeds bench/out/recall_<ORDERS>.sqlite3 afresh (store.seed.demo, seed 42), then adds customers
with real-looking names in English, German, Spanish, Polish, Japanese, Russian and Greek (each
with one order) until the name index holds as many names as the demo desk has at 1M orders
(5,000), so the in-memory index is as large as at 1M orders even when the tables are not.

Typos: one edit (drop, swap adjacent, insert, replace) at a random place in a random word of a
random name or SKU; a typo that spells another stored name or SKU is skipped (that is not a
typo to anyone). Through the faces the handlers call: recall@5 of find_orders (the customer's
or SKU's orders among the first 5 candidates, or the card) and of find_customers /
find_products (the name or SKU among the first 5). Nonsense: random words in the same scripts;
a false hit is any candidate at all. Latency: wall time of find_orders per query.
Targets (issue 16): recall@5 >= 98 %, false hits <= 2 %, p95 <= 15 ms at 1M orders.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapidfuzz.utils import default_process
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import OUT  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.lookup import compact_sku, find_customers, find_orders, find_products  # noqa: E402
from store.models import Customer, Order, OrderLine, Product  # noqa: E402
from store.schema import upgrade  # noqa: E402
from store.seed.demo import seed_demo, sizes  # noqa: E402

NAMES_AT_1M = sizes(1_000_000)[0]
# Per language: first words, second words, legal forms, and the letters its typos are made of.
LANGUAGES = {
    "en": (("Acme", "Northwind", "Blue Ridge", "Harbor", "Summit", "Redwood", "Pioneer",
            "Granite", "Lakeside", "Ironwood", "Silverline", "Keystone", "Westbrook"),
           ("Industrial", "Supply", "Logistics", "Manufacturing", "Fasteners", "Hydraulics",
            "Electric", "Components", "Tooling", "Packaging", "Distribution"),
           ("Inc", "LLC", "Ltd", "Corporation", "Co", "Group", ""),
           "abcdefghijklmnopqrstuvwxyz"),
    "de": (("Müller", "Schröder", "Bäcker", "Köhler", "Weiß", "Grünwald", "Fußmann", "Jäger",
            "Hoffmann", "Krüger", "Schäfer", "Böhm", "Wölfl"),
           ("Maschinenbau", "Präzisionstechnik", "Stahlhandel", "Armaturen", "Werkzeugbau",
            "Förderanlagen", "Dichtungstechnik", "Elektrotechnik", "Lüftungsbau"),
           ("GmbH", "AG", "KG", "GmbH & Co. KG", ""),
           "abcdefghijklmnopqrstuvwxyzäöüß"),
    "es": (("Peñalver", "Muñoz", "Ibáñez", "Gómez", "Martínez", "Castaño", "Núñez", "Salvatierra",
            "Olmedo", "Cañizares", "Jiménez", "Valdés"),
           ("Distribuciones", "Suministros", "Ferretería", "Hidráulica", "Componentes",
            "Electrónica", "Maquinaria", "Logística", "Válvulas"),
           ("S.L.", "S.A.", "y Asociados", ""),
           "abcdefghijklmnopqrstuvwxyzáéíóúñ"),
    "pl": (("Łódzkie", "Gdańskie", "Śląskie", "Wrocławskie", "Poznańskie", "Kraków", "Żywiec",
            "Bielsko", "Częstochowa", "Zielona", "Rzeszów"),
           ("Przedsiębiorstwo", "Zakłady", "Hurtownia", "Maszyny", "Łożyska", "Narzędzia",
            "Elektronika", "Chłodnictwo", "Dźwigi"),
           ("Sp. z o.o.", "S.A.", "Spółka Jawna", ""),
           "aąbcćdeęfghijklłmnńoóprsśtuwyzźż"),
    "ja": (("サクラ", "フジ", "ヤマト", "ミドリ", "アサヒ", "ホクト", "ニッコー", "トーヨー", "山田",
            "田中", "北斗", "東洋", "大和", "日本"),
           ("電機", "工業", "精機", "商事", "ベアリング", "バルブ", "ポンプ", "モーター", "製作所",
            "物産", "テクノ"),
           ("株式会社", "有限会社", ""),
           "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"),
    "ru": (("Северная", "Уральская", "Сибирская", "Волжская", "Балтийская", "Донская",
            "Московская", "Невская", "Камская", "Тверская"),
           ("Сталь", "Механика", "Арматура", "Энергия", "Логистика", "Подшипник", "Электрика",
            "Техника", "Снабжение"),
           ("ООО", "АО", "ЗАО", ""),
           "абвгдеёжзийклмнопрстуфхцчшщыэюя"),
    "el": (("Ελληνική", "Αθηναϊκή", "Μακεδονική", "Κρητική", "Αιγαίο", "Ολυμπος", "Πειραιάς",
            "Θεσσαλική", "Ιόνιος"),
           ("Τεχνική", "Βιομηχανία", "Εμπορική", "Μηχανική", "Ηλεκτρική", "Εφοδιαστική",
            "Ενέργεια", "Κατασκευές"),
           ("Α.Ε.", "Ε.Π.Ε.", "Ο.Ε.", ""),
           "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ"),
}
LATIN = LANGUAGES["en"][3]


def make_name(rng: random.Random, lang: str) -> str:
    first, second, forms, _letters = LANGUAGES[lang]
    form = rng.choice(forms)
    if lang == "ja":  # 株式会社 before or after, no spaces
        core = rng.choice(first) + rng.choice(second)
        return (form + core) if rng.random() < 0.5 else (core + form)
    words = [rng.choice(first), rng.choice(second)]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(second))
    elif rng.random() < 0.2:
        words[1:1] = ["&", rng.choice(first)]
    if lang == "ru":
        return f"{form} «{' '.join(words)}»".strip()
    return " ".join([*words, form]).strip()


def typo(rng: random.Random, text: str, letters: str) -> str:
    """One edit at a random place in a random word of two or more letters."""
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            if i - start >= 2:
                spans.append((start, i))
            start = None
    begin, end = rng.choice(spans)
    i = rng.randrange(begin, end)
    kind = rng.choice(("drop", "swap", "insert", "replace"))
    if kind == "drop":
        return text[:i] + text[i + 1:]
    if kind == "swap" and i + 1 < end:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == "insert":
        return text[:i] + rng.choice(letters) + text[i:]
    new = rng.choice([c for c in letters if c != text[i].lower()])
    return text[:i] + new + text[i + 1:]


def letters_of(name: str) -> str:
    for _lang, (_f, _s, _forms, letters) in LANGUAGES.items():
        if any(ch.lower() in letters and ch.lower() not in LATIN for ch in name):
            return letters
    return LATIN


def build(orders: int) -> Database:
    path = OUT / f"recall_{orders}.sqlite3"
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(f"sqlite:///{path}")
    upgrade(db)
    seed_demo(db, orders=orders, seed=42)
    rng = random.Random(16)
    with db.read() as s:
        have = {default_process(n) for n in s.scalars(select(Customer.name))}
        product = s.execute(select(Product.id, Product.sku)).first()
    added, langs = [], list(LANGUAGES)
    while len(have) < NAMES_AT_1M:
        name = make_name(rng, rng.choice(langs))
        if default_process(name) not in have:
            have.add(default_process(name))
            added.append(name)
    at = datetime.now(UTC) - timedelta(days=3)
    with db.write() as s:
        for n, name in enumerate(added):
            customer = Customer(code=f"RC{n:05d}", name=name, currency="USD")
            order = Order(ref=f"RC-{n:05d}", customer=customer, currency="USD", ordered_at=at,
                          shipping_minor=0, ship_name="Receiving", ship_line1="1 Main St",
                          ship_city="Springfield", ship_postal_code="62701", ship_country="US")
            order.lines.append(OrderLine(line_no=1, sku=product.sku, product_id=product.id,
                                         quantity=1, unit_price_minor=100))
            s.add(order)
    return db


def name_typos(db: Database, rng: random.Random, n: int) -> list[tuple[str, str]]:
    with db.read() as s:
        names = sorted(set(s.scalars(select(Customer.name))))
    taken = {default_process(name) for name in names}
    out = []
    while len(out) < n:
        name = rng.choice(names)
        query = typo(rng, name, letters_of(name))
        if default_process(query) not in taken:
            out.append((query, name))
    return out


def sku_typos(db: Database, rng: random.Random, n: int) -> list[tuple[str, str]]:
    with db.read() as s:
        skus = sorted(set(s.scalars(select(OrderLine.sku).distinct())) & set(
            s.scalars(select(Product.sku))))
    taken = {compact_sku(sku) for sku in skus}
    out = []
    while len(out) < n:
        sku = rng.choice(skus)
        query = typo(rng, sku, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        if compact_sku(query) not in taken:
            out.append((query, sku))
    return out


def nonsense(rng: random.Random, n: int) -> list[str]:
    scripts = [letters for _f, _s, _forms, letters in LANGUAGES.values()]
    out = []
    for _ in range(n):
        letters = rng.choice(scripts)
        out.append(" ".join("".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))
                            for _ in range(rng.randint(1, 2))))
    return out


def order_has(result, expected: str) -> bool:
    if result.exact is not None:
        return expected in (result.exact.customer_name, *(ln.sku for ln in result.exact.lines))
    return any(expected == c.customer_name or expected in c.matched_on
               for c in result.candidates[:5])


def timed(db: Database, times: list[tuple[float, float]], query: str):
    started, cpu = time.perf_counter(), time.process_time()
    result = find_orders(db, query=query)
    times.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    return result


def run(db: Database, typos: int, n_nonsense: int) -> dict:
    rng = random.Random(2026)
    times: list[tuple[float, float]] = []
    for q in ("warm", "acme", "WID-1042"):
        find_orders(db, query=q)
    out = {}
    names = name_typos(db, rng, typos)
    out["names: find_orders"] = sum(order_has(timed(db, times, q), name) for q, name in names)
    out["names: find_customers"] = sum(
        name in [m.name for m in find_customers(db, query=q)] for q, name in names)
    skus = sku_typos(db, rng, typos)
    out["SKUs: find_orders"] = sum(order_has(timed(db, times, q), sku) for q, sku in skus)
    out["SKUs: find_products"] = sum(
        sku in [m.sku for m in find_products(db, query=q)] for q, sku in skus)
    junk = nonsense(rng, n_nonsense)
    hits = [q for q in junk if (r := timed(db, times, q)).exact is not None or r.candidates]
    out["nonsense"] = hits
    out["n"] = typos
    out["n_nonsense"] = n_nonsense
    out["examples"] = names[:6] + skus[:3]
    out["misses"] = [(q, name) for q, name in names
                     if name not in [m.name for m in find_customers(db, query=q)]][:8]
    for key, column in (("wall", 0), ("cpu", 1)):
        values = sorted(t[column] for t in times)
        out[key] = (statistics.median(values), values[int(0.95 * (len(values) - 1))])
    out["lookups"] = len(times)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--typos", type=int, default=600)
    parser.add_argument("--nonsense", type=int, default=200)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    db = build(args.orders)
    with db.read() as s:
        customers = len(s.scalars(select(Customer.id)).all())
    print(f"{args.orders:,} demo orders, {customers:,} customers "
          f"(built in {time.perf_counter() - started:.0f} s)")
    r = run(db, args.typos, args.nonsense)
    n = r["n"]
    for key in ("names: find_orders", "names: find_customers", "SKUs: find_orders",
                "SKUs: find_products"):
        print(f"  recall@5 {key:<24}{r[key]:>5} / {n}  {100 * r[key] / n:5.1f} %")
    print(f"  false hits on nonsense        {len(r['nonsense']):>5} / {r['n_nonsense']}  "
          f"{100 * len(r['nonsense']) / r['n_nonsense']:5.1f} %  {r['nonsense'][:5]}")
    print(f"  find_orders over {r['lookups']} lookups (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores): wall p50 {r['wall'][0]:.1f} ms, p95 {r['wall'][1]:.1f} ms; "
          f"cpu p50 {r['cpu'][0]:.1f} ms, p95 {r['cpu'][1]:.1f} ms")
    print(f"  examples: {r['examples']}")
    print(f"  customer misses: {r['misses']}")
    db.dispose()


if __name__ == "__main__":
    main()
