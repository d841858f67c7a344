"""Slack listeners of the triage feature, registered from one place:

- handlers.triage_buttons: the buttons on a discrepancy, and the resolve modal
- handlers.flag: /order flag, the Flag button, the "Flag an order" shortcut
- handlers.new_order: /order new, the "New order" shortcut, its searching selects
- handlers.routes: /orders route, /orders queue
"""

from slack_bolt import App

from handlers import flag, new_order, routes, triage_buttons
from handlers.kit import Deps


def register(app: App, deps: Deps) -> None:
    triage_buttons.register(app, deps)
    flag.register(app, deps)
    new_order.register(app, deps)
    routes.register(app, deps)
