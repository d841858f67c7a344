"""/orders role @user <role>: admins give people their role."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from messages.common import confirmation_message
from store.enums import Role
from store.errors import ValidationFailed
from store.workspace import set_role

USAGE = "/orders role @user processor|sales|manager|admin"
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9]{2,})$")


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


def register(app: App, deps: Deps) -> None:
    def on_role_command(*, ack, command, **_):
        user_id, role = parse_role_command(command["text"])
        set_role(deps.db, actor=command["user_id"], user_id=user_id, role=role,
                 admins=deps.settings.admins, default_role=deps.settings.default_role)
        ack(confirmation_message(f"<@{user_id}> is now *{role.value}*."))

    deps.orders_command.add("role", on_role_command, usage=USAGE,
                            summary="give someone a role (admins)")
