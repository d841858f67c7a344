"""Workflow Builder steps end to end: the manifest's steps run through the sandbox
(function_executed with a function token), each ending with completeSuccess and the outputs the
manifest declares, or completeError with a sentence a workflow author understands; the role
of the person running the workflow decides; a repeated execution changes nothing twice."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.app_stack import CHANNEL, PROCESSOR, SALES
from handlers.workflow import TOTAL_NOT_SHOWN
from sandbox.console import run_console
from store.models import Customer, Discrepancy, Order, OrderHold

MANIFEST = json.loads((Path(__file__).parents[2] / "manifest.json").read_text())


def run(stack, step: str, execution_id: str | None = None, *, user_id: str | None = None,
        **inputs):
    """Run `step` as the person `user_id` (Run by: Slack sets it from whoever ran it)."""
    d = stack.sb.run_function(step, inputs, execution_id=execution_id, run_by=user_id)
    assert d.status == 200 and not d.problems, d.problems
    stack.sb.wait_for(lambda: stack.sb.execution(d.execution_id).state != "running")
    return stack.sb.execution(d.execution_id)


def count(stack, model, *where) -> int:
    with stack.db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_the_manifest_declares_the_steps_and_what_slack_needs_to_offer_them():
    assert MANIFEST["settings"]["org_deploy_enabled"] is True
    assert MANIFEST["settings"]["function_runtime"] == "remote"
    assert "function_executed" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    steps = MANIFEST["functions"]
    assert set(steps) == {"lookup_order", "flag_order", "create_order", "hold_order"}
    for step in steps.values():
        assert step["title"] and step["description"]
        # Set by Slack from the person who ran the workflow: no builder can type someone in.
        assert step["input_parameters"]["user_id"]["type"] == "slack#/types/user_context"
        for param in [*step["input_parameters"].values(), *step["output_parameters"].values()]:
            assert set(param) <= {"type", "title", "description", "is_required", "hint"}



def test_a_run_by_a_builder_typed_in_is_refused(stack):
    """Run by was a user_id a workflow's builder could set to anyone: a rep's workflow ran
    create_order as the processor, and the audit trail named the processor. A step added under
    that manifest sends a bare id: refused, saying how to mend it; nothing is written."""
    old = {**MANIFEST["functions"]["flag_order"]}
    old["input_parameters"] = {**old["input_parameters"], "user_id": {
        **old["input_parameters"]["user_id"], "type": "slack#/types/user_id"}}
    stack.sb.define_functions({"flag_order": old})
    d = stack.sb.run_function("flag_order", {"ref": "SO-1042", "note": "x", "user_id": PROCESSOR})
    stack.sb.wait_for(lambda: stack.sb.execution(d.execution_id).state != "running")
    done = stack.sb.execution(d.execution_id)
    assert done.state == "failed" and "Remove this step from the workflow" in done.error
    assert count(stack, Discrepancy) == 0
    with pytest.raises(ValueError, match="user_context is set by Slack"):
        stack.sb.define_functions(MANIFEST["functions"])
        stack.sb.run_function("flag_order", {"ref": "SO-1042", "note": "x",
                                             "user_id": {"id": PROCESSOR, "secret": "typed"}})

def test_lookup_order_answers_its_outputs_or_says_there_is_no_such_order(stack, desk):
    found = run(stack, "lookup_order", ref="so 1042", user_id=PROCESSOR)
    assert found.state == "completed", found.error
    assert found.outputs["ref"] == "SO-1042" and found.outputs["customer"] == "Acme Corporation"
    assert found.outputs["status"].startswith("open · ") and found.outputs["total"].startswith("$")
    shipped = run(stack, "lookup_order", ref="SO-1044", user_id=PROCESSOR)
    assert shipped.outputs["tracking_url"].startswith("https://")
    missing = run(stack, "lookup_order", ref="SO-404404", user_id=SALES)
    assert missing.state == "failed" and "SO-404404" in missing.error


def test_lookup_order_outputs_what_the_person_running_it_may_see(stack, desk):
    """The outputs go wherever the workflow's author sends them: a rep on another rep's
    account (ORDERDESK_REP_VISIBILITY=status) gets its status, not its total or tracking; on
    their own account everything; a guest nothing."""
    other = run(stack, "lookup_order", ref="SO-1044", user_id=SALES)
    assert other.state == "completed", other.error
    assert other.outputs["ref"] == "SO-1044" and other.outputs["status"]
    assert other.outputs["total"] == TOTAL_NOT_SHOWN and "tracking_url" not in other.outputs
    with stack.db.write() as s:
        s.get(Customer, desk["BETA"]).sales_rep_id = SALES
    own = run(stack, "lookup_order", ref="SO-1044", user_id=SALES)
    assert own.outputs["total"].startswith("$") and own.outputs["tracking_url"]
    stack.sb.add_user("U0GUEST", "guest", guest="multi", channels=[CHANNEL])
    guest = run(stack, "lookup_order", ref="SO-1044", user_id="U0GUEST")
    assert guest.state == "failed" and "guests" in guest.error and "$" not in guest.error


def test_flag_order_opens_one_discrepancy_per_execution(stack, desk):
    first = run(stack, "flag_order", "Fx0FLAG1", ref="SO-1042", type="price mismatch",
                note="Quoted $11 a unit", user_id=SALES)
    assert first.state == "completed", first.error
    with stack.db.read() as s:
        d = s.get(Discrepancy, int(first.outputs["discrepancy_id"]))
        assert (d.type.value, d.title) == ("price_mismatch", "Quoted $11 a unit")
    before = count(stack, Discrepancy)
    stack.sb.ws.executions["Fx0FLAG1"].state = "running"  # Slack delivers the run again
    again = run(stack, "flag_order", "Fx0FLAG1", ref="SO-1042", type="price mismatch",
                note="Quoted $11 a unit", user_id=SALES)
    assert again.outputs == first.outputs and count(stack, Discrepancy) == before
    bad = run(stack, "flag_order", ref="SO-1042", type="weird", note="x", user_id=SALES)
    assert bad.state == "failed" and "is not a problem type" in bad.error


def test_create_order_enters_it_once_for_the_desk_and_refuses_a_sales_rep(stack, desk):
    inputs = dict(customer_code="acme", lines="WID-1042-BL x 3, GIZ-2001-RD x 1",
                  po_number="PO-WF-1", user_id=PROCESSOR)
    created = run(stack, "create_order", "Fx0CREATE1", **inputs)
    assert created.state == "completed", created.error
    assert created.outputs["ref"].startswith("SO-") and created.outputs["customer"] == \
        "Acme Corporation"
    assert count(stack, Order, Order.po_number == "PO-WF-1") == 1
    stack.sb.ws.executions["Fx0CREATE1"].state = "running"
    again = run(stack, "create_order", "Fx0CREATE1", **inputs)
    assert again.outputs["ref"] == created.outputs["ref"]
    assert count(stack, Order, Order.po_number == "PO-WF-1") == 1
    refused = run(stack, "create_order", **{**inputs, "user_id": SALES, "po_number": "PO-WF-2"})
    assert refused.state == "failed" and "You can't enter orders" in refused.error
    bad = run(stack, "create_order", **{**inputs, "lines": "WID-1042-BL three"})
    assert bad.state == "failed" and "is not “SKU x quantity”" in bad.error
    unknown = run(stack, "create_order", **{**inputs, "customer_code": "NOPE"})
    assert unknown.state == "failed" and "NOPE" in unknown.error
    assert count(stack, Order, Order.po_number.like("PO-WF-%")) == 1


def test_hold_order_places_a_hold_for_the_desk_only(stack, desk):
    held = run(stack, "hold_order", ref="SO-1042", reason="credit hold", note="over limit",
               user_id=PROCESSOR)
    assert held.state == "completed", held.error
    assert count(stack, OrderHold, OrderHold.placed_by == PROCESSOR) == 1
    refused = run(stack, "hold_order", ref="SO-1042", reason="other", user_id=SALES)
    assert refused.state == "failed" and "You can't" in refused.error
    bad = run(stack, "hold_order", ref="SO-1042", reason="because", user_id=PROCESSOR)
    assert bad.state == "failed" and "not a hold reason" in bad.error


def test_the_console_runs_a_step_as_you(stack, desk):
    script = iter(["workflow lookup_order ref=SO-1042", "workflow lookup_order ref=SO-9",
                   "quit"])
    out = io.StringIO()
    run_console(stack.sb, user=PROCESSOR, input_fn=lambda _p="": next(script), output=out)
    shown = out.getvalue()
    assert "Step lookup_order completed:\n  ref: SO-1042" in shown
    assert "customer: Acme Corporation" in shown and "Step lookup_order failed:" in shown


def test_lookup_order_finds_an_order_by_its_po_or_tracking_number(stack, desk):
    """The input is "an order ref, a PO or a tracking number" (the manifest, the README); a PO
    or tracking number failed with "No order … found"."""
    for given, ref in [("4500012345", "SO-1043"), ("PO-7781", "SO-1042"),
                       ("1Z999AA10123456784", "SO-1044")]:
        found = run(stack, "lookup_order", ref=given, user_id=PROCESSOR)
        assert found.state == "completed", (given, found.error)
        assert found.outputs["ref"] == ref
    vague = run(stack, "lookup_order", ref="acme", user_id=PROCESSOR)  # candidates: no pick
    assert vague.state == "failed"


def test_create_order_errors_say_which_line_and_what_to_fix(stack, desk):
    """An unknown SKU on line 2 said "unit_price is empty … write the price" (no line named,
    and the step has no price input); a quantity of 0 said "quantity is empty"."""
    unknown = run(stack, "create_order", customer_code="acme",
                  lines="WID-1042-BL x 1, NOPE-9 x 1", user_id=PROCESSOR)
    assert unknown.state == "failed"
    assert unknown.error.startswith("Line 2: SKU 'NOPE-9' is not in the catalog"), unknown.error
    assert "write the price" not in unknown.error
    zero = run(stack, "create_order", customer_code="acme",
               lines="WID-1042-BL x 1, GIZ-2001-RD x 0", user_id=PROCESSOR)
    assert zero.state == "failed"
    assert "empty" not in zero.error and zero.error.startswith("Line 2: "), zero.error
    assert "Line 2: Line 2" not in zero.error and "remove it" not in zero.error, zero.error


def test_a_blank_optional_po_is_no_po(stack, desk):
    made = run(stack, "create_order", customer_code="acme", lines="WID-1042-BL x 1",
               po_number="   ", user_id=PROCESSOR)
    assert made.state == "completed", made.error
    with stack.db.read() as s:
        po = s.scalar(select(Order.po_number).where(Order.ref == made.outputs["ref"]))
    assert po is None, repr(po)


def test_a_huge_input_is_not_echoed_back_whole(stack, desk):
    """A workflow may pass pages of text where a ref belongs: the error repeated all 1,500
    characters of it (under the lookup's 2,000, it was read, and not found)."""
    missing = run(stack, "lookup_order", ref="x" * 1500, user_id=PROCESSOR)
    assert missing.state == "failed" and len(missing.error) < 200, len(missing.error)
    assert "x" * 79 + "…" in missing.error
