"""Who may do what, as the listeners ask it: one Permission per action in the store's role
table (store.workspace.roles.PERMISSIONS), checked with the data read before the ack."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from store.enums import Role
from store.workspace import require as require_role

if TYPE_CHECKING:
    from handlers.kit.deps import Deps


class Permission(StrEnum):
    LOOKUP = "lookup"
    ASK = "ask"
    FLAG = "flag"
    FOLLOW = "follow"
    EDIT_ORDER = "edit_order"
    EDIT_CUSTOMER = "edit_customer"
    RESOLVE = "resolve"
    APPROVE = "approve"
    DIGEST_SUBSCRIBE = "digest_subscribe"
    REPORT = "report"
    AUDIT = "audit"
    SET_ROLE = "set_role"
    ROUTE = "route"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    SNOOZE = "snooze"
    APPLY_FIX = "apply_fix"
    ENTER_ORDER = "enter_order"
    SHIP = "ship"
    PICK = "pick"
    ALLOCATE = "allocate"
    RETURN = "return"
    CANCEL = "cancel"


def require(deps: Deps, user_id: str, permission: Permission) -> Role:
    """The user's role if it may; else NotAllowed (naming who may), raised before any ack."""
    return require_role(deps.db, user_id=user_id, action=Permission(permission).value,
                        admins=deps.settings.admins, default_role=deps.settings.default_role)
