"""/customer <query>: a customer's record; processors edit contact and address in a modal."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, ModalState, Permission, Reply, Request
from messages.actions import CustomerActions
from messages.blocks import CustomerBlocks as B
from messages.common import usage_message
from messages.customers import CustomerMetadata, customer_card, customer_edit_modal
from messages.text import mrkdwn
from store.customers import edit_customer, get_customer
from store.errors import CustomerNotFound
from store.views.orders import ADDRESS_FIELDS, AddressView, ContactView
from store.workspace import cut_customer

USAGE = "/customer <name or code>"


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.command("/customer", on_customer_command)
    on.action(CustomerActions.EDIT, on_edit_button)
    on.view(CustomerActions.EDIT_CALLBACK, on_edit_submit)


def on_customer_command(request: Request) -> Reply:
    if not request.text or request.text.lower() == "help":
        return Reply.message(usage_message(
            "/customer", [(USAGE, "contact, addresses, open orders, credit")]))
    viewer = request.viewer(Permission.LOOKUP)
    customer = cut_customer(viewer, get_customer(request.deps.db, query=request.text))
    if customer is None:
        raise CustomerNotFound(request.text)
    return Reply.message(customer_card(customer))


def on_edit_button(request: Request) -> Reply:
    request.require(Permission.EDIT_CUSTOMER)
    customer = get_customer(request.deps.db, query=request.value)
    return Reply.modal(customer_edit_modal(customer, channel_id=request.channel))


def on_edit_submit(request: Request) -> Reply:
    request.require(Permission.EDIT_CUSTOMER)
    meta, state = request.metadata(CustomerMetadata), request.state
    fields = {"email": state.text(B.EMAIL), "phone": state.text(B.PHONE),
              "contact": contact_of(state), "notices": state.selected_options(B.NOTICES),
              "language": _language(state.selected(B.LANGUAGE)),
              "address": AddressView(**{f: state.text(B.address(f)) for f in ADDRESS_FIELDS})}
    done = request.once("edit_customer", lambda: edit_customer(
        request.deps.db, code=meta.code, actor=request.user, expected_version=meta.version,
        **fields), lambda customer: {"text": f"Saved *{mrkdwn(customer.name)}*."})
    return Reply().confirm(done.answer["text"], channel=meta.channel_id)


def _language(value: str | None) -> str | None:
    return None if value in (None, B.DEFAULT_LANGUAGE) else value


def contact_of(state: ModalState) -> ContactView | None:
    """The primary contact as typed; None (left as it is) when no name was given."""
    if not state.text(B.contact("name")):
        return None
    return ContactView(**{k: state.text(B.contact(k)) for k in B.CONTACT_FIELDS})
