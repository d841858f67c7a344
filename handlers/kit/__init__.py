"""The skeleton every Slack listener in handlers/ stands on (docs/architecture.md).

A listener is a function `on_<thing>_<surface>(request: Request) -> Reply`, registered through
`Listeners` (or a CommandRouter subcommand). Before it returns, everything that can fail:
`request.require(Permission.X)`, the store operation, the rendering. The kit then acks with
the Reply and makes its Slack calls, handling Slack's refusals in one place.

    Request           who, where, which button or form; .require(), .state, .metadata()
    Reply             the ack's answer, then views.open / respond / ephemeral / post / cards
    Permission        every action the role table knows, checked before the ack
    ModalState        a submitted modal's fields by block id (messages/blocks.py)
    channel_of, thread_of, user_of    where any payload came from
    Metadata          private_metadata and button values (messages/metadata.py)
    Deps, CommandRouter               what bot/app.py hands every feature
    handle_error      the app's one error handler
    ListenerPool      Bolt's listener threads, handing Bolt each ack as soon as it is given
"""

from handlers.kit.channels import (
    ARCHIVED,
    MEMBER,
    NOT_MEMBER,
    UNSEEN,
    ChannelRef,
    channel_names,
    looks_like_channel,
    membership_state,
    posting_note,
    require_own_channel,
    resolve_channel,
)
from handlers.kit.commands import CommandRouter
from handlers.kit.deps import Deps
from handlers.kit.errors import handle_error
from handlers.kit.listen import Listener, ListenerPool, Listeners, Request, listen, numbered
from handlers.kit.payload import ModalState, channel_of, thread_of, user_of
from handlers.kit.permissions import Permission, require
from handlers.kit.reply import Reply
from messages.metadata import Metadata

__all__ = [
    "ChannelRef", "channel_names", "looks_like_channel", "resolve_channel", "membership_state",
    "posting_note", "require_own_channel",
    "ARCHIVED", "MEMBER", "NOT_MEMBER", "UNSEEN",
    "CommandRouter", "Deps", "Listener", "ListenerPool", "Listeners", "Metadata", "ModalState",
    "Permission", "Reply", "Request", "channel_of", "handle_error", "listen", "numbered",
    "require", "thread_of", "user_of",
]
