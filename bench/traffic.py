"""Traffic for the reliability commands: signed requests through the sandbox (and HMAC-signed
intake POSTs), each answer recorded in a Ledger for the audit (bench/audit.py).

    desk = Desk(stack)                      # one request at a time: intake, lookup, edit...
    Traffic(desk, threads=4).start()        # a weighted mix on background threads
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from stack import CHANNEL, INTAKE_SECRET, PROCESSORS, TRIAGE, Stack  # first: puts ROOT on the path

from messages.actions import EditOrderIds, TriageActions  # noqa: E402
from store import clock  # noqa: E402
from store.models import Customer, Order, Product  # noqa: E402


@dataclass
class Answer:
    kind: str
    status: int  # HTTP status; 0 = no answer (connection refused or reset)
    ms: float
    accepted: bool
    detail: str | None = None  # what went wrong, for answers other than 2xx
    at: float = field(default_factory=time.monotonic)  # when the answer came


@dataclass
class Ledger:
    """Every request sent and what the app answered; the audit checks the accepted ones."""

    answers: list[Answer] = field(default_factory=list)
    orders: dict[str, int] = field(default_factory=dict)  # ref -> lines sent
    accepted_orders: set[str] = field(default_factory=set)
    edits: dict[str, str] = field(default_factory=dict)  # city token -> order ref
    flags: dict[str, str] = field(default_factory=dict)  # reason token -> order ref
    takes: set[int] = field(default_factory=set)  # discrepancy ids taken by a click
    questions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> Answer:
        with self.lock:
            self.answers.append(answer)
        return answer


def _why(delivery) -> str | None:
    return None if delivery.status == 200 else "; ".join(delivery.problems)[:200]


class Desk:
    """Drives the web process like Slack and an intake client would, recording every answer."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.sb = stack, stack.sb
        self.ledger = Ledger()
        with stack.db.read() as s:
            self.customers = list(s.scalars(select(Customer.code).order_by(Customer.id)))
            self.products = [(sku, price) for sku, price in s.execute(
                select(Product.sku, Product.unit_price_minor).order_by(Product.id))]
            self.refs = list(s.scalars(select(Order.ref).order_by(Order.id)))

    # intake: HMAC-signed JSON, not a Slack request
    def intake(self, ref: str, n: int) -> Answer:
        """An order with one line priced off the catalog, so it opens a discrepancy."""
        sku, price = self.products[n % len(self.products)]
        body = {"order_ref": ref, "customer_code": self.customers[n % len(self.customers)],
                "order_date": clock.now().isoformat(),
                "lines": [{"sku": sku, "quantity": 1 + n % 3,
                           "unit_price": f"{(price * 2 + 137) / 100:.2f}"}]}
        data = json.dumps(body).encode()
        sig = hmac.new(INTAKE_SECRET.encode(), data, hashlib.sha256).hexdigest()
        req = urllib.request.Request(f"{self.stack.base_url}/intake/orders", data=data,
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "X-Orderdesk-Signature": sig})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback
                status = resp.status
                resp.read()
        except urllib.error.HTTPError as err:
            status = err.code
            err.read()
        except (OSError, urllib.error.URLError):
            status = 0
        ms = (time.perf_counter() - started) * 1000
        with self.ledger.lock:
            self.ledger.orders[ref] = len(body["lines"])
            if status in (200, 201):
                self.ledger.accepted_orders.add(ref)
        return self.ledger.add(Answer("intake", status, ms, status in (200, 201)))

    def lookup(self, ref: str, user: str) -> Answer:
        d = self.sb.slash("/order", ref, user=user, channel=CHANNEL)
        return self.ledger.add(Answer("lookup", d.status, d.ack_ms, d.status == 200, _why(d)))

    def flag(self, ref: str, user: str, token: str) -> Answer:
        d = self.sb.slash("/order", f"flag {ref} bench {token}", user=user, channel=CHANNEL)
        accepted = d.status == 200 and "Flagged" in json.dumps(d.body)
        if accepted:
            with self.ledger.lock:
                self.ledger.flags[token] = ref
        return self.ledger.add(Answer("flag", d.status, d.ack_ms, accepted, _why(d)))

    def open_editor(self, ref: str, user: str):
        """The edit modal of `ref` for `user`, or None if it did not open."""
        for view in self.sb.views(user=user):
            self.sb.close_view(view, user=user)
        d = self.sb.slash("/order", f"edit {ref}", user=user, channel=CHANNEL)
        self.ledger.add(Answer("open_editor", d.status, d.ack_ms, d.status == 200, _why(d)))
        if d.status != 200:
            return None
        try:  # the app acks first, then calls views.open
            self.sb.wait_for(lambda: self.sb.views(user=user), timeout=5)
        except AssertionError:
            return None
        view = self.sb.views(user=user)[-1]
        return view if view.callback_id == EditOrderIds.CALLBACK else None

    def submit_edit(self, view, ref: str, user: str, token: str) -> Answer:
        d = self.sb.submit(view, {"ship_to.city": token}, user=user)
        body = d.body if isinstance(d.body, dict) else {}
        accepted = d.status == 200 and not body.get("response_action")
        if accepted:
            with self.ledger.lock:
                self.ledger.edits[token] = ref
        # Slack's own client refuses a modal with a required field empty (some seeded orders
        # have no postal code): nothing reached the app, so it is no answer of the app's.
        kind = "edit" if d.sent else "edit_not_sent"
        return self.ledger.add(Answer(kind, d.status, d.ack_ms, accepted, _why(d)))

    def edit(self, ref: str, user: str, token: str) -> Answer | None:
        view = self.open_editor(ref, user)
        return None if view is None else self.submit_edit(view, ref, user, token)

    def take(self, message, discrepancy_id: int, user: str) -> Answer:
        """Click "Take it" on a triage parent."""
        told = len(self.sb.ephemerals(user=user))
        d = self.sb.click(f"{TriageActions.ASSIGN_ME}:{discrepancy_id}", user=user,
                          message=message)
        # A click's ack is an empty 200 whatever happens; a failure is told in an ephemeral
        # (sent before the ack, and this user is only ever driven by one sender thread).
        refused = any(icon in json.dumps(m.blocks) for m in self.sb.ephemerals(user=user)[told:]
                      for icon in (":x:", ":hourglass:", ":warning:"))
        accepted = d.status == 200 and not refused
        if accepted:
            with self.ledger.lock:
                self.ledger.takes.add(discrepancy_id)
        return self.ledger.add(Answer("take", d.status, d.ack_ms, accepted, _why(d)))

    def ask(self, question: str, user: str) -> Answer:
        d = self.sb.mention(question, user=user, channel=CHANNEL)
        with self.ledger.lock:
            self.ledger.questions += 1
        return self.ledger.add(Answer("question", d.status, d.ack_ms, d.status == 200, _why(d)))

    def triage_parents(self) -> list[tuple[object, int]]:
        """(message, discrepancy id) of every posted triage parent with a Take-it button."""
        found = []
        for message in self.sb.messages(TRIAGE):
            for block in message.blocks:
                for element in block.get("elements", []) if block.get("type") == "actions" \
                        else []:
                    prefix, _, ident = element.get("action_id", "").partition(":")
                    if prefix == TriageActions.ASSIGN_ME and ident.isdigit():
                        found.append((message, int(ident)))
        return found


class Traffic:
    """`threads` senders, each a processor with a few users' edit modals kept open (so edits
    can be submitted while Slack's API is failing), sending a weighted mix until stopped.

    mix: {"intake": 3, "lookup": 3, "edit": 2, "flag": 1, "take": 1} (relative weights)."""

    def __init__(self, desk: Desk, *, threads: int = 4, mix: dict[str, int] | None = None,
                 pause_s: float = 0.02, intake_retries: int = 5, prefix: str = "WEB",
                 limit: int | None = None) -> None:
        self.desk, self.pause_s, self.intake_retries = desk, pause_s, intake_retries
        self.mix = mix or {"intake": 3, "lookup": 3, "edit": 2, "flag": 1, "take": 1}
        self.threads, self.prefix, self.limit = threads, prefix, limit
        self.stop_event = threading.Event()
        self._counter = iter(range(10**9))
        self._lock = threading.Lock()
        self.workers: list[threading.Thread] = []
        self._taken: set[int] = set()
        users_each = len(PROCESSORS) // threads
        self._users = [PROCESSORS[i * users_each:(i + 1) * users_each] for i in range(threads)]

    def next_n(self) -> int:
        with self._lock:
            return next(self._counter)

    def start(self) -> Traffic:
        for i in range(self.threads):
            worker = threading.Thread(target=self._run, args=(i,), daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def join(self) -> None:
        for worker in self.workers:
            worker.join()

    def stop(self) -> None:
        self.stop_event.set()
        for worker in self.workers:
            worker.join(120)

    def _run(self, index: int) -> None:
        rng = random.Random(index)
        users, ready = self._users[index], {}
        kinds = [k for k, w in self.mix.items() for _ in range(w)]
        turn = 0
        while not self.stop_event.is_set():
            if self.limit is not None and len(self.desk.ledger.answers) >= self.limit:
                return
            kind = rng.choice(kinds)
            user = users[turn % len(users)]
            turn += 1
            try:
                self.one(kind, user, ready, rng)
            except Exception as exc:  # noqa: BLE001 - a sender keeps going; counted below
                self.desk.ledger.add(Answer(f"{kind}-error:{type(exc).__name__}", -1, 0.0,
                                            False))
            time.sleep(self.pause_s)

    def one(self, kind: str, user: str, ready: dict, rng) -> None:
        desk, n = self.desk, self.next_n()
        if kind == "intake":
            ref = f"{self.prefix}-{n:07d}"
            for attempt in range(self.intake_retries + 1):
                answer = desk.intake(ref, n)
                # A client retries what got no answer or a 5xx; the same order is idempotent.
                if answer.status and answer.status < 500:
                    break
                time.sleep(min(2.0, 0.2 * 2 ** attempt))
        elif kind == "lookup":
            desk.lookup(rng.choice(desk.refs), user)
        elif kind == "flag":
            desk.flag(rng.choice(desk.refs), user, f"flag-{n}")
        elif kind == "edit":
            # Submit the modal this user opened earlier (it may have been open across a
            # fault), then keep a fresh one open; with none open, open one and submit it.
            view = ready.pop(user, None)
            if view is None or not view.is_open:
                view = desk.open_editor(rng.choice(desk.refs), user)
            if view is not None:
                desk.submit_edit(view, view_ref(view), user, f"City{n}")
            opened = desk.open_editor(rng.choice(desk.refs), user)
            if opened is not None:
                ready[user] = opened
        elif kind == "take":
            with self._lock:
                choices = [(m, d) for m, d in desk.triage_parents() if d not in self._taken]
                pick = rng.choice(choices) if choices else None
                if pick is not None:
                    self._taken.add(pick[1])
            if pick is not None:
                desk.take(pick[0], pick[1], user)
        elif kind == "question":
            desk.ask(f"status of {rng.choice(desk.refs)}?", user)


def view_ref(view) -> str:
    """The order ref an edit modal is about (from its private metadata)."""
    meta = json.loads(view.private_metadata or "{}")
    return str(meta.get("ref") or meta.get("order_ref") or "?")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def status_counts(answers: list[Answer]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a in answers:
        counts[str(a.status)] += 1
    return dict(counts)
