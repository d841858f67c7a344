"""The skeleton of every listener: a function from a Request to a Reply.

A listener never sees Bolt's `ack`: it checks the permission, reads and writes through one
store operation, renders, and returns a Reply; the kit acks with it and then makes the
Reply's Slack calls. So a check or a read after the ack cannot be written, and whatever a
listener raises reaches the error handler while the ack is still to be given.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from handlers.kit.commands import CommandRouter
from handlers.kit.deps import Deps
from handlers.kit.errors import ERROR_LOCALE
from handlers.kit.language import locale_of
from handlers.kit.payload import ModalState, channel_of, thread_of, user_of
from handlers.kit.people import is_ext_shared, is_outsider, user_tz
from handlers.kit.permissions import Permission, require
from handlers.kit.reply import Reply
from messages import i18n
from messages.metadata import Metadata, submission_token
from store.enums import Role
from store.errors import Outsider, ValidationFailed
from store.lookup import split_ref
from store.workspace import Submitted, Viewer, connected_customer, submit_once

log = logging.getLogger(__name__)
M = TypeVar("M", bound=Metadata)
# What a guest or another organisation's user may do, in a channel linked to their account.
OUTSIDER_MAY = frozenset({Permission.LOOKUP, Permission.ASK})
R = TypeVar("R")


@dataclass(frozen=True)
class Request:
    """What Slack sent, read once: who, where, which button or form; and the listener's deps."""

    deps: Deps
    body: dict
    client: WebClient
    respond: Respond | None = None
    text: str = ""  # a slash command's text (after its subcommand); stripped
    bot_user_id: str | None = None

    @property
    def kind(self) -> str:
        return self.body.get("type") or ("slash_command" if "command" in self.body else "")

    @property
    def is_event(self) -> bool:
        return self.kind == "event_callback"

    @property
    def user(self) -> str:
        return user_of(self.body)

    @property
    def channel(self) -> str | None:
        return channel_of(self.body)

    @property
    def thread(self) -> str | None:
        return thread_of(self.body)

    @property
    def event(self) -> dict:
        return self.body.get("event") or {}

    @property
    def action(self) -> dict:
        """The block action's element: its action id, value, selected option or user."""
        return (self.body.get("actions") or [{}])[0]

    @property
    def value(self) -> str | None:
        """A button's value, or what someone typed into an external select."""
        return self.action.get("value") or self.body.get("value")

    @property
    def trigger_id(self) -> str | None:
        return self.body.get("trigger_id")

    @property
    def is_ephemeral(self) -> bool:
        """Pressed on a message only this person sees (Slack sends no message then)."""
        return bool((self.body.get("container") or {}).get("is_ephemeral"))

    @property
    def state(self) -> ModalState:
        return ModalState(self.body.get("view"))

    def metadata(self, kind: type[M]) -> M:
        """The submitted modal's private_metadata."""
        return kind.loads((self.body.get("view") or {}).get("private_metadata"))

    @property
    def submission(self) -> str | None:
        """The submitted modal's token (put in its private_metadata when it opened)."""
        return submission_token(self.body.get("view"))

    def once(self, kind: str, work: Callable[[], R], answer: Callable[[R], dict]) -> Submitted[R]:
        """A modal's change, made once however often Slack delivers the submission: `work` (one
        store operation) runs and `answer(result)` is stored with the token in its transaction;
        a repeat gets the stored answer back and `result` None (answer it the same way)."""
        return submit_once(self.deps.db, token=self.submission, kind=kind, actor=self.user,
                           work=work, answer=answer)

    def require(self, permission: Permission) -> Role:
        """The user's role if it may do `permission`; guests and other organisations' people
        have none (Outsider)."""
        if self.is_outsider:
            raise Outsider(linked=self.linked_account is not None)
        return require(self.deps, self.user, permission)

    @property
    def is_outsider(self) -> bool:
        return bool(self.user) and is_outsider(self.client, self.user)

    @property
    def tz(self) -> str:
        """The user's time zone (users.info `tz`): dates in words are read in it."""
        return user_tz(self.client, self.user) if self.user else "UTC"

    @property
    def in_shared_channel(self) -> bool:
        """The channel is read by another organisation (Slack Connect): as an event's envelope
        says (is_ext_shared_channel), else as conversations.info does."""
        return bool(self.body.get("is_ext_shared_channel")) or is_ext_shared(self.client,
                                                                             self.channel)

    @property
    def linked_account(self) -> int | None:
        """The customer the channel is linked to (`/orders connect`), if any."""
        return connected_customer(self.deps.db, channel_id=self.channel)

    def viewer(self, permission: Permission, *, posting: bool = False) -> Viewer:
        """Who is asking, for the visibility policy (store.workspace.visibility), once they
        may do `permission`. `posting`: the answer is posted in the channel for all to read
        (a channel another organisation reads then sees it customer-safe). Outsiders may
        look up and ask in a channel linked to their account, nothing else."""
        policy = self.deps.settings.rep_visibility
        if self.is_outsider:
            account = self.linked_account
            if account is None or permission not in OUTSIDER_MAY:
                raise Outsider(linked=account is not None)
            return Viewer(user_id=self.user, role=None, policy=policy, account_id=account)
        role = require(self.deps, self.user, permission)
        if posting and self.in_shared_channel:
            return Viewer(user_id=self.user, role=role, policy=policy,
                          account_id=self.linked_account, shared=True)
        return Viewer(user_id=self.user, role=role, policy=policy)

    def order_ref(self, usage: str) -> str:
        """`/order <subcommand> <ref>`'s ref ('HX-2001', 'hx 2001'); the usage when missing."""
        return self.order_ref_and_rest(usage)[0]

    def order_ref_and_rest(self, usage: str) -> tuple[str, str]:
        """`/order <subcommand> <ref> <reason>`: the ref (which may be two words, 'HX 2001')
        and what follows it."""
        if not self.text:
            raise ValidationFailed({"ref": f"which order? Usage: `{usage}`"})
        return split_ref(self.deps.db, self.text)


Listener = Callable[[Request], Reply]


def listen(deps: Deps, listener: Listener) -> Callable[..., None]:
    """Bolt's listener for a kit listener (Bolt passes arguments by name)."""
    def bolt_listener(ack, body, client, respond, context) -> None:
        request = Request(deps=deps, body=body, client=client, respond=respond,
                          text=(body.get("text") or "").strip(),
                          bot_user_id=context.bot_user_id)
        # Everything rendered for this request speaks the person's language (found lazily).
        token = i18n.set_locale(partial(locale_of, request))
        if request.is_event:
            _note_the_ack()  # Bolt acked it before the listener ran
        try:
            listener(request).deliver(request, partial(_ack_and_note, ack))
        except Exception as error:
            # Bolt's error handler runs once this context is gone: it answers in this locale.
            setattr(error, ERROR_LOCALE, _locale_or_default(request))
            raise
        finally:
            i18n.reset_locale(token)

    bolt_listener.__name__ = bolt_listener.__qualname__ = listener.__name__
    bolt_listener.kit_listener = listener  # tests/handlers/test_every_listener.py finds it here
    return bolt_listener


class ListenerPool(Executor):
    """Bolt's pool of listener threads (bot/app.py), whose `submit` returns once the listener
    has acked, finished, or let Slack's 3 s pass. Bolt, which then waits for the ack by looking
    every 10 ms, finds it at once: an /order is answered in ~2 ms instead of ~11. Bolt's
    behaviour is otherwise unchanged: the listener runs on this pool, what a Reply does after
    the ack (and an event's whole answer) never holds Slack's answer, and a listener stuck
    past 3 s still gets Bolt's 404. Only the kit's listeners say when they ack, and only the
    kit registers listeners (tests/handlers/test_every_listener.py)."""

    def __init__(self, workers: int = 5, ack_within_s: float = 3.0):
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="listener")
        self._ack_within_s = ack_within_s

    def submit(self, fn, /, *args, **kwargs) -> Future:
        acked = threading.Event()
        future = self._pool.submit(_noting_the_ack, acked, fn, *args, **kwargs)
        acked.wait(self._ack_within_s)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


_listener_ack = threading.local()  # the pool thread's Event for the listener it is running


def _noting_the_ack(acked: threading.Event, fn, *args, **kwargs):
    _listener_ack.event = acked
    try:
        return fn(*args, **kwargs)
    finally:
        _listener_ack.event = None
        acked.set()


def _note_the_ack() -> None:
    acked = getattr(_listener_ack, "event", None)
    if acked is not None:
        acked.set()


def _ack_and_note(ack: Callable[..., object], *args, **kwargs) -> None:
    ack(*args, **kwargs)
    _note_the_ack()


def _locale_or_default(request: Request) -> str:
    try:
        return i18n.current()
    except Exception:  # e.g. Slack unreachable for users.info: the error still gets told
        log.warning("could not find the language of %s", request.user, exc_info=True)
        return request.deps.settings.default_locale


class Listeners:
    """A feature's registrations: `on = Listeners(app, deps); on.action(ID, on_x_button)`."""

    def __init__(self, app: App, deps: Deps):
        self.app, self.deps = app, deps

    def command(self, name: str, listener: Listener) -> None:
        self.app.command(name)(listen(self.deps, listener))

    def router(self, router: CommandRouter) -> None:
        self.app.command(router.command)(listen(self.deps, router.dispatch))

    def action(self, matcher, listener: Listener) -> None:
        self.app.action(matcher)(listen(self.deps, listener))

    def view(self, callback_id: str, listener: Listener) -> None:
        self.app.view(callback_id)(listen(self.deps, listener))

    def shortcut(self, callback_id: str, listener: Listener) -> None:
        self.app.shortcut(callback_id)(listen(self.deps, listener))

    def options(self, matcher, listener: Listener) -> None:
        self.app.options(matcher)(listen(self.deps, listener))

    def event(self, event_type: str, listener: Listener) -> None:
        self.app.event(event_type)(listen(self.deps, listener))

    def function(self, callback_id: str, listener: Listener) -> None:
        """A Workflow Builder step (manifest `functions`); Bolt acks function_executed."""
        self.app.function(callback_id)(listen(self.deps, listener))


def numbered(action_id: str) -> re.Pattern:
    """`action_id` alone or suffixed ":<n>" (a message repeating a button keeps ids unique)."""
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")
