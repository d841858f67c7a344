"""The security checks of the reliability suite, counted: every request Orderdesk must refuse
is sent a number of times against a live stack (sandbox + app over HTTP), and each line says
how many were sent and how many refused (and that none changed anything).

    .venv/bin/python bench/reliability_report.py [--pg-url postgresql://root@127.0.0.1/od_x]

Without --pg-url it runs on a temporary SQLite file. Exit status 1 if anything got through.
The same checks run as tests in tests/reliability/test_security.py; both take the requests from
bench/security_probes.py and the stack from bench/app_stack.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.app_stack import ADMIN, SALES, SECRET, Stack, order, text_of, triage_on  # noqa: E402
from bench.security_probes import (  # noqa: E402
    ATTEMPTS,
    FORM,
    INTAKE_REFUSALS,
    ROLE_BUTTONS,
    discrepancies,
    flag_body,
    intake_post,
    intake_signature,
    press,
    refused_intake,
    send_forgery,
)
from bot.config import Settings  # noqa: E402
from bot.console import DEMO_ROLES, start_stack  # noqa: E402
from jobs import outbox  # noqa: E402
from store.db import open_database  # noqa: E402
from store.models import Base, Event, Order  # noqa: E402
from store.workspace.roles import set_role  # noqa: E402

REF = "SO-9001"  # an order of the triage desk (the role checks use SO-9004)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="a PostgreSQL database to use (its tables are reset)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(args.pg_url or f"sqlite:///{tmp}/reliability.sqlite3")
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        t, stop = _stack(db, Path(tmp))
        try:
            lines, ok = _run_all(t)
        finally:
            stop()
    print(f"security checks on {db.dialect}:")
    for line in lines:
        print("  " + line)
    return 0 if ok else 1


def _stack(db, tmp: Path):
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN, "ORDERDESK_INTAKE_SECRET": SECRET})
    sandbox, running, app_settings = start_stack(settings, db=db)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role)
    t = triage_on(Stack(sb=sandbox, db=db, settings=app_settings))
    t.import_problems(tmp)

    def stop():
        outbox.stop_all()
        running.stop()
        sandbox.stop()
    return t, stop


def _run_all(t) -> tuple[list[str], bool]:
    lines, ok = [], True
    for section in (_slack_signatures, _role_buttons, _intake):
        got, good = section(t)
        lines += got
        ok = ok and good
    return lines, ok


def _slack_signatures(t) -> tuple[list[str], bool]:
    lines, ok, before = [], True, discrepancies(t.db)
    for kind, count in ATTEMPTS.items():
        refused = sum(send_forgery(t.sb, kind, n, REF) == 401 for n in range(count))
        lines.append(f"{kind}: {count} sent, {refused} refused")
        ok = ok and refused == count
    changed = discrepancies(t.db) - before
    control = t.sb.player.send("slash_command", "/order", flag_body(t.sb, "control", REF), FORM)
    lines.append(f"discrepancies opened by refused requests: {changed}; the same request "
                 f"signed by Slack: HTTP {control.status}, "
                 f"{discrepancies(t.db) - before - changed} opened (the control)")
    return lines, ok and changed == 0 and control.status == 200


def _events(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Event))


def _role_buttons(t) -> tuple[list[str], bool]:
    refused, before = 0, _events(t.db)
    for button in ROLE_BUTTONS:
        aid, message = press(t, button)
        shown = len(t.sb.ephemerals(user=SALES))
        t.sb.click(aid, user=SALES, message=message)
        t.sb.wait_for(lambda: len(t.sb.ephemerals(user=SALES)) > shown)
        refused += "your role is sales" in text_of(t.sb.ephemerals(user=SALES)[-1])
    changed = _events(t.db) - before + len(t.sb.views(user=SALES))
    names = ", ".join(b.split(".")[-1] for b in ROLE_BUTTONS)
    return [f"buttons a sales rep may not press ({names}): {len(ROLE_BUTTONS)} pressed, "
            f"{refused} refused, {changed} changes"], refused == len(ROLE_BUTTONS) and not changed


def _intake(t) -> tuple[list[str], bool]:
    lines, ok = [], True
    for case, count in INTAKE_REFUSALS.items():
        refused = sum(refused_intake(t.sb, case, n) for n in range(count))
        lines.append(f"intake POSTs with {case}: {count} sent, {refused} refused")
        ok = ok and refused == count
    with t.db.read() as s:
        leaked = s.scalar(select(func.count()).select_from(Order).where(Order.ref.like("SEC-%")))
    data = json.dumps(order("SEC-CONTROL")).encode()
    control = intake_post(t.sb, data, intake_signature(SECRET, data))[0]
    lines.append(f"orders created by refused intake POSTs: {leaked}; correctly signed: "
                 f"HTTP {control} (the control)")
    return lines, ok and leaked == 0 and control == 201


if __name__ == "__main__":
    sys.exit(main())
