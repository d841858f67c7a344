"""The baseline for the round-trip benchmark: a Bolt app whose /order does nothing but ack.

Served by the same gunicorn settings as Orderdesk, so the ratio isolates our own work.
"""

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

# Same authorization path as Orderdesk: one cached auth.test against the sandbox.
app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
          client=WebClient(token=os.environ["SLACK_BOT_TOKEN"],
                           base_url=os.environ["SLACK_API_URL"]),
          token_verification_enabled=False)


@app.command("/order")
def on_order(ack):
    ack("ok")


application = SlackRequestHandler(app)
