"""/orders role @user <role>: admins give people their role."""

from __future__ import annotations

import re

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from handlers.kit import Deps, Permission, Reply, Request
from messages.common import confirmation_message
from messages.i18n import N_
from store.enums import Role
from store.errors import ValidationFailed
from store.workspace import SLACK_ID_REST, set_role

USAGE = "/orders role @user processor|sales|manager|admin"
_MENTION = re.compile(rf"^<@([UW]{SLACK_ID_REST})(?:\|[^>]*)?>$|^@?([UW]{SLACK_ID_REST})$")


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("role", on_role_command, usage=USAGE,
                            summary=N_("give someone a role (admins)"))


def on_role_command(request: Request) -> Reply:
    request.require(Permission.SET_ROLE)  # set_role checks again: the rule lives in the store
    user_id, role = parse_role_command(request.text)
    settings = request.deps.settings
    set_role(request.deps.db, actor=request.user, user_id=user_id, role=role,
             admins=settings.admins, default_role=settings.default_role,
             display_name=_name(request, user_id))
    return Reply.message(confirmation_message(f"<@{user_id}> is now *{role.value}*."))


def parse_role_command(text: str) -> tuple[str, Role]:
    parts = text.split()
    if len(parts) != 2:
        raise ValidationFailed({"text": f"expected a person and a role. Usage: `{USAGE}`"})
    match = _MENTION.match(parts[0])
    if not match:
        raise ValidationFailed(
            {"user": f"`{parts[0]}` is not a person. Mention them, e.g. `/orders role @sam sales`."}
        )
    try:
        role = Role(parts[1].lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationFailed({"role": f"`{parts[1]}` is not a role. Use one of: {allowed}."}) \
            from None
    return match.group(1) or match.group(2), role


def _name(request: Request, user_id: str) -> str | None:
    """The person's name as Slack shows it (for Assign… lists); None if Slack won't say."""
    try:
        user = request.client.users_info(user=user_id)["user"]
    except SlackApiError:
        return None
    profile = user.get("profile") or {}
    return profile.get("display_name") or user.get("real_name") or user.get("name")

