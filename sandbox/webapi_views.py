"""views.* methods, plus the view operations view_submission's response_action reuses."""

from __future__ import annotations

import json
import secrets
import time

from sandbox.blockkit import validate_view
from sandbox.model import View
from sandbox.state import Workspace
from sandbox.viewstate import initial_state
from sandbox.webapi_core import ApiError, invalid, method

MAX_STACK = 3
MAX_VIEW_BYTES = 250_000  # views.publish: view_too_large


def new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_urlsafe(6)}"


def checked_view(payload: object) -> dict:
    """The view payload, or invalid_arguments naming every problem."""
    if isinstance(payload, str):
        raise ApiError("invalid_arguments", errors=["view: not valid JSON"])
    errors = validate_view(payload)
    if errors:
        raise invalid("invalid_arguments", errors)
    assert isinstance(payload, dict)
    return payload


def set_contents(ws: Workspace, view: View, payload: dict) -> View:
    """Replace what a view shows; inputs keep their values when block and action ids match."""
    old_state = view.state
    view.type = payload["type"]
    view.blocks = ws.snapshot_blocks(payload.get("blocks"))
    for key in ("title", "submit", "close"):
        setattr(view, key, payload.get(key))
    for key in ("callback_id", "private_metadata", "external_id"):
        setattr(view, key, payload.get(key) or "")
    view.notify_on_close = bool(payload.get("notify_on_close"))
    view.clear_on_close = bool(payload.get("clear_on_close"))
    view.state = initial_state(view.blocks)
    for block_id, actions in view.state.items():
        for action_id, entry in actions.items():
            kept = old_state.get(block_id, {}).get(action_id)
            if kept is not None and kept.get("type") == entry.get("type"):
                actions[action_id] = kept
    view.errors = {}
    view.hash = new_hash()
    ws.touch(view)
    return view


def open_modal(ws: Workspace, user: str, payload: dict, *, push: bool = False) -> View:
    stack = ws.stacks.setdefault(user, [])
    if push and not stack:
        raise ApiError("view_not_found", errors=["views.push needs an open modal to push onto"])
    if push and len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view = View(id=ws.new_id("V"), user=user, type="modal", blocks=[], hash="")
    if push:
        view.previous_view_id = stack[-1]
        view.root_view_id = ws.views[stack[0]].root_view_id or stack[0]
    else:
        ws.clear_stack(user)
        stack = ws.stacks.setdefault(user, [])
    view.root_view_id = view.root_view_id or view.id
    ws.views[view.id] = view
    stack.append(view.id)
    return set_contents(ws, view, payload)


def _modal_payload(params: dict) -> dict:
    payload = checked_view(params.get("view"))
    if payload["type"] != "modal":
        raise ApiError("invalid_arguments", errors=["view.type: must be 'modal' here"])
    return payload


def _trigger_user(ws: Workspace, params: dict) -> str:
    trigger_id = params.get("trigger_id") or params.get("interactivity_pointer")
    error = ws.use_trigger(trigger_id)
    if error:
        raise ApiError(error)
    return ws.triggers[trigger_id].user


def api_view(ws: Workspace, view: View) -> dict:
    return {"view": view.to_api(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id)}


@method("views.open")
def views_open(ws: Workspace, params: dict) -> dict:
    payload = _modal_payload(params)
    return api_view(ws, open_modal(ws, _trigger_user(ws, params), payload))


@method("views.push")
def views_push(ws: Workspace, params: dict) -> dict:
    payload = _modal_payload(params)
    return api_view(ws, open_modal(ws, _trigger_user(ws, params), payload, push=True))


@method("views.update")
def views_update(ws: Workspace, params: dict) -> dict:
    payload = checked_view(params.get("view"))
    view = ws.views.get(params.get("view_id") or "")
    if view is None and params.get("external_id"):
        view = ws.view_by_external_id(params["external_id"])
    if view is None or not view.is_open:
        raise ApiError("not_found" if params.get("external_id") else "view_not_found")
    if params.get("hash") and params["hash"] != view.hash:
        raise ApiError("hash_conflict")
    if payload["type"] != view.type:
        raise ApiError("invalid_arguments", errors=[f"view.type: must stay {view.type!r}"])
    return api_view(ws, set_contents(ws, view, payload))


@method("views.publish")
def views_publish(ws: Workspace, params: dict) -> dict:
    """Slack's refusals, in its order: a missing or unknown user_id, the Home tab not enabled
    for the app, a view over 250 kB, an invalid view, a stale hash."""
    user = str(params.get("user_id") or "")
    if user not in ws.users or ws.users[user].is_bot:
        raise invalid("invalid_arguments", ["invalid `user_id`"])
    if not ws.home_tab_enabled:
        raise ApiError("not_enabled")
    if len(json.dumps(params.get("view"))) > MAX_VIEW_BYTES:
        raise ApiError("view_too_large")
    payload = checked_view(params.get("view"))
    if payload["type"] != "home":
        raise invalid("invalid_arguments", ["view.type: must be 'home' for views.publish"])
    view = ws.views.get(ws.homes.get(user, ""))
    if view is not None and params.get("hash") and params["hash"] != view.hash:
        raise ApiError("hash_conflict")
    if view is None:
        view = View(id=ws.new_id("V"), user=user, type="home", blocks=[], hash="")
        ws.views[view.id] = view
        ws.homes[user] = view.id
    return api_view(ws, set_contents(ws, view, payload))
