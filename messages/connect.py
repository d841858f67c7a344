"""Webhook sources as the admin sees them (`/orders connect sources`)."""

from __future__ import annotations

from messages.render import render
from messages.text import mrkdwn, when

NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "tracking": "Carrier tracking"}


def connect_sources_message(sources) -> dict:
    rows = []
    for s in sources:
        heard = f"last event {when(s.last_event_at)}" if s.last_event_at else "nothing yet"
        error = (f"\n    last error {when(s.last_error_at)}: _{mrkdwn(s.last_error, 200)}_"
                 if s.last_error else "")
        rows.append(f"*{NAMES.get(s.source, mrkdwn(s.source, 40))}* (`/connect/{s.source}`) · "
                    f"{heard} · {s.accepted} accepted, {s.refused} refused, "
                    f"{s.duplicate} duplicate{error}")
    return render("notice.json.j2", text="Webhook sources", icon=":electric_plug:",
                  body="*Webhook sources*\n" + "\n".join(rows),
                  hint="How to register each webhook: README, \"Orders from storefronts and "
                       "carriers\". From a shell: `orderdesk connect list`.")
