"""A global Bolt middleware: control characters in what Slack sends are dealt with before any
listener runs (rules in store.control_chars).

A modal submitted with a NUL in a field is answered at once with the error under that field
(nothing is saved); every other payload (slash command text, messages, shortcuts, buttons)
loses its control characters in place, so listeners parse clean text.
"""

from __future__ import annotations

from slack_bolt import BoltResponse

from store.control_chars import NUL_REASON, has_nul, strip_controls_in


def guard_control_characters(body: dict, next) -> BoltResponse | None:  # noqa: A002 - Bolt's name
    if body.get("type") == "view_submission":
        errors = nul_field_errors(body.get("view") or {})
        if errors:
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    else:
        strip_controls_in(body)
    return next()


def nul_field_errors(view: dict) -> dict[str, str]:
    """block_id -> the error to show under it, for every field whose input holds a NUL."""
    values = (view.get("state") or {}).get("values") or {}
    return {block_id: f"This field {NUL_REASON}."
            for block_id, actions in values.items()
            if any(_holds_nul(state) for state in (actions or {}).values())}


def _holds_nul(state: object) -> bool:
    if isinstance(state, dict):
        return any(_holds_nul(v) for v in state.values())
    if isinstance(state, list):
        return any(_holds_nul(v) for v in state)
    return has_nul(state)
