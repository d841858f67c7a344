"""`/orders audit`: the workspace's own audit trail. Linking a Slack Connect channel to an
account (what another organisation may read) and turning order links on left no trace at all,
and roles, routes and subscriptions were logged where no surface showed them."""

from __future__ import annotations

import json

from bench.app_stack import ADMIN, CHANNEL, MANAGER, PROCESSOR, SALES
from store.models import Event
from store.workspace.audit import AUDIT_PER_PAGE


def orders(stack, text: str, user=ADMIN) -> str:
    answer = stack.sb.slash("/orders", text, user=user, channel=CHANNEL)
    assert answer.status == 200 and not answer.problems, answer.problems
    return json.dumps(answer.body, ensure_ascii=False)


def test_a_manager_reads_who_linked_shared_channels_gave_roles_and_turned_links_on(stack, desk):
    stack.sb.add_channel("C0SHARED", "acme-shared", ext_shared=True)
    orders(stack, f"role <@{PROCESSOR}> manager")
    orders(stack, "connect <#C0SHARED|acme-shared> ACME")
    orders(stack, "connect <#C0SHARED|acme-shared> ACME")  # the same link again: no change
    orders(stack, "connect <#C0SHARED|acme-shared> BETA")
    orders(stack, "autolink <#C0ORDERS|orders> on")
    orders(stack, "disconnect <#C0SHARED|acme-shared>")

    shown = orders(stack, "audit", user=MANAGER)

    expected = ["unlinked C0SHARED from BETA", "turned order links on in C0ORDERS",
                "linked C0SHARED to BETA (it was linked to ACME)",
                "linked C0SHARED to ACME", f"set the role of {PROCESSOR} to manager"]
    at = [shown.find(text) for text in expected]
    assert -1 not in at and at == sorted(at), (at, shown[:2000])  # all there, newest first
    assert f"<@{ADMIN}>" in shown and "Workspace changes" in shown
    assert shown.count("linked C0SHARED to ACME") == 1  # its own line, and BETA's "was"


def test_older_pages_and_a_bad_page_and_who_may_read_it(stack, desk):
    with stack.db.write() as s:
        for n in range(AUDIT_PER_PAGE + 3):
            s.add(Event(actor_id=ADMIN, kind="route_changed", summary=f"route number {n}",
                        changes=[]))
    first = orders(stack, "audit", user=MANAGER)
    assert "route number 12" in first and "route number 2" not in first
    assert "`/orders audit 2`" in first
    second = orders(stack, "audit 2", user=MANAGER)
    assert "route number 2" in second and "route number 12" not in second
    assert "route number 0" in orders(stack, "audit 99", user=MANAGER)  # past the end: the last
    assert "is not a page number" in orders(stack, "audit last", user=MANAGER)
    for user in (SALES, PROCESSOR):
        refused = orders(stack, "audit", user=user)
        assert "You can't read the workspace's audit trail" in refused
        assert "route number" not in refused
