"""/orders digest ... (subscriptions), /orders report ... (on demand), drill-down buttons.

    /orders digest subscribe [scorecard] daily|weekly|monthly [#channel] [at HH:MM] [timezone]
                                                                            [lang es|en|auto]
    /orders digest unsubscribe <id | period [#channel]>
    /orders digest list [page]
    /orders report [me] daily|weekly|monthly [from] [to] [csv|xlsx]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from slack_bolt import App

from handlers.kit import (
    Deps,
    Listeners,
    Permission,
    Reply,
    Request,
    posting_note,
    require_own_channel,
    resolve_channel,
)
from messages.actions import DigestActions
from messages.common import confirmation_message, usage_message
from messages.digest import (
    DrillRef,
    digest_message,
    drill_message,
    subscriptions_message,
    working_message,
)
from messages.i18n import LANGUAGES, N_, in_language
from messages.scorecard import scorecard_message
from store import clock
from store.errors import ValidationFailed
from store.metrics import (
    build_digest,
    build_scorecard,
    discrepancies_csv,
    drill_orders,
    list_digest_subscriptions,
    orders_csv,
    report_xlsx,
    subscribe_digest,
    unsubscribe_digest,
)
from store.periods import (
    Period,
    canonical_zone,
    check_kind,
    check_time,
    custom_period,
    last_complete_period,
    local_date,
    period_containing,
)
from store.workspace import AUTO, SLACK_ID_REST, check_language

DIGEST_USAGE = ("/orders digest subscribe [scorecard] daily|weekly|monthly [#channel] "
                "[at HH:MM] [timezone] [lang es|en|auto] "
                "| unsubscribe <id or [scorecard] period [#channel]> "
                "| list [page]")
REPORT_USAGE = ("/orders report [me] daily|weekly|monthly [from YYYY-MM-DD] [to YYYY-MM-DD] "
                "[csv|xlsx]")
EXPORTS = ("csv", "xlsx")
SCORECARD = "scorecard"
_CHANNEL = re.compile(rf"^<#([CG]{SLACK_ID_REST})(?:\|[^>]*)?>$|^([CG]{SLACK_ID_REST})$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_ID = re.compile(r"^#?(\d+)$")
DEFAULT_TIME = "08:00"
# The period words in Spanish too, beside the Spanish keywords (`/orders informe semanal`).
SPANISH_PERIODS = {"diario": "daily", "diaria": "daily", "semanal": "weekly",
                   "mensual": "monthly"}


@dataclass(frozen=True)
class SubscribeArgs:
    period: str
    channel_id: str
    at_time: str | None
    timezone: str | None
    report: str = "digest"  # or "scorecard"
    language: str | None = None  # None: the workspace default


@dataclass(frozen=True)
class ReportArgs:
    period: Period
    export: str | None  # csv, xlsx, or None for the figures in Slack
    mine: bool = False  # `/orders report me`: the asker's own scorecard


def channel_in(token: str) -> str | None:
    """The channel a typed word names: `<#C123|name>` or a bare id as the id, a name typed as
    plain text (`#desk-managers`) as itself, resolved later (handlers.kit.resolve_channel);
    None when it names none."""
    match = _CHANNEL.match(token)
    if match:
        return match.group(1) or match.group(2)
    if token.startswith(("#", "<#")) and len(token) > 1:  # resolve_channel says what is wrong
        return token
    return None


def parse_subscribe(words: list[str], *, channel_id: str) -> SubscribeArgs:
    report = "digest"
    if words and words[0].lower() == SCORECARD:
        report, words = SCORECARD, words[1:]
    if not words:
        raise ValidationFailed({"period": f"which digest? Usage: `{DIGEST_USAGE}`"})
    period, channel, at_time, timezone = _kind(words[0]), channel_id, None, None
    language = None
    rest = iter(words[1:])
    for word in rest:
        if word.lower() == "at":
            at_time = check_time(next(rest, ""))
        elif word.lower() in ("lang", "language"):
            language = check_language(next(rest, ""), LANGUAGES)
        elif _TIME.match(word):
            at_time = check_time(word)
        elif (found := channel_in(word)) is not None:
            channel = found
        else:
            timezone = canonical_zone(word)
    return SubscribeArgs(period, channel, at_time, timezone, report,
                         None if language in (None, AUTO) else language)


REPORT_DAYS = (date(1900, 1, 1), date(2999, 12, 31))


def parse_report(text: str, *, today: date) -> ReportArgs:
    words = text.split()
    if words and words[0].lower() == "me":  # one's own scorecard, weekly unless told
        if any(w.lower() in EXPORTS for w in words):
            raise ValidationFailed({"period": "your scorecard comes as a message, not a file."})
        args = parse_report(" ".join(words[1:]) or "weekly", today=today)
        return ReportArgs(args.period, None, mine=True)
    export = next((w.lower() for w in words if w.lower() in EXPORTS), None)
    words = [w for w in words if w.lower() not in EXPORTS]
    if not words:
        raise ValidationFailed({"period": f"which period? Usage: `{REPORT_USAGE}`"})
    kind, dates = _kind(words[0]), [_date(w) for w in words[1:]]
    if len(dates) > 2:
        raise ValidationFailed({"to": f"at most two dates. Usage: `{REPORT_USAGE}`"})
    if len(dates) == 2:
        return ReportArgs(custom_period(*dates), export)
    if len(dates) == 1:
        return ReportArgs(period_containing(kind, dates[0]), export)
    return ReportArgs(last_complete_period(kind, today), export)


def _kind(word: str) -> str:
    return check_kind(SPANISH_PERIODS.get(word.lower(), word))


def _date(word: str) -> date:
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise ValidationFailed({"from": f"`{word}` is not a date. Write it as YYYY-MM-DD."}) \
            from None
    # A period around year 1 or 9999 (the one before, the month after) is not a date Python has.
    if not REPORT_DAYS[0] <= day <= REPORT_DAYS[1]:
        raise ValidationFailed({"from": (
            f"`{word}` is outside what a report covers: a date from "
            f"{REPORT_DAYS[0].year} to {REPORT_DAYS[1].year}.")})
    return day


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("digest", on_digest_command, usage=DIGEST_USAGE,
                            summary=N_("scheduled digests for a channel (managers)"))
    deps.orders_command.add("report", on_report_command, usage=REPORT_USAGE,
                            summary=N_("the figures of a period, now, or its orders as CSV "
                                       "or XLSX"))
    Listeners(app, deps).action(re.compile(rf"^{re.escape(DigestActions.DRILL)}:\w+$"),
                                on_drill_button)


def on_digest_command(request: Request) -> Reply:
    request.require(Permission.DIGEST_SUBSCRIBE)
    action, _, rest = request.text.partition(" ")
    words, action = rest.split(), action.lower()
    if action == "subscribe":
        args = parse_subscribe(words, channel_id=request.channel)
        return Reply.message(subscribe(request, args))
    if action == "unsubscribe":
        return Reply.message(unsubscribe(request, words))
    if action == "list":
        page = int(words[0]) if words and words[0].isdecimal() else 1
        return Reply.message(subscriptions_message(list_digest_subscriptions(request.deps.db),
                                                   page=page))
    return Reply.message(usage_message("/orders digest", [(DIGEST_USAGE, "digests for a channel")],
                                       unknown=action or None))


def on_report_command(request: Request) -> Reply:
    """Answered at once ("Counting…"); the figures, or the CSV, follow after the ack."""
    request.require(Permission.REPORT)
    tz = request.deps.settings.timezone
    today = local_date(clock.now(), tz)
    args = parse_report(request.text, today=today)
    if args.period.start > today:  # nothing to count yet: zeros would read as a bad week
        raise ValidationFailed({"from": (
            f"{args.period.label()} hasn't started yet (it starts on "
            f"{args.period.start.isoformat()}); ask for it once it has.")})
    return Reply.message(working_message(args.period, export=args.export)).later(
        lambda: report(request, args))


def on_drill_button(request: Request) -> Reply:
    request.require(Permission.REPORT)
    ref = DrillRef.loads(request.value)
    view = drill_orders(request.deps.db, kind=ref.kind, period=ref.period, timezone=ref.timezone)
    return Reply().respond(drill_message(view))


def subscribe(request: Request, args: SubscribeArgs) -> dict:
    channel = resolve_channel(request.client, args.channel_id)
    require_own_channel(request.client, channel, f"the {args.report}")
    result = subscribe_digest(request.deps.db, period=args.period, channel_id=channel.id,
                              at_time=args.at_time or DEFAULT_TIME,
                              timezone=args.timezone or request.deps.settings.timezone,
                              actor=request.user, report=args.report, language=args.language)
    s = result.subscription
    verb = "will get" if result.created else "now gets"
    replaced = (f", replacing `#{result.replaced_id}`: its periods were another time zone's, "
                "and those already posted stay as they were") if result.replaced_id else ""
    return confirmation_message(
        f"{channel.link} {verb} the *{s.period}* {s.report} at {s.at_time} {s.timezone}"
        f"{in_language(s.language)} "
        f"(subscription `#{s.id}`{replaced}). The first one comes when the current period is "
        f"over.{posting_note(request.client, channel.id)}")


def unsubscribe(request: Request, words: list[str]) -> dict:
    if not words:
        raise ValidationFailed({"id": f"which one? Usage: `{DIGEST_USAGE}`"})
    db, actor = request.deps.db, request.user
    report = "digest"
    if words[0].lower() == SCORECARD and len(words) > 1:
        report, words = SCORECARD, words[1:]
    if match := _ID.match(words[0]):
        s = unsubscribe_digest(db, actor=actor, subscription_id=int(match.group(1)))
    else:
        token = next((c for w in words[1:] if (c := channel_in(w))), request.channel)
        s = unsubscribe_digest(db, actor=actor, period=words[0],
                               channel_id=resolve_channel(request.client, token).id,
                               report=report)
    link = resolve_channel(request.client, s.channel_id).link
    return confirmation_message(f"{link} no longer gets the *{s.period}* {s.report} "
                                f"(subscription `#{s.id}` stopped).")


def report(request: Request, args: ReportArgs) -> Reply:
    """After the ack: the figures into the asker's view, or the export into their DM."""
    db, tz = request.deps.db, request.deps.settings.timezone
    if args.mine:
        view = build_scorecard(db, period=args.period, timezone=tz, now=clock.now(),
                               user_id=request.user)
        return Reply().respond(scorecard_message(view, ephemeral=True))
    if args.export is None:
        view = build_digest(db, period=args.period, timezone=tz, now=clock.now())
        return Reply().respond(digest_message(view, ephemeral=True, title="Report"))
    if args.export == "xlsx":
        book = report_xlsx(db, period=args.period, timezone=tz, now=clock.now())
        files, told = [book], f"The workbook ({book.rows:,} orders) is in your DMs."
        comment = f"The report for {args.period.label()}: figures and {book.rows:,} orders."
    else:
        orders = orders_csv(db, period=args.period, timezone=tz)
        problems = discrepancies_csv(db, period=args.period, timezone=tz, now=clock.now())
        files = [orders, problems]
        told = (f"The CSVs ({orders.rows:,} orders, {problems.rows:,} discrepancies) are in "
                "your DMs.")
        comment = (f"{orders.rows:,} orders and {problems.rows:,} discrepancies behind the "
                   f"report for {args.period.label()}.")
    dm = request.client.conversations_open(users=request.user)["channel"]["id"]
    request.client.files_upload_v2(
        channel=dm, title=f"Orders · {args.period.label()}", initial_comment=comment,
        file_uploads=[{"file": f.content, "filename": f.filename, "title": f.filename}
                      for f in files])
    return Reply().respond(confirmation_message(told))
