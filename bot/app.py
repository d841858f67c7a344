"""create_app(): the Bolt app with every feature registered, explicitly, by name."""

from __future__ import annotations

import logging
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.control_chars import guard_control_characters
from bot.slack_client import make_web_client
from handlers import (
    approvals,
    autolink,
    cancel,
    connections,
    customers,
    digests,
    edit_order,
    fulfilment,
    history,
    home,
    language,
    lookup,
    mail,
    outbox,
    returns,
    roles,
    stock,
    threads,
    triage,
    unfurls,
    workflow,
)
from handlers.kit import Deps, ListenerPool, Listeners, handle_error
from jobs.mail import kick as kick_mail
from jobs.outbox import kick
from jobs.renderers import renderer_table
from store.db import Database


def create_app(settings: Settings, *, db: Database, client: WebClient | None = None) -> App:
    settings.require_slack()
    app = App(
        signing_secret=settings.slack_signing_secret,
        # The client carries the token; one factory builds it for every caller.
        client=client or make_web_client(settings),
        logger=logging.getLogger("orderdesk.bolt"),
        # Verified lazily on the first request, so a restart never blocks on Slack.
        token_verification_enabled=False,
        # Answers Slack as soon as a listener acks, instead of at Bolt's next 10 ms look.
        listener_executor=ListenerPool(),
    )
    app.error(handle_error)
    app.middleware(guard_control_characters)  # before every listener
    renderers = renderer_table(settings.audience, settings.default_locale)
    smtp = settings.smtp
    deps = Deps(settings=settings, db=db, kick_outbox=partial(kick, renderers=renderers),
                kick_mail=(lambda db: kick_mail(db, smtp)) if smtp else (lambda db: None))
    # Bolt tries listeners in registration order, building each matcher's kwargs (~40 µs a
    # listener): the two busiest entry points go first. Their routers read the subcommands
    # at dispatch time, so the features below still add theirs.
    on = Listeners(app, deps)
    on.router(deps.order_command)
    on.router(deps.orders_command)

    lookup.register(app, deps)
    edit_order.register(app, deps)
    history.register(app, deps)
    customers.register(app, deps)
    stock.register(app, deps)
    triage.register(app, deps)
    threads.register(app, deps)
    digests.register(app, deps)
    roles.register(app, deps)
    fulfilment.register(app, deps)
    returns.register(app, deps)
    approvals.register(app, deps)
    cancel.register(app, deps)
    connections.register(app, deps)
    outbox.register(app, deps)
    home.register(app, deps)
    language.register(app, deps)
    workflow.register(app, deps)
    unfurls.register(app, deps)
    autolink.register(app, deps)
    mail.register(app, deps)
    return app
