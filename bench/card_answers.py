"""The exact bytes of /order answers, to compare a change of the request path before and after.

    .venv/bin/python bench/card_answers.py [ORDERS] --out bench/out/answers_after.jsonl
        [--db sqlite|postgresql] [--pg-url postgresql://root@127.0.0.1/postgres]
        [--scratch answers_<ORDERS>]
    diff bench/out/answers_before.jsonl bench/out/answers_after.jsonl   # must print nothing

Copies the shared dataset (bench/dataset.py) to a scratch copy (SQLite:
bench/out/<scratch>.sqlite3; PostgreSQL: the database od_<scratch>, made anew from od_orders_<N>
as its template), gives the sandbox's people roles there (a processor, a manager, a
Spanish-speaking processor; sales reps keep the default role, an admin comes from
ORDERDESK_ADMINS), and sends each of them the same signed /order texts through the real WSGI
app: exact refs (in several spellings), PO numbers, customer names, names with a typo, SKUs and
queries that find nothing. Writes one JSON line
per request: who, what, the HTTP status and the response body as Bolt sent it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.dataset import DEFAULT_PG, OUT, seeded, url_for  # noqa: E402
from bench.lookup_bench import _name_typo  # noqa: E402
from bench.request_cpu import SECRET, environ_for  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402
from store.enums import DiscrepancyStatus, ReturnStatus, Role  # noqa: E402
from store.models import (  # noqa: E402
    Customer,
    Discrepancy,
    Order,
    OrderHold,
    OrderLine,
    Return,
    Shipment,
)

ROLES = {"U0PROC1": Role.PROCESSOR, "U0MGR1": Role.MANAGER, "U0ES1": Role.PROCESSOR}
PEOPLE = ("U0PROC1", "U0SALES1", "U0MGR1", "U0ADMIN", "U0ES1", "U0ES2")


def texts_of(db, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    with db.read() as s:
        refs = sorted(s.scalars(select(Order.ref).order_by(Order.id).limit(4000)))
        # Not null and by id: SQLite reads a plain limit off the PO index, nulls first (none).
        pos = sorted(s.scalars(select(Order.po_number).where(Order.po_number.is_not(None))
                               .order_by(Order.id).limit(2000)))
        names = sorted(s.scalars(select(Customer.name)))
        skus = sorted(set(s.scalars(select(OrderLine.sku).limit(2000))))
        # Orders whose cards have the rarer parts: holds, problems, owed goods, shipments.
        rare = [sorted(set(s.scalars(select(Order.ref).join(model, model.order_id == Order.id)
                                     .where(*where).order_by(Order.id).limit(200))))
                for model, where in (
                    (OrderHold, [OrderHold.released_at.is_(None)]),
                    (Discrepancy, [Discrepancy.status != DiscrepancyStatus.RESOLVED]),
                    (Return, [Return.status == ReturnStatus.APPROVED]),
                    (Shipment, [Shipment.delivered_at.is_not(None)]))]
    texts = rng.sample(refs, 60)
    texts += [ref for found in rare for ref in rng.sample(found, min(10, len(found)))]
    texts += [r.lower().replace("-", " ") for r in rng.sample(refs, 10)]
    texts += [r.split("-")[-1] for r in rng.sample(refs, 10)]
    texts += rng.sample(pos, 10) + rng.sample(names, 15)
    texts += [_name_typo(rng, n) for n in rng.sample(names, 15)]
    texts += rng.sample(skus, 5)
    texts += ["SO-9999999", "zzqx wombat", "PO-NOPE-1", "<!channel> acme", "   "]
    return texts


def scratch_copy(backend: str, orders: int, pg_base: str, name: str) -> str:
    """A fresh copy of the N-order dataset that this run may write to (roles); its URL."""
    if backend == "sqlite":
        scratch = OUT / f"{name}.sqlite3"
        shutil.copyfile(OUT / f"orders_{orders}.sqlite3", scratch)
        return f"sqlite:///{scratch}"
    source = make_url(url_for(backend, orders, pg_base)).database
    admin = create_engine(make_url(pg_base).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the template must have no other sessions while copied
        conn.execute(text(f'drop database if exists "od_{name}" with (force)'))
        conn.execute(text(f'create database "od_{name}" template "{source}"'))
    admin.dispose()
    return make_url(pg_base).set(database=f"od_{name}").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("orders", type=int, nargs="?", default=20_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    parser.add_argument("--scratch", help="the copy's name (default answers_<ORDERS>)")
    args = parser.parse_args()
    seeded(args.db, args.orders, args.pg_url, quiet=True).dispose()
    scratch_url = scratch_copy(args.db, args.orders, args.pg_url,
                               args.scratch or f"answers_{args.orders}")
    from bot.app import create_app
    from bot.config import Settings
    from bot.web import create_wsgi_app
    from jobs.renderers import renderer_table
    from store.db import open_database
    from store.workspace import set_role

    with SlackSandbox(signing_secret=SECRET) as sb:
        sb.add_user("U0ES1", "lucia", locale="es-ES")
        sb.add_user("U0ES2", "mateo", locale="es-ES")
        settings = Settings.from_env({
            "SLACK_BOT_TOKEN": sb.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": sb.api_url, "DATABASE_URL": scratch_url,
            "ORDERDESK_ADMINS": "U0ADMIN"})
        db = open_database(settings.database_url)
        for user, role in ROLES.items():
            set_role(db, actor="U0ADMIN", user_id=user, role=role, admins=settings.admins,
                     default_role=settings.default_role)
        app = create_wsgi_app(create_app(settings, db=db), db,
                              renderers=renderer_table(settings.audience,
                                                       settings.default_locale),
                              signing_secret=SECRET)
        texts = texts_of(db)
        with open(args.out, "w") as out:
            for user in PEOPLE:
                for text in texts:
                    status: list[str] = []
                    body = b"".join(app(environ_for(text, user=user, user_name=user),
                                        lambda s, h, *a: status.append(s)))
                    out.write(json.dumps({"user": user, "text": text, "status": status[0],
                                          "body": body.decode()}, ensure_ascii=False) + "\n")
        db.dispose()
    print(f"{len(PEOPLE) * len(texts)} answers -> {args.out}")


if __name__ == "__main__":
    main()
