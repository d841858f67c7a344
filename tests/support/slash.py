"""Asking through a slash command in the sandbox and reading the private answer."""

from __future__ import annotations

from bench.app_stack import CHANNEL, PROCESSOR


def slash_answer(stack, command: str, text: str, user: str = PROCESSOR):
    """The ephemeral answer to `command text` typed by `user` in the desk channel."""
    delivery = stack.sb.slash(command, text, user=user, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    shown = stack.sb.ephemerals(user=user, channel=CHANNEL)
    assert shown, "the answer is shown to the user"
    return shown[-1]


def card_ref(message) -> str:
    """The ref an order card's header names."""
    return message.blocks[0]["text"]["text"].split(" · ")[0]
