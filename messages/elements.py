"""The Block Kit pieces the code-built messages share (the order card, the lookup list, the
Home tab, mail notes): pure dicts, each text clipped to Slack's limit for its place."""

from __future__ import annotations

from messages.text import clip


def md(text: str) -> dict:
    """A mrkdwn text object (a section field, a context element)."""
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def section(text: str) -> dict:
    return {"type": "section", "text": md(clip(text))}


def context(text: str) -> dict:
    return {"type": "context", "elements": [md(clip(text))]}


def button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict:
    element = {"type": "button", "action_id": action_id, "value": value,
               "text": {"type": "plain_text", "text": text}}
    return {**element, "style": "primary"} if primary else element


def actions(elements: list[dict], *, block_id: str | None = None) -> dict:
    block = {"type": "actions", "elements": elements}
    return {**block, "block_id": block_id} if block_id else block
