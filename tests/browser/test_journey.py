"""A day at the desk in a real browser, asserting only on what the page shows: the processor
looks an order up, shares it, edits it (a bad value comes back under its field), resolves a
triage item from its buttons and applies a fix through its confirm dialog; the rep asks about
an order in plain words and reads the answer in the thread; her Home tab is the sales
one. Each step is screenshotted (test-artifacts/browser/<test>/)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from store.enums import FulfilmentStatus, OrderStatus
from store.models import Customer

PROCESSOR = "U0PROC1"


def message(scope, text: str):
    return scope.locator("[data-testid=message]", has_text=text)


def cards(page, ref: str):
    """The order cards of `ref` in the main pane (a header names the order)."""
    header = page.locator("[data-block-type=header]", has_text=ref)
    return page.locator("[data-testid=message]").filter(has=header)


def button(scope, label: str):
    return scope.locator("button[data-element-type=button]", has_text=label)


def field(modal, block_id: str):
    """The text box of an input block (the element itself or the box inside it)."""
    return modal.locator(f"[data-block-id='{block_id}']").locator("input, textarea").first


def send(page, text: str, composer: str = "composer") -> None:
    box = page.locator(f"[data-testid={composer}]")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")  # sent: the box empties, as Slack's does


def open_channel(page, name: str) -> None:
    item = page.locator(f"[data-testid=channel][data-channel-name='{name}']")
    item.click()
    expect(item).to_have_attribute("aria-current", "page")


def switch_user(page, user_id: str) -> None:
    page.locator("[data-testid=user-switcher]").select_option(user_id)
    expect(page.locator("[data-testid=user-switcher]")).to_have_value(user_id)


def pick(scope, element_type: str, option_text: str) -> None:
    """Choose an option of a select: a <select>, or a menu that opens on click."""
    select_el = scope.locator(f"[data-element-type={element_type}]").first
    if select_el.evaluate("el => el.tagName") == "SELECT":
        select_el.select_option(label=option_text)
        return
    select_el.click()
    select_el.page.get_by_role("option", name=option_text).first.click()


def test_a_processor_and_a_rep_work_the_desk_in_the_browser(page, web_desk, step):
    order = web_desk.order(status=OrderStatus.OPEN, fulfilment_status=FulfilmentStatus.UNFULFILLED)
    page.goto(web_desk.url)
    switch_user(page, PROCESSOR)
    open_channel(page, "orders")
    step(page, "the desk opens")

    # look an order up: the card, for my eyes only; then share it in the channel
    send(page, f"/order {order.ref}")
    mine = cards(page, order.ref).filter(has=page.locator("[data-testid=ephemeral-note]"))
    expect(mine.last.locator("[data-block-type=header]")).to_contain_text(order.ref)
    expect(mine.last).to_contain_text(order.ship_city)
    expect(mine.last.locator("[data-testid=ephemeral-note]")).to_have_text("Only visible to you")
    step(page, "the order card")
    button(mine.last, "Share in channel").click()
    shared = cards(page, order.ref).filter(has_not=page.locator("[data-testid=ephemeral-note]"))
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text(order.ship_city)
    expect(mine).to_have_count(0)  # the private card makes way for the shared one
    step(page, "the card shared")

    # open the editor, send a bad value, read the error under its field
    send(page, f"/order {order.ref}")
    button(mine.last, "Edit").click()
    modal = page.locator("[data-testid=modal]")
    expect(modal.locator("[data-testid=modal-title]")).to_have_text(f"Edit {order.ref}")
    step(page, "the editor")
    quantity = field(modal, "lines.1.quantity")
    was = quantity.input_value()
    field(modal, "ship_to.city").fill("Shelbyville")
    quantity.fill("-2")
    modal.locator("[data-testid=modal-submit]").click()
    error = modal.locator("[data-block-id='lines.1.quantity'] [data-testid=field-error]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(modal.locator("[data-block-id='ship_to.city'] [data-testid=field-error]")).to_have_count(0)
    error.scroll_into_view_if_needed()
    step(page, "an error under the field")

    # fix it: the modal closes and the shared card is redrawn in place with the new city
    quantity.fill(was)
    modal.locator("[data-testid=modal-submit]").click()
    expect(modal).to_have_count(0)
    ship_to = shared.locator("[data-block-type=section]", has_text="Ship to")
    expect(ship_to).to_contain_text("Shelbyville")
    expect(ship_to).not_to_contain_text(order.ship_city)
    expect(shared).to_have_count(1)
    step(page, "the card updated")

    # resolve a triage item from its buttons
    open_channel(page, "order-triage")
    items = page.locator("[data-testid=message]").filter(has=button(page, "Resolve"))
    expect(items.first).to_be_visible()
    before = items.count()
    item = items.first
    ts = item.get_attribute("data-ts")
    step(page, "the triage channel")
    button(item, "Resolve").click()
    resolve = page.locator("[data-testid=modal]")
    expect(resolve.locator("[data-testid=modal-title]")).to_have_text("Resolve")
    pick(resolve, "static_select", "Accepted as it is")
    step(page, "the resolve dialog")
    resolve.locator("[data-testid=modal-submit]").click()
    expect(resolve).to_have_count(0)
    resolved = page.locator(f"[data-testid=message][data-ts='{ts}']")
    expect(resolved).to_contain_text("Resolved by")
    expect(resolved).to_contain_text("Accepted as it is")
    expect(button(resolved, "Resolve")).to_have_count(0)
    expect(items).to_have_count(before - 1)
    step(page, "the item resolved")

    # a fix asks first: No leaves the item as it was, Yes applies it and resolves the item
    fixable = items.filter(has=button(page, "Apply fix")).first
    ts = fixable.get_attribute("data-ts")
    fixable = page.locator(f"[data-testid=message][data-ts='{ts}']")
    button(fixable, "Apply fix").click()
    confirm = page.locator("[data-testid=confirm]")
    expect(confirm).to_contain_text("Apply the fix?")
    step(page, "the fix asks first")
    confirm.locator("[data-testid=confirm-no]").click()
    expect(confirm).to_have_count(0)
    expect(button(fixable, "Apply fix")).to_be_visible()
    button(fixable, "Apply fix").click()
    confirm.locator("[data-testid=confirm-yes]").click()
    expect(fixable).to_contain_text("Resolved by")
    expect(button(fixable, "Apply fix")).to_have_count(0)
    step(page, "the fix applied")

    # the rep asks in plain words, in a thread, and reads the answer there
    rep, globex = _globex_rep(web_desk)
    switch_user(page, rep)
    open_channel(page, "orders")
    send(page, "@orderdesk where is the Globex order?")
    question = message(page, "where is the Globex order?").last
    expect(question).to_have_attribute("data-user", rep)
    step(page, "the rep asks")
    question.locator("[data-testid=open-thread]").click()
    thread = page.locator("[data-testid=thread]")
    answer = thread.locator("[data-testid=message]").filter(
        has_not_text="where is the Globex order?")
    expect(answer.first).to_contain_text(globex)
    expect(answer.first).not_to_have_attribute("data-user", rep)
    step(page, "the answer in the thread")
    send(page, "@orderdesk and the Initech order?", composer="thread-composer")
    expect(thread.locator("[data-testid=message]", has_text="Initech")
           .filter(has_not_text="and the Initech order?").first).to_be_visible()
    step(page, "a follow-up in the thread")

    # and the Home tab
    page.locator("[data-testid=home-link]").click()
    home = page.locator("[data-testid=home-tab]")
    expect(home).to_be_visible()
    expect(home.locator("[data-block-type=header]").first).to_have_text("Orderdesk · Sales")
    step(page, "the home tab")


def _globex_rep(web_desk) -> tuple[str, str]:
    with web_desk.db.read() as session:
        customer = session.scalars(select(Customer).where(Customer.name.like("Globex%"))).one()
        return customer.sales_rep_id, customer.name

