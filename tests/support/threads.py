"""Helpers for the threads end-to-end tests: ask the way a rep does, read what came back."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from slack_sdk import WebClient

from bench.app_stack import PROCESSOR
from jobs.outbox import deliver_due
from jobs.renderers import renderer_table
from messages import i18n
from messages.actions import ThreadActions
from store.outbox import pending_count

CHANNEL = "C0ORDERS"
BOT = "U0BOT"


def ask(sb, text: str, *, user: str, how: str = "mention") -> tuple[str, str]:
    """Ask `text` (mention, thread or dm); returns (channel, thread_ts) the answer belongs in."""
    if how == "dm":
        delivery = sb.dm(text, user=user)
        channel = sb.im_channel(user)
        thread = delivery.payload["event"]["ts"]
    elif how == "thread":
        parent = sb.say("Customer called about their order, can someone check?", user=user,
                        channel=CHANNEL)
        thread = parent.payload["event"]["ts"]
        delivery = sb.mention(text, user=user, channel=CHANNEL, thread_ts=thread)
        channel = CHANNEL
    else:
        delivery = sb.mention(text, user=user, channel=CHANNEL)
        channel, thread = CHANNEL, delivery.payload["event"]["ts"]
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    return channel, thread


def bot_replies(sb, channel: str, thread: str) -> list:
    return [m for m in sb.thread(channel, thread) if m.user == BOT or m.bot_id]


def answer_in(sb, channel: str, thread: str, count: int = 1):
    """The bot's `count`-th reply in the thread, once it is there."""
    sb.wait_for(lambda: len(bot_replies(sb, channel, thread)) >= count,
                message=f"{count} answer(s) in {channel}/{thread}")
    return bot_replies(sb, channel, thread)[count - 1]


def refs_of(message) -> tuple[str, ...]:
    """The orders an answer names: its one order, or the rows of its list."""
    refs = []
    for block in message.blocks:
        block_id = block.get("block_id", "")
        for prefix in ("answer:", "answer_row:"):
            if block_id.startswith(prefix):
                refs.append(block_id[len(prefix):])
    return tuple(refs)


def kind_of(message, language: str = "en") -> str:
    """What an answer is, read from its buttons and words in `language`."""
    text = json.dumps(message.blocks, ensure_ascii=False)
    with i18n.using(language):
        this_one, details = i18n.gettext("This one"), i18n.gettext("Details")
        nothing = i18n.gettext("Nothing found for {what}").split("{")[0]
    if any(b.get("block_id", "").startswith("answer:") for b in message.blocks):
        return "order"
    if f'"{this_one}"' in text:
        return "candidates"
    if f'"{details}"' in text:
        return "orders"
    if nothing in text:
        return "no_match"
    return "other"


def buttons(message, action_prefix: str) -> list[dict]:
    out = []
    for block in message.blocks:
        elements = block.get("elements", []) if block["type"] == "actions" else [
            block.get("accessory") or {}]
        out += [e for e in elements if e.get("action_id", "").startswith(action_prefix)]
    return out


def follow_button(message) -> dict:
    return buttons(message, ThreadActions.FOLLOW)[0]


class Outcomes(logging.Handler):
    """What handlers/threads.py decided about each delivery of each event (its log lines), to
    wait on: proves a retry or a bot's message was seen and left unanswered, without sleeping."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.seen: dict[str, list[str]] = {}
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        event_id, outcome = record.args[0], record.getMessage().split(": ", 1)[1]
        with self.changed:
            self.seen.setdefault(event_id, []).append(outcome)
            self.changed.notify_all()

    def of(self, delivery, count: int = 1, timeout: float = 5.0) -> list[str]:
        """The outcomes of the event `delivery` carried, once there are `count` of them."""
        event_id = delivery.payload["event_id"]
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.seen.get(event_id, [])) >= count,
                                         timeout), f"no outcome for {event_id}: {self.seen}"
            return list(self.seen[event_id])


@pytest.fixture
def outcomes():
    handler, logger = Outcomes(), logging.getLogger("orderdesk.threads")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def edit_requested_date(stack, ref: str, day: str) -> None:
    """A processor changes the order in the editor modal, as in Slack."""
    sb = stack.sb
    sb.slash("/order", f"edit {ref}", user=PROCESSOR, channel=CHANNEL)
    sb.wait_for(lambda: sb.views(user=PROCESSOR))
    delivery = sb.submit(sb.views(user=PROCESSOR)[-1], {"requested_date": day}, user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems


def deliver_outbox(stack) -> None:
    """What the web process's outbox worker (or the clock) does after a commit; the app kicks
    its own worker too, so wait until nothing is left pending, whoever sent it."""
    deliver_due(stack.db, WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token),
                renderer_table(stack.settings.audience, stack.settings.default_locale))
    stack.sb.wait_for(lambda: pending_count(stack.db) == 0, message="the outbox drained")
