"""The Slack sandbox: a stand-in for Slack (Web API server + signed requests to the app).

    from sandbox import SlackSandbox
"""

from sandbox.core import SlackSandbox
from sandbox.model import Ack, Call, Channel, Delivery, File, Message, User, View

__all__ = ["Ack", "Call", "Channel", "Delivery", "File", "Message", "SlackSandbox", "User",
           "View"]
