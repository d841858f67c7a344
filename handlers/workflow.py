"""Workflow Builder steps (manifest `functions`): look up, flag, create and hold an order.

Slack runs a step by sending `function_executed` (Bolt acks it); the step ends with
functions.completeSuccess (its outputs) or functions.completeError (a sentence a workflow
author understands). Every step checks the role of the person who ran the workflow (its
`user_id` input, a user_context Slack fills from that person: a builder can't type someone
in; guests and other organisations' people have no role), shows what the visibility
policy lets that person see (the outputs go wherever the workflow's author sends them), and
runs once per execution id: a repeated delivery gets the first outputs
back and changes nothing (store.workspace.submit_once keyed by the execution id).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request, require
from handlers.kit.errors import message_for
from handlers.kit.people import is_outsider
from messages.text import money
from store.errors import OrderdeskError, OrderNotFound, Outsider, ValidationFailed
from store.lookup import find_orders
from store.orders import OrderEdit, create_order, edit_order, get_order
from store.triage import flag_order
from store.views.orders import OrderView
from store.workspace import FULL, Viewer, seen_order, submit_once

log = logging.getLogger("orderdesk.workflow")
Work = Callable[[Deps, Viewer, dict], dict]  # (deps, the person running it, inputs) -> outputs
# The manifest requires a total; a status-only sight shows none.
TOTAL_NOT_SHOWN = "not shown (status only)"
_LINE = re.compile(r"^\s*(\S+?)\s*(?:[x×*:]|\s)\s*(\d+)\s*$", re.IGNORECASE)


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.function("lookup_order", on_lookup_order_step)
    on.function("flag_order", on_flag_order_step)
    on.function("create_order", on_create_order_step)
    on.function("hold_order", on_hold_order_step)


def on_lookup_order_step(request: Request) -> Reply:
    return run_step(request, "lookup_order", Permission.LOOKUP, lambda deps, viewer, inputs:
                    order_outputs(seen_order(viewer, _named(deps, _required(inputs, "ref")))))


def _named(deps: Deps, text: str) -> OrderView:
    """The order a ref, PO or tracking number names, as /order finds it; only an exact match
    (a step has nobody to pick among candidates)."""
    try:
        return get_order(deps.db, ref=text)
    except OrderNotFound:
        found = find_orders(deps.db, query=text, limit=1)
        if found.exact is None:
            raise
        return found.exact


def on_flag_order_step(request: Request) -> Reply:
    def work(deps: Deps, viewer: Viewer, inputs: dict) -> dict:
        found = flag_order(deps.db, ref=_required(inputs, "ref"), actor=viewer.user_id,
                           reason=inputs.get("note") or "", kind=inputs.get("type") or "other")
        return {"discrepancy_id": str(found.discrepancy.id),
                "ref": found.discrepancy.order_ref}
    return run_step(request, "flag_order", Permission.FLAG, work)


def on_create_order_step(request: Request) -> Reply:
    def work(deps: Deps, viewer: Viewer, inputs: dict) -> dict:
        order = create_order(deps.db, actor=viewer.user_id,
                             customer_code=_required(inputs, "customer_code").upper(),
                             po_number=str(inputs.get("po_number") or "").strip() or None,
                             lines=parse_lines(_required(inputs, "lines")))
        return order_outputs(seen_order(viewer, order))
    return run_step(request, "create_order", Permission.ENTER_ORDER, work)


def on_hold_order_step(request: Request) -> Reply:
    def work(deps: Deps, viewer: Viewer, inputs: dict) -> dict:
        order = get_order(deps.db, ref=_required(inputs, "ref"))
        reason = "_".join(_required(inputs, "reason").lower().split())
        result = edit_order(deps.db, ref=order.ref, actor=viewer.user_id,
                            expected_version=order.version,
                            changes=OrderEdit(place_hold=(reason, inputs.get("note"))))
        return order_outputs(seen_order(viewer, result.order))
    return run_step(request, "hold_order", Permission.EDIT_ORDER, work)


# A workflow built on the manifest before Run by became a user_context: its builder typed a
# person in, and the step would act as them.
STALE_RUN_BY = ("Run by must be the person who ran the workflow, set by Slack. Remove this "
                "step from the workflow and add it again: it was added when a builder could "
                "type anyone in.")


def run_by(value) -> str:
    """Who ran the workflow: a user_context input ({"id", "secret"}), which Slack sets from
    the person and no builder can type. A bare user id is refused ("" ): anyone building a
    workflow could name someone else, and the step would act, and be logged, as them."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return ""


def run_step(request: Request, name: str, permission: Permission, work: Work) -> Reply:
    event = request.event
    execution, inputs = event["function_execution_id"], dict(event.get("inputs") or {})
    actor = run_by(inputs.get("user_id"))
    try:
        if not actor:
            raise ValidationFailed({"user_id": STALE_RUN_BY})
        if is_outsider(request.client, actor):
            raise Outsider()
        viewer = Viewer(user_id=actor, role=require(request.deps, actor, permission),
                        policy=request.deps.settings.rep_visibility)
        done = submit_once(request.deps.db, token=execution, kind=f"workflow.{name}",
                           actor=actor, work=lambda: work(request.deps, viewer, inputs),
                           answer=lambda outputs: outputs)
    except Exception as error:  # the workflow must end either way: say why it stopped
        log.info("step %s %s failed: %s", name, execution, error)
        return Reply().fail_step(execution, step_error(error, request.body))
    return Reply().complete_step(execution, done.answer)


_LINE_FIELD = re.compile(r"^line\.(\d+)\.")
_NO_PRICE = re.compile(r"SKU '([^']+)' is not in the catalog")


def step_error(error: Exception, body: dict) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(_step_sentence(field, text) for field, text in error.errors.items())
    if isinstance(error, OrderdeskError):
        return error.message
    return message_for(error, body)["text"]  # logged with a reference the author can quote


def _step_sentence(field: str, text: str) -> str:
    """A modal's error as a workflow's author reads it: which line (the modal showed it under
    the line's field), and no "write the price", which a step has no input for."""
    line = _LINE_FIELD.match(field)
    if line is None or text.startswith(f"Line {line.group(1)}:"):
        return text
    if (unknown := _NO_PRICE.search(text)) is not None:
        text = (f"SKU '{unknown.group(1)}' is not in the catalog, and a workflow step gives no "
                "price: use a catalog SKU, or enter this order with /order new.")
    return f"Line {line.group(1)}: {text}"


def order_outputs(order: OrderView) -> dict:
    """The step's outputs of an order as its runner may see it (store.workspace.seen_order)."""
    tracking = next((s.tracking_url for s in reversed(order.shipments) if s.tracking_url), None)
    outputs = {
        "ref": order.ref,
        "status": " · ".join([order.status, order.fulfilment_status.replace("_", " "),
                             f"payment {order.payment_status.replace('_', ' ')}"]),
        "customer": order.customer_name,
        "total": (money(order.total_minor, order.currency) if order.sight == FULL
                  else TOTAL_NOT_SHOWN),
        "promised_date": order.promised_date.isoformat() if order.promised_date else None,
        "tracking_url": tracking,
    }
    return {k: v for k, v in outputs.items() if v}


def parse_lines(text: str) -> list[tuple]:
    """"WID-1042-BL x 3, GIZ-2001-RD x 1" (or one a line, "SKU: 3", "SKU 3") as the New order
    modal's lines: (line no, sku, quantity, no price: the catalogue's)."""
    lines = []
    for n, part in enumerate((p for p in re.split(r"[\n;,]+", text) if p.strip()), start=1):
        match = _LINE.match(part)
        if not match:
            raise ValidationFailed({"lines": (
                f"Line {n} “{part.strip()[:60]}” is not “SKU x quantity”, "
                "e.g. “WID-1042-BL x 3, GIZ-2001-RD x 1”.")})
        lines.append((n, match.group(1).upper(), int(match.group(2)), None))
    return lines


def _required(inputs: dict, key: str) -> str:
    value = str(inputs.get(key) or "").strip()
    if not value:
        raise ValidationFailed({key: f"The step needs its “{key}” input."})
    return value
