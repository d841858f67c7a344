"""/orders role @user <role>: admins give people their role. And Slack deactivating someone
(user_change): off the desk, their items back to the queue, the managers told."""

from __future__ import annotations

import logging
import re

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from handlers.kit.people import is_outsider, slack_user
from messages.common import confirmation_message
from messages.i18n import N_
from store.enums import Role
from store.errors import ValidationFailed
from store.triage import hand_back, person_active, person_deactivated
from store.workspace import SLACK_ID_REST, set_role

LOWEST_ROLE = Role.SALES
SLACKBOT = "USLACKBOT"
USAGE = "/orders role @user processor|sales|manager|admin"
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,26}$")  # Slack's are 9 to 11 characters
log = logging.getLogger("orderdesk")
_MENTION = re.compile(rf"^<@([UW]{SLACK_ID_REST})(?:\|[^>]*)?>$|^@?([UW]{SLACK_ID_REST})$")


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("role", on_role_command, usage=USAGE,
                            summary=N_("give someone a role (admins)"))
    Listeners(app, deps).event("user_change", on_user_change_event)


def on_user_change_event(request: Request) -> Reply:
    """Slack sends every profile change of everyone; only a deactivation concerns the desk.
    Another organisation's people (Slack Connect) hold no role nor item here."""
    user = request.event.get("user")
    if not isinstance(user, dict):
        return Reply()
    user_id = user.get("id")
    home = request.body.get("team_id")
    if not isinstance(user_id, str) or not SLACK_ID.match(user_id) or user.get("is_stranger") \
            or (home and user.get("team_id") and user["team_id"] != home):
        return Reply()  # another organisation's person (Slack Connect): no role here
    if user.get("deleted") is not True:
        person_active(request.deps.db, user_id=user_id)  # reactivated: told again next time
        return Reply()
    settings = request.deps.settings
    left = person_deactivated(request.deps.db, user_id=user_id, admins=settings.admins,
                              default_role=settings.default_role)
    log.info("%s was deactivated in Slack: role before %s, %d items handed back, %d accounts",
             user_id, left.role_before, left.handed_back, left.account_count)
    return Reply().kick_outbox() if left.told or left.handed_back else Reply()


def on_role_command(request: Request) -> Reply:
    request.require(Permission.SET_ROLE)  # set_role checks again: the rule lives in the store
    user_id, role = parse_role_command(request.text)
    settings = request.deps.settings
    set_role(request.deps.db, actor=request.user, user_id=user_id, role=role,
             admins=settings.admins, default_role=settings.default_role,
             display_name=_colleague(request, user_id, role))
    handed = 0 if role != Role.SALES else hand_back(request.deps.db, owner=user_id,
                                                    actor=request.user)
    items = (f" Their {handed} open item{'s' * (handed != 1)} went back to the queue."
             if handed else "")
    return Reply.message(confirmation_message(f"<@{user_id}> is now *{role.value}*.{items}"))


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


def _colleague(request: Request, user_id: str, role: Role) -> str | None:
    """The person's name as Slack shows it (for Assign… lists), once Slack says they are
    someone of this workspace a role means something for. A role given to an id Slack does
    not know, an app, a guest or another organisation's person would list them among the
    desk's people (Assign… would send them a customer's problem) while Orderdesk still refused
    them everything; a deactivated person may only be taken off the desk (the lowest role)."""
    not_a_person = _refusal(user_id, f"<@{user_id}> is an app, not a person: roles are for people.")
    if user_id == SLACKBOT:  # users.info calls Slackbot a person (is_bot false)
        raise not_a_person
    try:
        user = slack_user(request.client, user_id)
    except SlackApiError as err:
        raise _refusal(user_id, f"I couldn't ask Slack who <@{user_id}> is "
                                f"(`{err.response.get('error')}`). Try again in a minute.") \
            from None
    if user is None:
        raise _refusal(user_id, f"Slack has no one with the id `{user_id}` in this workspace. "
                                "Mention them with @, e.g. `/orders role @sam sales`.")
    if user.get("is_bot"):
        raise not_a_person
    if is_outsider(request.client, user_id):
        raise _refusal(user_id, f"<@{user_id}> is a guest or from another organisation, so "
                                "Orderdesk gives them no role: they can look up only their own "
                                "account's orders, in a channel linked to it (`/orders connect`).")
    if user.get("deleted") and role != LOWEST_ROLE:
        raise _refusal(user_id, f"<@{user_id}> is deactivated in Slack. The only role they can "
                                f"be given is `{LOWEST_ROLE.value}`, which takes them off the "
                                "desk's lists.")
    profile = user.get("profile") or {}
    return profile.get("display_name") or user.get("real_name") or user.get("name")


def _refusal(user_id: str, text: str) -> ValidationFailed:
    return ValidationFailed({"user": text}, mentions=(user_id,))
