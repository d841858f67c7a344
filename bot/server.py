"""Running the app: gunicorn for production HTTP, Socket Mode when an app token is set.
(The console and end-to-end tests serve the same WSGI app in-process: sandbox.appserver.)"""

from __future__ import annotations

import gc
import logging
import os

from bot.config import Settings

log = logging.getLogger("orderdesk")


def build_web_app(settings: Settings):
    """Open the database, check the schema, build Bolt and wrap it in WSGI (one per process)."""
    from bot.app import create_app
    from bot.startup import open_checked
    from bot.web import create_wsgi_app
    from jobs.renderers import renderer_table

    db = open_checked(settings)
    return create_wsgi_app(create_app(settings, db=db), db,
                           renderers=renderer_table(settings.audience, settings.default_locale),
                           signing_secret=settings.slack_signing_secret,
                           intake_secret=settings.intake_secret,
                           connect_secrets=settings.connect_secrets,
                           inbound_mail_secret=settings.inbound_mail_secret,
                           connect_reps=settings.connect_reps)


def settle_heap() -> None:
    """Once a serving process has loaded its app: what loading left is collected, and the rest
    (modules, Bolt, SQLAlchemy's tables: ~155,000 objects) is frozen out of the collector's
    sight. Otherwise each full collection walks them all while the process's threads wait:
    70 ms every ~9,000 requests (1M orders, /order in process), a stall of every request in
    flight. Frozen, a full collection walks only what requests left (~20,000 objects)."""
    gc.collect()
    gc.freeze()


def serve(settings: Settings) -> None:
    from bot.startup import check_bot_token

    settings.require_slack()
    check_bot_token(settings)
    if settings.socket_mode:
        return _serve_socket_mode(settings)
    _serve_gunicorn(settings)


def _serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app
    from bot.startup import open_checked

    db = open_checked(settings)
    bolt = create_app(settings, db=db)
    settle_heap()
    SocketModeHandler(bolt, settings.slack_app_token).start()


def _serve_gunicorn(settings: Settings) -> None:
    # Fail before forking workers if the database is unusable: one clear message, not N.
    from bot.startup import open_checked

    open_checked(settings).dispose()
    gunicorn_server(settings).run()


def gunicorn_server(settings: Settings):
    """gunicorn, configured: each worker process loads its own app (`load`)."""
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("workers", int(os.environ.get("WEB_CONCURRENCY", "2")))
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", int(os.environ.get("ORDERDESK_THREADS", "8")))
            self.cfg.set("timeout", 30)
            self.cfg.set("accesslog", "-")

        def load(self):
            app = build_web_app(settings)
            settle_heap()
            return app

    return Gunicorn()
