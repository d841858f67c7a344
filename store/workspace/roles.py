"""Who may do what. Admins come from ORDERDESK_ADMINS (always admin); admins give everyone
else a role; people nobody assigned have the configured default role."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import Role
from store.errors import NotAllowed, ValidationFailed
from store.models import Event, User

ROLE_CHANGED = "role_changed"
_ORDER = (Role.SALES, Role.PROCESSOR, Role.MANAGER, Role.ADMIN)
EVERYONE = frozenset(Role)
DESK = frozenset({Role.PROCESSOR, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "lookup": EVERYONE,
    "ask": EVERYONE,
    "flag": EVERYONE,
    "follow": EVERYONE,
    "edit_order": DESK,
    "edit_customer": DESK,
    "claim": DESK,
    "resolve": DESK,
    "approve": MANAGERS,
    "digest_subscribe": MANAGERS,
    "report": DESK,
    "audit": MANAGERS,
    "set_role": ADMINS,
    "route": ADMINS,
    # triage (handlers/triage*.py, handlers/flag.py, handlers/new_order.py)
    "assign": DESK,
    "escalate": DESK,
    "snooze": DESK,
    "apply_fix": DESK,
    "enter_order": DESK,
    # fulfilment (handlers/fulfilment.py, returns.py, cancel.py; approvals use "approve")
    "ship": DESK,
    "pick": DESK,
    "allocate": DESK,
    "return": DESK,
    "cancel": DESK,
}

# How a refusal names the action: "You can't <phrase>".
ACTION_PHRASES: dict[str, str] = {
    "lookup": "look up orders", "ask": "ask about orders", "flag": "flag problems",
    "follow": "follow orders", "edit_order": "edit orders", "edit_customer": "edit customers",
    "claim": "claim discrepancies", "resolve": "resolve discrepancies",
    "approve": "approve changes", "digest_subscribe": "subscribe channels to digests",
    "report": "see reports", "audit": "read the workspace's audit trail",
    "set_role": "set roles", "route": "route channels",
    "assign": "assign discrepancies", "escalate": "escalate discrepancies",
    "snooze": "snooze discrepancies", "apply_fix": "apply fixes to orders",
    "enter_order": "enter orders",
    "ship": "record shipments", "pick": "update pick requests",
    "allocate": "release orders to the warehouse", "return": "record returns",
    "cancel": "cancel orders",
}


_ROLE = select(User.role).where(User.slack_user_id == bindparam("user_id"))  # built once


def role_of(db: Database, *, user_id: str, admins: Collection[str], default_role: Role) -> Role:
    if user_id in admins:
        return Role.ADMIN
    with db.read() as session:
        # A Core statement on the session's connection: the ORM's execute path costs more than
        # this one-column read (it runs on every listener's permission check).
        role = session.connection().execute(_ROLE, {"user_id": user_id}).scalar()
    return Role(role) if role is not None else Role(default_role)


def roles_in(session: Session, user_ids: Collection[str], *, admins: Collection[str],
             default_role: Role) -> dict[str, Role]:
    """user id -> role, inside the caller's transaction (one query for all of them)."""
    assigned = dict(session.execute(select(User.slack_user_id, User.role)
                                    .where(User.slack_user_id.in_(set(user_ids)))).all())
    return {uid: Role.ADMIN if uid in admins else Role(assigned.get(uid) or default_role)
            for uid in user_ids}


def may(role: Role, action: str) -> bool:
    """Whether `role` may do `action` (what a message offers; `require` decides)."""
    return role in PERMISSIONS[action]


def require(db: Database, *, user_id: str, action: str, admins: Collection[str],
            default_role: Role) -> Role:
    """The user's role if it may do `action`; else NotAllowed naming who may."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}; add it to store.workspace.roles.PERMISSIONS")
    role = role_of(db, user_id=user_id, admins=admins, default_role=default_role)
    allowed = PERMISSIONS[action]
    if role not in allowed:
        raise NotAllowed(ACTION_PHRASES.get(action, action.replace("_", " ")), role.value,
                         [r.value for r in _ORDER if r in allowed])
    return role


def set_role(db: Database, *, actor: str, user_id: str, role: Role, admins: Collection[str],
             default_role: Role, display_name: str | None = None) -> None:
    """Give `user_id` a role. Only admins may; the change is logged as an event.
    `display_name` (from Slack's users.info) is kept for lists of people (Assign…)."""
    require(db, user_id=actor, action="set_role", admins=admins, default_role=default_role)
    role = Role(role)
    if user_id in admins and role != Role.ADMIN:
        raise ValidationFailed({"role": (
            f"{user_id} is an admin through ORDERDESK_ADMINS, which always wins; "
            "remove them from that setting to change their role.")})
    with db.write() as session:
        user = session.get(User, user_id)
        before = user.role if user is not None else None
        if display_name:
            display_name = display_name.strip()[:200] or None
        if user is None:
            user = User(slack_user_id=user_id, role=role, display_name=display_name)
            session.add(user)
        elif Role(user.role) == role:
            if display_name and user.display_name != display_name:
                user.display_name = display_name
            return
        if display_name:
            user.display_name = display_name
        user.role, user.updated_by, user.updated_at = role, actor, clock.now()
        shown_before = (Role(before).value if before is not None
                        else f"{Role(default_role).value} (default)")
        session.add(Event(
            actor_id=actor, kind=ROLE_CHANGED, at=clock.now(),
            summary=f"set the role of {user_id} to {role.value}",
            changes=[{"field": "role", "before": shown_before, "after": role.value,
                      "user_id": user_id}],
        ))


def desk_people(db: Database) -> list[tuple[str, str]]:
    """(user id, name) of everyone given a role that may work triage items (processors,
    managers, admins), by name: the choices of *Assign…*. Admins named only in
    ORDERDESK_ADMINS are not listed; they take items with *Assign to me*."""
    with db.read() as session:
        rows = session.execute(select(User.slack_user_id, User.display_name).where(
            User.role.in_(list(PERMISSIONS["assign"])))).all()
    return sorted(((uid, name or uid) for uid, name in rows), key=lambda p: p[1].lower())



def take_off_desk(db: Database, *, user_id: str, admins: Collection[str], default_role: Role,
                  reason: str) -> Role | None:
    """`user_id` left (Slack deactivated them): the lowest role, which is all a deactivated
    person may hold (handlers/roles.py refuses them any other), logged with `reason` as the
    system's doing. Returns the role they had, or None when they already had the lowest.
    Admins named in ORDERDESK_ADMINS keep theirs: that setting always wins."""
    if user_id in admins:
        return None
    with db.write() as session:
        user = session.get(User, user_id, with_for_update=True)
        before = Role(user.role if user is not None else default_role)
        if before == _ORDER[0]:
            return None
        shown_before = before.value if user is not None else f"{before.value} (default)"
        if user is None:
            user = User(slack_user_id=user_id, role=_ORDER[0])
            session.add(user)
        user.role, user.updated_by, user.updated_at = _ORDER[0], "system", clock.now()
        session.add(Event(
            actor_id="system", kind=ROLE_CHANGED, at=clock.now(),
            summary=f"set the role of {user_id} to {_ORDER[0].value}: {reason}",
            changes=[{"field": "role", "before": shown_before, "after": _ORDER[0].value,
                      "user_id": user_id}]))
        return before
