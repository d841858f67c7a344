"""Small Block Kit builders for the sandbox tests."""

from __future__ import annotations


def modal(callback_id: str = "edit", *blocks: dict, **extra) -> dict:
    view = {"type": "modal", "callback_id": callback_id,
            "title": {"type": "plain_text", "text": "Edit order"},
            "submit": {"type": "plain_text", "text": "Save"},
            "blocks": list(blocks) or [text_input("qty", "Quantity")]}
    view.update(extra)
    return view


def text_input(block_id: str, label: str, *, action_id: str | None = None, **element) -> dict:
    return {"type": "input", "block_id": block_id,
            "label": {"type": "plain_text", "text": label},
            "element": {"type": "plain_text_input", "action_id": action_id or f"{block_id}_in",
                        **element}}


def button(action_id: str, text: str = "Go", value: str | None = None) -> dict:
    el = {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}}
    if value is not None:
        el["value"] = value
    return el


def section(text: str, **extra) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


SECRET = "test-signing-secret"
