"""Every listener the app registers, driven through the sandbox (real signed requests over
HTTP) by someone whose role may not do it, and on a record that is not there (an order ref,
a discrepancy, an approval, a customer that does not exist). Each is answered by the time
Slack has the ack: in the ack's body, by modal field errors, or by an ephemeral already
posted; never a 404 after 3 s, never "something went wrong". A listener the app registers
without a case here fails the first test, so a new one cannot skip the skeleton's rules.

An ephemeral sent after the ack is made visibly late (a short delay on chat.postEphemeral),
so a check or a read after ack() fails here even when Bolt's race would hide the 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from slack_sdk import WebClient

from bench.app_stack import ADMIN, CHANNEL, MANAGER, PROCESSOR, SALES
from bot.app import create_app
from bot.config import Settings
from handlers.kit import CommandRouter
from messages.actions import (
    ApprovalActions,
    CustomerActions,
    DigestActions,
    FulfilmentActions,
    HomeActions,
    MailActions,
    NewOrderIds,
    OrderActions,
    ReturnActions,
    StockActions,
    ThreadActions,
    TriageActions,
)
from messages.approvals import RejectMetadata, reject_modal
from messages.customers import CustomerMetadata, customer_edit_modal
from messages.digest import DrillRef
from messages.edit_order import EditMetadata, edit_order_modal, stale_edit_modal
from messages.fulfilment import ShipMetadata, cancel_modal, ship_modal
from messages.mail import MailMetadata, mail_modal
from messages.metadata import OrderModalMetadata
from messages.returns import ReturnMetadata, return_modal
from messages.triage_modals import ModalMetadata, flag_modal, new_order_modal, resolve_modal
from sandbox.model import Delivery
from store.customers import get_customer
from store.fulfilment import return_form, ship_form
from store.mail import draft_for
from store.orders import get_order
from store.triage import flag_order

GONE_REF, GONE_ID, GONE_NAME = "SO-404404", 404404, "NOPE404404"
REFUSED = "You can't"
LATE_EPHEMERAL_MS = 60  # longer than an ack takes to travel back to the sandbox


@dataclass
class Desk:
    """The stack and desk, with the gestures the cases need."""

    sb: object
    db: object

    @property
    def client(self) -> WebClient:
        return WebClient(base_url=self.sb.api_url, token=self.sb.bot_token)

    def slash(self, command: str, text: str, user: str) -> Delivery:
        return self.sb.slash(command, text, user=user, channel=CHANNEL)

    def click(self, action_id: str, user: str, value: str = "", element: str = "button",
              **choice) -> Delivery:
        """Post a bot message holding the element, then use it."""
        posted = self.client.chat_postMessage(channel=CHANNEL, text="buttons", blocks=[
            {"type": "actions", "elements": [_element(element, action_id, value)]}])
        message = next(m for m in self.sb.messages(CHANNEL) if m.ts == posted["ts"])
        return self.sb.click(action_id, user=user, message=message, **choice)

    def open(self, view: dict, user: str, metadata=None):
        """A modal the person has open (opened, say, before their role changed)."""
        if metadata is not None:
            view = {**view, "private_metadata": metadata.dumps()}
        self.client.views_open(trigger_id=self.sb.ws.issue_trigger(user), view=view)
        return self.sb.views(user=user)[-1]

    def submit(self, view: dict, user: str, metadata=None, **values) -> Delivery:
        return self.sb.submit(self.open(view, user, metadata), values, user=user)

    def discrepancy(self):
        return flag_order(self.db, ref="SO-1042", actor=PROCESSOR, reason="wrong dock").discrepancy


def _element(kind: str, action_id: str, value: str) -> dict:
    text = {"type": "plain_text", "text": action_id}
    if kind == "users_select":
        return {"type": kind, "action_id": action_id, "placeholder": text}
    if kind == "static_select":
        return {"type": kind, "action_id": action_id, "placeholder": text,
                "options": [{"text": text, "value": value}]}
    return {"type": "button", "action_id": action_id, "value": value, "text": text}


Drive = Callable[[Desk, str, bool], Delivery]  # (desk, user, record gone?) -> delivery


@dataclass(frozen=True)
class Case:
    listener: str  # "<module>.<function>", without "handlers."
    drive: Drive
    refused: str | None = None  # a person whose role may not; None: every role may
    allowed: str = PROCESSOR  # a person whose role may, for the gone case
    gone: str | None = None  # what the answer about the missing record says; None: no record
    acked: bool = True  # False: not an error, the answer (a reply) may follow the ack

    @property
    def id(self) -> str:
        return self.listener


def ref(gone: bool) -> str:
    return GONE_REF if gone else "SO-1042"


def slash(command: str, text: Callable[[bool], str]) -> Drive:
    return lambda d, user, gone: d.slash(command, text(gone), user)


def click(action_id: str, value: Callable[[bool], str] = ref, **kw) -> Drive:
    return lambda d, user, gone: d.click(action_id, user, value(gone), **kw)


def item(action_id: str, **kw) -> Drive:
    """A triage element: the discrepancy's id is the action id's suffix."""
    def drive(d: Desk, user: str, gone: bool) -> Delivery:
        number = GONE_ID if gone else d.discrepancy().id
        value = f"{number}|tomorrow" if kw.get("element") == "static_select" else str(number)
        choice = {"selected_option": value} if kw.get("element") == "static_select" else {}
        return d.click(f"{action_id}:{number}", user, value, **kw, **choice)
    return drive


def drill(d: Desk, user: str, gone: bool) -> Delivery:
    value = DrillRef("late", "weekly", "2026-11-02", "2026-11-08", "UTC").dumps()
    return d.click(f"{DigestActions.DRILL}:late", user, value)


def edit_submit(d: Desk, user: str, gone: bool) -> Delivery:
    order = get_order(d.db, ref="SO-1042")
    view = edit_order_modal(order, channel_id=CHANNEL, hold_reasons=["other"])
    meta = EditMetadata(GONE_REF, order.version, CHANNEL, ()) if gone else None
    return d.submit(view, user, meta)


def reopen_submit(d: Desk, user: str, gone: bool) -> Delivery:
    view = stale_edit_modal(ref=ref(gone), message="Changed by someone else.", channel_id=CHANNEL)
    return d.submit(view, user)


def customer_submit(d: Desk, user: str, gone: bool) -> Delivery:
    customer = get_customer(d.db, query="ACME")
    meta = CustomerMetadata(GONE_NAME, customer.version, CHANNEL) if gone else None
    return d.submit(customer_edit_modal(customer, channel_id=CHANNEL), user, meta)


def flag_submit(d: Desk, user: str, gone: bool) -> Delivery:
    view = flag_modal(ref=None, reason=None, channel_id=CHANNEL)
    return d.submit(view, user, ref=ref(gone), reason="The dock is wrong")


def new_order_submit(d: Desk, user: str, gone: bool) -> Delivery:
    option = {"text": {"type": "plain_text", "text": "Acme"}, "value": "ACME"}
    sku = {"text": {"type": "plain_text", "text": "Widget"}, "value": "WID-1001-BL"}
    return d.submit(new_order_modal(channel_id=CHANNEL), user, **{
        f"customer.{NewOrderIds.CUSTOMER}": option, f"line.1.sku.{NewOrderIds.SKU}.1": sku,
        "line.1.quantity": "1"})


def add_lines(d: Desk, user: str, gone: bool) -> Delivery:
    view = d.open(new_order_modal(channel_id=CHANNEL), user)
    return d.sb.click(NewOrderIds.ADD_LINES, user=user, view=view)


def suggest(action_id: str) -> Drive:
    def drive(d: Desk, user: str, gone: bool) -> Delivery:
        view = d.open(new_order_modal(channel_id=CHANNEL), user)
        return d.sb.block_suggestion(action_id, GONE_NAME, user=user, view=view)
    return drive


def resolve_submit(d: Desk, user: str, gone: bool) -> Delivery:
    found = d.discrepancy()
    meta = ModalMetadata(GONE_ID, CHANNEL) if gone else None
    view = resolve_modal(found, reasons=[("fixed", "Fixed")], channel_id=CHANNEL)
    return d.submit(view, user, meta, reason="fixed")


def ship_submit(d: Desk, user: str, gone: bool) -> Delivery:
    form = ship_form(d.db, ref="SO-1042")
    meta = ShipMetadata(GONE_REF, (), CHANNEL) if gone else None
    return d.submit(ship_modal(form, channel_id=CHANNEL), user, meta, carrier="UPS")


def return_submit(d: Desk, user: str, gone: bool) -> Delivery:
    form = return_form(d.db, ref="SO-1044")
    meta = ReturnMetadata(GONE_REF, (), CHANNEL) if gone else None
    view = return_modal(form, channel_id=CHANNEL, policy="pro_rata")
    return d.submit(view, user, meta, **{"ret.1.quantity": "1"})


def cancel_submit(d: Desk, user: str, gone: bool) -> Delivery:
    meta = OrderModalMetadata(GONE_REF, CHANNEL) if gone else None
    view = cancel_modal(ref="SO-1042", channel_id=CHANNEL)
    return d.submit(view, user, meta, reason="The customer called it off")


def reject_submit(d: Desk, user: str, gone: bool) -> Delivery:
    approval = SimpleNamespace(id=1, kind="refund", ref="SO-1042", amount_minor=100,
                               currency="USD", detail="")
    meta = RejectMetadata(GONE_ID, CHANNEL) if gone else None
    return d.submit(reject_modal(approval, channel_id=CHANNEL), user, meta,
                    reason="Not this time")


def mail_view(d: Desk, user: str, gone: bool):
    draft = draft_for(d.db, ref="SO-1042")
    meta = MailMetadata(GONE_ID, GONE_ID) if gone else None
    return d.open(mail_modal(draft, template="shipped", channel_id=CHANNEL), user, meta)


def template_select(d: Desk, user: str, gone: bool) -> Delivery:
    view = mail_view(d, user, gone)
    return d.sb.click(MailActions.TEMPLATE, user=user, view=view,
                      selected_option="delay_notice")


def mail_submit(d: Desk, user: str, gone: bool) -> Delivery:
    return d.sb.submit(mail_view(d, user, gone), {}, user=user)


def flag_shortcut(d: Desk, user: str, gone: bool) -> Delivery:
    d.client.chat_postMessage(channel=CHANNEL, text=f"Where is {GONE_REF}?")
    return d.sb.message_shortcut(TriageActions.FLAG_SHORTCUT,
                                 message=d.sb.messages(CHANNEL)[-1], user=user)


ORDER_GONE = f"No order `{GONE_REF}`"
CASES = [
    # /order ... (handlers on the /order router)
    Case("lookup.on_lookup_command", slash("/order", ref), gone=GONE_REF),
    Case("edit_order.on_edit_command", slash("/order", lambda g: f"edit {ref(g)}"),
         refused=SALES, gone=ORDER_GONE),
    Case("history.on_history_command", slash("/order", lambda g: f"history {ref(g)}"),
         gone=ORDER_GONE),
    Case("flag.on_flag_command", slash("/order", lambda g: f"flag {ref(g)} wrong dock"),
         gone=ORDER_GONE),
    Case("new_order.on_new_order", slash("/order", lambda g: "new"), refused=SALES),
    Case("fulfilment.on_ship_command", slash("/order", lambda g: f"ship {ref(g)}"),
         refused=SALES, gone=ORDER_GONE),
    Case("fulfilment.on_release_command", slash("/order", lambda g: f"release {ref(g)}"),
         refused=SALES, gone=ORDER_GONE),
    Case("returns.on_return_command", slash("/order", lambda g: f"return {ref(g)}"),
         refused=SALES, gone=ORDER_GONE),
    Case("cancel.on_cancel_command", slash("/order", lambda g: f"cancel {ref(g)}"),
         refused=SALES, gone=ORDER_GONE),
    # /orders ...
    Case("digests.on_digest_command",
         slash("/orders", lambda g: f"digest unsubscribe {GONE_ID}" if g else "digest list"),
         refused=PROCESSOR, allowed=MANAGER, gone=f"#{GONE_ID}"),
    Case("digests.on_report_command", slash("/orders", lambda g: "report weekly"),
         refused=SALES),
    Case("roles.on_role_command", slash("/orders", lambda g: f"role <@{SALES}> processor"),
         refused=PROCESSOR),
    Case("routes.on_route_command", slash("/orders", lambda g: f"route default <#{CHANNEL}>"),
         refused=PROCESSOR),
    Case("routes.on_queue_command", slash("/orders", lambda g: f"queue {GONE_NAME}"),
         gone=GONE_NAME),
    Case("connections.on_connect_command",
         slash("/orders", lambda g: f"connect <#{CHANNEL}> {GONE_NAME if g else 'ACME'}"),
         refused=PROCESSOR, allowed=ADMIN, gone=GONE_NAME),
    Case("connections.on_disconnect_command",
         slash("/orders", lambda g: f"disconnect <#{CHANNEL}>"), refused=PROCESSOR),
    Case("outbox.on_outbox_command", slash("/orders", lambda g: "outbox"), refused=PROCESSOR),
    Case("history.on_audit_command", slash("/orders", lambda g: "audit"), refused=PROCESSOR,
         allowed=MANAGER),
    Case("autolink.on_autolink_command", slash("/orders", lambda g: "autolink"),
         refused=PROCESSOR),
    Case("mail.on_mail_command", slash("/orders", lambda g: "mail"), refused=PROCESSOR),
    # anyone may choose their own language; an unknown one is refused in the ack
    Case("language.on_language_command", slash("/orders", lambda g: "language es")),
    Case("customers.on_customer_command", slash("/customer", lambda g: GONE_NAME),
         gone=GONE_NAME),
    Case("stock.on_stock_command", slash("/stock", lambda g: GONE_NAME), gone=GONE_NAME),
    # buttons
    Case("lookup.on_open_button", click(f"{OrderActions.OPEN}:1"), gone=ORDER_GONE),
    Case("lookup.on_share_button", click(OrderActions.SHARE), gone=ORDER_GONE),
    Case("lookup.on_all_lines_button", click(OrderActions.ALL_LINES), gone=ORDER_GONE),
    Case("edit_order.on_edit_button", click(OrderActions.EDIT), refused=SALES,
         gone=ORDER_GONE),
    Case("history.on_history_button", click(OrderActions.HISTORY), gone=ORDER_GONE),
    Case("history.on_page_button",
         click(f"{OrderActions.HISTORY_PAGE}:next", lambda g: f"{ref(g)}|2"), gone=ORDER_GONE),
    Case("flag.on_flag_button", click(OrderActions.FLAG), gone=ORDER_GONE),
    Case("threads.on_follow_button", click(OrderActions.FOLLOW), gone=ORDER_GONE),
    Case("threads.on_follow_button", click(f"{ThreadActions.FOLLOW}:1"), gone=ORDER_GONE),
    Case("threads.on_details_button", click(f"{ThreadActions.SHOW}:1"), gone=ORDER_GONE),
    Case("lookup.on_page_button", click(OrderActions.PAGE, lambda g: f"0|{GONE_NAME}" if g
                                        else "0|acme"), gone="Nothing found", acked=False),
    Case("threads.on_page_button", click(ThreadActions.PAGE, lambda g: f"0|{GONE_NAME}" if g
                                         else "0|acme"), gone="Nothing found", acked=False),
    Case("threads.on_unfollow_button", click(f"{ThreadActions.UNFOLLOW}:1"),
         gone="wasn't following", acked=False),
    Case("customers.on_edit_button", click(CustomerActions.EDIT, lambda g: GONE_NAME if g
                                           else "ACME"), refused=SALES, gone=GONE_NAME),
    Case("stock.on_open_button", click(f"{StockActions.OPEN}:1", lambda g: GONE_NAME),
         gone=GONE_NAME),
    Case("triage_buttons.on_assign_me_button", item(TriageActions.ASSIGN_ME), refused=SALES,
         gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_assign_button",
         item(TriageActions.ASSIGN, element="users_select", selected_user=PROCESSOR),
         refused=SALES, gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_fix_button", item(TriageActions.FIX), refused=SALES,
         gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_escalate_button", item(TriageActions.ESCALATE), refused=SALES,
         gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_snooze_button", item(TriageActions.SNOOZE, element="static_select"),
         refused=SALES, gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_resolve_button", item(TriageActions.RESOLVE), refused=SALES,
         gone=f"#{GONE_ID}"),
    Case("triage_buttons.on_queue_button", click(TriageActions.QUEUE, lambda g: f"{GONE_NAME}|0"),
         gone=GONE_NAME),
    Case("fulfilment.on_ship_button", click(FulfilmentActions.SHIP), refused=SALES,
         gone=ORDER_GONE),
    Case("fulfilment.on_picked_button", click(FulfilmentActions.PICKED), refused=SALES,
         gone=ORDER_GONE),
    Case("fulfilment.on_packed_button", click(FulfilmentActions.PACKED), refused=SALES,
         gone=ORDER_GONE),
    Case("returns.on_return_button", click(ReturnActions.START), refused=SALES,
         gone=ORDER_GONE),
    Case("approvals.on_approve_button", click(ApprovalActions.APPROVE, lambda g: str(GONE_ID)),
         refused=PROCESSOR, allowed=MANAGER, gone=f"#{GONE_ID}"),
    Case("approvals.on_reject_button", click(ApprovalActions.REJECT, lambda g: str(GONE_ID)),
         refused=PROCESSOR, allowed=MANAGER, gone=f"#{GONE_ID}"),
    Case("digests.on_drill_button", drill, refused=SALES),
    Case("mail.on_email_item_button", item(MailActions.ITEM), refused=SALES,
         gone=f"#{GONE_ID}"),
    Case("mail.on_email_order_button", click(MailActions.ORDER), refused=SALES,
         gone=ORDER_GONE),
    Case("mail.on_template_select", template_select, refused=SALES, gone=f"#{GONE_ID}"),
    # modals
    Case("edit_order.on_edit_submit", edit_submit, refused=SALES, gone=ORDER_GONE),
    Case("edit_order.on_reopen_submit", reopen_submit, refused=SALES, gone=ORDER_GONE),
    Case("customers.on_edit_submit", customer_submit, refused=SALES, gone=GONE_NAME),
    Case("flag.on_flag_submit", flag_submit, gone=ORDER_GONE),
    Case("new_order.on_new_submit", new_order_submit, refused=SALES),
    Case("new_order.on_add_lines_button", add_lines, refused=SALES),
    Case("triage_buttons.on_resolve_submit", resolve_submit, refused=SALES, gone=f"#{GONE_ID}"),
    Case("mail.on_mail_submit", mail_submit, refused=SALES),
    Case("fulfilment.on_ship_submit", ship_submit, refused=SALES, gone=ORDER_GONE),
    Case("returns.on_return_submit", return_submit, refused=SALES, gone=ORDER_GONE),
    Case("cancel.on_cancel_submit", cancel_submit, refused=SALES, gone=ORDER_GONE),
    Case("approvals.on_reject_submit", reject_submit, refused=PROCESSOR, allowed=MANAGER,
         gone=f"#{GONE_ID}"),
    # shortcuts, searching selects, events
    Case("new_order.on_new_order",
         lambda d, user, gone: d.sb.global_shortcut(NewOrderIds.SHORTCUT, user=user),
         refused=SALES),
    Case("flag.on_flag_shortcut", flag_shortcut),
    Case("new_order.on_customer_options", suggest(NewOrderIds.CUSTOMER), gone='"options": []'),
    Case("new_order.on_product_options", suggest(f"{NewOrderIds.SKU}.1"),
         gone='"options": []'),
    Case("threads.on_mention_event",
         lambda d, user, gone: d.sb.mention(f"status of {GONE_REF}?", user=user,
                                            channel=CHANNEL),
         allowed=SALES, gone=GONE_REF, acked=False),
    Case("threads.on_message_event",
         lambda d, user, gone: d.sb.dm(f"status of {GONE_REF}?", user=user),
         allowed=SALES, gone=GONE_REF, acked=False),
    # The App Home: every role has one, and it names no record (tests/e2e/test_home.py)
    Case("home.on_home_opened_event", lambda d, user, gone: d.sb.open_home(user),
         acked=False),
    Case("outbox.on_app_access_lost_event",
         lambda d, user, gone: d.sb.send_event({"type": "app_uninstalled"}), acked=False),
    # Slack's word that someone was deactivated: nothing to refuse, no one to answer
    # (tests/e2e/test_deactivated.py); a person nobody knew is no error
    Case("roles.on_user_change_event",
         lambda d, user, gone: d.sb.send_event({"type": "user_change", "user": {
             "id": "U0GONE404", "team_id": d.sb.team_id, "deleted": True}}), acked=False),
    Case("home.on_refresh_button", click(HomeActions.REFRESH, lambda g: "refresh")),
    Case("home.on_queue_button", click(f"{HomeActions.QUEUE}:mine", lambda g: "mine")),
    Case("home.on_retry_button", click(f"{HomeActions.RETRY}:all", lambda g: "all"),
         refused=PROCESSOR, allowed=ADMIN),
    Case("new_order.on_new_order", click(HomeActions.NEW_ORDER, lambda g: "new"),
         refused=SALES),
    # Workflow Builder steps answer with functions.completeError, not a message: their
    # refusals and missing orders are tests/e2e/test_workflow.py's
    *(Case(f"workflow.on_{step}_step", lambda d, user, gone: None)
      for step in ("lookup_order", "flag_order", "create_order", "hold_order")),
    # link_shared answers with chat.unfurl or not at all (tests/e2e/test_unfurls.py)
    Case("unfurls.on_link_shared_event", lambda d, user, gone: None),
]


def registered_listeners(app) -> set[str]:
    """Every listener of the built app, subcommands of the routers included, by name."""
    names = set()
    for bolt_listener in app._listeners:
        listener = bolt_listener.ack_function.kit_listener  # only the kit registers listeners
        router = getattr(listener, "__self__", None)
        subs = ([s.listener for s in router.subcommands] if isinstance(router, CommandRouter)
                else [listener])
        names |= {f"{sub.__module__.removeprefix('handlers.')}.{sub.__name__}" for sub in subs}
    return names


def test_every_registered_listener_is_on_the_kit_and_has_its_cases(db):
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s"})
    app = create_app(settings, db=db, client=WebClient(token="xoxb-test"))
    assert registered_listeners(app) == {case.listener for case in CASES}


def said(d: Desk, user: str) -> list[str]:
    """Everything the person can see: ephemerals, #orders (threads too), their DM."""
    messages = [*d.sb.ephemerals(user=user)]
    for channel in (CHANNEL, d.sb.im_channel(user)):
        for message in d.sb.messages(channel):
            messages += [message, *d.sb.thread(channel, message.ts)]
    return [json.dumps({"text": m.text, "blocks": m.blocks}) for m in messages]


def assert_answered(d: Desk, case: Case, user: str, gone: bool, says: str) -> None:
    before = said(d, user)
    d.sb.faults.add(method="chat.postEphemeral", delay_ms=LATE_EPHEMERAL_MS)
    delivery = case.drive(d, user, gone)
    assert delivery.status == 200 and not delivery.late, (delivery.status, delivery.ack_ms)
    assert not delivery.problems, delivery.problems

    def told() -> str:
        new = [text for text in said(d, user) if text not in before]
        return json.dumps(delivery.body) + " ".join(new)

    if not case.acked:
        d.sb.wait_for(lambda: says in told())
    assert says in told(), told()
    assert "Something went wrong" not in told()
    assert not [v for v in d.sb.views(user=user) if v.callback_id != _submitted(delivery)]


def _submitted(delivery: Delivery) -> str | None:
    """The modal a submission came from (it may stay open, showing its errors)."""
    return (delivery.payload or {}).get("view", {}).get("callback_id")


@pytest.mark.parametrize("case", [c for c in CASES if c.refused], ids=lambda c: c.id)
def test_someone_whose_role_may_not_is_told_within_the_ack(stack, desk, case):  # noqa: F811
    assert_answered(Desk(stack.sb, stack.db), case, case.refused, False, REFUSED)


@pytest.mark.parametrize("case", [c for c in CASES if c.gone], ids=lambda c: c.id)
def test_a_record_that_is_not_there_is_answered_within_the_ack(stack, desk, case):  # noqa: F811
    assert_answered(Desk(stack.sb, stack.db), case, case.allowed, True, case.gone)

