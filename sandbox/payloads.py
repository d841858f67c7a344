"""The request bodies Slack sends to an app, shaped like the samples in shared/slack-payloads."""

from __future__ import annotations

import time
import uuid

from sandbox.model import Channel, Message, View
from sandbox.state import Workspace
from sandbox.viewstate import state_entry

VERIFICATION_TOKEN = "sandbox-verification-token"
DOMAIN = "orderdesk-sandbox"


def user_obj(ws: Workspace, user: str) -> dict:
    known = ws.users.get(user)
    name = known.name if known else user
    team = (known.team_id if known else None) or ws.team_id
    return {"id": user, "username": name, "name": name, "team_id": team}


def team_obj(ws: Workspace) -> dict:
    return {"id": ws.team_id, "domain": DOMAIN}


def channel_obj(chan: Channel) -> dict:
    return {"id": chan.id, "name": "directmessage" if chan.is_im else chan.name}


def view_obj(ws: Workspace, view: View) -> dict:
    return view.to_api(team_id=ws.team_id, app_id=ws.app_id, bot_id=ws.bot_id)


def _base(ws: Workspace, kind: str, user: str) -> dict:
    return {"type": kind, "user": user_obj(ws, user), "api_app_id": ws.app_id,
            "token": VERIFICATION_TOKEN, "team": team_obj(ws), "is_enterprise_install": False}


def slash_fields(ws: Workspace, command: str, text: str, *, user: str, chan: Channel,
                 response_url: str, trigger_id: str) -> dict[str, str]:
    return {"token": VERIFICATION_TOKEN, "team_id": ws.team_id, "team_domain": DOMAIN,
            "channel_id": chan.id, "channel_name": channel_obj(chan)["name"], "user_id": user,
            "user_name": user_obj(ws, user)["name"], "command": command, "text": text,
            "api_app_id": ws.app_id, "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": trigger_id}


def action_obj(block: dict, element: dict, chosen: object) -> dict:
    """One entry of block_actions' "actions" for the element that was used."""
    if element.get("type") in ("button", "workflow_button"):
        action = {"type": element["type"], "text": element.get("text")}
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
    else:
        action = state_entry(element, chosen)
    action.update(action_id=element.get("action_id"), block_id=block.get("block_id"),
                  action_ts=f"{time.time():.6f}")
    return action


def block_actions(ws: Workspace, action: dict, *, user: str, trigger_id: str,
                  message: Message | None = None, chan: Channel | None = None,
                  view: View | None = None, response_url: str | None = None) -> dict:
    payload = _base(ws, "block_actions", user)
    payload.update(trigger_id=trigger_id, actions=[action])
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.id}
        payload["view"] = view_obj(ws, view)
        return payload
    assert message is not None and chan is not None
    payload["container"] = {"type": "message", "message_ts": message.ts,
                            "channel_id": chan.id, "is_ephemeral": message.is_ephemeral}
    if message.thread_ts:
        payload["container"]["thread_ts"] = message.thread_ts
    payload["channel"] = channel_obj(chan)
    if not message.is_ephemeral:  # Slack leaves the message out for ephemerals
        payload["message"] = message.to_api()
    payload["state"] = {"values": {}}
    payload["response_url"] = response_url
    return payload


def view_submission(ws: Workspace, view: View, *, user: str, trigger_id: str) -> dict:
    payload = _base(ws, "view_submission", user)
    payload.update(trigger_id=trigger_id, view=view_obj(ws, view), response_urls=[])
    return payload


def view_closed(ws: Workspace, view: View, *, user: str, is_cleared: bool) -> dict:
    payload = _base(ws, "view_closed", user)
    payload.update(view=view_obj(ws, view), is_cleared=is_cleared)
    return payload


def message_shortcut(ws: Workspace, callback_id: str, *, message: Message, chan: Channel,
                     user: str, trigger_id: str, response_url: str) -> dict:
    payload = _base(ws, "message_action", user)
    payload.update(callback_id=callback_id, trigger_id=trigger_id, message_ts=message.ts,
                   message=message.to_api(), channel=channel_obj(chan),
                   response_url=response_url, action_ts=f"{time.time():.6f}")
    return payload


def global_shortcut(ws: Workspace, callback_id: str, *, user: str, trigger_id: str) -> dict:
    payload = _base(ws, "shortcut", user)
    payload.update(callback_id=callback_id, trigger_id=trigger_id,
                   action_ts=f"{time.time():.6f}")
    return payload


def block_suggestion(ws: Workspace, block_id: str, action_id: str, value: str, *, user: str,
                     view: View) -> dict:
    payload = _base(ws, "block_suggestion", user)
    payload.update(action_id=action_id, block_id=block_id, value=value,
                   container={"type": "view", "view_id": view.id}, view=view_obj(ws, view))
    return payload


def event_envelope(ws: Workspace, event: dict, *, event_id: str | None = None) -> dict:
    event = dict(event)
    event.setdefault("event_ts", event.get("ts") or ws.next_ts())
    event.setdefault("team", ws.team_id)
    return {"token": VERIFICATION_TOKEN, "team_id": ws.team_id, "api_app_id": ws.app_id,
            "event": event, "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(float(event["event_ts"])),
            "authorizations": [{"enterprise_id": None, "team_id": ws.team_id,
                                "user_id": ws.bot_user, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": _ext_shared(ws, event.get("channel")),
            "event_context": f"4-{event.get('type')}-{ws.team_id}-{event.get('channel', '')}"}


def _ext_shared(ws: Workspace, channel: str | None) -> bool:
    chan = ws.channels.get(channel or "")
    return bool(chan and chan.is_ext_shared)
