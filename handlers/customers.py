"""/customer <query>: a customer's record; processors edit contact and address in a modal."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from messages.actions import CustomerActions
from messages.common import confirmation_message, usage_message
from messages.customers import CustomerMetadata, customer_card, customer_edit_modal
from messages.text import mrkdwn
from store.customers import edit_customer, get_customer
from store.views.orders import ADDRESS_FIELDS, AddressView, ContactView

USAGE = "/customer <name or code>"


def register(app: App, deps: Deps) -> None:
    def on_customer_command(ack, command):
        query = command["text"].strip()
        if not query or query.lower() == "help":
            ack(usage_message("/customer", [(USAGE, "contact, addresses, open orders, credit")]))
            return
        deps.require(command["user_id"], "lookup")
        ack(customer_card(get_customer(deps.db, query=query)))

    def on_edit_button(ack, body, action, client):
        deps.require(body["user"]["id"], "edit_customer")
        customer = get_customer(deps.db, query=action["value"])
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=customer_edit_modal(
            customer, channel_id=(body.get("channel") or {}).get("id")))

    def on_edit_submit(ack, body, view, client):
        user_id = body["user"]["id"]
        deps.require(user_id, "edit_customer")
        meta = CustomerMetadata.loads(view["private_metadata"])
        fields = _values(view)
        customer = edit_customer(
            deps.db, code=meta.code, actor=user_id, expected_version=meta.version,
            email=fields.get("email"), phone=fields.get("phone"),
            contact=ContactView(**{k: fields.get(f"contact.{k}")
                                   for k in ("name", "email", "phone", "role")})
            if fields.get("contact.name") else None,
            address=AddressView(**{f: fields.get(f"address.{f}") for f in ADDRESS_FIELDS}))
        ack()
        if meta.channel_id:
            client.chat_postEphemeral(channel=meta.channel_id, user=user_id,
                                      **confirmation_message(f"Saved *{mrkdwn(customer.name)}*."))

    app.command("/customer")(on_customer_command)
    app.action(CustomerActions.EDIT)(on_edit_button)
    app.view(CustomerActions.EDIT_CALLBACK)(on_edit_submit)


def _values(view: dict) -> dict[str, str | None]:
    """Each input's text by block id (inputs use their block id as action id)."""
    out = {}
    for block_id, actions in view["state"]["values"].items():
        value = (actions.get(block_id) or {}).get("value")
        out[block_id] = value.strip() if isinstance(value, str) and value.strip() else None
    return out
