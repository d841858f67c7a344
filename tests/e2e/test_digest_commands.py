"""/orders digest and /orders report through the sandbox, and the drill-down buttons on a
posted digest: real signed requests, Block Kit validated on the wire."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from slack_sdk import WebClient
from sqlalchemy import update

from bench.app_stack import MANAGER, PROCESSOR, SALES
from jobs.schedule import tick_digests
from messages.actions import DigestActions
from store.metrics.subscriptions import list_digest_subscriptions, subscribe_digest
from store.models import DigestSubscription, Event
from store.workspace import list_routes
from tests.support.metrics_desk import AFTER_WEEK, build_desk, post_due_digests

MGR_CHANNEL = "C0MGR"
# The hand-counted desk is ISO week 45 2026, a fixed calendar: its tests pin the clock to the
# Monday after it, when its weekly digest is due.


def slash(stack, command_text, *, user, channel=MGR_CHANNEL):
    delivery = stack.sb.slash("/orders", command_text, user=user, channel=channel)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    return delivery


def last_ephemeral(stack, user, channel=MGR_CHANNEL):
    """The newest answer. A report's instant "Counting…" ack can be drawn after the figures
    its later work sent by response_url, so it never counts as the newest once they're in."""
    shown = stack.sb.ephemerals(user=user, channel=channel)
    answers = [m for m in shown if not m.text.startswith("Counting ")]
    return (answers or shown)[-1]


def text(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def test_a_manager_subscribes_a_channel_lists_and_unsubscribes(stack):
    slash(stack, "digest subscribe weekly <#C0WH|warehouse> at 09:30 europe/berlin",
          user=MANAGER)
    assert "<#C0WH|warehouse> will get the *weekly* digest at 09:30 Europe/Berlin" in \
        text(last_ephemeral(stack, MANAGER))
    slash(stack, "digest subscribe daily", user=MANAGER)  # here, 08:00, workspace zone
    (weekly, daily) = list_digest_subscriptions(stack.db)
    assert (daily.channel_id, daily.at_time, daily.timezone) == (MGR_CHANNEL, "08:00", "UTC")

    slash(stack, "digest list", user=MANAGER)
    listed = text(last_ephemeral(stack, MANAGER))
    assert f"`#{weekly.id}` *weekly* in <#C0WH>" in listed and "*daily* in <#C0MGR>" in listed

    slash(stack, f"digest unsubscribe #{weekly.id}", user=MANAGER)
    slash(stack, "digest unsubscribe daily", user=MANAGER)
    assert "no longer gets the *daily* digest" in text(last_ephemeral(stack, MANAGER))
    assert list_digest_subscriptions(stack.db) == ()


def test_only_managers_and_admins_manage_digests(stack):
    slash(stack, "digest subscribe daily", user=SALES)
    assert "You can't subscribe channels to digests" in text(last_ephemeral(stack, SALES))
    slash(stack, "digest subscribe daily", user=PROCESSOR)
    assert "it needs manager or admin" in text(last_ephemeral(stack, PROCESSOR))
    assert list_digest_subscriptions(stack.db) == ()


def test_a_channel_typed_as_plain_text_is_found_by_its_name(stack):
    """#15.11: a typed `#desk-managers` was refused where only a picked `<#C…>` worked; the
    confirmation showed `#C0MGR`, not the channel's name."""
    slash(stack, "digest subscribe daily #desk-managers", user=MANAGER, channel="C0ORDERS")
    assert "<#C0MGR|desk-managers> will get the *daily* digest" in text(
        last_ephemeral(stack, MANAGER, channel="C0ORDERS"))
    assert [s.channel_id for s in list_digest_subscriptions(stack.db)] == ["C0MGR"]
    slash(stack, "digest subscribe weekly #no-such-room", user=MANAGER)
    assert "can't find a channel named #no-such-room" in text(last_ephemeral(stack, MANAGER))


@pytest.mark.parametrize("private,says", [
    (False, "I'm not in that channel yet, so posts to it would be refused"),
    (True, "I can't see that channel: it is private and I'm not in it"),
])
def test_a_subscription_to_a_channel_orderdesk_is_not_in_says_how_to_fix_it(stack, private, says):
    """The digest would be refused there every period, unseen (not_in_channel /
    channel_not_found); the confirmation says so and how to invite Orderdesk, as a route's
    does."""
    stack.sb.add_channel("C0ELSEWHERE", "elsewhere", is_private=private, members=[MANAGER],
                         bot_member=False)
    slash(stack, "digest subscribe weekly <#C0ELSEWHERE|elsewhere>", user=MANAGER)
    said = text(last_ephemeral(stack, MANAGER))
    assert "will get the *weekly* digest" in said and says in said and "/invite @Orderdesk" in said
    slash(stack, "digest subscribe daily", user=MANAGER)
    assert "I'm in it, so posts will arrive" in text(last_ephemeral(stack, MANAGER))


def test_digests_and_problems_are_not_sent_where_another_organisation_reads(stack):
    """A digest names every customer and its value, a triage route the desk's problems: a
    Slack Connect channel may see its own account's orders only. A 3PL's warehouse channel
    may be shared: its route is taken."""
    stack.sb.add_channel("C0PARTNER", "partner-shared", ext_shared=True,
                         members=[MANAGER, "U0ADMIN"])
    slash(stack, "digest subscribe weekly <#C0PARTNER|partner-shared>", user=MANAGER)
    assert "<#C0PARTNER> is shared with another organisation, and the digest is for your own " \
        "team" in text(last_ephemeral(stack, MANAGER))
    assert list_digest_subscriptions(stack.db) == ()
    refused = stack.sb.slash("/orders", "route price-mismatch <#C0PARTNER>", user="U0ADMIN",
                             channel="C0ORDERS")
    assert "is shared with another organisation" in str(refused.body)
    taken = stack.sb.slash("/orders", "route warehouse <#C0PARTNER>", user="U0ADMIN",
                           channel="C0ORDERS")
    assert "now goes to <#C0PARTNER" in str(taken.body)
    assert {r.key: r.channel_id for r in list_routes(stack.db)}.get("price_mismatch") != \
        "C0PARTNER"


def test_routes_take_channel_names_and_show_them(stack):
    answer = stack.sb.slash("/orders", "route manager #desk-managers", user="U0ADMIN",
                            channel="C0ORDERS")
    assert "now goes to <#C0MGR|desk-managers>" in str(answer.body)
    listed = stack.sb.slash("/orders", "route", user="U0ADMIN", channel="C0ORDERS")
    assert "`manager` → <#C0MGR|desk-managers>" in str(listed.body)


def test_a_report_answers_only_the_asker_and_drills_into_the_late_orders(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    slash(stack, "report weekly 2026-11-02", user=PROCESSOR)
    stack.sb.wait_for(lambda: "Report · Week 45" in text(last_ephemeral(stack, PROCESSOR)))
    report = last_ephemeral(stack, PROCESSOR)
    assert "Orders received*\\n8" in text(report) and not stack.sb.messages(MGR_CHANNEL)

    stack.sb.click(f"{DigestActions.DRILL}:late", user=PROCESSOR, message=report)
    stack.sb.wait_for(lambda: "not shipped on time" in text(last_ephemeral(stack, PROCESSOR)))
    assert "`SO-O2`" in text(last_ephemeral(stack, PROCESSOR))


def test_a_report_as_csv_lands_in_the_askers_dms(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    slash(stack, "report weekly 2026-11-02 csv", user=PROCESSOR)
    stack.sb.wait_for(lambda: "are in your DMs" in text(last_ephemeral(stack, PROCESSOR)))
    (export, problems) = stack.sb.files(stack.sb.im_channel(PROCESSOR))
    assert export.name == "orders-weekly-2026-11-02-to-2026-11-08.csv"
    assert problems.name == "discrepancies-weekly-2026-11-02-to-2026-11-08.csv"
    assert problems.data.decode().count("\n") == 7  # header + 6 discrepancies
    assert export.data.decode().count("\n") == 12  # header + 11 orders


def test_a_report_as_xlsx_lands_in_the_askers_dms_and_opens_in_excel(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    slash(stack, "report weekly 2026-11-02 XLSX", user=PROCESSOR)
    stack.sb.wait_for(lambda: "The workbook" in text(last_ephemeral(stack, PROCESSOR)))
    (book,) = stack.sb.files(stack.sb.im_channel(PROCESSOR))
    assert book.name == "report-weekly-2026-11-02-to-2026-11-08.xlsx"
    sheets = openpyxl.load_workbook(io.BytesIO(book.data))
    assert sheets.sheetnames == ["Summary", "Days", "Orders", "Discrepancies"]
    assert sheets["Orders"].max_row == 12


def test_sales_reps_cannot_see_reports(stack):
    slash(stack, "report monthly", user=SALES)
    assert "You can't see reports" in text(last_ephemeral(stack, SALES))


def test_a_bad_date_is_explained(stack):
    slash(stack, "report weekly 02/11/2026", user=PROCESSOR)
    assert "Write it as YYYY-MM-DD" in text(last_ephemeral(stack, PROCESSOR))


@pytest.mark.parametrize("command", ["report daily 9999-12-31", "report monthly 9999-12-31",
                                     "report weekly 0001-01-01", "report me daily 0001-01-01",
                                     "report weekly 2026-11-02 0001-01-01"])
def test_a_date_at_the_ends_of_the_calendar_is_explained_not_an_error(stack, command):
    """The period before year 1's first week, the month after 9999-12: OverflowError, it was."""
    slash(stack, command, user=PROCESSOR)
    assert "outside what a report covers" in text(last_ephemeral(stack, PROCESSOR))


def test_a_posted_digests_buttons_answer_the_clicker_alone(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    slash(stack, "digest subscribe weekly", user=MANAGER)
    post_due_digests(stack)
    (digest,) = stack.sb.messages(MGR_CHANNEL)
    assert stack.sb.thread(MGR_CHANNEL, digest.ts)[0].files  # the chart

    stack.sb.click(f"{DigestActions.DRILL}:backlog", user=MANAGER, message=digest)
    stack.sb.wait_for(lambda: "Backlog at the end" in text(last_ephemeral(stack, MANAGER)))
    shown = text(last_ephemeral(stack, MANAGER))
    assert "`SO-P3`" in shown and "`SO-O9`" in shown
    assert len(stack.sb.messages(MGR_CHANNEL)) == 1  # nothing new for everyone


def test_sixty_subscriptions_are_listed_in_pages_of_sections_slack_accepts(stack):
    zone = "America/Argentina/ComodRivadavia"  # the longest rows: a long zone name
    for n in range(60):
        subscribe_digest(stack.db, period="weekly", channel_id=f"C0SUB{n:04d}", at_time="09:30",
                         timezone=zone, actor=MANAGER)
    ids = [s.id for s in list_digest_subscriptions(stack.db)]

    slash(stack, "digest list", user=MANAGER)  # no problems: every block within Slack's limits
    first = last_ephemeral(stack, MANAGER)
    assert all(len(b["text"]["text"]) <= 3000 for b in first.blocks if b["type"] == "section")
    assert [i for i in ids if f"`#{i}`" in text(first)] == ids[:50]
    assert "`/orders digest list 2`" in text(first)
    slash(stack, "digest list 2", user=MANAGER)
    assert [i for i in ids if f"`#{i}`" in text(last_ephemeral(stack, MANAGER))] == ids[50:]


def test_a_processor_reads_their_own_scorecard(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    with stack.db.write() as s:
        s.add(Event(actor_id=PROCESSOR, kind="edited", at=datetime(2026, 11, 3, tzinfo=UTC),
                    summary="edited"))
    slash(stack, "report me weekly 2026-11-02", user=PROCESSOR)
    stack.sb.wait_for(lambda: "Your scorecard · Week 45" in text(last_ephemeral(stack,
                                                                              PROCESSOR)))
    assert "*Edits*\\n1" in text(last_ephemeral(stack, PROCESSOR))


def test_a_manager_subscribes_a_channel_to_the_weekly_scorecard(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    slash(stack, "digest subscribe scorecard weekly", user=MANAGER)
    assert "will get the *weekly* scorecard" in text(last_ephemeral(stack, MANAGER))
    slash(stack, "digest subscribe weekly", user=MANAGER)  # the digest is another one
    assert [s.report for s in list_digest_subscriptions(stack.db)] == ["scorecard", "digest"]
    with stack.db.write() as s:
        s.execute(update(DigestSubscription).values(created_at=datetime(2026, 11, 2, 9,
                                                                        tzinfo=UTC)))
    client = WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)
    tick_digests(db=stack.db, client=client, claimed_by="clock", now=AFTER_WEEK)
    posts = {m.text.split(" · ")[0]: m for m in stack.sb.messages(MGR_CHANNEL)}
    assert set(posts) == {"Processor scorecard", "Weekly digest"}
    assert not stack.sb.thread(MGR_CHANNEL, posts["Processor scorecard"].ts)  # no chart
    slash(stack, "digest unsubscribe scorecard weekly", user=MANAGER)
    assert [s.report for s in list_digest_subscriptions(stack.db)] == ["digest"]


def test_a_report_for_a_period_not_started_is_refused_and_csv_says_where_it_goes(stack):
    """#15.11: a future week answered zeros "(so far)"; csv said "the figures follow"."""
    from store import clock
    future = (clock.today() + timedelta(days=21)).isoformat()
    slash(stack, f"report weekly {future}", user=PROCESSOR)
    assert "hasn't started yet" in text(last_ephemeral(stack, PROCESSOR))
    answer = slash(stack, "report weekly csv", user=PROCESSOR)
    assert "CSV files will be in your DMs" in str(answer.body)
    assert "figures follow" not in str(answer.body)
