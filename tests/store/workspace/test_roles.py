"""Roles: admins from config, roles set by admins, the default role, and clear refusals."""

import pytest
from sqlalchemy import select

from store.enums import Role
from store.errors import NotAllowed, ValidationFailed
from store.models import Event
from store.workspace.roles import PERMISSIONS, require, role_of, set_role

ADMINS = frozenset({"U0ADMIN"})


def test_admins_from_config_are_admins_and_everyone_else_has_the_default(db):
    assert role_of(db, user_id="U0ADMIN", admins=ADMINS, default_role=Role.SALES) == Role.ADMIN
    assert role_of(db, user_id="U0NEW", admins=ADMINS, default_role=Role.SALES) == Role.SALES
    assert role_of(db, user_id="U0NEW", admins=ADMINS,
                   default_role=Role.PROCESSOR) == Role.PROCESSOR


def test_an_admin_sets_a_role_and_it_is_logged(db):
    set_role(db, actor="U0ADMIN", user_id="U0PROC", role=Role.PROCESSOR, admins=ADMINS,
             default_role=Role.SALES)
    assert role_of(db, user_id="U0PROC", admins=ADMINS, default_role=Role.SALES) == Role.PROCESSOR
    set_role(db, actor="U0ADMIN", user_id="U0PROC", role=Role.MANAGER, admins=ADMINS,
             default_role=Role.SALES)
    with db.read() as s:
        events = list(s.scalars(select(Event).order_by(Event.id)))
    assert [(e.kind, e.actor_id) for e in events] == [("role_changed", "U0ADMIN")] * 2
    assert [(c["before"], c["after"]) for e in events for c in e.changes] == [
        ("sales (default)", "processor"), ("processor", "manager")]


def test_an_assigned_admin_may_set_roles_too(db):
    set_role(db, actor="U0ADMIN", user_id="U0BOSS", role=Role.ADMIN, admins=ADMINS,
             default_role=Role.SALES)
    set_role(db, actor="U0BOSS", user_id="U0REP", role=Role.SALES, admins=ADMINS,
             default_role=Role.PROCESSOR)
    assert role_of(db, user_id="U0REP", admins=ADMINS, default_role=Role.PROCESSOR) == Role.SALES


def test_a_non_admin_cannot_set_roles(db):
    with pytest.raises(NotAllowed) as caught:
        set_role(db, actor="U0REP", user_id="U0REP", role=Role.ADMIN, admins=ADMINS,
                 default_role=Role.MANAGER)
    assert caught.value.role == "manager" and caught.value.allowed_roles == ["admin"]
    assert "set roles" in caught.value.message
    assert role_of(db, user_id="U0REP", admins=ADMINS, default_role=Role.SALES) == Role.SALES


def test_a_config_admin_cannot_be_demoted_here(db):
    with pytest.raises(ValidationFailed, match="ORDERDESK_ADMINS"):
        set_role(db, actor="U0ADMIN", user_id="U0ADMIN", role=Role.SALES, admins=ADMINS,
                 default_role=Role.SALES)


def test_sales_may_look_up_and_flag_but_not_edit(db):
    for action in ("lookup", "ask", "flag"):
        assert require(db, user_id="U0REP", action=action, admins=ADMINS,
                       default_role=Role.SALES) == Role.SALES
    with pytest.raises(NotAllowed) as caught:
        require(db, user_id="U0REP", action="edit_order", admins=ADMINS, default_role=Role.SALES)
    assert caught.value.message.startswith(
        "You can't edit orders: your role is sales; it needs processor or manager or admin.")


def test_permissions_follow_the_brief():
    assert PERMISSIONS["approve"] == {Role.MANAGER, Role.ADMIN}
    assert PERMISSIONS["set_role"] == {Role.ADMIN}
    assert PERMISSIONS["edit_customer"] == {Role.PROCESSOR, Role.MANAGER, Role.ADMIN}
    assert PERMISSIONS["lookup"] == set(Role)


def test_an_unknown_action_is_a_programming_error(db):
    with pytest.raises(ValueError, match="PERMISSIONS"):
        require(db, user_id="U0ADMIN", action="teleport", admins=ADMINS, default_role=Role.SALES)
