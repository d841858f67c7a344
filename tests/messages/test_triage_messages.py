"""Every triage message and modal renders valid Block Kit, with hostile text escaped, within
Slack's limits, in every state an item can be in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from messages import triage as m
from messages import triage_modals as modals
from sandbox.blockkit import validate_message_blocks, validate_view
from store.triage.actions import ActionResult
from store.triage.loading import DiscrepancyView, NoteView
from store.triage.queue import QueuePage
from store.triage.rules import RESOLUTION_REASONS
from store.views.orders import CustomerMatch, EventView, ProductMatch
from store.workspace.routing import RouteView
from tests.support.views import HOSTILE

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
SNOOZE = [("1h", "1 hour"), ("4h", "4 hours"), ("tomorrow", "Tomorrow 09:00")]


def item(n: int = 1, **overrides) -> DiscrepancyView:
    values = dict(
        id=n, order_id=n, order_ref=HOSTILE[:60], customer_name=HOSTILE, type="price_mismatch",
        severity="high", status="new", title=HOSTILE * 3, expected=HOSTILE * 20,
        found=HOSTILE * 20, fix_label="Re-price to $12.50 " + HOSTILE, owner_id=None,
        opened_by="import", opened_at=AT, sla_due_at=AT, overdue=True, snoozed_until=None,
        escalated_at=None, resolved_at=None, resolved_by=None, resolution_reason=None,
        resolution_label=None, resolution_note=None, channel_id="C0TRIAGE", message_ts="1.2",
        version=1)
    return DiscrepancyView(**{**values, **overrides})


STATES = {
    "new": item(),
    "assigned": item(status="assigned", owner_id="U0PROC1", fix_label=None),
    "snoozed": item(status="snoozed", snoozed_until=AT, escalated_at=AT),
    "resolved": item(status="resolved", resolved_at=AT, resolved_by="U0PROC1",
                     resolution_reason="other", resolution_label="Other",
                     resolution_note=HOSTILE * 50, fix_label=None, overdue=False),
}


def mrkdwn_texts(node) -> list[str]:
    """Every string Slack reads as mrkdwn: mrkdwn text objects and the fallback text."""
    if isinstance(node, list):
        return [t for child in node for t in mrkdwn_texts(child)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "mrkdwn" and "text" in node else []
    return own + [t for value in node.values() for t in mrkdwn_texts(value)]


def valid(message: dict) -> dict:
    assert validate_message_blocks(message["blocks"]) == []
    for text in [message["text"], *mrkdwn_texts(message["blocks"])]:
        assert "<!channel>" not in text and "<b>" not in text
    return message


@pytest.mark.parametrize("state", list(STATES))
def test_the_parent_is_valid_in_every_state_and_has_buttons_only_while_open(state):
    msg = valid(m.parent_message(STATES[state], snooze_options=SNOOZE))
    actions = [e["action_id"] for b in msg["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    if state == "resolved":
        assert actions == [] and "Resolved by <@U0PROC1>" in json.dumps(msg)
    else:
        assert all(a.endswith(":1") for a in actions) and "triage.resolve:1" in actions
    assert "&lt;!channel&gt;" in json.dumps(msg)


def test_apply_fix_and_escalate_show_only_when_they_apply():
    def ids(d):
        return json.dumps(m.parent_message(d, snooze_options=SNOOZE))
    assert "triage.fix:1" in ids(STATES["new"]) and "triage.escalate:1" in ids(STATES["new"])
    assert "triage.fix:1" not in ids(STATES["assigned"])
    assert "triage.escalate:1" not in ids(STATES["snoozed"])


def test_notes_dms_summaries_and_escalations_are_valid_and_escaped():
    event = EventView(id=1, at=AT, actor_id="U0PROC1", kind="triage.resolved", summary=HOSTILE)
    messages = [
        m.thread_note(NoteView(STATES["new"], event)),
        m.rep_dm(STATES["new"], what="flagged"), m.rep_dm(STATES["resolved"], what="resolved"),
        m.batch_summary(count=42, channel_id="C0TRIAGE"), m.dm_batch_summary(count=1),
        m.escalation_message(STATES["new"], by="system", snooze_options=SNOOZE),
        m.action_reply(ActionResult(STATES["resolved"], "already_resolved")),
        m.routes_message([RouteView("default", "C0TRIAGE", "U0ADMIN")], ("price_mismatch",
                                                                         "default", "manager")),
    ]
    for message in messages:
        valid(message)


def test_a_long_queue_stays_within_fifty_blocks_and_offers_the_next_page():
    page = QueuePage("", tuple(item(n) for n in range(1, 16)), total=40, offset=0)
    msg = valid(m.queue_message(page, snooze_options=SNOOZE))
    assert len(msg["blocks"]) <= 50
    assert "Next (25 more)" in json.dumps(msg)
    empty = valid(m.queue_message(QueuePage("mine", (), 0, 0), snooze_options=SNOOZE))
    assert "*0* open discrepancies" in json.dumps(empty)


def test_modals_are_valid():
    reasons = list(RESOLUTION_REASONS.items())
    views = [modals.resolve_modal(item(), reasons=reasons, channel_id="C0TRIAGE"),
             modals.flag_modal(ref="SO-1042", reason=HOSTILE * 10, channel_id=None),
             modals.flag_modal(ref=None, reason=None, channel_id="C1"),
             modals.new_order_modal(channel_id="C0ORDERS")]
    for view in views:
        assert validate_view(view) == []
    meta = modals.ModalMetadata.loads(views[0]["private_metadata"])
    assert (meta.discrepancy_id, meta.channel_id) == (1, "C0TRIAGE")


def test_picker_options_fit_slacks_limits():
    customers = modals.customer_options([CustomerMatch(1, "ACME", HOSTILE * 5, 90.0)])
    products = modals.product_options([ProductMatch("WID-1", HOSTILE * 5, 90.0, True),
                                       ProductMatch("OLD-1", "old", 80.0, False)])
    assert len(customers["options"][0]["text"]["text"]) <= 75
    assert [o["value"] for o in products["options"]] == ["WID-1"]


def test_the_resolve_modal_title_fits():
    view = modals.flag_modal(ref="SO-123456789012345678", reason=None, channel_id=None)
    assert len(view["title"]["text"]) <= 24
    assert replace(item(), fix_label=None).fix_label is None


def test_threads_say_names_and_nudges_ping_someone():
    """#15.5: threads read `assigned it to U0SALES1`; SLA nudges mentioned nobody."""
    from store.views.orders import FieldChange
    assigned = EventView(id=2, at=AT, actor_id="U0PROC1", kind="triage.assigned",
                         summary="assigned it to U0MGR1",
                         changes=(FieldChange("owner", "", "U0MGR1"),))
    note = m.thread_note(NoteView(STATES["new"], assigned))
    assert note["text"] == "<@U0PROC1> assigned it to <@U0MGR1>"
    nudge = EventView(id=3, at=AT, actor_id="system", kind="triage.nudged",
                      summary="is past its SLA target")
    owned = m.thread_note(NoteView(STATES["assigned"], nudge))
    assert owned["text"].startswith(":alarm_clock: <@U0PROC1> this is past its SLA target")
    nobody = m.thread_note(NoteView(STATES["new"], nudge))
    assert "<!here>" in nobody["text"] and "Assign to me" in nobody["text"]


def test_a_snooze_note_says_when_in_each_readers_own_zone():
    """A Kiritimati desk read "snoozed until 2026-05-04 19:00 UTC" for its own 09:00."""
    from store.views.orders import FieldChange
    snoozed = EventView(id=4, at=AT, actor_id="U0PROC1", kind="triage.snoozed",
                        summary="snoozed until 2026-05-04T19:00:00+00:00",
                        changes=(FieldChange("snoozed_until", "",
                                             "2026-05-04T19:00:00+00:00"),))
    text = m.thread_note(NoteView(STATES["new"], snoozed))["text"]
    assert "snoozed until <!date^1777921200^{date_short_pretty} {time}|2026-05-04 19:00 UTC>" \
        in text


def test_the_escalation_carries_the_buttons_managers_need_and_assign_offers_the_desk():
    workers = [("U0MGR1", "max"), ("U0PROC1", "priya")]
    post = valid(m.escalation_message(STATES["new"], by="system", snooze_options=SNOOZE,
                                      workers=workers))
    ids = [e["action_id"].partition(":")[0] for b in post["blocks"] if b["type"] == "actions"
           for e in b["elements"]]
    assert ids == ["triage.assign_me", "triage.assign", "triage.resolve", "triage.fix",
                   "triage.escalate", "triage.snooze"]
    assign = next(e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"].startswith("triage.assign:"))
    assert [(o["text"]["text"], o["value"]) for o in assign["options"]] == [
        ("max", "1|U0MGR1"), ("priya", "1|U0PROC1")]


@pytest.mark.parametrize("state", list(STATES))
def test_a_spanish_parent_is_valid_in_every_state_and_speaks_spanish(state):
    from messages import i18n
    with i18n.using("es"):
        msg = valid(m.parent_message(STATES[state], snooze_options=SNOOZE))
    shown = json.dumps(msg, ensure_ascii=False)
    assert "*Esperado*" in shown and "*Encontrado*" in shown and "Expected" not in shown
    if state == "resolved":
        assert "Resuelto por <@U0PROC1>" in shown
    else:
        assert all(word in shown for word in ("Asignármelo", "Resolver", "Posponer", "4 horas",
                                              "abierto", "*vencido* desde"))


def test_the_queue_speaks_spanish_and_its_english_is_unchanged():
    from messages import i18n
    page = QueuePage("batch:C0TRIAGE:20261109", tuple(item(n) for n in range(1, 16)),
                     total=1234, offset=15)
    english = json.dumps(m.queue_message(page, snooze_options=SNOOZE), ensure_ascii=False)
    assert ("*1234* open discrepancies batched in <#C0TRIAGE> at 09:00 UTC, oldest first "
            "(showing 16–30 of 1234)") in english
    assert all(w in english for w in ('"Open discrepancies"', "_Expected_ ", " \u00b7 _found_ ",
                                      '"Previous"', "Next (1204 more)"))
    with i18n.using("es_ES"):
        msg = valid(m.queue_message(page, snooze_options=SNOOZE))
    shown = json.dumps(msg, ensure_ascii=False)
    assert msg["text"] == "Discrepancias abiertas"
    assert ("*1.234* discrepancias abiertas agrupadas en <#C0TRIAGE> a las 09:00 UTC, las más "
            "antiguas primero (mostrando 16–30 de 1.234)") in shown
    assert all(w in shown for w in ("_Esperado_ ", " · _encontrado_ ", '"Anterior"',
                                    "Siguiente (1.204 más)", "Asignármelo"))
    assert "Expected" not in shown and "oldest" not in shown


def test_button_replies_and_the_parents_fallback_speak_spanish_and_english_is_unchanged():
    from messages import i18n
    d = item(order_ref="SO-1001", title="Line 1: WID-1 at $10.00, catalog price $12.50")
    english = m.action_reply(ActionResult(d, "resolved"))
    assert english["text"] == "Resolved. SO-1001"
    assert m.action_reply(ActionResult(d, "odd"))["text"] == "Done. SO-1001"
    parent = m.parent_message(d, snooze_options=SNOOZE)
    assert parent["text"] == ("price_mismatch · high · SO-1001: Line 1: WID-1 at $10.00, "
                              "catalog price $12.50")
    with i18n.using("es"):
        replies = {o: m.action_reply(ActionResult(d, o))["text"]
                   for o in ("assigned", "resolved", "snoozed", "already_resolved", "odd")}
        parent = valid(m.parent_message(d, snooze_options=SNOOZE))
    assert replies == {"assigned": "Asignada. SO-1001", "resolved": "Resuelta. SO-1001",
                       "snoozed": "Pospuesta. SO-1001",
                       "already_resolved": "Nada que hacer: ya está resuelta. SO-1001",
                       "odd": "Hecho. SO-1001"}
    assert parent["text"].startswith("Precio no coincide · alta · SO-1001: ")
